/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* status and show: one unit's properties, for people and for scripts. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "ctl-props.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"
#include "unit-name.h"

#define JOB_IFACE "org.freedesktop.systemd1.Job"

/* Status labels are right-aligned so the values line up, as in systemctl. */
#define LABEL_WIDTH 11
#define CONT "             "   /* LABEL_WIDTH + 2: where values start */

static void
label(const char *l)
{
	printf("%*s: ", LABEL_WIDTH, l);
}

static bool
is_number(const char *s)
{
	return !isempty(s) && strspn(s, "0123456789") == strlen(s);
}

static void
print_since(usec_t t)
{
	char abs[FORMAT_TIMESTAMP_MAX], rel[FORMAT_TIMESTAMP_MAX];

	if (t == 0)
		return;
	printf(" since %s; %s", format_timestamp(abs, sizeof(abs), t),
	       format_timestamp_relative(rel, sizeof(rel), t));
}

/* The process name for "Main PID: 123 (foo)". NULL if the process is gone or not ours
 * to see (a remote manager is not supported, so /proc is the manager's /proc). */
static char *
pid_comm(uint32_t pid)
{
	char path[64], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return strdup(buf);
}

static void
print_loaded(const struct props *p)
{
	const char *load = props_string(p, "LoadState");
	const char *path = props_string(p, "FragmentPath");
	const char *ufs = props_string(p, "UnitFileState");
	const struct prop *le = props_find(p, "LoadError");
	const char *reason = NULL;
	char fallback[UNIT_NAME_MAX + 64] = "";
	bool bad = load && !streq(load, "loaded") && !streq(load, "stub") &&
		   !streq(load, "merged");

	if (bad && le) {
		DBusMessageIter it = le->value, st;
		const char *name = NULL;

		if (dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRUCT) {
			dbus_message_iter_recurse(&it, &st);
			if (dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING) {
				dbus_message_iter_get_basic(&st, &name);
				dbus_message_iter_next(&st);
				if (dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING)
					dbus_message_iter_get_basic(&st, &reason);
			}
		}
		if (isempty(reason))
			reason = name;
	}
	/* Say why even when the manager gave no LoadError, as systemctl words it. */
	if (bad && isempty(reason) && !isempty(props_string(p, "Id"))) {
		if (streq(load, "masked"))
			snprintf(fallback, sizeof(fallback), "Unit %s is masked.", props_string(p, "Id"));
		else if (streq(load, "not-found"))
			snprintf(fallback, sizeof(fallback), "Unit %s not found.", props_string(p, "Id"));
		if (fallback[0])
			reason = fallback;
	}

	label("Loaded");
	printf("%s%s%s", bad ? ansi(COLOR_RED) : "", strna(load), bad ? ansi(COLOR_NORMAL) : "");
	if (!isempty(reason))
		printf(" (Reason: %s)", reason);
	else if (!isempty(path) && !isempty(ufs))
		printf(" (%s; %s)", path, ufs);
	else if (!isempty(path))
		printf(" (%s)", path);
	putchar('\n');
}

static void
print_dropins(const struct props *p)
{
	_cleanup_strv_free_ char **l = props_strv(p, "DropInPaths");
	_cleanup_free_ char *last_dir = NULL;
	bool first_dir = true;

	/* One line per directory, its files after a tree glyph, comma-separated. */
	STRV_FOREACH(d, l) {
		const char *slash = strrchr(*d, '/');
		size_t dl = slash ? (size_t)(slash - *d) : 0;

		if (!last_dir || strlen(last_dir) != dl || strncmp(last_dir, *d, dl) != 0) {
			if (last_dir)
				putchar('\n');
			free(last_dir);
			last_dir = strndup(*d, dl);
			if (!last_dir)
				return;
			if (first_dir)
				label("Drop-In");
			else
				fputs(CONT, stdout);
			first_dir = false;
			printf("%s\n" CONT "%s", last_dir, glyph(GLYPH_TREE_RIGHT));
		} else
			fputs(", ", stdout);
		fputs(slash ? slash + 1 : *d, stdout);
	}
	if (last_dir)
		putchar('\n');
}

