#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `emberctl list-sockets` and the org.freedesktop.systemd1.Socket interface against a debug
# instance with real listening sockets:
#  - web.socket (Accept=no, a unix path and a TCP port) activates web.service, and
#    extra.service lists it in Sockets= (a second triggered unit: ACTIVATES spans two lines);
#    conn.socket (Accept=yes) activates nothing until a connection comes; idle.socket is
#    loaded but never started.
#  - emberctl list-sockets: one row per address sorted by address, UNIT and ACTIVATES
#    columns aligned under their headers, the footer count and the --all hint; --all,
#    --show-types, patterns, globs, --no-legend, --type, an empty result, exit codes.
#  - The Socket properties over D-Bus (emberctl show, busctl when present): Listen,
#    Accept, NAccepted/NConnections around a real connection, Introspect.
#  - Unmodified systemctl 252, pointed at ember's private socket through
#    $XDG_RUNTIME_DIR/systemd/private, prints exactly what emberctl prints for the same
#    arguments (skipped when no systemctl 252 can talk to the instance).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
base=$((20000 + ($$ + 7) % 20000))
P1=$base P2=$((base + 1)) P3=$((base + 2))

unit web.socket <<EOF
[Unit]
Description=Web socket
[Socket]
ListenStream=$WORK/web.sock
ListenStream=127.0.0.1:$P1
EOF
unit web.service <<EOF
[Service]
ExecStart=/bin/sleep 300
EOF
unit extra.service <<EOF
[Service]
Sockets=web.socket
ExecStart=/bin/sleep 300
EOF
unit conn.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P2
Accept=yes
EOF
unit conn@.service <<EOF
[Service]
ExecStart=/bin/cat
StandardInput=socket
EOF
unit idle.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P3
EOF
unit idle.service <<EOF
[Service]
ExecStart=/bin/sleep 300
EOF

start_ember
check "web.socket and conn.socket start" ctl start web.socket conn.socket
# extra.service takes web.socket's fds too (Sockets=): running, it stays loaded, and the
# socket triggers it besides web.service.
check "extra.service starts" ctl start extra.service
check "idle.socket loads, inactive" state_is idle.socket inactive

# squeeze: the table's lines with runs of blanks made one blank.
squeeze() { sed 's/  */ /g'; }

rc=0
out=$(ctl list-sockets) || rc=$?
check_eq "list-sockets exit status" 0 "$rc"
expected="LISTEN UNIT ACTIVATES
$WORK/web.sock web.socket extra.service
 web.service
127.0.0.1:$P1 web.socket extra.service
 web.service
127.0.0.1:$P2 conn.socket -

3 sockets listed.
Pass --all to see loaded but inactive sockets, too."
check_eq "list-sockets rows, order, footer" "$expected" "$(squeeze <<<"$out")"

# Columns line up under the headers: UNIT and ACTIVATES start at the same offset on every
# line (the continuation lines hold only the second triggered unit).
col_of() { awk -v w="$1" '{ i = index($0, w); if (i) print i }' <<<"$2" | head -n 1; }
unit_col=$(col_of UNIT "$out")
act_col=$(col_of ACTIVATES "$out")
aligned=yes
while IFS= read -r line; do
	[[ -z $line || $line == [0-9]*" sockets listed." || $line == Pass* || $line == LISTEN* ]] && continue
	if [[ ${line:0:1} != " " ]]; then
		u=$(awk -v c="$unit_col" '{ print substr($0, c) }' <<<"$line")
		[[ $u == web.socket* || $u == conn.socket* ]] || aligned="UNIT column: $line"
	fi
	a=$(awk -v c="$act_col" '{ print substr($0, c) }' <<<"$line")
	[[ $a == extra.service || $a == web.service || $a == - ]] || aligned="ACTIVATES column: $line"
	[[ $line == *" " ]] && aligned="trailing blank: '$line'"
done <<<"$out"
check_eq "columns aligned, no trailing blanks" yes "$aligned"

out=$(ctl list-sockets --all --show-types | squeeze)
expected="LISTEN TYPE UNIT ACTIVATES
$WORK/web.sock Stream web.socket extra.service
 web.service
127.0.0.1:$P1 Stream web.socket extra.service
 web.service
127.0.0.1:$P2 Stream conn.socket -
127.0.0.1:$P3 Stream idle.socket idle.service

4 sockets listed."
check_eq "list-sockets --all --show-types" "$expected" "$out"

check_eq "a name gets .socket" "127.0.0.1:$P2 conn.socket -" "$(ctl list-sockets --no-legend conn | squeeze)"
check_eq "a glob matches loaded units" \
	"$WORK/web.sock web.socket extra.service| web.service|127.0.0.1:$P1 web.socket extra.service| web.service" \
	"$(ctl list-sockets --legend=no 'web*' | squeeze | paste -sd'|')"
check_eq "an inactive socket needs --all" "" "$(ctl list-sockets --no-legend idle)"
check_eq "--all shows it" "127.0.0.1:$P3 idle.socket idle.service" \
	"$(ctl list-sockets --no-legend --all idle | squeeze)"
check_eq "--type=service lists no socket" \
	"LISTEN UNIT ACTIVATES||0 sockets listed.|Pass --all to see loaded but inactive sockets, too." \
	"$(ctl list-sockets --type=service | squeeze | paste -sd'|')"
