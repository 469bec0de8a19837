/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Manager on /org/freedesktop/systemd1: the method table,
 * manager state methods and properties, the nodes above it, and the Manager signals (sent
 * to every client). Unit and job methods are in dbus-manager-units.c, unit file methods
 * in dbus-manager-files.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "config.h"
#include "core/cgroup.h"
#include "activation/bus-activator.h"
#include "core/dbus-internal.h"
#include "core/dbus.h"
#include "core/manager.h"
#include "log.h"
#include "string-util.h"
#include "strv.h"
#include "units/unit-vtable.h"

/* Subscriptions and manager state. */

/* Clients of the private socket are subscribed from the start (bus_broadcast), as in
 * systemd; these exist for clients written for the system bus. */
/* Clients of the private socket get every signal anyway (see client_listens); a caller on
 * the message bus is remembered until it unsubscribes or leaves the bus. */
static int
method_subscribe(struct bus_call *c)
{
	int r;

	if (c->client->is_bus) {
		r = bus_link_subscribe(c, true);
		if (r < 0)
			return r;
	}
	return bus_call_return_empty(c);
}

static int
method_unsubscribe(struct bus_call *c)
{
	if (c->client->is_bus)
		bus_link_subscribe(c, false);
	return bus_call_return_empty(c);
}

static int
method_reload(struct bus_call *c)
{
	/* The loop reloads once this iteration ends (manager_loop), before it reads the
	 * next request, so a client's following call already sees the new state.
	 * manager_reload() sends Reloading(true/false). */
	manager_set_objective(c->manager, MANAGER_RELOAD);
	return bus_call_return_empty(c);
}

static int
method_reexecute(struct bus_call *c)
{
	return bus_call_error(c, DBUS_ERROR_NOT_SUPPORTED, "Re-executing is not supported yet.");
}

static int
shutdown_method(struct bus_call *c, enum manager_objective objective, bool pid1_only)
{
	if (pid1_only && !c->manager->is_pid1)
		return bus_call_error(c, DBUS_ERROR_NOT_SUPPORTED,
				      "Only the system manager running as PID 1 can do this.");
	manager_begin_shutdown(c->manager, objective);
	return bus_call_return_empty(c);
}

static int
method_exit(struct bus_call *c)
{
	return shutdown_method(c, MANAGER_EXIT, false);
}

static int
method_reboot(struct bus_call *c)
{
	return shutdown_method(c, MANAGER_REBOOT, true);
}

static int
method_power_off(struct bus_call *c)
{
	return shutdown_method(c, MANAGER_POWEROFF, true);
}

static int
method_halt(struct bus_call *c)
{
	return shutdown_method(c, MANAGER_HALT, true);
}

