#!/bin/bash
# Bus activation with Debian's unmodified dbus-daemon on a private bus that ember manages
# (ember(1), THE MESSAGE BUS):
#  - dbus.socket/dbus.service run the bus socket-activated; ember joins the bus once
#    dbus.service is active (BusAddress= from a config file) and owns org.freedesktop.systemd1.
#  - A client calls a name nobody owns; the bus asks ember (ActivationRequest); ember starts
#    the Type=dbus unit (bus-echo-service, libdbus); the call returns the service's answer.
#  - A unit that fails, and one that does not exist: the client gets ember's error (not the
#    bus's timeout), in seconds.
#  - SystemdService= naming a dbus-org.*.service alias symlink.
#  - A Type=dbus service started by emberctl and by a client at the same moment: one start,
#    the unit stays activating until the name is taken, then both are answered.
#  - The service giving up its name: ember stops it.
#  - busctl and dbus-send introspect ember's objects and read properties over the bus;
#    unmodified systemctl --user talks to ember over the bus.
#  - An unprivileged caller may read but not start: refused by ember itself on a bus whose
#    policy lets everything through, and by the bus with ember's shipped policy file.
#  - dbus-daemon killed: ember keeps running, the next client brings the bus back, ember
#    joins it again and activation works again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DBUS_DAEMON=/usr/bin/dbus-daemon
[[ -x $DBUS_DAEMON ]] || skip "$DBUS_DAEMON is not installed"
DBUS_SEND=$(command -v dbus-send) || skip "dbus-send is not installed"
BUS_ECHO=$(realpath "${BUS_ECHO:?BUS_ECHO must name the bus-echo-service helper}")
POLICY=${POLICY:-$(dirname "$0")/../../src/activation/org.freedesktop.systemd1.conf}
it_setup
# The unprivileged caller (nobody) must reach the bus socket.
chmod 755 "$WORK"

BUS=$WORK/bus
ADDR=unix:path=$BUS
SERVICES=$WORK/services
mkdir -p "$SERVICES"

# bus_conf EXTRA: a bus configuration; EXTRA goes into it verbatim (a policy include).
bus_conf() {
	cat >"$WORK/bus.conf" <<-EOF
		<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
		 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
		<busconfig>
		  <type>session</type>
		  <listen>systemd:</listen>
		  <auth>EXTERNAL</auth>
		  <servicedir>$SERVICES</servicedir>
		  <policy context="default">
		    <allow user="*"/>
		    <allow send_destination="*" eavesdrop="true"/>
		    <allow eavesdrop="true"/>
		    <allow own="*"/>
		  </policy>
		  $1
		</busconfig>
	EOF
}
bus_conf ""

cat >"$WORK/ember.conf" <<EOF
[Manager]
BusAddress=$ADDR
EOF

unit dbus.socket <<EOF
[Unit]
Description=Test message bus socket
[Socket]
ListenStream=$BUS
EOF
unit dbus.service <<EOF
[Unit]
Description=Test message bus
Requires=dbus.socket
[Service]
Type=notify
NotifyAccess=main
ExecStart=$DBUS_DAEMON --config-file=$WORK/bus.conf --address=systemd: --nofork --nopidfile --systemd-activation
EOF

# dbus_service NAME UNIT: a bus service file that hands NAME to ember as UNIT.
dbus_service() {
	cat >"$SERVICES/$1.service" <<-EOF
		[D-BUS Service]
		Name=$1
		Exec=/bin/false
		SystemdService=$2
	EOF
}
# echo_unit UNIT NAME [GATE]: a Type=dbus service that takes NAME.
echo_unit() {
	unit "$1" <<-EOF
		[Unit]
		Description=Echo service $2
		[Service]
		Type=dbus
		BusName=$2
		ExecStart=$BUS_ECHO $ADDR $2 ${3:-}
	EOF
}

