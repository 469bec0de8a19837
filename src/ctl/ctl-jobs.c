/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs that queue jobs or poke units: start/stop/..., kill, reset-failed,
 * daemon-reload, is-active/is-failed. Starting waits for JobRemoved like systemctl. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static const struct job_verb {
	const char *verb;
	const char *method;
	const char *action;     /* what "Failed to ..." says */
} job_verbs[] = {
	{ "start", "StartUnit", "start" },
	{ "stop", "StopUnit", "stop" },
	{ "reload", "ReloadUnit", "reload" },
	{ "restart", "RestartUnit", "restart" },
	{ "try-restart", "TryRestartUnit", "try-restart" },
	{ "condrestart", "TryRestartUnit", "try-restart" },
	{ "reload-or-restart", "ReloadOrRestartUnit", "reload-or-restart" },
	{ "try-reload-or-restart", "ReloadOrTryRestartUnit", "reload-or-try-restart" },
	{ "force-reload", "ReloadOrTryRestartUnit", "reload-or-try-restart" },
	{ "isolate", "StartUnit", "isolate" },
};

const char *
ctl_scope_option(void)
{
	return arg.user ? " --user" : "";
}

/* systemd's wording for a failed service job, keyed by the unit's Result. */
static const char *
result_explanation(const char *result)
{
	static const struct {
		const char *result, *why;
	} table[] = {
		{ "resources", "of unavailable resources or another system error" },
		{ "protocol", "the service did not take the steps required by its unit configuration" },
		{ "timeout", "a timeout was exceeded" },
		{ "exit-code", "the control process exited with error code" },
		{ "signal", "a fatal signal was delivered to the control process" },
		{ "core-dump", "a fatal signal was delivered causing the control process to dump core" },
		{ "watchdog", "the service failed to send watchdog ping" },
		{ "start-limit-hit", "start of the service was attempted too often" },
	};

	if (!result)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(table[i].result, result))
			return table[i].why;
	return NULL;
}

static void
print_see_status(const char *unit)
{
	log_error("See \"emberctl%s status %s\" for details.", ctl_scope_option(), unit);
}

