/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/dbus.h"
#include "core/event.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "core/unit-index.h"
#include "core/cgroup-config.h"
#include "core/cgroup.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "specifier.h"
#include "strv.h"
#include "units/unit-vtable.h"

static const char *const load_state_names[_UNIT_LOAD_STATE_MAX] = {
	[UNIT_STUB] = "stub",           [UNIT_LOADED] = "loaded",
	[UNIT_NOT_FOUND] = "not-found", [UNIT_BAD_SETTING] = "bad-setting",
	[UNIT_ERROR] = "error",         [UNIT_MASKED] = "masked",
};

static const char *const active_state_names[_UNIT_ACTIVE_STATE_MAX] = {
	[UNIT_ACTIVE] = "active",         [UNIT_RELOADING] = "reloading",
	[UNIT_INACTIVE] = "inactive",     [UNIT_FAILED] = "failed",
	[UNIT_ACTIVATING] = "activating", [UNIT_DEACTIVATING] = "deactivating",
};

static const char *const dependency_names[_UNIT_DEPENDENCY_MAX] = {
	[UNIT_REQUIRES] = "Requires",
	[UNIT_REQUISITE] = "Requisite",
	[UNIT_WANTS] = "Wants",
	[UNIT_BINDS_TO] = "BindsTo",
	[UNIT_PART_OF] = "PartOf",
	[UNIT_UPHOLDS] = "Upholds",
	[UNIT_REQUIRED_BY] = "RequiredBy",
	[UNIT_REQUISITE_OF] = "RequisiteOf",
	[UNIT_WANTED_BY] = "WantedBy",
	[UNIT_BOUND_BY] = "BoundBy",
	[UNIT_CONSISTS_OF] = "ConsistsOf",
	[UNIT_UPHELD_BY] = "UpheldBy",
	[UNIT_CONFLICTS] = "Conflicts",
	[UNIT_CONFLICTED_BY] = "ConflictedBy",
	[UNIT_BEFORE] = "Before",
	[UNIT_AFTER] = "After",
	[UNIT_ON_SUCCESS] = "OnSuccess",
	[UNIT_ON_SUCCESS_OF] = "OnSuccessOf",
	[UNIT_ON_FAILURE] = "OnFailure",
	[UNIT_ON_FAILURE_OF] = "OnFailureOf",
	[UNIT_TRIGGERS] = "Triggers",
	[UNIT_TRIGGERED_BY] = "TriggeredBy",
	[UNIT_PROPAGATES_RELOAD_TO] = "PropagatesReloadTo",
	[UNIT_RELOAD_PROPAGATED_FROM] = "ReloadPropagatedFrom",
	[UNIT_IN_SLICE] = "InSlice",
	[UNIT_SLICE_OF] = "SliceOf",
	[UNIT_REFERENCES] = "References",
	[UNIT_REFERENCED_BY] = "ReferencedBy",
};

static const enum unit_dependency inverse[_UNIT_DEPENDENCY_MAX] = {
	[UNIT_REQUIRES] = UNIT_REQUIRED_BY,
	[UNIT_REQUISITE] = UNIT_REQUISITE_OF,
	[UNIT_WANTS] = UNIT_WANTED_BY,
	[UNIT_BINDS_TO] = UNIT_BOUND_BY,
	[UNIT_PART_OF] = UNIT_CONSISTS_OF,
	[UNIT_UPHOLDS] = UNIT_UPHELD_BY,
	[UNIT_REQUIRED_BY] = UNIT_REQUIRES,
	[UNIT_REQUISITE_OF] = UNIT_REQUISITE,
	[UNIT_WANTED_BY] = UNIT_WANTS,
	[UNIT_BOUND_BY] = UNIT_BINDS_TO,
	[UNIT_CONSISTS_OF] = UNIT_PART_OF,
	[UNIT_UPHELD_BY] = UNIT_UPHOLDS,
	[UNIT_CONFLICTS] = UNIT_CONFLICTED_BY,
	[UNIT_CONFLICTED_BY] = UNIT_CONFLICTS,
	[UNIT_BEFORE] = UNIT_AFTER,
	[UNIT_AFTER] = UNIT_BEFORE,
	[UNIT_ON_SUCCESS] = UNIT_ON_SUCCESS_OF,
	[UNIT_ON_SUCCESS_OF] = UNIT_ON_SUCCESS,
	[UNIT_ON_FAILURE] = UNIT_ON_FAILURE_OF,
	[UNIT_ON_FAILURE_OF] = UNIT_ON_FAILURE,
	[UNIT_TRIGGERS] = UNIT_TRIGGERED_BY,
	[UNIT_TRIGGERED_BY] = UNIT_TRIGGERS,
	[UNIT_PROPAGATES_RELOAD_TO] = UNIT_RELOAD_PROPAGATED_FROM,
	[UNIT_RELOAD_PROPAGATED_FROM] = UNIT_PROPAGATES_RELOAD_TO,
	[UNIT_IN_SLICE] = UNIT_SLICE_OF,
	[UNIT_SLICE_OF] = UNIT_IN_SLICE,
	[UNIT_REFERENCES] = UNIT_REFERENCED_BY,
	[UNIT_REFERENCED_BY] = UNIT_REFERENCES,
};

