/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_TIME_UTIL_H
#define EMBER_TIME_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef uint64_t usec_t;
#define USEC_INFINITY ((usec_t)UINT64_MAX)
#define USEC_PER_MSEC ((usec_t)1000ULL)
#define USEC_PER_SEC ((usec_t)1000000ULL)
#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)
#define NSEC_PER_USEC ((uint64_t)1000ULL)
#define FORMAT_TIMESPAN_MAX 64
#define FORMAT_TIMESTAMP_MAX 64

/* Current time of the clock in microseconds. */
usec_t now(clockid_t clock);

/* Parses a time span as systemd.time(7) does: "5", "5s", "1min 30s", "100ms",
 * "2h", "1d", "infinity", "0". A bare number means default_unit. */
int parse_time(const char *s, usec_t *ret, usec_t default_unit);
static inline int parse_sec(const char *s, usec_t *ret) { return parse_time(s, ret, USEC_PER_SEC); }

/* Formats like "1min 30s", "250ms", "infinity". Returns buf. */
char *format_timespan(char *buf, size_t l, usec_t t, usec_t accuracy);
/* Formats a CLOCK_REALTIME usec value as "Mon 2026-11-23 11:35:22 UTC"; "n/a" for 0. */
char *format_timestamp(char *buf, size_t l, usec_t t);

#endif
