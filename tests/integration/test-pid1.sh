#!/bin/bash
# ember as the real PID 1 of a fresh PID + mount namespace:
#   unshare --pid --fork --mount-proc --root=ROOT ember --system --unit-path=... \
#           --runtime-dir=... --log-target=console
# (inside `unshare --mount` so that ROOT's mounts stay private).
# ROOT is a tmpfs with read-only bind mounts of /usr and /dev, so that what PID 1 does to
# "/" on its way out (it remounts it read-only) only ever touches that tmpfs.
#  - it starts multi-user.target, emberctl (from outside) talks to it;
#  - a service double-forks an orphan: the orphan is reparented to ember, and when it
#    exits ember reaps it (its /proc entry disappears; no zombie in the namespace);
#  - SIGTERM is ignored by PID 1; SIGRTMIN+4 (poweroff) stops the units and ends the
#    namespace (every process of it is gone).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
# A chroot or a restricted container may not allow new PID and mount namespaces.
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
it_setup

ROOT=$WORK/root
mkdir -p "$ROOT"
NS_LOG=$WORK/pid1.log
# shellcheck disable=SC2034 # read by log_has and the cleanup
LOG=$NS_LOG
UNSHARE_PID=
E= # ember's PID as seen from here

# Extra cleanup: kill the namespace's init (which ends the namespace), then unshare.
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
	(exit "$rc")
	it_cleanup
}
trap pid1_cleanup EXIT

# orphan: double-forked by orphan.service; waits for $M/release, then exits.
cat >"$WORK/orphan" <<EOS
#!/bin/sh
echo \$\$ >$M/orphan.nspid
i=0
while [ ! -e $M/release ]; do i=\$((i + 1)); [ \$i -gt 600 ] && exit 1; sleep 0.1; done
exit 0
EOS
chmod +x "$WORK/orphan"
unit orphan.service <<EOF
[Unit]
Description=Leaves an orphan behind
[Service]
ExecStart=/bin/sh -c '( $WORK/orphan & ); exec sleep 1000'
EOF
unit later.service <<EOF
[Unit]
Description=Started through emberctl
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch $M/later
EOF
mkdir -p "$UNITS/multi-user.target.wants"
ln -s ../orphan.service "$UNITS/multi-user.target.wants/orphan.service"

# Runs in the new mount namespace: builds ROOT, then becomes the PID namespace's parent.
{
	echo "#!/bin/bash"
	echo "set -euo pipefail"
	pid1_root_lines "$ROOT"
	cat <<EOS
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS" --runtime-dir="$RT" --log-target=console --show-status || rc=\$?
# The superblock options of ROOT (shared with the namespace's copy of the mount).
awk -v r="$ROOT" '\$5 == r {print \$NF}' /proc/self/mountinfo >"$WORK/root-superblock"
exit \$rc
EOS
} >"$WORK/enter"
chmod +x "$WORK/enter"

unshare --mount --propagation private "$WORK/enter" >"$NS_LOG" 2>&1 </dev/null &
UNSHARE_PID=$!
# UNSHARE_PID runs enter, which runs the inner unshare; its child is ember.
first_child() {
	local p
	E=
	for p in $(pgrep -P "$UNSHARE_PID" -x unshare); do E=$(pgrep -P "$p" -x ember | head -n 1); done
	[[ -n $E ]]
}
check "the namespace's PID 1 was forked" wait_until first_child
check_eq "it is ember" ember "$(cat /proc/$E/comm 2>/dev/null)"
check_eq "it is PID 1 in its namespace" 1 "$(awk '/^NSpid:/ {print $NF}' /proc/$E/status)"
check_eq "its / is ROOT's tmpfs, read-write" "tmpfs rw" \
	"$(awk '$5 == "/" {for (i = 7; $i != "-"; i++); split($(i + 3), o, ","); print $(i + 1), o[1]}' \
		"/proc/$E/mountinfo" | tail -n 1)"
