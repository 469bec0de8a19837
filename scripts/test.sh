#!/bin/bash
# Runs every test (unit and integration) in a normal build and in an
# AddressSanitizer+UndefinedBehaviorSanitizer build. Exit status: 0 only if all pass.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh build
scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false
status=0 passed=0 failed=0 skipped=0
for dir in build build-asan; do
	echo "== meson test in $dir"
	# Sanitizer reports must fail the run: abort on the first UBSan finding too.
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		meson test -C "$dir" --print-errorlogs --num-processes 2 | tee "$dir/test-summary.txt" ||
		status=1
	# Count from meson's summary, so the closing line covers both builds.
	ok=$(awk '/^Ok:/ {print $2}' "$dir/test-summary.txt")
	bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$dir/test-summary.txt")
	skip=$(awk '/^Skipped:/ {print $2}' "$dir/test-summary.txt")
	passed=$((passed + ${ok:-0})) failed=$((failed + ${bad:-0})) skipped=$((skipped + ${skip:-0}))
	[[ -n $ok ]] || status=1
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