static void
print_active(const struct props *p)
{
	const char *state = props_string(p, "ActiveState");
	const char *sub = props_string(p, "SubState");
	const char *result = props_string(p, "Result");
	const char *ts_name;
	uint64_t ts = 0;

	label("Active");
	fputs(ansi(active_state_color(state)), stdout);
	fputs(strna(state), stdout);
	if (state && streq(state, "failed") && !isempty(result) && !streq(result, "success"))
		printf(" (Result: %s)", result);
	else if (!isempty(sub))
		printf(" (%s)", sub);
	fputs(ansi(COLOR_NORMAL), stdout);

	if (!state)
		ts_name = NULL;
	else if (streq(state, "active") || streq(state, "reloading"))
		ts_name = "ActiveEnterTimestamp";
	else if (streq(state, "inactive") || streq(state, "failed"))
		ts_name = "InactiveEnterTimestamp";
	else if (streq(state, "activating"))
		ts_name = "InactiveExitTimestamp";
	else
		ts_name = "ActiveExitTimestamp";
	if (ts_name && props_uint64(p, ts_name, &ts))
		print_since(ts);
	putchar('\n');
}

static void
print_triggered_by(DBusConnection *bus, const struct props *p)
{
	_cleanup_strv_free_ char **l = props_strv(p, "TriggeredBy");
	bool first = true;

	STRV_FOREACH(t, l) {
		_cleanup_free_ char *path = unit_bus_path(*t), *state = NULL;
		DBusError e;

		dbus_error_init(&e);
		if (path)
			(void)bus_get_property_string(bus, path, UNIT_IFACE, "ActiveState", &state, &e);
		dbus_error_free(&e);
		if (first)
			label("TriggeredBy");
		else
			fputs(CONT, stdout);
		first = false;
		printf("%s%s%s %s\n", ansi(active_state_color(state)),
		       glyph(active_state_glyph(state)), ansi(COLOR_NORMAL), *t);
	}
}

static void
print_list(const char *name, char **l)
{
	STRV_FOREACH(s, l) {
		if (s == l)
			label(name);
		else
			fputs(CONT, stdout);
		printf("%s\n", *s);
	}
}

static void
print_processes_exited(const struct props *p, uint32_t main_pid)
{
	static const char *const names[] = { "ExecCondition", "ExecStartPre", "ExecStart",
					     "ExecStartPost", "ExecReload", "ExecStop",
					     "ExecStopPost" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		struct exec_info *v;
		size_t n;

		if (props_exec(p, names[i], &v, &n) < 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			_cleanup_free_ char *cmd = strv_join(v[k].argv, " ");
			char ex[128];
			bool bad;

			/* Only finished processes: running ones show as Main/Cntrl PID. */
			if (v[k].pid == 0 || v[k].code == 0)
				continue;
			if (v[k].pid == main_pid && v[k].exit_timestamp == 0)
				continue;
			bad = !(v[k].code == 1 /* CLD_EXITED */ && v[k].status == 0);
			label("Process");
			printf("%" PRIu32 " %s=%s %s(%s)%s\n", v[k].pid, names[i],
			       isempty(cmd) ? v[k].path : cmd, bad ? ansi(COLOR_RED) : "",
			       format_exit(ex, sizeof(ex), v[k].code, v[k].status),
			       bad ? ansi(COLOR_NORMAL) : "");
		}
		exec_info_free(v, n);
	}
}

static void
print_pids(const struct props *p)
{
	uint32_t main_pid = 0, exec_pid = 0, control_pid = 0;
	int32_t code = 0, status = 0;

	props_uint32(p, "MainPID", &main_pid);
	props_uint32(p, "ExecMainPID", &exec_pid);
	props_int32(p, "ExecMainCode", &code);
	props_int32(p, "ExecMainStatus", &status);
	print_processes_exited(p, main_pid);

	if (main_pid > 0) {
		_cleanup_free_ char *comm = pid_comm(main_pid);

		label("Main PID");
		if (comm)
			printf("%" PRIu32 " (%s)\n", main_pid, comm);
		else
			printf("%" PRIu32 "\n", main_pid);
	} else if (exec_pid > 0 && code > 0) {
		char ex[128];
		bool bad = !(code == 1 && status == 0);

		label("Main PID");
		printf("%" PRIu32 " %s(%s)%s\n", exec_pid, bad ? ansi(COLOR_RED) : "",
		       format_exit(ex, sizeof(ex), code, status), bad ? ansi(COLOR_NORMAL) : "");
	}
	if (props_uint32(p, "ControlPID", &control_pid) && control_pid > 0) {
		_cleanup_free_ char *comm = pid_comm(control_pid);

		label("Cntrl PID");
		if (comm)
			printf("%" PRIu32 " (%s)\n", control_pid, comm);
		else
			printf("%" PRIu32 "\n", control_pid);
	}
}