static bool
assignment_is_valid(const char *a)
{
	const char *eq = strchr(a, '=');

	if (!eq || eq == a)
		return false;
	for (const char *p = a; p < eq; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (p > a && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* set and unset are validated before anything changes, so a bad list changes nothing. */
static int
set_environment(struct bus_call *c, char **set, char **unset)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	STRV_FOREACH(a, set)
		if (!assignment_is_valid(*a))
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS,
					      "Invalid environment assignment: %s", *a);
	/* Unset takes names; accept "NAME=VALUE" too, as systemd does. */
	STRV_FOREACH(u, unset) {
		char *eq = strchr(*u, '=');
		char *name = eq ? strndup(*u, eq - *u) : strdup(*u);

		if (!name || strv_consume(&names, name) < 0)
			return -ENOMEM;
	}
	r = manager_set_environment(c->manager, set, names);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bus_call_error_errno(c, r, NULL);
	return bus_call_return_empty(c);
}

static int
method_set_environment(struct bus_call *c)
{
	char **l = NULL;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &l, &n, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = set_environment(c, l, NULL);
	dbus_free_string_array(l);
	return r;
}

static int
method_unset_environment(struct bus_call *c)
{
	char **l = NULL;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &l, &n, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = set_environment(c, NULL, l);
	dbus_free_string_array(l);
	return r;
}

static int
method_unset_and_set_environment(struct bus_call *c)
{
	char **unset = NULL, **set = NULL;
	int nu = 0, ns = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &unset, &nu,
			      DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &set, &ns, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = set_environment(c, set, unset);
	dbus_free_string_array(unset);
	dbus_free_string_array(set);
	return r;
}

static int
method_dump(struct bus_call *c)
{
	_cleanup_free_ char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	const char *k;
	struct unit *u;

	if (!f)
		return -ENOMEM;
	HASHMAP_FOREACH(k, u, c->manager->units) {
		if (!streq(k, u->id))
			continue;
		fprintf(f, "-> Unit %s:\n\tDescription: %s\n\tLoad State: %s\n"
			"\tActive State: %s\n\tSub State: %s\n", u->id,
			u->description ? u->description : u->id,
			unit_load_state_to_string(u->load_state),
			unit_active_state_to_string(unit_active_state(u)),
			unit_sub_state_to_string(u));
		if (u->fragment_path)
			fprintf(f, "\tFragment Path: %s\n", u->fragment_path);
		if (u->job)
			fprintf(f, "\tJob: %u %s/%s\n", u->job->id, job_type_to_string(u->job->type),
				job_state_to_string(u->job->state));
		if (u->vtable->dump)
			u->vtable->dump(u, f, "\t");
	}
	if (fclose(f) != 0 || !text)
		return -ENOMEM;
	return bus_call_return_string(c, text);
}

static const struct bus_method manager_methods[] = {
	{ "GetUnit", "s", "o", bus_method_get_unit, BUS_OPEN },
	{ "LoadUnit", "s", "o", bus_method_load_unit, BUS_OPEN },
	{ "GetUnitByPID", "u", "o", bus_method_get_unit_by_pid, BUS_OPEN },
	{ "StartUnit", "ss", "o", bus_method_start_unit },
	{ "StopUnit", "ss", "o", bus_method_stop_unit },
	{ "ReloadUnit", "ss", "o", bus_method_reload_unit },
	{ "RestartUnit", "ss", "o", bus_method_restart_unit },
	{ "TryRestartUnit", "ss", "o", bus_method_try_restart_unit },
	{ "ReloadOrRestartUnit", "ss", "o", bus_method_reload_or_restart_unit },
	{ "ReloadOrTryRestartUnit", "ss", "o", bus_method_reload_or_try_restart_unit },
	{ "KillUnit", "ssi", "", bus_method_kill_unit },
	{ "SetUnitProperties", "sba(sv)", "", bus_method_set_unit_properties },
	{ "StartTransientUnit", "ssa(sv)a(sa(sv))", "o", bus_method_start_transient_unit },
	{ "ResetFailedUnit", "s", "", bus_method_reset_failed_unit },
	{ "ResetFailed", "", "", bus_method_reset_failed },
	{ "GetUnitProcesses", "s", "a(sus)", bus_method_get_unit_processes, BUS_OPEN },
	{ "GetJob", "u", "o", bus_method_get_job, BUS_OPEN },
	{ "CancelJob", "u", "", bus_method_cancel_job },
	{ "ClearJobs", "", "", bus_method_clear_jobs },
	{ "ListJobs", "", "a(usssoo)", bus_method_list_jobs, BUS_OPEN },
	{ "ListUnits", "", "a(ssssssouso)", bus_method_list_units, BUS_OPEN },
	{ "ListUnitsFiltered", "as", "a(ssssssouso)", bus_method_list_units_filtered, BUS_OPEN },
	{ "ListUnitsByPatterns", "asas", "a(ssssssouso)", bus_method_list_units_by_patterns, BUS_OPEN },
	{ "ListUnitsByNames", "as", "a(ssssssouso)", bus_method_list_units_by_names, BUS_OPEN },
	{ "ListUnitFiles", "", "a(ss)", bus_method_list_unit_files, BUS_OPEN },
	{ "ListUnitFilesByPatterns", "asas", "a(ss)", bus_method_list_unit_files_by_patterns, BUS_OPEN },
	{ "GetUnitFileState", "s", "s", bus_method_get_unit_file_state, BUS_OPEN },
	{ "EnableUnitFiles", "asbb", "ba(sss)", bus_method_enable_unit_files },
	{ "DisableUnitFiles", "asb", "a(sss)", bus_method_disable_unit_files },
	{ "MaskUnitFiles", "asbb", "a(sss)", bus_method_mask_unit_files },
	{ "UnmaskUnitFiles", "asb", "a(sss)", bus_method_unmask_unit_files },
	{ "SetDefaultTarget", "sb", "a(sss)", bus_method_set_default_target },
	{ "GetDefaultTarget", "", "s", bus_method_get_default_target, BUS_OPEN },
	{ "Subscribe", "", "", method_subscribe, BUS_OPEN },
	{ "Unsubscribe", "", "", method_unsubscribe, BUS_OPEN },
	{ "Reload", "", "", method_reload },
	{ "Reexecute", "", "", method_reexecute },
	{ "Exit", "", "", method_exit },
	{ "Reboot", "", "", method_reboot },
	{ "PowerOff", "", "", method_power_off },
	{ "Halt", "", "", method_halt },
	{ "SetEnvironment", "as", "", method_set_environment },
	{ "UnsetEnvironment", "as", "", method_unset_environment },
	{ "UnsetAndSetEnvironment", "asas", "", method_unset_and_set_environment },
	{ "Dump", "", "s", method_dump, BUS_OPEN },
	{ NULL }
};

/* Properties. */

#define M(object) ((struct manager *)(object))

static bool
get_version(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, EMBER_VERSION);
}