check_eq "no match: header and a zero count, exit 0" \
	"LISTEN UNIT ACTIVATES||0 sockets listed.|Pass --all to see loaded but inactive sockets, too.|rc=0" \
	"$( (ctl list-sockets nosuch && echo rc=0 || echo "rc=$?") | paste -sd'|')"
check_eq "no match, no legend: nothing" "" "$(ctl list-sockets --no-legend 'nosuch*')"
check_eq "a bad pattern fails with 1" 1 "$(ctl_rc list-sockets '')"

# The Socket interface, read back through emberctl show.
check_eq "Listen (emberctl show)" "$WORK/web.sock (Stream)|127.0.0.1:$P1 (Stream)" \
	"$(ctl show -P Listen web.socket | paste -sd'|')"
check_eq "Accept" "no yes" "$(prop web.socket Accept) $(prop conn.socket Accept)"
check_eq "Triggers" "extra.service web.service" "$(prop web.socket Triggers)"
check_eq "BindIPv6Only, Backlog, SocketMode" "default 4096 0666" \
	"$(prop web.socket BindIPv6Only) $(prop web.socket Backlog) $(prop web.socket SocketMode)"
check_eq "FileDescriptorName defaults to the unit name" web.socket \
	"$(prop web.socket FileDescriptorName)"

# A real connection to the Accept=yes socket: counted while it lasts.
check_eq "nothing accepted yet" "0 0" "$(prop conn.socket NAccepted) $(prop conn.socket NConnections)"
exec 5<>"/dev/tcp/127.0.0.1/$P2"
printf 'hello\n' >&5
IFS= read -r -t 20 echoed <&5 || echoed=
check_eq "the connection's instance answers" hello "$echoed"
check "NConnections is 1 while it is open" wait_until prop_is conn.socket NConnections 1
check_eq "NAccepted is 1" 1 "$(prop conn.socket NAccepted)"
exec 5>&-
check "NConnections is 0 after it closed" wait_until prop_is conn.socket NConnections 0
check_eq "NAccepted stays 1" 1 "$(prop conn.socket NAccepted)"

# busctl, a client built on another D-Bus library, reads Listen and sees the interface.
if command -v busctl >/dev/null; then
	BUS=(busctl --address="unix:path=$RT/private" --timeout=10)
	path=/org/freedesktop/systemd1/unit/web_2esocket
	check_eq "busctl reads Listen" \
		"a(ss) 2 \"Stream\" \"$WORK/web.sock\" \"Stream\" \"127.0.0.1:$P1\"" \
		"$("${BUS[@]}" get-property org.freedesktop.systemd1 $path org.freedesktop.systemd1.Socket Listen 2>&1)"
	intro=$("${BUS[@]}" introspect org.freedesktop.systemd1 $path 2>&1 || true)
	check "Introspect lists the Socket interface" grep -q '^org.freedesktop.systemd1.Socket ' <<<"$intro"
	check "Introspect lists Listen as a(ss)" grep -Eq '^\.Listen +property +a\(ss\)' <<<"$intro"
	check "GetAll on the Socket interface" \
		"${BUS[@]}" call org.freedesktop.systemd1 $path org.freedesktop.DBus.Properties GetAll s \
		org.freedesktop.systemd1.Socket >/dev/null
else
	echo "SKIP: busctl is not installed (D-Bus reads through busctl)"
fi

# systemctl 252 against the same instance, through the path it tries first for --user.
SYSTEMCTL=${SYSTEMCTL:-/bin/systemctl}
sc_usable=
if [[ -x $SYSTEMCTL ]] && [[ $("$SYSTEMCTL" --version 2>/dev/null | head -n 1) == "systemd 252 "* ]]; then
	mkdir -p "$WORK/xdg/systemd"
	ln -s "$RT/private" "$WORK/xdg/systemd/private"
	sc() { XDG_RUNTIME_DIR=$WORK/xdg SYSTEMD_COLORS=0 "$SYSTEMCTL" --user --no-pager "$@"; }
	sc list-units >/dev/null 2>&1 && sc_usable=yes
fi
if [[ -n $sc_usable ]]; then
	same_output() {
		local s e
		s=$(sc list-sockets "$@" 2>&1 && echo rc=0 || echo "rc=$?")
		e=$(ctl list-sockets "$@" 2>&1 && echo rc=0 || echo "rc=$?")
		if [[ $s == "$e" ]]; then
			ok "systemctl and emberctl agree: list-sockets $*"
		else
			fail "systemctl and emberctl differ: list-sockets $*"
			diff <(echo "$s") <(echo "$e") || true
		fi
	}
	same_output
	same_output --all
	same_output --show-types
	same_output --all --show-types --no-legend
	same_output conn
	same_output 'web*'
	same_output nosuch
	same_output --type=service
	echo "--- systemctl list-sockets --all (ember's instance)"
	sc list-sockets --all
	echo "--- emberctl list-sockets --all"
	ctl list-sockets --all
	echo "---"
	check_eq "systemctl reads Listen" "$WORK/web.sock (Stream)|127.0.0.1:$P1 (Stream)" \
		"$(sc show -P Listen web.socket | paste -sd'|')"
	check "systemctl show accepts every Socket property type" sc show conn.socket >/dev/null
else
	echo "SKIP: no systemd 252 systemctl that can talk to the instance (comparison with systemctl)"
fi

stop_ember
it_finish
