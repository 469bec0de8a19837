#!/bin/bash
# The session bus under a user manager, from the units ember ships (units/user/dbus.socket
# and dbus.service) and Debian's session.conf:
#  - `ember --user` in its default runtime directory ($XDG_RUNTIME_DIR/ember) joins the bus
#    at its default address, $XDG_RUNTIME_DIR/bus, where its dbus.socket listens;
#  - a D-Bus service file in $XDG_DATA_HOME/dbus-1/services names a unit; a client's call
#    is answered by the service ember starts for it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ -x /usr/bin/dbus-daemon && -e /usr/share/dbus-1/session.conf ]] || skip "Debian's dbus-daemon is not installed"
DBUS_SEND=$(command -v dbus-send) || skip "dbus-send is not installed"
BUS_ECHO=$(realpath "${BUS_ECHO:?BUS_ECHO must name the bus-echo-service helper}")
SHIPPED=$(realpath "$(dirname "$0")/../../units/user")
it_setup

XDG=$WORK/xdg
DATA=$WORK/data
mkdir -p -m 700 "$XDG"
mkdir -p "$DATA/dbus-1/services"
# The user manager keeps its state in its default place; emberctl looks there.
RT=$XDG/ember

cat >"$DATA/dbus-1/services/org.ember.User.service" <<EOF
[D-BUS Service]
Name=org.ember.User
Exec=/bin/false
SystemdService=user-echo.service
EOF
unit user-echo.service <<EOF
[Unit]
Description=Session bus echo service
[Service]
Type=dbus
BusName=org.ember.User
ExecStart=$BUS_ECHO unix:path=$XDG/bus org.ember.User
EOF

XDG_RUNTIME_DIR=$XDG XDG_DATA_HOME=$DATA "$EMBER" --user --unit-path="$UNITS:$SHIPPED" \
	--show-status >>"$LOG" 2>&1 </dev/null &
EMBER_PID=$!
check "the user manager answers in \$XDG_RUNTIME_DIR/ember" wait_until ember_answers
check_eq "start ember's own user dbus.socket" 0 "$(ctl_rc start dbus.socket)"
check_eq "it is the shipped unit" "$SHIPPED/dbus.socket" "$(prop dbus.socket FragmentPath)"
check "it listens at \$XDG_RUNTIME_DIR/bus" test -S "$XDG/bus"

out=$(timeout 120 "$DBUS_SEND" --bus="unix:path=$XDG/bus" --print-reply=literal \
	--reply-timeout=120000 --dest=org.ember.User /org/ember/Echo org.ember.Echo.Echo \
	string:session 2>&1) || true
echo "answer: $out"
check_eq "the session bus came up for the client" active "$(active_state dbus.service)"
check "ember joined it at its default address" log_has "Connected to the bus at unix:path=$XDG/bus"
p=$(prop user-echo.service MainPID)
check_eq "the client got the answer of the service ember started" \
	"org.ember.User pid=$p session" "$(echo "$out" | sed 's/^ *//')"

stop_ember

# A malformed BusAddress=: a clear error, and the manager runs without a bus.
printf '[Manager]\nBusAddress=no-such-transport\n' >"$WORK/bad.conf"
RT=$WORK/rt
start_ember --config="$WORK/bad.conf"
check "a bad BusAddress= is reported" wait_until log_has "BusAddress=no-such-transport is not a D-Bus address"
check "and the manager runs on" ember_answers
stop_ember
it_finish