const char *unit_load_state_to_string(enum unit_load_state s)
{ return s < _UNIT_LOAD_STATE_MAX ? load_state_names[s] : NULL; }
const char *unit_active_state_to_string(enum unit_active_state s)
{ return s < _UNIT_ACTIVE_STATE_MAX ? active_state_names[s] : NULL; }
const char *unit_dependency_to_string(enum unit_dependency d)
{ return d >= 0 && d < _UNIT_DEPENDENCY_MAX ? dependency_names[d] : NULL; }
enum unit_dependency unit_dependency_inverse(enum unit_dependency d) { return inverse[d]; }

enum unit_load_state
unit_load_state_from_string(const char *s)
{
	for (int i = 0; i < _UNIT_LOAD_STATE_MAX; i++)
		if (streq(s, load_state_names[i]))
			return i;
	return -EINVAL;
}

enum unit_active_state
unit_active_state_from_string(const char *s)
{
	for (int i = 0; i < _UNIT_ACTIVE_STATE_MAX; i++)
		if (streq(s, active_state_names[i]))
			return i;
	return -EINVAL;
}

enum unit_dependency
unit_dependency_from_string(const char *s)
{
	for (int i = 0; i < _UNIT_DEPENDENCY_MAX; i++)
		if (streq(s, dependency_names[i]))
			return i;
	return _UNIT_DEPENDENCY_INVALID;
}

void
dual_timestamp_now(struct dual_timestamp *ts)
{
	ts->realtime = now(CLOCK_REALTIME);
	ts->monotonic = now(CLOCK_MONOTONIC);
}

bool
ratelimit_below(struct ratelimit *r)
{
	usec_t n;

	if (r->interval == 0 || r->burst == 0)
		return true;
	n = now(CLOCK_MONOTONIC);
	if (r->begin == 0 || r->begin + r->interval < n) {
		r->begin = n;
		r->num = 0;
	}
	return ++r->num <= r->burst;
}

struct unit *
unit_new(struct manager *m, enum unit_type type, const char *name)
{
	const struct unit_vtable *vt = unit_vtables[type];
	struct unit *u;

	if (!vt)
		return NULL;
	u = calloc(1, vt->object_size);
	if (!u)
		return NULL;
	u->manager = m;
	u->vtable = vt;
	u->type = type;
	u->id = strdup(name);
	if (!u->id || unit_name_to_instance(name, &u->instance) < 0) {
		free(u->id);
		free(u);
		return NULL;
	}
	u->load_state = UNIT_STUB;
	u->default_dependencies = true;
	u->job_timeout = USEC_INFINITY;
	u->start_limit.interval = m->defaults.start_limit_interval;
	u->start_limit.burst = m->defaults.start_limit_burst;
	u->last_active_state = UNIT_INACTIVE;
	u->condition_result = true;
	u->assert_result = true;
	if (hashmap_put(m->units, u->id, u) < 0) {
		free(u->instance);
		free(u->id);
		free(u);
		return NULL;
	}
	if (vt->init)
		vt->init(u);
	return u;
}

