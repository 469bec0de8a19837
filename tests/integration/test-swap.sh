#!/bin/bash
# Swap units, with ember as the real PID 1 of a fresh PID + mount namespace (its
# /etc/fstab is the namespace's own). Swap is the machine's, not a namespace's: the test
# uses small swap files of its own, at the lowest priorities, and switches every one of
# them off when it ends, however it ends.
#  - (a) a swap file from fstab is in use after boot: its unit is active, /proc/swaps lists
#    it with the priority fstab's Options= (pri=0) asked for;
#  - (b) emberctl stop switches it off, emberctl start on again;
#  - (c) a swapon by hand shows up as an active unit, its swapoff by hand turns it inactive;
#  - (d) a file that is no swap area (nofail in fstab) fails with result exit-code and a
#    log line naming swapon and the file; swap.target is reached anyway;
#  - (e) Priority= of a unit file reaches /proc/swaps; a What= that does not match the unit
#    name is refused when the unit is loaded;
#  - an area switched on before ember started, and described by no unit file, is shown as
#    active but left alone: this PID 1 is a container's, the area is the host's. On the
#    way down ember switches off the fstab swap, and not that one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || skip "needs root"
command -v unshare >/dev/null || skip "needs unshare"
unshare --help 2>&1 | grep -q -- --root || skip "unshare has no --root"
unshare --pid --mount --fork --mount-proc true 2>/dev/null || skip "cannot create PID+mount namespaces here"
command -v nsenter >/dev/null || skip "nsenter is missing"
for t in mkswap swapon swapoff; do
	command -v "$t" >/dev/null || skip "$t is missing (util-linux)"
done
[[ -x /sbin/swapon && -x /sbin/swapoff ]] || skip "ember runs /sbin/swapon and /sbin/swapoff"
[[ -r /proc/swaps ]] || skip "no /proc/swaps (a kernel without swap)"
SOURCE_UNITS=$(realpath "$(dirname "$0")/../../units")
it_setup
chmod 755 "$WORK"

pid1_setup
PID1_CLEANUP=swapoff_all

