#!/bin/bash
# Socket activation (d): Debian's unmodified dbus-daemon on a socket ember created, and real
# clients (dbus-send) talking to it.
#  - testbus.socket listens on $WORK/bus (a unix path); testbus.service runs
#    `/usr/bin/dbus-daemon --address=systemd: --nofork --nopidfile` (Type=notify, like
#    Debian's dbus.service) with a session-bus-like config the test writes: the daemon
#    takes its listening socket from LISTEN_FDS/LISTEN_PID and reports READY=1 with
#    sd_notify.
#  - Only the socket is started: the daemon is not running until a client connects; the
#    first client's call is served by the dbus-daemon ember started for it.
#  - Readiness: the first start is held inside dbus-daemon's start-up, before it reports
#    READY=1 (see the gate below); meanwhile the unit is "activating" and the client has no
#    answer. Only after the gate opens does the client get its answer and the unit go active.
#  - A second client is served by the same daemon (same bus ID, same MainPID).
#  - `emberctl stop` stops the daemon, the socket stays listening (same inode); the next
#    client starts a new daemon (new MainPID, new bus ID) and is served; twice over.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DBUS_DAEMON=/usr/bin/dbus-daemon
[[ -x $DBUS_DAEMON ]] || skip "$DBUS_DAEMON is not installed"
DBUS_SEND=$(command -v dbus-send) || skip "dbus-send is not installed"
it_setup

BUS=$WORK/bus
ADDR=unix:path=$BUS

# The gate: dbus-daemon reads every file of each <servicedir> while it starts, before it
# calls sd_notify("READY=1"). A FIFO there makes that open() wait until the test opens the
# FIFO for writing; the daemon then reads an empty file and ignores it (it is not a valid
# .service file). The FIFO is removed when the gate opens, so later starts run through.
mkdir -p "$WORK/services"
mkfifo "$WORK/services/gate.service"

# A minimal session-bus-like configuration. dbus-daemon refuses a configuration without a
# <listen> element even when --address= overrides it ("Configuration file needs one or
# more <listen> elements"), so it names the same address as the command line.
cat >"$WORK/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>systemd:</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$WORK/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

unit testbus.socket <<EOF
[Unit]
Description=Test message bus socket
[Socket]
ListenStream=$BUS
EOF
unit testbus.service <<EOF
[Unit]
Description=Test message bus
Requires=testbus.socket
[Service]
Type=notify
NotifyAccess=main
ExecStart=$DBUS_DAEMON --config-file=$WORK/bus.conf --address=systemd: --nofork --nopidfile
EOF

# call METHOD: one client connection, one call to the bus driver; prints the reply.
call() {
	timeout 120 "$DBUS_SEND" --bus="$ADDR" --print-reply --reply-timeout=120000 \
		--dest=org.freedesktop.DBus /org/freedesktop/DBus "org.freedesktop.DBus.$1"
}
# The bus ID from a GetId reply (empty if there is none).
bus_id() { sed -n 's/^ *string "\([0-9a-f]*\)"$/\1/p' "$1"; }
main_pid() { prop testbus.service MainPID; }
comm_of() { cat "/proc/$1/comm" 2>/dev/null || true; }
main_is_dbus_daemon() {
	local p
	p=$(main_pid)
	[[ -n $p && $p != 0 && $(comm_of "$p") == dbus-daemon ]]
}
# Processes under ember running dbus-daemon.
daemons_under_ember() {
	local p n=0
	for p in $(descendants "$EMBER_PID"); do
		[[ $(comm_of "$p") == dbus-daemon ]] && n=$((n + 1))
	done
	echo "$n"
}

start_ember
check_eq "start testbus.socket" 0 "$(ctl_rc start testbus.socket)"
check_eq "the socket is listening" "active listening" \
	"$(prop testbus.socket ActiveState) $(prop testbus.socket SubState)"
check "ember created the socket file $BUS" test -S "$BUS"
inode=$(stat -c %i "$BUS")

