#!/bin/bash
# build.sh [DIR [meson options...]]: configures (once) and builds ember in DIR (default build).
# Quiet on success; on failure prints the tool's output.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [[ ! -f $dir/build.ninja ]]; then
	meson setup "$dir" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
fi
ninja -C "$dir" >"$log" 2>&1 || { cat "$log"; exit 1; }
echo "built $dir"