struct proc_info {
	const char *cgroup;
	uint32_t pid;
	const char *cmdline;
};

static int
compare_procs(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	int r = strcmp(x->cgroup, y->cgroup);

	if (r != 0)
		return r;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Tasks (with the limit), Memory and CPU from the cgroup's counters; without a cgroup,
 * the number of processes the manager tracks. */
static void
print_resources(const struct props *p, size_t n_procs)
{
	uint64_t tasks = UINT64_MAX, limit = UINT64_MAX, mem = UINT64_MAX, cpu = UINT64_MAX;
	char buf[64];

	props_uint64(p, "TasksCurrent", &tasks);
	props_uint64(p, "TasksMax", &limit);
	props_uint64(p, "MemoryCurrent", &mem);
	props_uint64(p, "CPUUsageNSec", &cpu);
	label("Tasks");
	printf("%" PRIu64, tasks != UINT64_MAX ? tasks : (uint64_t)n_procs);
	if (limit != UINT64_MAX)
		printf(" (limit: %" PRIu64 ")", limit);
	putchar('\n');
	if (mem != UINT64_MAX) {
		format_bytes(buf, sizeof(buf), mem);
		label("Memory");
		printf("%s\n", buf);
	}
	if (cpu != UINT64_MAX) {
		label("CPU");
		printf("%s\n", format_timespan(buf, sizeof(buf), cpu / 1000, USEC_PER_MSEC));
	}
}

/* Prints the unit's processes under its control group, sub-groups as tree nodes. */
static void
print_cgroup(DBusConnection *bus, const char *unit, const struct props *p)
{
	const char *cg = props_string(p, "ControlGroup");
	const char *state = props_string(p, "ActiveState");
	struct proc_info *v = NULL;
	DBusMessage *reply;
	DBusMessageIter it, arr;
	DBusError e;
	size_t n = 0;

	if (isempty(cg) && (!state || streq(state, "inactive") || streq(state, "failed")))
		return;
	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "GetUnitProcesses", &e,
				DBUS_TYPE_STRING, &unit, DBUS_TYPE_INVALID);
	dbus_error_free(&e);
	if (reply && dbus_message_iter_init(reply, &it) &&
	    dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_ARRAY) {
		dbus_message_iter_recurse(&it, &arr);
		for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
		     dbus_message_iter_next(&arr)) {
			DBusMessageIter st;
			struct proc_info x, *nv;
			dbus_uint32_t pid;

			dbus_message_iter_recurse(&arr, &st);
			if (!(dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING))
				continue;
			dbus_message_iter_get_basic(&st, &x.cgroup);
			dbus_message_iter_next(&st);
			if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_UINT32)
				continue;
			dbus_message_iter_get_basic(&st, &pid);
			x.pid = pid;
			dbus_message_iter_next(&st);
			if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
				continue;
			dbus_message_iter_get_basic(&st, &x.cmdline);
			nv = realloc(v, (n + 1) * sizeof(*nv));
			if (!nv)
				break;
			v = nv;
			v[n++] = x;
		}
	}

	if (isempty(cg) && n == 0)
		goto out;
	if (n > 0)
		qsort(v, n, sizeof(*v), compare_procs);
	print_resources(p, n);
	if (!isempty(cg)) {
		label("CGroup");
		printf("%s\n", cg);
	} else {
		/* No cgroup to read: the manager tracks the processes by process group. */
		_cleanup_free_ char *why = NULL;
		DBusError err;

		dbus_error_init(&err);
		if (bus_get_property_string(bus, MANAGER_PATH, MANAGER_IFACE, "CGroupFallbackReason",
					    &why, &err) >= 0 && !isempty(why)) {
			label("CGroup");
			printf("none (%s)\n", why);
		}
		dbus_error_free(&err);
		label("Processes");
	}

	for (size_t i = 0; i < n; i++) {
		const char *rel = v[i].cgroup;
		bool last_group = true, last_in_group;

		if (!isempty(cg) && startswith(rel, cg))
			rel += strlen(cg);
		rel += strspn(rel, "/");
		/* Sorted by group: this group is the last if no later process leaves it. */
		for (size_t k = i + 1; k < n; k++)
			if (!streq(v[k].cgroup, v[i].cgroup))
				last_group = false;
		last_in_group = i + 1 == n || !streq(v[i + 1].cgroup, v[i].cgroup);

		/* Without a cgroup line the first process goes on the label's line. */
		if (i > 0 || !isempty(cg))
			fputs(CONT, stdout);
		if (isempty(rel)) {
			printf("%s%" PRIu32 " %s\n",
			       glyph(last_group && last_in_group ? GLYPH_TREE_RIGHT : GLYPH_TREE_BRANCH),
			       v[i].pid, v[i].cmdline);
			continue;
		}
		if (i == 0 || !streq(v[i - 1].cgroup, v[i].cgroup))
			printf("%s%s\n" CONT,
			       glyph(last_group ? GLYPH_TREE_RIGHT : GLYPH_TREE_BRANCH), rel);
		printf("%s%s%" PRIu32 " %s\n", glyph(last_group ? GLYPH_TREE_SPACE : GLYPH_TREE_VERTICAL),
		       glyph(last_in_group ? GLYPH_TREE_RIGHT : GLYPH_TREE_BRANCH), v[i].pid,
		       v[i].cmdline);
	}
