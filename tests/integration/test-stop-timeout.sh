#!/bin/bash
# A stop timeout escalates to SIGKILL.
#  - stubborn.service ignores SIGTERM (main shell and a background child that does the
#    same), TimeoutStopSec=1: `emberctl stop` completes, both processes are gone, the
#    manager logs the timeout / the kill, and Result is "timeout".
#  - SendSIGKILL=no: the stop gives up after the timeout instead (the process survives,
#    the test kills it).
#  - polite.service exits on SIGTERM: stopped without any timeout, Result success.
#  - ExecStop= runs first, with $MAINPID set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

# stubborn NAME: ignores SIGTERM, writes its pid to $M/NAME.pid, loops forever.
cat >"$WORK/stubborn" <<EOS
#!/bin/sh
trap '' TERM
echo \$\$ >$M/\$1.pid
while :; do sleep 0.1; done
EOS
chmod +x "$WORK/stubborn"
unit stubborn.service <<EOF
[Unit]
Description=Ignores SIGTERM
[Service]
TimeoutStopSec=1
ExecStart=/bin/sh -c '$WORK/stubborn child & exec $WORK/stubborn main'
EOF
unit no-sigkill.service <<EOF
[Unit]
Description=Ignores SIGTERM, no SIGKILL
[Service]
TimeoutStopSec=1
SendSIGKILL=no
ExecStart=$WORK/stubborn nokill
EOF
unit polite.service <<EOF
[Unit]
Description=Exits on SIGTERM
[Service]
TimeoutStopSec=1h
# "$$$$" in a unit file is "$$" for the shell.
ExecStart=/bin/sh -c 'echo \$\$\$\$ >$M/polite.pid; exec sleep 1000'
ExecStop=/bin/sh -c 'echo "\$MAINPID" >$M/polite.stop'
EOF

start_ember

rc=0
ctl start stubborn.service || rc=$?
check_eq "start stubborn.service" 0 "$rc"
check "its main process wrote its pid" wait_until test -s "$M/main.pid"
check "its child wrote its pid" wait_until test -s "$M/child.pid"
main=$(cat "$M/main.pid")
child=$(cat "$M/child.pid")
check_eq "MainPID is the shell" "$main" "$(prop stubborn.service MainPID)"
rc=0
ctl stop stubborn.service || rc=$?
check_eq "emberctl stop stubborn.service completes" 0 "$rc"
check "the main process ($main) is gone" wait_until -n 50 proc_gone "$main"
check "the child ignoring SIGTERM ($child) is gone" wait_until -n 50 proc_gone "$child"
state=$(active_state stubborn.service)
check "stubborn.service is inactive or failed ($state)" grep -qE '^(inactive|failed)$' <<<"$state"
check_eq "its Result" timeout "$(prop stubborn.service Result)"
check "the manager logged the stop timeout" grep -qiE "stubborn.service: .*(timed out|timeout)" "$LOG"
check "the manager logged the SIGKILL" grep -qiE "stubborn.service: .*(kill|SIGKILL)" "$LOG"

rc=0
ctl start no-sigkill.service || rc=$?
check "no-sigkill: wrote its pid" wait_until test -s "$M/nokill.pid"
nk=$(cat "$M/nokill.pid")
ctl stop no-sigkill.service || true
state=$(active_state no-sigkill.service)
check "no-sigkill: the stop ended, the unit is inactive or failed ($state)" \
	grep -qE '^(inactive|failed)$' <<<"$state"
check "no-sigkill: its process was not killed" proc_alive "$nk"
check_not "no-sigkill: the manager does not claim to be killing it (\"timed out. Killing.\")" \
	grep -q "no-sigkill.service: .*timed out. Killing" "$LOG"
kill -KILL "$nk" 2>/dev/null || true
wait_until -n 50 proc_gone "$nk" || true

rc=0
ctl start polite.service || rc=$?
check "polite: wrote its pid" wait_until test -s "$M/polite.pid"
pp=$(cat "$M/polite.pid")
rc=0
ctl stop polite.service || rc=$?
check_eq "polite: stop succeeds" 0 "$rc"
check_eq "polite: ExecStop= ran with \$MAINPID" "$pp" "$(cat "$M/polite.stop" 2>/dev/null)"
check "polite: its process is gone" wait_until -n 50 proc_gone "$pp"
check_eq "polite: inactive" inactive "$(active_state polite.service)"
check_eq "polite: Result" success "$(prop polite.service Result)"
check_not "polite: no timeout logged" grep -qiE "polite.service: .*(timed out|timeout)" "$LOG"

stop_ember
it_finish