int
unit_add_name(struct unit *u, const char *name)
{
	struct unit *other = hashmap_get(u->manager->units, name);
	char *copy;

	if (other == u)
		return 0;
	if (other)
		return -EEXIST;
	copy = strdup(name);
	if (!copy || strv_consume(&u->aliases, copy) < 0)
		return -ENOMEM;
	return hashmap_put(u->manager->units, u->aliases[strv_length(u->aliases) - 1], u) < 0 ?
		       -ENOMEM : 0;
}

/* Removes every edge touching u, in both directions. */
static void
unit_clear_dependencies(struct unit *u)
{
	for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
		struct unit *other;

		SET_FOREACH(other, u->deps[d]) {
			set_remove(&other->deps[inverse[d]], u);
			/* The other side may now be collectable. */
			if (!u->manager->freeing)
				unit_add_to_gc_queue(other);
		}
		u->deps[d] = set_free(u->deps[d]);
	}
}

void
unit_reset_dependencies(struct unit *u)
{
	unit_clear_dependencies(u);
}

void
unit_reset_config(struct unit *u)
{
	struct manager *m = u->manager;

	unit_clear_dependencies(u);
	u->description = mfree(u->description);
	u->documentation = strv_free(u->documentation);
	u->fragment_path = mfree(u->fragment_path);
	u->dropin_paths = strv_free(u->dropin_paths);
	u->source_path = mfree(u->source_path);
	u->load_error = mfree(u->load_error);
	u->load_errno = 0;
	u->conditions = condition_free_list(u->conditions);
	u->asserts = condition_free_list(u->asserts);
	u->default_dependencies = true;
	u->stop_when_unneeded = u->refuse_manual_start = u->refuse_manual_stop = false;
	u->allow_isolate = u->ignore_on_isolate = false;
	u->job_timeout = USEC_INFINITY;
	u->start_limit.interval = m->defaults.start_limit_interval;
	u->start_limit.burst = m->defaults.start_limit_burst;
	u->success_action = u->failure_action = u->start_limit_action = 0;
	u->cgroup_context = cgroup_context_free(u->cgroup_context);
	if (u->vtable->reset_config)
		u->vtable->reset_config(u);
	u->load_state = UNIT_STUB;
}

/* Unlinks u from an intrusive queue. */
#define QUEUE_REMOVE(head, u, field, flag) do {                                 \
		if ((u)->flag) {                                                \
			struct unit **_pp = &(head);                            \
			while (*_pp && *_pp != (u))                             \
				_pp = &(*_pp)->field;                           \
			if (*_pp)                                               \
				*_pp = (u)->field;                              \
			(u)->flag = false;                                      \
		}                                                               \
	} while (0)

void
unit_free(struct unit *u)
{
	struct manager *m;

	if (!u)
		return;
	m = u->manager;
	if (u->vtable->done)
		u->vtable->done(u);
	if (u->job)
		job_finish(u->job, JOB_CANCELED);
	unit_clear_dependencies(u);
	QUEUE_REMOVE(m->load_queue, u, load_queue_next, in_load_queue);
	QUEUE_REMOVE(m->dbus_unit_queue, u, dbus_queue_next, in_dbus_queue);
	QUEUE_REMOVE(m->gc_queue, u, gc_queue_next, in_gc_queue);
	QUEUE_REMOVE(m->unneeded_queue, u, unneeded_queue_next, in_stop_when_unneeded_queue);
	{
		/* Drop pid watches pointing here (rare: only if freed while processes live). */
		const void *k;
		struct unit *v;
		void *stale[16];
		size_t n = 0;

		do {
			n = 0;
			HASHMAP_FOREACH(k, v, m->watch_pids)
				if (v == u && n < ELEMENTSOF(stale))
					stale[n++] = (void *)k;
			for (size_t i = 0; i < n; i++)
				hashmap_remove(m->watch_pids, stale[i]);
		} while (n == ELEMENTSOF(stale));
	}
	hashmap_remove(m->units, u->id);
	STRV_FOREACH(a, u->aliases)
		if (hashmap_get(m->units, *a) == u)
			hashmap_remove(m->units, *a);
	strv_free(u->aliases);
	free(u->id);
	free(u->instance);
	free(u->description);
	strv_free(u->documentation);
	free(u->fragment_path);
	strv_free(u->dropin_paths);
	free(u->source_path);
	free(u->load_error);
	condition_free_list(u->conditions);
	condition_free_list(u->asserts);
	unit_cgroup_forget(u);
	cgroup_context_free(u->cgroup_context);
	unit_log_free(u->log);
	free(u->invocation_id);
	free(u);
}

