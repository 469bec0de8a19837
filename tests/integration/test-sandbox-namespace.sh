#!/bin/bash
# The mount namespace and the isolation around it (ember.exec(5) SANDBOXING), seen from
# inside services. ember runs as PID 1 of a fresh PID + mount namespace over the host's
# real file system (so /usr, /etc, /home, /dev are the real ones; every mount stays in
# that namespace). Each service writes what it observes to a file the test reads:
#  - ProtectSystem=strict: writing below /usr fails with EROFS, a ReadWritePaths= directory
#    is writable (but no more than outside: one on a read-only mount stays read-only),
#    /dev stays writable; ProtectSystem=full: /etc is read-only;
#  - ReadOnlyPaths= covers a tmpfs mounted below it (each submount is remounted), and a
#    ReadWritePaths= inside it stays writable; '-' ignores a missing path;
#  - PrivateTmp=: /tmp and /var/tmp are empty tmpfs: a file the service creates is not
#    on the host, the host's is not in the service, and two services (one still running)
#    do not see each other's; a '+' command sees the host's /tmp;
#  - ProtectHome=yes: /home and /root are empty (root) or refused (nobody);
#  - InaccessiblePaths=: a directory's content is gone (ENOENT), a file reads empty with
#    mode 0000, and for nobody both give EACCES;
#  - BindReadOnlyPaths= maps a host directory read-only at another (created) path,
#    BindPaths= writable; TemporaryFileSystem= is an empty tmpfs (":ro" read-only, with a
#    read-only bind inside it);
#  - PrivateDevices=: /dev holds no block device, /dev/null works, /dev is read-only,
#    CAP_MKNOD and CAP_SYS_RAWIO are out of the bounding set;
#  - PrivateNetwork=: /proc/net/dev and /sys/class/net list only lo, and lo is up;
#  - ProtectKernelTunables=: /proc/sys and /sys are read-only; ProtectControlGroups=:
#    /sys/fs/cgroup is read-only; ProtectKernelLogs=: dmesg fails, /proc/kmsg is an empty
#    file, no CAP_SYSLOG; ProtectKernelModules=: no CAP_SYS_MODULE; ProtectClock=:
#    adjtimex() fails with EPERM, no CAP_SYS_TIME (a service without it reads the clock);
#  - ProtectHostname=: a UTS namespace of its own, `hostname x` fails, the host's name
#    is unchanged;
#  - ProtectProc=invisible hides PID 1 from nobody, ProcSubset=pid hides /proc/sys;
#  - PrivateMounts=: a mount made by the service does not reach the manager's namespace
#    (while one made by a service without it does); MountFlags=: a mount made in the
#    manager's namespace after the service started appears with slave and the default,
#    not with private;
#  - RuntimeDirectory= stays writable under ProtectSystem=strict;
#  - a BindPaths= source that does not exist fails the spawn at step namespace, naming
#    the path, while the other units run on; with '-' the service runs;
#  - a bad value is a warning naming file:line, and the unit still loads.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
command -v nsenter >/dev/null || skip "needs nsenter"
unshare --pid --mount --fork --mount-proc true 2>/dev/null ||
	skip "cannot create PID+mount namespaces here"
unshare --net --uts true 2>/dev/null || skip "cannot create network and UTS namespaces here"
# Not below /tmp (PrivateTmp= hides it) nor /run (PID 1 mounts a tmpfs there).
TMPDIR=/var/lib it_setup
chmod 755 "$WORK"
chmod 1777 "$M"
mkdir -p "$WORK/bin"
W=$WORK
NS_LOG=$WORK/pid1.log
LOG=$NS_LOG
UNSHARE_PID=
E=
HOST_TMP=/tmp/ember-ns-host.$$
HOST_HOME=/home/ember-ns-host.$$

