/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup-config.h"
#include "core/cgroup.h"
#include "core/dbus-internal.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"

/* The cgroup properties of every unit type with a cgroup (Service, Socket, Slice), merged
 * into that type's interface as systemd does: where it lives, what it uses, its limits. */

#define U(object) ((struct unit *)(object))

static bool
get_slice(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *s;

	SET_FOREACH(s, U(object)->deps[UNIT_IN_SLICE])
		return bus_append_string(it, s->id);
	return bus_append_string(it, "");
}

static bool
get_control_group(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *path = U(object)->cgroup_path;

	return bus_append_string(it, path ? (*path ? path : "/") : "");
}

/* Threads in the cgroup at dir and below: the task count where there is no pids controller
 * (cgroup.threads is a core file of every cgroup). */
static uint64_t
count_threads(const char *dir, unsigned depth)
{
	char path[4200];
	uint64_t n = 0;
	struct dirent *de;
	FILE *f;
	DIR *d;
	int tid;

	snprintf(path, sizeof(path), "%s/cgroup.threads", dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%d", &tid) == 1)
		n++;
	if (f)
		fclose(f);
	d = depth < 16 ? opendir(dir) : NULL;
	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			n += count_threads(path, depth + 1);
		}
	if (d)
		closedir(d);
	return n;
}

/* A counter read from cgroupfs; UINT64_MAX ("unknown") where there is none. */
static bool
get_counter(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *file = (const char *)p->arg;
	char dir[4096];
	uint64_t v;

	if (unit_cgroup_read_u64(U(object), file, &v) < 0) {
		v = UINT64_MAX;
		if (streq(file, "pids.current") && unit_cgroup_fs_path(U(object), dir, sizeof(dir)))
			v = count_threads(dir, 0);
	}
	return bus_append_u64(it, v);
}

