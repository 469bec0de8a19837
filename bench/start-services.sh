#!/usr/bin/env bash
# start-services.sh: how long do ember, runit (runsvdir), s6 (s6-svscan) and systemd 252
# (systemd --user) take from being launched to having N long-running services running,
# and how much memory do they use for it? See bench/README.md.
#
# Every manager gets the same N services, each running the same tiny program the script
# compiles (ebench-pause: it appends one line "PID TIMESTAMP" to a report file, then
# pause()s). "All N running" is the moment the N-th service program has executed its
# main(): the largest timestamp in the report file, minus the moment the manager was
# launched. Memory is read from /proc/PID/status (VmRSS, VmHWM) of the manager, and
# summed over the manager and every supervisor process it runs (runsv, s6-supervise), one
# second after all N are running.
set -euo pipefail
export LC_ALL=C # '.' as decimal point in $EPOCHREALTIME, printf and sort

readonly PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly SYSTEMD_BIN=/lib/systemd/systemd
readonly CLEAN_PATH=/usr/sbin:/usr/bin:/sbin:/bin
readonly SETTLE=1          # seconds between "all running" and reading memory
readonly STOP_WAIT=100     # polls of 0.1 s for a manager (then its processes) to go
readonly RUN_USER=nobody   # systemd --user runs as this user when we are root

n_services=500
runs=3
keep=0
ember_only=0
peer_list="runit s6 systemd"
direct=0
ember_bin=${EMBER:-$SCRIPT_DIR/../build/ember}
emberctl_bin=${EMBERCTL:-$SCRIPT_DIR/../build/src/ctl/emberctl}

usage() {
	cat <<EOF
Usage: $PROG [-N SERVICES] [-n RUNS] [-k] [-E | -p PEERS] [-D]

Starts N trivial long-running services with ember, runit's runsvdir, s6-svscan and
systemd 252 (as 'systemd --user') and prints the time from launching each manager to
all N services running, and the managers' memory, side by side.

Options:
  -N SERVICES  number of services (default: $n_services)
  -n RUNS      timed runs per manager, interleaved; medians are shown (default: $runs)
  -k           keep the generated directories (units, service dirs, logs) and print
               the exact command lines
  -E           ember only
  -p PEERS     the peers to compare with, comma or space separated (default:
               "runit,s6,systemd"; ember always runs, it is the reference)
  -D           runit and s6: make each service's 'run' a symlink to the program instead
               of a '#!/bin/sh' script that execs it (one exec per service fewer)
  -h           this help

Environment:
  EMBER     the ember binary (default: build/ember next to bench/)
  EMBERCTL  emberctl, for the one-time check of ember's unit states
            (default: build/src/ctl/emberctl)

As root, missing peers (Debian packages runit, s6, systemd) and a missing C compiler
are installed with apt-get; otherwise that peer is skipped.
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}
note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

while getopts ':N:n:kEp:Dh' opt; do
	case $opt in
	N) n_services=$OPTARG ;;
	n) runs=$OPTARG ;;
	k) keep=1 ;;
	E) ember_only=1 ;;
	p) peer_list=${OPTARG//,/ } ;;
	D) direct=1 ;;
	h)
		usage
		exit 0
		;;
	:) die "option -$OPTARG needs an argument (see -h)" ;;
	*) die "unknown option -$OPTARG (see -h)" ;;
	esac
done
shift $((OPTIND - 1))
(($# == 0)) || die "unexpected argument '$1' (see -h)"
if ! [[ $n_services =~ ^[1-9][0-9]*$ ]] || ((n_services > 20000)); then
	die "-N wants an integer from 1 to 20000, not '$n_services'"
fi
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive integer, not '$runs'"

# --- prerequisites ---------------------------------------------------------

[[ -x $ember_bin ]] || die "no ember binary at '$ember_bin' (build it, or set EMBER=...)"
ember_bin=$(cd -- "$(dirname -- "$ember_bin")" && pwd)/$(basename -- "$ember_bin")
[[ -x $emberctl_bin ]] || emberctl_bin=""

# Which peers are wanted, and which Debian package brings each.
peers=()
declare -A skip_reason=()
if ((!ember_only)); then
	read -r -a peers <<<"$peer_list"
	for p in "${peers[@]}"; do
		[[ $p == @(runit|s6|systemd) ]] || die "-p: unknown peer '$p' (runit, s6, systemd)"
	done
fi
declare -A pkg_of=([runit]=runit [s6]=s6 [systemd]=systemd)

have_peer() {
	case $1 in
	runit) command -v runsvdir >/dev/null && command -v runsv >/dev/null ;;
	s6) command -v s6-svscan >/dev/null && command -v s6-supervise >/dev/null ;;
	systemd) [[ -x $SYSTEMD_BIN ]] ;;
	esac
}
have_cc() { command -v cc >/dev/null || command -v gcc >/dev/null; }

