/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "activation/notify.h"
#include "core/dbus.h"
#include "core/event.h"
#include "core/cgroup.h"
#include "core/manager.h"
#include "units/device.h"
#include "units/fstab-generator.h"
#include "units/mount.h"
#include "units/swap.h"
#include "core/transaction.h"
#include "core/unit-index.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "units/directives.h"
#include "units/unit-vtable.h"

enum {
	PRIORITY_LOAD = 0,
	PRIORITY_RUN = 10,
	PRIORITY_GC = 20,
	PRIORITY_DBUS = 30,
};

/* A target is ordered after the units it pulls in, unless one of the two opted out of
 * default dependencies or the unit is explicitly ordered after the target. */
static void
add_target_default_dependencies(struct unit *t)
{
	static const enum unit_dependency pulls[] = {
		UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO,
	};
	struct unit *other;

	if (t->load_state != UNIT_LOADED || !t->default_dependencies)
		return;
	for (size_t i = 0; i < ELEMENTSOF(pulls); i++)
		SET_FOREACH(other, t->deps[pulls[i]]) {
			if (other->load_state != UNIT_LOADED || !other->default_dependencies ||
			    unit_has_dependency(t, UNIT_BEFORE, other))
				continue;
			if (unit_add_dependency(t, UNIT_AFTER, other, true) < 0)
				log_oom();
		}
}

static int
dispatch_load_queue(struct event_source *s, void *userdata)
{
	struct manager *m = userdata;

	/* Loading a unit may queue more (its dependencies); drain to a fixed point. */
	while (m->load_queue) {
		struct unit *u = m->load_queue;

		m->load_queue = u->load_queue_next;
		u->in_load_queue = false;
		unit_load(u);
	}
	while (m->target_deps_queue) {
		struct unit *t = m->target_deps_queue;

		m->target_deps_queue = t->target_deps_queue_next;
		t->in_target_deps_queue = false;
		add_target_default_dependencies(t);
	}
	event_source_set_enabled(s, false);
	return 0;
}

void
manager_dispatch_load_queue(struct manager *m)
{
	dispatch_load_queue(m->load_queue_source, m);
}

static int
dispatch_run_queue(struct event_source *s, void *userdata)
{
	struct manager *m = userdata;

	manager_dispatch_load_queue(m);
	while (m->run_queue_head) {
		struct job *j = m->run_queue_head;

		m->run_queue_head = j->run_queue_next;
		if (m->run_queue_head)
			m->run_queue_head->run_queue_prev = NULL;
		else
			m->run_queue_tail = NULL;
		j->run_queue_next = j->run_queue_prev = NULL;
		j->in_run_queue = false;
		job_run(j);
	}
	event_source_set_enabled(s, false);
	return 0;
}

/* Is any unit that pulled u in still up (or coming up)? */
static bool
unit_is_needed(struct unit *u)
{
	static const enum unit_dependency needers[] = {
		UNIT_REQUIRED_BY, UNIT_WANTED_BY, UNIT_BOUND_BY, UNIT_UPHELD_BY, UNIT_REQUISITE_OF,
	};
	struct unit *other;

	for (size_t i = 0; i < ELEMENTSOF(needers); i++)
		SET_FOREACH(other, u->deps[needers[i]])
			if (!unit_inactive_or_failed(unit_active_state(other)) ||
			    (other->job && other->job->type != JOB_STOP))
				return true;
	return false;
}

static int
dispatch_gc_queue(struct event_source *s, void *userdata)
{
	struct manager *m = userdata;

	while (m->unneeded_queue) {
		struct unit *u = m->unneeded_queue;

		m->unneeded_queue = u->unneeded_queue_next;
		u->in_stop_when_unneeded_queue = false;
		if (u->stop_when_unneeded && !u->job &&
		    !unit_inactive_or_failed(unit_active_state(u)) && !unit_is_needed(u)) {
			_cleanup_free_ char *e = NULL;

			log_unit_info(u, "Unit not needed anymore. Stopping.");
			manager_add_job(m, JOB_STOP, u, JOB_FAIL, NULL, &e);
		}
	}
	while (m->gc_queue) {
		struct unit *u = m->gc_queue;

		m->gc_queue = u->gc_queue_next;
		u->in_gc_queue = false;
		if (!m->test_run && unit_may_gc(u)) {
			log_unit_debug(u, "Collecting.");
			bus_send_unit_removed(m, u);
			unit_free(u);
		}
	}
	event_source_set_enabled(s, false);
	return 0;
}

