#!/usr/bin/env bash
# socket-activation.sh: how fast do ember, openbsd-inetd, xinetd and
# systemd-socket-activate start one program per connection (Accept=yes, inetd "nowait")
# on loopback TCP, and how long does an idle Accept=no service take to answer its first
# client? See bench/README.md.
#
# Every peer runs in the foreground from a config file in a temp dir, on its own port,
# and spawns the same program per connection: /bin/cat on the connection. The client
# (build/tests/sock-load) sends "ping\n", shuts its write side, reads the echo to EOF.
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
BUILD=${BUILD:-$SCRIPT_DIR/../build}
EMBER=${EMBER:-$BUILD/ember}
EMBERCTL=${EMBERCTL:-$BUILD/src/ctl/emberctl}
SOCK_LOAD=${SOCK_LOAD:-$BUILD/tests/sock-load}
LISTEN_ECHO=${LISTEN_ECHO:-$BUILD/tests/listen-echo}
# The Debian packages are unpacked here, not installed: openbsd-inetd and xinetd conflict
# (both provide inet-superserver), and unpacking runs no maintainer script, so no
# system-wide inetd is ever started.
CACHE=${CACHE:-/var/cache/ember-bench}
readonly SERVED=/bin/cat

conns=2000
concurrency="1 8"
runs=3
first_runs=20
keep=""
fresh=""

usage() {
	cat <<EOF
Usage: $PROG [-n CONNS] [-c LIST] [-r RUNS] [-f RUNS] [-F] [-k]

  -n CONNS  connections per measured run (default $conns)
  -c LIST   client concurrencies, comma or space separated (default "$concurrency")
  -r RUNS   runs per peer and concurrency, interleaved; medians are shown (default $runs)
  -f RUNS   first-connection measurements of the idle Accept=no service (default $first_runs)
  -F        restart ember before each of its runs (no units left from earlier runs)
  -k        keep the temp dir (configs, logs) and print its path
Environment: EMBER EMBERCTL SOCK_LOAD LISTEN_ECHO (default: the build/ next to bench/).
As root, missing peers are fetched from Debian's archive (see bench/README.md).
EOF
}

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

while getopts ':n:c:r:f:Fkh' opt; do
	case $opt in
	n) conns=$OPTARG ;;
	c) concurrency=${OPTARG//,/ } ;;
	r) runs=$OPTARG ;;
	f) first_runs=$OPTARG ;;
	F) fresh=1 ;;
	k) keep=1 ;;
	h) usage; exit 0 ;;
	*) die "bad option (see -h)" ;;
	esac
done
for b in "$EMBER" "$EMBERCTL" "$SOCK_LOAD" "$LISTEN_ECHO"; do
	[[ -x $b ]] || die "$b is missing: run scripts/build.sh build"
done

# ---- getting the peers -------------------------------------------------------------

apt_updated=0
apt_update_once() { ((apt_updated)) || apt-get update -qq; apt_updated=1; }

# apt_install PKG...: installs, with a policy-rc.d that forbids starting any daemon.
apt_install() {
	local own_policy=0 rc=0 log
	log=$(mktemp)
	apt_update_once
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		own_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
		>"$log" 2>&1 || { rc=$?; cat "$log" >&2; }
	((own_policy)) && rm -f /usr/sbin/policy-rc.d
	rm -f "$log"
	return "$rc"
}

