#!/bin/bash
# emberctl's verbs, output and exit codes against a running debug instance (systemctl's
# conventions: is-active/status exit 3 when not running, status 4 for an unknown unit,
# start of an unknown unit 5, ...).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

# svc NAME: records each start's pid, logs SIGHUP/SIGUSR1 to markers, runs until killed.
cat >"$WORK/svc" <<EOS
#!/bin/sh
echo \$\$ >>$M/\$1.starts
trap 'echo hup >>$M/\$1.hup' HUP
trap 'echo usr1 >>$M/\$1.usr1' USR1
while :; do sleep 0.1; done
EOS
chmod +x "$WORK/svc"
unit svc.service <<EOF
[Unit]
Description=Main test service
[Service]
ExecStart=$WORK/svc svc
ExecReload=/bin/sh -c 'echo reload >>$M/svc.reloads'
EOF
unit other.service <<EOF
[Unit]
Description=Other service
[Service]
ExecStart=$WORK/svc other
EOF
unit extra.service <<EOF
[Unit]
Description=Extra service, not part of app.target
[Service]
ExecStart=/bin/sleep 1000
EOF
unit fail.service <<EOF
[Unit]
Description=Fails
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
unit app.target <<EOF
[Unit]
Description=App
Wants=svc.service other.service
AllowIsolate=yes
EOF
unit noisolate.target <<EOF
[Unit]
Description=No AllowIsolate
EOF
mkfifo "$M/slow-go"
unit slow.service <<EOF
[Unit]
Description=Ready only when told
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'read x <$M/slow-go'
EOF

start_ember
# The main PID of NAME.service, once that process has recorded itself in $M/NAME.starts
# (a simple service counts as started as soon as it is forked).
last_pid() {
	local pid
	pid=$(prop "$1.service" MainPID)
	wait_until -n 100 grep -qx "$pid" "$M/$1.starts" 2>/dev/null || true
	echo "$pid"
}

# --- start, is-active, status
rc=0
ctl start app.target || rc=$?
check_eq "start app.target" 0 "$rc"
check_eq "is-active svc.service prints" active "$(ctl is-active svc.service)"
check_eq "is-active svc.service exits" 0 "$(ctl_rc is-active svc.service)"
check_eq "is-active extra.service (inactive) prints" inactive "$(ctl is-active extra.service || true)"
check_eq "is-active extra.service exits" 3 "$(ctl_rc is-active extra.service)"
check_eq "is-active -q prints nothing" "" "$(ctl is-active -q svc.service extra.service || true)"
check_eq "is-active of one active and one inactive unit exits 0" 0 \
	"$(ctl_rc is-active svc.service extra.service)"
check_eq "is-active of two inactive units exits 3" 3 "$(ctl_rc is-active extra.service fail.service)"
check_eq "is-active prints one line per unit" "active inactive" \
	"$(ctl is-active svc.service extra.service | tr '\n' ' ' | sed 's/ $//' || true)"
check_eq "status svc.service (active) exits" 0 "$(ctl_rc status svc.service)"
check_eq "status extra.service (inactive) exits" 3 "$(ctl_rc status extra.service)"
check_eq "status nonexistent.service exits" 4 "$(ctl_rc status nonexistent.service)"
out=$(ctl status svc.service 2>&1 || true)
check "status shows the description line" grep -q "svc.service - Main test service" <<<"$out"
check "status shows Loaded: with the file" grep -q "Loaded: loaded ($UNITS/svc.service" <<<"$out"
check "status shows Active: active (running)" grep -q "Active: active (running)" <<<"$out"
check "status shows the main PID" grep -q "Main PID: $(last_pid svc)" <<<"$out"

# --- is-failed, reset-failed
ctl start fail.service 2>/dev/null || true
check_eq "is-failed fail.service prints" failed "$(ctl is-failed fail.service || true)"
check_eq "is-failed fail.service exits" 0 "$(ctl_rc is-failed fail.service)"
check_eq "is-failed svc.service prints" active "$(ctl is-failed svc.service || true)"
check_eq "is-failed svc.service exits" 1 "$(ctl_rc is-failed svc.service)"
check_eq "status of a failed unit exits" 3 "$(ctl_rc status fail.service)"
check "list-units --state=failed shows fail.service" \
	grep -q "fail.service" <(ctl list-units --state=failed --no-legend)