struct unit *
manager_get_unit(struct manager *m, const char *name)
{
	return hashmap_get(m->units, name);
}

/* The canonical name for name: follows alias symlinks, also for template instances
 * (foo@x.service where foo@.service links to bar@.service becomes bar@x.service). */
static int
canonical_name(struct manager *m, const char *name, char **ret)
{
	const char *t = unit_index_alias_target(m->index, name);
	_cleanup_free_ char *tmpl = NULL, *inst = NULL;

	*ret = NULL;
	if (t)
		return (*ret = strdup(t)) ? 1 : -ENOMEM;
	if (unit_name_to_instance(name, &inst) <= 0)
		return 0;
	if (unit_index_find(m->index, name, NULL))
		return 0; /* a file for the instance itself wins over the template's alias */
	if (unit_name_template(name, &tmpl) < 0)
		return 0;
	t = unit_index_alias_target(m->index, tmpl);
	if (!t)
		return 0;
	return unit_name_replace_instance(t, inst, ret) < 0 ? -ENOMEM : 1;
}

int
manager_load_unit(struct manager *m, const char *name, struct unit **ret)
{
	_cleanup_free_ char *canon = NULL;
	struct unit *u;
	enum unit_type t;
	int r;

	u = hashmap_get(m->units, name);
	if (u) {
		if (ret)
			*ret = u;
		return 0;
	}
	if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
		return -EINVAL;
	t = unit_name_to_type(name);
	if (t < 0 || !unit_vtables[t])
		return -EOPNOTSUPP;
	r = canonical_name(m, name, &canon);
	if (r < 0)
		return r;
	if (r > 0 && !streq(canon, name) && unit_name_to_type(canon) == t) {
		r = manager_load_unit(m, canon, &u);
		if (r < 0)
			return r;
		r = unit_add_name(u, name);
		if (r < 0 && r != -EEXIST)
			return r;
		if (ret)
			*ret = u;
		return 0;
	}
	u = unit_new(m, t, name);
	if (!u)
		return -ENOMEM;
	unit_add_to_load_queue(u);
	if (ret)
		*ret = u;
	return 0;
}

int
unit_add_dependency(struct unit *u, enum unit_dependency d, struct unit *other,
		    bool add_reference)
{
	int r;

	if (u == other)
		return 0; /* self-dependencies are meaningless; ignore as systemd does */
	r = set_ensure_put(&u->deps[d], other);
	if (r < 0)
		return r;
	/* Every edge keeps both ends from being collected (unit_may_gc looks at all sets), so
	 * no separate References= sets are stored: they doubled the memory of the graph. */
	return set_ensure_put(&other->deps[inverse[d]], u);
}

int
unit_add_dependency_by_name(struct unit *u, enum unit_dependency d, const char *name,
			    bool add_reference)
{
	struct unit *other;
	int r = manager_load_unit(u->manager, name, &other);

	if (r < 0)
		return r;
	return unit_add_dependency(u, d, other, add_reference);
}

int
unit_add_two_dependencies_by_name(struct unit *u, enum unit_dependency a, enum unit_dependency b,
				  const char *name)
{
	struct unit *other;
	int r = manager_load_unit(u->manager, name, &other);

	if (r < 0)
		return r;
	r = unit_add_dependency(u, a, other, true);
	if (r < 0)
		return r;
	return unit_add_dependency(u, b, other, true);
}

bool
unit_has_dependency(const struct unit *u, enum unit_dependency d, const struct unit *other)
{
	return set_contains(u->deps[d], other);
}

enum unit_active_state
unit_active_state(const struct unit *u)
{
	return u->vtable->active_state ? u->vtable->active_state(u) : UNIT_INACTIVE;
}

const char *
unit_sub_state_to_string(const struct unit *u)
{
	return u->vtable->sub_state_to_string ? u->vtable->sub_state_to_string(u) : "dead";
}

bool
unit_can_start(const struct unit *u)
{
	return u->load_state == UNIT_LOADED && u->vtable->start;
}

bool
unit_can_stop(const struct unit *u)
{
	return u->vtable->stop && !u->perpetual;
}

