#!/usr/bin/env bash
# load-units.sh: how fast do ember and systemd 252 load N unit files and compute
# the start-up transaction for default.target?  See bench/README.md.
#
# For each size (default 100, 1000, 10000) it generates a unit directory, runs
#   ember --test --system --unit-path=DIR --unit=default.target --log-level=warning
#   SYSTEMD_UNIT_PATH=DIR /lib/systemd/systemd --test --system --unit=default.target --no-pager
# once each to check that every generated unit was loaded and queued, then RUNS
# times each (interleaved, output to /dev/null), and prints the median wall time,
# the median peak RSS and the systemd/ember ratios as a table.

set -euo pipefail
export LC_ALL=C  # '.' as decimal point in $EPOCHREALTIME, printf and sort

readonly PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly SYSTEMD_BIN=/lib/systemd/systemd
readonly TIME_BIN=/usr/bin/time
readonly CLEAN_PATH=/usr/sbin:/usr/bin:/sbin:/bin

runs=5
sizes="100 1000 10000"
keep_dir=""
run_user=nobody
ember_as_self=0
do_ember=1
do_systemd=1
ember_bin=${EMBER:-$SCRIPT_DIR/../build/ember}

usage() {
	cat <<EOF
Usage: $PROG [options]

Loads generated unit directories with 'ember --test' and with systemd 252's
'systemd --test' and prints wall time and peak RSS for each size.

Options:
  -n RUNS    timed runs per tool and size; the median is reported (default: $runs)
  -s SIZES   unit counts, comma or space separated (default: "$sizes")
  -k DIR     keep the generated unit directories as DIR/units-SIZE (for
             profiling) and print the exact commands used
  -u USER    when started as root, run both tools as USER (default: $run_user);
             systemd refuses --test as root
  -U         run ember as the invoking user instead of USER (systemd still
             runs as USER)
  -E         ember only (skip systemd)
  -S         systemd only (skip ember; use while build/ember does not exist)
  -h         this help

Environment:
  EMBER      path of the ember binary (default: build/ember next to bench/)
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

note() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

while getopts ':n:s:k:u:UESh' opt; do
	case $opt in
	n) runs=$OPTARG ;;
	s) sizes=${OPTARG//,/ } ;;
	k) keep_dir=$OPTARG ;;
	u) run_user=$OPTARG ;;
	U) ember_as_self=1 ;;
	E) do_systemd=0 ;;
	S) do_ember=0 ;;
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

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive integer, not '$runs'"
read -r -a size_list <<<"$sizes"
((${#size_list[@]} > 0)) || die "-s wants at least one size"
for n in "${size_list[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "-s wants positive integers, not '$n'"
	((n <= 99999)) || die "-s: at most 99999 units per size"
done
((do_ember || do_systemd)) || die "-E and -S together leave nothing to run"

# --- prerequisites ---------------------------------------------------------

# 'command -v time' would find the bash keyword, so ask for the path itself.
missing=()
if ((do_systemd)) && { ! command -v systemd-analyze >/dev/null || [[ ! -x $SYSTEMD_BIN ]]; }; then
	missing+=(systemd)
fi
command -v "$TIME_BIN" >/dev/null || missing+=(time)
if ((${#missing[@]} > 0)); then
	((EUID == 0)) || die "missing packages: ${missing[*]}; run as root or install them"
	note "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
		apt-get update >&2
		apt-get install -y --no-install-recommends "${missing[@]}" >&2
	fi
fi
[[ -x $TIME_BIN ]] || die "$TIME_BIN is still missing"
if ((do_systemd)); then
	[[ -x $SYSTEMD_BIN ]] || die "$SYSTEMD_BIN is still missing"
fi
if ((do_ember)); then
	[[ -x $ember_bin ]] || die "no ember binary at '$ember_bin' (set EMBER=..., or -S for systemd only)"
	ember_bin=$(cd -- "$(dirname -- "$ember_bin")" && pwd)/$(basename -- "$ember_bin")
fi

# systemd refuses '--test' as root ("Don't run test mode as root.", written to
# the console, exit 1), so as root both tools run as an unprivileged user.
sd_prefix=()
ember_prefix=()
if ((EUID == 0)); then
	command -v setpriv >/dev/null || die "setpriv (util-linux) is needed to drop root"
	id -u "$run_user" >/dev/null 2>&1 || die "no such user '$run_user' (see -u)"
	run_group=$(id -gn "$run_user")
	sd_prefix=(setpriv "--reuid=$run_user" "--regid=$run_group" --clear-groups)
	((ember_as_self)) || ember_prefix=("${sd_prefix[@]}")
fi

# --- work area -------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/ember-bench.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$work" # the unprivileged user reads the units

# An empty directory to point systemd's generator paths at (see sd_cmd).
nogen=$work/no-generators
if [[ -n $keep_dir ]]; then
	mkdir -p -- "$keep_dir"
	keep_dir=$(cd -- "$keep_dir" && pwd)
	chmod a+rx -- "$keep_dir"
	nogen=$keep_dir/no-generators
fi
mkdir -p -- "$nogen"
chmod 755 -- "$nogen"

# --- unit generation -------------------------------------------------------

# write_unit FILE CONTENT
write_unit() { printf '%s' "$2" >"$1"; }

# gen_units DIR N: N services wanted by multi-user.target, a basic.target /
# sysinit.target skeleton under it, default.target -> multi-user.target.
gen_units() {
	local d=$1 n=$2 i prev half deps
	mkdir -m 755 -- "$d" "$d/multi-user.target.wants"
	: >"$d/.ember-bench"

	write_unit "$d/local-fs-pre.target" "[Unit]
Description=Preparation for Local File Systems
DefaultDependencies=no
RefuseManualStart=yes
"
	write_unit "$d/local-fs.target" "[Unit]
Description=Local File Systems
DefaultDependencies=no
Conflicts=shutdown.target
After=local-fs-pre.target
"
	write_unit "$d/swap.target" "[Unit]
Description=Swaps
"
	write_unit "$d/sysinit.target" "[Unit]
Description=System Initialization
DefaultDependencies=no
Conflicts=shutdown.target
Wants=local-fs.target swap.target
After=local-fs.target swap.target
"
	local t
	for t in sockets timers paths slices; do
		write_unit "$d/$t.target" "[Unit]
Description=${t^}
DefaultDependencies=no
Conflicts=shutdown.target
"
	done
	write_unit "$d/basic.target" "[Unit]
Description=Basic System
Requires=sysinit.target
Wants=sockets.target timers.target paths.target slices.target
After=sysinit.target sockets.target paths.target slices.target timers.target
"
	write_unit "$d/rescue.target" "[Unit]
Description=Rescue Mode
Requires=sysinit.target
After=sysinit.target
AllowIsolate=yes
"
	write_unit "$d/shutdown.target" "[Unit]
Description=System Shutdown
DefaultDependencies=no
RefuseManualStart=yes
"
	write_unit "$d/multi-user.target" "[Unit]
Description=Multi-User System
Requires=basic.target
Conflicts=rescue.target
After=basic.target rescue.target
AllowIsolate=yes
"
	ln -s multi-user.target "$d/default.target"

	for ((i = 1; i <= n; i++)); do
		deps=""
		if ((i > 1)); then
			printf -v prev 'bench-%05d.service' $((i - 1))
			printf -v half 'bench-%05d.service' $((i / 2))
			deps="Wants=$prev
After=$prev
"
			if ((i / 2 != i - 1)); then
				deps+="Wants=$half
After=$half
"
			fi
		fi
		printf -v t 'bench-%05d' "$i"
		write_unit "$d/$t.service" "[Unit]
Description=Benchmark service $i of $n
Documentation=man:true(1)
${deps}
[Service]
Type=simple
ExecStart=/bin/true
Environment=\"BENCH_ID=$i\" \"BENCH_NAME=$t\"
Restart=on-failure
RestartSec=1

[Install]
WantedBy=multi-user.target
"
	done
	# One ln for all N links: multi-user.target.wants/X -> ../X
	(cd -- "$d/multi-user.target.wants" &&
		for ((i = 1; i <= n; i++)); do printf '../bench-%05d.service\0' "$i"; done |
		xargs -0 ln -s -t .)
}

# --- the two commands ------------------------------------------------------

# Both run with a minimal environment. systemd's generators are pointed at an
# empty directory: with SYSTEMD_UNIT_PATH set (no trailing ':') their output is
# not on the unit path anyway, they would only add unrelated fork/exec time.
sd_cmd() {
	cmd=("${sd_prefix[@]}" env -i "PATH=$CLEAN_PATH"
		"SYSTEMD_UNIT_PATH=$1"
		"SYSTEMD_GENERATOR_PATH=$nogen"
		"SYSTEMD_ENVIRONMENT_GENERATOR_PATH=$nogen"
		"$SYSTEMD_BIN" --test --system --unit=default.target --no-pager)
}

ember_cmd() {
	cmd=("${ember_prefix[@]}" env -i "PATH=$CLEAN_PATH"
		"$ember_bin" --test --system "--unit-path=$1" --unit=default.target
		--log-level=warning)
}

# measure TOOL DIR: one timed run, output to /dev/null; appends to the
# per-tool arrays of wall microseconds and peak RSS KiB.
# /usr/bin/time's %e has only 10 ms resolution, so the wall time is taken
# with $EPOCHREALTIME around it (includes the same ~1 ms of time/setpriv/env
# exec for both tools); %M (peak RSS of the measured process) is from time.
measure() {
	local tool=$1 dir=$2 t0 t1 rss tf=$work/time.out
	"${tool}_cmd" "$dir"
	t0=${EPOCHREALTIME/./}
	if ! "$TIME_BIN" -f '%e %M' -o "$tf" "${cmd[@]}" >/dev/null 2>&1; then
		die "$tool failed on $dir: $(tr '\n' ' ' <"$tf")"
	fi
	t1=${EPOCHREALTIME/./}
	rss=$(tail -n 1 "$tf")
	rss=${rss##* }
	[[ $rss =~ ^[0-9]+$ ]] || die "cannot parse $TIME_BIN output: $(cat "$tf")"
	wall+=($((t1 - t0)))
	mem+=("$rss")
}

# median of the arguments (mean of the middle two for an even count)
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# verify_systemd DIR N: run once (also the warm-up run) and check that every
# bench unit was loaded and got a start job.
verify_systemd() {
	local dir=$1 n=$2 out=$work/sd.out err=$work/sd.err
	sd_cmd "$dir"
	"${cmd[@]}" >"$out" 2>"$err" || die "systemd --test failed on $dir: $(cat "$err")"
	local units loaded jobs
	read -r units loaded jobs < <(awk '
		/^\t-> Unit bench-[0-9]+\.service:$/ { u++; cur = 1; next }
		/^\t-> Unit /                        { cur = 0; next }
		cur && /^\t\tUnit Load State: loaded$/ { l++ }
		/^\t\tAction: bench-[0-9]+\.service -> start$/ { j++ }
		END { print u + 0, l + 0, j + 0 }' "$out")
	local t
	for t in multi-user basic sysinit; do
		grep -q "Action: $t.target -> start" "$out" ||
			die "systemd: no start job for $t.target in $dir"
	done
	((units == n && loaded == n && jobs == n)) ||
		die "systemd: $units units listed, $loaded loaded, $jobs start jobs; expected $n"
	local self
	self=$(sed -n 's/^Loaded units and determined initial transaction in \(.*\)\.$/\1/p' "$err")
	r_self[$n]=${self:-n/a}
	note "  systemd: all $n bench units loaded, $jobs start jobs; self-reported load+transaction: ${self:-n/a}"
}

# verify_ember DIR N: the same for ember; its output format is its own, so
# count the distinct bench units it names.
verify_ember() {
	local dir=$1 n=$2 out=$work/ember.out err=$work/ember.err
	ember_cmd "$dir"
	"${cmd[@]}" >"$out" 2>"$err" || die "ember --test failed on $dir: $(head -c 2000 "$err")"
	local named
	named=$(cat "$out" "$err" | grep -oE 'bench-[0-9]{5}\.service' | sort -u | wc -l)
	((named == n)) || die "ember: output names $named of the $n bench units"
	if [[ -s $err ]]; then
		note "  ember stderr (first lines):"
		head -n 5 "$err" | sed 's/^/    /' >&2
	fi
	grep -q 'multi-user\.target' "$out" "$err" || note "  ember: output does not mention multi-user.target"
	note "  ember: output names all $n bench units"
}

# --- run -------------------------------------------------------------------

sd_version=""
ember_version=""
if ((do_systemd)); then
	sd_version=$("$SYSTEMD_BIN" --version)
	sd_version=${sd_version%%$'\n'*}
fi
if ((do_ember)); then
	ember_version=$("$ember_bin" --version 2>&1 || true)
	ember_version=${ember_version%%$'\n'*}
	[[ -n $ember_version ]] || ember_version="(no --version output)"
fi

declare -A r_ew r_sw r_em r_sm r_self
for n in "${size_list[@]}"; do
	if [[ -n $keep_dir ]]; then
		dir=$keep_dir/units-$n
		if [[ -e $dir ]]; then
			[[ -e $dir/.ember-bench ]] || die "$dir exists and was not made by $PROG"
			rm -rf -- "$dir"
		fi
	else
		dir=$work/units-$n
	fi
	note "size $n: generating units in $dir"
	gen_units "$dir" "$n"

	if ((do_systemd)); then verify_systemd "$dir" "$n"; fi
	if ((do_ember)); then verify_ember "$dir" "$n"; fi

	note "size $n: $runs timed runs per tool"
	ew=() em=() sw=() sm=()
	for ((r = 1; r <= runs; r++)); do
		if ((do_ember)); then
			wall=() mem=()
			measure ember "$dir"
			ew+=("${wall[0]}") em+=("${mem[0]}")
		fi
		if ((do_systemd)); then
			wall=() mem=()
			measure sd "$dir"
			sw+=("${wall[0]}") sm+=("${mem[0]}")
		fi
	done
	if ((do_ember)); then
		r_ew[$n]=$(median "${ew[@]}")
		r_em[$n]=$(median "${em[@]}")
	fi
	if ((do_systemd)); then
		r_sw[$n]=$(median "${sw[@]}")
		r_sm[$n]=$(median "${sm[@]}")
	fi
	if [[ -n $keep_dir ]]; then
		if ((do_ember)); then
			ember_cmd "$dir"
			note "  kept; ember:   ${cmd[*]}"
		fi
		if ((do_systemd)); then
			sd_cmd "$dir"
			note "  kept; systemd: ${cmd[*]}"
		fi
	elif [[ $dir == "$work"/* ]]; then
		rm -rf -- "$dir"
	fi
done

# --- report ----------------------------------------------------------------

echo
echo "ember:   ${ember_version:-(skipped)}"
echo "systemd: ${sd_version:-(skipped)}"
echo "host:    $(uname -srm), $(nproc) CPUs, runs per point: $runs (median)"
echo

# fmt_ms USEC / fmt_mib KIB / ratio A B (B/A, "-" when either is missing)
fmt_ms() {
	if [[ -n $1 ]]; then awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; else echo -; fi
}
fmt_mib() {
	if [[ -n $1 ]]; then awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; else echo -; fi
}
ratio() {
	if [[ -n $1 && -n $2 ]]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }'
	else
		echo -
	fi
}

fmt='%8s | %12s %12s %8s | %12s %12s %8s\n'
# shellcheck disable=SC2059  # the format is the fixed string above
printf "$fmt" units "ember ms" "systemd ms" "sd/ember" "ember MiB" "systemd MiB" "sd/ember"
# shellcheck disable=SC2059
printf "$fmt" -------- ------------ ------------ -------- ------------ ------------ --------
for n in "${size_list[@]}"; do
	a=${r_ew[$n]:-} b=${r_sw[$n]:-} c=${r_em[$n]:-} d=${r_sm[$n]:-}
	# shellcheck disable=SC2059
	printf "$fmt" "$n" "$(fmt_ms "$a")" "$(fmt_ms "$b")" "$(ratio "$a" "$b")" \
		"$(fmt_mib "$c")" "$(fmt_mib "$d")" "$(ratio "$c" "$d")"
done
echo
echo "time: wall clock of the whole process (load + transaction + printing it), ms"
echo "RSS:  peak resident set size from $TIME_BIN %M, MiB; ratio > 1 means ember is better"
if ((do_systemd)); then
	line="systemd's own 'Loaded units and determined initial transaction in' (one run):"
	for n in "${size_list[@]}"; do line+=" $n: ${r_self[$n]:-n/a};"; done
	echo "${line%;}"
	echo "      (the rest of systemd's wall time is mostly its --test dump of every unit)"
fi
