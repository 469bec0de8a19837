/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit objects: /org/freedesktop/systemd1/unit/<bus label of the name>, with the Unit
 * interface and one per type (Service in dbus-service.c, Socket in dbus-socket.c).
 * systemctl computes unit paths itself and reads properties without asking GetUnit first,
 * so any unit path is served: the unit is loaded on demand, and a name that cannot be a
 * unit at all still answers, as "not-found". Job objects and job requests are in
 * dbus-job.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/dbus.h"
#include "core/manager.h"
#include "core/unit-log.h"
#include "install.h"
#include "log.h"
#include "string-util.h"
#include "strv.h"
#include "units/service.h"
#include "units/unit-vtable.h"

/* Stand-in type for names no real type can load: every slot empty, so the generic unit
 * code answers "inactive", "dead", cannot start. */
static const struct unit_vtable phantom_vtable = {
	.object_size = sizeof(struct unit),
};

#define U(object) ((struct unit *)(object))

static bool
is_phantom(const struct unit *u)
{
	return u->vtable == &phantom_vtable;
}

/* Unit properties. */

static bool
get_names(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	DBusMessageIter a;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a))
		return false;
	if (!bus_append_string(&a, U(object)->id))
		goto fail;
	STRV_FOREACH(n, U(object)->aliases)
		if (!bus_append_string(&a, *n))
			goto fail;
	return dbus_message_iter_close_container(it, &a);
fail:
	dbus_message_iter_abandon_container(it, &a);
	return false;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* p->arg is the enum unit_dependency. Sorted, so that output is stable. */
static bool
get_dependencies(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct set *s = U(object)->deps[p->arg];
	size_t n = 0, cap = set_size(s);
	_cleanup_free_ const char **names = cap ? calloc(cap, sizeof(char *)) : NULL;
	DBusMessageIter a;
	struct unit *other;

	if (cap && !names)
		return false;
	SET_FOREACH(other, s)
		if (n < cap)
			names[n++] = other->id;
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_strings);
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!bus_append_string(&a, names[i])) {
			dbus_message_iter_abandon_container(it, &a);
			return false;
		}
	return dbus_message_iter_close_container(it, &a);
}

static bool
get_description(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;

	return bus_append_string(it, u->description ? u->description : u->id);
}

static bool
get_load_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, unit_load_state_to_string(U(object)->load_state));
}

static bool
get_active_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, unit_active_state_to_string(unit_active_state(object)));
}

static bool
get_sub_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, unit_sub_state_to_string(object));
}

static bool
get_unit_file_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;
	const char *state = NULL;

	if (install_get_state(&u->manager->lookup, u->id, &state) < 0)
		state = "";
	return bus_append_string(it, state);
}

/* The latest of the four transition timestamps (p->arg: 0 realtime, 1 monotonic). */
static bool
get_state_change_timestamp(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;
	const struct dual_timestamp *all[] = {
		&u->inactive_exit_timestamp, &u->active_enter_timestamp,
		&u->active_exit_timestamp, &u->inactive_enter_timestamp,
	};
	const struct dual_timestamp *latest = all[0];

	for (size_t i = 1; i < ELEMENTSOF(all); i++)
		if (all[i]->monotonic > latest->monotonic)
			latest = all[i];
	return bus_append_u64(it, p->arg ? latest->monotonic : latest->realtime);
}

static bool
get_can_start(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, unit_can_start(object) && !U(object)->refuse_manual_start);
}

static bool
get_can_stop(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, unit_can_stop(object) && !U(object)->refuse_manual_stop);
}

static bool
get_can_reload(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, unit_can_reload(object));
}

static bool
get_can_isolate(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, unit_can_isolate(object) && !U(object)->refuse_manual_start);
}

static bool
get_job(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct job *j = U(object)->job;
	_cleanup_free_ char *path = j ? job_dbus_path(j) : NULL;
	DBusMessageIter s;

	if (j && !path)
		return false;
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_u32(&s, j ? j->id : 0) || !bus_append_path(&s, j ? path : "/")) {
		dbus_message_iter_abandon_container(it, &s);
		return false;
	}
	return dbus_message_iter_close_container(it, &s);
}

