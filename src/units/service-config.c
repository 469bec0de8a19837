/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation/bus-names.h"
#include "core/unit-index.h"
#include "core/exec-command.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "specifier.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "units/service.h"
#include "units/unit-vtable.h"

/* [Service] directives and load-time checks of service units. */

static const char *const type_names[_SERVICE_TYPE_MAX] = {
	[SERVICE_SIMPLE] = "simple", [SERVICE_EXEC] = "exec",     [SERVICE_FORKING] = "forking",
	[SERVICE_ONESHOT] = "oneshot", [SERVICE_DBUS] = "dbus",   [SERVICE_NOTIFY] = "notify",
	[SERVICE_IDLE] = "idle",
};
static const char *const restart_names[_SERVICE_RESTART_MAX] = {
	[SERVICE_RESTART_NO] = "no",
	[SERVICE_RESTART_ON_SUCCESS] = "on-success",
	[SERVICE_RESTART_ON_FAILURE] = "on-failure",
	[SERVICE_RESTART_ON_ABNORMAL] = "on-abnormal",
	[SERVICE_RESTART_ON_WATCHDOG] = "on-watchdog",
	[SERVICE_RESTART_ON_ABORT] = "on-abort",
	[SERVICE_RESTART_ALWAYS] = "always",
};
static const char *const notify_access_names[_NOTIFY_ACCESS_MAX] = {
	[NOTIFY_NONE] = "none", [NOTIFY_MAIN] = "main", [NOTIFY_EXEC] = "exec", [NOTIFY_ALL] = "all",
};
static const char *const exec_kind_names[_SERVICE_EXEC_KIND_MAX] = {
	[SERVICE_EXEC_CONDITION] = "ExecCondition",
	[SERVICE_EXEC_START_PRE] = "ExecStartPre",
	[SERVICE_EXEC_START] = "ExecStart",
	[SERVICE_EXEC_START_POST] = "ExecStartPost",
	[SERVICE_EXEC_RELOAD] = "ExecReload",
	[SERVICE_EXEC_STOP] = "ExecStop",
	[SERVICE_EXEC_STOP_POST] = "ExecStopPost",
};

const char *service_type_to_string(enum service_type t)
{ return t < _SERVICE_TYPE_MAX ? type_names[t] : NULL; }
const char *service_restart_to_string(enum service_restart r)
{ return r < _SERVICE_RESTART_MAX ? restart_names[r] : NULL; }
const char *notify_access_to_string(enum notify_access n)
{ return n >= 0 && n < _NOTIFY_ACCESS_MAX ? notify_access_names[n] : "none"; }
const char *service_exec_kind_to_string(enum service_exec_kind k)
{ return k < _SERVICE_EXEC_KIND_MAX ? exec_kind_names[k] : NULL; }

static int
lookup(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && streq(names[i], v))
			return (int)i;
	return -EINVAL;
}

#define ENUM_PARSER(fn, names, type)                                                     \
	static int fn(const struct parse_ctx *c, const char *v, int arg, void *data)     \
	{                                                                                \
		int x = lookup(names, ELEMENTSOF(names), v);                             \
		if (x < 0) {                                                             \
			log_syntax(c->file, c->line, LOG_WARNING, 0,                     \
				   "Unknown value %s=%s, ignoring.", c->key, v);         \
			return -EINVAL;                                                  \
		}                                                                        \
		*(type *)data = x;                                                       \
		return 0;                                                                \
	}
ENUM_PARSER(parse_service_type, type_names, enum service_type)
ENUM_PARSER(parse_service_restart, restart_names, enum service_restart)
ENUM_PARSER(parse_notify_access, notify_access_names, enum notify_access)

