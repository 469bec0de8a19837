/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cgroup-config.h"
#include "core/cgroup.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/unit-vtable.h"

/* The [Service]/[Socket]/[Slice] resource-control directives and writing them into cgroupfs. */

static const char *const oom_policy_names[_OOM_POLICY_MAX] = {
	[OOM_POLICY_STOP] = "stop",
	[OOM_POLICY_CONTINUE] = "continue",
	[OOM_POLICY_KILL] = "kill",
};

const char *
oom_policy_to_string(enum oom_policy p)
{
	return p < _OOM_POLICY_MAX ? oom_policy_names[p] : NULL;
}

struct cgroup_context *
cgroup_context_new(void)
{
	struct cgroup_context *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->memory_min = c->memory_low = c->memory_high = c->memory_max = CGROUP_LIMIT_UNSET;
	c->memory_swap_max = CGROUP_LIMIT_UNSET;
	c->cpu_weight = c->startup_cpu_weight = c->io_weight = CGROUP_LIMIT_UNSET;
	c->cpu_quota_per_sec = USEC_INFINITY;
	c->tasks_max = CGROUP_LIMIT_UNSET;
	return c;
}

struct cgroup_context *
cgroup_context_free(struct cgroup_context *c)
{
	if (!c)
		return NULL;
	free(c->slice);
	free(c->allowed_cpus);
	strv_free(c->io_device_weight);
	strv_free(c->io_read_bandwidth);
	strv_free(c->io_write_bandwidth);
	free(c);
	return NULL;
}

#define syntax_warning(c, ...) log_syntax((c)->file, (c)->line, LOG_WARNING, 0, __VA_ARGS__)

/* "N%" of total (10000 = 100%); -EINVAL if v is not a percentage. */
static int
parse_percent_of(const char *v, uint64_t total, uint64_t *ret)
{
	unsigned long long p;
	size_t l = strlen(v);
	char num[32];

	if (l < 2 || l >= sizeof(num) || v[l - 1] != '%')
		return -EINVAL;
	memcpy(num, v, l - 1);
	num[l - 1] = 0;
	if (safe_atollu(num, &p) < 0 || p > 100)
		return -EINVAL;
	*ret = total / 100 * p;
	return 0;
}

static uint64_t
physical_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

