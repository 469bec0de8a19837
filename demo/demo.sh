#!/bin/bash
# The demo: ember starts a handful of example units (demo/units plus ember's standard
# targets) as PID 1 of a fresh PID namespace when run as root, or as a debug instance
# otherwise; shows them starting in parallel, their status, and a clean shutdown.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh build
EMBER=$PWD/build/ember
CTL=$PWD/build/src/ctl/emberctl
UNITS=$PWD/demo/units:$PWD/units
RT=$(mktemp -d /tmp/ember-demo.XXXXXX)
LOG=$RT/console.log
pid=

cleanup() {
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -s RTMIN+4 "$ember_pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
		sleep 1
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$RT"
	[[ -n $CG && -d $CG ]] && find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
	return 0
}
trap cleanup EXIT

# A message bus for the demo, socket-activated like the system bus but on a private path
# (the real /run/dbus stays untouched): ember's dbus.socket/dbus.service pattern, and one
# D-Bus service that nobody starts until a client calls its name.
BUSUNITS=$RT/bus-units
mkdir -p "$BUSUNITS/multi-user.target.wants" "$RT/bus-services"
cat >"$RT/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>systemd:</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$RT/bus-services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
cat >"$RT/bus-services/org.ember.Demo.Greeter.service" <<EOF
[D-BUS Service]
Name=org.ember.Demo.Greeter
Exec=/bin/false
SystemdService=greeter.service
EOF
cat >"$BUSUNITS/dbus.socket" <<EOF
[Unit]
Description=Demo message bus socket
[Socket]
ListenStream=$RT/bus
EOF
cat >"$BUSUNITS/dbus.service" <<EOF
[Unit]
Description=Demo message bus
Requires=dbus.socket
[Service]
Type=notify
ExecStart=/usr/bin/dbus-daemon --config-file=$RT/bus.conf --address=systemd: --nofork --nopidfile --systemd-activation
EOF
cat >"$BUSUNITS/greeter.service" <<EOF
[Unit]
Description=Greeter (a D-Bus service, started on demand)
[Service]
Type=dbus
BusName=org.ember.Demo.Greeter
ExecStart=$PWD/build/tests/bus-echo-service unix:path=$RT/bus org.ember.Demo.Greeter
EOF
ln -s ../dbus.socket "$BUSUNITS/multi-user.target.wants/dbus.socket"
printf '[Manager]\nBusAddress=unix:path=%s\n' "$RT/bus" >"$RT/ember.conf"
UNITS=$BUSUNITS:$UNITS

ctl() { "$CTL" --runtime-dir="$RT" --no-pager "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "The transaction ember computes for default.target (ember --test)"
"$EMBER" --test --system --unit-path="$UNITS" 2>/dev/null

# A cgroup of its own for the namespace's PID 1, as a container manager would hand it one:
# then every unit runs in its own cgroup below it (without one, ember tracks processes by
# process group and says why).
CG=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [[ $(id -u) = 0 && $(stat -f -c %T "$d" 2>/dev/null) == cgroup2fs && -w $d ]]; then
		CG=$d/ember-demo-$$
		mkdir -p "$CG" && break
	fi
done
if [[ $(id -u) = 0 ]] && unshare --pid --fork --mount-proc true 2>/dev/null; then
	step "Booting ember as PID 1 of a new PID namespace${CG:+, in the cgroup $CG}"
	sh -c '[ -n "$1" ] && echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$CG" \
		unshare --pid --mount --fork --mount-proc "$EMBER" --system --unit-path="$UNITS" \
		--config="$RT/ember.conf" --runtime-dir="$RT" --log-target=console --show-status \
		>"$LOG" 2>&1 &
	pid=$!
else
	step "Starting ember as a debug instance (no new PID namespace here)${CG:+, in the cgroup $CG}"
	sh -c '[ -n "$1" ] && echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$CG" \
		"$EMBER" --user --unit-path="$UNITS" --config="$RT/ember.conf" --runtime-dir="$RT" \
		--show-status >"$LOG" 2>&1 &
	pid=$!
fi
for _ in $(seq 100); do
	[[ -S $RT/private ]] && ctl is-system-running >/dev/null 2>&1 && break
	[[ -S $RT/private ]] && ctl list-jobs 2>/dev/null | grep -q "No jobs" && break
	sleep 0.1
done
sleep 2 # let flaky.service crash into its start limit
ember_pid=$(pgrep -P "$pid" -x ember || echo "$pid")
cat "$LOG"

step "Three one-second oneshots started at the same moment (no ordering between them)"
grep -h "started at" "$LOG" || true

step "emberctl list-units --all --type=service,socket,target,slice"
ctl list-units --all --type=service,socket,target,slice || true

step "emberctl list-units --type=mount (as PID 1, every mount point is a unit, whoever mounted it)"
ctl list-units --type=mount || true

step "emberctl status webapp.service (needs database.service, which forked)"
ctl status webapp.service database.service || true

step "emberctl status flaky.service (Restart=always, stopped by its start limit)"
ctl status flaky.service || true

step "emberctl status broken.service (a bad unit file: clear error, nothing else affected)"
ctl status broken.service || true

step "Socket activation: echo.socket was listening before anything ran; each client gets its own cat"
for who in alice bob; do
	reply=$( (exec 3<>/dev/tcp/127.0.0.1/17777 && printf 'hello from %s\n' "$who" >&3 &&
		timeout 5 head -n 1 <&3) 2>/dev/null || true)
	echo "client $who sent 'hello from $who', got back: '$reply'"
done
ctl list-sockets || true

step "Bus activation: a client calls org.ember.Demo.Greeter, which nobody owns yet"
echo "before: dbus.service is $(ctl is-active dbus.service || true), greeter.service is $(ctl is-active greeter.service || true)"
echo "\$ dbus-send --dest=org.ember.Demo.Greeter /org/ember/Echo org.ember.Echo.Echo string:hello"
timeout 60 dbus-send --bus="unix:path=$RT/bus" --print-reply=literal --reply-timeout=60000 \
	--dest=org.ember.Demo.Greeter /org/ember/Echo org.ember.Echo.Echo string:hello || true
echo
echo "after: dbus.service is $(ctl is-active dbus.service || true) (its socket started it for the client),"
echo "       greeter.service is $(ctl is-active greeter.service || true) (the bus asked ember for it)"
grep -h "Connected to the bus\|The bus asks for" "$LOG" || true
echo "\$ busctl get-property org.freedesktop.systemd1 .../unit/greeter_2eservice ... SubState"
timeout 30 busctl --address="unix:path=$RT/bus" get-property org.freedesktop.systemd1 \
	/org/freedesktop/systemd1/unit/greeter_2eservice org.freedesktop.systemd1.Unit SubState || true

step "emberctl list-units --resources --type=service (tasks and memory from each unit's cgroup)"
ctl list-units --resources --type=service || true

step "emberctl list-dependencies default.target"
ctl list-dependencies default.target || true

step "Shutting down (SIGRTMIN+4 to PID 1 = poweroff; a debug instance gets SIGTERM)"
if [[ $ember_pid != "$pid" ]]; then kill -s RTMIN+4 "$ember_pid"; else kill "$pid"; fi
wait "$pid" || true
pid=
tail -n 12 "$LOG"
