#!/bin/bash
# Automount units on the kernel's autofs protocol, with ember as the real PID 1 of a fresh
# PID + mount namespace (ember.automount(5)):
#  a) started, the automount is active (waiting) with an autofs mount at Where=, the mount
#     unit inactive;
#  b) a process reading a file below Where= sleeps until the mount is done (the mount unit
#     waits for gate.service, which waits for the test) and then reads the file from the
#     ext4 image; a process not touching Where= finishes meanwhile (order of events, not
#     timing); /bin/mount, run by the manager in its own process group, is not held by the
#     placeholder;
#  c) a mount that fails (What= an image with no file system) gives the reader an error, not a hang, and
#     the next access, after the unit is fixed and reloaded, mounts;
#  d) TimeoutIdleSec=2s (set by a drop-in and daemon-reload): the idle mount is unmounted,
#     the placeholder is back, and the next access mounts again;
#  e) stopping the automount removes the placeholder; stopped while the real mount is up,
#     that mount stays and the placeholder goes with it;
#  f) Where= not matching the name, an API file system, and ExtraOptions= ember cannot
#     honour are refused at load with a reason.
# The processes that read Where= run in the test's process group, ember in another
# (setsid): the kernel lets the manager's group through without asking.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
command -v nsenter >/dev/null || skip "nsenter is missing"
command -v setsid >/dev/null || skip "setsid is missing"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is missing (e2fsprogs)"
modprobe -q autofs4 2>/dev/null || true
if [[ ! -e /dev/autofs ]]; then
	# No autofs in this kernel: what can be shown is that a start fails with the reason
	# and the manager carries on. The rest needs a kernel with autofs
	# (tests/helpers/vm-run.sh runs this test in a VM that has one).
	it_setup
	where=$WORK/am
	esc=${where#/}
	esc=${esc//-/\\x2d}
	esc=${esc//\//-}
	printf '[Mount]\nWhat=tmpfs\nType=tmpfs\n' >"$UNITS/$esc.mount"
	printf '[Automount]\nWhere=%s\n' "$where" >"$UNITS/$esc.automount"
	start_ember
	check_eq "without autofs, starting an automount fails" 1 "$(ctl_rc start "$esc.automount")"
	check_eq "  the unit is failed" failed "$(active_state "$esc.automount")"
	check "  the log names the step and the reason" \
		log_has "step open /dev/autofs: No such file or directory (the kernel has no autofs support"
	check "  the manager still answers" ember_answers
	stop_ember
	((IT_FAILED == 0)) || it_finish
	vm_rerun autofs
	skip "no /dev/autofs: this kernel has no autofs (only the failure without it was checked)"
fi
SOURCE_UNITS=$(realpath "$(dirname "$0")/../../units")
it_setup
chmod 755 "$WORK"
SHIPPED=$WORK/shipped
mkdir -p "$SHIPPED"
cp "$SOURCE_UNITS"/*.target "$SHIPPED/"

pid1_setup
READERS=()
kill_readers() {
	local p
	for p in "${READERS[@]}"; do proc_alive "$p" && kill -KILL "$p" 2>/dev/null; done
	return 0
}
PID1_CLEANUP=kill_readers

# The file system the automount brings: an ext4 image with a file in it.
truncate -s 8M "$WORK/data.img"
mkfs.ext4 -q -F "$WORK/data.img"
echo hello >"$WORK/hello.txt"
debugfs -w -R "write $WORK/hello.txt hello" "$WORK/data.img" >/dev/null 2>&1 ||
	skip "debugfs cannot write into the image"
echo other >"$WORK/other.txt"

# gate.service: the mount waits for it; it waits for the test (until $M/gate-open exists).
mkfifo "$M/gate.fifo"
cat >"$WORK/gate" <<EOS
#!/bin/sh
echo gate-started >>$M/events
[ -e $M/gate-open ] || read x <$M/gate.fifo
echo gate-opened >>$M/events
EOS
chmod +x "$WORK/gate"
unit gate.service <<EOF
[Unit]
Description=Holds the mount until the test opens it
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=$WORK/gate
EOF
unit mnt-data.mount <<EOF
[Unit]
Description=The data image
Requires=gate.service
After=gate.service
[Mount]
What=$WORK/data.img
Where=/mnt/data
Type=ext4
Options=loop,ro
EOF
unit mnt-data.automount <<EOF
[Unit]
Description=Automount for /mnt/data
[Automount]
Where=/mnt/data
DirectoryMode=0750
EOF
# Refused at load, each for its own reason.
unit mnt-other.automount <<EOF
[Automount]
Where=/mnt/elsewhere
EOF
unit proc-fs.automount <<EOF
[Automount]
Where=/proc/fs
EOF
unit mnt-opts.automount <<EOF
[Automount]
ExtraOptions=strictexpire,pgrp=1
EOF

# A session of its own: the readers below (this script's process group) must not be in
# the manager's group, or the kernel would let them through without asking.
pid1_boot setsid <<EOS
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS:$SHIPPED" --runtime-dir="$RT" --log-target=console \
	--show-status || rc=\$?
exit \$rc
EOS
# The type of the top-most mount at PATH in the namespace, empty if none. From ember's
# mountinfo: looking PATH up could itself trigger the automount.
top_fstype() {
	awk -v p="$1" '$5 == p {for (i = 7; $i != "-"; i++); t = $(i + 1)} END {print t}' \
		"/proc/$E/mountinfo" 2>/dev/null
}
top_options() {
	awk -v p="$1" '$5 == p {for (i = 7; $i != "-"; i++); t = $(i + 3)} END {print t}' \
		"/proc/$E/mountinfo" 2>/dev/null
}
top_source() {
	awk -v p="$1" '$5 == p {for (i = 7; $i != "-"; i++); t = $(i + 2)} END {print t}' \
		"/proc/$E/mountinfo" 2>/dev/null
}
top_is() { [[ $(top_fstype "$1") == "$2" ]]; }
events_have() { grep -qx -- "$1" "$M/events" 2>/dev/null; }
# reader NAME: reads /mnt/data/hello in the namespace in the background; the result goes
# to $M/NAME.out/.err and "NAME-done RC" to the events.
reader() {
	(
		rc=0
		timeout 120 nsenter --target "$E" --mount --pid --root -- cat /mnt/data/hello \
			>"$M/$1.out" 2>"$M/$1.err" || rc=$?
		echo "$1-done $rc" >>"$M/events"
	) &
	READERS+=($!)
}
reader_rc() { sed -n "s/^$1-done //p" "$M/events" 2>/dev/null; }
reader_done() { [[ -n $(reader_rc "$1") ]]; }

check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active

# f) refused at load.
check_eq "Where= must match the name" "bad-setting" "$(prop mnt-other.automount LoadState)"
check "  and the reason says so" log_has "Where=/mnt/elsewhere does not match the unit name mnt-other.automount"
check_eq "an API file system is refused" "bad-setting" "$(prop proc-fs.automount LoadState)"
check "  with a reason" log_has "Where=/proc/fs is an API file system"
check_eq "ExtraOptions=pgrp=1 is refused" "bad-setting" "$(prop mnt-opts.automount LoadState)"
check "  naming the option" log_has "option 'pgrp=1' is not supported on an automount"
check_eq "the refused unit does not start" 1 "$(ctl_rc start proc-fs.automount)"

# a) started: the placeholder.
check_eq "emberctl start mnt-data.automount" 0 "$(ctl_rc start mnt-data.automount)"
check_eq "it is active (waiting)" "active waiting" \
	"$(prop mnt-data.automount ActiveState) $(prop mnt-data.automount SubState)"
check_eq "an autofs mount is at /mnt/data" autofs "$(top_fstype /mnt/data)"
check_eq "  made by ember" ember "$(top_source /mnt/data)"
# The kernel shows the group it lets through in our PID namespace's numbers: ember's
# group, although ember, PID 1 of its namespace, could not name it (getpgrp() is 0 there).
autofs_pgrp() { grep -o 'pgrp=[0-9]*' <<<"$(top_options /mnt/data)" | cut -d= -f2; }
check_eq "  letting ember's process group through" "$(ps -o pgid= -p "$E" | tr -d ' ')" "$(autofs_pgrp)"
check_eq "Where= and its parent were created with DirectoryMode=" 750 "$(pid1_exec stat -c %a /mnt)"
check_eq "the mount unit is inactive" inactive "$(active_state mnt-data.mount)"
check_eq "it triggers the mount unit" mnt-data.mount "$(prop mnt-data.automount Triggers)"
check "status shows the state and Where" grep -q "active (waiting)" <(ctl status mnt-data.automount)
check "  and what it did" grep -q "Set up automount on /mnt/data" <(ctl status mnt-data.automount)

# b) the first access mounts; the reader waits for it, a bystander does not.
reader first
check "the access starts the mount unit's job: gate.service runs" wait_until events_have gate-started
check "  the mount unit's start job waits for it" \
	grep -q "mnt-data.mount *start" <(ctl list-jobs --no-legend)
pid1_exec cat "$WORK/other.txt" >"$M/bystander.out"
echo bystander-done >>"$M/events"
check "a process not touching /mnt/data finished meanwhile" events_have bystander-done
check "  while the reader still waits in the kernel" test -z "$(reader_rc first)"
check "  (its process is alive)" proc_alive "${READERS[0]}"
touch "$M/gate-open"
echo go >"$M/gate.fifo"
check "the reader finishes once the mount is done" wait_until reader_done first
check_eq "  successfully" 0 "$(reader_rc first)"
check_eq "  with the file from the image" hello "$(cat "$M/first.out")"
order=$(tr '\n' ',' <"$M/events")
in_order() { [[ $order == *bystander-done*gate-opened*first-done* ]]; }
check "  events in order: bystander done, gate opened, read done ($order)" in_order
check_eq "the mount unit is active (/bin/mount, in the manager's group, was let through)" \
	active "$(active_state mnt-data.mount)"
check_eq "the automount is running" running "$(prop mnt-data.automount SubState)"
check_eq "ext4 is on top of the placeholder" ext4 "$(top_fstype /mnt/data)"

# c) a failing mount: an error for the reader, and the next access tries again.
check_eq "emberctl stop mnt-data.mount" 0 "$(ctl_rc stop mnt-data.mount)"
check "the automount is back to waiting" wait_until prop_is mnt-data.automount SubState waiting
check_eq "  the placeholder is on top again" autofs "$(top_fstype /mnt/data)"
mkdir -p "$UNITS/mnt-data.mount.d"
# An image that is no file system (Type=nonexistentfs would not do: with -o loop,
# util-linux's mount probes the type and mounts anyway).
truncate -s 1M "$WORK/bad.img"
printf '[Mount]\nWhat=%s\n' "$WORK/bad.img" >"$UNITS/mnt-data.mount.d/broken.conf"
ctl daemon-reload
check_eq "the drop-in breaks the mount unit" "$WORK/bad.img" "$(prop mnt-data.mount What)"
reader broken
check "a reader of a mount that fails finishes (no hang)" wait_until reader_done broken
rc=$(reader_rc broken)
failed_quickly() { [[ $rc != 0 && $rc != 124 ]]; }
check "  with an error (exit $rc), not the timeout" failed_quickly
check "  that says so: $(head -c 120 "$M/broken.err")" grep -qi "no such file or directory" "$M/broken.err"
check_eq "the mount unit failed" failed "$(active_state mnt-data.mount)"
check_eq "the automount is still waiting" "active waiting" \
	"$(prop mnt-data.automount ActiveState) $(prop mnt-data.automount SubState)"
check "the failure is in the automount's log" log_has "waiting request(s) get an error"
rm "$UNITS/mnt-data.mount.d/broken.conf"
ctl daemon-reload
reader fixed
check "the next access, after the fix, finishes" wait_until reader_done fixed
check_eq "  successfully" 0 "$(reader_rc fixed)"
check_eq "  with the file" hello "$(cat "$M/fixed.out")"
check_eq "the mount unit is active" active "$(active_state mnt-data.mount)"

# d) idle expiry.
mkdir -p "$UNITS/mnt-data.automount.d"
printf '[Automount]\nTimeoutIdleSec=2s\n' >"$UNITS/mnt-data.automount.d/idle.conf"
ctl daemon-reload
check "the idle mount is unmounted: the placeholder is on top again" \
	wait_until -n 600 top_is /mnt/data autofs
check "  the mount unit is inactive" wait_until state_is mnt-data.mount inactive
check "  the automount is waiting" wait_until prop_is mnt-data.automount SubState waiting
check "  the log says why" log_has "has been idle for 2s, unmounting"
reader again
check "an access after expiry mounts again" wait_until reader_done again
check_eq "  successfully" 0 "$(reader_rc again)"
check_eq "  with the file" hello "$(cat "$M/again.out")"
check "  and it expires again" wait_until -n 600 top_is /mnt/data autofs
rm "$UNITS/mnt-data.automount.d/idle.conf"
ctl daemon-reload

# e) stop.
check_eq "emberctl stop mnt-data.automount" 0 "$(ctl_rc stop mnt-data.automount)"
check_eq "  the automount is inactive" inactive "$(active_state mnt-data.automount)"
check "  nothing is mounted at /mnt/data any more" wait_until top_is /mnt/data ""
check "an access now sees the empty directory at once" pid1_exec test ! -e /mnt/data/hello
check_eq "started again" 0 "$(ctl_rc start mnt-data.automount)"
reader last
check "  an access mounts" wait_until reader_done last
check_eq "  successfully" 0 "$(reader_rc last)"
check_eq "stopped while the real mount is up" 0 "$(ctl_rc stop mnt-data.automount)"
check_eq "  the real mount stays" ext4 "$(top_fstype /mnt/data)"
check_eq "  its unit stays active" active "$(active_state mnt-data.mount)"
check_eq "  and it is reachable" hello "$(pid1_exec cat /mnt/data/hello)"
check_eq "stopping the mount unit" 0 "$(ctl_rc stop mnt-data.mount)"
check "  takes the placeholder under it away too" wait_until top_is /mnt/data ""

pid1_poweroff
it_finish
