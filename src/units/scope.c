/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup.h"
#include "core/event.h"
#include "core/exec.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "units/scope.h"
#include "units/unit-vtable.h"

/* A scope groups processes that the manager did not start (a login session, a command run
 * with `systemd-run --scope`) in a cgroup of their own, so that they can be limited,
 * listed and killed like a service's. Scopes exist only through StartTransientUnit: the
 * caller names the PIDs, the scope adopts them at start and is done when its cgroup runs
 * empty. */

enum scope_state {
	SCOPE_DEAD,
	SCOPE_RUNNING,
	SCOPE_STOP_SIGTERM,
	SCOPE_STOP_SIGKILL,
	SCOPE_FAILED,
	_SCOPE_STATE_MAX,
};

enum scope_result {
	SCOPE_SUCCESS,
	SCOPE_FAILURE_RESOURCES,
	SCOPE_FAILURE_TIMEOUT,
	_SCOPE_RESULT_MAX,
};

struct scope {
	struct unit meta;
	enum scope_state state;
	enum scope_result result;
	pid_t *pids;           /* to adopt at start (transient property PIDs) */
	size_t n_pids;
	usec_t timeout_stop_usec;
	struct kill_context kill_context;
	struct event_source *timer;
};

#define SCOPE(u) ((struct scope *)(u))

static const char *const state_names[_SCOPE_STATE_MAX] = {
	[SCOPE_DEAD] = "dead",
	[SCOPE_RUNNING] = "running",
	[SCOPE_STOP_SIGTERM] = "stop-sigterm",
	[SCOPE_STOP_SIGKILL] = "stop-sigkill",
	[SCOPE_FAILED] = "failed",
};

static const enum unit_active_state state_map[_SCOPE_STATE_MAX] = {
	[SCOPE_DEAD] = UNIT_INACTIVE,
	[SCOPE_RUNNING] = UNIT_ACTIVE,
	[SCOPE_STOP_SIGTERM] = UNIT_DEACTIVATING,
	[SCOPE_STOP_SIGKILL] = UNIT_DEACTIVATING,
	[SCOPE_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_SCOPE_RESULT_MAX] = {
	[SCOPE_SUCCESS] = "success",
	[SCOPE_FAILURE_RESOURCES] = "resources",
	[SCOPE_FAILURE_TIMEOUT] = "timeout",
};

static int on_timer(struct event_source *src, usec_t usec, void *userdata);

static void
scope_set_state(struct scope *s, enum scope_state st)
{
	enum scope_state old = s->state;
	struct unit *u = UNIT(s);

	s->state = st;
	if (st == SCOPE_STOP_SIGTERM || st == SCOPE_STOP_SIGKILL) {
		usec_t when = s->timeout_stop_usec == USEC_INFINITY ? USEC_INFINITY :
			      now(CLOCK_MONOTONIC) + s->timeout_stop_usec;

		if (s->timer)
			event_source_set_time(s->timer, when);
		else if (when != USEC_INFINITY)
			(void)event_add_time(u->manager->event, when, on_timer, s, &s->timer);
	} else if (s->timer)
		event_source_set_enabled(s->timer, false);
	if (old != st)
		unit_notify(u, state_map[old], state_map[st], true);
}

static void
enter_dead(struct scope *s, enum scope_result f)
{
	if (f != SCOPE_SUCCESS && s->result == SCOPE_SUCCESS)
		s->result = f;
	scope_set_state(s, s->result == SCOPE_SUCCESS ? SCOPE_DEAD : SCOPE_FAILED);
}

static void
enter_signal(struct scope *s, enum scope_state st, enum scope_result f)
{
	struct unit *u = UNIT(s);
	int sig = st == SCOPE_STOP_SIGTERM ? s->kill_context.kill_signal :
					     s->kill_context.final_kill_signal;

	if (f != SCOPE_SUCCESS && s->result == SCOPE_SUCCESS)
		s->result = f;
	if (s->kill_context.kill_mode != KILL_NONE &&
	    (st == SCOPE_STOP_SIGTERM || s->kill_context.send_sigkill) &&
	    unit_cgroup_populated(u) > 0 && unit_cgroup_kill(u, sig) >= 0) {
		if (st == SCOPE_STOP_SIGTERM && s->kill_context.send_sighup)
			(void)unit_cgroup_kill(u, SIGHUP);
		scope_set_state(s, st);
		return;
	}
	enter_dead(s, SCOPE_SUCCESS);
}

static int
on_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct scope *s = userdata;

	if (s->state == SCOPE_STOP_SIGTERM) {
		unit_log_event(UNIT(s), LOG_WARNING, "Stopping timed out. Killing.");
		enter_signal(s, SCOPE_STOP_SIGKILL, SCOPE_FAILURE_TIMEOUT);
	} else if (s->state == SCOPE_STOP_SIGKILL) {
		unit_log_event(UNIT(s), LOG_WARNING, "Still around after SIGKILL. Ignoring.");
		enter_dead(s, SCOPE_FAILURE_TIMEOUT);
	}
	return 0;
}

