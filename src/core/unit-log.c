/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/unit-log.h"
#include "macro.h"
#include "strv.h"

#define LINE_MAX_LEN 1024

struct log_line {
	usec_t realtime;
	int pid;
	char *ident;
	char *text;
};

struct unit_log {
	struct log_line lines[UNIT_LOG_LINES];
	size_t next;  /* where the next line goes */
	size_t count;
};

int
unit_log_append(struct unit_log **log, usec_t realtime, const char *ident, int pid,
		const char *line)
{
	struct log_line *l;
	char *t, *i;

	if (!*log) {
		*log = calloc(1, sizeof(**log));
		if (!*log)
			return -ENOMEM;
	}
	t = strndup(line, LINE_MAX_LEN);
	i = strdup(ident ? ident : "");
	if (!t || !i) {
		free(t);
		free(i);
		return -ENOMEM;
	}
	l = &(*log)->lines[(*log)->next];
	free(l->text);
	free(l->ident);
	*l = (struct log_line){ .realtime = realtime, .pid = pid, .ident = i, .text = t };
	(*log)->next = ((*log)->next + 1) % UNIT_LOG_LINES;
	if ((*log)->count < UNIT_LOG_LINES)
		(*log)->count++;
	return 0;
}

static char *
format_line(const struct log_line *l)
{
	char stamp[32];
	time_t t = (time_t)(l->realtime / USEC_PER_SEC);
	struct tm tm;
	char *s;

	if (!localtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%b %d %H:%M:%S", &tm) == 0)
		stamp[0] = 0;
	if (asprintf(&s, "%s %s[%d]: %s", stamp, l->ident, l->pid, l->text) < 0)
		return NULL;
	return s;
}

char **
unit_log_lines(const struct unit_log *log, size_t n)
{
	char **r = calloc(1, sizeof(char *));
	size_t k;

	if (!r || !log)
		return r;
	k = MIN(n, log->count);
	for (size_t i = 0; i < k; i++) {
		size_t idx = (log->next + UNIT_LOG_LINES - k + i) % UNIT_LOG_LINES;

		if (strv_consume(&r, format_line(&log->lines[idx])) < 0)
			return strv_free(r);
	}
	return r;
}

void
unit_log_dump(const struct unit_log *log, FILE *f, size_t n)
{
	_cleanup_strv_free_ char **l = unit_log_lines(log, n);

	STRV_FOREACH(s, l)
		fprintf(f, "%s\n", *s);
}

struct unit_log *
unit_log_free(struct unit_log *log)
{
	if (!log)
		return NULL;
	for (size_t i = 0; i < UNIT_LOG_LINES; i++) {
		free(log->lines[i].text);
		free(log->lines[i].ident);
	}
	free(log);
	return NULL;
}
