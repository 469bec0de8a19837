#!/bin/bash
# Per-unit cgroups, with ember as PID 1 of a fresh PID + mount namespace, started inside a
# cgroup of its own (delegated to it, as a container's init or user@.service would be):
#  - the manager moves itself into BASE/init.scope, each service runs in
#    BASE/system.slice/NAME.service, Slice=a-b.slice nests as a.slice/a-b.slice;
#  - a Type=forking service whose daemon double-forks a sleeper and calls setsid: stop
#    leaves no process behind (the test looks for the sleeper by PID);
#  - a simple service whose main process exits leaving a setsid'd child: the unit is only
#    inactive once its cgroup is empty (the child is killed, KillMode=control-group);
#  - KillMode=process leaves the rest alone; `emberctl kill --kill-whom=all` reaches all;
#  - a resource setting whose controller this tree lacks is reported, not silently lost;
#  - cgroups of stopped units are removed, and the whole tree when ember exits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
CGMOUNT=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[[ $(stat -f -c %T "$d" 2>/dev/null) == cgroup2fs ]] && { CGMOUNT=$d; break; }
done
[[ -n $CGMOUNT && -w $CGMOUNT ]] || skip "no writable cgroup2 hierarchy"
it_setup

CG=$CGMOUNT/ember-it-$$
ROOT=$WORK/root
NS_LOG=$WORK/pid1.log
# shellcheck disable=SC2034 # read by log_has and the cleanup
LOG=$NS_LOG
UNSHARE_PID=
E=

