#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The org.freedesktop.systemd1 API on the private socket, driven with busctl against a
# debug instance in a temporary runtime directory: listings, errors, property types,
# starting and stopping units, and that bad calls get an error reply while the manager
# keeps serving. Exits 77 (skipped) without busctl.
set -u

EMBER=${EMBER:-build/ember}
if ! command -v busctl >/dev/null; then
	echo "busctl not found, skipping"
	exit 77
fi

tmp=$(mktemp -d)
pid=
monitor=
cleanup() {
	[ -n "$monitor" ] && kill "$monitor" 2>/dev/null
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- ember log (last 40 lines)"
	tail -n 40 "$tmp/log"
	exit 1
}

mkdir -p "$tmp/units"
cat >"$tmp/units/default.target" <<EOF
[Unit]
Description=Test default
Wants=long.service
EOF
cat >"$tmp/units/long.service" <<EOF
[Unit]
Description=Long running
[Service]
ExecStart=/bin/sleep 300
EOF
cat >"$tmp/units/once.service" <<EOF
[Unit]
Description=One shot
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
cat >"$tmp/units/fail.service" <<EOF
[Unit]
Description=Always fails
[Service]
ExecStart=/bin/sh -c 'exit 3'
EOF

"$EMBER" --user --unit-path="$tmp/units" --runtime-dir="$tmp/rt" --log-level=debug \
	--log-target=console >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 50); do
	[ -S "$tmp/rt/private" ] && break
	kill -0 "$pid" 2>/dev/null || fail "ember exited at start-up"
	sleep 0.1
done
[ -S "$tmp/rt/private" ] || fail "no API socket at $tmp/rt/private"

address="unix:path=$tmp/rt/private"
BUS=(busctl --address="$address" --timeout=10)
DEST=org.freedesktop.systemd1
MGR=(org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager)
UNIT_IFACE=org.freedesktop.systemd1.Unit
SERVICE_IFACE=org.freedesktop.systemd1.Service
PROPS=org.freedesktop.DBus.Properties

