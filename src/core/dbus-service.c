/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Service: what `systemctl status` shows about a service (main
 * PID, exit status, command lines) and its configuration, with systemd's property types:
 * systemctl rejects a reply where any known property has another type. */
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/exec.h"
#include "core/manager.h"
#include "strv.h"
#include "units/service.h"
#include "units/unit-vtable.h"

#define S(object) ((struct service *)(object))
#define SFIELD(name, sig, get, field) { name, sig, get, offsetof(struct service, field) }
#define STIMESTAMP(name, field) \
	SFIELD(name, "t", bus_property_get_realtime, field), \
	SFIELD(name "Monotonic", "t", bus_property_get_monotonic, field)

static bool
get_type(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, service_type_to_string(S(object)->type));
}

static bool
get_restart(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, service_restart_to_string(S(object)->restart));
}

static bool
get_notify_access(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct service *s = object;

	/* Unset means what the type implies, as in systemd. */
	if (s->notify_access == NOTIFY_ACCESS_DEFAULT)
		return bus_append_string(it, s->type == SERVICE_NOTIFY ? "main" : "none");
	return bus_append_string(it, notify_access_to_string(s->notify_access));
}

/* p->arg: 0 for the result, 1 for the reload result. */
static bool
get_result(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct service *s = object;

	return bus_append_string(it, service_result_to_string(p->arg ? s->reload_result :
							      s->result));
}

static bool
get_main_pid(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;
	pid_t pid = u->vtable->main_pid ? u->vtable->main_pid(u) : 0;

	return bus_append_u32(it, pid > 0 ? (uint32_t)pid : 0);
}

static bool
get_control_pid(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;
	pid_t pid = u->vtable->control_pid ? u->vtable->control_pid(u) : 0;

	return bus_append_u32(it, pid > 0 ? (uint32_t)pid : 0);
}

static bool
get_pid_field(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	pid_t pid = *(pid_t *)((char *)object + p->arg);

	return bus_append_u32(it, pid > 0 ? (uint32_t)pid : 0);
}

static bool
append_exec_command(DBusMessageIter *array, struct service *s, const struct exec_command *cmd,
		    bool is_main)
{
	static const struct dual_timestamp none;
	const struct dual_timestamp *start = is_main ? &s->main_exec_start : &none;
	const struct dual_timestamp *exit = is_main ? &s->main_exec_exit : &none;
	pid_t pid = is_main ? s->main_exec_pid :
		    cmd == s->control_command ? s->control_pid : 0;
	DBusMessageIter st;

	if (!dbus_message_iter_open_container(array, DBUS_TYPE_STRUCT, NULL, &st))
		return false;
	if (!bus_append_string(&st, cmd->path) || !bus_append_strv(&st, cmd->argv) ||
	    !bus_append_bool(&st, cmd->flags & EXEC_IGNORE_FAILURE) ||
	    !bus_append_u64(&st, start->realtime) || !bus_append_u64(&st, start->monotonic) ||
	    !bus_append_u64(&st, exit->realtime) || !bus_append_u64(&st, exit->monotonic) ||
	    !bus_append_u32(&st, pid > 0 ? (uint32_t)pid : 0) ||
	    !bus_append_i32(&st, is_main ? s->main_exec_code : 0) ||
	    !bus_append_i32(&st, is_main ? s->main_exec_status : 0)) {
		dbus_message_iter_abandon_container(array, &st);
		return false;
	}
	return dbus_message_iter_close_container(array, &st);
}

/* p->arg is the enum service_exec_kind. The main process' exit information goes with
 * the ExecStart= line it ran, which is where systemctl status looks for it. */
static bool
get_exec_commands(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct service *s = object;
	const struct exec_command *main_cmd = s->main_command;
	DBusMessageIter a;

	if (p->arg == SERVICE_EXEC_START && !main_cmd && s->main_exec_pid > 0)
		main_cmd = s->exec[SERVICE_EXEC_START];
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sasbttttuii)", &a))
		return false;
	for (const struct exec_command *c = s->exec[p->arg]; c; c = c->next)
		if (!append_exec_command(&a, s, c, p->arg == SERVICE_EXEC_START && c == main_cmd)) {
			dbus_message_iter_abandon_container(it, &a);
			return false;
		}
	return dbus_message_iter_close_container(it, &a);
}

