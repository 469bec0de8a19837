#!/bin/bash
# A failing dependency: fails.service (Type=oneshot, ExecStart=/bin/false).
#  - needs-it.service Requires+After it: `emberctl start needs-it` fails with the
#    "dependency" wording, needs-it never ran (its marker is absent) and is not failed
#    itself (its job was cancelled as a dependency), fails.service is failed.
#  - wants-it.service Wants+After it: starts and runs anyway.
#  - requisite-of.service Requisite+After an inactive unit: fails without starting it.
#  - BindsTo=: bound.service is stopped when the unit it is bound to stops.
#  - Conflicts=: starting one of two conflicting units stops the other.
#  - ExecStartPre= failing: the main process never runs; OnFailure= starts its unit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

unit fails.service <<EOF
[Unit]
Description=Always fails
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
for kind in Requires Wants; do
	name=$(tr 'A-Z' 'a-z' <<<"$kind")
	name=${name%s}
	[[ $name == want ]] && n=wants-it || n=needs-it
	unit "$n.service" <<-EOF
		[Unit]
		Description=$kind fails.service
		$kind=fails.service
		After=fails.service
		[Service]
		Type=oneshot
		RemainAfterExit=yes
		ExecStart=/bin/touch $M/$n
	EOF
done
unit idle.service <<EOF
[Unit]
Description=Never started by anyone here
[Service]
ExecStart=/bin/sleep 1000
EOF
unit requisite-of.service <<EOF
[Unit]
Description=Requisite idle.service
Requisite=idle.service
After=idle.service
[Service]
Type=oneshot
ExecStart=/bin/touch $M/requisite-of
EOF
unit base.service <<EOF
[Unit]
Description=Base
[Service]
ExecStart=/bin/sleep 1000
EOF
unit bound.service <<EOF
[Unit]
Description=Bound to base
BindsTo=base.service
After=base.service
[Service]
ExecStart=/bin/sleep 1000
EOF

unit peace.service <<EOF
[Unit]
Description=Conflicts with war
Conflicts=war.service
[Service]
ExecStart=/bin/sleep 1000
EOF
unit war.service <<EOF
[Unit]
Description=War
[Service]
ExecStart=/bin/sleep 1000
EOF
unit pre-fails.service <<EOF
[Unit]
Description=ExecStartPre= fails
OnFailure=on-failure.service
[Service]
ExecStartPre=/bin/false
ExecStart=/bin/touch $M/pre-fails-main
EOF
unit on-failure.service <<EOF
[Unit]
Description=Started by OnFailure=
[Service]
Type=oneshot
ExecStart=/bin/touch $M/on-failure
EOF

start_ember

out=$(ctl start needs-it.service 2>&1) && rc=0 || rc=$?
check "start needs-it.service (Requires= a failing unit) exits non-zero" test "$rc" -ne 0
check "its message says a dependency failed: ${out//$'\n'/ }" grep -qi "dependency" <<<"$out"
check "needs-it.service never ran" test ! -e "$M/needs-it"
check_eq "fails.service is failed" failed "$(active_state fails.service)"
check_eq "fails.service Result" exit-code "$(prop fails.service Result)"
check_not "needs-it.service is not active" state_is needs-it.service active
check "the manager logged the failed dependency" log_has "Dependency failed for needs-it.service"

rc=0
ctl start wants-it.service || rc=$?
check_eq "start wants-it.service (Wants= the failing unit) succeeds" 0 "$rc"
check "wants-it.service ran" test -e "$M/wants-it"
check_eq "wants-it.service is active" active "$(active_state wants-it.service)"
check_eq "fails.service is failed again" failed "$(active_state fails.service)"

out=$(ctl start requisite-of.service 2>&1) && rc=0 || rc=$?
check "start requisite-of.service (Requisite= an inactive unit) exits non-zero" test "$rc" -ne 0
check "requisite-of.service never ran" test ! -e "$M/requisite-of"
check_eq "idle.service was not started by it" inactive "$(active_state idle.service)"

rc=0
ctl start bound.service || rc=$?
check_eq "start bound.service (BindsTo=base) succeeds" 0 "$rc"
check_eq "base.service was pulled in" active "$(active_state base.service)"
ctl stop base.service
check_eq "bound.service stopped with base.service" inactive "$(active_state bound.service)"
rc=0
ctl start bound.service || rc=$?
base_pid=$(prop base.service MainPID)
kill -KILL "$base_pid"
check "base.service fails when its process is killed" wait_until -n 100 state_is base.service failed
check "bound.service stops when base.service fails" wait_until -n 100 state_is bound.service inactive

ctl start war.service
ctl start peace.service
# Conflicts= implies no ordering: the stop may end after the start; wait for it.
check "Conflicts=: starting peace.service stops war.service" wait_until state_is war.service inactive
check_eq "  ... peace.service is active" active "$(active_state peace.service)"
ctl start war.service
check "Conflicts= (the inverse): starting war.service stops peace.service" \
	wait_until state_is peace.service inactive
check_eq "  ... war.service is active" active "$(active_state war.service)"

out=$(ctl start pre-fails.service 2>&1) && rc=0 || rc=$?
check "start of a unit whose ExecStartPre= fails exits non-zero" test "$rc" -ne 0
check "its main process never ran" test ! -e "$M/pre-fails-main"
check_eq "its Result" exit-code "$(prop pre-fails.service Result)"
check "OnFailure= started on-failure.service" wait_until test -e "$M/on-failure"

stop_ember
it_finish