policy_saved=""
policy_ours=0
# A policy-rc.d that forbids every service start while packages are installed: the
# packages' maintainer scripts must not start a system-wide runsvdir or anything else.
policy_install() {
	local p=/usr/sbin/policy-rc.d
	if [[ -e $p ]]; then
		policy_saved=$p.ember-bench-saved.$$
		mv -- "$p" "$policy_saved"
	fi
	printf '#!/bin/sh\n# bench/start-services.sh: no service starts during the install\nexit 101\n' >"$p"
	chmod 755 "$p"
	policy_ours=1
}
policy_restore() {
	local p=/usr/sbin/policy-rc.d
	((policy_ours)) || return 0
	rm -f -- "$p"
	[[ -n $policy_saved ]] && mv -- "$policy_saved" "$p"
	policy_ours=0
	policy_saved=""
}

missing_pkgs=()
for p in "${peers[@]}"; do
	have_peer "$p" || missing_pkgs+=("${pkg_of[$p]}")
done
have_cc || missing_pkgs+=(gcc libc6-dev)
if ((${#missing_pkgs[@]} > 0)); then
	if ((EUID == 0)) && command -v apt-get >/dev/null; then
		note "installing: ${missing_pkgs[*]} (apt-get; a policy-rc.d keeps their daemons from starting)"
		trap policy_restore EXIT
		policy_install
		export DEBIAN_FRONTEND=noninteractive
		apt_rc=0
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}"; } >&2 ||
			apt_rc=$?
		policy_restore
		trap - EXIT
		((apt_rc == 0)) || note "apt-get failed (exit $apt_rc); going on with what is there"
	fi
fi
have_cc || die "no C compiler (cc/gcc): install gcc and libc6-dev, or run as root"
CC=$(command -v cc || command -v gcc)
for p in "${peers[@]}"; do
	if ! have_peer "$p"; then
		if ((EUID == 0)); then
			skip_reason[$p]="not installed (apt-get install ${pkg_of[$p]} failed)"
		else
			skip_reason[$p]="not installed (run as root to install package ${pkg_of[$p]})"
		fi
	fi
done
want() { [[ " ${peers[*]} " == *" $1 "* ]]; }
# runsvdir supervises at most 1000 services (MAXSERVICES in runsvdir.c): it starts the
# first 1000 directories and ignores the rest.
if ((n_services > 1000)) && want runit; then
	skip_reason[runit]="runsvdir supervises at most 1000 services (its MAXSERVICES)"
fi
# systemd --user refuses to run unless the system was booted with systemd
# (/run/systemd/system/ exists), and it needs a cgroup it may write to. As root the
# script provides both: a private mount namespace with a tmpfs on /run/systemd holding
# an empty system/ directory, and a fresh cgroup owned by $RUN_USER.
if want systemd && [[ -z ${skip_reason[systemd]:-} ]] && ((EUID != 0)); then
	skip_reason[systemd]="needs root (a private mount namespace for /run/systemd/system and a delegated cgroup)"
fi
if want systemd && [[ -z ${skip_reason[systemd]:-} ]]; then
	for t in unshare setpriv mount; do
		command -v "$t" >/dev/null || skip_reason[systemd]="'$t' (util-linux) is missing"
	done
	id -u "$RUN_USER" >/dev/null 2>&1 || skip_reason[systemd]="no user '$RUN_USER'"
fi

# --- work area -------------------------------------------------------------

declare -A mpid=()        # running manager pids (for the exit trap)
declare -A cg_dirs=()     # cgroup dirs we created, per manager run
work=""
work_tmpfs=0
cleanup() {
	local rc=$? m
	set +e
	for m in "${!mpid[@]}"; do stop_manager "$m" quiet; done
	policy_restore
	if [[ -z $work ]]; then
		:
	elif ((keep)); then
		note "kept $work$( ((work_tmpfs)) && echo " (a tmpfs: umount it when done)")"
	else
		if ((work_tmpfs)); then umount "$work" 2>/dev/null || umount -l "$work"; fi
		rm -rf -- "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work=$(mktemp -d "${TMPDIR:-/tmp}/ember-bench-start.XXXXXX")
# Everything lives on a tmpfs, as /run does on a booted system: runsv and s6-supervise
# keep their state (supervise/, event/: fifos, status files replaced by rename) inside
# the service directories, which Debian links to /run; on ext4 those writes cost them
# about a second at 500 services on the development VM. As root the script mounts one.
if ((EUID == 0)) && mount -t tmpfs -o mode=755 ember-bench "$work" 2>/dev/null; then
	work_tmpfs=1
elif [[ $(stat -fc %T "$work") != tmpfs ]]; then
	note "warning: $work is not on a tmpfs (set TMPDIR to one); runit and s6 write their state there"
fi
chmod 755 "$work"
mkdir -m 755 "$work/bin" "$work/logs"
readonly REPORT=$work/report # the program's "PID TIMESTAMP" lines (fixed width)

# --- the program and the process helper --------------------------------------

# The service program: report "PID REALTIME_USEC" once, then sleep forever.
cat >"$work/bin/ebench-pause.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	char line[40];
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof line, "%10d %20lld\n", (int)getpid(),
		     (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
	fd = open(REPORT_PATH, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		/* O_APPEND: one write of 32 bytes lands whole at the end. */
		if (write(fd, line, (size_t)n) != n)
			return 1;
		close(fd);
	}
	for (;;)
		pause();
}
EOF

# The helper: waits for the report file, lists a manager's descendants, finds and
# kills left-over processes. Processes are identified by (pid, start time), so a
# recycled pid is never killed.
cat >"$work/bin/ebench-procs.c" <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REC 32 /* bytes per report line */

struct proc {
	int pid, ppid;
	char state;
	unsigned long long start;
};
static struct proc *procs;
static size_t nprocs, cap;

static int read_stat(int pid, struct proc *p)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;
	char *s;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	s = strrchr(buf, ')');
	if (!s || sscanf(s + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &p->state, &p->ppid, &p->start) != 3)
		return -1;
	p->pid = pid;
	return 0;
}

static void scan(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d) {
		perror("/proc");
		exit(1);
	}
	nprocs = 0;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct proc p;

		if (*end || pid <= 0 || read_stat((int)pid, &p) < 0)
			continue;
		if (nprocs == cap) {
			cap = cap ? 2 * cap : 4096;
			procs = realloc(procs, cap * sizeof *procs);
			if (!procs)
				exit(1);
		}
		procs[nprocs++] = p;
	}
	closedir(d);
}