bool
unit_can_reload(const struct unit *u)
{
	if (!u->vtable->reload)
		return false;
	return !u->vtable->can_reload || u->vtable->can_reload(u);
}

bool
unit_can_isolate(const struct unit *u)
{
	return unit_can_start(u) && u->allow_isolate;
}

bool
unit_test_conditions(struct unit *u)
{
	dual_timestamp_now(&u->condition_timestamp);
	u->condition_result = condition_test_list(u->conditions, u->manager->environment);
	unit_add_to_dbus_queue(u);
	return u->condition_result;
}

bool
unit_test_asserts(struct unit *u)
{
	u->assert_result = condition_test_list(u->asserts, u->manager->environment);
	return u->assert_result;
}

static void
log_failed_conditions(struct unit *u, struct condition *list, const char *what)
{
	for (struct condition *c = list; c; c = c->next)
		if (c->result == CONDITION_FAILED && !c->trigger)
			log_unit_info(u, "%s%s=%s%s was not met.", what,
				      condition_type_to_string(c->type), c->negate ? "!" : "",
				      c->parameter);
}

/* The kernel's "8-4-4-4-12" UUID without its dashes, into s (33 bytes). */
static bool
invocation_id_from_proc(char *s)
{
	int fd = open("/proc/sys/kernel/random/uuid", O_RDONLY | O_CLOEXEC);
	char buf[40];
	ssize_t n = fd >= 0 ? read(fd, buf, 36) : -1;
	size_t k = 0;

	safe_close(fd);
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36 && k < 32; i++)
		if (buf[i] != '-')
			s[k++] = buf[i];
	s[32] = 0;
	return true;
}

/* A random UUID (version 4) as 32 hex digits. One getrandom() per start: an Accept=yes
 * socket starts a unit per connection. It fails only before the kernel's random pool is
 * ready (early boot); then the kernel's procfs UUID, or at worst the clock, serve. */
static void
new_invocation_id(struct unit *u)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	char *s = malloc(33);

	if (!s)
		return;
	if (getrandom(b, sizeof(b), GRND_NONBLOCK) == (ssize_t)sizeof(b)) {
		b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
		b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
		for (size_t i = 0; i < 16; i++) {
			s[2 * i] = hex[b[i] >> 4];
			s[2 * i + 1] = hex[b[i] & 15];
		}
		s[32] = 0;
	} else if (!invocation_id_from_proc(s)) {
		usec_t t = now(CLOCK_MONOTONIC) ^ (usec_t)(uintptr_t)u;
		for (size_t i = 0; i < 16; i++)
			b[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)i;
		for (size_t i = 0; i < 16; i++)
			sprintf(s + 2 * i, "%02x", b[i]);
	}
	free(u->invocation_id);
	u->invocation_id = s;
}

bool
unit_test_start_limit(struct unit *u)
{
	if (ratelimit_below(&u->start_limit))
		return true;
	log_unit_warning(u, "Start request repeated too quickly.");
	if (u->start_limit_action != MANAGER_OK)
		manager_begin_shutdown(u->manager, u->start_limit_action);
	return false;
}

int
unit_start(struct unit *u)
{
	enum unit_active_state s;

	if (u->load_state != UNIT_LOADED)
		return -ENOEXEC;
	if (!u->vtable->start)
		return -EBADR;
	s = unit_active_state(u);
	if (unit_active_or_reloading(s))
		return 1;
	if (s == UNIT_ACTIVATING)
		return -EALREADY;
	if (s == UNIT_DEACTIVATING)
		return -EAGAIN;
	if (!unit_test_conditions(u)) {
		log_failed_conditions(u, u->conditions, "Condition");
		return -ECOMM;
	}
	if (!unit_test_asserts(u)) {
		log_failed_conditions(u, u->asserts, "Assertion ");
		return -EPROTO;
	}
	new_invocation_id(u);
	return u->vtable->start(u);
}

int
unit_stop(struct unit *u)
{
	enum unit_active_state s = unit_active_state(u);

	if (unit_inactive_or_failed(s))
		return 1;
	if (!u->vtable->stop)
		return -EBADR;
	if (s == UNIT_DEACTIVATING)
		return -EALREADY;
	return u->vtable->stop(u);
}

