#!/bin/bash
# vm-kernel.sh [DIR]: fetches Debian 12's kernel package from the archive and unpacks it
# into DIR (default /var/cache/ember/vm-kernel), once; prints DIR. The tests that need a
# kernel feature this machine's kernel may lack (autofs) boot it with
# tests/helpers/vm-run.sh.
set -euo pipefail
dir=${1:-/var/cache/ember/vm-kernel}
if compgen -G "$dir/boot/vmlinuz-*" >/dev/null; then
	echo "$dir"
	exit 0
fi
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [[ -z $pkg ]]; then
	apt-get update -qq
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null)
mkdir -p "$dir"
dpkg -x "$tmp"/*.deb "$dir"
echo "$dir"