out:
	free(v);
	if (reply)
		dbus_message_unref(reply);
}

static void
print_unit_status(DBusConnection *bus, const char *unit, const struct props *p)
{
	const char *state = props_string(p, "ActiveState");
	const char *id = props_string(p, "Id");
	const char *desc = props_string(p, "Description");
	const char *text = props_string(p, "StatusText");
	const char *step = props_string(p, "EmberFailedStep");
	_cleanup_strv_free_ char **docs = props_strv(p, "Documentation");
	_cleanup_strv_free_ char **lines = props_strv(p, "EmberLogLines");
	bool cond = true;
	uint64_t cond_ts = 0;
	int32_t err = 0;

	if (isempty(id))
		id = unit;
	printf("%s%s%s %s", ansi(active_state_color(state)), glyph(active_state_glyph(state)),
	       ansi(COLOR_NORMAL), id);
	if (!isempty(desc) && !streq(desc, id))
		printf(" - %s", desc);
	putchar('\n');

	print_loaded(p);
	print_dropins(p);
	print_active(p);
	if (props_bool(p, "ConditionResult", &cond) && !cond &&
	    props_uint64(p, "ConditionTimestamp", &cond_ts) && cond_ts > 0) {
		char abs[FORMAT_TIMESTAMP_MAX], rel[FORMAT_TIMESTAMP_MAX];

		label("Condition");
		printf("start condition failed at %s; %s\n",
		       format_timestamp(abs, sizeof(abs), cond_ts),
		       format_timestamp_relative(rel, sizeof(rel), cond_ts));
	}
	print_triggered_by(bus, p);
	if (!isempty(props_string(p, "SysFSPath"))) {
		label("Device");
		printf("%s\n", props_string(p, "SysFSPath"));
	}
	/* Mount, automount and swap units: what goes where. */
	if (!isempty(props_string(p, "Where"))) {
		label("Where");
		printf("%s\n", props_string(p, "Where"));
	}
	if (!isempty(props_string(p, "What"))) {
		label("What");
		printf("%s\n", props_string(p, "What"));
	}
	print_list("Docs", docs);
	print_pids(p);
	if (!isempty(text)) {
		label("Status");
		printf("\"%s\"\n", text);
	}
	if (props_int32(p, "StatusErrno", &err) && err > 0) {
		label("Error");
		printf("%d (%s)\n", err, strerror(err));
	}
	print_cgroup(bus, unit, p);
	if (!isempty(step)) {
		/* ember names the setup step that failed (design.md); show it with the unit. */
		label("Failed step");
		printf("%s%s%s\n", ansi(COLOR_RED), step, ansi(COLOR_NORMAL));
	}
	if (lines) {
		putchar('\n');
		STRV_FOREACH(l, lines)
			printf("%s\n", *l);
	}
}