check_not "list-units --state=failed does not show svc.service" \
	grep -q "svc.service" <(ctl list-units --state=failed --no-legend)
check_eq "reset-failed fail.service exits" 0 "$(ctl_rc reset-failed fail.service)"
check_eq "after reset-failed: inactive" inactive "$(ctl is-active fail.service || true)"
ctl start fail.service 2>/dev/null || true
ctl reset-failed
check_eq "reset-failed without arguments resets every unit" inactive "$(ctl is-active fail.service || true)"
check_eq "reset-failed of an unknown unit exits non-zero" 1 "$(ctl_rc reset-failed nonexistent.service)"

# --- restart, try-restart
p1=$(last_pid svc)
rc=0
ctl restart svc.service || rc=$?
check_eq "restart svc.service" 0 "$rc"
p2=$(last_pid svc)
check "restart gave a new main process ($p1 -> $p2)" test "$p1" != "$p2"
check "the old one is gone" proc_gone "$p1"
check_eq "MainPID after restart" "$p2" "$(prop svc.service MainPID)"
check_eq "try-restart of an inactive unit exits 0" 0 "$(ctl_rc try-restart extra.service)"
check_eq "and does not start it" inactive "$(ctl is-active extra.service || true)"
rc=0
ctl try-restart svc.service || rc=$?
check_eq "try-restart of an active unit" 0 "$rc"
check "try-restart restarted it" test "$(last_pid svc)" != "$p2"

# --- reload, reload-or-restart, try-reload-or-restart
p=$(last_pid svc)
rc=0
ctl reload svc.service || rc=$?
check_eq "reload svc.service (ExecReload=)" 0 "$rc"
check_eq "ExecReload= ran" 1 "$(nlines "$M/svc.reloads")"
check_eq "reload kept the main process" "$p" "$(prop svc.service MainPID)"
out=$(ctl reload other.service 2>&1) && rc=0 || rc=$?
check "reload of a unit without ExecReload= fails: $out" test "$rc" -ne 0
check "its message says reload is not applicable" grep -q "not applicable" <<<"$out"
rc=0
ctl reload-or-restart svc.service || rc=$?
check_eq "reload-or-restart of a reloadable unit" 0 "$rc"
check_eq "it reloaded" 2 "$(nlines "$M/svc.reloads")"
check_eq "and kept the main process" "$p" "$(prop svc.service MainPID)"
po=$(last_pid other)
rc=0
ctl reload-or-restart other.service || rc=$?
check_eq "reload-or-restart of a non-reloadable unit" 0 "$rc"
check "it restarted it" test "$(last_pid other)" != "$po"
ctl stop extra.service
rc=0
ctl reload-or-restart extra.service || rc=$?
check_eq "reload-or-restart of an inactive unit" 0 "$rc"
check_eq "it started it" active "$(ctl is-active extra.service || true)"
ctl stop extra.service
check_eq "try-reload-or-restart of an inactive unit exits 0" 0 "$(ctl_rc try-reload-or-restart extra.service)"
check_eq "and leaves it inactive" inactive "$(ctl is-active extra.service || true)"
ctl try-reload-or-restart svc.service
check_eq "try-reload-or-restart of an active reloadable unit reloads" 3 "$(nlines "$M/svc.reloads")"

# --- errors
out=$(ctl start nonexistent.service 2>&1) && rc=0 || rc=$?
check_eq "start of an unknown unit exits 5 ($out)" 5 "$rc"
check "its message says not found" grep -q "not found" <<<"$out"
check_eq "stop of an unknown unit exits 5" 5 "$(ctl_rc stop nonexistent.service)"
check_eq "an unknown verb exits 1" 1 "$(ctl_rc no-such-verb)"

