#!/bin/bash
# Device units from a real udevd, with ember as PID 1 of a fresh PID + mount + network
# namespace (see test-pid1.sh for the namespace root):
#  - ember starts its own udevd.service (Debian's /lib/systemd/systemd-udevd, Type=notify)
#    and udev-trigger.service (`udevadm trigger --action=add --settle` for one loop device);
#  - (a) loop device A, attached before ember starts, becomes dev-loopA.device, plugged,
#    together with its sysfs name and its by-label link; a unit with BindsTo= on it runs;
#  - (b) a unit with Requires=/After= on loop device B, not attached yet, waits (its job and
#    the device's job are queued) and runs once the test attaches B: the unit itself records
#    that the device was attached when it ran;
#  - (c) a unit waiting for a device that never comes fails with "dependency" once the
#    device's job times out (JobRunningTimeoutSec= from a dev-....device.d drop-in);
#  - (e) a udev rule with ENV{SYSTEMD_WANTS}+="marker.service" starts marker.service when
#    loop device W is attached;
#  - (d) detaching a loop device (SYSTEMD_READY=0 from Debian's 99-systemd.rules) makes its
#    units inactive, and the unit bound to it stops.
#
# The namespace's udevd uses the host's devtmpfs (bound read-write: udevd makes the links
# there, and libudev only keeps a monitor whose udevd is not running yet on a devtmpfs),
# its own /run (ember's tmpfs) and its own network namespace, so that its events reach
# this ember only, and a udevd of the host (if any) does not talk to it. Every rule file
# but 60-persistent-storage.rules and 99-systemd.rules is masked in the namespace's
# /etc/udev/rules.d, so it changes nothing in /dev but the links of the test's devices;
# those are removed at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --net --fork --mount-proc true 2>/dev/null ||
	skip "cannot create PID+mount+network namespaces here"
UDEVD=/lib/systemd/systemd-udevd
[[ -x $UDEVD ]] || skip "$UDEVD is missing (Debian's udev package)"
UDEVADM=$(command -v udevadm) || skip "udevadm is not installed"
command -v losetup >/dev/null || skip "needs losetup"
[[ -c /dev/loop-control ]] || skip "no /dev/loop-control (loop driver)"
[[ $(awk '$5 == "/dev" {for (i = 7; $i != "-"; i++); print $(i + 1)}' /proc/self/mountinfo |
	tail -n 1) == devtmpfs && -d /sys/devices/virtual/block ]] ||
	skip "/dev is not a devtmpfs or /sys has no block devices"
RULES_DIR=/usr/lib/udev/rules.d
[[ -e $RULES_DIR/99-systemd.rules ]] || RULES_DIR=/lib/udev/rules.d
[[ -e $RULES_DIR/99-systemd.rules ]] || skip "udev's 99-systemd.rules is missing"