echo_unit echo1.service org.ember.Echo1
dbus_service org.ember.Echo1 echo1.service
unit fail1.service <<EOF
[Service]
Type=dbus
BusName=org.ember.Fail1
ExecStart=/bin/false
EOF
dbus_service org.ember.Fail1 fail1.service
dbus_service org.ember.Missing missing.service
echo_unit hello.service org.ember.Hello
ln -s hello.service "$UNITS/dbus-org.ember.Hello.service"
dbus_service org.ember.Hello dbus-org.ember.Hello.service
mkfifo "$WORK/slow-gate"
echo_unit slow.service org.ember.Slow "$WORK/slow-gate"
dbus_service org.ember.Slow slow.service
echo_unit after.service org.ember.After
dbus_service org.ember.After after.service

# call NAME TEXT [dbus-send options]: Echo on NAME; prints the answer or the error.
call() {
	local name=$1 text=$2
	shift 2
	timeout 120 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal --reply-timeout=120000 "$@" \
		--dest="$name" /org/ember/Echo org.ember.Echo.Echo "string:$text" 2>&1
}
# driver METHOD ARGS...: a call to the bus daemon; prints the literal answer.
driver() {
	timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus "org.freedesktop.DBus.$@" 2>&1
}
owner_pid() { driver GetConnectionUnixProcessID "string:$1" | awk '{print $2}'; }
nconnected() { grep -c "Connected to the bus at $ADDR" "$LOG" || true; }
bus_pid() { prop dbus.service MainPID; }

start_ember --config="$WORK/ember.conf" --log-level=debug
check_eq "start dbus.socket" 0 "$(ctl_rc start dbus.socket)"
check_eq "the bus daemon does not run before a client comes" inactive "$(active_state dbus.service)"
check_eq "and ember did not start it by joining early" 0 "$(nconnected)"

# 1. Activation of a name nobody owns.
out=$(call org.ember.Echo1 hi) || true
echo "answer: $out"
check_eq "the bus came up for the client" active "$(active_state dbus.service)"
check "ember joined the bus once dbus.service was active" wait_until test "$(nconnected)" -ge 1
check_eq "ember owns org.freedesktop.systemd1 on the bus" "$EMBER_PID" "$(owner_pid org.freedesktop.systemd1)"
check "the bus asked ember for echo1.service" log_has "The bus asks for echo1.service."
check_eq "echo1.service is active" active "$(active_state echo1.service)"
p=$(prop echo1.service MainPID)
check_eq "the client got the answer of the service ember started" \
	"org.ember.Echo1 pid=$p hi" "$(echo "$out" | sed 's/^ *//')"
check_eq "the name's owner is echo1.service's main process" "$p" "$(owner_pid org.ember.Echo1)"

# 2. A unit that fails, and one that does not exist: ember's error, not the bus's timeout.
t0=$(date +%s%N)
out=$(call org.ember.Fail1 x) || true
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "failing activation answered in $ms ms: $out"
check "the client gets ember's JobFailed error" grep -q "org.freedesktop.systemd1.JobFailed" <<<"$out"
check "naming the unit" grep -q "fail1.service" <<<"$out"
check "within seconds, not the bus's 25 s activation timeout ($ms ms)" test "$ms" -lt 25000
check_eq "fail1.service failed" failed "$(active_state fail1.service)"
out=$(call org.ember.Missing x) || true
echo "missing unit: $out"
check "a missing unit: the client gets ember's error naming it" \
	grep -q "org.freedesktop.systemd1.*missing.service" <<<"$out"
check_eq "ember is still running" 0 "$(proc_alive "$EMBER_PID" && echo 0)"

# 3. SystemdService= names an alias (dbus-org.ember.Hello.service -> hello.service).
out=$(call org.ember.Hello alias) || true
check "activation through the alias name answers" grep -q "org.ember.Hello pid=.* alias" <<<"$out"
check_eq "hello.service is active" active "$(active_state hello.service)"

