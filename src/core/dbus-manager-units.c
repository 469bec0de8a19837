/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Manager methods that act on units and jobs by name or id: GetUnit, StartUnit & co.,
 * KillUnit, GetUnitProcesses, the job calls and the unit listings. The method table that
 * names them is in dbus-manager.c. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup.h"
#include "core/dbus-internal.h"
#include "core/manager.h"
#include "string-util.h"
#include "strv.h"
#include "units/unit-vtable.h"

/* Requests on units by name. */

int
bus_method_get_unit(struct bus_call *c)
{
	const char *name;
	_cleanup_free_ char *path = NULL;
	struct unit *u;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, false, &u);
	if (r <= 0)
		return r;
	path = unit_dbus_path(u);
	return path ? bus_call_return_path(c, path) : -ENOMEM;
}

int
bus_method_load_unit(struct bus_call *c)
{
	const char *name;
	_cleanup_free_ char *path = NULL;
	struct unit *u;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, true, &u);
	if (r <= 0)
		return r;
	path = unit_dbus_path(u);
	return path ? bus_call_return_path(c, path) : -ENOMEM;
}

int
bus_method_get_unit_by_pid(struct bus_call *c)
{
	dbus_uint32_t pid;
	_cleanup_free_ char *path = NULL;
	struct unit *u;

	if (bus_call_get_args(c, DBUS_TYPE_UINT32, &pid, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	/* 0 means the caller itself, as in systemd. */
	if (pid == 0)
		pid = (dbus_uint32_t)bus_client_pid(c->client);
	u = pid > 0 && pid <= INT32_MAX ? manager_get_unit_by_pid(c->manager, (pid_t)pid) : NULL;
	if (!u)
		return bus_call_error(c, BUS_ERROR_NO_UNIT_FOR_PID,
				      "PID %u does not belong to any loaded unit.", pid);
	path = unit_dbus_path(u);
	return path ? bus_call_return_path(c, path) : -ENOMEM;
}

static int
enqueue_by_name(struct bus_call *c, enum job_type type, bool reload_if_possible)
{
	const char *name, *mode;
	struct unit *u;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &mode,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, true, &u);
	if (r <= 0)
		return r;
	return bus_unit_enqueue(c, u, type, mode, reload_if_possible);
}

int
bus_method_start_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_START, false);
}

int
bus_method_stop_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_STOP, false);
}

int
bus_method_reload_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_RELOAD, false);
}

int
bus_method_restart_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_RESTART, false);
}

int
bus_method_try_restart_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_TRY_RESTART, false);
}

int
bus_method_reload_or_restart_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_RESTART, true);
}

int
bus_method_reload_or_try_restart_unit(struct bus_call *c)
{
	return enqueue_by_name(c, JOB_TRY_RESTART, true);
}

int
bus_method_kill_unit(struct bus_call *c)
{
	const char *name, *whom;
	dbus_int32_t sig;
	struct unit *u;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &whom,
			      DBUS_TYPE_INT32, &sig, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, false, &u);
	if (r <= 0)
		return r;
	return bus_unit_kill(c, u, whom, sig);
}

/* SetUnitProperties(s name, b runtime, a(sv)): applied at once; not persisted (runtime or
 * not, ember keeps no .control drop-ins yet: ember.resource-control(5)). */
int
bus_method_set_unit_properties(struct bus_call *c)
{
	DBusMessageIter it;
	const char *name;
	dbus_bool_t runtime;
	struct unit *u;
	int r;

	if (!dbus_message_iter_init(c->message, &it))
		return -ENOMEM;
	dbus_message_iter_get_basic(&it, &name);
	dbus_message_iter_next(&it);
	dbus_message_iter_get_basic(&it, &runtime);
	dbus_message_iter_next(&it);
	r = bus_unit_by_name(c, name, true, &u);
	if (r <= 0)
		return r;
	return bus_unit_set_properties(c, u, &it);
}

int
bus_method_reset_failed_unit(struct bus_call *c)
{
	const char *name;
	struct unit *u;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, false, &u);
	if (r <= 0)
		return r;
	unit_reset_failed(u);
	return bus_call_return_empty(c);
}

int
bus_method_reset_failed(struct bus_call *c)
{
	const char *k;
	struct unit *u;

	HASHMAP_FOREACH(k, u, c->manager->units)
		if (streq(k, u->id))
			unit_reset_failed(u);
	return bus_call_return_empty(c);
}