/* The manager's own cgroup, as systemd reports it, and why there is no tree (ember). */
static bool
get_control_group(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *base = cgroup_base(M(object));
	_cleanup_free_ char *s = base ? strjoin(base, "/init.scope") : NULL;

	if (base && !s)
		return false;
	return bus_append_string(it, s ? s : "");
}

static bool
get_cgroup_fallback_reason(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *why = cgroup_fallback_reason(M(object));

	return bus_append_string(it, why ? why : "");
}

static bool
get_features(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, "+DBUS +CGROUPV2 -PAM -SELINUX -APPARMOR -AUDIT");
}

/* systemd's names for the machine types, which clients compare against. */
static bool
get_architecture(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	static const struct {
		const char *machine, *name;
	} table[] = {
		{ "x86_64", "x86-64" }, { "i686", "x86" }, { "i586", "x86" }, { "i386", "x86" },
		{ "aarch64", "arm64" }, { "armv7l", "arm" }, { "riscv64", "riscv64" },
		{ "ppc64le", "ppc64-le" }, { "s390x", "s390x" },
	};
	struct utsname u;

	if (uname(&u) < 0)
		return bus_append_string(it, "");
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(u.machine, table[i].machine))
			return bus_append_string(it, table[i].name);
	return bus_append_string(it, u.machine);
}

static unsigned
count_failed_units(struct manager *m)
{
	unsigned n = 0;
	const char *k;
	struct unit *u;

	HASHMAP_FOREACH(k, u, m->units)
		if (streq(k, u->id) && unit_active_state(u) == UNIT_FAILED)
			n++;
	return n;
}

static bool
get_system_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct manager *m = object;
	const char *state;

	if ((m->objective != MANAGER_OK && m->objective != MANAGER_RELOAD) ||
	    m->shutdown_pending != MANAGER_OK)
		state = "stopping";
	else if (!m->startup_finished)
		state = "starting";
	else
		state = count_failed_units(m) > 0 ? "degraded" : "running";
	return bus_append_string(it, state);
}

static bool
get_n_names(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, hashmap_size(M(object)->units));
}

static bool
get_n_jobs(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, hashmap_size(M(object)->jobs));
}

static bool
get_n_failed_units(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, count_failed_units(object));
}

/* p->arg: 0 stdout, 1 stderr. */
static bool
get_default_output(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct manager_defaults *d = &M(object)->defaults;

	return bus_append_string(it, exec_output_to_string(p->arg ? d->std_error : d->std_output));
}