static int
status_overview(DBusConnection *bus)
{
	struct props p = { 0 };
	char host[256] = "localhost";
	const char *state;
	uint32_t jobs, failed;
	DBusError e;

	dbus_error_init(&e);
	if (props_load(bus, MANAGER_PATH, MANAGER_IFACE, &p, &e) < 0) {
		log_error("Failed to read manager properties: %s", bus_error_text(&e));
		dbus_error_free(&e);
		props_done(&p);
		return CTL_EXIT_FAILURE;
	}
	(void)gethostname(host, sizeof(host) - 1);
	state = props_string(&p, "SystemState");
	printf("%s%s%s %s\n", ansi(state && !streq(state, "running") ? COLOR_RED : COLOR_GREEN),
	       glyph(GLYPH_BLACK_CIRCLE), ansi(COLOR_NORMAL), host);
	if (state)
		printf("    State: %s\n", state);
	if (props_uint32(&p, "NJobs", &jobs))
		printf("     Jobs: %" PRIu32 " queued\n", jobs);
	if (props_uint32(&p, "NFailedUnits", &failed))
		printf("   Failed: %" PRIu32 " units\n", failed);
	props_done(&p);
	return CTL_EXIT_SUCCESS;
}

/* Resolves a PID argument to the unit that holds it. */
static int
unit_by_pid(DBusConnection *bus, const char *arg_pid, char **ret)
{
	unsigned pid;
	dbus_uint32_t p;
	DBusMessage *reply;
	const char *path;
	DBusError e;
	int r;

	if (safe_atou(arg_pid, &pid) < 0)
		return -EINVAL;
	p = pid;
	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "GetUnitByPID", &e,
				DBUS_TYPE_UINT32, &p, DBUS_TYPE_INVALID);
	if (!reply || !dbus_message_get_args(reply, &e, DBUS_TYPE_OBJECT_PATH, &path,
					     DBUS_TYPE_INVALID)) {
		log_error("Failed to get unit for PID %u: %s", pid, bus_error_text(&e));
		dbus_error_free(&e);
		if (reply)
			dbus_message_unref(reply);
		return -ESRCH;
	}
	r = bus_get_property_string(bus, path, UNIT_IFACE, "Id", ret, &e);
	if (r < 0) {
		log_error("Failed to get unit for PID %u: %s", pid, bus_error_text(&e));
		dbus_error_free(&e);
	}
	dbus_message_unref(reply);
	return r;
}

/* The unit names status/show/cat act on: PIDs resolved, names mangled, globs expanded. */
static int
collect_names(DBusConnection *bus, char **args, char ***ret)
{
	_cleanup_strv_free_ char **rest = NULL, **names = NULL, **expanded = NULL;
	int r;

	STRV_FOREACH(a, args) {
		char *name;

		if (!is_number(*a)) {
			if (strv_extend(&rest, *a) < 0)
				return log_oom();
			continue;
		}
		r = unit_by_pid(bus, *a, &name);
		if (r < 0)
			return r;
		if (strv_consume(&names, name) < 0)
			return log_oom();
	}
	r = ctl_expand_names(bus, rest, ".service", &expanded);
	if (r < 0)
		return r;
	if (strv_extend_strv(&names, expanded) < 0)
		return log_oom();
	*ret = TAKE_PTR(names);
	return 0;
}

/* The id of the unit's pending job, 0 if none. */
static uint32_t
unit_job_id(const struct props *p)
{
	const struct prop *job = props_find(p, "Job");
	DBusMessageIter it, st;
	dbus_uint32_t id = 0;

	if (!job)
		return 0;
	it = job->value;
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_STRUCT)
		return 0;
	dbus_message_iter_recurse(&it, &st);
	if (dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_UINT32)
		dbus_message_iter_get_basic(&st, &id);
	return id;
}

