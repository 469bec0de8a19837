#!/bin/bash
# RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
# ConfigurationDirectory=, their *Mode= and RuntimeDirectoryPreserve=.
#
# Part 1, a debug instance (ember --user; run as nobody when the test runs as root):
# the user roots ($XDG_RUNTIME_DIR, ~/.local/state, $XDG_CACHE_HOME, ~/.local/state/log,
# ~/.config). Every service writes what it sees (environment, argv, stat of its
# directories) to a file the test reads:
#  - each kind is created with its mode, nested "a/b" too (its parent gets 0755), and the
#    *_DIRECTORY variables hold the paths (colon-separated), also in $VAR-expanded argv;
#  - an existing directory gets its mode fixed, its content stays;
#  - RuntimeDirectory= is removed on stop (the others stay), and on `emberctl restart`
#    the new directory is untouched by the removal of the old one; Preserve=yes keeps
#    it; Preserve=restart keeps it across Restart= restarts and `emberctl restart` (each
#    run sees the files of the earlier ones) and removes it at the final stop;
#    Preserve=no empties it at each of those restarts;
#  - bad values (../x, /abs, a:b, RuntimeDirectoryPreserve=maybe, a bad mode) are
#    warnings naming file:line, the good words of the line still count;
#  - a directory that cannot be made (its parent is a regular file) fails the start with
#    "step directories: PATH (at PARENT): Not a directory" in status; the rest runs on.
# Part 2 (root only), ember as PID 1 of a PID + mount namespace on a tmpfs root (as in
# test-pid1.sh): the system roots (/run, /var/lib, /var/cache, /var/log, /etc; /var is
# created on the way), User=nobody owns what it asked for (ConfigurationDirectory= stays
# root's), a directory handed over from root is chowned with its content but a symlink
# in it is not followed, and the removal of a RuntimeDirectory= neither follows a symlink
# nor enters a mount (a tmpfs, or a bind mount of the same file system) below it; a
# StateDirectory= below a regular file fails the start in step directories.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
chmod 755 "$WORK"
chmod 1777 "$M"

# Runs as: a prefix for commands that must run as the debug instance's user.
AS=()
if ((EUID == 0)) && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$EMBER" --version >/dev/null 2>&1; then
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	echo "(part 1 runs the debug instance as nobody)"
fi