int
unit_reload(struct unit *u)
{
	enum unit_active_state s = unit_active_state(u);

	if (u->load_state != UNIT_LOADED)
		return -EINVAL;
	if (!unit_can_reload(u))
		return -EBADR;
	if (s == UNIT_RELOADING)
		return -EALREADY;
	if (s != UNIT_ACTIVE)
		return -ENOEXEC;
	return u->vtable->reload(u);
}

int
unit_kill(struct unit *u, const char *whom, int sig, char **error)
{
	if (!u->vtable->kill) {
		*error = strdup("Unit type does not support killing.");
		return -EOPNOTSUPP;
	}
	return u->vtable->kill(u, whom, sig, error);
}

void
unit_reset_failed(struct unit *u)
{
	if (u->vtable->reset_failed)
		u->vtable->reset_failed(u);
	u->start_limit.num = 0;
	u->start_limit.begin = 0;
	unit_add_to_dbus_queue(u);
	unit_add_to_gc_queue(u);
}

/* Queues a job for every unit in u's dependency set d, e.g. OnFailure= targets. */
static void
start_dependency_units(struct unit *u, enum unit_dependency d, enum job_type type,
		       const char *why)
{
	struct unit *other;

	SET_FOREACH(other, u->deps[d]) {
		_cleanup_free_ char *error = NULL;
		int r = manager_add_job(u->manager, type, other, JOB_REPLACE, NULL, &error);

		if (r < 0)
			log_unit_warning(u, "Failed to enqueue %s job for %s: %s", why, other->id,
					 strna(error));
	}
}

static void
update_timestamps(struct unit *u, enum unit_active_state os, enum unit_active_state ns)
{
	if (unit_inactive_or_failed(os) && !unit_inactive_or_failed(ns))
		dual_timestamp_now(&u->inactive_exit_timestamp);
	else if (!unit_inactive_or_failed(os) && unit_inactive_or_failed(ns))
		dual_timestamp_now(&u->inactive_enter_timestamp);
	if (!unit_active_or_reloading(os) && unit_active_or_reloading(ns))
		dual_timestamp_now(&u->active_enter_timestamp);
	else if (unit_active_or_reloading(os) && !unit_active_or_reloading(ns))
		dual_timestamp_now(&u->active_exit_timestamp);
}

/* Decides what the unit's running job makes of the new state. Returns true if the
 * change was expected by a job. */
static bool
notify_job(struct unit *u, enum unit_active_state os, enum unit_active_state ns,
	   bool reload_success)
{
	struct job *j = u->job;

	if (j && j->state == JOB_WAITING) {
		/* A start waiting for a stop to finish (or similar): try again now. */
		job_add_to_run_queue(j);
		return false;
	}
	if (!j || j->state != JOB_RUNNING)
		return false;
	switch (j->type) {
	case JOB_START:
	case JOB_VERIFY_ACTIVE:
		if (unit_active_or_reloading(ns))
			job_finish(j, JOB_DONE);
		else if (ns != UNIT_ACTIVATING && ns != os && unit_inactive_or_failed(ns)) {
			/* A oneshot that ran and left is done; one that failed is not. */
			job_finish(j, ns == UNIT_FAILED ? JOB_FAILED : JOB_DONE);
			return ns != UNIT_FAILED;
		}
		return true;
	case JOB_RELOAD:
		if (ns == UNIT_ACTIVE && os == UNIT_RELOADING)
			job_finish(j, reload_success ? JOB_DONE : JOB_FAILED);
		else if (unit_inactive_or_failed(ns)) {
			job_finish(j, JOB_FAILED);
			return false;
		}
		return true;
	case JOB_STOP:
	case JOB_RESTART:
		if (unit_inactive_or_failed(ns)) {
			if (j->type == JOB_RESTART) {
				/* The stop half is done; the start half waits for ordering. */
				j->type = JOB_START;
				j->state = JOB_WAITING;
				job_add_to_run_queue(j);
				job_wake_ordered(u);
				unit_add_to_dbus_queue(u);
			} else
				job_finish(j, JOB_DONE);
		} else if (os == UNIT_DEACTIVATING && unit_active_or_reloading(ns))
			/* Stopping failed and the unit is up again (a busy file system). */
			job_finish(j, JOB_FAILED);
		return true;
	default:
		return true;
	}
}

