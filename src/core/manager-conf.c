/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/manager-conf.h"
#include "core/manager.h"
#include "units/directives.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* ember.conf is flat and simple, exactly inih's syntax (design.md). Debian's inih is
 * built without INI_HANDLER_LINENO, so messages name the file and key, not the line. */

struct conf_state {
	struct manager *m;
	const char *path;
};

static int
parse_output(const char *v)
{
	static const struct { const char *n; enum exec_output o; } map[] = {
		{ "inherit", EXEC_OUTPUT_INHERIT }, { "null", EXEC_OUTPUT_NULL },
		{ "tty", EXEC_OUTPUT_TTY }, { "kmsg", EXEC_OUTPUT_KMSG },
		{ "syslog", EXEC_OUTPUT_SYSLOG }, { "journal", EXEC_OUTPUT_JOURNAL },
		{ "kmsg+console", EXEC_OUTPUT_KMSG_AND_CONSOLE },
		{ "journal+console", EXEC_OUTPUT_KMSG_AND_CONSOLE },
	};

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (streq(v, map[i].n))
			return map[i].o;
	return -EINVAL;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_state *st = user;
	struct manager *m = st->m;
	struct manager_defaults *d = &m->defaults;
	int r = 0, x;
	usec_t t;

	if (!streq(section, "Manager")) {
		log_warning("%s: Unknown section [%s], ignoring.", st->path, section);
		return 1;
	}
	if (streq(name, "LogLevel")) {
		r = log_level_from_string(value);
		if (r >= 0)
			log_set_max_level(r);
	} else if (streq(name, "LogTarget")) {
		r = log_target_from_string(value);
		if (r >= 0)
			log_set_target(r);
	} else if (streq(name, "ShowStatus")) {
		r = parse_boolean(value);
		if (r >= 0)
			m->show_status = r;
	} else if (streq(name, "BusAddress")) {
		/* Checked when used: libdbus says what is wrong with it then. */
		free(m->bus_address);
		m->bus_address = strdup(value);
		if (!m->bus_address)
			r = -ENOMEM;
	} else if (streq(name, "CrashShell")) {
		r = parse_boolean(value);
		if (r >= 0)
			m->crash_shell = r;
	} else if (streq(name, "DefaultTimeoutStartSec") || streq(name, "DefaultTimeoutStopSec") ||
		   streq(name, "DefaultTimeoutAbortSec") || streq(name, "DefaultRestartSec") ||
		   streq(name, "DefaultStartLimitIntervalSec")) {
		r = parse_sec(value, &t);
		if (r >= 0) {
			if (streq(name, "DefaultTimeoutStartSec"))
				d->timeout_start = t ? t : USEC_INFINITY;
			else if (streq(name, "DefaultTimeoutStopSec"))
				d->timeout_stop = t ? t : USEC_INFINITY;
			else if (streq(name, "DefaultTimeoutAbortSec"))
				d->timeout_abort = t ? t : USEC_INFINITY;
			else if (streq(name, "DefaultRestartSec"))
				d->restart = t;
			else
				d->start_limit_interval = t;
		}
	} else if (streq(name, "DefaultStartLimitBurst")) {
		r = safe_atou(value, &d->start_limit_burst);
	} else if (streq(name, "DefaultStandardOutput") || streq(name, "DefaultStandardError")) {
		x = parse_output(value);
		r = x;
		if (x >= 0 && streq(name, "DefaultStandardOutput"))
			d->std_output = x;
		else if (x >= 0)
			d->std_error = x;
	} else if (streq(name, "DefaultEnvironment")) {
		_cleanup_strv_free_ char **l = strv_split(value, WHITESPACE);

		r = l ? manager_set_environment(m, l, NULL) : -ENOMEM;
	} else if (startswith(name, "DefaultLimit")) {
		/* The same parser as a unit's LimitXXX=, one table row, into the defaults. */
		struct parse_ctx c = { .file = st->path, .section = section, .key = name };
		const struct directive *row = NULL;

		for (const struct directive *e = exec_directives; e->name; e++)
			if (streq(e->name, name + strlen("Default")) && startswith(e->name, "Limit"))
				row = e;
		if (!row) {
			log_warning("%s: Unknown key '%s' in section [Manager], ignoring.", st->path, name);
			return 1;
		}
		r = row->parse(&c, value, row->arg, &d->rlimit[row->arg]);
	} else {
		log_warning("%s: Unknown key '%s' in section [Manager], ignoring.", st->path, name);
		return 1;
	}
	if (r < 0)
		log_warning("%s: Invalid value for %s=: %s, ignoring.", st->path, name, value);
	return 1; /* keep going: a bad line never stops the manager */
}

int
manager_parse_config(struct manager *m, const char *path)
{
	struct conf_state st = { .m = m };
	_cleanup_free_ char *p = NULL;
	int r;

	if (!path) {
		if (m->scope == SCOPE_SYSTEM)
			path = "/etc/ember/ember.conf";
		else {
			const char *c = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");

			if (c ? asprintf(&p, "%s/ember/user.conf", c) < 0 :
				h ? asprintf(&p, "%s/.config/ember/user.conf", h) < 0 :
				    !(p = strdup("/etc/ember/user.conf")))
				return -ENOMEM;
			path = p;
		}
	}
	st.path = path;
	r = ini_parse(path, handler, &st);
	if (r == -1)
		return 0; /* no file: defaults */
	if (r != 0)
		log_warning("%s:%d: Parse error, rest of the file ignored.", path, r);
	return 0;
}