int
verb_status(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	int ret = CTL_EXIT_SUCCESS;
	bool first = true;

	if (argc <= 1)
		return status_overview(bus);
	if (collect_names(bus, argv + 1, &names) < 0)
		return CTL_EXIT_FAILURE;

	STRV_FOREACH(n, names) {
		struct props p = { 0 };
		const char *load, *state;
		uint32_t job_id;
		DBusError e;
		int r;

		dbus_error_init(&e);
		if (props_load_unit(bus, *n, &p, &e) < 0) {
			fflush(stdout);
			if (dbus_error_has_name(&e, ERROR_NO_SUCH_UNIT)) {
				log_error("Unit %s could not be found.", *n);
				r = CTL_EXIT_UNKNOWN;
			} else {
				log_error("Failed to get properties of %s: %s", *n, bus_error_text(&e));
				r = CTL_EXIT_FAILURE;
			}
			dbus_error_free(&e);
			props_done(&p);
			if (ret == 0)
				ret = r;
			continue;
		}
		load = props_string(&p, "LoadState");
		state = props_string(&p, "ActiveState");
		job_id = unit_job_id(&p);
		if (load && streq(load, "not-found") && (!state || streq(state, "inactive")) &&
		    job_id == 0) {
			fflush(stdout);
			log_error("Unit %s could not be found.", *n);
			if (ret == 0)
				ret = CTL_EXIT_UNKNOWN;
			props_done(&p);
			continue;
		}
		if (!first)
			putchar('\n');
		first = false;
		print_unit_status(bus, *n, &p);
		if (ret == 0 && !(state && (streq(state, "active") || streq(state, "reloading"))))
			ret = CTL_EXIT_NOT_RUNNING;
		props_done(&p);
	}
	return ret;
}

static void
print_props(const struct props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct prop *pr = &p->v[i];
		bool named = arg.properties && strv_contains(arg.properties, pr->name);

		if (arg.properties && !named)
			continue;
		/* Interfaces may repeat a name (Properties of several interfaces): once. */
		if (props_find(p, pr->name) != pr)
			continue;
		prop_print(pr, arg.all || named, arg.value, stdout);
	}
}

int
verb_show(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL, **rest = NULL;
	int ret = CTL_EXIT_SUCCESS;
	bool first = true;
	struct props p = { 0 };
	DBusError e;

	dbus_error_init(&e);
	if (argc <= 1) {
		if (props_load(bus, MANAGER_PATH, MANAGER_IFACE, &p, &e) < 0) {
			log_error("Failed to get manager properties: %s", bus_error_text(&e));
			dbus_error_free(&e);
			props_done(&p);
			return CTL_EXIT_FAILURE;
		}
		print_props(&p);
		props_done(&p);
		return CTL_EXIT_SUCCESS;
	}

	/* Numbers are jobs here, as in systemctl show. */
	for (int i = 1; i < argc; i++) {
		char path[128];

		if (!is_number(argv[i])) {
			if (strv_extend(&rest, argv[i]) < 0)
				return log_oom(), CTL_EXIT_FAILURE;
			continue;
		}
		snprintf(path, sizeof(path), MANAGER_PATH "/job/%s", argv[i]);
		if (props_load(bus, path, JOB_IFACE, &p, &e) < 0) {
			log_error("Failed to get properties of job %s: %s", argv[i],
				  bus_error_text(&e));
			dbus_error_free(&e);
			ret = CTL_EXIT_FAILURE;
		} else {
			if (!first)
				putchar('\n');
			first = false;
			print_props(&p);
		}
		props_done(&p);
	}
	if (ctl_expand_names(bus, rest, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		if (props_load_unit(bus, *n, &p, &e) < 0) {
			log_error("Failed to get properties of %s: %s", *n, bus_error_text(&e));
			dbus_error_free(&e);
			ret = CTL_EXIT_FAILURE;
			props_done(&p);
			continue;
		}
		if (!first)
			putchar('\n');
		first = false;
		print_props(&p);
		props_done(&p);
	}
	return ret;
}