check_eq "testbus.service is not running before anyone connects" inactive "$(active_state testbus.service)"
check_eq "no dbus-daemon is running under ember" 0 "$(daemons_under_ember)"

# First client: its connection starts the daemon, which stops at the gate.
call GetId >"$M/first.out" 2>"$M/first.err" &
first=$!
IT_KNOWN_PIDS+=("$first")
check "the first client's connection started dbus-daemon as MainPID" wait_until main_is_dbus_daemon
pid1=$(main_pid)
check_eq "before READY=1 the unit is activating" activating "$(active_state testbus.service)"
check "and the first client has no answer yet" proc_alive "$first"
# Opening the FIFO for writing waits for dbus-daemon to open it: the daemon is at the gate.
# The FIFO is removed before the writer closes it: dbus-daemon watches its service
# directories with inotify and re-reads them when something there is written or removed
# ("Reloaded configuration"); a re-read that found the FIFO would wait on it again, this
# time inside the daemon's main loop.
# shellcheck disable=SC2016 # $1 is the inner shell's
check "dbus-daemon reached the gate, which opens" \
	timeout 120 sh -c 'exec 3>"$1" && rm -f "$1"' sh "$WORK/services/gate.service"
rc=0
wait "$first" || rc=$?
check_eq "the first client's call succeeds" 0 "$rc"
id1=$(bus_id "$M/first.out")
check "the reply carries the bus ID" test -n "$id1"
check "after READY=1 testbus.service is active" wait_until state_is testbus.service active
check_eq "its sub-state is running" running "$(prop testbus.service SubState)"
check_eq "MainPID is the same dbus-daemon that was at the gate" "$pid1 dbus-daemon" \
	"$(main_pid) $(comm_of "$(main_pid)")"
check_eq "the socket unit is running (the daemon has its fd)" "active running" \
	"$(prop testbus.socket ActiveState) $(prop testbus.socket SubState)"

# Second client, while the bus runs.
rc=0
call GetId >"$M/second.out" 2>"$M/second.err" || rc=$?
check_eq "a second client's call succeeds" 0 "$rc"
check_eq "served by the same bus" "$id1" "$(bus_id "$M/second.out")"
rc=0
call ListNames >"$M/names.out" 2>"$M/names.err" || rc=$?
check_eq "ListNames succeeds" 0 "$rc"
check "ListNames lists org.freedesktop.DBus" grep -qF '"org.freedesktop.DBus"' "$M/names.out"
check_eq "still the same dbus-daemon, and only one" "$pid1 1" "$(main_pid) $(daemons_under_ember)"

# Stop the service: the socket stays; the next client starts a new daemon. Twice.
prev_pid=$pid1 prev_id=$id1
for round in 1 2; do
	check_eq "round $round: emberctl stop testbus.service" 0 "$(ctl_rc stop testbus.service)"
	check_eq "round $round: testbus.service is inactive" inactive "$(active_state testbus.service)"
	check "round $round: the old dbus-daemon is gone" wait_until proc_gone "$prev_pid"
	check "round $round: the socket is listening again" wait_until prop_is testbus.socket SubState listening
	check_eq "round $round: the socket file is the same inode" "$inode" "$(stat -c %i "$BUS" 2>/dev/null)"
	rc=0
	call GetId >"$M/again$round.out" 2>"$M/again$round.err" || rc=$?
	check_eq "round $round: a new client's call succeeds" 0 "$rc"
	id=$(bus_id "$M/again$round.out")
	check "round $round: served by a new bus instance" test -n "$id" -a "$id" != "$prev_id"
	check "round $round: testbus.service is active again" wait_until state_is testbus.service active
	pid=$(main_pid)
	check "round $round: MainPID is a new dbus-daemon" \
		test "$(comm_of "$pid")" == dbus-daemon -a "$pid" != "$prev_pid"
	prev_pid=$pid prev_id=$id
done

if ((IT_FAILED)); then
	for f in "$M"/*.err; do
		[[ -s $f ]] && echo "---- $f" && cat "$f"
	done
fi

stop_ember
it_finish
