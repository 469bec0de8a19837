/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dbus.h"
#include "core/event.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "units/unit-vtable.h"

static const char *const job_type_names[_JOB_TYPE_MAX] = {
	[JOB_START] = "start",
	[JOB_VERIFY_ACTIVE] = "verify-active",
	[JOB_STOP] = "stop",
	[JOB_RELOAD] = "reload",
	[JOB_RESTART] = "restart",
	[JOB_TRY_RESTART] = "try-restart",
	[JOB_RELOAD_OR_START] = "reload-or-start",
	[JOB_TRY_RELOAD] = "try-reload",
	[JOB_NOP] = "nop",
};

static const char *const job_state_names[_JOB_STATE_MAX] = {
	[JOB_WAITING] = "waiting",
	[JOB_RUNNING] = "running",
};

static const char *const job_mode_names[_JOB_MODE_MAX] = {
	[JOB_FAIL] = "fail",
	[JOB_REPLACE] = "replace",
	[JOB_REPLACE_IRREVERSIBLY] = "replace-irreversibly",
	[JOB_ISOLATE] = "isolate",
	[JOB_FLUSH] = "flush",
	[JOB_IGNORE_DEPENDENCIES] = "ignore-dependencies",
	[JOB_IGNORE_REQUIREMENTS] = "ignore-requirements",
};

static const char *const job_result_names[_JOB_RESULT_MAX] = {
	[JOB_DONE] = "done",
	[JOB_CANCELED] = "canceled",
	[JOB_TIMEOUT] = "timeout",
	[JOB_FAILED] = "failed",
	[JOB_DEPENDENCY] = "dependency",
	[JOB_SKIPPED] = "skipped",
	[JOB_INVALID] = "invalid",
	[JOB_ASSERT] = "assert",
	[JOB_UNSUPPORTED] = "unsupported",
	[JOB_COLLECTED] = "collected",
	[JOB_ONCE] = "once",
};

const char *job_type_to_string(enum job_type t)
{ return t >= 0 && t < _JOB_TYPE_MAX ? job_type_names[t] : NULL; }
const char *job_state_to_string(enum job_state s)
{ return s < _JOB_STATE_MAX ? job_state_names[s] : NULL; }
const char *job_mode_to_string(enum job_mode m)
{ return m >= 0 && m < _JOB_MODE_MAX ? job_mode_names[m] : NULL; }
const char *job_result_to_string(enum job_result r)
{ return r < _JOB_RESULT_MAX ? job_result_names[r] : NULL; }

enum job_type
job_type_from_string(const char *s)
{
	for (int i = 0; i < _JOB_TYPE_MAX; i++)
		if (streq(s, job_type_names[i]))
			return i;
	return _JOB_TYPE_INVALID;
}

enum job_mode
job_mode_from_string(const char *s)
{
	for (int i = 0; i < _JOB_MODE_MAX; i++)
		if (streq(s, job_mode_names[i]))
			return i;
	return _JOB_MODE_INVALID;
}

static bool
is_stop_like(enum job_type t)
{
	return t == JOB_STOP || t == JOB_RESTART;
}

/* The merge table of the basic types (after collapsing): what one job doing both wants. */
enum job_type
job_type_merge(enum job_type a, enum job_type b)
{
	if (a == b)
		return a;
	if (a == JOB_NOP)
		return b;
	if (b == JOB_NOP)
		return a;
	if (a > b) {
		enum job_type t = a;
		a = b;
		b = t;
	}
	/* a < b in enum order: START < VERIFY_ACTIVE < STOP < RELOAD < RESTART ... */
	if (a == JOB_START && b == JOB_VERIFY_ACTIVE)
		return JOB_START;
	if (a == JOB_START && b == JOB_RELOAD)
		return JOB_RELOAD_OR_START;
	if (a == JOB_START && b == JOB_RESTART)
		return JOB_RESTART;
	if (a == JOB_VERIFY_ACTIVE && b == JOB_RELOAD)
		return JOB_RELOAD;
	if (a == JOB_VERIFY_ACTIVE && b == JOB_RESTART)
		return JOB_RESTART;
	if (a == JOB_RELOAD && b == JOB_RESTART)
		return JOB_RESTART;
	if (a == JOB_START && b == JOB_RELOAD_OR_START)
		return JOB_RELOAD_OR_START;
	if (a == JOB_RELOAD && b == JOB_RELOAD_OR_START)
		return JOB_RELOAD_OR_START;
	if (a == JOB_RESTART && b == JOB_RELOAD_OR_START)
		return JOB_RESTART;
	/* Anything with STOP conflicts, except STOP itself (handled above). */
	return _JOB_TYPE_INVALID;
}