static struct proc *find(int pid)
{
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static int compare_pid(const void *a, const void *b)
{
	return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

static struct proc *find_sorted(int pid)
{
	struct proc key = { .pid = pid };
	return bsearch(&key, procs, nprocs, sizeof *procs, compare_pid);
}

static int is_descendant(struct proc *p, int root)
{
	for (int depth = 0; p && depth < 256; depth++) {
		if (p->ppid == root)
			return 1;
		if (p->ppid <= 1)
			return 0;
		p = find_sorted(p->ppid);
	}
	return 0;
}

static int exe_is(int pid, const char *exe)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	n = readlink(path, buf, sizeof buf - 1);
	if (n < 0)
		return 0;
	buf[n] = 0;
	return strcmp(buf, exe) == 0;
}

static int alive_as(int pid, unsigned long long start)
{
	struct proc p;
	return read_stat(pid, &p) == 0 && p.start == start && p.state != 'Z';
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* wait REPORT N MGRPID TIMEOUT_S: until REPORT has N lines. Prints the largest
 * timestamp of the first N lines and the number of lines. Exit 2: the manager died
 * first; exit 3: timeout (prints the number of lines). */
static int cmd_wait(char **argv)
{
	const char *report = argv[0];
	long n = atol(argv[1]);
	int mgr = atoi(argv[2]);
	long long deadline = now_us() + atoll(argv[3]) * 1000000LL;
	int fd = open(report, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned loops = 0;

	if (fd < 0) {
		perror(report);
		return 1;
	}
	for (;;) {
		if (fstat(fd, &st) < 0)
			return 1;
		if (st.st_size >= n * REC)
			break;
		if ((++loops & 15) == 0) {
			struct proc p;
			if (read_stat(mgr, &p) < 0 || p.state == 'Z') {
				printf("%lld\n", (long long)(st.st_size / REC));
				return 2;
			}
		}
		if (now_us() > deadline) {
			printf("%lld\n", (long long)(st.st_size / REC));
			return 3;
		}
		usleep(2000);
	}
	char *buf = malloc((size_t)n * REC);
	long long max = 0;
	if (!buf || pread(fd, buf, (size_t)n * REC, 0) != n * REC)
		return 1;
	for (long i = 0; i < n; i++) {
		long long t = atoll(buf + i * REC + 11);
		if (t > max)
			max = t;
	}
	printf("%lld %lld\n", max, (long long)(st.st_size / REC));
	return 0;
}

/* tree MGRPID EXE: every descendant of MGRPID as "P PID START" (running EXE) or
 * "O PID START" (anything else: supervisors, shells not yet exec'd). */
static int cmd_tree(char **argv)
{
	int mgr = atoi(argv[0]);
	const char *exe = argv[1];

	scan();
	qsort(procs, nprocs, sizeof *procs, compare_pid);
	for (size_t i = 0; i < nprocs; i++) {
		struct proc *p = &procs[i];
		if (p->state == 'Z' || !is_descendant(p, mgr))
			continue;
		printf("%c %d %llu\n", exe_is(p->pid, exe) ? 'P' : 'O', p->pid, p->start);
	}
	return 0;
}

/* find EXE: every live process running EXE, as "P PID START". */
static int cmd_find(char **argv)
{
	scan();
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].state != 'Z' && exe_is(procs[i].pid, argv[0]))
			printf("P %d %llu\n", procs[i].pid, procs[i].start);
	return 0;
}

/* alive FILE / kill FILE: of the "X PID START" lines in FILE, count the processes
 * still alive / SIGKILL them (prints how many were alive). */
static int cmd_list(char **argv, int do_kill)
{
	FILE *f = fopen(argv[0], "re");
	char kind;
	int pid;
	unsigned long long start;
	long alive = 0;

	if (!f) {
		perror(argv[0]);
		return 1;
	}
	while (fscanf(f, " %c %d %llu", &kind, &pid, &start) == 3) {
		if (!alive_as(pid, start))
			continue;
		alive++;
		if (do_kill)
			kill(pid, SIGKILL);
	}
	printf("%ld\n", alive);
	/* SIGKILL is not instant: wait (at most 5 s) until they are gone. */
	for (int tries = 0; do_kill && alive > 0 && tries < 500; tries++) {
		usleep(10000);
		rewind(f);
		alive = 0;
		while (fscanf(f, " %c %d %llu", &kind, &pid, &start) == 3)
			alive += alive_as(pid, start);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	(void)find;
	if (argc == 6 && !strcmp(argv[1], "wait"))
		return cmd_wait(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "tree"))
		return cmd_tree(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "find"))
		return cmd_find(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "alive"))
		return cmd_list(argv + 2, 0);
	if (argc == 3 && !strcmp(argv[1], "kill"))
		return cmd_list(argv + 2, 1);
	fprintf(stderr, "usage: ebench-procs wait REPORT N MGRPID TIMEOUT_S | tree MGRPID EXE |"
			" find EXE | alive FILE | kill FILE\n");
	return 1;
}
EOF