check "its socket answers" wait_until ember_answers
check "it says it runs as PID 1" wait_until log_has "running as system manager (PID 1)"
check "multi-user.target is reached" wait_until state_is multi-user.target active
check_eq "SystemState" running "$(ctl show -P SystemState)"
check "list-units works" grep -q "orphan.service" <(ctl list-units --no-legend)

# Every process of ember's PID namespace, as host PIDs.
ns_of_e=$(readlink /proc/$E/ns/pid)
ns_pids() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns_of_e" ]] && echo "${p#/proc/}"
	done
	return 0
}
zombies() {
	local p
	for p in $(ns_pids); do [[ $(proc_state "$p") == Z ]] && echo "$p"; done
	return 0
}
no_zombies() { [[ -z $(zombies) ]]; }

check "orphan.service is active" wait_until state_is orphan.service active
check "the orphan started" wait_until test -s "$M/orphan.nspid"
orphan_ns=$(cat "$M/orphan.nspid")
orphan=
for p in $(ns_pids); do
	[[ $(awk '/^NSpid:/ {print $NF}' /proc/$p/status 2>/dev/null) == "$orphan_ns" ]] && orphan=$p
done
check "the orphan is found from outside (namespace PID $orphan_ns)" test -n "$orphan"
check_eq "the orphan's parent is ember (PID 1)" "$E" "$(awk '/^PPid:/ {print $2}' /proc/$orphan/status)"
# The main process: the service's shell after `exec sleep 1000`, a child of ember.
find_main() { main=$(pgrep -P "$E" -x sleep | head -n 1); [[ -n $main ]]; }
main=
wait_until find_main || true
main_ns=$(prop orphan.service MainPID)
check_eq "MainPID (a namespace PID) is the sleep" "$main_ns" \
	"$(awk '/^NSpid:/ {print $NF}' /proc/$main/status 2>/dev/null)"

touch "$M/release"
check "the orphan exited and was reaped (its /proc entry is gone)" \
	wait_until test ! -e "/proc/$orphan"
check "no zombie in the namespace" wait_until -n 50 no_zombies
check_eq "orphan.service still active" active "$(active_state orphan.service)"

rc=0
ctl start later.service || rc=$?
check_eq "emberctl start later.service" 0 "$rc"
check "later.service ran" test -e "$M/later"
ctl stop orphan.service
check "stop orphan.service: its sleep is gone" wait_until -n 100 test ! -e "/proc/$main"
check "no zombie in the namespace" wait_until -n 50 no_zombies
ctl start orphan.service

kill -TERM "$E"
check "PID 1 ignores SIGTERM: it still answers" ember_answers
check "  ... twice" ember_answers
check "  ... and still runs" proc_alive "$E"

seen=$(ns_pids)
kill -s RTMIN+4 "$E"
check "SIGRTMIN+4: ember stops the units" wait_until log_has "Stopping all units before shutting down"
check "the namespace's PID 1 is gone" wait_until -n 600 test ! -e "/proc/$E"
check "unshare returned" wait_until -n 100 proc_gone "$UNSHARE_PID"
rc=0
wait "$UNSHARE_PID" || rc=$?
UNSHARE_PID=
echo "(unshare exited with $rc)"
left=
for p in $seen; do [[ -e /proc/$p && $(readlink /proc/$p/ns/pid 2>/dev/null) == "$ns_of_e" ]] && left+=" $p"; done
check_eq "no process of the namespace is left" "" "$left"
check "orphan.service was stopped on the way" log_has "Stopped orphan.service"
# PID 1 of a PID namespace is a container's init: the filesystems it sees are shared with
# the outside (here "/" is ROOT's tmpfs; in a plain `unshare --mount` it would be the
# host's root), so on its way out it must not remount "/" read-only (systemd skips the
# unmount/remount-ro step in a container).
check_eq "PID 1 of a PID namespace left the root superblock read-write" rw \
	"$(cut -d, -f1 "$WORK/root-superblock" 2>/dev/null)"
check "the host's / is still mounted read-write" \
	grep -qE '^rw(,|$)' <(awk '$2 == "/" {print $4}' /proc/self/mounts | tail -n 1)
E=
it_finish
