#!/bin/bash
# Type=idle holds its program back until the other running jobs are done (or 5 s): a
# slow oneshot started in the same transaction must finish before the idle one runs.
# Order is shown by the lines in a shared file, not by timing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

unit slow.service <<-EOF
	[Unit]
	Description=Slow oneshot
	[Service]
	Type=oneshot
	ExecStart=/bin/sh -c 'sleep 1; echo slow >>$M/order'
EOF
unit idle.service <<-EOF
	[Unit]
	Description=Idle service
	[Service]
	Type=idle
	ExecStart=/bin/sh -c 'echo idle >>$M/order; exec sleep 1000'
EOF
unit both.target <<-EOF
	[Unit]
	Description=Both at once
	Wants=slow.service idle.service
EOF

start_ember
rc=0
ctl start both.target || rc=$?
check_eq "start both.target" 0 "$rc"
check "idle.service ran" wait_until nlines_is "$M/order" 2
check_eq "the slow job finished before the idle program started" "slow idle" \
	"$(tr '\n' ' ' <"$M/order" | sed 's/ $//')"
check_eq "idle.service is running" running "$(prop idle.service SubState)"
stop_ember
it_finish
