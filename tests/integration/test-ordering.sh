#!/bin/bash
# Ordering is honoured. Every service appends lines to one shared file; a service ordered
# after another also checks that the other's last line is already there. The first
# service of each pair lingers a little between its two lines, so that if the manager
# ran the pair in parallel the second would see a half-written file (the lingering only
# widens that window; nothing here measures time).
#   After=:  b-after Requires+After a-first
#   Before=: c-before Before=d-second, d-second Wants c-before
#   stop runs in reverse order: stopping a-first also stops b-after (Requires=), in one
#   transaction, and b-after goes first.
#   a chain started from its end: chain3 -> chain2 -> chain1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

LINES=$M/lines
# step NAME [MUST_SEE]: appends "NAME start", lingers, "NAME end"; fails if MUST_SEE
# is not yet in the file.
cat >"$WORK/step" <<EOS
#!/bin/sh
if [ -n "\${2:-}" ] && ! grep -qx "\$2" "$LINES"; then
	echo "\$1 too-early" >>"$LINES"
	exit 1
fi
echo "\$1 start" >>"$LINES"
sleep 0.3
echo "\$1 end" >>"$LINES"
EOS
chmod +x "$WORK/step"

pair() { # NAME DEPS... (extra [Unit] lines), MUST_SEE
	local name=$1 unitlines=$2 must=${3:-}
	unit "$name.service" <<-EOF
		[Unit]
		Description=$name
		$unitlines
		[Service]
		Type=oneshot
		RemainAfterExit=yes
		ExecStart=$WORK/step $name "$must"
		ExecStop=/bin/sh -c 'echo "$name stop" >>$LINES'
	EOF
}
pair a-first ""
pair b-after "Requires=a-first.service
After=a-first.service" "a-first end"
pair c-before "Before=d-second.service"
pair d-second "Wants=c-before.service" "c-before end"
pair chain1 ""
pair chain2 "Wants=chain1.service
After=chain1.service" "chain1 end"
pair chain3 "Wants=chain2.service
After=chain2.service" "chain2 end"

start_ember

lines_in_order() { # FIRST SECOND: both present, FIRST on an earlier line
	local a b
	a=$(grep -nx "$1" "$LINES" | head -n 1 | cut -d: -f1)
	b=$(grep -nx "$2" "$LINES" | head -n 1 | cut -d: -f1)
	[[ -n $a && -n $b ]] && ((a < b))
}

: >"$LINES"
rc=0
ctl start b-after.service || rc=$?
check_eq "start b-after.service (After=a-first) succeeds" 0 "$rc"
check_eq "a-first.service was pulled in and is active" active "$(active_state a-first.service)"
check "a-first finished before b-after began" lines_in_order "a-first end" "b-after start"
check_not "b-after never ran too early" grep -q too-early "$LINES"

: >"$LINES"
rc=0
ctl stop a-first.service || rc=$?
check_eq "stop a-first.service succeeds" 0 "$rc"
check_eq "b-after.service (Requires=a-first) was stopped too" inactive "$(active_state b-after.service)"
check "b-after (ordered after) stopped before a-first" lines_in_order "b-after stop" "a-first stop"

: >"$LINES"
rc=0
ctl start d-second.service || rc=$?
check_eq "start d-second.service (c-before has Before=d-second) succeeds" 0 "$rc"
check "c-before finished before d-second began" lines_in_order "c-before end" "d-second start"
check_not "d-second never ran too early" grep -q too-early "$LINES"

# Both jobs in one request: the order comes from the units, not from the command line.
: >"$LINES"
ctl stop c-before.service d-second.service
rc=0
ctl start d-second.service c-before.service || rc=$?
check_eq "start d-second c-before (in that order on the command line) succeeds" 0 "$rc"
check "c-before still ran first" lines_in_order "c-before end" "d-second start"

: >"$LINES"
rc=0
ctl start chain3.service || rc=$?
check_eq "start chain3.service (chain3 -> chain2 -> chain1) succeeds" 0 "$rc"
check "chain1 before chain2" lines_in_order "chain1 end" "chain2 start"
check "chain2 before chain3" lines_in_order "chain2 end" "chain3 start"
check_not "no step ran too early" grep -q too-early "$LINES"

stop_ember
it_finish