# Three loop devices nobody uses: A (attached now), B and W (attached later).
free_loops=()
for d in /sys/devices/virtual/block/loop*; do
	n=${d##*/loop}
	[[ $n =~ ^[0-9]+$ && ! -e $d/loop/backing_file && -b /dev/loop$n ]] && free_loops+=("$n")
done
((${#free_loops[@]} >= 3)) || skip "needs three unused loop devices (found ${#free_loops[@]})"
A=${free_loops[0]} B=${free_loops[1]} W=${free_loops[2]}
it_setup
chmod 755 "$WORK"

pid1_setup
ATTACHED=()

# Links udevd may make for the test's devices, and whether their folders were there.
LINK_DIRS=(/dev/disk /dev/block)
declare -A DIR_EXISTED=()
for d in "${LINK_DIRS[@]}"; do [[ -d $d ]] && DIR_EXISTED[$d]=1; done
declare -A LINK_EXISTED=()
while read -r l; do LINK_EXISTED[$l]=1; done < <(find "${LINK_DIRS[@]}" -type l 2>/dev/null)

detach() {
	local n=$1 i
	losetup -d "/dev/loop$n" 2>/dev/null || true
	for i in "${!ATTACHED[@]}"; do [[ ${ATTACHED[$i]} == "$n" ]] && unset "ATTACHED[$i]"; done
	return 0
}

# Links to the test's loop devices that were not there before go, and then the folders
# udevd made for them if they are empty.
remove_links() {
	local l t n
	while read -r l; do
		[[ -n ${LINK_EXISTED[$l]:-} ]] && continue
		t=$(readlink -f "$l" 2>/dev/null) || continue
		for n in "$A" "$B" "$W"; do [[ $t == /dev/loop$n ]] && rm -f "$l"; done
	done < <(find "${LINK_DIRS[@]}" -type l 2>/dev/null)
	for l in "${LINK_DIRS[@]}"; do
		[[ -n ${DIR_EXISTED[$l]:-} || ! -d $l ]] && continue
		find "$l" -depth -type d -empty -delete 2>/dev/null
	done
	return 0
}

detach_and_unlink() {
	local n
	for n in "${ATTACHED[@]}"; do losetup -d "/dev/loop$n" 2>/dev/null; done
	remove_links
}
PID1_CLEANUP=detach_and_unlink

truncate -s 8M "$WORK/a.img" "$WORK/b.img" "$WORK/e.img"
LABEL=
if command -v mkfs.ext4 >/dev/null && mkfs.ext4 -q -F -L embertestA "$WORK/a.img" 2>/dev/null; then
	LABEL=embertestA
fi
losetup "/dev/loop$A" "$WORK/a.img" || skip "cannot attach /dev/loop$A"
ATTACHED+=("$A")
SYSFS_A=/sys/devices/virtual/block/loop$A

# ---- units ----
# attached N FILE: writes whether loop device N has a file attached (as the unit sees it).
cat >"$WORK/attached" <<'EOS'
#!/bin/sh
if [ -s "/sys/block/loop$1/loop/backing_file" ]; then echo attached; else echo detached; fi >"$2"
EOS
chmod +x "$WORK/attached"
unit udevd.service <<EOF
[Unit]
Description=udev (the test's own)
DefaultDependencies=no
[Service]
Type=notify
ExecStart=$UDEVD
EOF
unit udev-trigger.service <<EOF
[Unit]
Description=Announce the loop device attached before boot
DefaultDependencies=no
Requires=udevd.service
After=udevd.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$UDEVADM trigger --action=add --settle $SYSFS_A
EOF
unit bound.service <<EOF
[Unit]
Description=Runs while loop device A is there
BindsTo=dev-loop$A.device
After=dev-loop$A.device
[Service]
ExecStart=/bin/sleep 1000
EOF
unit waiting.service <<EOF
[Unit]
Description=Needs loop device B
Requires=dev-loop$B.device
After=dev-loop$B.device
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$WORK/attached $B $M/b-started
EOF
unit never.service <<EOF
[Unit]
Description=Needs a device that never comes
Requires=dev-embernever.device
After=dev-embernever.device
[Service]
Type=oneshot
ExecStart=/bin/touch $M/never-ran
EOF
mkdir -p "$UNITS/dev-embernever.device.d"
unit timeout.conf "$UNITS/dev-embernever.device.d" <<EOF
[Unit]
JobRunningTimeoutSec=2s
EOF
mkdir -p "$UNITS/dev-emberforever.device.d"
unit forever.conf "$UNITS/dev-emberforever.device.d" <<EOF
[Unit]
JobTimeoutSec=infinity
EOF
unit marker.service <<EOF
[Unit]
Description=Wanted by loop device W through udev
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$WORK/attached $W $M/marker
EOF
mkdir -p "$UNITS/multi-user.target.wants"
for u in udevd.service udev-trigger.service bound.service; do
	ln -s "../$u" "$UNITS/multi-user.target.wants/$u"
done

# ---- the namespace ----
pid1_boot <<EOS
mount -o remount,bind,rw "$ROOT/dev"
mkdir -p "$ROOT/etc/udev/rules.d"
for f in "$RULES_DIR"/*.rules; do
	case \${f##*/} in
	60-persistent-storage.rules|99-systemd.rules) ;;
	*) ln -s /dev/null "$ROOT/etc/udev/rules.d/\${f##*/}" ;;
	esac
done
cat >"$ROOT/etc/udev/rules.d/90-ember-test.rules" <<'EOR'
SUBSYSTEM=="block", KERNEL=="loop$W", ENV{SYSTEMD_WANTS}+="marker.service", TAG+="systemd"
EOR
rc=0
unshare --pid --net --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS" --runtime-dir="$RT" --log-target=console --show-status || rc=\$?
exit \$rc
EOS
check "its socket answers" wait_until ember_answers
check "udevd.service (Type=notify) is up" wait_until state_is udevd.service active
check "multi-user.target is reached" wait_until state_is multi-user.target active

# ---- (a) a device that was there before ember ----
DA=dev-loop$A.device
check_eq "$DA is active" active "$(active_state "$DA")"
check_eq "$DA sub-state" plugged "$(prop "$DA" SubState)"
check_eq "$DA SysFSPath" "$SYSFS_A" "$(prop "$DA" SysFSPath)"
check_eq "its sysfs name sys-devices-virtual-block-loop$A.device is active" active \
	"$(active_state "sys-devices-virtual-block-loop$A.device")"
check_eq "  ... with the same SysFSPath" "$SYSFS_A" \
	"$(prop "sys-devices-virtual-block-loop$A.device" SysFSPath)"
if [[ -n $LABEL ]]; then
	check_eq "its link /dev/disk/by-label/$LABEL: dev-disk-by\\x2dlabel-$LABEL.device is active" \
		active "$(active_state "dev-disk-by\\x2dlabel-$LABEL.device")"
else
	echo "(no mkfs.ext4: the by-label link is not checked)"
fi
status=$(ctl status "$DA" 2>&1) || true
echo "$status" | sed 's/^/    | /'
check "status: Loaded: loaded" grep -qE "^ *Loaded: loaded" <<<"$status"
check "status: Active: active (plugged)" grep -qE "^ *Active: active \(plugged\)" <<<"$status"
check "status: Device: $SYSFS_A" grep -qE "^ *Device: $SYSFS_A\$" <<<"$status"
check_eq "a device unit has the default job timeout (90 s)" "1min 30s" \
	"$(prop "$DA" JobTimeoutUSec)"
check_eq "bound.service (BindsTo=$DA) runs" active "$(active_state bound.service)"
check_eq "emberctl stop on a device is refused" 1 "$(ctl_rc stop "$DA")"
check_eq "  ... and it stays plugged" active "$(active_state "$DA")"

# ---- (b) a unit waits for a device that comes later ----
DB=dev-loop$B.device
check_eq "$DB is inactive before B is attached" inactive "$(active_state "$DB")"
rc=0
ctl start --no-block waiting.service || rc=$?
check_eq "emberctl start --no-block waiting.service" 0 "$rc"
jobs_show() { ctl list-jobs --no-legend 2>/dev/null | awk -v u="$1" '$2 == u {print $3, $4}'; }
job_is() { [[ $(jobs_show "$1") == "$2" ]]; }
check "the device's start job runs (waits for the device)" wait_until job_is "$DB" "start running"
check_eq "waiting.service's start job waits for it" "start waiting" "$(jobs_show waiting.service)"
check_eq "waiting.service is not started" inactive "$(active_state waiting.service)"
check "  ... and has not run" test ! -e "$M/b-started"
losetup "/dev/loop$B" "$WORK/b.img"
ATTACHED+=("$B")
check "after attaching loop$B, waiting.service runs" wait_until state_is waiting.service active
check_eq "it ran with the device attached" attached "$(cat "$M/b-started" 2>/dev/null)"
check_eq "$DB is active" active "$(active_state "$DB")"
check_eq "no job left for $DB" "" "$(jobs_show "$DB")"

# ---- (c) a device that never comes ----
check_eq "the drop-in sets the device's job timeout" 2s \
	"$(prop dev-embernever.device JobTimeoutUSec)"
check_eq "JobTimeoutSec=infinity in a drop-in stays infinite" infinity \
	"$(prop dev-emberforever.device JobTimeoutUSec)"
out=$(ctl start never.service 2>&1) && rc=0 || rc=$?
echo "    | $out"
check "emberctl start never.service fails" test "$rc" -ne 0
check "  ... because of a dependency" grep -q "A dependency job for never.service failed" <<<"$out"
check_eq "never.service did not run" "" "$(ls "$M/never-ran" 2>/dev/null)"
check_eq "never.service is not active" inactive "$(active_state never.service)"
check "the log says the device's job timed out" \
	log_has "Job dev-embernever.device/start timed out."
check "the console says what was awaited" \
	log_has "Timed out starting dev-embernever.device - /dev/embernever."
check "  ... and that never.service failed for it" log_has "Dependency failed for never.service"

# ---- (e) SYSTEMD_WANTS from a udev rule ----
check_eq "marker.service has not run" inactive "$(active_state marker.service)"
losetup "/dev/loop$W" "$WORK/e.img"
ATTACHED+=("$W")
check "attaching loop$W starts marker.service (SYSTEMD_WANTS)" \
	wait_until state_is marker.service active
check_eq "  ... with the device attached" attached "$(cat "$M/marker" 2>/dev/null)"
check "dev-loop$W.device Wants=marker.service" \
	grep -qw marker.service <<<"$(prop "dev-loop$W.device" Wants)"

rc=0
ctl daemon-reload || rc=$?
check_eq "daemon-reload" 0 "$rc"
check_eq "  ... keeps dev-loop$W.device plugged" active "$(active_state "dev-loop$W.device")"
check "  ... and its Wants=marker.service" \
	grep -qw marker.service <<<"$(prop "dev-loop$W.device" Wants)"
check_eq "  ... and its SysFSPath" "/sys/devices/virtual/block/loop$W" \
	"$(prop "dev-loop$W.device" SysFSPath)"

# ---- a changed link: the old name goes, the new one comes ----
if [[ -n $LABEL ]] && command -v e2label >/dev/null && command -v nsenter >/dev/null; then
	e2label "/dev/loop$A" embertestA2
	rc=0
	nsenter --target "$E" --mount --net --root "$UDEVADM" trigger --action=change \
		--settle "$SYSFS_A" || rc=$?
	check_eq "relabel loop$A and udevadm trigger --action=change in the namespace" 0 "$rc"
	check "dev-disk-by\\x2dlabel-embertestA2.device comes" \
		wait_until state_is 'dev-disk-by\x2dlabel-embertestA2.device' active
	check "dev-disk-by\\x2dlabel-$LABEL.device goes" \
		wait_until state_is "dev-disk-by\\x2dlabel-$LABEL.device" inactive
	check_eq "$DA stays" active "$(active_state "$DA")"
	check_eq "bound.service stays" active "$(active_state bound.service)"
	LABEL=embertestA2
else
	echo "(no e2label or nsenter: a changed link is not checked)"
fi

# ---- (d) devices that go ----
detach "$B"
check "detaching loop$B: $DB goes inactive" wait_until state_is "$DB" inactive
check_eq "  ... and its sysfs name too" inactive \
	"$(active_state "sys-devices-virtual-block-loop$B.device")"
check_eq "  ... and its SysFSPath is empty" "" "$(prop "$DB" SysFSPath)"
check_eq "waiting.service (Requires= only) stays" active "$(active_state waiting.service)"
detach "$A"
check "detaching loop$A: $DA goes inactive" wait_until state_is "$DA" inactive
if [[ -n $LABEL ]]; then
	check_eq "  ... and so does its by-label unit" inactive \
		"$(active_state "dev-disk-by\\x2dlabel-$LABEL.device")"
fi
check "bound.service (BindsTo=) is stopped with it" wait_until state_is bound.service inactive
check "  ... and the log says why" log_has "Stopping, because $DA went away."
detach "$W"
check "detaching loop$W: dev-loop$W.device goes inactive" \
	wait_until state_is "dev-loop$W.device" inactive

# ---- the end ----
kill -s RTMIN+4 "$E"
check "SIGRTMIN+4: ember stops the units" wait_until log_has "Stopping all units before shutting down"
check "the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
check "unshare returned" wait_until -n 100 proc_gone "$UNSHARE_PID"
wait "$UNSHARE_PID" || true
UNSHARE_PID=
E=
check "udevd.service was stopped on the way" log_has "Stopped udevd.service"
it_finish
