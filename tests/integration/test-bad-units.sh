#!/bin/bash
# Malformed unit files never take the manager down.
#  - garbage.service: an assignment before any section, a line without '=', an unknown
#    key, a broken section header, bad values: every one is a warning naming file:line,
#    and the unit still loads and starts.
#  - noexec.service (no ExecStart=) and oneshot-restart.service (Type=oneshot with
#    Restart=always): load state bad-setting, the reason in `emberctl status` (exit 3),
#    start refused.
#  - loop1.service (a symlink loop): load state error with the reason.
#  - a name with no file: status exits 4 ("could not be found").
#  - all of them wanted by multi-user.target at start-up: the target is still reached
#    and the good units run; afterwards the manager still answers and starts units.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

unit garbage.service <<'EOF'
Description=before any section
[Unit]
Description=Garbage but usable
this line is not an assignment
Frobnicate=yes
[Broken section
[Service]
Restart=sometimes
Type=bogus
TimeoutStartSec=forever-ish
ExecStart=/bin/sleep 1000
EOF
unit noexec.service <<'EOF'
[Unit]
Description=No ExecStart
[Service]
Type=simple
EOF
unit oneshot-restart.service <<'EOF'
[Unit]
Description=Oneshot with Restart=always
[Service]
Type=oneshot
Restart=always
ExecStart=/bin/true
EOF
ln -s loop2.service "$UNITS/loop1.service"
ln -s loop1.service "$UNITS/loop2.service"
unit good.service <<EOF
[Unit]
Description=Good
[Service]
ExecStart=/bin/sh -c 'touch $M/good; exec sleep 1000'
EOF
unit later.service <<EOF
[Unit]
Description=Started later
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch $M/later
EOF
mkdir "$UNITS/multi-user.target.wants"
for u in garbage noexec oneshot-restart loop1 good missing; do
	ln -s "../$u.service" "$UNITS/multi-user.target.wants/$u.service"
done

start_ember

check "multi-user.target is reached despite the broken units" \
	wait_until state_is multi-user.target active
check "good.service ran at start-up" wait_until test -e "$M/good"
check_eq "good.service is active" active "$(active_state good.service)"

G=$UNITS/garbage.service
check "warning garbage.service:1 (assignment outside a section)" grep -q "^$G:1: .*outside" "$LOG"
check "warning garbage.service:4 (line without '=')" grep -q "^$G:4: " "$LOG"
check "warning garbage.service:5 names the unknown key" grep -q "^$G:5: .*Frobnicate" "$LOG"
check "warning garbage.service:6 (broken section header)" grep -q "^$G:6: " "$LOG"
check "warning garbage.service:8 names the bad value" grep -q "^$G:8: .*sometimes" "$LOG"
check "warning garbage.service:9 names the bad value" grep -q "^$G:9: .*bogus" "$LOG"
check "warning garbage.service:10 names the bad value" grep -q "^$G:10: .*forever-ish" "$LOG"
check_eq "garbage.service loaded" loaded "$(prop garbage.service LoadState)"
check_eq "garbage.service is active" active "$(active_state garbage.service)"
check_eq "garbage.service: bad Restart= ignored (default no)" no "$(prop garbage.service Restart)"
check_eq "garbage.service: the Description= in [Unit] taken" "Garbage but usable" \
	"$(prop garbage.service Description)"

status_rc() { ctl_rc status "$1"; }
for u in noexec oneshot-restart; do
	check_eq "$u.service LoadState" bad-setting "$(prop $u.service LoadState)"
	out=$(ctl status $u.service 2>&1 || true)
	check "$u.service status shows bad-setting and a reason" \
		grep -qE "Loaded: bad-setting \(Reason: .+\)" <<<"$out"
	check_eq "$u.service status exits 3" 3 "$(status_rc $u.service)"
	out=$(ctl start $u.service 2>&1) && rc=0 || rc=$?
	check "$u.service start refused: ${out//$'\n'/ }" test "$rc" -ne 0
done
check "noexec.service's reason names ExecStart=" \
	grep -q "ExecStart=" <(ctl status noexec.service 2>&1 || true)
check "oneshot-restart.service's reason names Restart=" \
	grep -q "Restart=" <(ctl status oneshot-restart.service 2>&1 || true)
check_eq "loop1.service LoadState" error "$(prop loop1.service LoadState)"
out=$(ctl status loop1.service 2>&1 || true)
check "loop1.service status shows error and the reason" \
	grep -qiE "Loaded: error \(Reason: .*symbolic links.*\)" <<<"$out"
check_eq "loop1.service status exits 3" 3 "$(status_rc loop1.service)"
out=$(ctl status missing.service 2>&1 || true)
check "missing.service status: could not be found / not-found" \
	grep -qE "could not be found|not-found" <<<"$out"
check_eq "missing.service status exits 4" 4 "$(status_rc missing.service)"
check_eq "never-mentioned.service status exits 4" 4 "$(status_rc never-mentioned.service)"
check "list-units --all shows noexec.service bad-setting" \
	grep -qE "noexec.service +bad-setting" <(ctl list-units --all --no-legend 2>&1)

check "the manager still answers" ember_answers
rc=0
ctl start later.service || rc=$?
check_eq "a later start of a good unit works" 0 "$rc"
check "later.service ran" test -e "$M/later"

# A unit broken by an edit and a daemon-reload: the manager keeps going, the unit shows
# the error, fixing it and reloading again makes it usable.
cp "$UNITS/later.service" "$WORK/later.good"
printf '[Service]\nType=oneshot\nRestart=always\nExecStart=/bin/true\n' >"$UNITS/later.service"
rc=0
ctl daemon-reload || rc=$?
check_eq "daemon-reload with a broken file succeeds" 0 "$rc"
check_eq "later.service now bad-setting" bad-setting "$(prop later.service LoadState)"
cp "$WORK/later.good" "$UNITS/later.service"
ctl daemon-reload
check_eq "fixed and reloaded: later.service loaded" loaded "$(prop later.service LoadState)"
rm -f "$M/later"
ctl restart later.service
check "fixed later.service runs again" test -e "$M/later"

stop_ember
it_finish