/* MemoryMax= and friends: bytes with K/M/G/T suffixes, N% of RAM, or infinity. */
static int
parse_memory(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	uint64_t *x = data, b;

	if (isempty(v)) {
		*x = CGROUP_LIMIT_UNSET;
		return 0;
	}
	if (parse_percent_of(v, physical_memory(), &b) < 0 && parse_size(v, &b) < 0) {
		syntax_warning(c, "Invalid memory limit %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	*x = b;
	return 0;
}

/* CPUWeight=, IOWeight=: 1-10000. */
static int
parse_weight(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	uint64_t *x = data;
	unsigned long long w;

	if (isempty(v) || streq(v, "idle")) {
		*x = isempty(v) ? CGROUP_LIMIT_UNSET : 1;
		return 0;
	}
	if (safe_atollu(v, &w) < 0 || w < 1 || w > 10000) {
		syntax_warning(c, "Invalid weight %s=%s (1-10000), ignoring.", c->key, v);
		return -EINVAL;
	}
	*x = w;
	return 0;
}

/* CPUQuota=20% is 200 ms of CPU time per second; above 100% for several CPUs. */
static int
parse_cpu_quota(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	usec_t *x = data;
	unsigned long long p;
	size_t l = strlen(v);
	char num[32];

	if (isempty(v)) {
		*x = USEC_INFINITY;
		return 0;
	}
	if (l < 2 || l >= sizeof(num) || v[l - 1] != '%')
		goto bad;
	memcpy(num, v, l - 1);
	num[l - 1] = 0;
	if (safe_atollu(num, &p) < 0 || p == 0 || p > 100000)
		goto bad;
	*x = (usec_t)p * USEC_PER_SEC / 100;
	return 0;
bad:
	syntax_warning(c, "Invalid CPU quota %s=%s (a percentage above 0), ignoring.", c->key, v);
	return -EINVAL;
}

static int
parse_cpu_set(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char **x = data;

	if (v[strspn(v, "0123456789-, ")]) {
		syntax_warning(c, "Invalid CPU list %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	free(*x);
	*x = isempty(v) ? NULL : strdup(v);
	if (*x)
		for (char *p = *x; *p; p++)
			if (*p == ' ')
				*p = ','; /* cpuset.cpus wants commas */
	return isempty(v) || *x ? 0 : -ENOMEM;
}

/* IODeviceWeight=/IOReadBandwidthMax=: "PATH VALUE", kept as written until applied. */
static int
parse_io_device(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char ***l = data;
	const char *sp = strchr(v, ' ');
	uint64_t n;

	if (isempty(v)) {
		*l = strv_free(*l);
		return 0;
	}
	if (v[0] != '/' || !sp || (arg == 0 ? parse_weight(c, sp + 1, 0, &n) :
				   parse_size(sp + 1, &n)) < 0) {
		syntax_warning(c, "Invalid %s=%s (PATH VALUE), ignoring.", c->key, v);
		return -EINVAL;
	}
	return strv_extend(l, v);
}

/* TasksMax=N, N% (of the kernel's pid_max), infinity. */
static int
parse_tasks_max(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct cgroup_context *ctx = (struct cgroup_context *)((char *)data -
				     offsetof(struct cgroup_context, tasks_max));
	unsigned long long n;
	uint64_t scaled;

	ctx->tasks_max_scale = 0;
	if (isempty(v)) {
		ctx->tasks_max = CGROUP_LIMIT_UNSET;
		return 0;
	}
	if (streq(v, "infinity")) {
		ctx->tasks_max = CGROUP_LIMIT_MAX;
		return 0;
	}
	if (parse_percent_of(v, 10000, &scaled) == 0) {
		ctx->tasks_max_scale = (uint32_t)scaled;
		ctx->tasks_max = 0;
		return 0;
	}
	if (safe_atollu(v, &n) < 0 || n == 0) {
		syntax_warning(c, "Invalid %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	ctx->tasks_max = n;
	return 0;
}

/* Delegate=yes, or a list of controllers (which also means yes). */
static int
parse_delegate(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	bool *x = data;
	int b = parse_boolean(v);

	*x = b >= 0 ? b : !isempty(v);
	return 0;
}

static int
parse_oom_policy(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	for (int i = 0; i < _OOM_POLICY_MAX; i++)
		if (streq(v, oom_policy_names[i])) {
			*(enum oom_policy *)data = i;
			return 0;
		}
	syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

#define CG_ROW(name, parse, arg, field) \
	{ NULL, name, parse, arg, offsetof(struct cgroup_context, field) }

const struct directive cgroup_context_directives[] = {
	CG_ROW("MemoryMin", parse_memory, 0, memory_min),
	CG_ROW("MemoryLow", parse_memory, 0, memory_low),
	CG_ROW("MemoryHigh", parse_memory, 0, memory_high),
	CG_ROW("MemoryMax", parse_memory, 0, memory_max),
	CG_ROW("MemoryLimit", parse_memory, 0, memory_max), /* the old name */
	CG_ROW("MemorySwapMax", parse_memory, 0, memory_swap_max),
	CG_ROW("CPUWeight", parse_weight, 0, cpu_weight),
	CG_ROW("StartupCPUWeight", parse_weight, 0, startup_cpu_weight),
	CG_ROW("CPUQuota", parse_cpu_quota, 0, cpu_quota_per_sec),
	CG_ROW("CPUQuotaPeriodSec", parse_usec, 0, cpu_quota_period),
	CG_ROW("AllowedCPUs", parse_cpu_set, 0, allowed_cpus),
	CG_ROW("IOWeight", parse_weight, 0, io_weight),
	CG_ROW("IODeviceWeight", parse_io_device, 0, io_device_weight),
	CG_ROW("IOReadBandwidthMax", parse_io_device, 1, io_read_bandwidth),
	CG_ROW("IOWriteBandwidthMax", parse_io_device, 1, io_write_bandwidth),
	CG_ROW("TasksMax", parse_tasks_max, 0, tasks_max),
	CG_ROW("Delegate", parse_delegate, 0, delegate),
	CG_ROW("OOMPolicy", parse_oom_policy, 0, oom_policy),
	/* Accounting is on wherever the controller is: these change nothing. */
	CG_ROW("MemoryAccounting", parse_ignore, 0, delegate),
	CG_ROW("CPUAccounting", parse_ignore, 0, delegate),
	CG_ROW("TasksAccounting", parse_ignore, 0, delegate),
	CG_ROW("IOAccounting", parse_ignore, 0, delegate),
	CG_ROW("BlockIOAccounting", parse_ignore, 0, delegate),
	{ NULL }
};

static struct cgroup_context *
context_of(struct unit *u)
{
	if (!u->cgroup_context)
		u->cgroup_context = cgroup_context_new();
	return u->cgroup_context;
}

static int
parse_slice(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct cgroup_context *ctx;
	_cleanup_free_ char *e = NULL;
	int r;

	r = directive_expand(c, v, &e);
	if (r < 0)
		return r;
	if (!unit_name_is_valid(e, UNIT_NAME_PLAIN) || !endswith(e, ".slice")) {
		syntax_warning(c, "%s= wants a slice unit name, ignoring: %s", c->key, e);
		return -EINVAL;
	}
	ctx = context_of(c->unit);
	if (!ctx)
		return -ENOMEM;
	free(ctx->slice);
	ctx->slice = TAKE_PTR(e);
	return 0;
}

const struct directive cgroup_unit_directives[] = {
	{ NULL, "Slice", parse_slice, 0, 0 },
	{ NULL }
};

/* "a-b.slice" is in "a.slice"; "a.slice" is in "-.slice". */
static int
parent_slice(const char *slice, char **ret)
{
	const char *dash = strrchr(slice, '-');

	*ret = dash && dash != slice ? strndup(slice, (size_t)(dash - slice)) : NULL;
	if (dash && dash != slice) {
		char *full = *ret ? strjoin(*ret, ".slice") : NULL;

		free(*ret);
		*ret = full;
	} else
		*ret = strdup("-.slice");
	return *ret ? 0 : -ENOMEM;
}

int
unit_add_slice_dependencies(struct unit *u)
{
	struct manager *m = u->manager;
	_cleanup_free_ char *name = NULL;
	struct unit *slice;
	int r;

	if (!u->vtable->has_cgroup || streq(u->id, "-.slice"))
		return 0;
	if (u->type == UNIT_SLICE)
		r = parent_slice(u->id, &name);
	else if (u->cgroup_context && u->cgroup_context->slice)
		r = (name = strdup(u->cgroup_context->slice)) ? 0 : -ENOMEM;
	else
		r = (name = strdup(m->scope == SCOPE_SYSTEM ? "system.slice" : "app.slice")) ?
		    0 : -ENOMEM;
	if (r < 0)
		return r;
	/* One lookup for the three edges: every unit of a big system goes through here. */
	r = manager_load_unit(m, name, &slice);
	if (r >= 0)
		r = unit_add_dependency(u, UNIT_IN_SLICE, slice, true);
	if (r >= 0)
		r = unit_add_dependency(u, UNIT_REQUIRES, slice, true);
	if (r >= 0)
		r = unit_add_dependency(u, UNIT_AFTER, slice, true);
	return r == -ENOMEM ? r : 0;
}

/* Applying. */

static bool
has_controller(struct unit *u, const char *name)
{
	const char *list = cgroup_controllers(u->manager);
	size_t l = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += l)
		if ((p == list || p[-1] == ' ') && (p[l] == ' ' || !p[l]))
			return true;
	return false;
}

static void
format_limit(char *buf, size_t size, uint64_t v)
{
	if (v == CGROUP_LIMIT_MAX)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

/* Writes file=value, or says why not: missing controller, kernel refusal. */
static void
set_knob(struct unit *u, const char *controller, const char *directive, const char *file,
	 const char *value)
{
	int r;

	if (!has_controller(u, controller)) {
		unit_log_event(u, LOG_WARNING,
			       "%s= not applied: the %s controller is not available in this cgroup tree (%s).",
			       directive, controller, cgroup_controllers(u->manager)[0] ?
			       cgroup_controllers(u->manager) : "no controllers");
		return;
	}
	r = unit_cgroup_write(u, file, value);
	if (r < 0)
		unit_log_event(u, LOG_WARNING, "%s= not applied: writing \"%s\" to %s: %s", directive,
			       value, file, strerror(-r));
}

/* An unset knob gets the kernel's default back (a set-property "MemoryMax=" lifts a limit);
 * quietly, and only where the controller exists. */
static void
reset_knob(struct unit *u, const char *controller, const char *file, const char *value)
{
	if (has_controller(u, controller))
		(void)unit_cgroup_write(u, file, value);
}

static void
set_memory(struct unit *u, const char *directive, const char *file, uint64_t v)
{
	char buf[32];

	if (v == CGROUP_LIMIT_UNSET) {
		reset_knob(u, "memory", file,
			   streq(file, "memory.min") || streq(file, "memory.low") ? "0" : "max");
		return;
	}
	format_limit(buf, sizeof(buf), v);
	set_knob(u, "memory", directive, file, buf);
}

/* "PATH VALUE" -> "MAJ:MIN" of the block device PATH is or lives on. */
static int
device_number(const char *entry, char *buf, size_t size, const char **value)
{
	_cleanup_free_ char *path = strndup(entry, strcspn(entry, " "));
	struct stat st;

	if (!path)
		return -ENOMEM;
	if (stat(path, &st) < 0)
		return -errno;
	dev_t d = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	snprintf(buf, size, "%u:%u", major(d), minor(d));
	*value = entry + strlen(path) + 1;
	return 0;
}

static void
set_io_devices(struct unit *u, const char *directive, char **entries, const char *key)
{
	STRV_FOREACH(e, entries) {
		char dev[32], line[96];
		const char *value = NULL;
		uint64_t n;

		if (device_number(*e, dev, sizeof(dev), &value) < 0) {
			unit_log_event(u, LOG_WARNING, "%s=%s not applied: no such device.", directive, *e);
			continue;
		}
		if (!key)
			snprintf(line, sizeof(line), "%s %s", dev, value);
		else if (parse_size(value, &n) == 0)
			snprintf(line, sizeof(line), "%s %s=%llu", dev, key, (unsigned long long)n);
		else
			continue;
		set_knob(u, "io", directive, key ? "io.max" : "io.weight", line);
	}
}

/* The kernel's pid_max, read once: every unit start would read it otherwise. */
static uint64_t
pid_max(void)
{
	static unsigned long long max;
	FILE *f;

	if (max)
		return max;
	max = 32768;
	f = fopen("/proc/sys/kernel/pid_max", "re");
	if (f) {
		if (fscanf(f, "%llu", &max) != 1 || max == 0)
			max = 32768;
		fclose(f);
	}
	return max;
}

int
unit_cgroup_apply(struct unit *u)
{
	struct cgroup_context none, *c = u->cgroup_context;
	char buf[64];

	if (!u->cgroup_path)
		return 0;
	if (!c) {
		/* The default TasksMax= still applies to units without settings. */
		struct cgroup_context *d = cgroup_context_new();

		if (!d)
			return -ENOMEM;
		none = *d;
		cgroup_context_free(d);
		c = &none;
	}
	set_memory(u, "MemoryMin", "memory.min", c->memory_min);
	set_memory(u, "MemoryLow", "memory.low", c->memory_low);
	set_memory(u, "MemoryHigh", "memory.high", c->memory_high);
	set_memory(u, "MemoryMax", "memory.max", c->memory_max);
	set_memory(u, "MemorySwapMax", "memory.swap.max", c->memory_swap_max);
	{
		uint64_t w = !u->manager->startup_finished && c->startup_cpu_weight != CGROUP_LIMIT_UNSET ?
			     c->startup_cpu_weight : c->cpu_weight;

		if (w != CGROUP_LIMIT_UNSET) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)w);
			set_knob(u, "cpu", "CPUWeight", "cpu.weight", buf);
		} else
			reset_knob(u, "cpu", "cpu.weight", "100");
	}
	if (c->cpu_quota_per_sec != USEC_INFINITY) {
		usec_t period = c->cpu_quota_period ? c->cpu_quota_period : 100 * USEC_PER_MSEC;

		snprintf(buf, sizeof(buf), "%llu %llu",
			 (unsigned long long)(c->cpu_quota_per_sec * period / USEC_PER_SEC),
			 (unsigned long long)period);
		set_knob(u, "cpu", "CPUQuota", "cpu.max", buf);
	} else
		reset_knob(u, "cpu", "cpu.max", "max");
	if (c->allowed_cpus)
		set_knob(u, "cpuset", "AllowedCPUs", "cpuset.cpus", c->allowed_cpus);
	if (c->io_weight != CGROUP_LIMIT_UNSET) {
		snprintf(buf, sizeof(buf), "default %llu", (unsigned long long)c->io_weight);
		set_knob(u, "io", "IOWeight", "io.weight", buf);
	} else
		reset_knob(u, "io", "io.weight", "default 100");
	set_io_devices(u, "IODeviceWeight", c->io_device_weight, NULL);
	set_io_devices(u, "IOReadBandwidthMax", c->io_read_bandwidth, "rbps");
	set_io_devices(u, "IOWriteBandwidthMax", c->io_write_bandwidth, "wbps");
	if (u->type != UNIT_SLICE) {
		/* Unset: 15% of the kernel's pid_max, as systemd's DefaultTasksMax=. */
		uint64_t t = c->tasks_max_scale ? pid_max() * c->tasks_max_scale / 10000 :
			     c->tasks_max == CGROUP_LIMIT_UNSET ? pid_max() * 15 / 100 : c->tasks_max;

		format_limit(buf, sizeof(buf), t);
		/* The default is quiet where there is no pids controller; an explicit one is not. */
		if (has_controller(u, "pids") || c->tasks_max != CGROUP_LIMIT_UNSET ||
		    c->tasks_max_scale)
			set_knob(u, "pids", "TasksMax", "pids.max", buf);
	}
	return 0;
}

int
unit_set_property(struct unit *u, const char *assignment, char **error)
{
	struct parse_ctx pc = { .file = "set-property", .line = 1, .unit = u };
	const char *eq = strchr(assignment, '=');
	_cleanup_free_ char *key = NULL;
	struct cgroup_context *c;
	int r;

	if (!eq || eq == assignment) {
		*error = strdup("Expected KEY=VALUE.");
		return -EINVAL;
	}
	key = strndup(assignment, (size_t)(eq - assignment));
	if (!key)
		return -ENOMEM;
	pc.key = key;
	if (!u->vtable->has_cgroup) {
		r = asprintf(error, "Unit %s has no cgroup properties.", u->id);
		return r < 0 ? -ENOMEM : -EINVAL;
	}
	for (const struct directive *d = cgroup_context_directives; d->name; d++) {
		if (!streq(d->name, key))
			continue;
		c = context_of(u);
		if (!c)
			return -ENOMEM;
		r = d->parse(&pc, eq + 1, d->arg, (char *)c + d->offset);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			r = asprintf(error, "Invalid value for %s: %s", key, eq + 1);
			return r < 0 ? -ENOMEM : -EINVAL;
		}
		return unit_cgroup_apply(u);
	}
	r = asprintf(error, "Cannot set property %s, or unknown property.", key);
	return r < 0 ? -ENOMEM : -EINVAL;
}
