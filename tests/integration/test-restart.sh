#!/bin/bash
# Restart= and the start limit.
#  - crash.service: Restart=always, RestartSec=100ms, exits 1 at once, StartLimitBurst=3
#    in 60 s: after three starts the next one hits the limit: failed with Result
#    start-limit-hit, `emberctl status` exits 3, `is-failed` exits 0, and it was run
#    exactly three times. A manual start is refused while the limit holds;
#    reset-failed clears it.
#  - flaky.service: Restart=on-failure, fails twice (a counter file), then runs: active,
#    NRestarts=2.
#  - clean-exit.service: Restart=on-failure, exits 0: not restarted, inactive.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

unit crash.service <<EOF
[Unit]
Description=Crash loop
StartLimitBurst=3
StartLimitIntervalSec=60
[Service]
Restart=always
RestartSec=100ms
ExecStart=/bin/sh -c 'echo run >>$M/crash.runs; exit 1'
EOF
unit flaky.service <<EOF
[Unit]
Description=Fails twice, then runs
StartLimitBurst=10
StartLimitIntervalSec=60
[Service]
Restart=on-failure
RestartSec=0
ExecStart=/bin/sh -c 'echo run >>$M/flaky.runs; [ \$(wc -l <$M/flaky.runs) -ge 3 ] || exit 7; exec sleep 1000'
EOF
unit clean-exit.service <<EOF
[Unit]
Description=Exits 0
[Service]
Restart=on-failure
RestartSec=0
ExecStart=/bin/sh -c 'echo run >>$M/clean.runs'
EOF

start_ember

rc=0
ctl start crash.service || rc=$?
echo "(emberctl start crash.service exited $rc)"
check "crash.service ends up failed" wait_until state_is crash.service failed
check_eq "its Result" start-limit-hit "$(prop crash.service Result)"
check_eq "it ran exactly StartLimitBurst times" 3 "$(nlines "$M/crash.runs")"
check_eq "SubState" failed "$(prop crash.service SubState)"
check_eq "emberctl status crash.service exits 3" 3 "$(ctl_rc status crash.service)"
check "status output says start-limit-hit" grep -q "start-limit-hit" <(ctl status crash.service 2>&1 || true)
check_eq "emberctl is-failed crash.service exits 0" 0 "$(ctl_rc is-failed crash.service)"
check_eq "emberctl is-active crash.service exits 3" 3 "$(ctl_rc is-active crash.service)"
check_eq "is-active prints failed" failed "$(ctl is-active crash.service 2>/dev/null || true)"
check "the manager logged the start-limit hit" log_has "crash.service: Failed with result 'start-limit-hit'"

out=$(ctl start crash.service 2>&1) && rc=0 || rc=$?
check "a manual start while the limit holds fails: ${out//$'\n'/ }" test "$rc" -ne 0
check_eq "and does not run it" 3 "$(nlines "$M/crash.runs")"

ctl reset-failed crash.service
check_eq "reset-failed: inactive" inactive "$(active_state crash.service)"
check_eq "reset-failed: is-failed exits 1" 1 "$(ctl_rc is-failed crash.service)"
: >"$M/crash.runs"
ctl start crash.service || true
check "after reset-failed it runs again until the limit" wait_until state_is crash.service failed
check_eq "again exactly three runs" 3 "$(nlines "$M/crash.runs")"
check_eq "again start-limit-hit" start-limit-hit "$(prop crash.service Result)"

ctl start flaky.service || true
check "flaky.service ends up running" wait_until state_is flaky.service active
check "flaky.service ran a third time" wait_until nlines_is "$M/flaky.runs" 3
check_eq "flaky.service NRestarts" 2 "$(prop flaky.service NRestarts)"
check_eq "flaky.service SubState" running "$(prop flaky.service SubState)"

rc=0
ctl start clean-exit.service || rc=$?
check "clean-exit.service runs" wait_until test -e "$M/clean.runs"
check "clean-exit.service ends inactive (dead)" wait_until state_is clean-exit.service inactive
check_eq "clean-exit.service ran once, no restart" 1 "$(nlines "$M/clean.runs")"
check_eq "clean-exit.service NRestarts" 0 "$(prop clean-exit.service NRestarts)"

# A stop of a service waiting to restart cancels the restart.
unit stoppable.service <<EOF
[Unit]
Description=Restarts slowly
[Service]
Restart=always
RestartSec=1h
ExecStart=/bin/sh -c 'echo run >>$M/stoppable.runs; exit 1'
EOF
ctl daemon-reload
ctl start stoppable.service || true
check "stoppable.service waits to restart (auto-restart)" \
	wait_until prop_is stoppable.service SubState auto-restart
rc=0
ctl stop stoppable.service || rc=$?
check_eq "stop of a service waiting to restart succeeds" 0 "$rc"
check_not "it no longer waits to restart" prop_is stoppable.service SubState auto-restart
check_not "is-active is not active/activating" grep -qE '^(active|activating)$' <<<"$(active_state stoppable.service)"
check_eq "it ran once" 1 "$(nlines "$M/stoppable.runs")"

stop_ember
it_finish