static int
dispatch_dbus_queue(struct event_source *s, void *userdata)
{
	struct manager *m = userdata;

	while (m->dbus_unit_queue) {
		struct unit *u = m->dbus_unit_queue;

		m->dbus_unit_queue = u->dbus_queue_next;
		u->in_dbus_queue = false;
		if (!u->sent_dbus_new_signal) {
			u->sent_dbus_new_signal = true;
			bus_send_unit_new(m, u);
		}
		bus_send_unit_changed(m, u);
	}
	event_source_set_enabled(s, false);
	return 0;
}

static void
reap_children(struct manager *m)
{
	bool stray = false;

	for (;;) {
		siginfo_t si = { 0 };
		struct unit *u;

		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			break;
		u = hashmap_get(m->watch_pids, (void *)(intptr_t)si.si_pid);
		if (!u) {
			/* An orphan we inherited (PID 1 or subreaper): just reaped. */
			log_debug("Reaped unknown process %d.", (int)si.si_pid);
			stray = true;
			continue;
		}
		unit_unwatch_pid(u, si.si_pid);
		if (u->vtable->sigchld)
			u->vtable->sigchld(u, si.si_pid, si.si_code, si.si_status);
	}
	if (stray && set_size(m->group_waiters) > 0) {
		/* A process of some group went away: let the units that wait for their group
		 * to run empty look again (pid 0 means "re-check"). */
		struct unit *u;
		struct unit *list[64];
		size_t n = 0;

		SET_FOREACH(u, m->group_waiters)
			if (n < ELEMENTSOF(list))
				list[n++] = u;
		for (size_t i = 0; i < n; i++)
			if (list[i]->vtable->sigchld)
				list[i]->vtable->sigchld(list[i], 0, 0, 0);
	}
}

static int
on_signal(struct event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;

	switch (si->ssi_signo) {
	case SIGCHLD:
		reap_children(m);
		break;
	case SIGHUP:
		manager_set_objective(m, MANAGER_RELOAD);
		break;
	case SIGTERM:
		/* PID 1 ignores a stray SIGTERM (systemd re-executes); instances exit. */
		if (!m->is_pid1)
			manager_begin_shutdown(m, MANAGER_EXIT);
		break;
	case SIGINT:
		if (m->is_pid1) {
			_cleanup_free_ char *e = NULL;
			struct unit *u;

			if (manager_load_unit(m, "ctrl-alt-del.target", &u) >= 0) {
				manager_dispatch_load_queue(m);
				manager_add_job(m, JOB_START, u, JOB_REPLACE_IRREVERSIBLY, NULL, &e);
			}
		} else
			manager_begin_shutdown(m, MANAGER_EXIT);
		break;
	default:
		if (m->is_pid1 && (int)si->ssi_signo == SIGRTMIN + 3)
			manager_begin_shutdown(m, MANAGER_HALT);
		else if (m->is_pid1 && (int)si->ssi_signo == SIGRTMIN + 4)
			manager_begin_shutdown(m, MANAGER_POWEROFF);
		else if (m->is_pid1 && (int)si->ssi_signo == SIGRTMIN + 5)
			manager_begin_shutdown(m, MANAGER_REBOOT);
		break;
	}
	return 0;
}

static int
on_status_timer(struct event_source *s, usec_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct job *j, *oldest = NULL;
	const void *k;
	usec_t n = now(CLOCK_MONOTONIC);

	HASHMAP_FOREACH(k, j, m->jobs)
		if (j->state == JOB_RUNNING && (!oldest || j->begin_usec < oldest->begin_usec))
			oldest = j;
	if (oldest)
		job_print_slow_status(oldest, n);
	if (hashmap_size(m->jobs) > 0)
		event_source_set_time(s, n + USEC_PER_SEC);
	return 0;
}

