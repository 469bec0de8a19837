#!/bin/bash
# An ordering cycle is broken, not fatal. x.service After=y.service, y.service
# After=x.service, both wanted by cycle.target; and a three-unit cycle p -> q -> r -> p
# wanted by cycle3.target. The manager logs "Found ordering cycle: ..." naming every unit
# of the cycle, deletes one (non-required) job, and the target is still reached; the rest
# of the units start. `ember --test` prints the same line and a transaction.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

oneshot() { # NAME AFTER
	unit "$1.service" <<-EOF
		[Unit]
		Description=$1
		After=$2
		[Service]
		Type=oneshot
		RemainAfterExit=yes
		ExecStart=/bin/touch $M/$1
	EOF
}
oneshot x y.service
oneshot y x.service
oneshot p r.service
oneshot q p.service
oneshot r q.service
unit cycle.target <<EOF
[Unit]
Description=Two-unit cycle
Wants=x.service y.service
EOF
unit cycle3.target <<EOF
[Unit]
Description=Three-unit cycle
Wants=p.service q.service r.service
EOF

# The cycle line lists units as NAME/JOBTYPE separated by " -> ".
cycle_line_names() { # FILE UNIT... : a "Found ordering cycle" line naming every UNIT
	local file=$1 line u
	shift
	while IFS= read -r line; do
		for u in "$@"; do
			[[ $line == *"$u/"* ]] || continue 2
		done
		return 0
	done < <(grep -F "Found ordering cycle" "$file")
	return 1
}

# ember --test
rc=0
"$EMBER" --user --test --unit-path="$UNITS" --unit=cycle.target >"$WORK/test.out" 2>&1 || rc=$?
check_eq "ember --test with a two-unit cycle exits 0" 0 "$rc"
check "ember --test reports the cycle naming x and y" cycle_line_names "$WORK/test.out" x.service y.service
check "ember --test still lists cycle.target/start" grep -q "cycle.target/start" "$WORK/test.out"
rc=0
"$EMBER" --user --test --unit-path="$UNITS" --unit=cycle3.target >"$WORK/test3.out" 2>&1 || rc=$?
check_eq "ember --test with a three-unit cycle exits 0" 0 "$rc"
check "ember --test reports the cycle naming p, q and r" \
	cycle_line_names "$WORK/test3.out" p.service q.service r.service

# The running manager, with the cycle in its start-up transaction.
start_ember --unit=cycle.target
check "start-up: cycle.target is reached" wait_until state_is cycle.target active
check "start-up: the cycle was logged naming x and y" cycle_line_names "$LOG" x.service y.service
n=0
[[ -e $M/x ]] && n=$((n + 1))
[[ -e $M/y ]] && n=$((n + 1))
check "start-up: at least one of x, y ran" test "$n" -ge 1
check "the manager still answers" ember_answers

before=$(wc -l <"$LOG")
rc=0
ctl start cycle3.target || rc=$?
check_eq "emberctl start cycle3.target succeeds" 0 "$rc"
check_eq "cycle3.target is active" active "$(active_state cycle3.target)"
tail -n +"$((before + 1))" "$LOG" >"$WORK/log3"
check "the three-unit cycle was logged naming p, q and r" \
	cycle_line_names "$WORK/log3" p.service q.service r.service
n=0
for u in p q r; do [[ -e $M/$u ]] && n=$((n + 1)); done
check "at least two of p, q, r ran" test "$n" -ge 2
# Whichever job was deleted, each unit of a cycle can still be started on its own.
for u in x y p q r; do
	rc=0
	ctl start $u.service || rc=$?
	check_eq "start $u.service on its own" 0 "$rc"
	check_eq "  ... active" active "$(active_state $u.service)"
done

# Exiting stops x, y, p, q and r, all active now, whose stop jobs are ordered in the same
# cycles: the manager must still get through them.
stop_ember
it_finish