void
unit_notify(struct unit *u, enum unit_active_state os, enum unit_active_state ns,
	    bool reload_success)
{
	struct manager *m = u->manager;
	bool expected;
	struct unit *other;

	u->last_active_state = ns;
	if (os == ns && reload_success) {
		unit_add_to_dbus_queue(u);
		return;
	}
	update_timestamps(u, os, ns);
	expected = notify_job(u, os, ns, reload_success);

	if (!unit_inactive_or_failed(os) && unit_inactive_or_failed(ns)) {
		/* An empty cgroup goes now; one with stragglers when it runs empty. */
		unit_cgroup_prune(u);
		/* BindsTo=: whoever is bound to us goes down with us, unless a job of ours
		 * already took care of it in its transaction. */
		if (!expected)
			SET_FOREACH(other, u->deps[UNIT_BOUND_BY])
				if (!other->job && !unit_inactive_or_failed(unit_active_state(other))) {
					_cleanup_free_ char *e = NULL;

					log_unit_info(other, "Stopping, because %s went away.", u->id);
					manager_add_job(m, JOB_STOP, other, JOB_REPLACE, NULL, &e);
				}
		/* Units we pulled in may be unneeded now. */
		for (enum unit_dependency d = UNIT_REQUIRES; d <= UNIT_UPHOLDS; d++)
			SET_FOREACH(other, u->deps[d])
				if (other->stop_when_unneeded)
					unit_add_to_stop_when_unneeded_queue(other);
		if (ns == UNIT_FAILED && os != UNIT_FAILED && set_size(u->deps[UNIT_ON_FAILURE]) > 0) {
			log_unit_info(u, "Triggering OnFailure= dependencies.");
			start_dependency_units(u, UNIT_ON_FAILURE, JOB_START, "OnFailure=");
		}
		if (ns == UNIT_INACTIVE && set_size(u->deps[UNIT_ON_SUCCESS]) > 0)
			start_dependency_units(u, UNIT_ON_SUCCESS, JOB_START, "OnSuccess=");
		if (ns == UNIT_INACTIVE && u->success_action != MANAGER_OK) {
			log_unit_notice(u, "Succeeded; SuccessAction= asks the manager to %s.",
					u->success_action == MANAGER_EXIT ? "exit" : "shut down");
			manager_begin_shutdown(m, u->success_action);
		} else if (ns == UNIT_FAILED && u->failure_action != MANAGER_OK) {
			log_unit_notice(u, "Failed; FailureAction= asks the manager to %s.",
					u->failure_action == MANAGER_EXIT ? "exit" : "shut down");
			manager_begin_shutdown(m, u->failure_action);
		}
	}
	if (unit_active_or_reloading(ns) && !unit_active_or_reloading(os)) {
		/* Upholds=: keep the upheld units running while we are. */
		SET_FOREACH(other, u->deps[UNIT_UPHOLDS])
			if (!other->job && unit_inactive_or_failed(unit_active_state(other)))
				start_dependency_units(u, UNIT_UPHOLDS, JOB_START, "Upholds=");
		if (u->stop_when_unneeded)
			unit_add_to_stop_when_unneeded_queue(u);
	}
	bus_unit_state_changed(m, u, ns);
	/* Sockets (later paths, timers, automounts) follow what they activated. */
	SET_FOREACH(other, u->deps[UNIT_TRIGGERED_BY])
		if (other->vtable->trigger_notify)
			other->vtable->trigger_notify(other, u);
	unit_add_to_dbus_queue(u);
	if (unit_inactive_or_failed(ns))
		unit_add_to_gc_queue(u);
	manager_check_finished(m);
}

int
unit_watch_pid(struct unit *u, pid_t pid)
{
	if (pid <= 0)
		return -EINVAL;
	return hashmap_put(u->manager->watch_pids, (void *)(intptr_t)pid, u) < 0 ? -ENOMEM : 0;
}

void
unit_unwatch_pid(struct unit *u, pid_t pid)
{
	if (hashmap_get(u->manager->watch_pids, (void *)(intptr_t)pid) == u)
		hashmap_remove(u->manager->watch_pids, (void *)(intptr_t)pid);
}

/* Queues: each is a singly-linked list drained by a defer source in manager.c. */