static bool
get_kill_mode(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, kill_mode_to_string(S(object)->kill_context.kill_mode));
}

/* "-/path" (missing is fine) becomes ("/path", true). */
static bool
get_environment_files(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	DBusMessageIter a, st;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sb)", &a))
		return false;
	STRV_FOREACH(f, S(object)->exec_context.environment_files) {
		bool optional = **f == '-';

		if (!dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &st))
			goto fail;
		if (!bus_append_string(&st, *f + optional) || !bus_append_bool(&st, optional)) {
			dbus_message_iter_abandon_container(&a, &st);
			goto fail;
		}
		if (!dbus_message_iter_close_container(&a, &st))
			goto fail;
	}
	return dbus_message_iter_close_container(it, &a);
fail:
	dbus_message_iter_abandon_container(it, &a);
	return false;
}

static bool
get_working_directory(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct exec_context *c = &S(object)->exec_context;
	_cleanup_free_ char *s = NULL;

	if (c->working_directory_home)
		return bus_append_string(it, c->working_directory_missing_ok ? "-~" : "~");
	if (c->working_directory && c->working_directory_missing_ok) {
		if (asprintf(&s, "-%s", c->working_directory) < 0)
			return false;
		return bus_append_string(it, s);
	}
	return bus_append_string(it, c->working_directory);
}

static bool
get_umask(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, S(object)->exec_context.umask);
}

static bool
get_std_input(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, exec_input_to_string(S(object)->exec_context.std_input));
}

/* p->arg: 0 stdout, 1 stderr. Unset ones report the manager's default. */
static bool
get_std_output(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct service *s = object;
	const struct manager_defaults *d = &s->meta.manager->defaults;
	enum exec_output o = p->arg ? s->exec_context.std_error : s->exec_context.std_output;

	if (o == EXEC_OUTPUT_DEFAULT)
		o = p->arg ? d->std_error : d->std_output;
	return bus_append_string(it, o == EXEC_OUTPUT_DEFAULT ? "inherit" :
				 exec_output_to_string(o));
}

#define EXEC(name, kind) { name, "a(sasbttttuii)", get_exec_commands, kind }
#define CFIELD(name, sig, get, field) SFIELD(name, sig, get, exec_context.field)
#define KFIELD(name, sig, get, field) SFIELD(name, sig, get, kill_context.field)

