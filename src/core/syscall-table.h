/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SYSCALL_TABLE_H
#define EMBER_SYSCALL_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/* The system calls of the architecture ember is built for, by name, and the groups of
 * SystemCallFilter= ("@system-service", "@mount", ...). Numbers are the native ABI's: the
 * seccomp filters only ever compare native numbers (spawn-seccomp.c). */

/* A deny-listed call with its own action ("name:EPERM" in SystemCallFilter=~...). */
struct syscall_errno {
	uint16_t nr;
	uint16_t error; /* errno, or SYSCALL_ERRNO_KILL */
};
#define SYSCALL_ERRNO_KILL UINT16_MAX

/* The number of a call, or -1 if this architecture has no call of that name. */
int syscall_from_name(const char *name);
/* The name of a call number, NULL if unknown. */
const char *syscall_to_name(int nr);
/* One more than the highest call number in the table: the size of a call bitmap in bits. */
int syscall_nr_limit(void);

/* Calls fn for every member of group ("@file-system", with the '@'), nested groups
 * included; members this architecture lacks are skipped. Returns 0, or -ENOENT for a
 * group that does not exist. */
int syscall_group_foreach(const char *group, void (*fn)(int nr, void *userdata), void *userdata);

/* Whether the bit of call nr is set in a bitmap of `bytes` bytes. */
static inline bool
syscall_bitmap_test(const uint8_t *map, unsigned bytes, int nr)
{
	return nr >= 0 && (unsigned)nr / 8 < bytes && (map[nr / 8] >> (nr % 8) & 1);
}

#endif
