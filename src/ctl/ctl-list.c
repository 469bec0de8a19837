/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list-units, list-unit-files, list-jobs, and the pattern expansion other verbs use. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"

/* One row of ListUnits; the strings point into the reply. */
struct unit_info {
	const char *id, *description, *load_state, *active_state, *sub_state, *following;
	const char *unit_path, *job_type, *job_path;
	uint32_t job_id;
};

struct unit_list {
	DBusMessage *reply;
	struct unit_info *v;
	size_t n;
};

static void
unit_list_done(struct unit_list *l)
{
	if (l->reply)
		dbus_message_unref(l->reply);
	free(l->v);
	*l = (struct unit_list){ 0 };
}

static bool
is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static const char *
unit_suffix(const char *id)
{
	const char *dot = strrchr(id, '.');

	return dot ? dot + 1 : "";
}

static bool
matches_any(char *const *patterns, const char *s)
{
	if (!patterns || !*patterns)
		return true;
	STRV_FOREACH(p, patterns)
		if (fnmatch(*p, s, FNM_NOESCAPE) == 0)
			return true;
	return false;
}

static bool
type_wanted(const char *id)
{
	return !arg.types || strv_contains(arg.types, unit_suffix(id));
}

/* Patterns as the user typed them: globs stay globs, plain names get a suffix. */
static int
mangle_patterns(char *const *args, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;

	STRV_FOREACH(a, args) {
		char *m;
		int r;

		if (is_glob(*a)) {
			r = strv_extend(&l, *a);
		} else {
			r = unit_name_mangle(*a, ".service", &m);
			if (r < 0)
				return log_error_errno(r, "Failed to mangle unit name %s: %m", *a);
			r = strv_consume(&l, m);
		}
		if (r < 0)
			return log_oom();
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static int
parse_unit_row(DBusMessageIter *st, struct unit_info *u)
{
	const char **strs[] = { &u->id, &u->description, &u->load_state, &u->active_state,
				&u->sub_state, &u->following, &u->unit_path };
	DBusMessageIter it;
	dbus_uint32_t job_id;

	dbus_message_iter_recurse(st, &it);
	for (size_t i = 0; i < ELEMENTSOF(strs); i++) {
		int t = dbus_message_iter_get_arg_type(&it);

		if (t != DBUS_TYPE_STRING && t != DBUS_TYPE_OBJECT_PATH)
			return -EINVAL;
		dbus_message_iter_get_basic(&it, strs[i]);
		dbus_message_iter_next(&it);
	}
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_UINT32)
		return -EINVAL;
	dbus_message_iter_get_basic(&it, &job_id);
	u->job_id = job_id;
	dbus_message_iter_next(&it);
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_STRING)
		return -EINVAL;
	dbus_message_iter_get_basic(&it, &u->job_type);
	dbus_message_iter_next(&it);
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_OBJECT_PATH)
		return -EINVAL;
	dbus_message_iter_get_basic(&it, &u->job_path);
	return 0;
}

/* Fetches the loaded units matching states and patterns (either may be NULL). Tries
 * ListUnitsByPatterns, falls back to ListUnits, and filters here as well so the result
 * is the same with either. Logs errors. */
static int
unit_list_fetch(DBusConnection *bus, char *const *states, char *const *patterns,
		struct unit_list *l)
{
	DBusMessage *m;
	DBusMessageIter it, arr;
	DBusError e;

	dbus_error_init(&e);
	m = bus_manager_call_new("ListUnitsByPatterns");
	if (!m)
		return log_oom();
	dbus_message_iter_init_append(m, &it);
	if (!bus_append_strv(&it, states) || !bus_append_strv(&it, patterns)) {
		dbus_message_unref(m);
		return log_oom();
	}
	l->reply = bus_call(bus, m, -1, &e);
	dbus_message_unref(m);
	if (!l->reply && dbus_error_has_name(&e, DBUS_ERROR_UNKNOWN_METHOD)) {
		dbus_error_free(&e);
		l->reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "ListUnits", &e,
					   DBUS_TYPE_INVALID);
	}
	if (!l->reply) {
		log_error("Failed to list units: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return -EIO;
	}

	if (!dbus_message_iter_init(l->reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		goto bad;
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&arr)) {
		struct unit_info u, *v;

		if (parse_unit_row(&arr, &u) < 0)
			goto bad;
		if (!matches_any(patterns, u.id))
			continue;
		if (states && *states && !strv_contains(states, u.load_state) &&
		    !strv_contains(states, u.active_state) && !strv_contains(states, u.sub_state))
			continue;
		v = realloc(l->v, (l->n + 1) * sizeof(*v));
		if (!v)
			return log_oom();
		l->v = v;
		l->v[l->n++] = u;
	}
	return 0;
bad:
	log_error("Failed to parse the unit list: unexpected reply signature.");
	return -EBADMSG;
}