static bool
get_load_error(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	static const char *const names[_UNIT_LOAD_STATE_MAX] = {
		[UNIT_NOT_FOUND] = BUS_ERROR_NO_SUCH_UNIT,
		[UNIT_BAD_SETTING] = BUS_ERROR_BAD_UNIT_SETTING,
		[UNIT_ERROR] = BUS_ERROR_LOAD_FAILED,
		[UNIT_MASKED] = BUS_ERROR_UNIT_MASKED,
	};
	struct unit *u = object;
	const char *name = u->load_state < _UNIT_LOAD_STATE_MAX ? names[u->load_state] : NULL;
	DBusMessageIter s;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_string(&s, name) ||
	    !bus_append_string(&s, name ? u->load_error : NULL)) {
		dbus_message_iter_abandon_container(it, &s);
		return false;
	}
	return dbus_message_iter_close_container(it, &s);
}

static int
unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 16 bytes from the 32 hex digits, or empty before the first start. */
static bool
get_invocation_id(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *id = U(object)->invocation_id;
	unsigned char bytes[16];
	const unsigned char *b = bytes;
	int n = 0;
	DBusMessageIter a;

	if (id && strlen(id) == 32) {
		for (n = 0; n < 16; n++) {
			int hi = unhex_digit(id[2 * n]), lo = unhex_digit(id[2 * n + 1]);

			if (hi < 0 || lo < 0)
				break;
			bytes[n] = (unsigned char)(hi << 4 | lo);
		}
		if (n != 16)
			n = 0;
	}
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &a))
		return false;
	if (n > 0 && !dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &b, n)) {
		dbus_message_iter_abandon_container(it, &a);
		return false;
	}
	return dbus_message_iter_close_container(it, &a);
}

static bool
get_log_lines(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	char **l = unit_log_lines(U(object)->log, UNIT_LOG_LINES);
	bool ok = bus_append_strv(it, l);

	strv_free(l);
	return ok;
}

static bool
get_failed_step(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = object;

	return bus_append_string(it, u->type == UNIT_SERVICE ? SERVICE(u)->failed_step : NULL);
}

/* The fragment changed on disk since it was loaded (one stat per query, like systemctl's
 * "changed on disk" warning expects). */
static bool
get_need_daemon_reload(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct unit *u = U(object);
	struct stat st;
	bool changed = false;

	if (u->fragment_path && stat(u->fragment_path, &st) == 0)
		changed = (usec_t)st.st_mtim.tv_sec * USEC_PER_SEC +
			  (usec_t)st.st_mtim.tv_nsec / 1000 != u->fragment_mtime;
	return bus_append_bool(it, changed);
}

static bool
get_start_limit_action(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	static const char *const names[_MANAGER_OBJECTIVE_MAX] = {
		[MANAGER_OK] = "none", [MANAGER_EXIT] = "exit", [MANAGER_REBOOT] = "reboot",
		[MANAGER_POWEROFF] = "poweroff", [MANAGER_HALT] = "halt", [MANAGER_KEXEC] = "kexec",
	};
	int a = U(object)->start_limit_action;

	return bus_append_string(it, a >= 0 && a < _MANAGER_OBJECTIVE_MAX && names[a] ? names[a] : "none");
}

#define DEP(name, d) { name, "as", get_dependencies, d }
#define UFIELD(name, sig, get, field) { name, sig, get, offsetof(struct unit, field) }
#define UTIMESTAMP(name, field) \
	UFIELD(name, "t", bus_property_get_realtime, field), \
	UFIELD(name "Monotonic", "t", bus_property_get_monotonic, field)