cc_out=$work/logs/cc.log
# Static if the C library allows it (one exec without the dynamic loader per service,
# the same for every manager); dynamic otherwise.
if ! "$CC" -O2 -static -DREPORT_PATH="\"$REPORT\"" -o "$work/bin/ebench-pause" \
	"$work/bin/ebench-pause.c" >"$cc_out" 2>&1; then
	"$CC" -O2 -DREPORT_PATH="\"$REPORT\"" -o "$work/bin/ebench-pause" "$work/bin/ebench-pause.c" \
		>"$cc_out" 2>&1 || die "cannot compile the service program: $(cat "$cc_out")"
fi
"$CC" -O2 -o "$work/bin/ebench-procs" "$work/bin/ebench-procs.c" >"$cc_out" 2>&1 ||
	die "cannot compile the process helper: $(cat "$cc_out")"
readonly PAUSE=$work/bin/ebench-pause
readonly PROCS=$work/bin/ebench-procs

# --- generated configuration -------------------------------------------------

# Unit files for ember and systemd: N services wanted by default.target through
# default.target.wants/, and the targets their default dependencies name.
gen_units() {
	local d=$1 i name
	mkdir -m 755 "$d" "$d/default.target.wants"
	printf '[Unit]\nDescription=System Initialization\nDefaultDependencies=no\nConflicts=shutdown.target\nBefore=shutdown.target\n' \
		>"$d/sysinit.target"
	printf '[Unit]\nDescription=Basic System\nRequires=sysinit.target\nAfter=sysinit.target\n' \
		>"$d/basic.target"
	printf '[Unit]\nDescription=Shutdown\nDefaultDependencies=no\nRefuseManualStart=yes\n' \
		>"$d/shutdown.target"
	printf '[Unit]\nDescription=Benchmark: %d services\nRequires=basic.target\nAfter=basic.target\n' \
		"$n_services" >"$d/default.target"
	for ((i = 1; i <= n_services; i++)); do
		printf -v name 'bench-%05d' "$i"
		printf '[Unit]\nDescription=Benchmark service %d\n\n[Service]\nExecStart=%s\n' \
			"$i" "$PAUSE" >"$d/$name.service"
	done
	(cd -- "$d/default.target.wants" &&
		for ((i = 1; i <= n_services; i++)); do printf '../bench-%05d.service\0' "$i"; done |
		xargs -0 ln -s -t .)
}

