# Shared helpers for ember's integration tests. Source it from a test script:
#
#   . "$(dirname "$0")/lib.sh"
#   it_setup                 # temp dirs, the standard targets, cleanup trap
#   unit foo.service <<EOF   # writes $UNITS/foo.service
#   ...
#   EOF
#   start_ember              # ember --user as a debug instance, waits for its socket
#   check "foo is active" ctl is-active -q foo.service
#   stop_ember               # SIGTERM, bounded wait, no process left behind
#   it_finish                # exit status: 0, or 1 if a check failed
#
# Every check prints one line ("ok: ..." or "FAIL: ..."). Waiting is always a bounded
# number of polls (wait_until); how long something took is never asserted: the order of
# events is shown through files and fifos the services write and read.
# shellcheck shell=bash

_it_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EMBER=${EMBER:-$_it_lib_dir/../../build/ember}
EMBERCTL=${EMBERCTL:-$_it_lib_dir/../../build/src/ctl/emberctl}

IT_FAILED=0
IT_CHECKS=0
EMBER_PID=
WORK=
UNITS=
RT=
LOG=
M=

ok() { IT_CHECKS=$((IT_CHECKS + 1)); echo "ok: $*"; }
fail() { IT_CHECKS=$((IT_CHECKS + 1)); IT_FAILED=1; echo "FAIL: $*"; }
# A precondition the rest of the test cannot do without.
die() { echo "FAIL: $*"; IT_FAILED=1; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# check DESCRIPTION CMD...: ok if CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}
# check_not DESCRIPTION CMD...: ok if CMD fails.
check_not() {
	local desc=$1
	shift
	if "$@"; then fail "$desc"; else ok "$desc"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	local e=${2//$'\n'/\\n} a=${3//$'\n'/\\n}
	if [[ $2 == "$3" ]]; then ok "$1 ($a)"; else fail "$1: expected '$e', got '$a'"; fi
}

# wait_until [-n TRIES] CMD...: polls CMD every 0.1 s, at most TRIES times (default 300).
wait_until() {
	local tries=300
	if [[ $1 == -n ]]; then
		tries=$2
		shift 2
	fi
	while ((tries-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# True if PID exists and is not a zombie.
proc_alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[[ ${st%% *} != Z ]]
}
proc_gone() { ! proc_alive "$1"; }
# Process state letter (R, S, Z, ...), empty if gone.
proc_state() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	echo "${st%% *}"
}

# Prints every descendant of PID (children, grandchildren, ...), one per line.
descendants() {
	local -A kids=()
	local p pp st queue=("$1") cur
	for st in /proc/[0-9]*/stat; do
		p=${st#/proc/}
		p=${p%/stat}
		pp=$(cat "$st" 2>/dev/null) || continue
		pp=${pp##*) }
		pp=${pp#* }
		pp=${pp%% *}
		kids[$pp]+=" $p"
	done
	while ((${#queue[@]})); do
		cur=${queue[0]}
		queue=("${queue[@]:1}")
		for p in ${kids[$cur]:-}; do
			echo "$p"
			queue+=("$p")
		done
	done
}

# Creates the work directories and installs the cleanup trap.
# WORK: everything; UNITS: the unit path; RT: runtime dir; LOG: ember's output;
# M: markers the services write.
it_setup() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ember-it.XXXXXX")
	UNITS=$WORK/units
	RT=$WORK/rt
	LOG=$WORK/ember.log
	M=$WORK/m
	mkdir -p "$UNITS" "$RT" "$M"
	trap it_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	write_std_targets "$UNITS"
}

# Adds every descendant of PID to IT_KNOWN_PIDS (killed at cleanup if still there).
remember_descendants() {
	local p
	while read -r p; do IT_KNOWN_PIDS+=("$p"); done < <(descendants "$1")
}

# Kills whatever is left: ember, everything it started (even if it died first, the
# processes recorded while it ran), then removes the work directory.
IT_KNOWN_PIDS=()
it_cleanup() {
	local rc=$? p
	set +e
	if [[ -n $EMBER_PID ]] && proc_alive "$EMBER_PID"; then
		remember_descendants "$EMBER_PID"
		kill -TERM "$EMBER_PID" 2>/dev/null || true
		wait_until -n 100 proc_gone "$EMBER_PID" || kill -KILL "$EMBER_PID" 2>/dev/null || true
	fi
	for p in "${IT_KNOWN_PIDS[@]}"; do
		proc_alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	[[ -n $EMBER_PID ]] && wait "$EMBER_PID" 2>/dev/null
	if ((rc != 0 && rc != 77)) && [[ -n ${LOG:-} && -s $LOG ]]; then
		echo "---- ember log ($LOG) ----"
		tail -n 60 "$LOG"
		echo "----"
	fi
	[[ -n $WORK && -z ${IT_KEEP:-} ]] && rm -rf "$WORK"
	exit "$rc"
}

it_finish() {
	if ((IT_FAILED)); then
		echo "$IT_CHECKS checks, some FAILED"
		exit 1
	fi
	echo "$IT_CHECKS checks, all passed"
	exit 0
}

# unit NAME [DIR]: writes stdin to DIR/NAME (DIR defaults to $UNITS).
unit() {
	cat >"${2:-$UNITS}/$1"
}

# The standard targets, as a distribution ships them.
write_std_targets() {
	local d=$1
	cat >"$d/sysinit.target" <<-'EOF'
		[Unit]
		Description=System Initialization
		DefaultDependencies=no
		Conflicts=shutdown.target
		Before=shutdown.target
	EOF
	cat >"$d/basic.target" <<-'EOF'
		[Unit]
		Description=Basic System
		Requires=sysinit.target
		After=sysinit.target
	EOF
	cat >"$d/multi-user.target" <<-'EOF'
		[Unit]
		Description=Multi-User System
		Requires=basic.target
		After=basic.target
		AllowIsolate=yes
	EOF
	cat >"$d/shutdown.target" <<-'EOF'
		[Unit]
		Description=Shutdown
		DefaultDependencies=no
		RefuseManualStart=yes
	EOF
	ln -sf multi-user.target "$d/default.target"
}

ctl() { "$EMBERCTL" --runtime-dir="$RT" "$@"; }
# ctl_rc VERB...: prints emberctl's exit code (output discarded).
ctl_rc() {
	local rc=0
	ctl "$@" >/dev/null 2>&1 || rc=$?
	echo "$rc"
}

ember_answers() { ctl show -p Version >/dev/null 2>&1; }

# start_ember [ARGS...]: runs the debug instance in the background (output in $LOG)
# and waits until its private socket answers. The unit path is $UNIT_PATH if set, else
# $UNITS.
start_ember() {
	"$EMBER" --user --unit-path="${UNIT_PATH:-$UNITS}" --runtime-dir="$RT" --show-status "$@" \
		>>"$LOG" 2>&1 </dev/null &
	EMBER_PID=$!
	local tries=300
	while ((tries-- > 0)); do
		proc_alive "$EMBER_PID" || die "ember exited at start-up: $(tail -n 5 "$LOG")"
		ember_answers && return 0
		sleep 0.1
	done
	die "ember's socket $RT/private does not answer"
}

# stop_ember: SIGTERM, bounded wait; checks it exited 0 and left no process behind.
stop_ember() {
	local rc=0 p left=()
	[[ -n $EMBER_PID ]] || return 0
	remember_descendants "$EMBER_PID"
	kill -TERM "$EMBER_PID"
	if ! wait_until -n 600 proc_gone "$EMBER_PID"; then
		fail "ember exits on SIGTERM (jobs left: $(ctl list-jobs --no-legend 2>&1 | tr '\n' ';'))"
		return 1
	fi
	wait "$EMBER_PID" || rc=$?
	EMBER_PID=
	check_eq "ember exits cleanly on SIGTERM" 0 "$rc"
	for p in "${IT_KNOWN_PIDS[@]}"; do
		proc_alive "$p" && left+=("$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)")
	done
	if ((${#left[@]})); then
		fail "processes left behind after ember exited: ${left[*]}"
	else
		ok "no process left behind after ember exited"
	fi
}

# log_has STRING: ember's log contains STRING (fixed string).
log_has() { grep -qF -- "$1" "$LOG"; }

# Unit properties.
prop() { ctl show -P "$2" "$1" 2>/dev/null; }
active_state() { ctl is-active "$1" 2>/dev/null || true; }
state_is() { [[ $(active_state "$1") == "$2" ]]; }
prop_is() { [[ $(prop "$1" "$2") == "$3" ]]; }
# Number of lines in FILE (0 if missing).
nlines() { if [[ -e $1 ]]; then wc -l <"$1"; else echo 0; fi; }
nlines_is() { [[ $(nlines "$1") -eq $2 ]]; }

# vm_rerun WHAT: this machine's kernel lacks WHAT (autofs): runs this whole test again
# inside a qemu VM that boots Debian's kernel (tests/helpers/vm-run.sh, the kernel from
# scripts/vm-kernel.sh) and exits with its result. Returns, and the caller skips, when no
# such kernel or qemu is there, or inside the VM already.
vm_rerun() {
	local kdir=${EMBER_VM_KERNEL:-/var/cache/ember/vm-kernel} rc=0
	[[ -z ${EMBER_IN_VM:-} ]] || return 0
	compgen -G "$kdir/boot/vmlinuz-*" >/dev/null || return 0
	command -v qemu-system-x86_64 >/dev/null || return 0
	echo "(this kernel has no $1: running the test in a VM with Debian's kernel)"
	VM_ENV="EMBER=$(realpath "$EMBER") EMBERCTL=$(realpath "$EMBERCTL") EMBER_IN_VM=1 ${VM_EXTRA_ENV:-}" \
		"$_it_lib_dir/../helpers/vm-run.sh" "$kdir" "$(realpath "$0")" || rc=$?
	exit "$rc"
}

# pid1_root_lines ROOT: the shell lines, for an "enter" script run in a new mount namespace,
# that build ROOT for ember as PID 1 (unshare --root=ROOT): a tmpfs (so that what PID 1 does
# to "/" stays there) with /usr and /dev bound read-only, $WORK bound at its own path, the
# files NSS needs, and ember at /ember.
pid1_root_lines() {
	local root=$1
	cat <<EOS
mount -t tmpfs -o mode=755 tmpfs "$root"
[[ \$(stat -f -c %T "$root") == tmpfs ]] || { echo "ROOT is not a tmpfs"; exit 1; }
mkdir -p "$root"/{usr,dev,proc,sys,run,tmp,etc,"$WORK"}
for l in bin sbin lib lib32 lib64; do
	[[ -L /\$l ]] && ln -s "\$(readlink /\$l)" "$root/\$l"
done
mount --bind -o ro /usr "$root/usr"
mount --bind -o ro /dev "$root/dev"
mount --bind "$WORK" "$root$WORK"
for f in ld.so.cache passwd group nsswitch.conf; do
	[[ -e /etc/\$f ]] && cp /etc/\$f "$root/etc/"
done
cp "$EMBER" "$root/ember"
EOS
}

# The PID 1 tests: ember as PID 1 of a fresh PID + mount namespace whose root is ROOT.
#   pid1_setup               # after it_setup: ROOT, NS_LOG (= LOG), the cleanup trap
#   pid1_boot [PREFIX] <<EOS # the lines that finish building ROOT and end by running
#   ...                      # `unshare --pid --fork --mount-proc --root="$ROOT" /ember ...`;
#   EOS                      # run in a private mount namespace (PREFIX: e.g. setsid);
#                            # waits for ember: E is its PID as seen from here
#   pid1_exec CMD...         # CMD in the namespace's mount and PID namespaces and root
#   pid1_poweroff            # SIGRTMIN+4, and the namespace is gone
# PID1_CLEANUP may name a function the cleanup runs once the namespace is gone.
pid1_setup() {
	ROOT=$WORK/root
	mkdir -p "$ROOT"
	NS_LOG=$WORK/pid1.log
	LOG=$NS_LOG
	UNSHARE_PID=
	E=
	trap pid1_cleanup EXIT
}

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
	[[ -n ${PID1_CLEANUP:-} ]] && "$PID1_CLEANUP"
	(exit "$rc")
	it_cleanup
}

# The ember the namespace's unshare started (E), once it is there.
pid1_find() {
	local p
	E=
	for p in $(pgrep -P "$UNSHARE_PID" -x unshare); do E=$(pgrep -P "$p" -x ember | head -n 1); done
	[[ -n $E ]]
}

pid1_boot() {
	{
		echo "#!/bin/bash"
		echo "set -euo pipefail"
		pid1_root_lines "$ROOT"
		cat
	} >"$WORK/enter"
	chmod +x "$WORK/enter"
	"$@" unshare --mount --propagation private "$WORK/enter" >"$NS_LOG" 2>&1 </dev/null &
	UNSHARE_PID=$!
	check "the namespace's PID 1 was forked" wait_until pid1_find
}

pid1_exec() { nsenter --target "$E" --mount --pid --root -- "$@"; }

pid1_poweroff() {
	kill -s RTMIN+4 "$E"
	check "SIGRTMIN+4: the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
	check "unshare returned" wait_until -n 100 proc_gone "$UNSHARE_PID"
	wait "$UNSHARE_PID" || true
	UNSHARE_PID=
	E=
}