static const struct bus_property unit_properties[] = {
	UFIELD("Id", "s", bus_property_get_string, id),
	{ "Names", "as", get_names, 0 },
	{ "Following", "s", bus_property_get_empty_string, 0 },
	DEP("Requires", UNIT_REQUIRES),
	DEP("Requisite", UNIT_REQUISITE),
	DEP("Wants", UNIT_WANTS),
	DEP("BindsTo", UNIT_BINDS_TO),
	DEP("PartOf", UNIT_PART_OF),
	DEP("Upholds", UNIT_UPHOLDS),
	DEP("RequiredBy", UNIT_REQUIRED_BY),
	DEP("RequisiteOf", UNIT_REQUISITE_OF),
	DEP("WantedBy", UNIT_WANTED_BY),
	DEP("BoundBy", UNIT_BOUND_BY),
	DEP("UpheldBy", UNIT_UPHELD_BY),
	DEP("ConsistsOf", UNIT_CONSISTS_OF),
	DEP("Conflicts", UNIT_CONFLICTS),
	DEP("ConflictedBy", UNIT_CONFLICTED_BY),
	DEP("Before", UNIT_BEFORE),
	DEP("After", UNIT_AFTER),
	DEP("OnSuccess", UNIT_ON_SUCCESS),
	DEP("OnSuccessOf", UNIT_ON_SUCCESS_OF),
	DEP("OnFailure", UNIT_ON_FAILURE),
	DEP("OnFailureOf", UNIT_ON_FAILURE_OF),
	DEP("Triggers", UNIT_TRIGGERS),
	DEP("TriggeredBy", UNIT_TRIGGERED_BY),
	DEP("PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO),
	DEP("ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM),
	DEP("References", UNIT_REFERENCES),
	DEP("ReferencedBy", UNIT_REFERENCED_BY),
	{ "Description", "s", get_description, 0 },
	{ "LoadState", "s", get_load_state, 0 },
	{ "ActiveState", "s", get_active_state, 0 },
	{ "SubState", "s", get_sub_state, 0 },
	UFIELD("FragmentPath", "s", bus_property_get_string, fragment_path),
	UFIELD("SourcePath", "s", bus_property_get_string, source_path),
	UFIELD("DropInPaths", "as", bus_property_get_strv, dropin_paths),
	{ "UnitFileState", "s", get_unit_file_state, 0 },
	{ "UnitFilePreset", "s", bus_property_get_empty_string, 0 },
	{ "StateChangeTimestamp", "t", get_state_change_timestamp, 0 },
	{ "StateChangeTimestampMonotonic", "t", get_state_change_timestamp, 1 },
	UTIMESTAMP("InactiveExitTimestamp", inactive_exit_timestamp),
	UTIMESTAMP("ActiveEnterTimestamp", active_enter_timestamp),
	UTIMESTAMP("ActiveExitTimestamp", active_exit_timestamp),
	UTIMESTAMP("InactiveEnterTimestamp", inactive_enter_timestamp),
	{ "CanStart", "b", get_can_start, 0 },
	{ "CanStop", "b", get_can_stop, 0 },
	{ "CanReload", "b", get_can_reload, 0 },
	{ "CanIsolate", "b", get_can_isolate, 0 },
	{ "Job", "(uo)", get_job, 0 },
	UFIELD("StopWhenUnneeded", "b", bus_property_get_bool, stop_when_unneeded),
	UFIELD("RefuseManualStart", "b", bus_property_get_bool, refuse_manual_start),
	UFIELD("RefuseManualStop", "b", bus_property_get_bool, refuse_manual_stop),
	UFIELD("AllowIsolate", "b", bus_property_get_bool, allow_isolate),
	UFIELD("DefaultDependencies", "b", bus_property_get_bool, default_dependencies),
	UFIELD("IgnoreOnIsolate", "b", bus_property_get_bool, ignore_on_isolate),
	UFIELD("Perpetual", "b", bus_property_get_bool, perpetual),
	{ "Transient", "b", bus_property_get_false, 0 },
	/* Loaded units keep their configuration across daemon-reload (manager.c), so a
	 * changed file never needs one to take effect here. */
	{ "NeedDaemonReload", "b", get_need_daemon_reload, 0 },
	UFIELD("JobTimeoutUSec", "t", bus_property_get_usec, job_timeout),
	UFIELD("StartLimitIntervalUSec", "t", bus_property_get_usec, start_limit.interval),
	UFIELD("StartLimitBurst", "u", bus_property_get_unsigned, start_limit.burst),
	{ "StartLimitAction", "s", get_start_limit_action, 0 },
	UFIELD("ConditionResult", "b", bus_property_get_bool, condition_result),
	UFIELD("AssertResult", "b", bus_property_get_bool, assert_result),
	UTIMESTAMP("ConditionTimestamp", condition_timestamp),
	{ "LoadError", "(ss)", get_load_error, 0 },
	UFIELD("Documentation", "as", bus_property_get_strv, documentation),
	{ "InvocationID", "ay", get_invocation_id, 0 },
	{ "EmberLogLines", "as", get_log_lines, 0 },
	{ "EmberFailedStep", "s", get_failed_step, 0 },
	{ NULL }
};

/* What may change when unit_notify() or a job runs; UnitFileState is left out on
 * purpose: it scans directories. */
static const char *const unit_changed_properties[] = {
	"ActiveState", "SubState", "LoadState", "Job", "Description", "FragmentPath",
	"DropInPaths", "StateChangeTimestamp", "StateChangeTimestampMonotonic",
	"InactiveExitTimestamp", "InactiveExitTimestampMonotonic",
	"ActiveEnterTimestamp", "ActiveEnterTimestampMonotonic",
	"ActiveExitTimestamp", "ActiveExitTimestampMonotonic",
	"InactiveEnterTimestamp", "InactiveEnterTimestampMonotonic",
	"CanStart", "CanStop", "CanReload", "CanIsolate", "ConditionResult", "AssertResult",
	"ConditionTimestamp", "ConditionTimestampMonotonic", "LoadError", "InvocationID",
	"EmberFailedStep", NULL,
};

/* Unit methods: the same operations as the Manager's, addressed by path. */

static int
unit_method_job(struct bus_call *c, enum job_type type, bool reload_if_possible)
{
	const char *mode;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &mode, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	return bus_unit_enqueue(c, c->object, type, mode, reload_if_possible);
}

static int
unit_method_start(struct bus_call *c)
{
	return unit_method_job(c, JOB_START, false);
}

static int
unit_method_stop(struct bus_call *c)
{
	return unit_method_job(c, JOB_STOP, false);
}

static int
unit_method_reload(struct bus_call *c)
{
	return unit_method_job(c, JOB_RELOAD, false);
}

static int
unit_method_restart(struct bus_call *c)
{
	return unit_method_job(c, JOB_RESTART, false);
}

static int
unit_method_try_restart(struct bus_call *c)
{
	return unit_method_job(c, JOB_TRY_RESTART, false);
}

static int
unit_method_reload_or_restart(struct bus_call *c)
{
	return unit_method_job(c, JOB_RESTART, true);
}

static int
unit_method_reload_or_try_restart(struct bus_call *c)
{
	return unit_method_job(c, JOB_TRY_RESTART, true);
}

int
bus_unit_kill(struct bus_call *c, struct unit *u, const char *whom, int sig)
{
	_cleanup_free_ char *error = NULL;
	int r;

	if (isempty(whom))
		whom = "all";
	if (!streq(whom, "main") && !streq(whom, "control") && !streq(whom, "all"))
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Invalid who argument: %s",
				      whom);
	if (sig <= 0 || sig >= _NSIG)
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Signal number out of range.");
	if (u->load_state != UNIT_LOADED)
		return bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", u->id);
	r = unit_kill(u, whom, sig, &error);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (error)
			return bus_call_error(c, r == -ESRCH ? BUS_ERROR_NO_SUCH_PROCESS :
					      DBUS_ERROR_FAILED, "%s", error);
		return bus_call_error_errno(c, r, u->id);
	}
	return bus_call_return_empty(c);
}