cg_cleanup() {
	local rc=$? p d
	set +e
	[[ -n $E ]] && proc_alive "$E" && kill -KILL "$E" 2>/dev/null
	if [[ -d $CG ]]; then
		echo 1 >"$CG/cgroup.kill" 2>/dev/null
		for p in $(find "$CG" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	fi
	if [[ -n $UNSHARE_PID ]]; then
		wait_until -n 100 proc_gone "$UNSHARE_PID" || kill -KILL "$UNSHARE_PID" 2>/dev/null
		wait "$UNSHARE_PID" 2>/dev/null
	fi
	if [[ -d $CG ]]; then
		while read -r d; do rmdir "$d" 2>/dev/null; done < <(find "$CG" -depth -type d)
	fi
	(exit "$rc")
	it_cleanup
}
trap cg_cleanup EXIT

unit forker.service <<EOF
[Service]
Type=forking
ExecStart=/bin/sh -c 'setsid sh -c "sleep 1001.25 & echo done" >/dev/null & sleep 0.2; exit 0'
EOF
unit leaver.service <<EOF
[Service]
ExecStart=/bin/sh -c 'setsid sleep 1002.25 & while [ ! -e $M/leave ]; do sleep 0.05; done; exit 0'
EOF
unit procmode.service <<EOF
[Service]
KillMode=process
ExecStart=/bin/sh -c 'setsid sleep 1003.25 & exec sleep 1004.25'
EOF
unit nested.service <<EOF
[Service]
Slice=outer-inner.slice
ExecStart=/bin/sleep 1005.25
EOF
unit killall.service <<EOF
[Service]
ExecStart=/bin/sh -c 'setsid sleep 1006.25 & exec sleep 1007.25'
EOF
unit forkbomb.service <<EOF
[Service]
TasksMax=50
ExecStart=/bin/sh -c 'i=0; while [ \$i -lt 1000 ]; do sleep 1009.25 & i=\$((i + 1)); done; echo forked >$M/forkbomb; exec sleep 1010.25'
EOF
unit limited.service <<EOF
[Service]
MemoryMax=64M
TasksMax=50
ExecStart=/bin/sleep 1008.25
EOF

{
	echo "#!/bin/bash"
	echo "set -euo pipefail"
	pid1_root_lines "$ROOT"
	cat <<EOS
mount --rbind /sys "$ROOT/sys"
# ember's own cgroup: handed to it, as a container manager would.
echo \$\$ >"$CG/cgroup.procs"
exec unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS" --runtime-dir="$RT" --log-target=console --log-level=debug
EOS
} >"$WORK/enter"
chmod +x "$WORK/enter"
mkdir "$CG" "$ROOT"

unshare --mount --propagation private "$WORK/enter" >"$NS_LOG" 2>&1 </dev/null &
UNSHARE_PID=$!
first_child() {
	local p
	E=
	for p in $(pgrep -P "$UNSHARE_PID" -x unshare) $UNSHARE_PID; do E=$(pgrep -P "$p" -x ember | head -n 1); [[ -n $E ]] && break; done
	[[ -n $E ]]
}
wait_until first_child || die "the namespace's PID 1 was not forked: $(tail -n 5 "$NS_LOG")"
wait_until ember_answers || die "ember's socket does not answer: $(tail -n 5 "$NS_LOG")"
rel=${CG#"$CGMOUNT"}
cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
check_eq "the manager moved itself into init.scope" "$rel/init.scope" "$(cg_of "$E")"

# pid_of PATTERN: the host PID of the (only) process whose command line is PATTERN.
pid_of() { pgrep -f -x "$1" | head -n 1 || true; }
# wait_pid PATTERN: the same, once it has started (a service's start does not wait for it).
wait_pid() {
	local tries=100 p
	while ((tries-- > 0)); do
		p=$(pid_of "$1")
		[[ -n $p ]] && { echo "$p"; return 0; }
		sleep 0.1
	done
}

# A double-forking daemon that escapes its process group.
check_eq "forker.service starts" 0 "$(ctl_rc start forker.service)"
sleeper=$(wait_pid "sleep 1001.25")
check "the double-forked sleeper runs" test -n "$sleeper"
check_eq "it is in forker.service's cgroup" "$rel/system.slice/forker.service" "$(cg_of "$sleeper")"
check_eq "ControlGroup says so" "$rel/system.slice/forker.service" "$(prop forker.service ControlGroup)"
check_eq "forker.service stops" 0 "$(ctl_rc stop forker.service)"
check "stop left no process behind: the sleeper (PID $sleeper) is gone" wait_until test ! -e "/proc/$sleeper"
check "the stopped unit's cgroup is removed" wait_until test ! -d "$CG/system.slice/forker.service"

# The main process exits, a setsid'd child stays: the group is what counts.
check_eq "leaver.service starts" 0 "$(ctl_rc start leaver.service)"
left=$(wait_pid "sleep 1002.25")
check "leaver's child runs" test -n "$left"
touch "$M/leave"
check "leaver.service ends up inactive" wait_until state_is leaver.service inactive
check "and its straggler was killed with it" wait_until test ! -e "/proc/$left"

# KillMode=process: only the main process is stopped.
check_eq "procmode.service starts" 0 "$(ctl_rc start procmode.service)"
pm_main=$(wait_pid "sleep 1004.25") pm_child=$(wait_pid "sleep 1003.25")
check_eq "procmode.service stops" 0 "$(ctl_rc stop procmode.service)"
check "its main process is gone" wait_until test ! -e "/proc/$pm_main"
check "its other process stays (KillMode=process)" proc_alive "$pm_child"
check_eq "it stays in the unit's cgroup" "$rel/system.slice/procmode.service" "$(cg_of "$pm_child")"
kill -KILL "$pm_child"
check "the cgroup goes once it runs empty" wait_until test ! -d "$CG/system.slice/procmode.service"

# Slices nest by name.
check_eq "nested.service starts" 0 "$(ctl_rc start nested.service)"
check_eq "Slice=outer-inner.slice nests the cgroup" "$rel/outer.slice/outer-inner.slice/nested.service" \
	"$(cg_of "$(wait_pid "/bin/sleep 1005.25")")"
check_eq "the slice units are active" "active active" \
	"$(active_state outer.slice) $(active_state outer-inner.slice)"

# emberctl kill --kill-whom=all reaches the setsid'd child too.
check_eq "killall.service starts" 0 "$(ctl_rc start killall.service)"
ka_child=$(wait_pid "sleep 1006.25")
check_eq "emberctl kill --kill-whom=all -s KILL" 0 "$(ctl_rc kill --kill-whom=all -s KILL killall.service)"
check "the setsid'd child got it" wait_until test ! -e "/proc/$ka_child"
check "killall.service is failed (killed)" wait_until state_is killall.service failed

# A limit whose controller this tree lacks is reported.
check_eq "limited.service starts" 0 "$(ctl_rc start limited.service)"
ctrls=$(cat "$CG/cgroup.controllers")
if [[ " $ctrls " == *" memory "* ]]; then
	check_eq "memory.max is set" 67108864 "$(cat "$CG/system.slice/limited.service/memory.max")"
else
	check "MemoryMax= without a memory controller is reported" \
		log_has "MemoryMax= not applied: the memory controller is not available"
fi
if [[ " $ctrls " == *" pids "* ]]; then
	check_eq "pids.max is set" 50 "$(cat "$CG/system.slice/limited.service/pids.max")"
else
	check "TasksMax= without a pids controller is reported" \
		log_has "TasksMax= not applied: the pids controller is not available"
fi

# 1,000 forks against TasksMax=50 (needs the pids controller in this tree).
if [[ " $ctrls " == *" pids "* ]]; then
	check_eq "forkbomb.service starts" 0 "$(ctl_rc start forkbomb.service)"
	check "its loop ran to the end" wait_until test -e "$M/forkbomb"
	check "it never had more than 50 tasks" \
		test "$(cat "$CG/system.slice/forkbomb.service/pids.current")" -le 50
	check "fork failures were counted (pids.events max)" \
		test "$(awk '$1 == "max" {print $2}' "$CG/system.slice/forkbomb.service/pids.events")" -gt 0
	check_eq "the manager still answers: nested.service is active" active "$(active_state nested.service)"
	check_eq "forkbomb.service stops" 0 "$(ctl_rc stop forkbomb.service)"
	check_eq "none of its sleepers is left" "" "$(pgrep -f -x 'sleep 1009.25' || true)"
else
	echo "SKIP: TasksMax=50 against 1,000 forks needs the pids controller in the v2 tree (the VM has it)"
fi

# Runtime changes.
check_eq "set-property MemoryMax=32M" 0 "$(ctl_rc set-property limited.service MemoryMax=32M)"
check_eq "MemoryMax reads back" 33554432 "$(prop limited.service MemoryMax)"
check_eq "set-property TasksMax=40" 0 "$(ctl_rc set-property limited.service TasksMax=40)"
check_not "a bad value is refused" test "$(ctl_rc set-property limited.service MemoryMax=lots)" = 0
check "  with a message naming it" grep -q "Invalid value for MemoryMax: lots" \
	<(ctl set-property limited.service MemoryMax=lots 2>&1)
check_not "an unknown property is refused" test "$(ctl_rc set-property limited.service NoSuch=1)" = 0
check_eq "MemoryMax unchanged by the refused calls" 33554432 "$(prop limited.service MemoryMax)"
status=$(ctl status limited.service 2>&1 || true)
check "status shows the cgroup" grep -qF "CGroup: $rel/system.slice/limited.service" <<<"$status"
check "status shows the task count" grep -qE "Tasks: 1( |$)" <<<"$status"
check "status lists the process under the cgroup" grep -qF "/bin/sleep 1008.25" <<<"$status"
check "list-units --resources shows the task count" \
	grep -qE '^ *limited\.service +loaded +active +running +1 ' <(ctl list-units --resources --no-legend limited.service)

ctl stop limited.service nested.service >/dev/null
kill -s RTMIN+4 "$E"
check "the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
check "unshare returned" wait_until -n 100 proc_gone "$UNSHARE_PID"
wait "$UNSHARE_PID" 2>/dev/null || true
UNSHARE_PID=
check_eq "ember removed its tree on the way out" "" "$(cd "$CG" && find . -mindepth 1 -type d | sort | tr '\n' ' ')"
E=

# Scopes: an unmodified systemd-run --scope asks a user manager (in a delegated cgroup)
# for a transient scope over its own PID, then execs the command in it.
if command -v systemd-run >/dev/null; then
	CGU=$CG-user
	mkdir -p "$CGU" "$WORK/xdg/systemd"
	cat >"$WORK/ember-in-cg" <<EOS
#!/bin/sh
echo \$\$ >"$CGU/cgroup.procs"
exec "$EMBER" "\$@"
EOS
	chmod +x "$WORK/ember-in-cg"
	LOG=$WORK/user.log
	RT=$WORK/rt-user
	mkdir -p "$RT"
	EMBER=$WORK/ember-in-cg start_ember
	ln -sf "$RT/private" "$WORK/xdg/systemd/private"
	XDG_RUNTIME_DIR=$WORK/xdg systemd-run --user --scope -p Description=probe \
		sh -c "cat /proc/self/cgroup >$M/scope.cg; exec sleep 1011.25" >"$WORK/run.out" 2>&1 &
	RUN_PID=$!
	scope_active() { ctl list-units --no-legend --type=scope 2>/dev/null | grep -q 'run-.*\.scope.*active'; }
	check "systemd-run --scope made a running scope" wait_until scope_active
	scope=$(ctl list-units --no-legend --type=scope | awk '{print $1 == "●" ? $2 : $1}' | head -n 1)
	check "the command runs in the scope's cgroup" wait_until grep -q "^0::${CGU#"$CGMOUNT"}/app.slice/$scope\$" "$M/scope.cg"
	check_eq "Description came with it" probe "$(prop "$scope" Description)"
	sl=$(wait_pid "sleep 1011.25")
	check_eq "emberctl stop on the scope" 0 "$(ctl_rc stop "$scope")"
	check "its process is gone" wait_until test ! -e "/proc/$sl"
	check "systemd-run returned" wait_until proc_gone "$RUN_PID"
	check "the scope is gone once done" wait_until eval '! scope_active'
	check "only scopes can be transient" grep -q "only .scope" \
		<(XDG_RUNTIME_DIR=$WORK/xdg systemd-run --user --unit=x.service true 2>&1)
	stop_ember
	while read -r d; do rmdir "$d" 2>/dev/null; done < <(find "$CGU" -depth -type d)
else
	echo "SKIP: systemd-run is not installed; scopes not tested"
fi

# A debug instance in the root cgroup of a hierarchy it does not own falls back to process
# groups, and says so.
if [[ $(sed -n 's/^0:://p' /proc/self/cgroup) == / ]]; then
	LOG=$WORK/debug.log
	RT=$WORK/rt-debug
	mkdir -p "$RT"
	start_ember
	check_eq "the debug instance starts nested.service" 0 "$(ctl_rc start nested.service)"
	check "status says why there is no cgroup" grep -qF \
		"CGroup: none (ember runs in the root cgroup of a hierarchy it does not own" \
		<(ctl status nested.service 2>&1)
	check_eq "ControlGroup is empty" "" "$(prop nested.service ControlGroup)"
	stop_ember
fi
it_finish