ns_cleanup() {
	local rc=$?
	set +e
	rm -rf "$HOST_TMP" "$HOST_HOME"
	[[ -n $E ]] && proc_alive "$E" && kill -KILL "$E" 2>/dev/null
	if [[ -n $UNSHARE_PID ]]; then
		wait_until -n 100 proc_gone "$UNSHARE_PID" || kill -KILL "$UNSHARE_PID" 2>/dev/null
		wait "$UNSHARE_PID" 2>/dev/null
	fi
	(exit "$rc")
	it_cleanup
}
trap ns_cleanup EXIT

# svc NAME [DIRECTIVE...] <<'EOS' ... EOS: a oneshot NAME.service that runs the script
# from stdin with $W and $M set, its output going to $M/NAME.
svc() {
	local name=$1 d
	shift
	{ echo "exec >\"\$M/$name\" 2>&1"; cat; } >"$W/bin/$name.sh"
	{
		echo "[Service]"
		echo "Type=oneshot"
		echo "Environment=W=$W M=$M"
		for d in "$@"; do echo "$d"; done
		echo "ExecStart=/bin/sh $W/bin/$name.sh"
	} >"$UNITS/$name.service"
}
# long NAME [DIRECTIVE...] <<'EOS': the same as a service that keeps running.
long() {
	svc "$@"
	sed -i 's/^Type=oneshot$/Type=simple/' "$UNITS/$1.service"
}
out() { cat "$M/$1" 2>/dev/null || true; }
has() { grep -qF -- "$2" "$M/$1" 2>/dev/null; }
run() { ctl start "$1.service" >/dev/null 2>&1 || true; }
# bit N of the CapBnd line a service printed to $M/NAME.
capbnd_bit() {
	local v
	v=$(awk '/^CapBnd:/ {print $2}' "$M/$1")
	[[ -n $v ]] || { echo "?"; return; }
	echo $(((0x$v >> $2) & 1))
}
# The mount options of the mount at PATH in the mountinfo copy $M/NAME.
mnt_opts() { awk -v p="$2" '$5 == p {o = $6} END {print o}' "$M/$1"; }

mkdir -p "$HOST_TMP" "$HOST_HOME"
mkdir -p "$W"/{rw,hostro/sub,nest2/ro/sub,ro-tree/rw-sub,nest/sub,src,src2,tfs,tfs-ro,secret,leak,prop}
echo source >"$W/src/file"
echo s3cr3t >"$W/secret/data"
echo s3cr3t >"$W/secret-file"
touch "$W/tfs/old"
chmod -R a+rX "$W"
chmod 777 "$W/rw"

# --- ProtectSystem=, ReadWritePaths=, ReadOnlyPaths=
svc strict ProtectSystem=strict "ReadWritePaths=$M $W/rw $W/hostro/sub" <<'EOS'
touch /usr/ember-ns-test && echo "usr writable"
touch "$W/rw/ok" && echo "rw-ok"
touch "$W/hostro/sub/z" 2>/dev/null || echo "hostro stays read-only"
touch /etc/ember-ns-test 2>/dev/null || echo "etc read-only"
touch /dev/shm/ember-ns-test && echo "dev-ok" && rm -f /dev/shm/ember-ns-test
EOS
svc full ProtectSystem=full <<'EOS'
touch /etc/ember-ns-test && echo "etc writable"
touch "$W/rw/full-ok" && echo "var-ok"
EOS
svc rotree "ReadOnlyPaths=$W/ro-tree $W/nest $W/nest2 -$W/does-not-exist" \
	"ReadWritePaths=$W/ro-tree/rw-sub $W/nest2/ro/sub" <<'EOS'