static int
unit_method_kill(struct bus_call *c)
{
	const char *whom;
	dbus_int32_t sig;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &whom, DBUS_TYPE_INT32, &sig,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	return bus_unit_kill(c, c->object, whom, sig);
}

static int
unit_method_reset_failed(struct bus_call *c)
{
	/* A phantom is freed after the call; it must never enter the manager's queues. */
	if (!is_phantom(c->object))
		unit_reset_failed(c->object);
	return bus_call_return_empty(c);
}

static int
unit_method_set_properties(struct bus_call *c)
{
	DBusMessageIter it;

	if (is_phantom(c->object))
		return bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.",
				      ((struct unit *)c->object)->id);
	if (!dbus_message_iter_init(c->message, &it))
		return -ENOMEM;
	dbus_message_iter_next(&it); /* runtime: see bus_method_set_unit_properties() */
	return bus_unit_set_properties(c, c->object, &it);
}

static const struct bus_method unit_methods[] = {
	{ "Start", "s", "o", unit_method_start },
	{ "Stop", "s", "o", unit_method_stop },
	{ "Reload", "s", "o", unit_method_reload },
	{ "Restart", "s", "o", unit_method_restart },
	{ "TryRestart", "s", "o", unit_method_try_restart },
	{ "ReloadOrRestart", "s", "o", unit_method_reload_or_restart },
	{ "ReloadOrTryRestart", "s", "o", unit_method_reload_or_try_restart },
	{ "Kill", "si", "", unit_method_kill },
	{ "ResetFailed", "", "", unit_method_reset_failed },
	{ "SetProperties", "ba(sv)", "", unit_method_set_properties },
	{ NULL }
};