/* usage_usec of cpu.stat, in nanoseconds as systemd reports it. */
static bool
get_cpu_usage(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	char dir[4096], path[4200], key[32];
	unsigned long long usec;
	uint64_t v = UINT64_MAX;
	FILE *f;

	if (unit_cgroup_fs_path(U(object), dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/cpu.stat", dir);
		f = fopen(path, "re");
		while (f && fscanf(f, "%31s %llu", key, &usec) == 2)
			if (streq(key, "usage_usec")) {
				v = (uint64_t)usec * 1000;
				break;
			}
		if (f)
			fclose(f);
	}
	return bus_append_u64(it, v);
}

static const struct cgroup_context *
context(void *object)
{
	static struct cgroup_context *defaults;

	if (U(object)->cgroup_context)
		return U(object)->cgroup_context;
	if (!defaults)
		defaults = cgroup_context_new(); /* one shared, never freed: the unset values */
	return defaults;
}

/* A limit: "unset" and "infinity" are both UINT64_MAX on the bus, as in systemd. */
static bool
get_limit(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct cgroup_context *c = context(object);
	uint64_t v = c ? *(const uint64_t *)((const char *)c + p->arg) : CGROUP_LIMIT_UNSET;

	return bus_append_u64(it, v == CGROUP_LIMIT_UNSET ? UINT64_MAX : v);
}

/* What applies: the kernel's pids.max where there is one (the default counts too). */
static bool
get_tasks_max(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct cgroup_context *c = context(object);
	uint64_t v;

	if (unit_cgroup_read_u64(U(object), "pids.max", &v) == 0)
		return bus_append_u64(it, v);
	if (c && c->tasks_max_scale)
		return bus_append_u64(it, UINT64_MAX); /* a share of pid_max, not applied here */
	v = c ? c->tasks_max : CGROUP_LIMIT_UNSET;
	return bus_append_u64(it, v == CGROUP_LIMIT_UNSET ? UINT64_MAX : v);
}

static bool
get_usec(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct cgroup_context *c = context(object);

	return bus_append_u64(it, c ? *(const usec_t *)((const char *)c + p->arg) : USEC_INFINITY);
}

static bool
get_delegate(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct cgroup_context *c = context(object);

	return bus_append_bool(it, c && c->delegate);
}

static bool
get_oom_policy(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const struct cgroup_context *c = context(object);

	return bus_append_string(it, oom_policy_to_string(c ? c->oom_policy : OOM_POLICY_STOP));
}

static bool
get_accounting(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	const char *want = (const char *)p->arg, *list = cgroup_controllers(U(object)->manager);

	return bus_append_bool(it, strstr(list, want) != NULL);
}

#define LIMIT(name, field) { name, "t", get_limit, offsetof(struct cgroup_context, field) }

const struct bus_property bus_cgroup_properties[] = {
	{ "Slice", "s", get_slice, 0 },
	{ "ControlGroup", "s", get_control_group, 0 },
	{ "MemoryCurrent", "t", get_counter, (size_t)"memory.current" },
	{ "TasksCurrent", "t", get_counter, (size_t)"pids.current" },
	{ "CPUUsageNSec", "t", get_cpu_usage, 0 },
	LIMIT("MemoryMin", memory_min),
	LIMIT("MemoryLow", memory_low),
	LIMIT("MemoryHigh", memory_high),
	LIMIT("MemoryMax", memory_max),
	LIMIT("MemorySwapMax", memory_swap_max),
	LIMIT("CPUWeight", cpu_weight),
	LIMIT("StartupCPUWeight", startup_cpu_weight),
	LIMIT("IOWeight", io_weight),
	{ "TasksMax", "t", get_tasks_max, 0 },
	{ "CPUQuotaPerSecUSec", "t", get_usec, offsetof(struct cgroup_context, cpu_quota_per_sec) },
	{ "CPUQuotaPeriodUSec", "t", get_usec, offsetof(struct cgroup_context, cpu_quota_period) },
	{ "Delegate", "b", get_delegate, 0 },
	{ "OOMPolicy", "s", get_oom_policy, 0 },
	{ "MemoryAccounting", "b", get_accounting, (size_t)"memory" },
	{ "TasksAccounting", "b", get_accounting, (size_t)"pids" },
	{ "CPUAccounting", "b", get_accounting, (size_t)"cpu" },
	{ "IOAccounting", "b", get_accounting, (size_t)"io" },
	{ NULL }
};

/* SetUnitProperties/SetProperties: a(sv) from systemctl set-property (typed, as systemd
 * defines each property) or from emberctl (every value a string in unit-file syntax). Each
 * becomes "Key=value" for unit_set_property(), which parses it like the unit file would. */
int
bus_property_assignment(const char *name, DBusMessageIter *v, char **ret)
{
	int type = dbus_message_iter_get_arg_type(v);
	dbus_uint64_t t;
	const char *s;
	dbus_bool_t b;

	if (type == DBUS_TYPE_STRING) {
		dbus_message_iter_get_basic(v, &s);
		return asprintf(ret, "%s=%s", name, s) < 0 ? -ENOMEM : 0;
	}
	if (type == DBUS_TYPE_BOOLEAN) {
		dbus_message_iter_get_basic(v, &b);
		return asprintf(ret, "%s=%s", name, b ? "yes" : "no") < 0 ? -ENOMEM : 0;
	}
	if (type != DBUS_TYPE_UINT64)
		return -EINVAL;
	dbus_message_iter_get_basic(v, &t);
	if (streq(name, "CPUQuotaPerSecUSec"))
		return (t == UINT64_MAX ? asprintf(ret, "CPUQuota=") :
			asprintf(ret, "CPUQuota=%llu%%", (unsigned long long)(t / 10000))) < 0 ? -ENOMEM : 0;
	if (streq(name, "CPUQuotaPeriodUSec"))
		return asprintf(ret, "CPUQuotaPeriodSec=%lluus", (unsigned long long)t) < 0 ? -ENOMEM : 0;
	if (t == UINT64_MAX)
		return asprintf(ret, "%s=infinity", name) < 0 ? -ENOMEM : 0;
	return asprintf(ret, "%s=%llu", name, (unsigned long long)t) < 0 ? -ENOMEM : 0;
}

int
bus_unit_set_properties(struct bus_call *c, struct unit *u, DBusMessageIter *array)
{
	DBusMessageIter entry, v;

	if (dbus_message_iter_get_arg_type(array) != DBUS_TYPE_ARRAY)
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Expected a(sv).");
	dbus_message_iter_recurse(array, &entry);
	for (; dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&entry)) {
		_cleanup_free_ char *assignment = NULL, *error = NULL;
		DBusMessageIter st;
		const char *name;
		int r;

		dbus_message_iter_recurse(&entry, &st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Expected a(sv).");
		dbus_message_iter_get_basic(&st, &name);
		dbus_message_iter_next(&st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_VARIANT)
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Expected a(sv).");
		dbus_message_iter_recurse(&st, &v);
		r = bus_property_assignment(name, &v, &assignment);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS,
					      "Cannot set property %s: unsupported value type.", name);
		r = unit_set_property(u, assignment, &error);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "%s", strna(error));
		log_unit_info(u, "Set %s (runtime).", assignment);
	}
	unit_add_to_dbus_queue(u);
	return bus_call_return_empty(c);
}