# A runit or s6 scan directory: bench-NNNNN/run for every service. Made anew before
# each run (runsv and s6-supervise create their state directories inside). Its mtime
# is set 10 s back: runsvdir sleeps a whole second before reading a directory modified
# within the current second (so as not to read one still being written), which a
# directory generated just before the launch always is, and one on a booted system
# never is.
gen_svdir() {
	local d=$1 i name
	rm -rf -- "$d"
	mkdir -m 755 "$d"
	printf '#!/bin/sh\nexec %s\n' "$PAUSE" >"$work/run.sh"
	chmod 755 "$work/run.sh"
	for ((i = 1; i <= n_services; i++)); do
		printf -v name 'bench-%05d' "$i"
		mkdir "$d/$name"
		if ((direct)); then
			ln -s "$PAUSE" "$d/$name/run"
		else
			cp "$work/run.sh" "$d/$name/run"
		fi
	done
	touch -d "@$((EPOCHSECONDS - 10))" "$d" "$d"/*
}

note "generating $n_services services in $work"
gen_units "$work/units"

# --- cgroups -------------------------------------------------------------------

# As root every manager starts in a fresh cgroup of its own, a child of the script's
# cgroup, on the v2 hierarchy and (hybrid layout) on the name=systemd v1 hierarchy:
# systemd --user needs one it may write to, ember (with its cgroup support) takes
# a delegated cgroup as its base, runit and s6 ignore it. The same for all four, and
# removing the tree at the end is a check that nothing is left in it.
cg_parents=()
if ((EUID == 0)); then
	cg_v2="" cg_named=""
	if [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
		cg_v2=/sys/fs/cgroup
	elif [[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
		cg_v2=/sys/fs/cgroup/unified
	fi
	[[ $(stat -fc %T /sys/fs/cgroup/systemd 2>/dev/null) == cgroupfs ]] && cg_named=/sys/fs/cgroup/systemd
	while IFS=: read -r _ ctrl path; do
		if [[ -z $ctrl && -n $cg_v2 ]]; then
			cg_parents+=("$cg_v2${path%/}")
		elif [[ $ctrl == name=systemd && -n $cg_named ]]; then
			cg_parents+=("$cg_named${path%/}")
		fi
	done </proc/self/cgroup
fi

# cg_make KEY OWNER: a fresh cgroup per parent for the next manager run.
cg_make() {
	local key=$1 owner=$2 parent dir list=""
	for parent in "${cg_parents[@]}"; do
		dir=$parent/ember-bench-$$-$key
		if mkdir "$dir" 2>/dev/null; then
			[[ $owner == root ]] || chown -R "$owner" "$dir"
			list+="$dir "
		else
			note "warning: cannot create cgroup $dir; the manager runs in the script's cgroup"
		fi
	done
	cg_dirs[$key]=$list
}
# cg_enter KEY: moves the calling (sub)shell into KEY's cgroups.
cg_enter() {
	local dir
	for dir in ${cg_dirs[$1]:-}; do
		echo "$BASHPID" >"$dir/cgroup.procs" 2>/dev/null || true
	done
}
# cg_remove KEY: removes KEY's cgroup trees (depth first); says what was left in them.
cg_remove() {
	local key=$1 dir sub
	for dir in ${cg_dirs[$key]:-}; do
		[[ -d $dir ]] || continue
		sub=$(find "$dir" -mindepth 1 -type d | wc -l)
		cg_left[$key]=$((${cg_left[$key]:-0} + sub))
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null ||
			note "warning: cannot remove cgroup $dir (still populated?)"
	done
	cg_dirs[$key]=""
}
declare -A cg_left=()

# --- the managers ----------------------------------------------------------------

sd_uid="" sd_gid=""
if want systemd && [[ -z ${skip_reason[systemd]:-} ]]; then
	sd_uid=$(id -u "$RUN_USER")
	sd_gid=$(id -g "$RUN_USER")
fi

# manager_cmd NAME: the command line in cmd[], after preparing its directories.
manager_cmd() {
	case $1 in
	ember)
		rm -rf -- "$work/ember-rt"
		mkdir -m 755 "$work/ember-rt"
		cmd=(env -i "PATH=$CLEAN_PATH" "HOME=$work"
			"$ember_bin" --user "--unit-path=$work/units" "--runtime-dir=$work/ember-rt")
		;;
	runit)
		gen_svdir "$work/runit"
		cmd=(env -i "PATH=$CLEAN_PATH" runsvdir "$work/runit")
		;;
	s6)
		gen_svdir "$work/s6"
		cmd=(env -i "PATH=$CLEAN_PATH" s6-svscan "$work/s6")
		;;
	systemd)
		# HOME and XDG_RUNTIME_DIR belong to the user; the log file is bind-mounted
		# on /dev/console in the namespace, where systemd --user writes its log.
		rm -rf -- "$work/sd-home" "$work/sd-rt" "$work/no-generators"
		mkdir -m 755 "$work/sd-home" "$work/no-generators"
		mkdir -m 700 "$work/sd-rt"
		chown "$sd_uid:$sd_gid" "$work/sd-home" "$work/sd-rt"
		: >"$work/logs/systemd.console"
		chmod 666 "$work/logs/systemd.console"
		# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
		cmd=(unshare --mount --propagation private
			sh -c 'if [ -d /run/systemd ]; then
					mount -t tmpfs -o mode=755 ember-bench /run/systemd
				else
					mount -t tmpfs -o mode=755 ember-bench /run && mkdir /run/systemd
				fi && mkdir /run/systemd/system &&
				mount --bind "$0" /dev/console && exec "$@"' "$work/logs/systemd.console"
			setpriv "--reuid=$sd_uid" "--regid=$sd_gid" --clear-groups
			env -i "PATH=$CLEAN_PATH" "HOME=$work/sd-home" "USER=$RUN_USER" "LOGNAME=$RUN_USER"
			"XDG_RUNTIME_DIR=$work/sd-rt"
			"SYSTEMD_UNIT_PATH=$work/units"
			"SYSTEMD_GENERATOR_PATH=$work/no-generators"
			"SYSTEMD_ENVIRONMENT_GENERATOR_PATH=$work/no-generators"
			"$SYSTEMD_BIN" --user)
		;;
	esac
}

# How each manager is asked to stop all services and exit. runsvdir exits on TERM
# without touching its runsv processes; HUP makes it TERM them first. systemd --user
# starts exit.target on TERM (there is none in the generated unit directory), so it
# is killed: nothing is measured any more at that point.
declare -A stop_signal=([ember]=TERM [runit]=HUP [s6]=TERM [systemd]=KILL)

proc_gone() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	[[ ${st%% *} == Z ]]
}

# stop_manager NAME [quiet]: stops the manager with its own signal, kills whatever of
# its process tree is left after a bounded wait, checks that no copy of the program is
# left anywhere, removes its cgroups. Records what it had to kill in killed_left[].
declare -A killed_left=()
stop_manager() {
	local m=$1 quiet=${2:-} pid=${mpid[$1]:-} tries left extra
	[[ -n $pid ]] || return 0
	local tree=$work/logs/$m.tree
	"$PROCS" tree "$pid" "$PAUSE" >"$tree" 2>/dev/null || true
	local timely=1
	# (stderr off: bash would report the killed background job)
	{
		kill "-${stop_signal[$m]}" "$pid" || true
		for ((tries = STOP_WAIT; tries > 0; tries--)); do
			proc_gone "$pid" && break
			sleep 0.1
		done
		if ! proc_gone "$pid"; then
			timely=0
			kill -KILL "$pid" || true
		fi
		wait "$pid" || true
	} 2>/dev/null
	((timely)) || [[ -n $quiet ]] ||
		note "warning: $m did not exit within $((STOP_WAIT / 10)) s of SIG${stop_signal[$m]}; killed"
	unset 'mpid[$m]'
	# Its services and supervisors get the same bounded time to go (none after KILL:
	# nobody stops them then).
	left=$("$PROCS" alive "$tree")
	if [[ ${stop_signal[$m]} != KILL ]]; then
		for ((tries = STOP_WAIT; tries > 0 && left > 0; tries--)); do
			sleep 0.1
			left=$("$PROCS" alive "$tree")
		done
	fi
	if ((left > 0)); then
		"$PROCS" kill "$tree" >/dev/null
		killed_left[$m]=$((${killed_left[$m]:-0} + left))
		[[ -n $quiet || $m == systemd ]] ||
			note "warning: $left processes of $m's tree still ran $((STOP_WAIT / 10)) s after it exited; killed"
	fi
	# Nothing running the program may be left, from this manager or any other.
	"$PROCS" find "$PAUSE" >"$work/logs/left"
	extra=$(wc -l <"$work/logs/left")
	if ((extra > 0)); then
		note "warning: $extra processes still run $PAUSE after $m's run; killed"
		"$PROCS" kill "$work/logs/left" >/dev/null
		sleep 0.2
		"$PROCS" find "$PAUSE" >"$work/logs/left"
		[[ ! -s $work/logs/left ]] || die "cannot get rid of: $(tr '\n' ' ' <"$work/logs/left")"
	fi
	cg_remove "$m"
}

# read_kb FILE FIELD: the kB value of "FIELD:" in a /proc status-like file.
read_kb() { awk -v f="$2:" '$1 == f { print $2; exit }' "$1" 2>/dev/null; }

# run_once NAME CHECK: launches the manager, waits for all N services, reads memory,
# stops it. Sets r_us, r_rss, r_hwm, r_tot_rss, r_tot_pss, r_nsup; returns 1 (with
# r_err) if the manager failed.
run_once() {
	local m=$1 check=$2 t0 out rc=0 max lines nprog nother pid
	local log=$work/logs/$m.log
	manager_cmd "$m"
	: >"$REPORT"
	chmod 666 "$REPORT"
	local owner=root
	[[ $m == systemd ]] && owner=$sd_uid:$sd_gid
	cg_make "$m" "$owner"
	t0=${EPOCHREALTIME/./}
	(
		cg_enter "$m"
		exec "${cmd[@]}"
	) >"$log" 2>&1 </dev/null &
	pid=$!
	mpid[$m]=$pid
	out=$("$PROCS" wait "$REPORT" "$n_services" "$pid" $((30 + n_services / 10))) || rc=$?
	if ((rc != 0)); then
		if ((rc == 2)); then
			r_err="exited before all services ran ($out of $n_services did)"
		else
			r_err="not all services running after $((30 + n_services / 10)) s ($out of $n_services)"
		fi
		local msg
		msg=$(tail -n 5 "$log" "$work/logs/systemd.console" 2>/dev/null | grep -v '^==>' | grep . | tail -n 3 | tr '\n' ' ')
		[[ -n $msg ]] && r_err+="; its output: $msg"
		stop_manager "$m" quiet
		return 1
	fi
	read -r max lines <<<"$out"
	r_us=$((max - t0))
	((lines == n_services)) ||
		note "  $m: the report has $lines lines for $n_services services (restarts?)"

	sleep "$SETTLE"
	local tree=$work/logs/$m.tree
	"$PROCS" tree "$pid" "$PAUSE" >"$tree"
	nprog=$(grep -c '^P' "$tree" || true)
	nother=$(grep -c '^O' "$tree" || true)
	if ((nprog != n_services)); then
		r_err="$nprog of its descendants run the program ${SETTLE} s after all $n_services had started"
		stop_manager "$m" quiet
		return 1
	fi
	r_rss=$(read_kb "/proc/$pid/status" VmRSS)
	r_hwm=$(read_kb "/proc/$pid/status" VmHWM)
	# The manager plus every descendant that is not the program (supervisors).
	local files=("/proc/$pid") p
	while read -r _ p _; do files+=("/proc/$p"); done < <(grep '^O' "$tree")
	r_tot_rss=$(for p in "${files[@]}"; do read_kb "$p/status" VmRSS; done | awk '{ s += $1 } END { print s + 0 }')
	r_tot_pss=$(for p in "${files[@]}"; do read_kb "$p/smaps_rollup" Pss; done | awk '{ s += $1 } END { print s + 0 }')
	r_nsup=$nother

	if [[ -n $check ]]; then
		note "  $m: $n_services services running after $(awk -v u="$r_us" 'BEGIN { printf "%.1f", u / 1000 }') ms; other processes under it: $nother"
		local first cg
		first=$(awk '$1 == "P" { print $2; exit }' "$tree")
		cg=$(sed -n 's/^0:://p' "/proc/$first/cgroup" 2>/dev/null)
		note "  $m: cgroup (v2) of a service: ${cg:-?}; of the manager: $(sed -n 's/^0:://p' "/proc/$pid/cgroup" 2>/dev/null)"
		case $m in
		ember)
			if [[ -n $emberctl_bin ]]; then
				local nrun
				nrun=$("$emberctl_bin" "--runtime-dir=$work/ember-rt" list-units --type=service \
					--state=running --no-legend 2>&1 | grep -c 'bench-[0-9]*\.service' || true)
				note "  ember: emberctl list-units --state=running lists $nrun bench services"
				((nrun == n_services)) || note "  warning: ember reports $nrun running, $n_services run"
			fi
			;;
		systemd)
			local nrun
			nrun=$(setpriv "--reuid=$sd_uid" "--regid=$sd_gid" --clear-groups \
				env -i "PATH=$CLEAN_PATH" "XDG_RUNTIME_DIR=$work/sd-rt" \
				systemctl --user list-units --type=service --state=running --no-legend --no-pager 2>&1 |
				grep -c 'bench-[0-9]*\.service' || true)
			note "  systemd: systemctl --user list-units --state=running lists $nrun bench services"
			((nrun == n_services)) || note "  warning: systemd reports $nrun running, $n_services run"
			;;
		esac
		local f
		for f in "$log" "$work/logs/systemd.console"; do
			[[ $m == systemd || $f == "$log" ]] || continue
			if [[ -s $f ]]; then
				note "  $m: ${f##*/} has $(wc -l <"$f") lines, the first:"
				head -n 3 "$f" | sed 's/^/    /' >&2
			else
				note "  $m: ${f##*/} is empty"
			fi
		done
	fi
	stop_manager "$m"
	if [[ -n $check && ${stop_signal[$m]} != KILL && ${cg_left[$m]:-0} -gt 0 ]]; then
		note "  $m: left ${cg_left[$m]} cgroup directories behind (removed)"
	fi
	cg_left[$m]=0
	return 0
}

