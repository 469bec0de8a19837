#!/bin/bash
# The process attributes of the sandbox, seen from inside services of ember running as PID 1
# of a fresh PID + mount namespace (set up as in test-pid1.sh: a tmpfs root with /usr and
# /dev bound read-only and the work directory bound in). Each service writes what it
# observes into $OUT; the checks compare it with what its unit asked for:
#  - CapabilityBoundingSet=, AmbientCapabilities= (with User=), SecureBits=: the Cap* lines of
#    /proc/PID/status, capsh --print;
#  - NoNewPrivileges=yes: a setuid-root copy of id run by nobody keeps euid nobody (it gives
#    0 without the flag);
#  - CPUAffinity=, CPUScheduling*=, IOScheduling*=, TimerSlackNSec=, Personality=:
#    Cpus_allowed_list, chrt -p, ionice -p, /proc/self/timerslack_ns, uname -m;
#  - the seccomp settings, through sandbox-probe: SystemCallFilter= (an errno, a per-call
#    errno, killing, an allow list), SystemCallArchitectures=native (a 32-bit call kills),
#    RestrictNamespaces= (unshare fails), RestrictRealtime=, RestrictSUIDSGID=,
#    MemoryDenyWriteExecute=, RestrictAddressFamilies=, LockPersonality=;
#  - '+' commands skip the sandbox;
#  - bad values warn with file:line and the unit still runs; settings that cannot be applied
#    fail the start at a named step, and other units keep running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --fork --mount-proc true 2>/dev/null ||
	skip "cannot create PID+mount namespaces here"
grep -q kill_process /proc/sys/kernel/seccomp/actions_avail 2>/dev/null ||
	skip "the kernel has no seccomp filters"
PROBE=${SANDBOX_PROBE:-$_it_lib_dir/../../build/tests/sandbox-probe}
[[ -x $PROBE ]] || skip "no sandbox-probe helper at $PROBE"
getent passwd nobody >/dev/null || skip "no user nobody"
it_setup

ROOT=$WORK/root
NS_LOG=$WORK/pid1.log
# shellcheck disable=SC2034 # read by log_has and the cleanup
LOG=$NS_LOG
UNSHARE_PID=
E=
pid1_cleanup() {
	local rc=$?
	set +e
	if [[ -n $E ]] && proc_alive "$E"; then
		kill -KILL "$E" 2>/dev/null
	fi
	if [[ -n $UNSHARE_PID ]]; then
		wait_until -n 100 proc_gone "$UNSHARE_PID" || kill -KILL "$UNSHARE_PID" 2>/dev/null
		wait "$UNSHARE_PID" 2>/dev/null
	fi
	(exit "$rc")
	it_cleanup
}
trap pid1_cleanup EXIT

# Services run as nobody too: they need to reach $BIN and write into $OUT.
chmod 711 "$WORK"
BIN=$WORK/bin
OUT=$WORK/out
mkdir -p "$BIN" "$OUT" "$ROOT"
chmod 755 "$BIN"
chmod 1777 "$OUT"
cp "$PROBE" "$BIN/probe"
touch "$OUT/control-file" "$OUT/suid-file"
# A setuid-root copy of id, on a file system that honours setuid (the work directory's).
cp "$(command -v id)" "$BIN/suid-id"
chmod 4755 "$BIN/suid-id"

# report NAME: what the service's own process (the shell) looks like.
cat >"$BIN/report" <<EOS
#!/bin/sh
st=/proc/\$\$/status
{
	grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Cpus_allowed_list):' \$st
	echo "Sched: \$(chrt -p \$\$ | sed 's/.*: //' | tr '\n' ' ')"
	echo "IOPrio: \$(ionice -p \$\$)"
	echo "TimerSlack: \$(cat /proc/self/timerslack_ns)"
	echo "Machine: \$(uname -m)"
	echo "Uid: \$(id -u)"
	echo "Securebits: \$(capsh --print 2>/dev/null | grep -c 'secure-noroot: yes (locked)')"
} >$OUT/\$1.tmp 2>&1
mv $OUT/\$1.tmp $OUT/\$1
EOS
# out NAME LABEL CMD...: appends "LABEL: <what CMD printed>" to $OUT/NAME.
# sandbox-probe may be built with the sanitizers: LeakSanitizer's check at exit needs ptrace(),
# which a system call filter may deny.
cat >"$BIN/out" <<EOS
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=0
name=\$1 label=\$2
shift 2
printf '%s: %s\n' "\$label" "\$("\$@" 2>&1 | tr '\n' ' ' | sed 's/ \$//')" >>$OUT/\$name
EOS
chmod 755 "$BIN/report" "$BIN/out"

