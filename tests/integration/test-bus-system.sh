#!/bin/bash
# The system bus under ember as the real PID 1 of a fresh PID + mount namespace, from
# Debian's unmodified units and configuration:
#  - /lib/systemd/system/dbus.socket and dbus.service (Debian's files, not copies) run
#    `dbus-daemon --system --address=systemd: --systemd-activation` with Debian's
#    /usr/share/dbus-1/system.conf; the daemon drops to the messagebus user.
#  - ember joins the system bus at its default address (/run/dbus/system_bus_socket) as
#    org.freedesktop.systemd1, allowed by the policy file ember ships (installed in the
#    namespace's /etc/dbus-1/system.d).
#  - A client outside the namespace calls a name through the bus socket; the bus asks ember;
#    ember starts the Type=dbus unit; the client gets its answer.
#  - busctl introspects ember over the system bus.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
for f in /lib/systemd/system/dbus.socket /lib/systemd/system/dbus.service \
	/usr/share/dbus-1/system.conf /usr/bin/dbus-daemon; do
	[[ -e $f ]] || skip "$f is missing (Debian's dbus package)"
done
getent passwd messagebus >/dev/null || skip "no messagebus user"
DBUS_SEND=$(command -v dbus-send) || skip "dbus-send is not installed"
BUS_ECHO=$(realpath "${BUS_ECHO:?BUS_ECHO must name the bus-echo-service helper}")
POLICY=$(realpath "${POLICY:-$(dirname "$0")/../../src/activation/org.freedesktop.systemd1.conf}")
it_setup
chmod 755 "$WORK"

pid1_setup

cp "$BUS_ECHO" "$WORK/bus-echo-service"
mkdir -p "$WORK/system-services"
cat >"$WORK/system-services/org.ember.Sys.service" <<EOF
[D-BUS Service]
Name=org.ember.Sys
Exec=/bin/false
User=root
SystemdService=dbus-org.ember.Sys.service
EOF
# Debian's system.conf includes /etc/dbus-1/system.d: the test's service directory and
# what the test service may do, beside ember's policy file.
cat >"$WORK/test-bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <servicedir>$WORK/system-services</servicedir>
  <policy user="root">
    <allow own="org.ember.Sys"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.ember.Sys"/>
  </policy>
</busconfig>
EOF

unit sys-echo.service <<EOF
[Unit]
Description=System bus echo service
[Service]
Type=dbus
BusName=org.ember.Sys
ExecStart=$WORK/bus-echo-service unix:path=/run/dbus/system_bus_socket org.ember.Sys
EOF
ln -s sys-echo.service "$UNITS/dbus-org.ember.Sys.service"
# Debian's two files themselves, linked into a folder of their own: the unit path does not
# take all of /lib/systemd/system, whose .wants/ folders would pull in half of Debian.
mkdir -p "$WORK/debian" "$UNITS/multi-user.target.wants"
ln -s /lib/systemd/system/dbus.socket /lib/systemd/system/dbus.service "$WORK/debian/"
ln -s ../dbus.socket "$UNITS/multi-user.target.wants/dbus.socket"

pid1_boot <<EOS
mkdir -p "$ROOT/etc/dbus-1/system.d"
cp "$POLICY" "$ROOT/etc/dbus-1/system.d/org.freedesktop.systemd1.conf"
cp "$WORK/test-bus.conf" "$ROOT/etc/dbus-1/system.d/ember-test.conf"
for f in machine-id shadow; do [[ -e /etc/\$f ]] && cp /etc/\$f "$ROOT/etc/"; done
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS:$WORK/debian" --runtime-dir="$RT" --log-target=console \
	--show-status || rc=\$?
exit \$rc
EOS
check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active
check_eq "dbus.socket (Debian's) listens" active "$(active_state dbus.socket)"
check_eq "it is Debian's unit file" "$(readlink -f /lib/systemd/system/dbus.socket)" \
	"$(readlink -f "$(prop dbus.socket FragmentPath)")"
check_eq "the bus daemon is not running yet" inactive "$(active_state dbus.service)"

BUS=/proc/$E/root/run/dbus/system_bus_socket
ADDR=unix:path=$BUS
check "the system bus socket exists in the namespace" test -S "$BUS"
out=$(timeout 120 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal --reply-timeout=120000 \
	--dest=org.ember.Sys /org/ember/Echo org.ember.Echo.Echo string:system 2>&1) || true
echo "answer: $out"
check_eq "Debian's dbus.service came up for the client" active "$(active_state dbus.service)"
check_eq "running Debian's command line" \
	"/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only" \
	"$(tr '\0' ' ' <"/proc/$(pgrep -P "$E" -x dbus-daemon | head -n 1)/cmdline" | sed 's/ $//')"
check_eq "as the messagebus user" messagebus \
	"$(ps -o user= -p "$(pgrep -P "$E" -x dbus-daemon | head -n 1)" | tr -d ' ')"
check "ember joined the system bus" wait_until log_has "Connected to the bus at unix:path=/run/dbus/system_bus_socket"
p=$(prop sys-echo.service MainPID)
check_eq "the client got the answer of the service ember started (namespace PID $p)" \
	"org.ember.Sys pid=$p system" "$(echo "$out" | sed 's/^ *//')"
owner=$(timeout 60 "$DBUS_SEND" --bus="$ADDR" --print-reply=literal --dest=org.freedesktop.DBus \
	/org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
	string:org.freedesktop.systemd1 2>&1 | awk '{print $2}') || true
check_eq "org.freedesktop.systemd1 on the system bus is PID 1" 1 "$owner"
BUSCTL=$(command -v busctl || true)
if [[ -n $BUSCTL ]]; then
	out=$(timeout 60 "$BUSCTL" --address="$ADDR" get-property org.freedesktop.systemd1 \
		/org/freedesktop/systemd1/unit/dbus_2eservice org.freedesktop.systemd1.Unit \
		ActiveState 2>&1) || true
	check_eq "busctl reads dbus.service's state over the system bus" 's "active"' "$out"
fi

pid1_poweroff
check "the bus daemon was stopped on the way" log_has "Stopped dbus.service"
it_finish