static int
signal_from_string(const char *v)
{
	static const struct { const char *n; int s; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ABRT", SIGABRT },
		{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
		{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "SEGV", SIGSEGV }, { "BUS", SIGBUS },
		{ "FPE", SIGFPE }, { "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "SYS", SIGSYS },
	};
	const char *n = startswith(v, "SIG") ? v + 3 : v;

	for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
		if (streq(n, sigs[i].n))
			return sigs[i].s;
	return -EINVAL;
}

/* Symbolic exit statuses: LSB's and BSD sysexits(3) names, as unit files use them. */
static int
exit_status_from_string(const char *v)
{
	static const struct { const char *n; int s; } names[] = {
		{ "SUCCESS", 0 }, { "FAILURE", 1 }, { "INVALIDARGUMENT", 2 },
		{ "NOTIMPLEMENTED", 3 }, { "NOPERMISSION", 4 }, { "NOTINSTALLED", 5 },
		{ "NOTCONFIGURED", 6 }, { "NOTRUNNING", 7 }, { "USAGE", 64 }, { "DATAERR", 65 },
		{ "NOINPUT", 66 }, { "NOUSER", 67 }, { "NOHOST", 68 }, { "UNAVAILABLE", 69 },
		{ "SOFTWARE", 70 }, { "OSERR", 71 }, { "OSFILE", 72 }, { "CANTCREAT", 73 },
		{ "IOERR", 74 }, { "TEMPFAIL", 75 }, { "PROTOCOL", 76 }, { "NOPERM", 77 },
		{ "CONFIG", 78 },
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(v, names[i].n))
			return names[i].s;
	return -EINVAL;
}

/* "1 2 SIGHUP" lists for SuccessExitStatus= and friends. */
static int
parse_exit_status(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exit_status_set *set = data;

	if (isempty(v)) {
		set->statuses = mfree(set->statuses);
		set->signals = mfree(set->signals);
		set->n_statuses = set->n_signals = 0;
		return 0;
	}
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL;
		int r = extract_word(&p, &w, NULL, 0), x;
		int **arr;
		size_t *n;
		int *t;

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if ((safe_atoi(w, &x) == 0 && x >= 0 && x <= 255) ||
		    (x = exit_status_from_string(w)) >= 0) {
			arr = &set->statuses;
			n = &set->n_statuses;
		} else if ((x = signal_from_string(w)) > 0) {
			arr = &set->signals;
			n = &set->n_signals;
		} else {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "Invalid exit status or signal in %s=, ignoring: %s", c->key, w);
			continue;
		}
		t = realloc(*arr, (*n + 1) * sizeof(int));
		if (!t)
			return -ENOMEM;
		t[(*n)++] = x;
		*arr = t;
	}
}

/* TimeoutSec= sets both start and stop timeouts. */
static int
parse_timeout_both(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct service *s = SERVICE(c->unit);
	usec_t t;
	int r = parse_usec(c, v, 1, &t);

	if (r < 0)
		return r;
	s->timeout_start_usec = s->timeout_stop_usec = t;
	return 0;
}

/* Sockets=: these sockets pass their fds to this service too, and come up before it. */
static int
parse_sockets(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL, *e = NULL;
		int r = extract_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (directive_expand(c, w, &e) < 0)
			continue;
		if (!unit_name_is_valid(e, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) ||
		    !endswith(e, ".socket")) {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "%s= wants socket unit names, ignoring: %s", c->key, e);
			continue;
		}
		r = unit_add_two_dependencies_by_name(c->unit, UNIT_WANTS, UNIT_AFTER, e);
		if (r >= 0)
			r = unit_add_dependency_by_name(c->unit, UNIT_TRIGGERED_BY, e, true);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			log_syntax(c->file, c->line, LOG_WARNING, r,
				   "Failed to add dependency on %s, ignoring: %m", e);
	}
}

#define S(name, fn, arg, field) { "Service", name, fn, arg, offsetof(struct service, field) }
const struct directive service_directives[] = {
	S("Type", parse_service_type, 0, type),
	S("ExecCondition", parse_exec_command, SERVICE_EXEC_CONDITION, exec),
	S("ExecStartPre", parse_exec_command, SERVICE_EXEC_START_PRE, exec),
	S("ExecStart", parse_exec_command, SERVICE_EXEC_START, exec),
	S("ExecStartPost", parse_exec_command, SERVICE_EXEC_START_POST, exec),
	S("ExecReload", parse_exec_command, SERVICE_EXEC_RELOAD, exec),
	S("ExecStop", parse_exec_command, SERVICE_EXEC_STOP, exec),
	S("ExecStopPost", parse_exec_command, SERVICE_EXEC_STOP_POST, exec),
	S("RemainAfterExit", parse_bool, 0, remain_after_exit),
	S("GuessMainPID", parse_bool, 0, guess_main_pid),
	S("RootDirectoryStartOnly", parse_bool, 0, root_directory_start_only),
	S("PermissionsStartOnly", parse_ignore, 0, type),
	S("Restart", parse_service_restart, 0, restart),
	S("RestartSec", parse_usec, 0, restart_usec),
	S("RestartPreventExitStatus", parse_exit_status, 0, restart_prevent_status),
	S("RestartForceExitStatus", parse_exit_status, 0, restart_force_status),
	S("SuccessExitStatus", parse_exit_status, 0, success_status),
	S("TimeoutStartSec", parse_usec, 1, timeout_start_usec),
	S("TimeoutStopSec", parse_usec, 1, timeout_stop_usec),
	S("TimeoutAbortSec", parse_usec, 1, timeout_abort_usec),
	S("TimeoutSec", parse_timeout_both, 0, type),
	S("WatchdogSec", parse_usec, 0, watchdog_usec),
	S("PIDFile", parse_path, 0, pid_file),
	S("BusName", parse_string, 0, bus_name),
	S("NotifyAccess", parse_notify_access, 0, notify_access),
	S("Sockets", parse_sockets, 0, type),
	S("FileDescriptorStoreMax", parse_unsigned, 0, fd_store_max),
	/* Old spellings that systemd still accepts in [Service]. */
	S("StartLimitInterval", parse_usec, 0, meta.start_limit.interval),
	S("StartLimitBurst", parse_unsigned, 0, meta.start_limit.burst),
	{ NULL }
};
#undef S

