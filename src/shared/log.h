/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_LOG_H
#define EMBER_LOG_H

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

/* The manager's own log. Targets: console (stderr), kmsg (/dev/kmsg), syslog (/dev/log),
 * auto (syslog if /dev/log exists, else kmsg if writable, else console), null.
 * Writing never blocks: the fds are non-blocking and a message that would block is
 * dropped and counted. */

enum log_target { LOG_TARGET_CONSOLE, LOG_TARGET_KMSG, LOG_TARGET_SYSLOG, LOG_TARGET_AUTO,
		  LOG_TARGET_NULL, _LOG_TARGET_MAX };

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_target(enum log_target t);
enum log_target log_get_target(void);
/* Program name used as the message tag. */
void log_set_ident(const char *ident);
const char *log_get_ident(void);
int log_level_from_string(const char *s);   /* "debug".."emerg" or 0-7; -EINVAL */
const char *log_level_to_string(int level);
int log_target_from_string(const char *s);
const char *log_target_to_string(enum log_target t);
/* Reads SYSTEMD_LOG_LEVEL/EMBER_LOG_LEVEL and _TARGET from the environment. */
void log_parse_environment(void);
/* Closes and reopens the target fds (e.g. after /dev/log appears). */
void log_reopen(void);

/* Logs and returns -abs(error) (or 0 if error is 0 and level is not an error).
 * The format may use %m for strerror(error). */
int log_internal(int level, int error, const char *file, int line, const char *func,
		 const char *fmt, ...) _printf_(6, 7);
int log_internalv(int level, int error, const char *file, int line, const char *func,
		  const char *fmt, va_list ap);

#define log_full_errno(level, error, ...) \
	log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_full(level, ...) log_full_errno((level), 0, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)
#define log_oom() log_full_errno(LOG_ERR, ENOMEM, "Out of memory.")

/* Warning about a unit file, naming file and line: "foo.service:12: ...". */
#define log_syntax(file, line, level, error, fmt, ...) \
	log_full_errno((level), (error), "%s:%u: " fmt, (file), (line), ##__VA_ARGS__)

#endif