unit_path() {
	# bus_label_escape(): everything but [A-Za-z0-9] (and a leading digit) as _XX.
	local name=$1 out= i c
	for ((i = 0; i < ${#name}; i++)); do
		c=${name:i:1}
		if [[ $c =~ [A-Za-z] || ($c =~ [0-9] && $i -gt 0) ]]; then
			out+=$c
		else
			out+=$(printf '_%02x' "'$c")
		fi
	done
	echo "/org/freedesktop/systemd1/unit/$out"
}

# Runs a call that must fail and checks the D-Bus error name (sd-bus logs it at debug).
expect_error() {
	local name=$1 out
	shift
	out=$(SYSTEMD_LOG_LEVEL=debug "${BUS[@]}" "$@" 2>&1) && fail "'$*' succeeded: $out"
	grep -q "error-name=$name" <<<"$out" || fail "'$*': expected $name, got: $out"
}

prop() {
	"${BUS[@]}" get-property "$DEST" "$(unit_path "$1")" "$2" "$3" ||
		fail "get-property $1 $3"
}

wait_state() {
	local unit=$1 want=$2 got=
	for _ in $(seq 100); do
		got=$(prop "$unit" "$UNIT_IFACE" ActiveState)
		[ "$got" = "s \"$want\"" ] && return 0
		sleep 0.1
	done
	fail "$unit: ActiveState is $got, expected $want"
}

echo "== ListUnits"
wait_state long.service active
out=$("${BUS[@]}" call "${MGR[@]}" ListUnits) || fail "ListUnits"
[[ $out == "a(ssssssouso) "* ]] || fail "ListUnits: unexpected reply $out"
entry='"long.service" "Long running" "loaded" "active" "running" ""'
entry+=' "/org/freedesktop/systemd1/unit/long_2eservice" 0 "" "/"'
grep -qF "$entry" <<<"$out" || fail "ListUnits lacks long.service: $out"
grep -q '"default.target" "Test default" "loaded" "active"' <<<"$out" ||
	fail "ListUnits lacks default.target: $out"
out=$("${BUS[@]}" call "${MGR[@]}" ListUnitsByPatterns asas 1 active 1 'long*') ||
	fail "ListUnitsByPatterns"
[[ $out == "a(ssssssouso) 1 \"long.service\""* ]] || fail "ListUnitsByPatterns: $out"

echo "== GetUnit / LoadUnit"
out=$("${BUS[@]}" call "${MGR[@]}" GetUnit s long.service) || fail "GetUnit long.service"
[ "$out" = 'o "/org/freedesktop/systemd1/unit/long_2eservice"' ] || fail "GetUnit: $out"
expect_error org.freedesktop.systemd1.NoSuchUnit call "${MGR[@]}" GetUnit s nosuch.service
out=$("${BUS[@]}" call "${MGR[@]}" LoadUnit s once.service) || fail "LoadUnit"
[ "$out" = 'o "/org/freedesktop/systemd1/unit/once_2eservice"' ] || fail "LoadUnit: $out"

echo "== properties"
check_prop() {
	local unit=$1 iface=$2 name=$3 pattern=$4 out
	out=$(prop "$unit" "$iface" "$name")
	[[ $out =~ $pattern ]] || fail "$unit $name: '$out' does not match '$pattern'"
}
check_prop long.service $UNIT_IFACE Id '^s "long\.service"$'
check_prop long.service $UNIT_IFACE Names '^as 1 "long\.service"$'
check_prop long.service $UNIT_IFACE LoadState '^s "loaded"$'
check_prop long.service $UNIT_IFACE SubState '^s "running"$'
check_prop long.service $UNIT_IFACE Job '^\(uo\) 0 "/"$'
check_prop long.service $UNIT_IFACE LoadError '^\(ss\) "" ""$'
check_prop long.service $UNIT_IFACE CanStart '^b true$'
check_prop long.service $UNIT_IFACE ActiveEnterTimestamp '^t [1-9][0-9]*$'
check_prop long.service $UNIT_IFACE InvocationID '^ay 16( [0-9]+){16}$'
check_prop long.service $UNIT_IFACE WantedBy '^as 1 "default\.target"$'
check_prop long.service $UNIT_IFACE FragmentPath "^s \"$tmp/units/long.service\"$"
check_prop long.service $SERVICE_IFACE MainPID '^u [1-9][0-9]*$'
check_prop long.service $SERVICE_IFACE Type '^s "simple"$'
check_prop long.service $SERVICE_IFACE ExecStart \
	'^a\(sasbttttuii\) 1 "/bin/sleep" 2 "/bin/sleep" "300" false [0-9]+ [0-9]+ 0 0 [1-9][0-9]* 0 0$'
check_prop long.service $SERVICE_IFACE StatusErrno '^i 0$'
# Units nobody loaded yet are served too, and unknown ones say not-found.
check_prop nosuch.service $UNIT_IFACE LoadState '^s "not-found"$'
check_prop nosuch.service $UNIT_IFACE LoadError '^\(ss\) "org\.freedesktop\.systemd1\.NoSuchUnit" ".+"$'
check_prop nosuch.service $UNIT_IFACE ActiveState '^s "inactive"$'

out=$("${BUS[@]}" call "$DEST" "$(unit_path long.service)" $PROPS GetAll s "") || fail "GetAll"
for want in '"Id" s "long.service"' '"ActiveState" s "active"' '"MainPID" u [1-9]' \
	    '"Job" \(uo\) 0 "/"' '"CanReload" b false' '"Result" s "success"' \
	    '"ControlGroup" s ""'; do
	[[ $out =~ $want ]] || fail "GetAll(\"\") lacks $want"
done
out=$("${BUS[@]}" call "$DEST" "$(unit_path long.service)" $PROPS GetAll s $SERVICE_IFACE) ||
	fail "GetAll(Service)"
[[ $out =~ '"MainPID" u' && ! $out =~ '"ActiveState"' ]] ||
	fail "GetAll(Service) is not the Service interface only"
out=$("${BUS[@]}" get-property "${MGR[@]}" Version SystemState NNames) || fail "Manager properties"
[[ $out =~ ^s\ \"[^\"]+\"$'\n's\ \"(running|starting|degraded)\"$'\n'u\ [0-9]+$ ]] ||
	fail "Manager properties: $out"
"${BUS[@]}" introspect "$DEST" "$(unit_path long.service)" >"$tmp/introspect" ||
	fail "introspect"
grep -q '^org\.freedesktop\.systemd1\.Service' "$tmp/introspect" || fail "introspect lacks Service"
grep -q '^\.StartUnit' <("${BUS[@]}" introspect "${MGR[@]:0:2}") ||
	fail "introspect lacks StartUnit"

echo "== StartUnit / StopUnit and JobRemoved"
if command -v dbus-monitor >/dev/null; then
	# dbus-monitor falls back to AddMatch on a peer without BecomeMonitor: fine here.
	dbus-monitor --address "$address" \
		"type='signal',interface='org.freedesktop.systemd1.Manager'" >"$tmp/monitor" 2>&1 &
	monitor=$!
	sleep 0.5
fi
out=$("${BUS[@]}" call "${MGR[@]}" StartUnit ss once.service replace) || fail "StartUnit once"
[[ $out =~ ^o\ \"/org/freedesktop/systemd1/job/([0-9]+)\"$ ]] || fail "StartUnit reply: $out"
job=${BASH_REMATCH[1]}
wait_state once.service active
check_prop once.service $UNIT_IFACE SubState '^s "exited"$'
"${BUS[@]}" call "${MGR[@]}" StopUnit ss long.service replace >/dev/null || fail "StopUnit long"
wait_state long.service inactive
"${BUS[@]}" call "${MGR[@]}" StartUnit ss long.service fail >/dev/null || fail "StartUnit long"
wait_state long.service active
"${BUS[@]}" call "${MGR[@]}" StartUnit ss fail.service replace >/dev/null || fail "StartUnit fail"
wait_state fail.service failed
check_prop fail.service $SERVICE_IFACE Result '^s "exit-code"$'
check_prop fail.service $SERVICE_IFACE ExecMainStatus '^i 3$'
if [ -n "$monitor" ]; then
	for _ in $(seq 50); do
		grep -q '"done"' "$tmp/monitor" && break
		sleep 0.1
	done
	grep -A4 'member=JobRemoved' "$tmp/monitor" | grep -q "uint32 $job" ||
		fail "no JobRemoved for job $job: $(cat "$tmp/monitor")"
	grep -q 'member=JobNew' "$tmp/monitor" || fail "no JobNew signal"
fi
"${BUS[@]}" call "${MGR[@]}" ResetFailedUnit s fail.service || fail "ResetFailedUnit"
expect_error org.freedesktop.systemd1.NoSuchUnit call "${MGR[@]}" StartUnit ss nosuch.service replace

echo "== bad calls"
expect_error org.freedesktop.DBus.Error.InvalidArgs call "${MGR[@]}" GetUnit u 5
expect_error org.freedesktop.DBus.Error.InvalidArgs call "${MGR[@]}" StartUnit s long.service
expect_error org.freedesktop.DBus.Error.UnknownMethod call "${MGR[@]}" NoSuchMethod
expect_error org.freedesktop.DBus.Error.InvalidArgs call "${MGR[@]}" StartUnit ss once.service bogus-mode
expect_error org.freedesktop.DBus.Error.InvalidArgs call "${MGR[@]}" StartUnit ss '../x' replace
expect_error org.freedesktop.DBus.Error.UnknownProperty call "$DEST" "$(unit_path long.service)" \
	$PROPS Get ss $UNIT_IFACE NoSuchProperty
expect_error org.freedesktop.DBus.Error.PropertyReadOnly call "$DEST" "$(unit_path long.service)" \
	$PROPS Set ssv $UNIT_IFACE Description s x
expect_error org.freedesktop.DBus.Error.UnknownObject call "$DEST" /org/freedesktop/systemd1/nowhere \
	$PROPS GetAll s ""
expect_error org.freedesktop.systemd1.NoSuchJob call "${MGR[@]}" GetJob u 424242
if command -v python3 >/dev/null; then
	# Garbage instead of the SASL handshake, and a client that vanishes mid-message.
	python3 - "$tmp/rt/private" <<'EOF' || fail "raw socket test"
import socket, sys
for data in (b"\0GARBAGE\r\n" * 100, b"\0AUTH EXTERNAL 30\r\nBEGIN\r\nl\1\0\1\xff\xff"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    try:
        s.sendall(data)
    except OSError:
        pass
    s.close()
EOF
fi
kill -0 "$pid" || fail "ember died"
out=$("${BUS[@]}" call "${MGR[@]}" ListUnits) || fail "ListUnits after bad calls"
[[ $out =~ \"long.service\" ]] || fail "ListUnits after bad calls: $out"

echo "== Exit"
"${BUS[@]}" call "${MGR[@]}" Exit || fail "Exit"
for _ in $(seq 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "ember did not exit after Exit"
[ -e "$tmp/rt/private" ] && fail "API socket left behind after exit"
echo "OK"
exit 0