int
ctl_expand_names(DBusConnection *bus, char *const *args, const char *suffix, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **globs = NULL;
	struct unit_list l = { 0 };
	int r;

	STRV_FOREACH(a, args) {
		char *m;

		if (is_glob(*a)) {
			r = strv_extend(&globs, *a);
		} else {
			r = unit_name_mangle(*a, suffix, &m);
			if (r < 0)
				return log_error_errno(r, "Failed to mangle unit name %s: %m", *a);
			r = strv_consume(&names, m);
		}
		if (r < 0)
			return log_oom();
	}
	if (globs) {
		/* Globs match loaded units only, as in systemctl. */
		r = unit_list_fetch(bus, NULL, globs, &l);
		if (r < 0)
			return r;
		for (size_t i = 0; i < l.n; i++)
			if (strv_extend_unique(&names, l.v[i].id) < 0) {
				unit_list_done(&l);
				return log_oom();
			}
		unit_list_done(&l);
	}
	*ret = TAKE_PTR(names);
	return 0;
}

static int
compare_units(const void *a, const void *b)
{
	const struct unit_info *x = a, *y = b;
	int r = strcasecmp(unit_suffix(x->id), unit_suffix(y->id));

	if (r != 0)
		return r;
	r = strcasecmp(x->id, y->id);
	return r != 0 ? r : strcmp(x->id, y->id);
}

static bool
unit_shown(const struct unit_info *u)
{
	if (!type_wanted(u->id))
		return false;
	if (arg.all)
		return true;
	/* Devices known under several names list once, under the name the others follow. */
	if (!isempty(u->following))
		return false;
	if (arg.states)
		return true;
	return u->job_id > 0 || !streq(u->active_state, "inactive");
}

int
ctl_list_shown_units(DBusConnection *bus, char *const *patterns, char ***ret)
{
	_cleanup_strv_free_ char **ids = NULL;
	struct unit_list l = { 0 };
	int r;

	r = unit_list_fetch(bus, arg.states, patterns, &l);
	if (r < 0) {
		unit_list_done(&l);
		return r;
	}
	for (size_t i = 0; i < l.n; i++)
		if (unit_shown(&l.v[i]) && strv_extend(&ids, l.v[i].id) < 0) {
			unit_list_done(&l);
			return log_oom();
		}
	unit_list_done(&l);
	*ret = TAKE_PTR(ids);
	return 0;
}

