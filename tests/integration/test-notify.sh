#!/bin/bash
# Type=notify and the notify socket.
#  - by-child.service (NotifyAccess=all): a child (systemd-notify) sends STATUS=, the
#    service waits on a fifo, then READY=1 with a new STATUS=. Until the fifo is written
#    the unit is "activating" (is-active prints it and exits 3) and a blocking
#    `emberctl start` has not returned; afterwards it is active, the start returned 0,
#    and StatusText shows the last STATUS= text.
#  - by-main.service (default NotifyAccess=main): the main process itself (python3)
#    sends the messages: same behaviour.
#  - wrong-sender.service (NotifyAccess=main): READY=1 and STATUS= come from a child
#    process with its own PID: ignored, the manager logs "reception only permitted for
#    main PID", the unit stays activating and TimeoutStartSec=2 fails it with
#    Result=timeout.
#  - none.service (NotifyAccess=none): a message is refused with "reception is disabled".
# (systemd-notify run as root sends with its parent's PID as credentials, so it cannot
# play the wrong sender; a python3 sender, which waits for the manager with BARRIER=1,
# does.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v systemd-notify >/dev/null || skip "systemd-notify is not installed"
PY=$(command -v python3) || skip "python3 is not installed"
it_setup

mkfifo "$M/go-child" "$M/go-main"

unit by-child.service <<EOF
[Unit]
Description=Notify from a child
[Service]
Type=notify
NotifyAccess=all
ExecStart=/bin/sh -c 'systemd-notify --status="Waiting for the fifo"; read x <$M/go-child; systemd-notify --ready --status="Serving requests"; exec sleep 1000'
EOF

# The main process: STATUS=, waits for the fifo, READY=1 + STATUS=, then becomes a sleep.
cat >"$WORK/notify-main.py" <<'EOS'
import os, socket, sys
def send(msg):
    path = os.environ["NOTIFY_SOCKET"]
    if path.startswith("@"):
        path = "\0" + path[1:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(path)
    s.sendall(msg.encode())
    s.close()
send("STATUS=Main waits for the fifo")
with open(sys.argv[1]) as f:
    f.read()
send("READY=1\nSTATUS=Main is serving")
os.execvp("sleep", ["sleep", "1000"])
EOS
unit by-main.service <<EOF
[Unit]
Description=Notify from the main process
[Service]
Type=notify
ExecStart=$PY $WORK/notify-main.py $M/go-main
EOF

# send.py [--socket PATH] MESSAGE...: sends one datagram (the lines joined) from this
# process, then BARRIER=1 with a pipe fd, and waits (at most 30 s) until the manager has
# closed that fd: when it returns, the first message has been handled.
cat >"$WORK/send.py" <<'EOS'
import array, os, select, socket, sys
args = sys.argv[1:]
path = os.environ.get("NOTIFY_SOCKET", "")
if args and args[0] == "--socket":
    path, args = args[1], args[2:]
if path.startswith("@"):
    path = "\0" + path[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(path)
s.sendall("\n".join(args).encode())
r, w = os.pipe()
s.sendmsg([b"BARRIER=1"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))])
os.close(w)
if not select.select([r], [], [], 30)[0]:
    sys.exit("the manager did not close the barrier fd")
EOS

unit wrong-sender.service <<EOF
[Unit]
Description=Notify from a process that may not
[Service]
Type=notify
NotifyAccess=main
TimeoutStartSec=2
ExecStart=/bin/sh -c '$PY $WORK/send.py READY=1 "STATUS=Should be ignored"; touch $M/wrong-sent; exec sleep 1000'
EOF

unit wrong-sender-long.service <<EOF
[Unit]
Description=Notify from a process that may not, long timeout
[Service]
Type=notify
NotifyAccess=main
TimeoutStartSec=1h
ExecStart=/bin/sh -c '$PY $WORK/send.py READY=1; touch $M/wrong-long-sent; exec sleep 1000'
EOF