bool
job_type_is_conflicting(enum job_type a, enum job_type b)
{
	return job_type_merge(a, b) < 0;
}

enum job_type
job_type_collapse(enum job_type t, struct unit *u)
{
	enum unit_active_state s = unit_active_state(u);

	switch (t) {
	case JOB_TRY_RESTART:
		return unit_inactive_or_failed(s) ? JOB_NOP : JOB_RESTART;
	case JOB_TRY_RELOAD:
		return unit_inactive_or_failed(s) ? JOB_NOP : JOB_RELOAD;
	case JOB_RELOAD_OR_START:
		return unit_inactive_or_failed(s) ? JOB_START : JOB_RELOAD;
	default:
		return t;
	}
}

char *
job_dbus_path(const struct job *j)
{
	char *p;

	if (asprintf(&p, "/org/freedesktop/systemd1/job/%u", j->id) < 0)
		return NULL;
	return p;
}

static int
job_timeout(struct event_source *s, usec_t usec, void *userdata)
{
	struct job *j = userdata;

	log_unit_warning(j->unit, "Job %s/%s timed out.", j->unit->id, job_type_to_string(j->type));
	job_finish(j, JOB_TIMEOUT);
	return 0;
}

int
job_install(struct unit *u, enum job_type type, struct job **ret)
{
	struct manager *m = u->manager;
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->manager = m;
	j->unit = u;
	j->type = type;
	j->state = JOB_WAITING;
	j->install_usec = now(CLOCK_MONOTONIC);
	do
		j->id = ++m->current_job_id;
	while (j->id == 0 || hashmap_contains(m->jobs, (void *)(uintptr_t)j->id));
	if (hashmap_put(m->jobs, (void *)(uintptr_t)j->id, j) < 0) {
		free(j);
		return -ENOMEM;
	}
	if (u->job_timeout != USEC_INFINITY &&
	    event_add_time(m->event, now(CLOCK_MONOTONIC) + u->job_timeout, job_timeout, j,
			   &j->timer) < 0)
		log_unit_warning(u, "Cannot arm the job timeout; the job runs without one.");
	u->job = j;
	job_add_to_run_queue(j);
	/* Slow jobs get a live console line; the timer runs while any job exists. */
	if (!event_source_get_enabled(m->status_timer))
		event_source_set_time(m->status_timer, now(CLOCK_MONOTONIC) + USEC_PER_SEC);
	bus_send_job_new(m, j);
	unit_add_to_dbus_queue(u);
	if (ret)
		*ret = j;
	return 0;
}

static void
run_queue_remove(struct job *j)
{
	struct manager *m = j->manager;

	if (!j->in_run_queue)
		return;
	if (j->run_queue_prev)
		j->run_queue_prev->run_queue_next = j->run_queue_next;
	else
		m->run_queue_head = j->run_queue_next;
	if (j->run_queue_next)
		j->run_queue_next->run_queue_prev = j->run_queue_prev;
	else
		m->run_queue_tail = j->run_queue_prev;
	j->run_queue_next = j->run_queue_prev = NULL;
	j->in_run_queue = false;
}

void
job_add_to_run_queue(struct job *j)
{
	struct manager *m = j->manager;

	if (j->in_run_queue)
		return;
	j->in_run_queue = true;
	j->run_queue_prev = m->run_queue_tail;
	j->run_queue_next = NULL;
	if (m->run_queue_tail)
		m->run_queue_tail->run_queue_next = j;
	else
		m->run_queue_head = j;
	m->run_queue_tail = j;
	event_source_set_enabled(m->run_queue_source, true);
}

void
job_wake_ordered(struct unit *u)
{
	struct unit *other;

	SET_FOREACH(other, u->deps[UNIT_BEFORE])
		if (other->job && other->job->state == JOB_WAITING)
			job_add_to_run_queue(other->job);
	SET_FOREACH(other, u->deps[UNIT_AFTER])
		if (other->job && other->job->state == JOB_WAITING)
			job_add_to_run_queue(other->job);
}