/* A t property of a unit's type interface; false if it has none or it is unknown. */
static bool
unit_counter(DBusConnection *bus, const struct unit_info *u, const char *name, uint64_t *ret)
{
	const char *iface = unit_type_interface(u->id);
	DBusMessage *reply;
	DBusMessageIter it, v;
	DBusError e;
	bool ok = false;

	if (!iface || isempty(u->unit_path))
		return false;
	dbus_error_init(&e);
	reply = bus_call_method(bus, u->unit_path, PROPS_IFACE, "Get", &e, DBUS_TYPE_STRING, &iface,
				DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	dbus_error_free(&e);
	if (reply && dbus_message_iter_init(reply, &it) &&
	    dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_VARIANT) {
		dbus_message_iter_recurse(&it, &v);
		if (dbus_message_iter_get_arg_type(&v) == DBUS_TYPE_UINT64) {
			dbus_message_iter_get_basic(&v, ret);
			ok = *ret != UINT64_MAX;
		}
	}
	if (reply)
		dbus_message_unref(reply);
	return ok;
}

/* --resources: the unit's task count and memory from its cgroup, "-" where there is none. */
static int
add_resources(struct table *t, DBusConnection *bus, const struct unit_info *u)
{
	char tasks[32] = "-", mem[32] = "-";
	uint64_t v;

	if (unit_counter(bus, u, "TasksCurrent", &v))
		snprintf(tasks, sizeof(tasks), "%" PRIu64, v);
	if (unit_counter(bus, u, "MemoryCurrent", &v))
		format_bytes(mem, sizeof(mem), v);
	return table_add(t, tasks, COLOR_NORMAL) | table_add(t, mem, COLOR_NORMAL);
}

static int
print_units(DBusConnection *bus, struct unit_list *l)
{
	static const char *const headers[] = { "", "UNIT", "LOAD", "ACTIVE", "SUB", "JOB",
					       "DESCRIPTION" };
	static const char *const headers_nojob[] = { "", "UNIT", "LOAD", "ACTIVE", "SUB",
						     "DESCRIPTION" };
	static const char *const headers_res[] = { "", "UNIT", "LOAD", "ACTIVE", "SUB", "JOB",
						   "TASKS", "MEMORY", "DESCRIPTION" };
	static const char *const headers_res_nojob[] = { "", "UNIT", "LOAD", "ACTIVE", "SUB",
							 "TASKS", "MEMORY", "DESCRIPTION" };
	struct table *t;
	bool jobs = false;
	size_t n;

	for (size_t i = 0; i < l->n; i++)
		if (unit_shown(&l->v[i]) && l->v[i].job_id > 0)
			jobs = true;
	if (arg.resources)
		t = jobs ? table_new(9, headers_res) : table_new(8, headers_res_nojob);
	else
		t = jobs ? table_new(7, headers) : table_new(6, headers_nojob);
	if (!t)
		return log_oom();
	for (size_t i = 0; i < l->n; i++) {
		const struct unit_info *u = &l->v[i];
		bool load_bad = streq(u->load_state, "error") || streq(u->load_state, "not-found") ||
				streq(u->load_state, "bad-setting") || streq(u->load_state, "masked");
		bool failed = streq(u->active_state, "failed");
		enum ctl_color act = failed ? COLOR_RED : COLOR_NORMAL;
		int r = 0;

		if (!unit_shown(u))
			continue;
		r |= table_add(t, load_bad || failed ? glyph(GLYPH_BLACK_CIRCLE) : " ",
			       failed ? COLOR_RED : load_bad ? COLOR_YELLOW : COLOR_NORMAL);
		r |= table_add(t, u->id, COLOR_NORMAL);
		r |= table_add(t, u->load_state, load_bad ? COLOR_RED : COLOR_NORMAL);
		r |= table_add(t, u->active_state, act);
		r |= table_add(t, u->sub_state, act);
		if (jobs)
			r |= table_add(t, u->job_id > 0 ? u->job_type : "", COLOR_NORMAL);
		if (arg.resources)
			r |= add_resources(t, bus, u);
		r |= table_add(t, u->description, COLOR_NORMAL);
		if (r < 0) {
			table_free(t);
			return log_oom();
		}
	}
	n = table_rows(t);
	if (n > 0 || !arg.legend)
		table_print(t, arg.legend, stdout);
	table_free(t);
	if (!arg.legend)
		return 0;

	if (n > 0) {
		printf("\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
		       "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
		       "SUB    = The low-level unit activation state, values depend on unit type.\n");
		if (jobs)
			printf("JOB    = Pending job for the unit.\n");
		if (arg.resources)
			printf("TASKS  = Processes in the unit's cgroup; MEMORY = its memory use.\n");
		putchar('\n');
	}
	if (arg.all || strv_contains(arg.states, "inactive"))
		printf("%s%zu loaded units listed.%s\n"
		       "To show all installed unit files use 'emberctl list-unit-files'.\n",
		       ansi(COLOR_BOLD), n, ansi(COLOR_NORMAL));
	else if (!arg.states)
		printf("%s%zu loaded units listed.%s Pass --all to see loaded but inactive units, "
		       "too.\nTo show all installed unit files use 'emberctl list-unit-files'.\n",
		       ansi(COLOR_BOLD), n, ansi(COLOR_NORMAL));
	else
		printf("%zu loaded units listed.\n", n);
	return 0;
}

int
verb_list_units(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **patterns = NULL;
	struct unit_list l = { 0 };
	int r;

	r = mangle_patterns(argv + 1, &patterns);
	if (r < 0)
		return CTL_EXIT_FAILURE;
	r = unit_list_fetch(bus, arg.states, patterns, &l);
	if (r < 0)
		return CTL_EXIT_FAILURE;
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), compare_units);
	r = print_units(bus, &l);
	unit_list_done(&l);
	return r < 0 ? CTL_EXIT_FAILURE : CTL_EXIT_SUCCESS;
}

struct file_info {
	const char *path, *state;
};

static int
compare_files(const void *a, const void *b)
{
	const struct file_info *x = a, *y = b;
	const char *bx = strrchr(x->path, '/'), *by = strrchr(y->path, '/');
	int r;

	bx = bx ? bx + 1 : x->path;
	by = by ? by + 1 : y->path;
	r = strcasecmp(unit_suffix(bx), unit_suffix(by));
	return r != 0 ? r : strcasecmp(bx, by);
}

static enum ctl_color
file_state_color(const char *s)
{
	if (streq(s, "masked") || streq(s, "masked-runtime") || streq(s, "disabled") ||
	    streq(s, "bad"))
		return COLOR_RED;
	if (streq(s, "enabled") || streq(s, "enabled-runtime") || streq(s, "alias"))
		return COLOR_GREEN;
	return COLOR_NORMAL;
}