# Bad input on the bus: a forged activation request (a client's signal, not the bus
# daemon's) is ignored; a call with wrong arguments gets an error; ember goes on.
timeout 60 "$DBUS_SEND" --bus="$ADDR" --type=signal --dest=org.freedesktop.systemd1 \
	/org/freedesktop/DBus org.freedesktop.systemd1.Activator.ActivationRequest \
	string:after.service
out=$(timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply --dest=org.freedesktop.systemd1 \
	/org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StartUnit int32:7 2>&1) || true
check "a StartUnit with bad arguments gets InvalidArgs" grep -q "InvalidArgs" <<<"$out"
check_eq "the forged activation request started nothing" inactive "$(active_state after.service)"
check_not "nor did ember take it for one" log_has "The bus asks for after.service."
check "ember still answers on the bus" \
	timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply --dest=org.freedesktop.systemd1 \
	/org/freedesktop/systemd1 org.freedesktop.DBus.Peer.Ping

# 4. A client and emberctl start slow.service at the same moment; it takes its name only
#    once the gate opens.
call org.ember.Slow together >"$M/slow-client.out" &
client=$!
ctl start slow.service >"$M/slow-ctl.out" 2>&1 &
starter=$!
IT_KNOWN_PIDS+=("$client" "$starter")
check "slow.service is activating" wait_until state_is slow.service activating
check "the client waits" proc_alive "$client"
check "and so does emberctl start" proc_alive "$starter"
check_eq "one start job for both" 1 "$(ctl list-jobs --no-legend | grep -c slow.service)"
echo open >"$WORK/slow-gate"
rc=0
wait "$starter" || rc=$?
check_eq "emberctl start returns once the name is taken" 0 "$rc"
rc=0
wait "$client" || rc=$?
check_eq "the client gets its answer" 0 "$rc"
p=$(prop slow.service MainPID)
check_eq "from the one process ember started" "org.ember.Slow pid=$p together" \
	"$(sed 's/^ *//' "$M/slow-client.out")"
check_eq "slow.service is active" active "$(active_state slow.service)"

# 5. The service gives up its name: ember stops it.
timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply --dest=org.ember.Echo1 /org/ember/Echo \
	org.ember.Echo.ReleaseName >/dev/null
check "echo1.service is stopped once its name is gone" wait_until state_is echo1.service inactive
check "ember says why" log_has "Lost its D-Bus name org.ember.Echo1, stopping."

# 6. Introspection and properties over the bus, with Debian's busctl and dbus-send.
BUSCTL=$(command -v busctl || true)
if [[ -n $BUSCTL ]]; then
	out=$(timeout 60 "$BUSCTL" --address="$ADDR" introspect org.freedesktop.systemd1 \
		/org/freedesktop/systemd1 2>&1) || true
	check "busctl introspects the manager over the bus" \
		grep -q "org.freedesktop.systemd1.Manager" <<<"$out"
	check "and sees StartUnit" grep -q "\.StartUnit" <<<"$out"
	out=$(timeout 60 "$BUSCTL" --address="$ADDR" get-property org.freedesktop.systemd1 \
		/org/freedesktop/systemd1/unit/hello_2eservice org.freedesktop.systemd1.Unit \
		ActiveState 2>&1) || true
	check_eq "busctl reads hello.service's ActiveState" 's "active"' "$out"
fi
out=$(timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal --dest=org.freedesktop.systemd1 \
	/org/freedesktop/systemd1/unit/slow_2eservice org.freedesktop.DBus.Properties.Get \
	string:org.freedesktop.systemd1.Service string:BusName 2>&1) || true
check_eq "dbus-send reads slow.service's BusName" "org.ember.Slow" "$(echo $out | awk '{print $NF}')"