/* Processes of a unit. */

/* "/usr/bin/foo --bar", or "[comm]" for processes without a command line. */
static char *
process_cmdline(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	safe_close(fd);
	if (n > 0) {
		while (n > 0 && buf[n - 1] == 0)
			n--;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == 0)
				buf[i] = ' ';
		buf[n] = 0;
		if (n > 0)
			return strdup(buf);
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf + 1, sizeof(buf) - 3) : -1;
	safe_close(fd);
	if (n <= 0)
		return strdup("");
	if (buf[n] == '\n')
		n--;
	buf[0] = '[';
	buf[n + 1] = ']';
	buf[n + 2] = 0;
	return strdup(buf);
}

static bool
append_process(DBusMessageIter *a, const char *cgroup, pid_t pid)
{
	_cleanup_free_ char *cmdline = process_cmdline(pid);
	DBusMessageIter s;

	if (!cmdline || !dbus_message_iter_open_container(a, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_string(&s, cgroup) || !bus_append_u32(&s, (uint32_t)pid) ||
	    !bus_append_string(&s, cmdline)) {
		dbus_message_iter_abandon_container(a, &s);
		return false;
	}
	return dbus_message_iter_close_container(a, &s);
}

/* Appends the processes of the cgroup at dir (absolute, below mount) and of its children.
 * Reading procfs and cgroupfs does not block. Returns false on OOM only. */
static bool
append_cgroup_processes(DBusMessageIter *a, const char *mount, const char *dir, unsigned depth)
{
	_cleanup_free_ char *procs = NULL;
	const char *rel = startswith(dir, mount);
	FILE *f;
	DIR *d;
	struct dirent *de;
	bool ok = true;

	if (!rel || depth > 16 || asprintf(&procs, "%s/cgroup.procs", dir) < 0)
		return depth <= 16 && rel ? false : true;
	f = fopen(procs, "re");
	if (f) {
		int pid;

		while (ok && fscanf(f, "%d", &pid) == 1)
			if (pid > 0)
				ok = append_process(a, *rel ? rel : "/", pid);
		fclose(f);
	}
	d = ok ? opendir(dir) : NULL;
	if (!d)
		return ok;
	while (ok && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			ok = false;
		else
			ok = append_cgroup_processes(a, mount, sub, depth + 1);
	}
	closedir(d);
	return ok;
}

int
bus_method_get_unit_processes(struct bus_call *c)
{
	_cleanup_free_ char *dir = NULL;
	const char *name;
	struct unit *u;
	DBusMessageIter it, a;
	bool ok = true;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = bus_unit_by_name(c, name, false, &u);
	if (r <= 0)
		return r;
	if (u->cgroup_path && cgroup_mount_point(u->manager)) {
		dir = strjoin(cgroup_mount_point(u->manager), u->cgroup_path);
		if (!dir)
			return -ENOMEM;
	}
	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(sus)", &a))
		return -ENOMEM;
	if (dir)
		ok = append_cgroup_processes(&a, cgroup_mount_point(u->manager), dir, 0);
	else {
		/* Without a cgroup, what the unit type tracks is all we know. */
		pid_t main_pid = u->vtable->main_pid ? u->vtable->main_pid(u) : 0;
		pid_t control_pid = u->vtable->control_pid ? u->vtable->control_pid(u) : 0;

		if (main_pid > 0)
			ok = append_process(&a, "", main_pid);
		if (ok && control_pid > 0 && control_pid != main_pid)
			ok = append_process(&a, "", control_pid);
	}
	if (!ok) {
		dbus_message_iter_abandon_container(&it, &a);
		return -ENOMEM;
	}
	return dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
}

/* Jobs. */

static int
job_by_id(struct bus_call *c, struct job **ret)
{
	dbus_uint32_t id;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_UINT32, &id, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	*ret = manager_get_job(c->manager, id);
	if (*ret)
		return 1;
	r = bus_call_error(c, BUS_ERROR_NO_SUCH_JOB, "Job %u does not exist.", id);
	return r < 0 ? r : 0;
}

int
bus_method_get_job(struct bus_call *c)
{
	_cleanup_free_ char *path = NULL;
	struct job *j;
	int r = job_by_id(c, &j);

	if (r <= 0)
		return r;
	path = job_dbus_path(j);
	return path ? bus_call_return_path(c, path) : -ENOMEM;
}

int
bus_method_cancel_job(struct bus_call *c)
{
	struct job *j;
	int r = job_by_id(c, &j);

	if (r <= 0)
		return r;
	job_finish(j, JOB_CANCELED);
	return bus_call_return_empty(c);
}

int
bus_method_clear_jobs(struct bus_call *c)
{
	struct manager *m = c->manager;
	_cleanup_free_ uint32_t *ids = NULL;
	size_t n = 0, cap = hashmap_size(m->jobs);
	const void *k;
	struct job *j;

	/* Finishing one job can finish others (their dependents): go by id, not pointer. */
	if (cap > 0) {
		ids = calloc(cap, sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		HASHMAP_FOREACH(k, j, m->jobs)
			if (n < cap)
				ids[n++] = j->id;
	}
	for (size_t i = 0; i < n; i++) {
		j = manager_get_job(m, ids[i]);
		if (j)
			job_finish(j, JOB_CANCELED);
	}
	return bus_call_return_empty(c);
}

int
bus_method_list_jobs(struct bus_call *c)
{
	DBusMessageIter it, a;
	const void *k;
	struct job *j;

	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(usssoo)", &a))
		return -ENOMEM;
	HASHMAP_FOREACH(k, j, c->manager->jobs)
		if (!bus_job_append_list_entry(&a, j)) {
			dbus_message_iter_abandon_container(&it, &a);
			return -ENOMEM;
		}
	return dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
}

/* Listing units. */

static bool
strv_is_empty(char **l)
{
	return !l || !*l;
}

static bool
unit_matches(struct unit *u, char **states, char **patterns)
{
	if (!strv_is_empty(states) &&
	    !strv_contains(states, unit_load_state_to_string(u->load_state)) &&
	    !strv_contains(states, unit_active_state_to_string(unit_active_state(u))) &&
	    !strv_contains(states, unit_sub_state_to_string(u)))
		return false;
	if (!strv_is_empty(patterns)) {
		STRV_FOREACH(p, patterns)
			if (fnmatch(*p, u->id, FNM_NOESCAPE) == 0)
				return true;
		return false;
	}
	return true;
}

static int
list_units(struct bus_call *c, char **states, char **patterns)
{
	DBusMessageIter it, a;
	const char *k;
	struct unit *u;

	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssssssouso)", &a))
		return -ENOMEM;
	HASHMAP_FOREACH(k, u, c->manager->units) {
		/* Aliases are listed under their unit's name only. */
		if (!streq(k, u->id) || !unit_matches(u, states, patterns))
			continue;
		if (!bus_unit_append_list_entry(&a, u)) {
			dbus_message_iter_abandon_container(&it, &a);
			return -ENOMEM;
		}
	}
	return dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
}

int
bus_method_list_units(struct bus_call *c)
{
	return list_units(c, NULL, NULL);
}

int
bus_method_list_units_filtered(struct bus_call *c)
{
	char **states = NULL;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &states, &n,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = list_units(c, states, NULL);
	dbus_free_string_array(states);
	return r;
}

int
bus_method_list_units_by_patterns(struct bus_call *c)
{
	char **states = NULL, **patterns = NULL;
	int ns = 0, np = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &states, &ns,
			      DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &patterns, &np,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = list_units(c, states, patterns);
	dbus_free_string_array(states);
	dbus_free_string_array(patterns);
	return r;
}

/* Loads each name, so that units not in memory are listed too (as "not-found" if
 * there is no such unit). Invalid names are skipped. */
int
bus_method_list_units_by_names(struct bus_call *c)
{
	struct manager *m = c->manager;
	char **names = NULL;
	DBusMessageIter it, a;
	int n = 0, r = 0;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &names, &n,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	STRV_FOREACH(name, names) {
		r = manager_load_unit(m, *name, NULL);
		if (r == -ENOMEM)
			goto out;
	}
	manager_dispatch_load_queue(m);
	r = -ENOMEM;
	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssssssouso)", &a))
		goto out;
	STRV_FOREACH(name, names) {
		struct unit *u = manager_get_unit(m, *name);

		if (u && !bus_unit_append_list_entry(&a, u)) {
			dbus_message_iter_abandon_container(&it, &a);
			goto out;
		}
	}
	r = dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
out:
	dbus_free_string_array(names);
	return r;
}
