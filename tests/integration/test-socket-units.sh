#!/bin/bash
# The rest of socket units and the fd store, against the real binaries: ExecStartPre/Post
# and ExecStopPre/Post around the sockets' lifetime; a failing ExecStartPre= fails the
# socket without binding; SocketUser=/SocketGroup= (as root); RemoveOnStop= with a POSIX
# message queue; a service started by hand pauses its socket's watch; a service that hits
# its start limit fails its socket (service-start-limit-hit) instead of spinning; and the
# fd store: a memfd a daemon stores with FDSTORE=1 comes back under its FDNAME= after each
# crash, is released on stop, and FileDescriptorStoreMax= bounds it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
FDSTORE_DAEMON=${FDSTORE_DAEMON:?}
LISTEN_ECHO=${LISTEN_ECHO:?}
base=$((20000 + $$ % 20000))
P1=$base P2=$((base + 1))
MQ=/ember-test-$$

unit ctl.socket <<EOF
[Socket]
ListenStream=$WORK/ctl.sock
ExecStartPre=/bin/sh -c '{ test -e $WORK/ctl.sock && echo pre:bound || echo pre:unbound; } >>$M/ctl.log'
ExecStartPre=/bin/sh -c '{ echo pre2; } >>$M/ctl.log'
ExecStartPost=/bin/sh -c '{ test -S $WORK/ctl.sock && echo post:bound || echo post:unbound; } >>$M/ctl.log'
ExecStopPre=/bin/sh -c '{ test -S $WORK/ctl.sock && echo stop-pre:bound || echo stop-pre:unbound; } >>$M/ctl.log'
ExecStopPost=/bin/sh -c '{ test -S $WORK/ctl.sock && echo stop-post:bound || echo stop-post:unbound; } >>$M/ctl.log'
RemoveOnStop=yes
EOF
unit ctl.service <<EOF
[Service]
ExecStart=$LISTEN_ECHO
EOF
unit badpre.socket <<EOF
[Socket]
ListenStream=$WORK/badpre.sock
ExecStartPre=/bin/false
EOF
unit badpre.service <<EOF
[Service]
ExecStart=$LISTEN_ECHO
EOF
unit owned.socket <<EOF
[Socket]
ListenStream=$WORK/owned.sock
ListenFIFO=$WORK/owned.fifo
SocketUser=nobody
SocketGroup=nogroup
SocketMode=0660
EOF
unit owned.service <<EOF
[Service]
ExecStart=$LISTEN_ECHO
EOF
unit nouser.socket <<EOF
[Socket]
ListenStream=$WORK/nouser.sock
SocketUser=no-such-user-ember
EOF
unit nouser.service <<EOF
[Service]
ExecStart=$LISTEN_ECHO
EOF
unit mq.socket <<EOF
[Socket]
ListenMessageQueue=$MQ
RemoveOnStop=yes
EOF
unit mq.service <<EOF
[Service]
ExecStart=/bin/sleep infinity
EOF
unit direct.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P1
EOF
unit direct.service <<EOF
[Service]
ExecStart=$LISTEN_ECHO
EOF
unit spin.socket <<EOF
[Socket]
ListenStream=127.0.0.1:$P2
EOF
unit spin.service <<EOF
[Unit]
StartLimitIntervalSec=1h
StartLimitBurst=3
[Service]
ExecStart=/bin/false
EOF
unit counter.service <<EOF
[Service]
Type=notify
NotifyAccess=main
FileDescriptorStoreMax=4
Restart=on-failure
RestartSec=0
StartLimitBurst=100
Environment=REPORT=$M/counter.report LAST=4
ExecStart=$FDSTORE_DAEMON
EOF
unit nostore.service <<EOF
[Service]
Type=notify
NotifyAccess=main
Environment=REPORT=$M/nostore.report LAST=1
ExecStart=$FDSTORE_DAEMON
EOF

start_ember

# Control commands: before binding, after listening, before and after closing.
check_eq "ctl.socket starts" 0 "$(ctl_rc start ctl.socket)"
check_eq "ExecStartPre= runs before the bind, in order; ExecStartPost= after" \
	"pre:unbound pre2 post:bound" "$(tr '\n' ' ' <"$M/ctl.log" | sed 's/ $//')"
check_eq "ctl.socket stops" 0 "$(ctl_rc stop ctl.socket)"
check_eq "ExecStopPre= sees the socket, ExecStopPost= runs after it is closed and removed" \
	"pre:unbound pre2 post:bound stop-pre:bound stop-post:unbound" \
	"$(tr '\n' ' ' <"$M/ctl.log" | sed 's/ $//')"