touch "$W/ro-tree/x" 2>/dev/null || echo "tree read-only"
touch "$W/nest/sub/x" 2>/dev/null || echo "submount read-only"
touch "$W/ro-tree/rw-sub/y" && echo "rw-sub-ok"
touch "$W/nest2/ro/sub/z" 2>/dev/null || echo "nested read-only mount stays read-only"
EOS
# --- PrivateTmp=
long tmp-a PrivateTmp=yes <<'EOS'
echo a >/tmp/ember-ns-a
echo a >/var/tmp/ember-ns-a
ls -A /tmp /var/tmp
stat -f -c "tmp=%T" /tmp
touch "$M/tmp-a.ready"
i=0
while [ ! -e "$M/release" ] && [ $i -lt 3000 ]; do i=$((i + 1)); sleep 0.1; done
EOS
svc tmp-b PrivateTmp=yes <<'EOS'
test -e /tmp/ember-ns-a && echo "b sees a's /tmp"
test -e /var/tmp/ember-ns-a && echo "b sees a's /var/tmp"
ls -A /tmp
EOS
# '+': no sandbox, the host's /tmp.
cat >"$W/bin/plus.sh" <<EOS
test -e $HOST_TMP && echo "plus sees the host" >$M/plus
EOS
cat >"$UNITS/plus.service" <<EOF
[Service]
Type=oneshot
PrivateTmp=yes
ExecStart=+/bin/sh $W/bin/plus.sh
EOF
# --- ProtectHome=
svc home ProtectHome=yes <<'EOS'
echo "home=[$(ls -A /home)] root=[$(ls -A /root)]"
EOS
svc home-nobody ProtectHome=yes User=nobody <<'EOS'
ls /home
EOS
# --- InaccessiblePaths=
svc hidden "InaccessiblePaths=$W/secret $W/secret-file -$W/none" <<'EOS'
cat "$W/secret/data"
echo "file=[$(cat "$W/secret-file")] mode=$(stat -c %a "$W/secret-file")"
EOS
svc hidden-nobody "InaccessiblePaths=$W/secret $W/secret-file" User=nobody <<'EOS'
ls "$W/secret"
cat "$W/secret-file"
EOS
# --- BindPaths=, BindReadOnlyPaths=, TemporaryFileSystem=
svc binds "BindReadOnlyPaths=$W/src:$W/dst" "BindPaths=$W/src2:$W/dst2:rbind" <<'EOS'
echo "dst=$(cat "$W/dst/file")"
touch "$W/dst/new"
touch "$W/dst2/new" && echo "dst2-ok"
EOS
svc tfs "TemporaryFileSystem=$W/tfs $W/tfs-ro:ro,mode=0700" \
	"BindReadOnlyPaths=$W/src:$W/tfs-ro/inner" <<'EOS'
echo "tfs=[$(ls -A "$W/tfs")] $(stat -f -c %T "$W/tfs")"
touch "$W/tfs/new" && echo "tfs-ok"
echo "tfs-ro=[$(ls -A "$W/tfs-ro")] mode=$(stat -c %a "$W/tfs-ro") inner=$(cat "$W/tfs-ro/inner/file")"
touch "$W/tfs-ro/x"
EOS
# --- PrivateDevices=
svc dev PrivateDevices=yes <<'EOS'
echo "blockdevs=[$(find /dev -type b)]"
echo x >/dev/null && echo "null-ok"
echo "random=$(head -c 4 /dev/urandom | wc -c)"
touch /dev/ember-ns-test
grep CapBnd /proc/self/status
ls /dev
EOS
# --- PrivateNetwork=
svc net PrivateNetwork=yes <<'EOS'
echo "proc=[$(awk -F: 'NR > 2 {gsub(/ /, "", $1); printf "%s ", $1}' /proc/net/dev)]"
echo "sys=[$(ls /sys/class/net | tr '\n' ' ')]"
echo "loflags=$(cat /sys/class/net/lo/flags)"
EOS
# --- ProtectKernel*=, ProtectControlGroups=, ProtectClock=
svc kernel ProtectKernelTunables=yes ProtectControlGroups=yes ProtectKernelLogs=yes \
	ProtectKernelModules=yes <<'EOS'