# NotifyAccess=none gets no $NOTIFY_SOCKET; the child finds the socket by itself.
unit none.service <<EOF
[Unit]
Description=Notify with reception disabled
[Service]
Type=simple
NotifyAccess=none
ExecStart=/bin/sh -c '$PY $WORK/send.py --socket $RT/notify "STATUS=Nobody listens"; touch $M/none-sent; exec sleep 1000'
EOF

start_ember

# --- by-child.service
ctl start by-child.service >"$WORK/start-child.out" 2>&1 &
ctl_pid=$!
check "by-child: the first STATUS= arrives" \
	wait_until prop_is by-child.service StatusText "Waiting for the fifo"
check_eq "by-child: is-active prints activating" activating "$(active_state by-child.service)"
check_eq "by-child: is-active exits 3 while activating" 3 "$(ctl_rc is-active by-child.service)"
check_eq "by-child: SubState" start "$(prop by-child.service SubState)"
check "by-child: the blocking emberctl start has not returned yet" proc_alive "$ctl_pid"
check "by-child: the start job is listed" grep -q "by-child.service" <(ctl list-jobs 2>&1)
timeout 30 sh -c "echo go >$M/go-child" || true
rc=0
wait "$ctl_pid" || rc=$?
check_eq "by-child: emberctl start returns 0 after READY=1" 0 "$rc"
check_eq "by-child: active" active "$(active_state by-child.service)"
check_eq "by-child: SubState" running "$(prop by-child.service SubState)"
check_eq "by-child: StatusText" "Serving requests" "$(prop by-child.service StatusText)"
check "by-child: status shows the status text" \
	grep -q 'Status: "Serving requests"' <(ctl status by-child.service 2>&1 || true)

# --- by-main.service
ctl start --no-block by-main.service
check "by-main: the first STATUS= arrives" \
	wait_until prop_is by-main.service StatusText "Main waits for the fifo"
check_eq "by-main: is-active prints activating" activating "$(active_state by-main.service)"
timeout 30 sh -c "echo go >$M/go-main" || true
check "by-main: becomes active after READY=1" wait_until state_is by-main.service active
check_eq "by-main: StatusText" "Main is serving" "$(prop by-main.service StatusText)"
check_not "by-main: no notify warning for it" log_has "by-main.service: Got notification message"

# --- wrong-sender-long.service: the refused READY=1 was handled while activating.
ctl start --no-block wrong-sender-long.service
check "wrong-sender-long: the child's READY=1 has been handled (barrier passed)" \
	wait_until test -e "$M/wrong-long-sent"
check_eq "wrong-sender-long: still activating after the refused READY=1" activating \
	"$(active_state wrong-sender-long.service)"
check "wrong-sender-long: the manager logged the refused sender" \
	grep -q "wrong-sender-long.service: Got notification message from PID [0-9]*, but reception only permitted for main PID" "$LOG"
ctl stop wrong-sender-long.service
check_eq "wrong-sender-long: a stop while activating works" inactive \
	"$(active_state wrong-sender-long.service)"

# --- wrong-sender.service: then the start timeout fails it.
out=$(ctl start wrong-sender.service 2>&1) && rc=0 || rc=$?
check "wrong-sender: the child's message was handled (barrier passed)" test -e "$M/wrong-sent"
check "wrong-sender: the manager logged the refused sender" \
	grep -q "wrong-sender.service: Got notification message from PID [0-9]*, but reception only permitted for main PID" "$LOG"
check "wrong-sender: start fails: ${out//$'\n'/ }" test "$rc" -ne 0
check_eq "wrong-sender: failed" failed "$(active_state wrong-sender.service)"
check_eq "wrong-sender: Result" timeout "$(prop wrong-sender.service Result)"
check_not "wrong-sender: the refused STATUS= was not taken" \
	prop_is wrong-sender.service StatusText "Should be ignored"

# --- none.service
ctl start none.service
check "none: the child's message was handled (barrier passed)" wait_until test -e "$M/none-sent"
check "none: the manager logged that reception is disabled" \
	grep -q "none.service: Got notification message from PID [0-9]*, but reception is disabled" "$LOG"
check_not "none: the refused STATUS= was not taken" prop_is none.service StatusText "Nobody listens"

stop_ember
it_finish