static void
on_notify(pid_t pid, uid_t uid, char **tags, int *fds, size_t n_fds, void *userdata)
{
	struct manager *m = userdata;
	struct unit *u = manager_get_unit_by_pid(m, pid);

	if (!u || !u->vtable->notify_message) {
		log_debug("Notification from PID %d which belongs to no unit, ignoring.", (int)pid);
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		return;
	}
	u->vtable->notify_message(u, pid, uid, tags, fds, n_fds);
}

struct unit *
manager_get_unit_by_pid(struct manager *m, pid_t pid)
{
	struct unit *u = hashmap_get(m->watch_pids, (void *)(intptr_t)pid);

	if (u)
		return u;
	/* A process the service forked (NotifyAccess=all): found through its cgroup. */
	return manager_get_unit_by_cgroup_pid(m, pid);
}

struct unit *
manager_get_unit_by_cgroup_pid(struct manager *m, pid_t pid)
{
	pid_t pgid;

	if (cgroup_mode(m) == CGROUP_MODE_UNIFIED)
		return cgroup_unit_by_pid(m, pid);
	/* Without a cgroup tree, services run in their own process group led by the first
	 * process we forked; a child keeps that group unless it calls setsid. */
	pgid = getpgid(pid);

	if (pgid <= 1 || pgid == pid)
		return NULL;
	return hashmap_get(m->watch_pids, (void *)(intptr_t)pgid);
}

struct job *
manager_get_job(struct manager *m, uint32_t id)
{
	return hashmap_get(m->jobs, (void *)(uintptr_t)id);
}

