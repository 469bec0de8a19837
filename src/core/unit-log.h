/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_LOG_H
#define EMBER_UNIT_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "time-util.h"

/* The last lines a unit printed or the manager logged about it, so that status can show
 * them without a journal. A small ring of fixed size per unit. */

#define UNIT_LOG_LINES 10

struct unit_log;

/* Appends a line (copied, truncated at 1 KiB). Creates the ring on first use.
 * Returns 0 or -ENOMEM (the line is dropped, nothing else changes). */
int unit_log_append(struct unit_log **log, usec_t realtime, const char *ident, int pid,
		    const char *line);
/* Writes up to n most recent lines as "Nov 23 11:35:22 ident[pid]: text\n". */
void unit_log_dump(const struct unit_log *log, FILE *f, size_t n);
/* Copies up to n most recent lines as formatted strings into a NULL-terminated list. */
char **unit_log_lines(const struct unit_log *log, size_t n);
struct unit_log *unit_log_free(struct unit_log *log);

#endif