const struct bus_interface bus_unit_interface = {
	.name = BUS_IFACE_UNIT,
	.methods = unit_methods,
	.properties = unit_properties,
};

/* Every type has its interface name, even where ember exports nothing type-specific
 * yet, so that clients asking for it get an empty set rather than an error. */
static const struct bus_interface type_interfaces[_UNIT_TYPE_MAX] = {
	[UNIT_TARGET] = { .name = BUS_NAME ".Target" },
	[UNIT_DEVICE] = { .name = BUS_NAME ".Device", .properties = bus_device_properties },
	[UNIT_MOUNT] = { .name = BUS_NAME ".Mount", .properties = bus_mount_properties,
			 .more_properties = bus_cgroup_properties },
	[UNIT_AUTOMOUNT] = { .name = BUS_NAME ".Automount", .properties = bus_automount_properties },
	[UNIT_SWAP] = { .name = BUS_NAME ".Swap", .properties = bus_swap_properties,
			.more_properties = bus_cgroup_properties },
	[UNIT_TIMER] = { .name = BUS_NAME ".Timer" },
	[UNIT_PATH] = { .name = BUS_NAME ".Path" },
	[UNIT_SLICE] = { .name = BUS_NAME ".Slice", .more_properties = bus_cgroup_properties },
	[UNIT_SCOPE] = { .name = BUS_NAME ".Scope" },
};

static const struct bus_interface *
type_interface(const struct unit *u)
{
	if (u->type == UNIT_SERVICE)
		return &bus_service_interface;
	if (u->type == UNIT_SOCKET)
		return &bus_socket_interface;
	if (u->type >= 0 && u->type < _UNIT_TYPE_MAX)
		return &type_interfaces[u->type];
	return NULL;
}

static int
phantom_new(struct manager *m, const char *name, struct bus_object *o)
{
	struct unit *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	o->phantom = u;
	u->manager = m;
	u->vtable = &phantom_vtable;
	u->type = _UNIT_TYPE_INVALID;
	u->load_state = UNIT_NOT_FOUND;
	u->job_timeout = USEC_INFINITY;
	u->condition_result = u->assert_result = true;
	u->id = strdup(name);
	if (!u->id || asprintf(&u->load_error, "Unit %s not found.", name) < 0)
		return -ENOMEM;
	o->data = u;
	o->interfaces[0] = &bus_unit_interface;
	return 0;
}

int
bus_unit_object_for_pid(struct manager *m, pid_t pid, struct bus_object *o)
{
	struct unit *u = pid > 0 ? manager_get_unit_by_pid(m, pid) : NULL;

	if (!u)
		return -ENOENT;
	o->data = u;
	o->interfaces[0] = &bus_unit_interface;
	o->interfaces[1] = type_interface(u);
	return 0;
}