int
verb_list_unit_files(DBusConnection *bus, int argc, char **argv)
{
	static const char *const headers[] = { "UNIT FILE", "STATE" };
	_cleanup_strv_free_ char **patterns = NULL;
	struct file_info *v = NULL;
	DBusMessage *m, *reply;
	DBusMessageIter it, arr;
	struct table *t = NULL;
	size_t n = 0;
	DBusError e;
	int ret = CTL_EXIT_FAILURE;

	if (mangle_patterns(argv + 1, &patterns) < 0)
		return CTL_EXIT_FAILURE;
	dbus_error_init(&e);
	m = bus_manager_call_new("ListUnitFilesByPatterns");
	if (!m)
		return log_oom(), CTL_EXIT_FAILURE;
	dbus_message_iter_init_append(m, &it);
	if (!bus_append_strv(&it, arg.states) || !bus_append_strv(&it, patterns)) {
		dbus_message_unref(m);
		return log_oom(), CTL_EXIT_FAILURE;
	}
	reply = bus_call(bus, m, -1, &e);
	dbus_message_unref(m);
	if (!reply) {
		log_error("Failed to list unit files: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return CTL_EXIT_FAILURE;
	}

	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY) {
		log_error("Failed to parse the unit file list: unexpected reply signature.");
		goto out;
	}
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&arr)) {
		DBusMessageIter st;
		struct file_info f, *nv;
		const char *base;

		dbus_message_iter_recurse(&arr, &st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&st, &f.path);
		dbus_message_iter_next(&st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&st, &f.state);
		base = strrchr(f.path, '/');
		base = base ? base + 1 : f.path;
		if (!type_wanted(base) || !matches_any(patterns, base))
			continue;
		if (arg.states && !strv_contains(arg.states, f.state))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			log_oom();
			goto out;
		}
		v = nv;
		v[n++] = f;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), compare_files);

	t = table_new(2, headers);
	if (!t) {
		log_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(v[i].path, '/');

		if (table_add(t, base ? base + 1 : v[i].path, COLOR_NORMAL) < 0 ||
		    table_add(t, v[i].state, file_state_color(v[i].state)) < 0) {
			log_oom();
			goto out;
		}
	}
	if (n > 0 || !arg.legend)
		table_print(t, arg.legend, stdout);
	if (arg.legend)
		printf("%s%zu unit files listed.\n", n > 0 ? "\n" : "", n);
	ret = CTL_EXIT_SUCCESS;
out:
	table_free(t);
	free(v);
	dbus_message_unref(reply);
	return ret;
}

struct job_info {
	uint32_t id;
	const char *unit, *type, *state;
};

static int
compare_jobs(const void *a, const void *b)
{
	const struct job_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int
verb_list_jobs(DBusConnection *bus, int argc, char **argv)
{
	static const char *const headers[] = { "JOB", "UNIT", "TYPE", "STATE" };
	struct job_info *v = NULL;
	DBusMessage *reply;
	DBusMessageIter it, arr;
	struct table *t = NULL;
	size_t n = 0;
	DBusError e;
	int ret = CTL_EXIT_FAILURE;

	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "ListJobs", &e,
				DBUS_TYPE_INVALID);
	if (!reply) {
		log_error("Failed to list jobs: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return CTL_EXIT_FAILURE;
	}
	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY) {
		log_error("Failed to parse the job list: unexpected reply signature.");
		goto out;
	}
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&arr)) {
		DBusMessageIter st;
		struct job_info j, *nv;
		dbus_uint32_t id;

		dbus_message_iter_recurse(&arr, &st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_UINT32)
			continue;
		dbus_message_iter_get_basic(&st, &id);
		j.id = id;
		const char **strs[] = { &j.unit, &j.type, &j.state };
		bool ok = true;
		for (size_t i = 0; i < ELEMENTSOF(strs) && ok; i++) {
			dbus_message_iter_next(&st);
			ok = dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING;
			if (ok)
				dbus_message_iter_get_basic(&st, strs[i]);
		}
		if (!ok || !matches_any(argv + 1, j.unit))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			log_oom();
			goto out;
		}
		v = nv;
		v[n++] = j;
	}

	if (n == 0) {
		if (arg.legend)
			printf("No jobs running.\n");
		ret = CTL_EXIT_SUCCESS;
		goto out;
	}
	qsort(v, n, sizeof(*v), compare_jobs);
	t = table_new(4, headers);
	if (!t) {
		log_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, v[i].id);
		if (table_add(t, id, COLOR_NORMAL) < 0 || table_add(t, v[i].unit, COLOR_NORMAL) < 0 ||
		    table_add(t, v[i].type, COLOR_NORMAL) < 0 ||
		    table_add(t, v[i].state, streq(v[i].state, "running") ? COLOR_BOLD :
					     COLOR_NORMAL) < 0) {
			log_oom();
			goto out;
		}
	}
	table_print(t, arg.legend, stdout);
	if (arg.legend)
		printf("\n%zu jobs listed.\n", n);
	ret = CTL_EXIT_SUCCESS;
out:
	table_free(t);
	free(v);
	dbus_message_unref(reply);
	return ret;
}