#define MFIELD(name, sig, get, field) { name, sig, get, offsetof(struct manager, field) }
#define MTIMESTAMP(name, field) \
	MFIELD(name, "t", bus_property_get_realtime, field), \
	MFIELD(name "Monotonic", "t", bus_property_get_monotonic, field)

static const struct bus_property manager_properties[] = {
	{ "Version", "s", get_version, 0 },
	{ "Features", "s", get_features, 0 },
	{ "ControlGroup", "s", get_control_group, 0 },
	{ "CGroupFallbackReason", "s", get_cgroup_fallback_reason, 0 },
	{ "Architecture", "s", get_architecture, 0 },
	{ "Virtualization", "s", bus_property_get_empty_string, 0 },
	{ "Tainted", "s", bus_property_get_empty_string, 0 },
	{ "SystemState", "s", get_system_state, 0 },
	{ "NNames", "u", get_n_names, 0 },
	{ "NJobs", "u", get_n_jobs, 0 },
	{ "NFailedUnits", "u", get_n_failed_units, 0 },
	MFIELD("NInstalledJobs", "u", bus_property_get_unsigned, current_job_id),
	MFIELD("Environment", "as", bus_property_get_strv, environment),
	MFIELD("UnitPath", "as", bus_property_get_strv, lookup.search),
	{ "DefaultStandardOutput", "s", get_default_output, 0 },
	{ "DefaultStandardError", "s", get_default_output, 1 },
	MFIELD("DefaultTimeoutStartUSec", "t", bus_property_get_usec, defaults.timeout_start),
	MFIELD("DefaultTimeoutStopUSec", "t", bus_property_get_usec, defaults.timeout_stop),
	MFIELD("DefaultRestartUSec", "t", bus_property_get_usec, defaults.restart),
	MFIELD("ShowStatus", "b", bus_property_get_bool, show_status),
	MTIMESTAMP("UserspaceTimestamp", startup_timestamp),
	MTIMESTAMP("FinishTimestamp", finish_timestamp),
	{ NULL }
};

static const struct bus_signal manager_signals[] = {
	{ "UnitNew", "so" },
	{ "UnitRemoved", "so" },
	{ "JobNew", "uos" },
	{ "JobRemoved", "uoss" },
	{ "StartupFinished", "tttttt" },
	{ "UnitFilesChanged", "" },
	{ "Reloading", "b" },
	{ NULL }
};

const struct bus_interface bus_manager_interface = {
	.name = BUS_IFACE_MANAGER,
	.methods = manager_methods,
	.properties = manager_properties,
	.signals = manager_signals,
};