# unpack PKG: the package's files under $CACHE/PKG, and the libraries it needs installed.
unpack() {
	local pkg=$1 dir=$CACHE/$1 tmp deb dep missing=()
	[[ -f $dir/.complete ]] && return 0
	((EUID == 0)) || return 1
	tmp=$(mktemp -d)
	apt_update_once
	(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; return 1; }
	deb=$(echo "$tmp"/*.deb)
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
	dpkg-deb -f "$deb" Version >"$dir/.version"
	# Depends: "libfoo (>= 1), bar | baz": only the libraries matter for running it.
	for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g'); do
		[[ $dep == lib* ]] || continue
		dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$dep")
	done
	rm -rf "$tmp"
	((${#missing[@]} == 0)) || apt_install "${missing[@]}" || return 1
	touch "$dir/.complete"
}

peers=(ember)
declare -A version
version[ember]=$("$EMBER" --version | head -n 1)
if unpack openbsd-inetd; then
	peers+=(openbsd-inetd)
	version[openbsd-inetd]="openbsd-inetd $(cat "$CACHE/openbsd-inetd/.version")"
else
	note "openbsd-inetd unavailable (needs root to fetch): skipped"
fi
if unpack xinetd; then
	peers+=(xinetd)
	version[xinetd]="xinetd $(cat "$CACHE/xinetd/.version")"
else
	note "xinetd unavailable (needs root to fetch): skipped"
fi
if ! command -v systemd-socket-activate >/dev/null && ((EUID == 0)); then
	apt_install systemd || true
fi
if command -v systemd-socket-activate >/dev/null; then
	peers+=(socket-activate)
	version[socket-activate]="systemd-socket-activate $(systemd-socket-activate --version | head -n 1)"
else
	note "systemd-socket-activate unavailable: skipped"
fi

# ---- running them ------------------------------------------------------------------

W=$(mktemp -d "${TMPDIR:-/tmp}/ember-bench-sock.XXXXXX")
# Below the ephemeral range (32768-), where the clients' TIME_WAIT ports would block bind().
base=$((10000 + $$ % 20000))
declare -A port pid
port[ember]=$base port[openbsd-inetd]=$((base + 1)) port[xinetd]=$((base + 2))
port[socket-activate]=$((base + 3))
ECHO_PORT=$((base + 4)) SSA_ECHO_PORT=$((base + 5))
had_inetd_pid=0
[[ -e /run/inetd.pid ]] && had_inetd_pid=1
ctl() { "$EMBERCTL" --runtime-dir="$W/rt" "$@"; }

cleanup() {
	local p
	set +e
	for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pid[@]}"; do wait "$p" 2>/dev/null; done
	# openbsd-inetd writes /run/inetd.pid even in the foreground: ours goes.
	((had_inetd_pid)) || rm -f /run/inetd.pid
	if [[ -n $keep ]]; then note "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# listening PORT: a TCP socket listens on 127.0.0.1:PORT (no connection made).
listening() {
	local hex
	printf -v hex '%04X' "$1"
	grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp
}
wait_for() {
	local tries=100
	while ((tries-- > 0)); do "$@" && return 0; sleep 0.05; done
	return 1
}

start_ember() {
	mkdir -p "$W/units" "$W/rt"
	printf '[Unit]\nDescription=bench\n' >"$W/units/default.target"
	# The trigger limit (200 per 2 s by default) would stop the socket mid-run; the other
	# peers' rate limits are lifted the same way below.
	cat >"$W/units/cat.socket" <<-EOF
		[Socket]
		ListenStream=127.0.0.1:${port[ember]}
		Accept=yes
		TriggerLimitIntervalSec=0
	EOF
	cat >"$W/units/cat@.service" <<-EOF
		[Service]
		ExecStart=$SERVED
		StandardInput=socket
	EOF
	cat >"$W/units/echo.socket" <<-EOF
		[Socket]
		ListenStream=127.0.0.1:$ECHO_PORT
	EOF
	# Started once per measurement: the default start limit (5 in 10 s) would stop it.
	cat >"$W/units/echo.service" <<-EOF
		[Unit]
		StartLimitIntervalSec=0
		[Service]
		ExecStart=$LISTEN_ECHO
	EOF
	launch_ember
}

launch_ember() {
	"$EMBER" --user --unit-path="$W/units" --runtime-dir="$W/rt" >>"$W/ember.log" 2>&1 </dev/null &
	pid[ember]=$!
	wait_for ctl show -p Version >/dev/null 2>&1 || die "ember does not answer: $(tail -n 3 "$W/ember.log")"
	ctl start cat.socket echo.socket || die "cannot start ember's sockets"
	wait_for listening "${port[ember]}" || die "ember does not listen on ${port[ember]}"
}

# -F: a new ember before each of its runs, so no run sees the units earlier runs left.
fresh_ember() {
	kill -TERM "${pid[ember]}"
	wait "${pid[ember]}" || die "ember did not exit cleanly: $(tail -n 3 "$W/ember.log")"
	launch_ember
}

# What the runs left in ember: loaded units and resident memory.
ember_state() {
	printf '%s units loaded, RSS %s MiB' "$(ctl list-units --all --no-legend | wc -l)" \
		"$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/${pid[ember]}/status")"
}

start_inetd() {
	local me
	me=$(id -un)
	echo "127.0.0.1:${port[openbsd-inetd]} stream tcp4 nowait.1000000000 $me $SERVED cat" >"$W/inetd.conf"
	"$CACHE/openbsd-inetd/usr/sbin/inetd" -i -R 1000000000 "$W/inetd.conf" >"$W/inetd.log" 2>&1 &
	pid[openbsd-inetd]=$!
}

start_xinetd() {
	cat >"$W/xinetd.conf" <<-EOF
		service bench-cat
		{
			type        = UNLISTED
			port        = ${port[xinetd]}
			bind        = 127.0.0.1
			socket_type = stream
			protocol    = tcp
			wait        = no
			user        = $(id -un)
			server      = $SERVED
			instances   = UNLIMITED
			per_source  = UNLIMITED
			cps         = 1000000 1
			flags       = IPv4 NOLIBWRAP
		}
	EOF
	"$CACHE/xinetd/usr/sbin/xinetd" -dontfork -f "$W/xinetd.conf" -filelog "$W/xinetd.log" \
		>"$W/xinetd.out" 2>&1 &
	pid[xinetd]=$!
}

# --inetd alone would exec cat once with the listening socket as stdin (cat fails with
# ENOTCONN): --accept makes it fork one cat per connection, like inetd.
start_socket_activate() {
	systemd-socket-activate -l "127.0.0.1:${port[socket-activate]}" --accept --inetd "$SERVED" \
		>"$W/socket-activate.log" 2>&1 &
	pid[socket-activate]=$!
}

# ---- measuring ---------------------------------------------------------------------

# field LINE NAME: the value of NAME=... in a sock-load result line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
# median: of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }

# load PEER CLIENTS N: one sock-load run; a failed connection stops the benchmark.
load() {
	local out
	out=$("$SOCK_LOAD" bench -c "$2" -n "$3" "127.0.0.1:${port[$1]}" 2>"$W/sock-load.err") ||
		die "$1 with $2 clients: $out $(head -n 3 "$W/sock-load.err")"
	echo "$out"
}

declare -A cps p50 p99
start_ember
ember_before=$(ember_state)
for p in "${peers[@]}"; do
	case $p in
	openbsd-inetd) start_inetd ;;
	xinetd) start_xinetd ;;
	socket-activate) start_socket_activate ;;
	esac
	wait_for listening "${port[$p]}" || die "$p does not listen on ${port[$p]}"
	load "$p" 2 100 >/dev/null # warm-up, and the honesty check: cat's echo comes back
done

note "peers: ${peers[*]}; $conns connections per run, $runs runs, clients: $concurrency"
for c in $concurrency; do
	for ((r = 0; r < runs; r++)); do
		for p in "${peers[@]}"; do
			[[ $p == ember && -n $fresh ]] && fresh_ember
			line=$(load "$p" "$c" "$conns")
			cps[$p,$c]+=" $(field "$line" conn_per_s)"
			p50[$p,$c]+=" $(field "$line" p50_us)"
			p99[$p,$c]+=" $(field "$line" p99_us)"
		done
	done
done

ember_after=$(ember_state)

# Accept=no, idle: connect -> first reply byte while the daemon is not running. ember's
# service is stopped between runs (its socket keeps listening); systemd-socket-activate
# without --accept execs the daemon on the first connection, so it is started anew.
declare -A first
for ((r = 0; r < first_runs; r++)); do
	ctl stop echo.service >/dev/null 2>&1 || die "emberctl stop echo.service failed"
	wait_for sh -c "[ \"\$('$EMBERCTL' --runtime-dir='$W/rt' show -P SubState echo.socket)\" = listening ]" ||
		die "echo.socket does not listen again after the service stopped"
	line=$("$SOCK_LOAD" bench -c 1 -n 1 -m first "127.0.0.1:$ECHO_PORT") || die "ember Accept=no: $line"
	first[ember]+=" $(field "$line" fb_p50_us)"
	if [[ " ${peers[*]} " == *" socket-activate "* ]]; then
		systemd-socket-activate -l "127.0.0.1:$SSA_ECHO_PORT" "$LISTEN_ECHO" >>"$W/ssa-echo.log" 2>&1 &
		pid[ssa-echo]=$!
		wait_for listening "$SSA_ECHO_PORT" || die "systemd-socket-activate does not listen"
		line=$("$SOCK_LOAD" bench -c 1 -n 1 -m first "127.0.0.1:$SSA_ECHO_PORT") ||
			die "socket-activate Accept=no: $line"
		first[socket-activate]+=" $(field "$line" fb_p50_us)"
		kill "${pid[ssa-echo]}"
		wait "${pid[ssa-echo]}" 2>/dev/null || true
		unset 'pid[ssa-echo]'
	fi
done

# ---- the table ---------------------------------------------------------------------

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), a / b }'; }
echo
echo "Accept=yes: one $SERVED per connection, loopback TCP, $conns connections per run,"
echo "median of $runs runs. conn/s ratio = ember/peer, p99 ratio = peer/ember (>1: ember ahead)."
printf '%-16s %7s %9s %8s %8s %12s %10s\n' peer clients conn/s "p50 ms" "p99 ms" "conn/s ratio" "p99 ratio"
for c in $concurrency; do
	e_cps=$(med "${cps[ember,$c]}") e_p99=$(med "${p99[ember,$c]}")
	for p in "${peers[@]}"; do
		m_cps=$(med "${cps[$p,$c]}") m_p99=$(med "${p99[$p,$c]}")
		printf '%-16s %7s %9.0f %8s %8s %12s %10s\n' "$p" "$c" "$m_cps" \
			"$(ms "$(med "${p50[$p,$c]}")")" "$(ms "$m_p99")" \
			"$(ratio "$e_cps" "$m_cps")" "$(ratio "$m_p99" "$e_p99")"
	done
done
echo
echo "Accept=no, idle daemon (listen-echo): first connect -> first reply byte, $first_runs runs"
printf '%-16s %8s %8s %8s\n' peer "min ms" "p50 ms" "max ms"
for p in ember socket-activate; do
	[[ -n ${first[$p]:-} ]] || continue
	sorted=$(tr ' ' '\n' <<<"${first[$p]}" | grep . | sort -g)
	printf '%-16s %8s %8s %8s\n' "$p" "$(ms "$(head -n 1 <<<"$sorted")")" \
		"$(ms "$(median <<<"$sorted")")" "$(ms "$(tail -n 1 <<<"$sorted")")"
done
echo
echo "ember at start: $ember_before; after the Accept=yes runs: $ember_after${fresh:+ (-F: restarted before each run)}"
for p in "${peers[@]}"; do echo "$p: ${version[$p]}"; done
echo "host: $(nproc) CPUs, $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
# No inetd of the system's may be left: only ours ever ran, and they are stopped above.
for x in inetd xinetd; do
	for o in $(pgrep -x "$x" || true); do
		[[ " ${pid[*]} " == *" $o "* ]] || note "warning: a $x not started by this benchmark runs: pid $o"
	done
done