/* Must j wait for other (a job on a unit that j's unit is ordered against)?
 * Stop jobs go first; start jobs follow After=, stop jobs go in reverse. */
static bool
job_waits_for(const struct job *j, const struct job *other, bool other_is_before)
{
	bool js = is_stop_like(j->type), os = is_stop_like(other->type);

	if (other->type == JOB_NOP || j->type == JOB_NOP)
		return false;
	if (os && !js)
		return true;
	if (!js && !os)
		return other_is_before;
	if (js && os)
		return !other_is_before;
	return false;
}

static bool
job_is_runnable(const struct job *j)
{
	struct unit *other;

	if (j->ignore_order)
		return true;
	SET_FOREACH(other, j->unit->deps[UNIT_AFTER])
		if (other->job && job_waits_for(j, other->job, true)) {
			log_unit_debug(j->unit, "Job %s/%s waits for %s/%s.", j->unit->id,
				       job_type_to_string(j->type), other->id,
				       job_type_to_string(other->job->type));
			return false;
		}
	SET_FOREACH(other, j->unit->deps[UNIT_BEFORE])
		if (other->job && job_waits_for(j, other->job, false)) {
			log_unit_debug(j->unit, "Job %s/%s waits for %s/%s.", j->unit->id,
				       job_type_to_string(j->type), other->id,
				       job_type_to_string(other->job->type));
			return false;
		}
	return true;
}

/* True if j (identified by id, since it may be freed) is still the unit's job. */
static bool
job_alive(struct unit *u, uint32_t id)
{
	return u->job && u->job->id == id;
}

static void
job_start_running(struct job *j)
{
	j->state = JOB_RUNNING;
	j->begin_usec = now(CLOCK_MONOTONIC);
	j->manager->n_running_jobs++;
	unit_add_to_dbus_queue(j->unit);
}

void
job_run(struct job *j)
{
	struct unit *u = j->unit;
	uint32_t id = j->id;
	int r;

	if (j->state != JOB_WAITING || !job_is_runnable(j))
		return;
	j->type = job_type_collapse(j->type, u);
	job_start_running(j);

	switch (j->type) {
	case JOB_START:
		r = unit_start(u);
		if (!job_alive(u, id))
			return; /* finished synchronously through unit_notify */
		if (r == 1)
			job_finish(j, JOB_DONE);
		else if (r == -EALREADY || r == 0)
			; /* runs until unit_notify sees the unit active */
		else if (r == -EAGAIN) {
			j->state = JOB_WAITING; /* still stopping: retried on the next change */
			j->manager->n_running_jobs--;
		} else if (r == -ECOMM)
			job_finish(j, JOB_DONE);
		else if (r == -EPROTO)
			job_finish(j, JOB_ASSERT);
		else if (r == -EBADR)
			job_finish(j, JOB_UNSUPPORTED);
		else if (r == -ENOEXEC)
			job_finish(j, JOB_INVALID);
		else
			job_finish(j, JOB_FAILED);
		return;
	case JOB_VERIFY_ACTIVE: {
		enum unit_active_state s = unit_active_state(u);

		if (unit_active_or_reloading(s))
			job_finish(j, JOB_DONE);
		else if (s != UNIT_ACTIVATING)
			job_finish(j, JOB_DEPENDENCY);
		return;
	}
	case JOB_STOP:
	case JOB_RESTART:
		r = unit_stop(u);
		if (!job_alive(u, id))
			return;
		if (r == 1) {
			if (j->type == JOB_RESTART) {
				/* Nothing to stop: go straight to the start half. */
				j->type = JOB_START;
				j->state = JOB_WAITING;
				j->manager->n_running_jobs--;
				job_add_to_run_queue(j);
			} else
				job_finish(j, JOB_DONE);
		} else if (r < 0 && r != -EALREADY)
			job_finish(j, r == -EBADR ? JOB_UNSUPPORTED : JOB_FAILED);
		return;
	case JOB_RELOAD:
		r = unit_reload(u);
		if (!job_alive(u, id))
			return;
		if (r == -ENOEXEC || r == -EBADR)
			job_finish(j, JOB_INVALID);
		else if (r < 0 && r != -EALREADY)
			job_finish(j, JOB_FAILED);
		return;
	default:
		job_finish(j, JOB_DONE);
		return;
	}
}