cat /proc/sys/vm/swappiness >/proc/sys/vm/swappiness
mkdir /sys/fs/cgroup/ember-ns-test
dmesg --syslog >/dev/null
echo "kmsg=$(stat -c %a-%s /proc/kmsg) devkmsg=$(stat -c %a-%s /dev/kmsg)"
grep CapBnd /proc/self/status
cat /proc/self/mountinfo
EOS
cat >"$W/bin/adjtimex.py" <<'EOS'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.adjtimex(ctypes.create_string_buffer(512))
print("adjtimex", "ok" if r >= 0 else os.strerror(ctypes.get_errno()))
EOS
svc clock ProtectClock=yes <<'EOS'
/usr/bin/python3 "$W/bin/adjtimex.py"
grep CapBnd /proc/self/status
EOS
svc clock-free <<'EOS'
/usr/bin/python3 "$W/bin/adjtimex.py"
EOS
# --- ProtectHostname=
svc uts ProtectHostname=yes <<'EOS'
hostname ember-ns-changed || echo "hostname refused"
echo "uts=$(readlink /proc/self/ns/uts)"
EOS
# --- ProtectProc=, ProcSubset=
svc proc-nobody ProtectProc=invisible User=nobody <<'EOS'
test -e /proc/1 && echo "pid1 visible"
test -e /proc/$$/status && echo "self visible"
EOS
svc proc-subset ProcSubset=pid <<'EOS'
test -e /proc/sys && echo "sys visible"
test -e /proc/self/status && echo "self visible"
EOS
# --- PrivateMounts=, MountFlags=
svc leak-private PrivateMounts=yes <<'EOS'
mount -t tmpfs tmpfs "$W/leak" && echo "mounted"
EOS
long prop-default ProtectSystem=yes <<'EOS'
touch "$M/prop-default.ready"
while [ ! -e "$M/go-prop" ]; do sleep 0.1; done
test -e "$W/prop/marker" && echo "sees the new mount"
true
EOS
long prop-slave MountFlags=slave <<'EOS'
touch "$M/prop-slave.ready"
while [ ! -e "$M/go-prop" ]; do sleep 0.1; done
test -e "$W/prop/marker" && echo "sees the new mount"
true
EOS
long prop-private MountFlags=private <<'EOS'
touch "$M/prop-private.ready"
while [ ! -e "$M/go-prop" ]; do sleep 0.1; done
test -e "$W/prop/marker" && echo "sees the new mount"
true
EOS
# --- RuntimeDirectory= under ProtectSystem=strict
svc rtdir ProtectSystem=strict "ReadWritePaths=$M" RuntimeDirectory=ember-ns-test <<'EOS'
touch /run/ember-ns-test/x && echo "rtdir-ok"
EOS
# --- failures and bad values
svc fail-bind "BindPaths=$W/missing-src:$W/bp-dst" <<'EOS'
echo "ran"
EOS
svc fail-bind-ok "BindPaths=-$W/missing-src:$W/bp-dst" <<'EOS'
echo "ran"
EOS
svc bad ProtectSystem=bogus "BindPaths=relative/path" <<'EOS'
echo "ran"
EOS

# In the new mount namespace: its mounts made shared (new peer groups, all inside this
# namespace), so that ember's namespace propagates into the services' for the MountFlags=
# test; then ember as PID 1 of a new PID namespace in a copy of it.
cat >"$W/enter" <<EOS
#!/bin/bash
set -e
mount --make-rshared /
exec unshare --pid --fork --propagation unchanged --mount-proc "$EMBER" --system \
	--unit-path="$UNITS" --runtime-dir="$RT" --log-target=console --show-status
