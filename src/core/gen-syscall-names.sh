#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the rows of the system call name table (syscall-table.c) for the architecture the
# compiler builds for: one `{ "name", SYS_name },` per SYS_ macro of <sys/syscall.h>, sorted
# bytewise so that the table can be searched with bsearch() and strcmp().
#   gen-syscall-names.sh OUTPUT COMPILER [ARGS...]
set -eu
out=$1
shift
printf '#include <sys/syscall.h>\n' | "$@" -dM -E - |
	LC_ALL=C sed -n 's/^#define SYS_\([A-Za-z0-9_]*\) .*/\1/p' |
	LC_ALL=C sort -u |
	awk '{ printf "\t{ \"%s\", SYS_%s },\n", $1, $1 }' >"$out.tmp"
mv "$out.tmp" "$out"
