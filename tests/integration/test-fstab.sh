#!/bin/bash
# Mount units from /etc/fstab and from the mount table, with ember as the real PID 1 of a
# fresh PID + mount namespace (its /etc/fstab is the namespace's own):
#  - an ext4 image mounted with -o loop, a tmpfs: mounted at boot by /bin/mount, before
#    local-fs.target; the file written into the image is read back through the mount;
#  - noauto: not mounted until started; nofail with a mount that fails: the mount unit
#    fails with mount's reason, local-fs.target is reached anyway;
#  - a mount made behind the manager's back (mount(8) run in the namespace) shows up in
#    list-units as an active mount unit, and its unmount turns it inactive;
#  - emberctl stop unmounts; a generated unit says where it came from (SourcePath).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is missing (e2fsprogs)"
command -v nsenter >/dev/null || skip "nsenter is missing"
SOURCE_UNITS=$(realpath "$(dirname "$0")/../../units")
it_setup
chmod 755 "$WORK"
# ember's own units (local-fs.target, umount.target, systemd-fsck@.service, ...), where
# the namespace can see them.
SHIPPED=$WORK/shipped
mkdir -p "$SHIPPED"
cp "$SOURCE_UNITS"/*.target "$SOURCE_UNITS"/*.service "$SHIPPED/"

pid1_setup

# An ext4 image with a file in it, and one that is no file system at all.
truncate -s 8M "$WORK/a.img"
mkfs.ext4 -q -F "$WORK/a.img"
echo hello >"$WORK/hello.txt"
debugfs -w -R "write $WORK/hello.txt hello" "$WORK/a.img" >/dev/null 2>&1 ||
	skip "debugfs cannot write into the image"
truncate -s 1M "$WORK/bad.img"

cat >"$WORK/fstab" <<EOF
# The namespace's fstab: every kind of line the test needs.
$WORK/a.img   /mnt/a       ext4   loop,ro     0 0
tmpfs         /mnt/t       tmpfs  size=1m,mode=0750
tmpfs         /mnt/later   tmpfs  noauto      0 0
$WORK/bad.img /mnt/bad     ext4   loop,nofail 0 0
this line is broken
tmpfs         /mnt/t       tmpfs  size=2m
EOF

# sysinit.target pulls in local-fs.target, as on a distribution.
cat >>"$UNITS/sysinit.target" <<EOF
Wants=local-fs.target
After=local-fs.target
EOF
unit probe.service <<EOF
[Unit]
Description=Starts once the local file systems are mounted
After=local-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'cat /mnt/a/hello >$M/probe; findmnt -n -o FSTYPE /mnt/t >>$M/probe'
EOF
mkdir -p "$UNITS/multi-user.target.wants"
ln -s ../probe.service "$UNITS/multi-user.target.wants/probe.service"
# A mount unit file of its own: its folders are made with DirectoryMode=, and a busy
# mount still goes with LazyUnmount=.
unit 'mnt-deep-lazy.mount' <<EOF
[Mount]
What=lazy
Where=/mnt/deep/lazy
Type=tmpfs
DirectoryMode=0700
LazyUnmount=yes
EOF

pid1_boot <<EOS
cp "$WORK/fstab" "$ROOT/etc/fstab"
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS:$SHIPPED:$RT/generator" --runtime-dir="$RT" --log-target=console \
	--show-status || rc=\$?
exit \$rc
EOS
mounted() { pid1_exec findmnt -n "$1" >/dev/null 2>&1; }
not_mounted() { ! mounted "$1"; }

check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active
check "a second line for /mnt/t is reported and ignored" \
	log_has "/etc/fstab:7: /mnt/t is mounted by an earlier line already, ignoring this one."
check "the bad fstab line is reported with its line number" \
	log_has "/etc/fstab:6: mount point 'line' is not an absolute path, ignoring the line."

check_eq "mnt-a.mount is mounted" "active mounted" \
	"$(prop mnt-a.mount ActiveState) $(prop mnt-a.mount SubState)"
check "it is in the namespace's mount table" mounted /mnt/a
check_eq "its SourcePath is /etc/fstab" /etc/fstab "$(prop mnt-a.mount SourcePath)"
status=$(ctl status mnt-a.mount 2>&1) || true
check "status shows Where: /mnt/a" grep -qE "^ *Where: /mnt/a$" <<<"$status"
check "status shows What: (the loop device mount(8) set up)" grep -qE "^ *What: /dev/loop" <<<"$status"
check_eq "the file in the image reads back, and /mnt/t is a tmpfs" "hello tmpfs" \
	"$(tr '\n' ' ' <"$M/probe" | sed 's/ $//')"
check_eq "the service after local-fs.target ran" active "$(active_state probe.service)"
check_eq "mnt-t.mount is mounted" active "$(active_state mnt-t.mount)"
check_eq "with fstab's options" 0750 "$(pid1_exec stat -c 0%a /mnt/t)"

check_eq "noauto: mnt-later.mount is not mounted at boot" inactive "$(active_state mnt-later.mount)"
check "  and nothing is mounted there" not_mounted /mnt/later
check_eq "  until started" 0 "$(ctl_rc start mnt-later.mount)"
check "  then it is" mounted /mnt/later

check_eq "nofail: the failing mount fails" failed "$(active_state mnt-bad.mount)"
check_eq "  with mount's exit status as the result" exit-code "$(prop mnt-bad.mount Result)"
check_eq "  and local-fs.target is reached anyway" active "$(active_state local-fs.target)"

# Behind the manager's back.
pid1_exec mkdir -p /mnt/byhand
pid1_exec mount -t tmpfs -o size=1m byhand /mnt/byhand
check "a mount made by hand shows up as an active unit" \
	wait_until state_is mnt-byhand.mount active
check "  in list-units" grep -q "mnt-byhand.mount.*active.*mounted" \
	<(ctl list-units --no-legend --type=mount)
check_eq "  with what was mounted" byhand "$(prop mnt-byhand.mount What)"
pid1_exec umount /mnt/byhand
check "its unmount by hand turns it inactive" wait_until state_is mnt-byhand.mount inactive

check_eq "start mnt-deep-lazy.mount (a unit file)" 0 "$(ctl_rc start mnt-deep-lazy.mount)"
check "  mounted" mounted /mnt/deep/lazy
check_eq "  its missing folders made with DirectoryMode=0700" 0700 "$(pid1_exec stat -c 0%a /mnt/deep)"
pid1_exec sh -c 'cd /mnt/deep/lazy && exec sleep 4242' >/dev/null 2>&1 &
busy=$!
IT_KNOWN_PIDS+=("$busy")
check "a process keeps it busy" wait_until test -n "$(pgrep -f 'sleep 4242' || true)"
check_eq "LazyUnmount=yes: stopping it works although it is busy" 0 "$(ctl_rc stop mnt-deep-lazy.mount)"
check "  and it is out of the mount table" not_mounted /mnt/deep/lazy
kill "$busy" 2>/dev/null || true
pkill -f 'sleep 4242' 2>/dev/null || true

check_eq "emberctl stop mnt-a.mount" 0 "$(ctl_rc stop mnt-a.mount)"
check "unmounts it" not_mounted /mnt/a
check_eq "  and the unit is inactive" inactive "$(active_state mnt-a.mount)"
check_eq "emberctl start mnt-a.mount mounts it again" 0 "$(ctl_rc start mnt-a.mount)"
check "  mounted" mounted /mnt/a

pid1_poweroff
check "the fstab mounts were unmounted on the way down" log_has "Stopped mnt-a.mount"
it_finish