# Unmodified systemctl --user on the session bus (no private socket where it looks first).
SYSTEMCTL=$(command -v systemctl || true)
if [[ -n $SYSTEMCTL ]]; then
	mkdir -p "$WORK/xdg"
	sc() { XDG_RUNTIME_DIR=$WORK/xdg DBUS_SESSION_BUS_ADDRESS=$ADDR timeout 60 "$SYSTEMCTL" --user --no-pager "$@"; }
	out=$(sc is-active hello.service 2>&1) || true
	check_eq "systemctl --user is-active over the bus" active "$out"
	rc=0
	sc start after.service >"$M/sc.out" 2>&1 || rc=$?
	check_eq "systemctl --user start over the bus waits for the job and succeeds" 0 "$rc"
	check_eq "after.service is active" active "$(active_state after.service)"
fi

# A subscriber on the bus gets the manager's signals; one that leaves is forgotten.
"$BUS_ECHO" "$ADDR" --subscribe >"$M/subscriber.out" 2>&1 &
subscriber=$!
IT_KNOWN_PIDS+=("$subscriber")
check "a client subscribes over the bus" wait_until grep -q subscribed "$M/subscriber.out"
ctl restart hello.service
check "and hears JobRemoved for a job queued on the private socket" \
	wait_until grep -q "JobRemoved hello.service done" "$M/subscriber.out"
kill "$subscriber"
wait "$subscriber" || true

# 7. An unprivileged caller: reads yes, changes no. This bus lets every call through, so
#    the refusal is ember's own.
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
as_nobody() { "${NOBODY[@]}" timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal \
	--dest=org.freedesktop.systemd1 "$@" 2>&1; }
out=$(as_nobody /org/freedesktop/systemd1/unit/hello_2eservice org.freedesktop.DBus.Properties.Get \
	string:org.freedesktop.systemd1.Unit string:ActiveState) || true
check "nobody may read a unit's state" grep -q "active" <<<"$out"
check "ember forgot the subscriber that left" wait_until log_has "unsubscribed"
out=$(as_nobody /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit \
	string:hello.service string:replace) || true
echo "nobody's StopUnit: $out"
check "nobody may not stop a unit: ember refuses" grep -q "AccessDenied.*only root" <<<"$out"
check_eq "hello.service still runs" active "$(active_state hello.service)"
out=$(as_nobody /org/freedesktop/systemd1/unit/hello_2eservice org.freedesktop.systemd1.Unit.Stop \
	string:replace) || true
check "nor through the unit's own Stop" grep -q "AccessDenied" <<<"$out"

# 8. The bus daemon killed. The next bus gets ember's shipped policy file.
bus_conf "<include>$(realpath "$POLICY")</include>"
old_bus=$(bus_pid)
kill -KILL "$old_bus"
check "dbus.service notices its daemon died" wait_until state_is dbus.service failed
check "ember is still running" proc_alive "$EMBER_PID"
check "ember says it lost the bus" wait_until log_has "Disconnected from the bus at $ADDR"
check "ember answers on its private socket" ember_answers
out=$(call org.ember.Hello again) || true
echo "after the bus came back: $out"
check "a new client brings the bus back, and activation works again" \
	grep -q "org.ember.Hello pid=.* again" <<<"$out"
check_eq "with a new bus daemon" 1 "$(b=$(bus_pid); [[ $b != "$old_bus" && $b != 0 ]] && echo 1)"
check "ember joined the new bus" wait_until test "$(nconnected)" -ge 2
out=$(call org.ember.After back) || true
check "an activation on the new bus starts a unit" grep -q "org.ember.After pid=.* back" <<<"$out"
check_eq "ember owns its name on the new bus" "$EMBER_PID" "$(owner_pid org.freedesktop.systemd1)"
out=$(as_nobody /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit \
	string:hello.service string:replace) || true
echo "nobody's StopUnit under the shipped policy: $out"
check "the shipped policy makes the bus refuse nobody's StopUnit" \
	grep -q "org.freedesktop.DBus.Error.AccessDenied: Rejected" <<<"$out"
out=$(as_nobody /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.GetUnit \
	string:hello.service) || true
check "and lets nobody's GetUnit through" grep -q "/org/freedesktop/systemd1/unit/hello_2eservice" <<<"$out"

stop_ember
it_finish
