#!/bin/bash
# Late file systems (the essay's autofs idea) end to end, with ember as PID 1 of a fresh
# PID + mount + network namespace, real loop devices over ext4 images, the real fsck, a
# real udevd and the kernel's autofs; everything comes from the namespace's /etc/fstab:
#
#   /dev/loopS /srv/slow   ext4 x-systemd.automount,x-systemd.idle-timeout=3s 0 2
#   /dev/loopB /srv/broken ext4 x-systemd.automount,nofail                   0 0
#   /dev/loopL /srv/late   ext4 nofail                                       0 0
#
#  - the check of loopS is made slow by the test (a drop-in holds systemd-fsck@ at a FIFO);
#    meanwhile the boot goes on: uses-slow.service starts and blocks reading a file under
#    /srv/slow, bystander.service (not touching it) runs to the end; once the gate opens
#    the check and the mount finish and the reader gets the file's content — shown by the
#    order of events the services write, not by timing;
#  - /srv/broken (loopB holds no file system): an access gets an error, not a hang;
#  - /srv/slow goes idle: it is unmounted and the placeholder is back; a new access mounts;
#  - loopL is attached only after start-up: udev announces it, and the mount that waited
#    for its device is made.
# On a kernel without autofs the test runs itself in a VM with Debian's kernel (vm_rerun).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --net --fork --mount-proc true 2>/dev/null ||
	skip "cannot create PID+mount+network namespaces here"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is missing (e2fsprogs)"
command -v nsenter >/dev/null || skip "nsenter is missing"
modprobe -q autofs4 2>/dev/null || true
modprobe -q loop 2>/dev/null || true
if [[ ! -e /dev/autofs ]]; then
	vm_rerun autofs
	skip "this kernel has no autofs, and no VM kernel is unpacked (scripts/vm-kernel.sh)"
fi
UDEVD=/lib/systemd/systemd-udevd
[[ -x $UDEVD ]] || skip "$UDEVD is missing (Debian's udev package)"
UDEVADM=$(command -v udevadm) || skip "udevadm is not installed"
[[ -c /dev/loop-control ]] || skip "no /dev/loop-control (loop driver)"
[[ $(awk '$5 == "/dev" {for (i = 7; $i != "-"; i++); print $(i + 1)}' /proc/self/mountinfo |
	tail -n 1) == devtmpfs ]] || skip "/dev is not a devtmpfs"
RULES_DIR=/usr/lib/udev/rules.d
[[ -e $RULES_DIR/99-systemd.rules ]] || RULES_DIR=/lib/udev/rules.d
[[ -e $RULES_DIR/99-systemd.rules ]] || skip "udev's 99-systemd.rules is missing"