# --- run -----------------------------------------------------------------------

managers=(ember)
for p in "${peers[@]}"; do
	if [[ -n ${skip_reason[$p]:-} ]]; then
		note "$p: skipped: ${skip_reason[$p]}"
	else
		managers+=("$p")
	fi
done

declare -A version=()
version[ember]=$("$ember_bin" --version 2>&1 | head -n 1)
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "version unknown"; }
version[runit]="runit $(pkg_version runit) (runsvdir + runsv)"
version[s6]="s6 $(pkg_version s6) (s6-svscan + s6-supervise)"
version[systemd]=$("$SYSTEMD_BIN" --version 2>/dev/null | head -n 1 || true)

# cpu_busy: percent of the machine's CPU time not idle during one second (other work
# on the machine makes the numbers noisy; it is printed with the table).
cpu_busy() {
	local a b
	a=$(head -n 1 /proc/stat)
	sleep 1
	b=$(head -n 1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		n = split(a, x); split(b, y); tot = 0
		for (i = 2; i <= n; i++) tot += y[i] - x[i]
		idle = (y[5] - x[5]) + (y[6] - x[6])
		printf "%.0f%%", (tot > 0 ? 100 * (tot - idle) / tot : 0) }'
}
busy_before=$(cpu_busy)

declare -A t_list=() rss_list=() hwm_list=() trss_list=() tpss_list=() nsup=()
# The first run of each manager is a warm-up (page cache, first exec of everything)
# and carries the checks; it is not timed.
for ((r = 0; r <= runs; r++)); do
	if ((r == 0)); then note "warm-up run with checks"; else note "run $r of $runs"; fi
	for m in "${managers[@]}"; do
		[[ -z ${skip_reason[$m]:-} ]] || continue
		check=""
		((r == 0)) && check=1
		if ! run_once "$m" "$check"; then
			[[ $m == ember ]] && die "ember: $r_err"
			skip_reason[$m]="could not run: $r_err"
			note "$m: $r_err"
			continue
		fi
		((r == 0)) && continue
		t_list[$m]+=" $r_us"
		rss_list[$m]+=" $r_rss"
		hwm_list[$m]+=" $r_hwm"
		trss_list[$m]+=" $r_tot_rss"
		tpss_list[$m]+=" $r_tot_pss"
		nsup[$m]=$r_nsup
		sleep 0.5
	done