/* Explains a job that did not end in "done". Returns the exit code. */
static int
report_job_result(DBusConnection *bus, const char *unit, const char *result)
{
	_cleanup_free_ char *path = NULL, *unit_result = NULL;
	const char *iface, *why;
	DBusError e;

	if (streq(result, "done") || streq(result, "skipped"))
		return CTL_EXIT_SUCCESS;
	fflush(stdout);
	if (streq(result, "canceled")) {
		log_error("Job for %s canceled.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "timeout")) {
		log_error("Job for %s timed out.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "invalid")) {
		log_error("%s is not active, cannot reload.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "assert")) {
		log_error("Assertion failed on job for %s.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "unsupported")) {
		log_error("Operation on or unit type of %s not supported on this system.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "collected")) {
		log_error("Queued job for %s was garbage collected.", unit);
		return CTL_EXIT_FAILURE;
	}
	if (streq(result, "once")) {
		log_error("Unit %s was started already once and can't be started again.", unit);
		return CTL_EXIT_FAILURE;
	}

	/* "failed", "dependency" or something newer: the unit's Result says why. */
	path = unit_bus_path(unit);
	iface = unit_type_interface(unit);
	dbus_error_init(&e);
	if (path && iface)
		(void)bus_get_property_string(bus, path, iface, "Result", &unit_result, &e);
	dbus_error_free(&e);

	if (streq(result, "dependency") || (unit_result && streq(unit_result, "dependency"))) {
		log_error("A dependency job for %s failed.", unit);
		print_see_status(unit);
		return CTL_EXIT_FAILURE;
	}
	why = result_explanation(unit_result);
	if (why)
		log_error("Job for %s failed because %s.", unit, why);
	else
		log_error("Job for %s failed.", unit);
	print_see_status(unit);
	return CTL_EXIT_FAILURE;
}

static int
subscribe(DBusConnection *bus)
{
	DBusMessage *reply;
	DBusError e;

	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "Subscribe", &e,
				DBUS_TYPE_INVALID);
	if (!reply) {
		log_error("Failed to subscribe to job events: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return -EIO;
	}
	dbus_message_unref(reply);
	return 0;
}

/* Waits until every job in jobs has its JobRemoved; units[i] belongs to jobs[i].
 * Returns the first non-zero exit code of a job, or 0. */
static int
wait_for_jobs(DBusConnection *bus, char **jobs, char **units)
{
	size_t pending = strv_length(jobs);
	int ret = CTL_EXIT_SUCCESS;

	while (pending > 0) {
		DBusMessage *msg;

		while (pending > 0 && (msg = dbus_connection_pop_message(bus))) {
			const char *job, *unit, *result;
			dbus_uint32_t id;
			DBusError e;

			if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
				dbus_message_unref(msg);
				goto lost;
			}
			dbus_error_init(&e);
			if (!dbus_message_is_signal(msg, MANAGER_IFACE, "JobRemoved") ||
			    !dbus_message_get_args(msg, &e, DBUS_TYPE_UINT32, &id,
						   DBUS_TYPE_OBJECT_PATH, &job, DBUS_TYPE_STRING,
						   &unit, DBUS_TYPE_STRING, &result,
						   DBUS_TYPE_INVALID)) {
				dbus_error_free(&e);
				dbus_message_unref(msg);
				continue;
			}
			for (size_t i = 0; jobs[i]; i++) {
				int r;

				if (!streq(jobs[i], job))
					continue;
				/* Mark it done: the same path may be reused by a later job. */
				jobs[i][0] = 0;
				pending--;
				r = report_job_result(bus, units[i], result);
				if (r != 0 && ret == 0)
					ret = r;
				break;
			}
			dbus_message_unref(msg);
		}
		if (pending == 0)
			break;
		if (!dbus_connection_read_write(bus, -1) && !dbus_connection_get_is_connected(bus))
			goto lost;
	}
	return ret;
lost:
	log_error("Connection to ember lost while waiting for jobs.");
	return CTL_EXIT_FAILURE;
}

int
ctl_run_jobs(DBusConnection *bus, const char *method, const char *verb, const char *mode,
	     char *const *names)
{
	_cleanup_strv_free_ char **jobs = NULL, **units = NULL;
	int ret = CTL_EXIT_SUCCESS;

	if (!arg.no_block && subscribe(bus) < 0)
		return CTL_EXIT_FAILURE;

	STRV_FOREACH(n, names) {
		DBusMessage *reply;
		const char *job;
		DBusError e;
		int r;

		dbus_error_init(&e);
		reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, method, &e,
					DBUS_TYPE_STRING, n, DBUS_TYPE_STRING, &mode,
					DBUS_TYPE_INVALID);
		if (!reply) {
			log_error("Failed to %s %s: %s", verb, *n, bus_error_text(&e));
			r = dbus_error_has_name(&e, ERROR_NO_SUCH_UNIT) ||
			    dbus_error_has_name(&e, ERROR_LOAD_FAILED) ? CTL_EXIT_NOT_INSTALLED :
			    CTL_EXIT_FAILURE;
			if (ret == 0)
				ret = r;
			dbus_error_free(&e);
			continue;
		}
		if (!dbus_message_get_args(reply, &e, DBUS_TYPE_OBJECT_PATH, &job,
					   DBUS_TYPE_INVALID)) {
			log_error("Failed to %s %s: unexpected reply: %s", verb, *n,
				  bus_error_text(&e));
			dbus_error_free(&e);
			dbus_message_unref(reply);
			if (ret == 0)
				ret = CTL_EXIT_FAILURE;
			continue;
		}
		r = strv_extend(&jobs, job);
		if (r >= 0)
			r = strv_extend(&units, *n);
		dbus_message_unref(reply);
		if (r < 0)
			return log_oom(), CTL_EXIT_FAILURE;
	}

	if (!arg.no_block && jobs) {
		int r = wait_for_jobs(bus, jobs, units);

		if (r != 0 && ret == 0)
			ret = r;
	}
	return ret;
}

int
verb_start(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	const struct job_verb *v = NULL;
	const char *mode = arg.job_mode;

	for (size_t i = 0; i < ELEMENTSOF(job_verbs); i++)
		if (streq(job_verbs[i].verb, argv[0]))
			v = &job_verbs[i];
	if (!v)
		return CTL_EXIT_FAILURE;
	if (streq(v->verb, "isolate")) {
		if (argc != 2) {
			log_error("isolate takes exactly one unit.");
			return CTL_EXIT_FAILURE;
		}
		mode = "isolate";
	}
	if (ctl_expand_names(bus, argv + 1, streq(v->verb, "isolate") ? ".target" : ".service",
			     &names) < 0)
		return CTL_EXIT_FAILURE;
	if (!names)
		return CTL_EXIT_SUCCESS;
	return ctl_run_jobs(bus, v->method, v->action, mode, names);
}

int
verb_kill(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	const char *whom = arg.kill_whom ? arg.kill_whom : "all";
	dbus_int32_t sig = arg.signal;
	int ret = CTL_EXIT_SUCCESS;

	if (ctl_expand_names(bus, argv + 1, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		DBusMessage *reply;
		DBusError e;

		dbus_error_init(&e);
		reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "KillUnit", &e,
					DBUS_TYPE_STRING, n, DBUS_TYPE_STRING, &whom,
					DBUS_TYPE_INT32, &sig, DBUS_TYPE_INVALID);
		if (!reply) {
			log_error("Failed to kill unit %s: %s", *n, bus_error_text(&e));
			dbus_error_free(&e);
			ret = CTL_EXIT_FAILURE;
			continue;
		}
		dbus_message_unref(reply);
	}
	return ret;
}

int
verb_reset_failed(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	int ret = CTL_EXIT_SUCCESS;
	DBusMessage *reply;
	DBusError e;

	dbus_error_init(&e);
	if (argc <= 1) {
		reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "ResetFailed", &e,
					DBUS_TYPE_INVALID);
		if (!reply) {
			log_error("Failed to reset failed state: %s", bus_error_text(&e));
			dbus_error_free(&e);
			return CTL_EXIT_FAILURE;
		}
		dbus_message_unref(reply);
		return CTL_EXIT_SUCCESS;
	}
	if (ctl_expand_names(bus, argv + 1, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "ResetFailedUnit", &e,
					DBUS_TYPE_STRING, n, DBUS_TYPE_INVALID);
		if (!reply) {
			log_error("Failed to reset failed state of unit %s: %s", *n,
				  bus_error_text(&e));
			dbus_error_free(&e);
			ret = CTL_EXIT_FAILURE;
			continue;
		}
		dbus_message_unref(reply);
	}
	return ret;
}

int
verb_daemon_reload(DBusConnection *bus, int argc, char **argv)
{
	DBusMessage *m, *reply;
	DBusError e;

	m = bus_manager_call_new("Reload");
	if (!m)
		return log_oom(), CTL_EXIT_FAILURE;
	dbus_error_init(&e);
	/* A reload of many units may take a while; wait for it, as systemctl does. */
	reply = bus_call(bus, m, DBUS_TIMEOUT_INFINITE, &e);
	dbus_message_unref(m);
	if (!reply) {
		log_error("Failed to reload daemon: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return CTL_EXIT_FAILURE;
	}
	dbus_message_unref(reply);
	return CTL_EXIT_SUCCESS;
}

/* is-active and is-failed: print each ActiveState, succeed if one is in a good state. */
int
verb_is_active(DBusConnection *bus, int argc, char **argv)
{
	static const char *const active[] = { "active", "reloading", NULL };
	static const char *const failed[] = { "failed", NULL };
	bool is_failed = streq(argv[0], "is-failed");
	const char *const *good = is_failed ? failed : active;
	_cleanup_strv_free_ char **names = NULL;
	bool found = false;

	if (ctl_expand_names(bus, argv + 1, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *path = unit_bus_path(*n), *state = NULL;
		DBusError e;

		if (!path)
			return log_oom(), CTL_EXIT_FAILURE;
		dbus_error_init(&e);
		/* A unit the manager cannot find is simply not active. */
		if (bus_get_property_string(bus, path, UNIT_IFACE, "ActiveState", &state, &e) < 0)
			state = NULL;
		dbus_error_free(&e);
		for (size_t i = 0; good[i]; i++)
			if (state && streq(state, good[i]))
				found = true;
		if (!arg.quiet)
			printf("%s\n", state ? state : "inactive");
	}
	if (found)
		return CTL_EXIT_SUCCESS;
	return is_failed ? CTL_EXIT_FAILURE : CTL_EXIT_NOT_RUNNING;
}

/* set-property UNIT KEY=VALUE...: sent as strings in unit-file syntax; the manager parses
 * them as it parses the unit file and applies them to the running cgroup. */
int
verb_set_property(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	DBusMessage *m, *reply;
	DBusMessageIter it, a, st, v;
	dbus_bool_t runtime = arg.runtime;
	DBusError e;
	bool ok = true;

	char *unit[] = { argv[1], NULL };

	if (ctl_expand_names(bus, unit, ".service", &names) < 0 || !names || !names[0])
		return CTL_EXIT_FAILURE;
	m = bus_manager_call_new("SetUnitProperties");
	if (!m)
		return log_oom(), CTL_EXIT_FAILURE;
	dbus_message_iter_init_append(m, &it);
	ok = dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &names[0]) &&
	     dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &runtime) &&
	     dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(sv)", &a);
	for (int i = 2; ok && i < argc; i++) {
		_cleanup_free_ char *key = NULL;
		const char *eq = strchr(argv[i], '='), *value;

		if (!eq || eq == argv[i]) {
			log_error("Not an assignment: %s", argv[i]);
			dbus_message_iter_abandon_container(&it, &a);
			dbus_message_unref(m);
			return CTL_EXIT_FAILURE;
		}
		key = strndup(argv[i], (size_t)(eq - argv[i]));
		value = eq + 1;
		ok = key && dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &st) &&
		     dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &key) &&
		     dbus_message_iter_open_container(&st, DBUS_TYPE_VARIANT, "s", &v) &&
		     dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &value) &&
		     dbus_message_iter_close_container(&st, &v) &&
		     dbus_message_iter_close_container(&a, &st);
	}
	if (!ok || !dbus_message_iter_close_container(&it, &a)) {
		dbus_message_unref(m);
		return log_oom(), CTL_EXIT_FAILURE;
	}
	dbus_error_init(&e);
	reply = bus_call(bus, m, -1, &e);
	dbus_message_unref(m);
	if (!reply) {
		log_error("Failed to set unit properties on %s: %s", names[0], bus_error_text(&e));
		dbus_error_free(&e);
		return CTL_EXIT_FAILURE;
	}
	dbus_message_unref(reply);
	return CTL_EXIT_SUCCESS;
}
