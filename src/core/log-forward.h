/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_LOG_FORWARD_H
#define EMBER_LOG_FORWARD_H

#include <stddef.h>

#include "core/exec.h"

struct unit;

/* Service output: every line a service writes to its stdout/stderr pipe is tagged
 * "ident[pid]: " and forwarded to syslog (/dev/log) when it exists, else to /dev/kmsg,
 * else to the manager's own stderr; and the last lines stay in the unit's ring for status.
 * Writes never block: a line that would block is dropped and counted. */

/* Forwards one line (without newline). A leading "<N>" sets the level when
 * level_prefix is true. */
void log_forward_line(struct unit *u, enum exec_output target, int facility, int level,
		      bool level_prefix, const char *ident, int pid, const char *line);

/* Splits buf (len bytes, possibly a partial last line kept in *partial) into lines and
 * forwards each. *partial is malloc'd/realloc'd; flush=true forwards a partial line too. */
void log_forward_buffer(struct unit *u, enum exec_output target, int facility, int level,
			bool level_prefix, const char *ident, int pid, char **partial,
			size_t *partial_len, const char *buf, size_t len, bool flush);

#endif