static const struct bus_property service_properties[] = {
	{ "Type", "s", get_type, 0 },
	{ "Restart", "s", get_restart, 0 },
	SFIELD("PIDFile", "s", bus_property_get_string, pid_file),
	{ "NotifyAccess", "s", get_notify_access, 0 },
	SFIELD("RestartUSec", "t", bus_property_get_usec, restart_usec),
	SFIELD("TimeoutStartUSec", "t", bus_property_get_usec, timeout_start_usec),
	SFIELD("TimeoutStopUSec", "t", bus_property_get_usec, timeout_stop_usec),
	SFIELD("TimeoutAbortUSec", "t", bus_property_get_usec, timeout_abort_usec),
	SFIELD("WatchdogUSec", "t", bus_property_get_usec, watchdog_usec),
	SFIELD("RemainAfterExit", "b", bus_property_get_bool, remain_after_exit),
	SFIELD("GuessMainPID", "b", bus_property_get_bool, guess_main_pid),
	{ "MainPID", "u", get_main_pid, 0 },
	{ "ControlPID", "u", get_control_pid, 0 },
	SFIELD("BusName", "s", bus_property_get_string, bus_name),
	SFIELD("StatusText", "s", bus_property_get_string, status_text),
	SFIELD("StatusErrno", "i", bus_property_get_int, status_errno),
	{ "Result", "s", get_result, 0 },
	{ "ReloadResult", "s", get_result, 1 },
	SFIELD("NRestarts", "u", bus_property_get_unsigned, n_restarts),
	STIMESTAMP("ExecMainStartTimestamp", main_exec_start),
	STIMESTAMP("ExecMainExitTimestamp", main_exec_exit),
	{ "ExecMainPID", "u", get_pid_field, offsetof(struct service, main_exec_pid) },
	SFIELD("ExecMainCode", "i", bus_property_get_int, main_exec_code),
	SFIELD("ExecMainStatus", "i", bus_property_get_int, main_exec_status),
	EXEC("ExecCondition", SERVICE_EXEC_CONDITION),
	EXEC("ExecStartPre", SERVICE_EXEC_START_PRE),
	EXEC("ExecStart", SERVICE_EXEC_START),
	EXEC("ExecStartPost", SERVICE_EXEC_START_POST),
	EXEC("ExecReload", SERVICE_EXEC_RELOAD),
	EXEC("ExecStop", SERVICE_EXEC_STOP),
	EXEC("ExecStopPost", SERVICE_EXEC_STOP_POST),
	{ "KillMode", "s", get_kill_mode, 0 },
	KFIELD("KillSignal", "i", bus_property_get_int, kill_signal),
	KFIELD("RestartKillSignal", "i", bus_property_get_int, restart_kill_signal),
	KFIELD("FinalKillSignal", "i", bus_property_get_int, final_kill_signal),
	KFIELD("WatchdogSignal", "i", bus_property_get_int, watchdog_signal),
	KFIELD("SendSIGKILL", "b", bus_property_get_bool, send_sigkill),
	KFIELD("SendSIGHUP", "b", bus_property_get_bool, send_sighup),
	CFIELD("Environment", "as", bus_property_get_strv, environment),
	{ "EnvironmentFiles", "a(sb)", get_environment_files, 0 },
	CFIELD("PassEnvironment", "as", bus_property_get_strv, pass_environment),
	CFIELD("UnsetEnvironment", "as", bus_property_get_strv, unset_environment),
	CFIELD("User", "s", bus_property_get_string, user),
	CFIELD("Group", "s", bus_property_get_string, group),
	CFIELD("SupplementaryGroups", "as", bus_property_get_strv, supplementary_groups),
	{ "WorkingDirectory", "s", get_working_directory, 0 },
	CFIELD("RootDirectory", "s", bus_property_get_string, root_directory),
	{ "UMask", "u", get_umask, 0 },
	CFIELD("Nice", "i", bus_property_get_int, nice),
	CFIELD("OOMScoreAdjust", "i", bus_property_get_int, oom_score_adjust),
	{ "StandardInput", "s", get_std_input, 0 },
	{ "StandardOutput", "s", get_std_output, 0 },
	{ "StandardError", "s", get_std_output, 1 },
	CFIELD("TTYPath", "s", bus_property_get_string, tty_path),
	CFIELD("SyslogIdentifier", "s", bus_property_get_string, syslog_identifier),
	CFIELD("NoNewPrivileges", "b", bus_property_get_bool, no_new_privileges),
	CFIELD("SameProcessGroup", "b", bus_property_get_bool, same_process_group),
	CFIELD("IgnoreSIGPIPE", "b", bus_property_get_bool, ignore_sigpipe),
	CFIELD("PAMName", "s", bus_property_get_string, pam_name),
	{ NULL }
};

const char *const bus_service_changed_properties[] = {
	"MainPID", "ControlPID", "StatusText", "StatusErrno", "Result", "ReloadResult",
	"NRestarts", "ExecMainStartTimestamp", "ExecMainStartTimestampMonotonic",
	"ExecMainExitTimestamp", "ExecMainExitTimestampMonotonic", "ExecMainPID",
	"ExecMainCode", "ExecMainStatus", "ControlGroup", NULL,
};

const struct bus_interface bus_service_interface = {
	.name = BUS_NAME ".Service",
	.properties = service_properties,
	.more_properties = bus_cgroup_properties,
};