EOS
chmod +x "$W/enter"
unshare --mount --propagation private "$W/enter" >"$NS_LOG" 2>&1 </dev/null &
UNSHARE_PID=$!
find_e() { E=$(pgrep -P "$UNSHARE_PID" -x ember | head -n 1); [[ -n $E ]]; }
check "ember runs as PID 1 of its namespace" wait_until find_e
check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active
in_ember() { nsenter -t "$E" -m "$@"; }
# A tmpfs below a ReadOnlyPaths= path, and a read-only bind mount, in ember's namespace
# (the services start from a copy of it).
in_ember mount -t tmpfs tmpfs "$W/nest/sub"
in_ember mount --bind "$W/hostro" "$W/hostro"
in_ember mount -o remount,bind,ro "$W/hostro"
in_ember mount --bind "$W/nest2/ro" "$W/nest2/ro"
in_ember mount -o remount,bind,ro "$W/nest2/ro"

# --- ProtectSystem=
run strict
check "strict: writing below /usr fails with EROFS" has strict "Read-only file system"
check_not "strict: /usr stayed read-only" has strict "usr writable"
check "strict: the ReadWritePaths= directory is writable" has strict "rw-ok"
check "strict: the file is on the host" test -e "$W/rw/ok"
check "strict: a ReadWritePaths= path stays as read-only as it is outside" \
	has strict "hostro stays read-only"
check "strict: /etc is read-only too" has strict "etc read-only"
check "strict: /dev stays writable" has strict "dev-ok"
check "strict: nothing landed in /usr" test ! -e /usr/ember-ns-test
run full
check "full: /etc is read-only (EROFS)" has full "Read-only file system"
check_not "full: /etc stayed read-only" has full "etc writable"
check "full: /var is writable" has full "var-ok"
check "full: nothing landed in /etc" test ! -e /etc/ember-ns-test
run rotree
check "ReadOnlyPaths=: the tree is read-only" has rotree "tree read-only"
check "ReadOnlyPaths=: so is a tmpfs mounted below it" has rotree "submount read-only"
check "ReadOnlyPaths=: the ReadWritePaths= inside it is writable" has rotree "rw-sub-ok"
check "ReadOnlyPaths=: ... on the host" test -e "$W/ro-tree/rw-sub/y"
check "ReadOnlyPaths=: a ReadWritePaths= on a read-only mount inside it stays read-only" \
	has rotree "nested read-only mount stays read-only"
check "ReadOnlyPaths=: a missing '-' path is skipped" test -e "$M/rotree"

# --- PrivateTmp=
ctl start tmp-a.service
check "tmp-a is running" wait_until test -e "$M/tmp-a.ready"
check "tmp-a: /tmp is a tmpfs" has tmp-a "tmp=tmpfs"
check_not "tmp-a: the host's /tmp file is not in it" has tmp-a "${HOST_TMP##*/}"
check "tmp-a: its file is not in the host's /tmp" test ! -e /tmp/ember-ns-a
check "tmp-a: its file is not in the host's /var/tmp" test ! -e /var/tmp/ember-ns-a
run tmp-b
check "tmp-b ran" test -e "$M/tmp-b"
check_not "tmp-b does not see tmp-a's /tmp (tmp-a still runs)" has tmp-b "b sees a's /tmp"
check_not "tmp-b does not see tmp-a's /var/tmp" has tmp-b "b sees a's /var/tmp"
check_eq "tmp-b: /tmp is empty" "" "$(out tmp-b)"
run plus
check "a '+' command skips the sandbox: it sees the host's /tmp" has plus "plus sees the host"

# --- ProtectHome=
run home
check_eq "ProtectHome=yes: /home and /root are empty for root" "home=[] root=[]" "$(out home)"
check "  ... while the host's are not" test -n "$(ls -A /root)"
run home-nobody
check "ProtectHome=yes: /home is refused to nobody (EACCES)" has home-nobody "Permission denied"

# --- InaccessiblePaths=
run hidden
check "InaccessiblePaths=: a directory's content is gone (ENOENT)" has hidden "No such file or directory"
check "InaccessiblePaths=: a file reads empty, mode 0000" has hidden "file=[] mode=0"
check_not "InaccessiblePaths=: the secret does not show" has hidden "s3cr3t"
run hidden-nobody
check_eq "InaccessiblePaths=: nobody gets EACCES for both" 2 \
	"$(grep -c "Permission denied" "$M/hidden-nobody" 2>/dev/null || true)"