/* BusName=: after the bus socket, required by Type=dbus where there is a dbus.socket to
 * require (an instance on an outside bus has none), and the name followed from now on. */
static int
service_follow_bus_name(struct service *s)
{
	struct unit *u = UNIT(s);
	struct manager *m = u->manager;
	int r;

	r = unit_add_dependency_by_name(u, UNIT_AFTER, "dbus.socket", true);
	if (r >= 0 && s->type == SERVICE_DBUS && unit_index_find(m->index, "dbus.socket", NULL))
		r = unit_add_dependency_by_name(u, UNIT_REQUIRES, "dbus.socket", true);
	if (r < 0)
		return r;
	r = bus_names_watch(m, u, s->bus_name);
	if (r == -EEXIST)
		log_unit_warning(u, "BusName=%s is followed by another unit already; this unit will "
				 "not see it.", s->bus_name);
	else if (r < 0)
		return r;
	return 0;
}

int
service_load_check(struct unit *u)
{
	struct service *s = SERVICE(u);
	struct manager *m = u->manager;
	int r;

	if (!s->exec[SERVICE_EXEC_START] && !s->exec[SERVICE_EXEC_STOP] && !u->success_action) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
		return -EINVAL;
	}
	/* Without ExecStart= a service is a oneshot whatever its Type= default says. */
	if (!s->exec[SERVICE_EXEC_START] && s->type == SERVICE_SIMPLE)
		s->type = SERVICE_ONESHOT;
	if (!s->exec[SERVICE_EXEC_START] && s->type != SERVICE_ONESHOT) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Service has no ExecStart= setting, which is only allowed for "
				    "Type=oneshot services. Refusing.");
		return -EINVAL;
	}
	if (s->type != SERVICE_ONESHOT && s->exec[SERVICE_EXEC_START] &&
	    s->exec[SERVICE_EXEC_START]->next) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Service has more than one ExecStart= setting, which is only "
				    "allowed for Type=oneshot services. Refusing.");
		return -EINVAL;
	}
	if (s->type == SERVICE_ONESHOT && s->restart != SERVICE_RESTART_NO &&
	    s->restart != SERVICE_RESTART_ON_FAILURE && s->restart != SERVICE_RESTART_ON_ABNORMAL &&
	    s->restart != SERVICE_RESTART_ON_WATCHDOG && s->restart != SERVICE_RESTART_ON_ABORT) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Service has Restart= set to either always or on-success, which "
				    "isn't allowed for Type=oneshot services. Refusing.");
		return -EINVAL;
	}
	if (s->type == SERVICE_DBUS && !s->bus_name) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");
		return -EINVAL;
	}
	if (s->notify_access == NOTIFY_ACCESS_DEFAULT)
		s->notify_access = s->type == SERVICE_NOTIFY || s->fd_store_max > 0 ||
				   (s->watchdog_usec && s->watchdog_usec != USEC_INFINITY) ?
				   NOTIFY_MAIN : NOTIFY_NONE;
	r = exec_context_apply_defaults(&s->exec_context, &m->defaults);
	if (r < 0)
		return r;
	if (s->bus_name) {
		r = service_follow_bus_name(s);
		if (r < 0)
			return r;
	}
	if (!u->default_dependencies)
		return 0;
	if (m->scope == SCOPE_SYSTEM) {
		r = unit_add_two_dependencies_by_name(u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
		if (r < 0)
			return r;
	}
	r = unit_add_dependency_by_name(u, UNIT_AFTER, "basic.target", true);
	if (r < 0)
		return r;
	return unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}
