#!/bin/bash
# Installs what building, testing and demonstrating ember needs on Debian 12.
# Runtime libraries: libdbus-1, libcgroup, libudev, inih (fixed by the project);
# the rest are build and test tools.
set -euo pipefail
pkgs=(meson ninja-build gcc libc6-dev pkg-config libdbus-1-dev libcgroup-dev libudev-dev libinih-dev
      check dbus util-linux procps psmisc systemd busybox groff-base valgrind
      libcap2-bin python3 udev e2fsprogs mount qemu-system-x86 kmod cpio)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "dependencies installed"

# The unit files Debian's systemd, udev, dbus (with dbus.socket), openssh-server and cron ship, for
# tests/integration/test-debian-units.sh. Downloaded, never installed: nothing starts.
debs=/var/cache/ember-test-debs
if [[ ! -f $debs/.complete-2 ]]; then
	mkdir -p "$debs"
	(cd "$debs" && { apt-get download systemd udev dbus dbus-system-bus-common openssh-server cron >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get download systemd udev dbus dbus-system-bus-common openssh-server cron >/dev/null; }; }) &&
		touch "$debs/.complete-2"
fi

# A Debian kernel for the tests that need autofs when this machine's kernel has none
# (tests/helpers/vm-run.sh boots it in qemu).
"$(dirname "$0")/vm-kernel.sh" >/dev/null