# --- BindReadOnlyPaths=, BindPaths=, TemporaryFileSystem=
run binds
check "BindReadOnlyPaths=: the host directory shows at the new path" has binds "dst=source"
check "BindReadOnlyPaths=: ... read-only" has binds "Read-only file system"
check "BindReadOnlyPaths=: the destination was created" test -d "$W/dst"
check "BindPaths=: writable" has binds "dst2-ok"
check "BindPaths=: the file is in the host's source" test -e "$W/src2/new"
run tfs
check "TemporaryFileSystem=: an empty tmpfs" has tfs "tfs=[] tmpfs"
check "TemporaryFileSystem=: writable" has tfs "tfs-ok"
check "TemporaryFileSystem=: the host's directory is untouched" test ! -e "$W/tfs/new"
check "TemporaryFileSystem=:ro,mode=0700 with a read-only bind inside" \
	has tfs "tfs-ro=[inner] mode=700 inner=source"
check "TemporaryFileSystem=:ro is read-only" has tfs "Read-only file system"

# --- PrivateDevices=
run dev
check "PrivateDevices=: no block device (the host has $(find /dev -maxdepth 1 -type b | wc -l))" \
	has dev "blockdevs=[]"
check "PrivateDevices=: /dev/null works" has dev "null-ok"
check "PrivateDevices=: /dev/urandom works" has dev "random=4"
check "PrivateDevices=: /dev is read-only" has dev "Read-only file system"
check_eq "PrivateDevices=: no CAP_MKNOD" 0 "$(capbnd_bit dev 27)"
check_eq "PrivateDevices=: no CAP_SYS_RAWIO" 0 "$(capbnd_bit dev 17)"

# --- PrivateNetwork=
run net
check_eq "PrivateNetwork=: /proc/net/dev lists only lo" "proc=[lo ]" "$(grep ^proc= "$M/net")"
check_eq "PrivateNetwork=: /sys/class/net lists only lo" "sys=[lo ]" "$(grep ^sys= "$M/net")"
check "PrivateNetwork=: lo is up" grep -q "^loflags=0x[0-9a-f]*[13579bdf]$" "$M/net"

# --- ProtectKernelTunables=, ProtectControlGroups=, ProtectKernelLogs=, ProtectKernelModules=
run kernel
check "ProtectKernelTunables=: /proc/sys is read-only (EROFS)" \
	grep -q "swappiness: Read-only file system" "$M/kernel"
check "ProtectKernelTunables=: /sys is mounted read-only" grep -q "^ro" <(mnt_opts kernel /sys)
check "ProtectControlGroups=: /sys/fs/cgroup is mounted read-only" \
	grep -q "^ro" <(mnt_opts kernel /sys/fs/cgroup)
check "ProtectControlGroups=: mkdir in it fails (EROFS)" \
	grep -q "ember-ns-test.*Read-only file system" "$M/kernel"
rmdir /sys/fs/cgroup/ember-ns-test 2>/dev/null || true
check "ProtectKernelLogs=: dmesg is refused" grep -q "dmesg.*Operation not permitted" "$M/kernel"
check "ProtectKernelLogs=: /proc/kmsg and /dev/kmsg are empty files of mode 0000" \
	has kernel "kmsg=0-0 devkmsg=0-0"
check_eq "ProtectKernelLogs=: no CAP_SYSLOG" 0 "$(capbnd_bit kernel 34)"
check_eq "ProtectKernelModules=: no CAP_SYS_MODULE" 0 "$(capbnd_bit kernel 16)"
run clock
run clock-free
check_eq "ProtectClock=: adjtimex() fails with EPERM" "adjtimex Operation not permitted" \
	"$(grep adjtimex "$M/clock")"