int
scope_add_pid(struct unit *u, pid_t pid)
{
	struct scope *s = SCOPE(u);
	pid_t *t;

	if (pid <= 0)
		return -EINVAL;
	t = realloc(s->pids, (s->n_pids + 1) * sizeof(pid_t));
	if (!t)
		return -ENOMEM;
	s->pids = t;
	s->pids[s->n_pids++] = pid;
	return 0;
}

static int
scope_load(struct unit *u)
{
	int r;

	if (!u->transient) {
		unit_set_load_error(u, UNIT_BAD_SETTING, ENOEXEC,
				    "Scope units are created with StartTransientUnit, not from files.");
		return -ENOEXEC;
	}
	if (!u->default_dependencies)
		return 0;
	r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
	return r == -ENOMEM ? r : 0;
}

static int
scope_start(struct unit *u)
{
	struct scope *s = SCOPE(u);
	char pid[32];
	size_t moved = 0;
	int r;

	if (s->state != SCOPE_DEAD && s->state != SCOPE_FAILED)
		return -EALREADY;
	s->result = SCOPE_SUCCESS;
	r = unit_cgroup_realize(u);
	if (r < 0 || !u->cgroup_path) {
		unit_log_event(u, LOG_ERR, "A scope needs a cgroup: %s",
			       r < 0 ? strerror(-r) : strna(cgroup_fallback_reason(u->manager)));
		enter_dead(s, SCOPE_FAILURE_RESOURCES);
		return -ECANCELED;
	}
	for (size_t i = 0; i < s->n_pids; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)s->pids[i]);
		r = unit_cgroup_write(u, "cgroup.procs", pid);
		if (r < 0)
			unit_log_event(u, LOG_WARNING, "Cannot move PID %s into the scope: %s", pid,
				       strerror(-r));
		else
			moved++;
	}
	s->pids = mfree(s->pids);
	s->n_pids = 0;
	if (moved == 0) {
		unit_log_event(u, LOG_ERR, "No process to put in the scope.");
		enter_dead(s, SCOPE_FAILURE_RESOURCES);
		unit_cgroup_prune(u);
		return -ECANCELED;
	}
	scope_set_state(s, SCOPE_RUNNING);
	return 0;
}

static int
scope_stop(struct unit *u)
{
	struct scope *s = SCOPE(u);

	if (s->state != SCOPE_RUNNING)
		return -EALREADY;
	enter_signal(s, SCOPE_STOP_SIGTERM, SCOPE_SUCCESS);
	return 0;
}

/* pid 0: the cgroup may have run empty (cgroup.c's inotify watch). */
static void
scope_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct scope *s = SCOPE(u);

	if (pid != 0 || unit_cgroup_populated(u) != 0)
		return;
	if (s->state == SCOPE_RUNNING || s->state == SCOPE_STOP_SIGTERM ||
	    s->state == SCOPE_STOP_SIGKILL)
		enter_dead(s, SCOPE_SUCCESS);
}

static int
scope_kill(struct unit *u, const char *whom, int sig, char **error)
{
	int r = unit_cgroup_kill(u, sig);

	if (r < 0) {
		*error = strdup(strerror(-r));
		return r;
	}
	return 0;
}

static void
scope_init(struct unit *u)
{
	struct scope *s = SCOPE(u);

	kill_context_init(&s->kill_context);
	s->timeout_stop_usec = u->manager->defaults.timeout_stop;
	u->ephemeral = true; /* no file brings it back: it goes when done */
}

static void
scope_done(struct unit *u)
{
	struct scope *s = SCOPE(u);

	s->pids = mfree(s->pids);
	s->timer = event_source_free(s->timer);
}

static void
scope_reset_failed(struct unit *u)
{
	struct scope *s = SCOPE(u);

	if (s->state == SCOPE_FAILED)
		scope_set_state(s, SCOPE_DEAD);
	s->result = SCOPE_SUCCESS;
}

static enum unit_active_state
scope_active_state(const struct unit *u)
{
	return state_map[SCOPE(u)->state];
}

static const char *
scope_sub_state(const struct unit *u)
{
	return state_names[SCOPE(u)->state];
}

static const char *
scope_result(const struct unit *u)
{
	return result_names[SCOPE(u)->result];
}

static bool
scope_may_gc(struct unit *u)
{
	return unit_cgroup_populated(u) <= 0;
}

const struct unit_vtable scope_vtable = {
	.object_size = sizeof(struct scope),
	.section = "Scope",
	.can_fragment_be_missing = true,
	.has_cgroup = true,
	.kill_context_offset = offsetof(struct scope, kill_context),
	.init = scope_init,
	.done = scope_done,
	.load = scope_load,
	.start = scope_start,
	.stop = scope_stop,
	.kill = scope_kill,
	.reset_failed = scope_reset_failed,
	.sigchld = scope_sigchld,
	.active_state = scope_active_state,
	.sub_state_to_string = scope_sub_state,
	.result = scope_result,
	.may_gc = scope_may_gc,
};