# --- list-units
out=$(ctl list-units)
check "list-units has the header" grep -qE "^ *UNIT +LOAD +ACTIVE +SUB +DESCRIPTION" <<<"$out"
check "list-units shows svc.service active running" \
	grep -qE "svc.service +loaded +active +running +Main test service" <<<"$out"
check_not "list-units (no --all) hides inactive extra.service" grep -q "extra.service" <<<"$out"
check "list-units ends with the count" grep -qE "^[0-9]+ loaded units listed" <<<"$out"
out=$(ctl list-units --all --no-legend)
check "list-units --all shows inactive extra.service" grep -qE "extra.service +loaded +inactive +dead" <<<"$out"
check_not "--no-legend: no header" grep -q "UNIT.*LOAD.*ACTIVE" <<<"$out"
out=$(ctl list-units --no-legend 'svc*')
check_eq "list-units 'svc*' lists one unit" 1 "$(grep -c . <<<"$out")"
check "  ... svc.service" grep -q "svc.service" <<<"$out"
out=$(ctl list-units --no-legend --type=target)
check "list-units --type=target lists app.target" grep -q "app.target" <<<"$out"
check_not "list-units --type=target lists no service" grep -q "\.service" <<<"$out"
out=$(ctl list-units --no-legend --all --state=inactive)
check "list-units --all --state=inactive lists extra.service" grep -q "extra.service" <<<"$out"
check_not "list-units --state=inactive does not list svc.service" grep -q "svc.service" <<<"$out"
out=$(ctl list-units --no-legend --state=running)
check "list-units --state=running (a SUB state) lists svc.service" grep -q "svc.service" <<<"$out"
check_not "  ... but not app.target" grep -q "app.target" <<<"$out"

# --- list-unit-files
out=$(ctl list-unit-files)
check "list-unit-files has the header" grep -qE "^UNIT FILE +STATE" <<<"$out"
check "list-unit-files lists svc.service static" grep -qE "^svc.service +static" <<<"$out"
check "list-unit-files lists default.target as alias" grep -qE "^default.target +alias" <<<"$out"
n_files=$(find "$UNITS" -maxdepth 1 -name '*.*' \( -type f -o -type l \) | wc -l)
check "list-unit-files counts every file ($n_files)" grep -q "^$n_files unit files listed" <<<"$out"
out=$(ctl list-unit-files '*.target')
check "list-unit-files '*.target' lists app.target" grep -q "^app.target" <<<"$out"
check_not "list-unit-files '*.target' lists no service" grep -q "\.service" <<<"$out"

# --- show, cat
check_eq "show -p MainPID" "MainPID=$(last_pid svc)" "$(ctl show -p MainPID svc.service)"
check_eq "show -P ActiveState" active "$(ctl show -P ActiveState svc.service)"
check_eq "show --value -p Id" svc.service "$(ctl show --value -p Id svc.service)"
out=$(ctl show -p Id -p SubState svc.service)
check "show with two -p shows both" grep -q "^SubState=running" <<<"$out"
check "  ... and Id" grep -q "^Id=svc.service" <<<"$out"
check "show (no unit) shows the manager's Version" grep -q "^Version=" <(ctl show)
out=$(ctl cat svc.service)
check_eq "cat: first line names the file" "# $UNITS/svc.service" "$(head -n 1 <<<"$out")"
check_eq "cat: then the file's content" "$(cat "$UNITS/svc.service")" "$(tail -n +2 <<<"$out")"
check "cat of an unknown unit fails" test "$(ctl_rc cat nonexistent.service)" -ne 0

# --- kill
ctl kill -s HUP svc.service
check "kill -s HUP reached the service" wait_until test -s "$M/svc.hup"
ctl kill --kill-whom=main -s SIGUSR1 svc.service
check "kill --kill-whom=main -s SIGUSR1 reached the main process" wait_until test -s "$M/svc.usr1"
check_eq "the service survived both" active "$(ctl is-active svc.service || true)"
check "kill --kill-whom=control with no control process fails" \
	test "$(ctl_rc kill --kill-whom=control svc.service)" -ne 0