check_eq "  ... while a service without it reads the clock" "adjtimex ok" "$(out clock-free)"
check_eq "ProtectClock=: no CAP_SYS_TIME" 0 "$(capbnd_bit clock 25)"
check_eq "ProtectClock=: no CAP_WAKE_ALARM" 0 "$(capbnd_bit clock 35)"

# --- ProtectHostname=
host_name=$(hostname)
run uts
check "ProtectHostname=: hostname is refused" has uts "hostname refused"
check_eq "ProtectHostname=: the host's name is unchanged" "$host_name" "$(hostname)"
check_eq "  ... and ember's too" "$host_name" "$(nsenter -t "$E" -u hostname)"
check "ProtectHostname=: a UTS namespace of its own" \
	test "$(grep ^uts= "$M/uts")" != "uts=$(readlink "/proc/$E/ns/uts")"

# --- ProtectProc=, ProcSubset=
run proc-nobody
check_not "ProtectProc=invisible: nobody does not see PID 1" has proc-nobody "pid1 visible"
check "ProtectProc=invisible: it sees itself" has proc-nobody "self visible"
run proc-subset
check_not "ProcSubset=pid: /proc/sys is gone" has proc-subset "sys visible"
check "ProcSubset=pid: /proc/self is there" has proc-subset "self visible"

# --- PrivateMounts=, MountFlags=
run leak-private
check "PrivateMounts=: the service mounted a tmpfs" has leak-private "mounted"
check "PrivateMounts=: it is not in ember's namespace" \
	test -z "$(awk -v p="$W/leak" '$5 == p' "/proc/$E/mountinfo")"
ctl start prop-default.service prop-slave.service prop-private.service
check "the MountFlags= services run" wait_until test -e "$M/prop-default.ready" -a \
	-e "$M/prop-slave.ready" -a -e "$M/prop-private.ready"
in_ember sh -c "mount -t tmpfs tmpfs '$W/prop' && touch '$W/prop/marker'"
touch "$M/go-prop"
for u in prop-default prop-slave prop-private; do
	check "$u finished" wait_until state_is $u.service inactive
done
check "MountFlags= unset: a later host mount propagates in" has prop-default "sees the new mount"
check "MountFlags=slave: a later host mount propagates in" has prop-slave "sees the new mount"
check_not "MountFlags=private: it does not" has prop-private "sees the new mount"

# --- RuntimeDirectory= under ProtectSystem=strict
run rtdir
check "RuntimeDirectory= stays writable under ProtectSystem=strict" has rtdir "rtdir-ok"

# --- failures
rc=0
ctl start fail-bind.service >/dev/null 2>&1 || rc=$?
check "a missing BindPaths= source fails the start" test "$rc" -ne 0
check_not "  ... the service did not run" has fail-bind "ran"
want="step namespace: bind-mounting $W/missing-src (BindPaths=): No such file or directory"
check "  ... status names the step and the path" grep -qF -- "$want" <(ctl status fail-bind.service 2>&1)
check "  ... so does the log" log_has "$want"
check_eq "  ... while tmp-a runs on" active "$(active_state tmp-a.service)"
run fail-bind-ok
check "with '-' the missing source is skipped and the service runs" has fail-bind-ok "ran"
run bad
check "bad.service still loads and runs" has bad "ran"
check "ProtectSystem=bogus is a warning naming file:line" log_has "$UNITS/bad.service:4: "
check "BindPaths=relative/path is a warning naming file:line" log_has "$UNITS/bad.service:5: "

touch "$M/release"
kill -s RTMIN+4 "$E"
check "ember powers the namespace off" wait_until -n 600 test ! -e "/proc/$E"
wait_until -n 100 proc_gone "$UNSHARE_PID" || true
wait "$UNSHARE_PID" 2>/dev/null || true
UNSHARE_PID=
E=
it_finish