done

if ((keep)); then
	for m in "${managers[@]}"; do
		manager_cmd "$m"
		note "kept; $m: ${cmd[*]}"
	done
fi

# --- report ----------------------------------------------------------------------

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v e="$1" -v p="$2" 'BEGIN { if (e > 0) printf "%.2fx", p / e; else print "-" }'; }

declare -A label=([ember]="ember" [runit]="runit (runsvdir)" [s6]="s6 (s6-svscan)"
	[systemd]="systemd --user")
declare -A sup_name=([ember]="-" [runit]="runsv" [s6]="s6-supervise" [systemd]="-")

echo
echo "$n_services services, each running $PAUSE (pause()); median of $runs runs"
if ((direct)); then
	echo "runit/s6 'run': a symlink to the program"
else
	echo "runit/s6 'run': #!/bin/sh + exec of the program"
fi
# shellcheck disable=SC1091
echo "host: $(uname -srm), $(nproc) CPUs, $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
echo "machine CPU busy (other work) in the second before the runs: $busy_before, after: $(cpu_busy)"
echo
fmt='%-16s | %9s %10s | %9s %9s %10s | %5s %-12s %9s %9s %10s\n'
printf '%-16s | %-20s | %-30s | %s\n' "" "time to all running" "manager process alone" \
	"manager + its supervisor processes"