p=$(last_pid svc)
ctl kill -s KILL svc.service
check "kill -s KILL: the service fails" wait_until state_is svc.service failed
check_eq "  ... Result" signal "$(prop svc.service Result)"
check "  ... its process is gone" proc_gone "$p"
ctl reset-failed svc.service
ctl start svc.service
p=$(last_pid svc)
ctl kill svc.service
check "kill (default SIGTERM): the service stops" wait_until state_is svc.service inactive
check "  ... its process is gone" proc_gone "$p"
check "kill of a unit with no process fails" test "$(ctl_rc kill extra.service)" -ne 0

# --- list-dependencies
out=$(ctl list-dependencies app.target)
check_eq "list-dependencies: first line is the unit" app.target "$(head -n 1 <<<"$out")"
check "list-dependencies app.target shows svc.service" grep -q "svc.service" <<<"$out"
check "  ... and other.service" grep -q "other.service" <<<"$out"
check "list-dependencies --reverse svc.service shows app.target" \
	grep -q "app.target" <(ctl list-dependencies --reverse svc.service)
out=$(ctl list-dependencies --plain app.target)
check_not "--plain draws no tree" grep -q "─" <<<"$out"

# --- isolate
ctl start svc.service extra.service
rc=0
ctl isolate app.target || rc=$?
check_eq "isolate app.target" 0 "$rc"
check_eq "isolate stopped extra.service (not wanted by app.target)" inactive \
	"$(ctl is-active extra.service || true)"
check_eq "isolate kept svc.service" active "$(ctl is-active svc.service || true)"
check_eq "isolate stopped multi-user.target" inactive "$(ctl is-active multi-user.target || true)"
out=$(ctl isolate noisolate.target 2>&1) && rc=0 || rc=$?
check "isolate of a target without AllowIsolate= is refused: $out" test "$rc" -ne 0
check_eq "  ... and changes nothing" active "$(ctl is-active app.target || true)"
rc=0
ctl isolate multi-user.target || rc=$?
check_eq "isolate multi-user.target" 0 "$rc"
check_eq "  ... stopped app.target" inactive "$(ctl is-active app.target || true)"
check_eq "  ... stopped svc.service" inactive "$(ctl is-active svc.service || true)"
check_eq "get-default" multi-user.target "$(ctl get-default)"

# --- daemon-reload
unit new.service <<EOF
[Unit]
Description=Added later
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch $M/new
EOF
sed -i 's/^Description=Main test service$/Description=Edited description/' "$UNITS/svc.service"
check_eq "an edited unit: NeedDaemonReload" yes "$(prop svc.service NeedDaemonReload)"
rc=0
ctl daemon-reload || rc=$?
check_eq "daemon-reload" 0 "$rc"
check_eq "after daemon-reload: NeedDaemonReload" no "$(prop svc.service NeedDaemonReload)"
check_eq "after daemon-reload: the new Description" "Edited description" "$(prop svc.service Description)"
rc=0
ctl start new.service || rc=$?
check_eq "start of the unit file added before daemon-reload" 0 "$rc"
check "new.service ran" test -e "$M/new"

# --- --no-block, list-jobs
rc=0
ctl start --no-block slow.service || rc=$?
check_eq "start --no-block returns at once, with 0" 0 "$rc"
check "the unit is activating (it waits for the fifo)" wait_until state_is slow.service activating
out=$(ctl list-jobs)
check "list-jobs shows the start job of slow.service" grep -qE "slow.service +start +running" <<<"$out"
check "list-jobs ends with the count" grep -q "1 jobs listed" <<<"$out"
timeout 30 sh -c "echo go >$M/slow-go" || true
check "slow.service becomes active" wait_until state_is slow.service active
check "list-jobs: no jobs" grep -q "No jobs running" <(ctl list-jobs)
rc=0
ctl stop --no-block slow.service || rc=$?
check_eq "stop --no-block" 0 "$rc"
check "slow.service ends inactive" wait_until state_is slow.service inactive

stop_ember
it_finish