int
bus_unit_object_find(struct manager *m, const char *path, struct bus_object *o)
{
	const char *label = startswith(path, BUS_UNIT_PREFIX);
	_cleanup_free_ char *name = NULL;
	struct unit *u;
	int r;

	if (!label || isempty(label) || strchr(label, '/'))
		return -ENOENT;
	name = bus_label_unescape(label);
	if (!name)
		return -ENOMEM;
	u = manager_get_unit(m, name);
	if (!u) {
		r = manager_load_unit(m, name, &u);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return phantom_new(m, name, o);
		manager_dispatch_load_queue(m);
		/* Loaded only to be looked at: let the collector take it again unless
		 * something starts it meanwhile. */
		unit_add_to_gc_queue(u);
	}
	o->data = u;
	o->interfaces[0] = &bus_unit_interface;
	o->interfaces[1] = type_interface(u);
	return 0;
}

char **
bus_unit_children(struct manager *m)
{
	char **l = NULL;
	const char *k;
	struct unit *u;

	HASHMAP_FOREACH(k, u, m->units) {
		char *label;

		if (!streq(k, u->id))
			continue;
		label = bus_label_escape(u->id);
		if (!label || strv_consume(&l, label) < 0)
			return strv_free(l);
	}
	if (l)
		strv_sort(l);
	return l;
}

int
bus_unit_by_name(struct bus_call *c, const char *name, bool load, struct unit **ret)
{
	struct manager *m = c->manager;
	struct unit *u;
	int r;

	*ret = NULL;
	if (!load) {
		u = manager_get_unit(m, name);
		if (!u) {
			r = bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
			return r < 0 ? r : 0;
		}
		*ret = u;
		return 1;
	}
	r = manager_load_unit(m, name, &u);
	if (r == -ENOMEM)
		return r;
	if (r == -EOPNOTSUPP)
		r = bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT,
				   "Unit %s not found (ember does not support its type).", name);
	else if (r < 0)
		r = bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
	else {
		manager_dispatch_load_queue(m);
		/* Collected again later unless a job or a dependency keeps it. */
		unit_add_to_gc_queue(u);
		*ret = u;
		return 1;
	}
	return r < 0 ? r : 0;
}

bool
bus_unit_append_list_entry(DBusMessageIter *array, struct unit *u)
{
	_cleanup_free_ char *path = unit_dbus_path(u);
	_cleanup_free_ char *jpath = u->job ? job_dbus_path(u->job) : NULL;
	DBusMessageIter s;

	if (!path || (u->job && !jpath))
		return false;
	if (!dbus_message_iter_open_container(array, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_string(&s, u->id) ||
	    !bus_append_string(&s, u->description ? u->description : u->id) ||
	    !bus_append_string(&s, unit_load_state_to_string(u->load_state)) ||
	    !bus_append_string(&s, unit_active_state_to_string(unit_active_state(u))) ||
	    !bus_append_string(&s, unit_sub_state_to_string(u)) ||
	    !bus_append_string(&s, "") ||
	    !bus_append_path(&s, path) ||
	    !bus_append_u32(&s, u->job ? u->job->id : 0) ||
	    !bus_append_string(&s, u->job ? job_type_to_string(u->job->type) : "") ||
	    !bus_append_path(&s, u->job ? jpath : "/")) {
		dbus_message_iter_abandon_container(array, &s);
		return false;
	}
	return dbus_message_iter_close_container(array, &s);
}

void
bus_send_unit_changed(struct manager *m, struct unit *u)
{
	_cleanup_free_ char *path = NULL;
	const struct bus_interface *ti;
	DBusMessage *msg;

	/* Called for every state change; nothing to build when nobody listens. */
	if (!bus_has_listeners(m))
		return;
	path = unit_dbus_path(u);
	if (!path)
		return;
	msg = bus_properties_changed_new(path, &bus_unit_interface, u, unit_changed_properties);
	if (msg) {
		bus_broadcast(m, msg, false);
		dbus_message_unref(msg);
	}
	ti = type_interface(u);
	if (ti != &bus_service_interface && ti != &bus_socket_interface)
		return;
	msg = bus_properties_changed_new(path, ti, u, ti == &bus_service_interface ?
					 bus_service_changed_properties :
					 bus_socket_changed_properties);
	if (msg) {
		bus_broadcast(m, msg, false);
		dbus_message_unref(msg);
	}
}