free_loops=()
for d in /sys/devices/virtual/block/loop*; do
	n=${d##*/loop}
	[[ $n =~ ^[0-9]+$ && ! -e $d/loop/backing_file && -b /dev/loop$n ]] && free_loops+=("$n")
done
((${#free_loops[@]} >= 3)) || skip "needs three unused loop devices (found ${#free_loops[@]})"
S=${free_loops[0]} B=${free_loops[1]} L=${free_loops[2]}
SOURCE_UNITS=$(realpath "$(dirname "$0")/../../units")
it_setup
chmod 755 "$WORK"
SHIPPED=$WORK/shipped
mkdir -p "$SHIPPED"
cp "$SOURCE_UNITS"/*.target "$SOURCE_UNITS"/*.service "$SHIPPED/"

pid1_setup
ATTACHED=()
detach_loops() {
	local n
	for n in "${ATTACHED[@]}"; do losetup -d "/dev/loop$n" 2>/dev/null; done
	return 0
}
PID1_CLEANUP=detach_loops

# The images: a file system with a file in it (slow, late), and no file system (broken).
for x in slow late; do
	truncate -s 16M "$WORK/$x.img"
	mkfs.ext4 -q -F "$WORK/$x.img"
	echo "content of $x" >"$WORK/$x.txt"
	debugfs -w -R "write $WORK/$x.txt data" "$WORK/$x.img" >/dev/null 2>&1 ||
		skip "debugfs cannot write into the image"
done
truncate -s 4M "$WORK/broken.img"
losetup "/dev/loop$S" "$WORK/slow.img" && ATTACHED+=("$S")
losetup "/dev/loop$B" "$WORK/broken.img" && ATTACHED+=("$B")

cat >"$WORK/fstab" <<EOF
/dev/loop$S /srv/slow   ext4 x-systemd.automount,x-systemd.idle-timeout=3s 0 2
/dev/loop$B /srv/broken ext4 x-systemd.automount,nofail                   0 0
/dev/loop$L /srv/late   ext4 nofail                                       0 0
EOF

EVENTS=$M/events
mkfifo "$WORK/fsck-gate"
# event WORD: appends to the events file (one line per event, in the order they happen).
cat >"$WORK/event" <<EOS
#!/bin/sh
echo "\$*" >>$EVENTS
EOS
chmod +x "$WORK/event"

# The check of loopS waits at the gate before fsck runs.
mkdir -p "$UNITS/systemd-fsck@dev-loop$S.service.d"
unit slow.conf "$UNITS/systemd-fsck@dev-loop$S.service.d" <<EOF
[Service]
ExecStartPre=$WORK/event fsck-waits
ExecStartPre=/bin/sh -c 'cat $WORK/fsck-gate >/dev/null'
ExecStartPost=$WORK/event fsck-done
EOF
unit udevd.service <<EOF
[Unit]
Description=udev (the test's own)
DefaultDependencies=no
Before=sysinit.target
[Service]
Type=notify
ExecStart=$UDEVD
EOF
unit udev-trigger.service <<EOF
[Unit]
Description=Announce the loop devices attached before boot
DefaultDependencies=no
Requires=udevd.service
After=udevd.service
Before=sysinit.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$UDEVADM trigger --action=add --settle /sys/devices/virtual/block/loop$S /sys/devices/virtual/block/loop$B
EOF
unit uses-slow.service <<EOF
[Unit]
Description=Reads a file on the slow file system
After=local-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$WORK/event uses-slow-starts
ExecStart=/bin/sh -c 'echo "uses-slow-read \$(cat /srv/slow/data)" >>$EVENTS'
EOF
unit bystander.service <<EOF
[Unit]
Description=Does not touch the slow file system
After=local-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$WORK/event bystander-done
EOF
cat >>"$UNITS/sysinit.target" <<EOF
Wants=local-fs.target udevd.service udev-trigger.service
After=local-fs.target
EOF
mkdir -p "$UNITS/multi-user.target.wants"
for u in uses-slow.service bystander.service; do
	ln -s "../$u" "$UNITS/multi-user.target.wants/$u"
done

pid1_boot <<EOS
mount -o remount,bind,rw "$ROOT/dev"
cp "$WORK/fstab" "$ROOT/etc/fstab"
mkdir -p "$ROOT/etc/udev/rules.d" "$ROOT/srv"
for f in "$RULES_DIR"/*.rules; do
	case \${f##*/} in
	60-persistent-storage.rules|99-systemd.rules) ;;
	*) ln -s /dev/null "$ROOT/etc/udev/rules.d/\${f##*/}" ;;
	esac
done
rc=0
unshare --pid --net --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS:$SHIPPED:$RT/generator" --runtime-dir="$RT" --log-target=console \
	--show-status || rc=\$?
exit \$rc
EOS
fstype_at() { pid1_exec findmnt -n -o FSTYPE --mountpoint "$1" 2>/dev/null | tail -n 1; }
has_event() { grep -qx "$1" "$EVENTS" 2>/dev/null; }
# line_of WORD: the line number of an event (0 if it did not happen).
line_of() { grep -n "^$1" "$EVENTS" 2>/dev/null | head -n 1 | cut -d: -f1 || echo 0; }

check "its socket answers" wait_until ember_answers
check "udevd.service is up" wait_until state_is udevd.service active

# The slow file system: placeholder at once, the check held at the gate.
check "srv-slow.automount is active" wait_until state_is srv-slow.automount active
check_eq "  an autofs placeholder is on /srv/slow" autofs "$(fstype_at /srv/slow)"
check_eq "  its Where (D-Bus)" /srv/slow "$(prop srv-slow.automount Where)"
check_eq "  its idle time-out, from fstab" 3s "$(prop srv-slow.automount TimeoutIdleUSec)"
check "the check of loop$S waits at the gate" wait_until has_event fsck-waits
check "uses-slow.service started while the check waits" wait_until has_event uses-slow-starts
check "bystander.service ran to its end meanwhile" wait_until has_event bystander-done
check "multi-user.target is not held up by the slow file system" \
	wait_until state_is bystander.service active
check_eq "the reader has no content yet" "" "$(grep uses-slow-read "$EVENTS" || true)"
check_eq "  its unit is still starting" activating "$(active_state uses-slow.service)"
check_not "  nothing but the placeholder is on /srv/slow" test "$(fstype_at /srv/slow)" = ext4

# The gate opens: fsck, mount, and the reader gets the file.
echo open >"$WORK/fsck-gate"
check "the reader gets the file's content" wait_until has_event "uses-slow-read content of slow"
check "the check finished before the read" \
	test "$(line_of fsck-done)" -gt 0 -a "$(line_of fsck-done)" -lt "$(line_of uses-slow-read)"
check "the bystander finished before the check did" \
	test "$(line_of bystander-done)" -lt "$(line_of fsck-done)"
check_eq "srv-slow.mount is mounted" active "$(active_state srv-slow.mount)"
check_eq "systemd-fsck@dev-loop$S.service ran (the real fsck)" active \
	"$(active_state "systemd-fsck@dev-loop$S.service")"

# A mount that fails behind its automount: an error, not a hang.
rc=0
out=$(timeout 120 nsenter --target "$E" --mount --pid --root -- ls /srv/broken 2>&1) || rc=$?
echo "ls /srv/broken: rc=$rc: $out"
check "an access to the broken file system returns an error" test "$rc" -ne 0 -a "$rc" -ne 124
check_eq "  its mount unit failed" failed "$(active_state srv-broken.mount)"
check_eq "  the automount is still there" active "$(active_state srv-broken.automount)"

# Idle expiry: /srv/slow is unmounted, the placeholder stays; the next access mounts.
check "idle, /srv/slow is unmounted" wait_until -n 600 state_is srv-slow.mount inactive
check_eq "  and the placeholder is back" autofs "$(fstype_at /srv/slow)"
check_eq "an access mounts it again" "content of slow" "$(timeout 120 nsenter --target "$E" \
	--mount --pid --root -- cat /srv/slow/data 2>&1)"

# A device attached after start-up: udev announces it, the waiting mount is made.
check_eq "srv-late.mount waits for its device" inactive "$(active_state srv-late.mount)"
check "  with a start job queued" grep -q "srv-late.mount" <(ctl list-jobs --no-legend)
losetup "/dev/loop$L" "$WORK/late.img" && ATTACHED+=("$L")
check "the late device becomes a plugged unit" wait_until state_is "dev-loop$L.device" active
check "and srv-late.mount is mounted" wait_until state_is srv-late.mount active
check_eq "  with the file system on it" "content of late" "$(pid1_exec cat /srv/late/data 2>&1)"

pid1_poweroff
it_finish