# A failing ExecStartPre= fails the socket; nothing is bound.
check_not "badpre.socket fails to start" test "$(ctl_rc start badpre.socket)" = 0
check_eq "badpre.socket is failed" failed "$(active_state badpre.socket)"
check_eq "badpre.socket's result is exit-code" exit-code "$(prop badpre.socket Result)"
check_not "badpre.socket bound nothing" test -e "$WORK/badpre.sock"

# SocketUser=/SocketGroup= chown what the socket created.
if [[ $(id -u) == 0 ]] && getent passwd nobody >/dev/null && getent group nogroup >/dev/null; then
	check_eq "owned.socket starts" 0 "$(ctl_rc start owned.socket)"
	check_eq "the socket file belongs to SocketUser:SocketGroup" "nobody:nogroup 660" \
		"$(stat -c '%U:%G %a' "$WORK/owned.sock")"
	check_eq "the FIFO too" "nobody:nogroup 660" "$(stat -c '%U:%G %a' "$WORK/owned.fifo")"
	check_not "an unknown SocketUser= fails the start" test "$(ctl_rc start nouser.socket)" = 0
	check_eq "nouser.socket is failed with result resources" "failed resources" \
		"$(active_state nouser.socket) $(prop nouser.socket Result)"
	check "the log names the step and the user" log_has "step chown: no such user (SocketUser=no-such-user-ember"
else
	echo "SKIP: SocketUser= checks need root and the nobody/nogroup accounts"
fi

# ListenMessageQueue= with RemoveOnStop=.
check_eq "mq.socket starts" 0 "$(ctl_rc start mq.socket)"
check_eq "mq.socket listens" listening "$(prop mq.socket SubState)"
if mountpoint -q /dev/mqueue; then
	check "the queue exists" test -e "/dev/mqueue${MQ}"
	ctl stop mq.socket >/dev/null
	check_not "RemoveOnStop= removed the queue" test -e "/dev/mqueue${MQ}"
else
	ctl stop mq.socket >/dev/null
	echo "SKIP: /dev/mqueue is not mounted; queue removal not checked"
fi

# A service started directly: the socket stops watching while it runs.
check_eq "direct.socket starts" 0 "$(ctl_rc start direct.socket)"
check_eq "direct.socket listens" listening "$(prop direct.socket SubState)"
check_eq "direct.service starts by hand" 0 "$(ctl_rc start direct.service)"
check "direct.socket hands over (running)" wait_until prop_is direct.socket SubState running
check_eq "direct.service stops" 0 "$(ctl_rc stop direct.service)"
check "direct.socket listens again" wait_until prop_is direct.socket SubState listening

# A service that keeps failing: its socket fails instead of spinning.
poke() { (exec 3<>"/dev/tcp/127.0.0.1/$P2") 2>/dev/null || true; state_is spin.socket failed; }
check_eq "spin.socket starts" 0 "$(ctl_rc start spin.socket)"
check "traffic on spin.socket ends in a failed socket" wait_until -n 300 poke
check_eq "its result is service-start-limit-hit" service-start-limit-hit "$(prop spin.socket Result)"
check_eq "and the service's is start-limit-hit" start-limit-hit "$(prop spin.service Result)"

# The fd store across crashes.
check_eq "counter.service starts" 0 "$(ctl_rc start counter.service)"
check "it reaches generation 4 through three crashes" wait_until -n 300 nlines_is "$M/counter.report" 4
check_eq "each life got the memfd back under its name, with the count" \
	"generation 1 (stored fds: )|generation 2 (stored fds: counter)|generation 3 (stored fds: counter)|generation 4 (stored fds: counter)" \
	"$(paste -sd'|' "$M/counter.report")"
check_eq "NRestarts counts the crashes" 3 "$(prop counter.service NRestarts)"
check_eq "counter.service stops" 0 "$(ctl_rc stop counter.service)"
check_eq "counter.service starts again" 0 "$(ctl_rc start counter.service)"
check "after a stop the store is empty: it counts from 1 again" wait_until \
	eval '[[ $(sed -n 5p "$M/counter.report") == "generation 1 (stored fds: )" ]]'
ctl stop counter.service >/dev/null

# FileDescriptorStoreMax= unset (0): the fds are refused, with a message.
check_eq "nostore.service starts" 0 "$(ctl_rc start nostore.service)"
check "storing is refused with a message" wait_until \
	log_has "Attempted to store more fds than FileDescriptorStoreMax=0 allows"
ctl stop nostore.service >/dev/null

stop_ember
it_finish
