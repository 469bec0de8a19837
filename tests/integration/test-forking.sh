#!/bin/bash
# Type=forking with PIDFile=: a shell script double-forks a `sleep` daemon, writes its PID
# to the pid file and exits. MainPID must be the pid file's content, the daemon must be
# running, and `emberctl stop` must kill it (the PID is gone afterwards). A forking
# service whose pid file never appears fails with Result=protocol.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

cat >"$WORK/daemonize" <<EOS
#!/bin/sh
# Double fork: the daemon's parent exits, so it is orphaned (and reparented).
( sleep 1000 </dev/null >/dev/null 2>&1 &
  echo \$! >$M/daemon.pid.tmp
  mv $M/daemon.pid.tmp $M/daemon.pid ) &
wait
# Only exit once the pid file is in place, as a daemon should.
i=0
while [ ! -s $M/daemon.pid ]; do i=\$((i + 1)); [ \$i -gt 300 ] && exit 1; sleep 0.1; done
exit 0
EOS
chmod +x "$WORK/daemonize"
unit forking.service <<EOF
[Unit]
Description=Forking daemon
[Service]
Type=forking
PIDFile=$M/daemon.pid
ExecStart=$WORK/daemonize
EOF
unit nopidfile.service <<EOF
[Unit]
Description=Forking daemon that never writes its pid file
[Service]
Type=forking
PIDFile=$M/never.pid
ExecStart=/bin/true
EOF

start_ember

rc=0
ctl start forking.service || rc=$?
check_eq "start forking.service succeeds" 0 "$rc"
check_eq "forking.service is active" active "$(active_state forking.service)"
check_eq "SubState" running "$(prop forking.service SubState)"
pid=$(cat "$M/daemon.pid" 2>/dev/null || echo none)
check_eq "MainPID equals the pid file" "$pid" "$(prop forking.service MainPID)"
check "the daemon ($pid) runs" proc_alive "$pid"
check "the daemon is a sleep" grep -q sleep "/proc/$pid/comm"
check_eq "the orphaned daemon was reparented to ember (child subreaper)" "$EMBER_PID" \
	"$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
check "status shows the main PID" grep -q "Main PID: $pid" <(ctl status forking.service 2>&1 || true)
check_eq "emberctl status of the running forking service exits 0" 0 "$(ctl_rc status forking.service)"

rc=0
ctl stop forking.service || rc=$?
check_eq "stop forking.service succeeds" 0 "$rc"
check "the daemon ($pid) is gone" wait_until -n 50 proc_gone "$pid"
check_eq "forking.service is inactive" inactive "$(active_state forking.service)"
check_eq "MainPID after stop" 0 "$(prop forking.service MainPID)"

# And once more: a restart gets a new daemon whose pid is read again.
rm -f "$M/daemon.pid"
rc=0
ctl start forking.service || rc=$?
pid2=$(cat "$M/daemon.pid" 2>/dev/null || echo none)
check_eq "second start: MainPID equals the new pid file" "$pid2" "$(prop forking.service MainPID)"
# SIGTERM is a clean end for a daemon (as SIGHUP, SIGINT, SIGPIPE); SIGKILL is not.
kill -TERM "$pid2"
check "SIGTERM to the daemon from outside: the unit becomes inactive" \
	wait_until -n 100 state_is forking.service inactive
check_eq "its Result" success "$(prop forking.service Result)"
rm -f "$M/daemon.pid"
ctl start forking.service || true
pid3=$(cat "$M/daemon.pid" 2>/dev/null || echo none)
check_eq "third start: MainPID equals the new pid file" "$pid3" "$(prop forking.service MainPID)"
kill -KILL "$pid3"
check "SIGKILL to the daemon from outside: the unit fails" \
	wait_until -n 100 state_is forking.service failed
check_eq "its Result" signal "$(prop forking.service Result)"
ctl reset-failed forking.service

out=$(ctl start nopidfile.service 2>&1) && rc=0 || rc=$?
check "a forking service whose pid file never appears fails to start: ${out//$'\n'/ }" test "$rc" -ne 0
check_eq "its Result" protocol "$(prop nopidfile.service Result)"

stop_ember
it_finish