# shellcheck disable=SC2059 # the format is the fixed string above
printf "$fmt" manager ms peer/ember "VmRSS MiB" "VmHWM MiB" peer/ember "n" supervisor "RSS MiB" "PSS MiB" peer/ember
# shellcheck disable=SC2059
printf "$fmt" ---------------- --------- ---------- --------- --------- ---------- ----- ------------ --------- --------- ----------
e_t=$(median "${t_list[ember]}")
e_rss=$(median "${rss_list[ember]}")
e_trss=$(median "${trss_list[ember]}")
for m in ember "${peers[@]}"; do
	if [[ -n ${skip_reason[$m]:-} || -z ${t_list[$m]:-} ]]; then
		printf '%-16s | %s\n' "${label[$m]}" "${skip_reason[$m]:-no result}"
		continue
	fi
	t=$(median "${t_list[$m]}")
	rss=$(median "${rss_list[$m]}")
	hwm=$(median "${hwm_list[$m]}")
	trss=$(median "${trss_list[$m]}")
	tpss=$(median "${tpss_list[$m]}")
	rt="-" rr="-" rtr="-"
	if [[ $m != ember ]]; then
		rt=$(ratio "$e_t" "$t")
		rr=$(ratio "$e_rss" "$rss")
		rtr=$(ratio "$e_trss" "$trss")
	fi
	# shellcheck disable=SC2059
	printf "$fmt" "${label[$m]}" "$(ms "$t")" "$rt" "$(mib "$rss")" "$(mib "$hwm")" "$rr" \
		"${nsup[$m]}" "${sup_name[$m]}" "$(mib "$trss")" "$(mib "$tpss")" "$rtr"
done
echo
echo "ms:          launch of the manager -> the last of the $n_services programs has run main()"
echo "VmRSS/VmHWM: of the manager process from /proc/PID/status, ${SETTLE} s after all were running"
echo "RSS/PSS:     summed over the manager and its n supervisor processes (not the services)"
echo "peer/ember:  the peer's value divided by ember's; above 1 means ember is faster / smaller"
line="every run (ms):"
for m in "${managers[@]}"; do
	[[ -n ${t_list[$m]:-} ]] || continue
	line+=" $m$(for t in ${t_list[$m]}; do printf ' %.0f' "$(ms "$t")"; done);"
done
echo "${line%;}"
for m in "${managers[@]}"; do
	[[ -n ${version[$m]:-} ]] && echo "$m: ${version[$m]}"
done
for m in "${managers[@]}"; do
	if ((${killed_left[$m]:-0} > 0)) && [[ $m != systemd ]]; then
		echo "note: $m left ${killed_left[$m]} processes running after it exited (killed by the script)"
	fi
done