# Every swap file of the test ends in .swp; swapoff finds the area by the file, whatever
# path the namespace used to switch it on.
swapoff_all() {
	local f
	for f in "$WORK"/*.swp; do
		[[ -e $f ]] && swapoff "$f" 2>/dev/null
	done
	return 0
}

# A swap file: written out (no holes), private, with a swap signature.
make_swap() {
	dd if=/dev/zero of="$1" bs=1M count=16 status=none && chmod 600 "$1" &&
		mkswap "$1" >/dev/null 2>&1
}
make_swap "$WORK/probe.swp" || skip "mkswap cannot make a swap file in $WORK"
if ! out=$(swapon "$WORK/probe.swp" 2>&1); then
	skip "swapon is not permitted here: ${out:-no reason given}"
fi
swapoff "$WORK/probe.swp" || die "swapoff $WORK/probe.swp failed"
rm -f "$WORK/probe.swp"

# path_unit PATH SUFFIX: the unit name for PATH, as systemd-escape --path makes it.
path_unit() {
	local p=${1#/} out='' c i
	for ((i = 0; i < ${#p}; i++)); do
		c=${p:i:1}
		case $c in
		/) out+=- ;;
		[a-zA-Z0-9:_.]) out+=$c ;;
		*) out+=$(printf '\\x%02x' "'$c") ;;
		esac
	done
	echo "$out$2"
}

for f in a hand host p; do make_swap "$WORK/$f.swp"; done
# Not a swap area: no signature.
dd if=/dev/zero of="$WORK/bad.swp" bs=1M count=1 status=none
chmod 600 "$WORK/bad.swp"
A=$(path_unit "$WORK/a.swp" .swap)
BAD=$(path_unit "$WORK/bad.swp" .swap)
HAND=$(path_unit "$WORK/hand.swp" .swap)
HOST=$(path_unit "$WORK/host.swp" .swap)
P=$(path_unit "$WORK/p.swp" .swap)
WRONG=$(path_unit "$WORK/wrong.swp" .swap)

cat >"$WORK/fstab" <<EOF
# The namespace's fstab.
$WORK/a.swp    none  swap  sw,pri=0  0 0
$WORK/bad.swp  none  swap  nofail    0 0
EOF

# ember's own units (swap.target, umount.target, ...), where the namespace can see them.
SHIPPED=$WORK/shipped
mkdir -p "$SHIPPED"
cp "$SOURCE_UNITS"/*.target "$SOURCE_UNITS"/*.service "$SHIPPED/"
# sysinit.target pulls in swap.target, as on a distribution.
cat >>"$UNITS/sysinit.target" <<EOF
Wants=swap.target
After=swap.target
EOF
unit "$P" <<EOF
[Unit]
Description=Swap file with a priority
[Swap]
What=$WORK/p.swp
Priority=1
EOF
mkdir -p "$UNITS/swap.target.wants"
ln -s "../$P" "$UNITS/swap.target.wants/$P"
unit "$WRONG" <<EOF
[Swap]
What=$WORK/p.swp
EOF

# Switched on before ember starts, and no unit file describes it: the host's area.
swapon "$WORK/host.swp"

pid1_boot <<EOS
cp "$WORK/fstab" "$ROOT/etc/fstab"
rc=0
unshare --pid --fork --mount-proc --root="$ROOT" /ember --system \
	--unit-path="$UNITS:$SHIPPED:$RT/generator" --runtime-dir="$RT" --log-target=console \
	--show-status || rc=\$?
exit \$rc
EOS
# swap_priority PATH: the priority /proc/swaps gives PATH, read as the namespace sees it;
# nothing if the area is not in use.
swap_priority() { pid1_exec cat /proc/swaps | awk -v p="$1" 'NR > 1 && $1 == p { print $5 }'; }
in_use() { [[ -n $(swap_priority "$1") ]]; }
not_in_use() { ! in_use "$1"; }
# in_use_host FILE: the host lists an area whose path ends in /FILE (its path there may
# go through the namespace's mounts).
in_use_host() {
	awk -v f="/$1" 'NR > 1 && substr($1, length($1) - length(f) + 1) == f { n++ }
		END { exit !n }' /proc/swaps
}

check "its socket answers" wait_until ember_answers
check "multi-user.target is reached" wait_until state_is multi-user.target active

# (a)
check_eq "the fstab swap file's unit is active" "active active" \
	"$(prop "$A" ActiveState) $(prop "$A" SubState)"
check_eq "  /proc/swaps lists it, with fstab's pri=0" 0 "$(swap_priority "$WORK/a.swp")"
check_eq "  its SourcePath is /etc/fstab" /etc/fstab "$(prop "$A" SourcePath)"
check_eq "  the API shows What= and Options=" "$WORK/a.swp sw,pri=0" \
	"$(prop "$A" What) $(prop "$A" Options)"
check_eq "swap.target is reached" active "$(active_state swap.target)"

# (b)
check_eq "emberctl stop switches it off" 0 "$(ctl_rc stop "$A")"
check "  /proc/swaps does not list it" not_in_use "$WORK/a.swp"
check_eq "  the unit is inactive" inactive "$(active_state "$A")"
check_eq "emberctl start switches it on again" 0 "$(ctl_rc start "$A")"
check "  /proc/swaps lists it" in_use "$WORK/a.swp"
check_eq "  the unit is active" active "$(active_state "$A")"

# (c)
pid1_exec swapon "$WORK/hand.swp"
check "a swapon by hand shows up as an active unit" wait_until state_is "$HAND" active
check "  in list-units" grep -qF "$HAND" <(ctl list-units --no-legend --type=swap --state=active)
pid1_exec swapoff "$WORK/hand.swp"
check "its swapoff by hand turns it inactive" wait_until state_is "$HAND" inactive

# (d)
check_eq "a file that is no swap area fails" failed "$(active_state "$BAD")"
check_eq "  with swapon's exit status as the result" exit-code "$(prop "$BAD" Result)"
check "  the log names swapon and the file" log_has "swapon $WORK/bad.swp failed: process exited"
check "  and says why, in swapon's words" log_has "$WORK/bad.swp: read swap header failed"
check "  nothing is in use there" not_in_use "$WORK/bad.swp"

# (e)
check_eq "a unit file's swap is active" active "$(active_state "$P")"
check_eq "  its Priority=1 reaches /proc/swaps" 1 "$(swap_priority "$WORK/p.swp")"
check_eq "  and the API's Priority" 1 "$(prop "$P" Priority)"
check_eq "a What= that does not match the name is refused" bad-setting "$(prop "$WRONG" LoadState)"
check "  with a clear reason" grep -qF "What=$WORK/p.swp does not match the unit name" \
	<(ctl status "$WRONG" 2>&1)

# The host's area.
check_eq "an area switched on before boot is shown as active" active "$(active_state "$HOST")"
check_not "  but emberctl stop refuses to switch it off" test "$(ctl_rc stop "$HOST")" = 0
check "  it stays in use" in_use "$WORK/host.swp"

pid1_poweroff
check_not "the fstab swap was switched off on the way down" in_use_host a.swp
check_not "  and the unit file's" in_use_host p.swp
check "the host's area was left alone" in_use_host host.swp
it_finish