# field NAME KEY: the value of "KEY: value" in $OUT/NAME.
field() { sed -n "s/^$2:[[:space:]]*//p" "$OUT/$1" 2>/dev/null | sed 's/[[:space:]]*$//'; }
has_out() { [[ -s $OUT/$1 ]]; }
capbits() { printf '%016x' "$1"; }

MGR_BND=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
bit() { echo $((1 << $1)); }
CAP_CHOWN=0 CAP_KILL=5 CAP_SETUID=7 CAP_NET_BIND_SERVICE=10 CAP_NET_RAW=13 CAP_SYS_TIME=25
CAP_WAKE_ALARM=35
# The CPUs this test may use: the first and the last of its own affinity.
cpus=$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)
CPU_FIRST=${cpus%%[-,]*}
CPU_LAST=${cpus##*[-,]}

oneshot() { # oneshot NAME [DIRECTIVES...] < ExecStart lines follow as arguments
	local name=$1
	shift
	{
		echo "[Service]"
		echo "Type=oneshot"
		printf '%s\n' "$@"
	} >"$UNITS/$name.service"
}

# ---- Capabilities ----
oneshot caps-root "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN" \
	"ExecStart=$BIN/report caps-root"
oneshot caps-invert "CapabilityBoundingSet=~CAP_SYS_TIME CAP_WAKE_ALARM" \
	"ExecStart=$BIN/report caps-invert"
oneshot caps-lines "CapabilityBoundingSet=CAP_CHOWN CAP_KILL" \
	"CapabilityBoundingSet=~CAP_KILL CAP_NET_RAW" "ExecStart=$BIN/report caps-lines"
oneshot caps-empty "CapabilityBoundingSet=" "ExecStart=$BIN/report caps-empty"
oneshot ambient "User=nobody" "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW" \
	"CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SETUID" \
	"ExecStart=$BIN/report ambient" "ExecStart=!!$BIN/report ambient-bangbang" \
	"ExecStart=!$BIN/report ambient-bang"
oneshot securebits "SecureBits=noroot noroot-locked" "ExecStart=$BIN/report securebits"
oneshot plus "CapabilityBoundingSet=CAP_CHOWN" "RestrictNamespaces=yes" \
	"SystemCallFilter=~@reboot" "SystemCallErrorNumber=EPERM" \
	"ExecStart=+$BIN/report plus" "ExecStart=+$BIN/out plus reboot $BIN/probe reboot" \
	"ExecStart=+$BIN/out plus unshare unshare -u true"
# ---- NoNewPrivileges= against a setuid-root program ----
oneshot suid-control "User=nobody" "ExecStart=$BIN/out suid-control euid $BIN/suid-id -u"
oneshot nnp "User=nobody" "NoNewPrivileges=yes" "ExecStart=$BIN/report nnp" \
	"ExecStart=$BIN/out nnp euid $BIN/suid-id -u"
# ---- Scheduling, affinity, I/O priority, timer slack, personality ----
oneshot sched "CPUAffinity=$CPU_LAST" "CPUSchedulingPolicy=fifo" "CPUSchedulingPriority=10" \
	"CPUSchedulingResetOnFork=yes" "IOSchedulingClass=idle" "ExecStart=$BIN/report sched"
oneshot sched2 "CPUAffinity=$CPU_FIRST" "CPUAffinity=$CPU_LAST" "CPUSchedulingPolicy=batch" \
	"IOSchedulingClass=best-effort" "IOSchedulingPriority=7" "TimerSlackNSec=123us" \
	"Personality=x86" "ExecStart=$BIN/report sched2"
# ---- seccomp ----
oneshot probe-control \
	"ExecStart=$BIN/out probe-control reboot $BIN/probe reboot" \
	"ExecStart=$BIN/out probe-control setns0 $BIN/probe setns0" \
	"ExecStart=$BIN/out probe-control wx $BIN/probe wx" \
	"ExecStart=$BIN/out probe-control personality $BIN/probe personality" \
	"ExecStart=$BIN/out probe-control inet $BIN/probe socket AF_INET" \
	"ExecStart=$BIN/out probe-control i386 $BIN/probe i386-getpid" \
	"ExecStart=$BIN/out probe-control chmod $BIN/probe chmod-suid $OUT/control-file"
oneshot filter-errno "SystemCallFilter=~@reboot @swap" "SystemCallErrorNumber=EPERM" \
	"ExecStart=$BIN/report filter-errno" \
	"ExecStart=$BIN/out filter-errno reboot $BIN/probe reboot"
oneshot filter-call-errno "SystemCallFilter=~reboot:EACCES" \
	"ExecStart=$BIN/out filter-call-errno reboot $BIN/probe reboot"
oneshot filter-kill "SystemCallFilter=~reboot" "LimitCORE=0" "ExecStart=$BIN/probe reboot"
oneshot filter-allow "SystemCallFilter=@system-service" "SystemCallFilter=~socket" \
	"SystemCallErrorNumber=EPERM" \
	"ExecStart=$BIN/out filter-allow reboot $BIN/probe reboot" \
	"ExecStart=$BIN/out filter-allow unix $BIN/probe socket AF_UNIX" \
	"ExecStart=$BIN/out filter-allow id id -u"
oneshot archs "SystemCallArchitectures=native" "LimitCORE=0" "ExecStart=$BIN/probe i386-getpid"
oneshot namespaces "RestrictNamespaces=yes" \
	"ExecStart=$BIN/out namespaces unshare unshare -n true" \
	"ExecStart=$BIN/out namespaces setns0 $BIN/probe setns0" \
	"ExecStart=$BIN/out namespaces clone3 $BIN/probe clone3"
oneshot namespaces-net "RestrictNamespaces=~net" \
	"ExecStart=$BIN/out namespaces-net net unshare -n true" \
	"ExecStart=$BIN/out namespaces-net uts unshare -u true"
oneshot realtime "RestrictRealtime=yes" "ExecStart=$BIN/out realtime fifo $BIN/probe sched-fifo"
oneshot suidsgid "RestrictSUIDSGID=yes" \
	"ExecStart=$BIN/out suidsgid chmod $BIN/probe chmod-suid $OUT/suid-file" \
	"ExecStart=$BIN/out suidsgid create $BIN/probe create-suid $OUT/suid-new" \
	"ExecStart=$BIN/out suidsgid plain chmod 0755 $OUT/suid-file"
oneshot mdwe "MemoryDenyWriteExecute=yes" \
	"ExecStart=$BIN/out mdwe wx $BIN/probe wx" \
	"ExecStart=$BIN/out mdwe mprotect $BIN/probe mprotect-exec"
oneshot families "RestrictAddressFamilies=AF_UNIX" \
	"ExecStart=$BIN/out families unix $BIN/probe socket AF_UNIX" \
	"ExecStart=$BIN/out families inet $BIN/probe socket AF_INET" \
	"ExecStart=$BIN/out families netlink $BIN/probe socket AF_NETLINK"
oneshot families-deny "RestrictAddressFamilies=~AF_INET6" \
	"ExecStart=$BIN/out families-deny inet $BIN/probe socket AF_INET" \
	"ExecStart=$BIN/out families-deny inet6 $BIN/probe socket AF_INET6"
oneshot lockpersona "LockPersonality=yes" "User=nobody" \
	"ExecStart=$BIN/report lockpersona" \
	"ExecStart=$BIN/out lockpersona personality $BIN/probe personality"
# ---- Bad values: warnings with file:line, the unit still loads and runs ----
oneshot badvals "CapabilityBoundingSet=CAP_BOGUS CAP_CHOWN" "CPUSchedulingPolicy=bogus" \
	"IOSchedulingPriority=9" "SystemCallFilter=@bogus-group" "RestrictNamespaces=bogus" \
	"Personality=vax" "TimerSlackNSec=fast" "CPUAffinity=x-y" "SecureBits=bogus" \
	"ExecStart=$BIN/report badvals"
# ---- Settings that cannot be applied: the start fails at a named step ----
oneshot fail-personality "Personality=s390x" "ExecStart=$BIN/report fail-personality"
oneshot fail-numa "CPUAffinity=numa" "ExecStart=$BIN/report fail-numa"
oneshot fail-prio "CPUSchedulingPriority=50" "ExecStart=$BIN/report fail-prio"
oneshot fail-archs "SystemCallArchitectures=native x86" "RestrictRealtime=yes" \
	"ExecStart=$BIN/report fail-archs"
oneshot fail-ambient "User=nobody" "CapabilityBoundingSet=CAP_CHOWN" \
	"AmbientCapabilities=CAP_NET_RAW" "ExecStart=$BIN/report fail-ambient"
unit keeper.service <<EOF
[Service]
ExecStart=/bin/sleep 1000
EOF
mkdir -p "$UNITS/multi-user.target.wants"
ln -s ../keeper.service "$UNITS/multi-user.target.wants/keeper.service"

# Runs in the new mount namespace: builds ROOT, then becomes the PID namespace's parent.
{
	echo "#!/bin/bash"
	echo "set -euo pipefail"
	pid1_root_lines "$ROOT"
	cat <<EOS
exec unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS" --runtime-dir="$RT" --log-target=console --show-status
EOS
} >"$WORK/enter"
chmod +x "$WORK/enter"
unshare --mount --propagation private "$WORK/enter" >"$NS_LOG" 2>&1 </dev/null &
UNSHARE_PID=$!
first_child() {
	local p
	E=
	for p in $(pgrep -P "$UNSHARE_PID" -x unshare) "$UNSHARE_PID"; do
		E=$(pgrep -P "$p" -x ember | head -n 1)
		[[ -n $E ]] && return 0
	done
	return 1
}
check "ember runs as PID 1 of a new namespace" wait_until first_child
check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active

start() { ctl start "$1.service" >/dev/null 2>&1 || true; }
for u in caps-root caps-invert caps-lines caps-empty ambient securebits plus suid-control nnp \
	sched sched2 probe-control filter-errno filter-call-errno filter-kill \
	filter-allow archs namespaces namespaces-net realtime suidsgid mdwe families \
	families-deny lockpersona badvals; do
	start "$u"
done

echo "-- capabilities"
check_eq "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN: CapBnd" \
	"$(capbits $((($(bit $CAP_NET_BIND_SERVICE) | $(bit $CAP_CHOWN)) & MGR_BND)))" \
	"$(field caps-root CapBnd)"
check_eq "  root's effective set is the bounding set" "$(field caps-root CapBnd)" \
	"$(field caps-root CapEff)"
check_eq "CapabilityBoundingSet=~CAP_SYS_TIME CAP_WAKE_ALARM: CapBnd" \
	"$(capbits $((MGR_BND & ~($(bit $CAP_SYS_TIME) | $(bit $CAP_WAKE_ALARM)))))" \
	"$(field caps-invert CapBnd)"
check_eq "two lines, the second with ~: CapBnd is CAP_CHOWN alone" \
	"$(capbits $(($(bit $CAP_CHOWN) & MGR_BND)))" "$(field caps-lines CapBnd)"
check_eq "CapabilityBoundingSet= (empty): CapBnd" "$(capbits 0)" "$(field caps-empty CapBnd)"
check_eq "  and no effective capability as root" "$(capbits 0)" "$(field caps-empty CapEff)"
amb=$(($(bit $CAP_NET_BIND_SERVICE) | $(bit $CAP_NET_RAW)))
check_eq "AmbientCapabilities= with User=nobody: runs as nobody" 65534 "$(field ambient Uid)"
check_eq "  CapAmb" "$(capbits $amb)" "$(field ambient CapAmb)"
check_eq "  CapEff (the ambient set)" "$(capbits $amb)" "$(field ambient CapEff)"
check_eq "  CapPrm (the ambient set)" "$(capbits $amb)" "$(field ambient CapPrm)"
check_eq "  CapBnd" "$(capbits $((amb | $(bit $CAP_SETUID))))" "$(field ambient CapBnd)"
check_eq "'!!' command (ambient capabilities exist): runs as nobody too" 65534 \
	"$(field ambient-bangbang Uid)"
check_eq "  CapAmb" "$(capbits $amb)" "$(field ambient-bangbang CapAmb)"
check_eq "'!' command: stays root" 0 "$(field ambient-bang Uid)"
check_eq "  within the bounding set" "$(capbits $((amb | $(bit $CAP_SETUID))))" \
	"$(field ambient-bang CapEff)"
check_eq "SecureBits=noroot noroot-locked: capsh sees it" 1 "$(field securebits Securebits)"
check_eq "  root gets no capability at execve" "$(capbits 0)" "$(field securebits CapEff)"
check_eq "'+' command: bounding set untouched" "$(capbits "$MGR_BND")" "$(field plus CapBnd)"
check_eq "'+' command: no seccomp filter" 0 "$(field plus Seccomp)"
check_eq "'+' command: reboot() is not filtered" EINVAL "$(field plus reboot)"
check_eq "'+' command: unshare works" "" "$(field plus unshare)"

echo "-- NoNewPrivileges= and a setuid-root program"
check_eq "without NoNewPrivileges=, nobody running the setuid copy of id gets euid 0" 0 \
	"$(field suid-control euid)"
check_eq "with NoNewPrivileges=yes, euid stays nobody's" 65534 "$(field nnp euid)"
check_eq "  NoNewPrivs in /proc/PID/status" 1 "$(field nnp NoNewPrivs)"

echo "-- scheduling, affinity, I/O priority, timer slack, personality"
check_eq "CPUAffinity=$CPU_LAST: Cpus_allowed_list" "$CPU_LAST" "$(field sched Cpus_allowed_list)"
check_eq "CPUSchedulingPolicy=fifo, priority 10, reset on fork: chrt -p" \
	"SCHED_FIFO|SCHED_RESET_ON_FORK 10" "$(field sched Sched)"
check_eq "IOSchedulingClass=idle: ionice -p" idle "$(field sched IOPrio)"
if [[ $CPU_FIRST == "$CPU_LAST" ]]; then
	want_cpus=$CPU_FIRST
elif ((CPU_LAST == CPU_FIRST + 1)); then
	want_cpus=$CPU_FIRST-$CPU_LAST
else
	want_cpus=$CPU_FIRST,$CPU_LAST
fi
check_eq "CPUAffinity= on two lines: merged" "$want_cpus" "$(field sched2 Cpus_allowed_list)"
check_eq "CPUSchedulingPolicy=batch: chrt -p" "SCHED_BATCH 0" "$(field sched2 Sched)"
check_eq "IOSchedulingClass=best-effort, priority 7: ionice -p" "best-effort: prio 7" \
	"$(field sched2 IOPrio)"
check_eq "TimerSlackNSec=123us: /proc/self/timerslack_ns" 123000 "$(field sched2 TimerSlack)"
check_eq "Personality=x86: uname -m" i686 "$(field sched2 Machine)"

echo "-- seccomp"
check_eq "control: reboot() with a bad magic number" EINVAL "$(field probe-control reboot)"
check_eq "control: setns() with type 0" ok "$(field probe-control setns0)"
check_eq "control: a writable+executable mapping" ok "$(field probe-control wx)"
check_eq "control: personality()" ok "$(field probe-control personality)"
check_eq "control: an AF_INET socket" ok "$(field probe-control inet)"
check_eq "control: chmod u+s" ok "$(field probe-control chmod)"
check_eq "SystemCallFilter=~@reboot @swap, SystemCallErrorNumber=EPERM: reboot()" EPERM \
	"$(field filter-errno reboot)"
check_eq "  one seccomp mode-2 process" 2 "$(field filter-errno Seccomp)"
check_eq "SystemCallFilter=~reboot:EACCES: reboot()" EACCES "$(field filter-call-errno reboot)"
check_eq "SystemCallFilter=~reboot without an errno: the process is killed by SIGSYS" 31 \
	"$(prop filter-kill.service ExecMainStatus)"
check_eq "  its result" signal "$(prop filter-kill.service Result)"
check_eq "allow list @system-service: programs run" 0 "$(field filter-allow id)"
check_eq "  reboot() is outside it" EPERM "$(field filter-allow reboot)"
check_eq "  socket() was taken out by a ~ line" EPERM "$(field filter-allow unix)"
if [[ $(field probe-control i386) == ok ]]; then
	check_eq "SystemCallArchitectures=native: a 32-bit call kills the process" 31 \
		"$(prop archs.service ExecMainStatus)"
else
	echo "(no 32-bit system calls on this kernel: SystemCallArchitectures= not probed)"
fi
check_eq "RestrictNamespaces=yes: unshare -n fails" \
	"unshare: unshare failed: Operation not permitted" "$(field namespaces unshare)"
check_eq "  setns() with type 0" EPERM "$(field namespaces setns0)"
check_eq "  clone3() (flags out of sight): ENOSYS, the C library falls back" ENOSYS \
	"$(field namespaces clone3)"
check_eq "RestrictNamespaces=~net: unshare -n fails" \
	"unshare: unshare failed: Operation not permitted" "$(field namespaces-net net)"
check_eq "  unshare -u works" "" "$(field namespaces-net uts)"
check_eq "RestrictRealtime=yes: SCHED_FIFO" EPERM "$(field realtime fifo)"
check_eq "RestrictSUIDSGID=yes: chmod u+s" EPERM "$(field suidsgid chmod)"
check_eq "  creating a setuid file" EPERM "$(field suidsgid create)"
check_eq "  chmod 0755 works" "" "$(field suidsgid plain)"
check_eq "MemoryDenyWriteExecute=yes: a writable+executable mapping" EPERM "$(field mdwe wx)"
check_eq "  mprotect() to executable" EPERM "$(field mdwe mprotect)"
check_eq "RestrictAddressFamilies=AF_UNIX: AF_UNIX" ok "$(field families unix)"
check_eq "  AF_INET" EAFNOSUPPORT "$(field families inet)"
check_eq "  AF_NETLINK" EAFNOSUPPORT "$(field families netlink)"
check_eq "RestrictAddressFamilies=~AF_INET6: AF_INET" ok "$(field families-deny inet)"
check_eq "  AF_INET6" EAFNOSUPPORT "$(field families-deny inet6)"
check_eq "LockPersonality=yes: personality()" EPERM "$(field lockpersona personality)"
check_eq "  with User=nobody, NoNewPrivileges is implied" 1 "$(field lockpersona NoNewPrivs)"

echo "-- bad values"
line_of() { grep -n -- "^$2" "$UNITS/$1.service" | head -n 1 | cut -d: -f1; }
for key in CapabilityBoundingSet CPUSchedulingPolicy IOSchedulingPriority SystemCallFilter \
	RestrictNamespaces Personality TimerSlackNSec CPUAffinity SecureBits; do
	check "a warning names badvals.service:$(line_of badvals "$key=") ($key=)" \
		log_has "badvals.service:$(line_of badvals "$key="):"
done
check_eq "the unit still ran, with the valid part of its bounding set" \
	"$(capbits $(($(bit $CAP_CHOWN) & MGR_BND)))" "$(field badvals CapBnd)"

echo "-- settings that cannot be applied"
failed_step() { prop "$1.service" EmberFailedStep; }
expect_step() { # expect_step UNIT STEP DETAIL
	local rc=0
	ctl start "$1.service" >/dev/null 2>&1 || rc=$?
	check "start $1 fails" test "$rc" -ne 0
	check "  ... at step $2 ($(failed_step "$1"))" \
		grep -q "step $2: .*$3" <<<"$(failed_step "$1")"
	check "  ... and emberctl status shows it" grep -q "Failed step: .*step $2" \
		<<<"$(ctl status "$1.service" 2>&1)"
	check "  ... the service never ran" test ! -e "$OUT/$1"
}
expect_step fail-personality personality "Personality=s390x is not available"
expect_step fail-numa cpu-affinity "CPUAffinity=numa"
expect_step fail-prio cpu-scheduling "CPUSchedulingPriority=50 is outside 0..0"
expect_step fail-archs seccomp "SystemCallArchitectures=x86"
expect_step fail-ambient ambient-capabilities "CAP_NET_RAW is not in the capability bounding set"
check "the log names the step" log_has "step personality: Personality=s390x"
check_eq "other units keep running" active "$(active_state keeper.service)"

kill -s RTMIN+4 "$E"
check "SIGRTMIN+4: the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
wait "$UNSHARE_PID" || true
UNSHARE_PID=
E=
it_finish
