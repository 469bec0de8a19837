#!/bin/bash
# ember --test over the unit files Debian 12's systemd, udev, dbus, openssh-server and cron
# packages ship: every service, target and socket (templates instantiated) must load and give a
# transaction without any error; directives ember does not implement yet are only warnings,
# and are listed at the end. The multi-user.target transaction must be in a valid order.
set -euo pipefail
EMBER=${EMBER:-build/ember}
debs=/var/cache/ember-test-debs
shopt -s nullglob
pkgs=("$debs"/*.deb)
if ((${#pkgs[@]} < 5)); then
	echo "SKIP: the Debian packages are not in $debs (run scripts/install-deps.sh)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "${pkgs[@]}"; do dpkg-deb -x "$p" "$work/root"; done
units=$work/units
mkdir -p "$units"
for d in "$work"/root/lib/systemd/system "$work"/root/usr/lib/systemd/system; do
	[[ -d $d ]] && cp -a "$d"/. "$units"/
done
# What the packages' postinst enables (deb-systemd-helper), as on an installed system.
mkdir -p "$units/multi-user.target.wants"
for u in ssh.service cron.service; do ln -sf "../$u" "$units/multi-user.target.wants/$u"; done
n_files=$(find "$units" -maxdepth 1 \( -type f -o -type l \) | wc -l)
echo "unit files: $n_files"

fail=0 checked=0
: >"$work/warnings"
for f in "$units"/*.service "$units"/*.target "$units"/*.socket; do
	name=${f##*/}
	[[ -L $f && $(readlink "$f") = /dev/null ]] && continue # masked by the package
	[[ $name == *@.* ]] && name=${name/@./@x.}
	checked=$((checked + 1))
	if ! "$EMBER" --test --system --unit-path="$units" --unit="$name" >/dev/null 2>"$work/err"; then
		echo "FAIL: $name: $(tail -n 1 "$work/err")"
		fail=1
	fi
	# The packages are only unpacked, so a program named without a path (udevadm) may
	# be missing here: that warning is right, and not a parse problem.
	if grep -v -e "Unknown key" -e "not found in PATH" "$work/err" | grep -q .; then
		echo "FAIL: $name: unexpected messages:"
		grep -v -e "Unknown key" -e "not found in PATH" "$work/err" | sed 's/^/    /'
		fail=1
	fi
	cat "$work/err" >>"$work/warnings"
done
echo "services, targets and sockets checked: $checked"

"$EMBER" --test --system --unit-path="$units" --unit=multi-user.target >"$work/tx" 2>/dev/null
# Wave numbers must respect every ordering we know must hold.
wave_of() { awk -v j="$1" '/^-- wave/ {w=$3} $1==j {print w}' "$work/tx"; }
check_before() {
	local a b
	a=$(wave_of "$1"); b=$(wave_of "$2")
	if [[ -z $a || -z $b || $a -ge $b ]]; then
		echo "FAIL: $1 (wave ${a:-none}) must start before $2 (wave ${b:-none})"
		fail=1
	else
		echo "ok: $1 (wave $a) before $2 (wave $b)"
	fi
}
check_before sysinit.target/start basic.target/start
check_before basic.target/start cron.service/start
check_before basic.target/start ssh.service/start
check_before ssh.service/start multi-user.target/start
check_before local-fs.target/start sysinit.target/start
check_before systemd-tmpfiles-setup.service/start sysinit.target/start
# Sockets first: the bus socket exists before the bus daemon starts.
check_before dbus.socket/start dbus.service/start
check_before systemd-udevd-control.socket/start systemd-udevd.service/start
head -n 1 "$work/tx"

echo "directives not implemented yet (count, key, section):"
grep -o "Unknown key '[^']*' in section \[[A-Za-z]*\]" "$work/warnings" | sort | uniq -c | sort -rn |
	sed 's/^/    /'
exit $fail