static void
print_status(struct job *j, enum job_result result)
{
	struct manager *m = j->manager;
	struct unit *u = j->unit;
	const char *d = u->description ? u->description : u->id;
	bool start = j->type == JOB_START || j->type == JOB_RESTART || j->type == JOB_VERIFY_ACTIVE;

	if (j->type == JOB_STOP) {
		if (result == JOB_DONE && u->type != UNIT_TARGET)
			manager_status_printf(m, "  OK  ", "Stopped %s - %s.", u->id, d);
		else if (result == JOB_FAILED || result == JOB_TIMEOUT)
			manager_status_printf(m, "FAILED", "Failed to stop %s - %s.", u->id, d);
		return;
	}
	if (!start)
		return;
	switch (result) {
	case JOB_DONE:
		if (!unit_active_or_reloading(unit_active_state(u)) ||
		    u->active_enter_timestamp.monotonic < j->install_usec)
			break; /* a condition was not met, or it was up already: nothing started */
		if (u->type == UNIT_TARGET)
			manager_status_printf(m, "  OK  ", "Reached target %s - %s.", u->id, d);
		else
			manager_status_printf(m, "  OK  ", "Started %s - %s.", u->id, d);
		break;
	case JOB_FAILED:
		manager_status_printf(m, "FAILED", "Failed to start %s - %s.", u->id, d);
		manager_status_printf(m, NULL, "See 'emberctl status %s' for details.", u->id);
		break;
	case JOB_DEPENDENCY:
		manager_status_printf(m, "DEPEND", "Dependency failed for %s - %s.", u->id, d);
		break;
	case JOB_TIMEOUT:
		manager_status_printf(m, " TIME ", "Timed out starting %s - %s.", u->id, d);
		break;
	case JOB_ASSERT:
		manager_status_printf(m, "ASSERT", "Assertion failed for %s - %s.", u->id, d);
		break;
	default:
		break;
	}
}

void
job_finish(struct job *j, enum job_result result)
{
	struct manager *m = j->manager;
	struct unit *u = j->unit, *other;
	bool start_like = !is_stop_like(j->type) && j->type != JOB_NOP;

	log_unit_debug(u, "Job %u %s/%s finished, result=%s", j->id, u->id,
		       job_type_to_string(j->type), job_result_to_string(result));
	if (u->job == j)
		u->job = NULL;
	hashmap_remove(m->jobs, (void *)(uintptr_t)j->id);
	run_queue_remove(j);
	if (j->state == JOB_RUNNING && m->n_running_jobs > 0)
		m->n_running_jobs--;
	j->timer = event_source_free(j->timer);
	print_status(j, result);
	bus_send_job_removed(m, j, result);

	/* A start that did not happen fails the starts that required it. */
	if (start_like && result != JOB_DONE && result != JOB_CANCELED) {
		static const enum unit_dependency required_by[] = {
			UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_REQUISITE_OF,
		};

		for (size_t i = 0; i < ELEMENTSOF(required_by); i++)
			SET_FOREACH(other, u->deps[required_by[i]])
				if (other->job && !is_stop_like(other->job->type) &&
				    other->job->type != JOB_NOP)
					job_finish(other->job, JOB_DEPENDENCY);
	}
	job_wake_ordered(u);
	free(j);
	/* A socket that started u hears that the job is over too: a start that failed without
	 * changing u's state (start limit, condition) must not leave it waiting. */
	SET_FOREACH(other, u->deps[UNIT_TRIGGERED_BY])
		if (other->vtable->trigger_notify)
			other->vtable->trigger_notify(other, u);
	unit_add_to_dbus_queue(u);
	unit_add_to_gc_queue(u);
	manager_check_finished(m);
}

void
job_print_slow_status(struct job *j, usec_t now_usec)
{
	char a[FORMAT_TIMESPAN_MAX], b[FORMAT_TIMESPAN_MAX];
	struct unit *u = j->unit;

	if (j->state != JOB_RUNNING || now_usec < j->begin_usec + 5 * USEC_PER_SEC)
		return;
	format_timespan(a, sizeof(a), now_usec - j->begin_usec, USEC_PER_SEC);
	if (u->job_timeout != USEC_INFINITY)
		format_timespan(b, sizeof(b), u->job_timeout, USEC_PER_SEC);
	else
		snprintf(b, sizeof(b), "no limit");
	manager_status_printf(j->manager, " *** ", "A %s job is running for %s (%s / %s)",
			      job_type_to_string(j->type),
			      u->description ? u->description : u->id, a, b);
}