H=$WORK/home
XRT=$WORK/xdg-runtime
XCACHE=$WORK/xdg-cache
mkdir -p "$H" "$XRT" "$XCACHE"
chmod 700 "$XRT"
# An existing state directory with a loose mode and something in it.
mkdir -p "$H/.local/state/fixme"
chmod 777 "$H/.local/state/fixme"
echo kept >"$H/.local/state/fixme/content"
# What a directory cannot be made below.
echo "not a directory" >"$XRT/blocker"
[[ ${#AS[@]} -eq 0 ]] || chown -R 65534:65534 "$H" "$XRT" "$XCACHE" "$RT"

# report FILE: a shell snippet that writes the variables and "stat" of every directory.
cat >"$WORK/report" <<'EOS'
#!/bin/sh
out=$1
shift
{
	for v in RUNTIME_DIRECTORY STATE_DIRECTORY CACHE_DIRECTORY LOGS_DIRECTORY CONFIGURATION_DIRECTORY; do
		eval "echo $v=\${$v-unset}"
	done
	for v in RUNTIME_DIRECTORY STATE_DIRECTORY CACHE_DIRECTORY LOGS_DIRECTORY CONFIGURATION_DIRECTORY; do
		eval "list=\${$v-}"
		IFS=:
		for d in $list; do
			unset IFS
			echo "stat $d $(stat -c '%a %u %g' "$d")"
			touch "$d/written" && echo "written $d"
		done
		unset IFS
	done
	echo "argv $*"
} >"$out.tmp" 2>&1
mv "$out.tmp" "$out"
EOS
chmod 755 "$WORK/report"

unit all.service <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=app app2/nested
RuntimeDirectoryMode=0700
StateDirectory=app
StateDirectoryMode=0750
StateDirectory=fixme
CacheDirectory=app
CacheDirectoryMode=0705
LogsDirectory=app
LogsDirectoryMode=0710
ConfigurationDirectory=app
ExecStart=$WORK/report $M/all \$STATE_DIRECTORY \${CACHE_DIRECTORY}
EOF
unit keep.service <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=keep
RuntimeDirectoryPreserve=yes
ExecStart=/bin/touch \${RUNTIME_DIRECTORY}/file
EOF
# Each run appends to a file in its runtime directory and records how many lines it saw;
# the first two runs fail, so Restart=on-failure restarts it; the third stays up.
cat >"$WORK/runs" <<'EOS'
#!/bin/sh
name=$1
seen=$(cat "$RUNTIME_DIRECTORY/runs" 2>/dev/null | wc -l)
echo run >>"$RUNTIME_DIRECTORY/runs"
echo "$seen" >>"$2/$name.seen"
[ "$(wc -l <"$2/$name.seen")" -ge 3 ] || exit 1
exec sleep 1000
EOS
chmod 755 "$WORK/runs"
for p in restart no; do
	unit "pr-$p.service" <<-EOF
		[Service]
		RuntimeDirectory=pr-$p
		RuntimeDirectoryPreserve=$p
		Restart=on-failure
		RestartSec=100ms
		ExecStart=$WORK/runs pr-$p $M
	EOF
done
unit bad.service <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=../x good a/../b
StateDirectory=/abs
CacheDirectory=src:dst
RuntimeDirectoryPreserve=maybe
LogsDirectoryMode=0999
ExecStart=$WORK/report $M/bad
EOF
unit blocked.service <<EOF
[Service]
Type=oneshot
RuntimeDirectory=blocker/x
ExecStart=/bin/touch $M/blocked-ran
EOF

"${AS[@]}" env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$H" XDG_RUNTIME_DIR="$XRT" \
	XDG_CACHE_HOME="$XCACHE" "$EMBER" --user --unit-path="$UNITS" --runtime-dir="$RT" \
	>>"$LOG" 2>&1 </dev/null &
# shellcheck disable=SC2034 # lib.sh's stop_ember and cleanup use it
EMBER_PID=$!
check "the debug instance answers" wait_until ember_answers

ctl start all.service
check "all.service ran" test -s "$M/all"
field() { sed -n "s|^$2||p" "$1" | head -n 1; }
me=$(stat -c %u "$RT")
myg=$(stat -c %g "$RT")
check_eq "RUNTIME_DIRECTORY (colon-separated, nested)" "$XRT/app:$XRT/app2/nested" \
	"$(field "$M/all" RUNTIME_DIRECTORY=)"
check_eq "STATE_DIRECTORY below ~/.local/state" "$H/.local/state/app:$H/.local/state/fixme" \
	"$(field "$M/all" STATE_DIRECTORY=)"
check_eq "CACHE_DIRECTORY below \$XDG_CACHE_HOME" "$XCACHE/app" "$(field "$M/all" CACHE_DIRECTORY=)"
check_eq "LOGS_DIRECTORY below ~/.local/state/log" "$H/.local/state/log/app" \
	"$(field "$M/all" LOGS_DIRECTORY=)"
check_eq "CONFIGURATION_DIRECTORY below ~/.config" "$H/.config/app" \
	"$(field "$M/all" CONFIGURATION_DIRECTORY=)"
check_eq "\$STATE_DIRECTORY and \${CACHE_DIRECTORY} expanded in ExecStart=" \
	"$H/.local/state/app:$H/.local/state/fixme $XCACHE/app" "$(field "$M/all" "argv ")"
check_eq "runtime app: mode 700" "700 $me $myg" "$(field "$M/all" "stat $XRT/app ")"
check_eq "runtime app2/nested: mode 700" "700 $me $myg" "$(field "$M/all" "stat $XRT/app2/nested ")"
check_eq "  its parent app2: 755" 755 "$(stat -c %a "$XRT/app2")"
check_eq "state app: mode 750" "750 $me $myg" "$(field "$M/all" "stat $H/.local/state/app ")"
check_eq "existing state dir fixme: mode fixed from 777 to 750" "750 $me $myg" \
	"$(field "$M/all" "stat $H/.local/state/fixme ")"
check_eq "  its content is kept" kept "$(cat "$H/.local/state/fixme/content")"
check_eq "cache app: mode 705" "705 $me $myg" "$(field "$M/all" "stat $XCACHE/app ")"
check_eq "logs app: mode 710" "710 $me $myg" "$(field "$M/all" "stat $H/.local/state/log/app ")"
check_eq "configuration app: mode 755" "755 $me $myg" "$(field "$M/all" "stat $H/.config/app ")"
check_eq "the service wrote into all 7 directories" 7 "$(grep -c '^written ' "$M/all")"

ctl stop all.service
check "stop: RuntimeDirectory app removed" wait_until test ! -e "$XRT/app"
check "stop: RuntimeDirectory app2/nested removed" wait_until test ! -e "$XRT/app2/nested"
check "  (its parent app2 stays)" test -d "$XRT/app2"
check "stop: StateDirectory stays" test -e "$H/.local/state/app/written"
check "stop: CacheDirectory, LogsDirectory, ConfigurationDirectory stay" \
	test -e "$XCACHE/app/written" -a -e "$H/.local/state/log/app/written" -a -e "$H/.config/app/written"
no_leftovers() { [[ -z $(find "$1" -maxdepth 1 -name '.#*.removing-*') ]]; }
check "no removal leftovers in \$XDG_RUNTIME_DIR" wait_until no_leftovers "$XRT"
# Stop and start at once: the removal of the old directory must not hit the new one.
ctl restart all.service
check "restart: the old runtime directory is removed" wait_until no_leftovers "$XRT"
check "  the new one is untouched by that" test -e "$XRT/app/written"

ctl start keep.service
# The manager moves a directory it removes out of the way before the stop job ends.
ctl stop keep.service
check "RuntimeDirectoryPreserve=yes: kept after stop" test -e "$XRT/keep/file"

ctl start pr-restart.service pr-no.service
check "pr-restart.service came up on its third run" wait_until nlines_is "$M/pr-restart.seen" 3
check_eq "Preserve=restart: runs saw 0, 1, 2 earlier runs" "0 1 2" \
	"$(tr '\n' ' ' <"$M/pr-restart.seen" | sed 's/ $//')"
check "pr-no.service came up on its third run" wait_until nlines_is "$M/pr-no.seen" 3
check_eq "Preserve=no: every run started with an empty directory" "0 0 0" \
	"$(tr '\n' ' ' <"$M/pr-no.seen" | sed 's/ $//')"
# fourth_run FILE SEEN: the fourth run recorded that it saw SEEN earlier runs.
fourth_run() { nlines_is "$1" 4 && [[ $(tail -n 1 "$1") == "$2" ]]; }
ctl restart pr-restart.service pr-no.service
check "emberctl restart with Preserve=restart: the new run saw the 3 earlier ones" \
	wait_until fourth_run "$M/pr-restart.seen" 3
check "emberctl restart with Preserve=no: the new run saw none" \
	wait_until fourth_run "$M/pr-no.seen" 0
ctl stop pr-restart.service pr-no.service
check "Preserve=restart: removed at the final stop" wait_until test ! -e "$XRT/pr-restart"
check "Preserve=no: removed at stop" wait_until test ! -e "$XRT/pr-no"

ctl start bad.service
B=$UNITS/bad.service
check "bad.service:4 warns about ../x" grep -q "^$B:4: .*\.\./x" "$LOG"
check "bad.service:4 warns about a/../b" grep -q "^$B:4: .*a/\.\./b" "$LOG"
check "bad.service:5 warns about /abs" grep -q "^$B:5: .*/abs" "$LOG"
check "bad.service:6 warns about src:dst" grep -q "^$B:6: .*src:dst" "$LOG"
check "bad.service:7 warns about RuntimeDirectoryPreserve=maybe" grep -q "^$B:7: .*maybe" "$LOG"
check "bad.service:8 warns about the mode 0999" grep -q "^$B:8: .*0999" "$LOG"
check_eq "bad.service still runs, with the good word only" "RUNTIME_DIRECTORY=$XRT/good" \
	"$(grep ^RUNTIME_DIRECTORY= "$M/bad")"
check_eq "  and no StateDirectory=/abs, no CacheDirectory=src:dst" "unset unset" \
	"$(field "$M/bad" STATE_DIRECTORY=) $(field "$M/bad" CACHE_DIRECTORY=)"
check "  nothing was made above \$XDG_RUNTIME_DIR" test ! -e "$WORK/x"

check_not "blocked.service: start fails" ctl start blocked.service
check "  its program did not run" test ! -e "$M/blocked-ran"
out=$(ctl status blocked.service 2>&1 || true)
check "  status names the step and the path" \
	grep -qF "step directories: $XRT/blocker/x (at $XRT/blocker): Not a directory" <<<"$out"
check "  the log too" log_has "step directories: $XRT/blocker/x"
check_eq "  the other units run on" active "$(active_state all.service)"

stop_ember

# Part 2: the system manager.
if ((EUID != 0)); then
	echo "(part 2 needs root: skipped)"
	it_finish
fi
unshare --help 2>&1 | grep -q -- --root || { echo "(unshare has no --root: part 2 skipped)"; it_finish; }
unshare --pid --mount --fork --mount-proc true 2>/dev/null ||
	{ echo "(no PID+mount namespaces here: part 2 skipped)"; it_finish; }

SYS=$WORK/sys-units
RT=$WORK/rt-pid1
mkdir -p "$SYS/multi-user.target.wants"
write_std_targets "$SYS"
ROOT=$WORK/root
mkdir -p "$ROOT"
LOG=$WORK/pid1.log
UNSHARE_PID=
E=
pid1_cleanup() {
	local rc=$?
	set +e
	[[ -n $E ]] && proc_alive "$E" && kill -KILL "$E" 2>/dev/null
	if [[ -n $UNSHARE_PID ]]; then
		wait_until -n 100 proc_gone "$UNSHARE_PID" || kill -KILL "$UNSHARE_PID" 2>/dev/null
		wait "$UNSHARE_PID" 2>/dev/null
	fi
	(exit "$rc")
	it_cleanup
}
trap pid1_cleanup EXIT
NU=$(id -u nobody)
NG=$(id -g nobody)

unit sys.service "$SYS" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
RuntimeDirectory=sysapp
RuntimeDirectoryMode=0750
StateDirectory=sysapp/deep
CacheDirectory=sysapp
LogsDirectory=sysapp
LogsDirectoryMode=02750
ConfigurationDirectory=sysapp
ConfigurationDirectoryMode=0751
ExecStart=$WORK/report $M/sys
EOF
unit handover.service "$SYS" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
StateDirectory=handover
ExecStart=/bin/sh -c 'touch \$STATE_DIRECTORY/inner/file && echo ok >$M/handover'
EOF
# Root's service fills its runtime directory: many files, a symlink to a directory
# outside, a tmpfs and a bind mount of the same file system below it.
cat >"$WORK/fill" <<'EOS'
#!/bin/sh
set -e
d=$RUNTIME_DIRECTORY
mkdir -p "$d/tree/a/b/c"
for i in $(seq 1 300); do echo "$i" >"$d/tree/a/b/c/f$i"; done
ln -s /run/victim "$d/link"
mkdir "$d/mnt" "$d/bind"
mount -t tmpfs tmpfs "$d/mnt"
echo in-mount >"$d/mnt/file"
mount --bind /run/victim "$d/bind"
echo ok >"$1"
EOS
chmod 755 "$WORK/fill"
unit fill.service "$SYS" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=fill
ExecStart=$WORK/fill $M/fill
EOF
unit sysblocked.service "$SYS" <<EOF
[Service]
Type=oneshot
StateDirectory=blocker/x
ExecStart=/bin/touch $M/sysblocked-ran
EOF
ln -s ../sys.service "$SYS/multi-user.target.wants/sys.service"

{
	echo "#!/bin/bash"
	echo "set -euo pipefail"
	pid1_root_lines "$ROOT"
	cat <<EOS
# Root's directory with root's content, handed over to nobody by StateDirectory=, and a
# symlink in it to a root-owned file that must stay root's.
mkdir -p "$ROOT/var/lib/handover/inner" "$ROOT/secret"
echo root >"$ROOT/var/lib/handover/inner/old"
echo secret >"$ROOT/secret/file"
ln -s /secret/file "$ROOT/var/lib/handover/inner/link"
echo "not a directory" >"$ROOT/var/lib/blocker"
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$SYS" --runtime-dir="$RT" --log-target=console --show-status || rc=\$?
exit \$rc
EOS
} >"$WORK/enter"
chmod +x "$WORK/enter"
unshare --mount --propagation private "$WORK/enter" >"$LOG" 2>&1 </dev/null &
UNSHARE_PID=$!
first_child() {
	local p
	E=
	for p in $(pgrep -P "$UNSHARE_PID" -x unshare); do E=$(pgrep -P "$p" -x ember | head -n 1); done
	[[ -n $E ]]
}
check "the namespace's PID 1 was forked" wait_until first_child
check "its socket answers" wait_until ember_answers
check "sys.service ran at boot" wait_until test -s "$M/sys"
R=/proc/$E/root
check_eq "RUNTIME_DIRECTORY=/run/sysapp" /run/sysapp "$(field "$M/sys" RUNTIME_DIRECTORY=)"
check_eq "STATE_DIRECTORY=/var/lib/sysapp/deep" /var/lib/sysapp/deep "$(field "$M/sys" STATE_DIRECTORY=)"
check_eq "CACHE_DIRECTORY=/var/cache/sysapp" /var/cache/sysapp "$(field "$M/sys" CACHE_DIRECTORY=)"
check_eq "LOGS_DIRECTORY=/var/log/sysapp" /var/log/sysapp "$(field "$M/sys" LOGS_DIRECTORY=)"
check_eq "CONFIGURATION_DIRECTORY=/etc/sysapp" /etc/sysapp "$(field "$M/sys" CONFIGURATION_DIRECTORY=)"
check_eq "/run/sysapp: 750, nobody's" "750 $NU $NG" "$(field "$M/sys" "stat /run/sysapp ")"
check_eq "/var/lib/sysapp/deep: 755, nobody's" "755 $NU $NG" "$(field "$M/sys" "stat /var/lib/sysapp/deep ")"
check_eq "  its parent /var/lib/sysapp: 755, root's" "755 0 0" "$(stat -c '%a %u %g' "$R/var/lib/sysapp")"
check_eq "/var/cache/sysapp: 755, nobody's" "755 $NU $NG" "$(field "$M/sys" "stat /var/cache/sysapp ")"
check_eq "/var/log/sysapp: 2750, nobody's" "2750 $NU $NG" "$(field "$M/sys" "stat /var/log/sysapp ")"
check_eq "/etc/sysapp: 751, root's (ConfigurationDirectory= is not handed over)" "751 0 0" \
	"$(field "$M/sys" "stat /etc/sysapp ")"
check_eq "nobody wrote into its 4 own directories" 4 "$(grep -c '^written ' "$M/sys")"

ctl start handover.service
check "handover.service wrote below its handed-over directory" test -s "$M/handover"
check_eq "/var/lib/handover and its old content are nobody's now" "$NU $NU $NU" \
	"$(stat -c %u "$R/var/lib/handover" "$R/var/lib/handover/inner" "$R/var/lib/handover/inner/old" | tr '\n' ' ' | sed 's/ $//')"
check_eq "  the symlink's target stayed root's" 0 "$(stat -c %u "$R/secret/file")"

mkdir -p "$R/run/victim"
echo victim >"$R/run/victim/file"
ctl start fill.service
check "fill.service filled /run/fill" test -s "$M/fill"
ctl stop fill.service
check "stop: /run/fill is gone" wait_until test ! -e "$R/run/fill"
check "  the removal says what it could not remove (the mount points)" \
	wait_until log_has "Failed to remove runtime directory /run/.#fill.removing-"
aside=$(find "$R/run" -maxdepth 1 -name '.#fill.removing-*' | head -n 1)
check "  the tree and the symlink below it are removed" test -n "$aside" -a ! -e "$aside/tree" -a ! -L "$aside/link"
check_eq "  the file in the tmpfs below it is untouched" in-mount "$(cat "$aside/mnt/file" 2>/dev/null)"
check_eq "  the bind-mounted directory is untouched" victim "$(cat "$aside/bind/file" 2>/dev/null)"
check_eq "  the symlink's target is untouched" victim "$(cat "$R/run/victim/file")"

check_not "sysblocked.service: start fails" ctl start sysblocked.service
check "  status names the step and the path" grep -qF \
	"step directories: /var/lib/blocker/x (at /var/lib/blocker): Not a directory" \
	<<<"$(ctl status sysblocked.service 2>&1 || true)"
check "  its program did not run" test ! -e "$M/sysblocked-ran"

ctl stop sys.service
check "stop: /run/sysapp removed" wait_until test ! -e "$R/run/sysapp"
check "  /var/lib/sysapp/deep stays" test -d "$R/var/lib/sysapp/deep"

kill -s RTMIN+4 "$E"
check "the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
check "unshare returned" wait_until -n 100 proc_gone "$UNSHARE_PID"
wait "$UNSHARE_PID" || true
UNSHARE_PID=
E=
it_finish