void
unit_add_to_load_queue(struct unit *u)
{
	if (u->in_load_queue || u->load_state != UNIT_STUB)
		return;
	u->in_load_queue = true;
	u->load_queue_next = u->manager->load_queue;
	u->manager->load_queue = u;
	event_source_set_enabled(u->manager->load_queue_source, true);
}

void
unit_add_to_dbus_queue(struct unit *u)
{
	if (u->in_dbus_queue)
		return;
	u->in_dbus_queue = true;
	u->dbus_queue_next = u->manager->dbus_unit_queue;
	u->manager->dbus_unit_queue = u;
	event_source_set_enabled(u->manager->dbus_queue_source, true);
}

void
unit_add_to_gc_queue(struct unit *u)
{
	if (u->in_gc_queue)
		return;
	u->in_gc_queue = true;
	u->gc_queue_next = u->manager->gc_queue;
	u->manager->gc_queue = u;
	event_source_set_enabled(u->manager->gc_queue_source, true);
}

void
unit_add_to_stop_when_unneeded_queue(struct unit *u)
{
	if (u->in_stop_when_unneeded_queue)
		return;
	u->in_stop_when_unneeded_queue = true;
	u->unneeded_queue_next = u->manager->unneeded_queue;
	u->manager->unneeded_queue = u;
	event_source_set_enabled(u->manager->gc_queue_source, true);
}

void
unit_add_to_target_deps_queue(struct unit *u)
{
	if (u->in_target_deps_queue)
		return;
	u->in_target_deps_queue = true;
	u->target_deps_queue_next = u->manager->target_deps_queue;
	u->manager->target_deps_queue = u;
	event_source_set_enabled(u->manager->load_queue_source, true);
}

void
unit_log_event(struct unit *u, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_full(level, "%s: %s", u->id, msg);
	(void)unit_log_append(&u->log, now(CLOCK_REALTIME), log_get_ident(), (int)getpid(), msg);
}

bool
unit_may_gc(struct unit *u)
{
	if (u->job || u->perpetual || u->in_load_queue)
		return false;
	if (!unit_inactive_or_failed(unit_active_state(u)) || unit_active_state(u) == UNIT_FAILED)
		return false;
	/* Any edge keeps a unit: it may be another unit's ordering or requirement, which a
	 * fresh load of u would not bring back. An ephemeral unit (an Accept=yes connection's
	 * instance) has only its own default edges and nobody names it: it goes once done. */
	for (int d = 0; !u->ephemeral && d < _UNIT_DEPENDENCY_MAX; d++)
		if (set_size(u->deps[d]) > 0)
			return false;
	if (u->vtable->may_gc && !u->vtable->may_gc(u))
		return false;
	return true;
}

char *
unit_dbus_path(const struct unit *u)
{
	_cleanup_free_ char *l = bus_label_escape(u->id);
	char *p;

	if (!l || asprintf(&p, "/org/freedesktop/systemd1/unit/%s", l) < 0)
		return NULL;
	return p;
}

void
unit_specifier_ctx(const struct unit *u, struct specifier_ctx *ctx)
{
	const struct manager *m = u->manager;
	bool user = m->scope == SCOPE_USER;

	*ctx = (struct specifier_ctx){
		.unit_name = u->id,
		.fragment_path = u->fragment_path,
		.runtime_dir = user ? getenv("XDG_RUNTIME_DIR") : "/run",
	};
	/* No NSS lookups in PID 1: the system manager is root; a user manager knows itself
	 * from its environment. specifier.c fills what is left NULL. */
	if (!user && getuid() == 0) {
		ctx->user_name = "root";
		ctx->uid = "0";
		ctx->group_name = "root";
		ctx->gid = "0";
		ctx->home = "/root";
		ctx->shell = "/bin/sh";
	} else {
		ctx->user_name = getenv("USER");
		ctx->home = getenv("HOME");
		ctx->shell = getenv("SHELL");
	}
}

void
unit_set_load_error(struct unit *u, enum unit_load_state s, int error, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	u->load_state = s;
	u->load_errno = error < 0 ? -error : error;
	free(u->load_error);
	u->load_error = msg;
	log_unit_error(u, "%s", msg ? msg : "Failed to load unit.");
}