static int
setup_environment(struct manager *m)
{
	extern char **environ;

	if (m->scope == SCOPE_SYSTEM && m->is_pid1) {
		/* PID 1 gets a clean slate, not whatever the kernel left around. */
		m->environment = strv_split("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "\n");
		return m->environment ? 0 : -ENOMEM;
	}
	m->environment = strv_copy(environ);
	if (!m->environment)
		return -ENOMEM;
	/* Our own socket variables must not leak into services as if they were theirs. */
	for (char **e = m->environment; *e;) {
		if (startswith(*e, "NOTIFY_SOCKET=") || startswith(*e, "LISTEN_") ||
		    startswith(*e, "INVOCATION_ID=") || startswith(*e, "WATCHDOG_")) {
			free(*e);
			memmove(e, e + 1, (strv_length(e + 1) + 1) * sizeof(char *));
		} else
			e++;
	}
	return 0;
}

static void
defaults_init(struct manager_defaults *d)
{
	d->timeout_start = 90 * USEC_PER_SEC;
	d->timeout_stop = 90 * USEC_PER_SEC;
	d->timeout_abort = 90 * USEC_PER_SEC;
	d->restart = 100 * USEC_PER_MSEC;
	d->start_limit_interval = 10 * USEC_PER_SEC;
	d->start_limit_burst = 5;
	d->std_output = EXEC_OUTPUT_JOURNAL;
	d->std_error = EXEC_OUTPUT_INHERIT;
}

int
manager_new(enum manager_scope scope, bool test_run, struct manager **ret)
{
	struct manager *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->scope = scope;
	m->test_run = test_run;
	m->is_pid1 = getpid() == 1;
	defaults_init(&m->defaults);
	dual_timestamp_now(&m->startup_timestamp);
	m->units = hashmap_new(HASHMAP_STRING);
	m->jobs = hashmap_new(HASHMAP_POINTER);
	m->watch_pids = hashmap_new(HASHMAP_POINTER);
	if (!m->units || !m->jobs || !m->watch_pids)
		goto oom;
	r = event_new(&m->event);
	if (r < 0)
		goto fail;
	if (event_add_defer(m->event, PRIORITY_LOAD, dispatch_load_queue, m, &m->load_queue_source) < 0 ||
	    event_add_defer(m->event, PRIORITY_RUN, dispatch_run_queue, m, &m->run_queue_source) < 0 ||
	    event_add_defer(m->event, PRIORITY_GC, dispatch_gc_queue, m, &m->gc_queue_source) < 0 ||
	    event_add_defer(m->event, PRIORITY_DBUS, dispatch_dbus_queue, m, &m->dbus_queue_source) < 0 ||
	    event_add_time(m->event, USEC_INFINITY, on_status_timer, m, &m->status_timer) < 0)
		goto oom;
	if (setup_environment(m) < 0)
		goto oom;
	*ret = m;
	return 0;
oom:
	r = -ENOMEM;
fail:
	manager_free(m);
	return r;
}

/* Units made from other configuration, written into the generator folder (lowest
 * priority of the search path) before the unit files are indexed. */
static void
run_generators(struct manager *m)
{
	int r;

	if (m->scope != SCOPE_SYSTEM || m->test_run || !m->lookup.generator)
		return;
	r = fstab_generate("/etc/fstab", m->lookup.generator);
	if (r < 0)
		log_error_errno(r, "Failed to write units for /etc/fstab to %s: %m",
				m->lookup.generator);
}

/* Everything that touches the outside world: signals, directories, sockets, unit index. */
int
manager_setup(struct manager *m)
{
	static const int signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
	int r;

	r = lookup_paths_init(&m->lookup, m->scope, m->unit_path_override,
			      m->test_run ? NULL : m->runtime_dir);
	if (r < 0)
		return log_error_errno(r, "Failed to compute unit search paths: %m");
	run_generators(m);
	r = unit_index_build(&m->lookup, &m->index);
	if (r < 0)
		return log_error_errno(r, "Failed to index unit files: %m");
	if (m->test_run)
		return 0;

	for (size_t i = 0; i < ELEMENTSOF(signals); i++)
		if (event_add_signal(m->event, signals[i], on_signal, m, NULL) < 0)
			return log_error_errno(errno, "Failed to watch signal %d: %m", signals[i]);
	if (m->is_pid1)
		for (int i = 3; i <= 5; i++)
			event_add_signal(m->event, SIGRTMIN + i, on_signal, m, NULL);
	/* Daemons that double-fork are reparented to us, so we can reap and track them. */
	if (!m->is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warning("Cannot become a child subreaper; orphans go to PID 1.");

	r = mkdir_p(m->runtime_dir, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create runtime directory %s: %m", m->runtime_dir);
	r = cgroup_setup(m);
	if (r < 0)
		return log_error_errno(r, "Failed to set up cgroups: %m");
	if (asprintf(&m->notify_socket_path, "%s/notify", m->runtime_dir) < 0)
		return log_oom();
	r = notify_listener_new(m->event, m->notify_socket_path, on_notify, m, &m->notify);
	if (r < 0)
		return log_error_errno(r, "Failed to set up notify socket %s: %m", m->notify_socket_path);
	if (m->is_pid1 && m->scope == SCOPE_SYSTEM) {
		/* sd_booted() and systemctl look for this; libsystemd daemons for the socket. */
		mkdir_p("/run/systemd/system", 0755);
	}
	r = bus_init(m);
	if (r < 0)
		log_warning_errno(r, "Failed to set up the API socket, continuing without: %m");
	/* What the kernel and udev already have: mounted file systems, active swap areas and
	 * plugged devices are units from the start, before anything is started. Mounts and
	 * swap only for PID 1: a debug instance must not unmount the host's file systems
	 * when it stops everything on its way out. */
	if (m->scope == SCOPE_SYSTEM && m->is_pid1) {
		mount_monitor_start(m);
		swap_monitor_start(m);
	}
	if (m->scope == SCOPE_SYSTEM)
		device_monitor_start(m);
	return 0;
}

struct manager *
manager_free(struct manager *m)
{
	struct unit *u;
	const char *k;

	if (!m)
		return NULL;
	bus_done(m);
	m->freeing = true;
	device_monitor_stop(m);
	swap_monitor_stop(m);
	mount_monitor_stop(m);
	/* Forget the queues first: unlinking each unit from them one by one is quadratic. */
	for (struct unit *q = m->load_queue; q; q = q->load_queue_next)
		q->in_load_queue = false;
	for (struct unit *q = m->dbus_unit_queue; q; q = q->dbus_queue_next)
		q->in_dbus_queue = false;
	for (struct unit *q = m->gc_queue; q; q = q->gc_queue_next)
		q->in_gc_queue = false;
	for (struct unit *q = m->unneeded_queue; q; q = q->unneeded_queue_next)
		q->in_stop_when_unneeded_queue = false;
	m->load_queue = m->dbus_unit_queue = m->gc_queue = m->unneeded_queue = NULL;
	/* Collect the canonical units, then free them; each removes all its names. */
	{
		size_t n = 0, cap = hashmap_size(m->units);
		struct unit **all = cap ? calloc(cap, sizeof(*all)) : NULL;

		HASHMAP_FOREACH(k, u, m->units)
			if (all && streq(k, u->id))
				all[n++] = u;
		for (size_t i = 0; i < n; i++)
			unit_free(all[i]);
		free(all);
		/* Without memory for the list, fall back to one at a time. */
		for (size_t it = 0; hashmap_iterate(m->units, &it, (const void **)&k, (void **)&u); it = 0)
			unit_free(u);
	}
	notify_listener_free(m->notify);
	cgroup_teardown(m);
	event_source_free(m->load_queue_source);
	event_source_free(m->run_queue_source);
	event_source_free(m->gc_queue_source);
	event_source_free(m->dbus_queue_source);
	event_source_free(m->status_timer);
	event_free(m->event);
	hashmap_free(m->units);
	hashmap_free(m->jobs);
	hashmap_free(m->watch_pids);
	set_free(m->group_waiters);
	unit_index_free(m->index);
	lookup_paths_done(&m->lookup);
	strv_free(m->environment);
	strv_free(m->defaults.environment);
	for (size_t i = 0; i < RLIM_NLIMITS; i++)
		free(m->defaults.rlimit[i]);
	free(m->runtime_dir);
	free(m->bus_address);
	free(m->unit_path_override);
	free(m->default_unit);
	free(m->notify_socket_path);
	directive_tables_free();
	free(m);
	return NULL;
}

int
manager_startup(struct manager *m)
{
	const char *name = m->default_unit ? m->default_unit : "default.target";
	_cleanup_free_ char *error = NULL;
	struct unit *u;
	enum job_mode mode;
	int r;

	r = manager_load_unit(m, name, &u);
	if (r < 0)
		return log_error_errno(r, "Failed to load default unit %s: %m", name);
	manager_dispatch_load_queue(m);
	if (u->load_state != UNIT_LOADED) {
		log_error("Default unit %s: %s", u->id, u->load_error ? u->load_error : "not loaded");
		return -ENOENT;
	}
	mode = unit_can_isolate(u) ? JOB_ISOLATE : JOB_REPLACE;
	if (m->test_run) {
		r = manager_dry_run_job(m, JOB_START, u, mode, stdout, &error);
		if (r < 0)
			log_error("Failed to compute transaction for %s: %s", u->id, strna(error));
		return r;
	}
	r = manager_add_job(m, JOB_START, u, mode, NULL, &error);
	if (r < 0)
		return log_error_errno(r, "Failed to start default unit %s: %s", u->id, strna(error));
	event_source_set_time(m->status_timer, now(CLOCK_MONOTONIC) + USEC_PER_SEC);
	m->startup_queued = true;
	bus_link_start(m);
	return 0;
}

void
manager_check_finished(struct manager *m)
{
	if (hashmap_size(m->jobs) > 0)
		return;
	/* Mounts and devices found at set-up change state before the first job exists. */
	if (!m->startup_finished && !m->test_run && m->startup_queued) {
		char buf[FORMAT_TIMESPAN_MAX];

		m->startup_finished = true;
		dual_timestamp_now(&m->finish_timestamp);
		log_info("Startup finished in %s.",
			 format_timespan(buf, sizeof(buf),
					 m->finish_timestamp.monotonic - m->startup_timestamp.monotonic,
					 USEC_PER_MSEC));
		bus_send_startup_finished(m);
	}
	if (m->shutdown_pending != MANAGER_OK && m->objective == MANAGER_OK)
		manager_set_objective(m, m->shutdown_pending);
}

void
manager_begin_shutdown(struct manager *m, enum manager_objective objective)
{
	_cleanup_free_ char *e = NULL;

	if (m->shutdown_pending != MANAGER_OK)
		return;
	log_info("Stopping all units before %s.",
		 objective == MANAGER_EXIT ? "exiting" : "shutting down");
	m->shutdown_pending = objective;
	if (manager_add_stop_all(m, &e) < 0)
		log_error("Cannot stop all units in order (%s); going on regardless.", strna(e));
	manager_check_finished(m);
}

int
manager_reload(struct manager *m)
{
	struct unit_index *ix = NULL;
	struct unit *u;
	const char *k;
	int r;

	bus_send_reloading(m, true);
	run_generators(m);
	r = unit_index_build(&m->lookup, &ix);
	if (r < 0) {
		bus_send_reloading(m, false);
		return log_error_errno(r, "Failed to re-index unit files, keeping the old ones: %m");
	}
	unit_index_free(m->index);
	m->index = ix;
	/* Every unit forgets what its files said and reads them again into the same object,
	 * so jobs, processes and states carry over untouched. */
	{
		size_t n = 0, cap = hashmap_size(m->units);
		struct unit **all = calloc(cap ? cap : 1, sizeof(*all));

		if (!all) {
			bus_send_reloading(m, false);
			return log_oom();
		}
		HASHMAP_FOREACH(k, u, m->units)
			if (streq(k, u->id))
				all[n++] = u;
		for (size_t i = 0; i < n; i++)
			unit_reset_config(all[i]);
		for (size_t i = 0; i < n; i++)
			unit_add_to_load_queue(all[i]);
		free(all);
	}
	manager_dispatch_load_queue(m);
	bus_send_reloading(m, false);
	log_info("Reloaded unit files.");
	return 0;
}

void
manager_set_objective(struct manager *m, enum manager_objective o)
{
	m->objective = o;
	event_exit(m->event, 0);
}

enum manager_objective
manager_loop(struct manager *m)
{
	for (;;) {
		int r;

		if (m->objective == MANAGER_RELOAD) {
			m->objective = MANAGER_OK;
			event_clear_exit(m->event);
			manager_reload(m);
		}
		if (m->objective != MANAGER_OK)
			return m->objective;
		event_clear_exit(m->event);
		r = event_run(m->event, USEC_INFINITY);
		if (r < 0) {
			/* PID 1 must not leave its loop; count and carry on. */
			log_error_errno(r, "Event loop iteration failed: %m");
		}
	}
}

void
manager_status_printf(struct manager *m, const char *status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	bool color = isatty(STDOUT_FILENO);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_debug("%s", msg);
	if (!m->show_status)
		return;
	if (!status)
		printf("%s\n", msg);
	else if (color) {
		const char *c = streq(status, "  OK  ") ? "\033[0;32m" :
				streq(status, " *** ") ? "\033[0;31m" : "\033[0;1;31m";
		printf("[%s%s\033[0m] %s\n", c, status, msg);
	} else
		printf("[%s] %s\n", status, msg);
	fflush(stdout);
}

int
manager_set_environment(struct manager *m, char **assignments, char **unset)
{
	STRV_FOREACH(name, unset)
		for (char **e = m->environment; e && *e;) {
			size_t l = strlen(*name);

			if (strneq(*e, *name, l) && (*e)[l] == '=') {
				free(*e);
				memmove(e, e + 1, (strv_length(e + 1) + 1) * sizeof(char *));
			} else
				e++;
		}
	STRV_FOREACH(a, assignments) {
		const char *eq = strchr(*a, '=');
		_cleanup_strv_free_ char **one = NULL;

		if (!eq || eq == *a)
			return -EINVAL;
		one = calloc(2, sizeof(char *));
		if (!one || !(one[0] = strndup(*a, eq - *a)))
			return -ENOMEM;
		manager_set_environment(m, NULL, one);
		if (strv_extend(&m->environment, *a) < 0)
			return -ENOMEM;
	}
	return 0;
}