int
bus_manager_object_find(struct manager *m, const char *path, struct bus_object *o)
{
	/* The nodes above the manager exist for `busctl tree` and introspection. */
	static const struct {
		const char *path, *child;
	} parents[] = {
		{ "/", "org" },
		{ "/org", "freedesktop" },
		{ "/org/freedesktop", "systemd1" },
	};

	for (size_t i = 0; i < ELEMENTSOF(parents); i++)
		if (streq(path, parents[i].path)) {
			if (strv_extend(&o->children, parents[i].child) < 0)
				return -ENOMEM;
			return 0;
		}
	if (streq(path, BUS_PATH)) {
		o->data = m;
		o->interfaces[0] = &bus_manager_interface;
		if (strv_extend(&o->children, "unit") < 0 || strv_extend(&o->children, "job") < 0)
			return -ENOMEM;
		return 0;
	}
	if (streq(path, BUS_PATH "/unit")) {
		o->children = bus_unit_children(m);
		return o->children || hashmap_size(m->units) == 0 ? 0 : -ENOMEM;
	}
	if (streq(path, BUS_PATH "/job")) {
		o->children = bus_job_children(m);
		return o->children || hashmap_size(m->jobs) == 0 ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* Signals. */

static DBusMessage *
manager_signal_new(const char *member, DBusMessageIter *it)
{
	DBusMessage *msg = dbus_message_new_signal(BUS_PATH, BUS_IFACE_MANAGER, member);

	if (msg)
		dbus_message_iter_init_append(msg, it);
	return msg;
}

static void
send_and_free(struct manager *m, DBusMessage *msg, bool ok, bool to_bus)
{
	if (!msg)
		return;
	if (ok)
		bus_broadcast(m, msg, to_bus);
	else
		log_warning("Out of memory building an API signal.");
	dbus_message_unref(msg);
}

static void
send_unit_signal(struct manager *m, struct unit *u, const char *member)
{
	_cleanup_free_ char *path = NULL;
	DBusMessageIter it;
	DBusMessage *msg;

	if (!bus_has_listeners(m))
		return;
	path = unit_dbus_path(u);
	msg = path ? manager_signal_new(member, &it) : NULL;
	send_and_free(m, msg, msg && bus_append_string(&it, u->id) && bus_append_path(&it, path),
		      false);
}

void
bus_send_unit_new(struct manager *m, struct unit *u)
{
	send_unit_signal(m, u, "UnitNew");
}

void
bus_send_unit_removed(struct manager *m, struct unit *u)
{
	/* Clients may have seen the unit through a call without ever getting UnitNew (it
	 * is collected before the D-Bus queue ran); announce it first, as systemd does, so
	 * that every UnitRemoved has a UnitNew before it. */
	if (!u->sent_dbus_new_signal) {
		u->sent_dbus_new_signal = true;
		send_unit_signal(m, u, "UnitNew");
	}
	send_unit_signal(m, u, "UnitRemoved");
}

void
bus_send_job_new(struct manager *m, struct job *j)
{
	_cleanup_free_ char *path = NULL;
	DBusMessageIter it;
	DBusMessage *msg;

	j->sent_dbus_new_signal = true;
	if (!bus_has_listeners(m))
		return;
	path = job_dbus_path(j);
	msg = path ? manager_signal_new("JobNew", &it) : NULL;
	send_and_free(m, msg, msg && bus_append_u32(&it, j->id) && bus_append_path(&it, path) &&
			      bus_append_string(&it, j->unit->id), j->requested_on_bus);
}

void
bus_send_job_removed(struct manager *m, struct job *j, enum job_result result)
{
	_cleanup_free_ char *path = NULL;
	DBusMessageIter it;
	DBusMessage *msg;

	bus_activator_job_finished(m, j, result);
	if (!bus_has_listeners(m) && !(j->requested_on_bus && m->bus && bus_link_client(m->bus)))
		return;
	path = job_dbus_path(j);
	msg = path ? manager_signal_new("JobRemoved", &it) : NULL;
	send_and_free(m, msg, msg && bus_append_u32(&it, j->id) && bus_append_path(&it, path) &&
			      bus_append_string(&it, j->unit->id) &&
			      bus_append_string(&it, job_result_to_string(result)), j->requested_on_bus);
}

void
bus_send_reloading(struct manager *m, bool active)
{
	DBusMessageIter it;
	DBusMessage *msg;

	if (!bus_has_listeners(m))
		return;
	msg = manager_signal_new("Reloading", &it);
	send_and_free(m, msg, msg && bus_append_bool(&it, active), false);
}

void
bus_send_startup_finished(struct manager *m)
{
	const struct dual_timestamp *s = &m->startup_timestamp, *f = &m->finish_timestamp;
	/* firmware, loader, kernel, initrd, userspace, total. Only PID 1 knows when the
	 * kernel started (monotonic 0); an instance counts from its own start. */
	usec_t kernel = m->is_pid1 ? s->monotonic : 0;
	usec_t userspace = f->monotonic > s->monotonic ? f->monotonic - s->monotonic : 0;
	usec_t times[6] = { 0, 0, kernel, 0, userspace, kernel + userspace };
	DBusMessageIter it;
	DBusMessage *msg;
	bool ok;

	if (!bus_has_listeners(m))
		return;
	msg = manager_signal_new("StartupFinished", &it);
	ok = msg != NULL;
	for (size_t i = 0; ok && i < ELEMENTSOF(times); i++)
		ok = bus_append_u64(&it, times[i]);
	send_and_free(m, msg, ok, false);
}
