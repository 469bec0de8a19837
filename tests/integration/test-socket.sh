#!/bin/bash
# Socket activation against the real binaries, with real clients (bash's /dev/tcp):
# (a) a client connects before its daemon exists and is served; (c) Accept=yes with an
# unmodified inetd-style program (cat) and the per-connection instance in list-units;
# (e) several sockets in one unit in Listen= order with LISTEN_FDNAMES; (f) a socket that
# cannot be bound fails alone. (b), the crash-and-restart load test, and (d), dbus-daemon
# on an ember socket, are still to come (issue 4).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
LISTEN_ECHO=${LISTEN_ECHO:?}
base=$((20000 + $$ % 20000))
P1=$base P2=$((base + 1)) P3=$((base + 2))

# ask PORT LINE: one request, prints the reply line (nothing if refused or unanswered;
# the subshell keeps a refused connect from ending the test).
ask() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf '%s\n' "$2" >&3
		IFS= read -r -t 20 reply <&3 || true
		printf '%s\n' "$reply"
	) 2>/dev/null || true
}

unit echo.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P1
EOF
unit echo.service <<EOF
[Service]
Environment=REPORT=$M/echo.report
ExecStart=$LISTEN_ECHO
EOF
unit cat.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P3
Accept=yes
EOF
unit cat@.service <<EOF
[Service]
ExecStart=/bin/cat
StandardInput=socket
EOF
unit multi.socket <<EOF
[Socket]
ListenStream=$WORK/first.sock
ListenDatagram=$WORK/second.sock
ListenFIFO=$WORK/third.fifo
FileDescriptorName=multi
EOF
unit multi.service <<EOF
[Service]
Environment=REPORT=$M/multi.report
ExecStart=$LISTEN_ECHO
EOF
unit bad.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P1
Service=echo.service
EOF

start_ember
for s in echo cat multi; do
	check_eq "start $s.socket" 0 "$(ctl_rc start $s.socket)"
done

# (a)
check_eq "(a) echo.service is not running before anyone connects" inactive "$(active_state echo.service)"
check_eq "(a) the first client is served by a daemon started for it" "echo: first" "$(ask "$P1" first)"
check_eq "(a) echo.service runs now" active "$(active_state echo.service)"
check_eq "(a) it got one fd named after the socket" "LISTEN_FDS=1 LISTEN_FDNAMES=echo.socket" \
	"$(head -n 1 "$M/echo.report")"

# (c)
exec {conn}<>"/dev/tcp/127.0.0.1/$P3"
printf 'hello cat\n' >&"$conn"
IFS= read -r -t 20 line <&"$conn" || line=""
check_eq "(c) cat answers over the connection" "hello cat" "$line"
check "(c) list-units shows the connection's instance" wait_until \
	sh -c "'$EMBERCTL' --runtime-dir='$RT' list-units 'cat@*' | grep -q 'cat@0-127.0.0.1:$P3-127.0.0.1:'"
exec {conn}>&-
check "(c) the instance ends with the connection" wait_until \
	sh -c "! '$EMBERCTL' --runtime-dir='$RT' list-units 'cat@*' | grep -q running"

# (e)
printf 'x' >"$WORK/third.fifo" &
check "(e) traffic on the FIFO started multi.service" wait_until test -s "$M/multi.report"
check_eq "(e) three fds in Listen= order, named" "LISTEN_FDS=3 LISTEN_FDNAMES=multi:multi:multi" \
	"$(head -n 1 "$M/multi.report")"

# (f)
check_eq "(f) bad.socket cannot bind a port in use: start fails" 1 "$(ctl_rc start bad.socket)"
check_eq "(f) bad.socket is failed" failed "$(active_state bad.socket)"
check "(f) the reason names the step" sh -c \
	"'$EMBERCTL' --runtime-dir='$RT' status bad.socket | grep -q 'step bind: Address already in use'"
check_eq "(f) echo.socket is unaffected" active "$(active_state echo.socket)"
check_eq "(f) and still serves" "echo: again" "$(ask "$P1" again)"

stop_ember
it_finish
