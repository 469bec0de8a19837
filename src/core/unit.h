/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_H
#define EMBER_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/condition.h"
#include "core/unit-log.h"
#include "hashmap.h"
#include "time-util.h"
#include "unit-name.h"

struct manager;
struct job;
struct unit_vtable;

/* Whether the unit's configuration could be used. */
enum unit_load_state {
	UNIT_STUB,        /* created by name, not loaded yet */
	UNIT_LOADED,      /* fragment parsed (or none needed) */
	UNIT_NOT_FOUND,   /* no fragment anywhere in the search path */
	UNIT_BAD_SETTING, /* parsed, but a setting makes it unusable (load_error says which) */
	UNIT_ERROR,       /* the file could not be read */
	UNIT_MASKED,      /* linked to /dev/null */
	_UNIT_LOAD_STATE_MAX,
};

/* The generic state every type maps its sub-states onto. */
enum unit_active_state {
	UNIT_ACTIVE,
	UNIT_RELOADING,
	UNIT_INACTIVE,
	UNIT_FAILED,
	UNIT_ACTIVATING,
	UNIT_DEACTIVATING,
	_UNIT_ACTIVE_STATE_MAX,
};

static inline bool unit_active_or_reloading(enum unit_active_state s)
{ return s == UNIT_ACTIVE || s == UNIT_RELOADING; }
static inline bool unit_inactive_or_failed(enum unit_active_state s)
{ return s == UNIT_INACTIVE || s == UNIT_FAILED; }

/* Dependencies are stored in both directions: adding Requires= from A to B also adds
 * RequiredBy= from B to A, so every question ("who requires me?") is a set lookup. */
enum unit_dependency {
	UNIT_REQUIRES,
	UNIT_REQUISITE,
	UNIT_WANTS,
	UNIT_BINDS_TO,
	UNIT_PART_OF,
	UNIT_UPHOLDS,
	UNIT_REQUIRED_BY,
	UNIT_REQUISITE_OF,
	UNIT_WANTED_BY,
	UNIT_BOUND_BY,
	UNIT_CONSISTS_OF,
	UNIT_UPHELD_BY,
	UNIT_CONFLICTS,
	UNIT_CONFLICTED_BY,
	UNIT_BEFORE,
	UNIT_AFTER,
	UNIT_ON_SUCCESS,
	UNIT_ON_SUCCESS_OF,
	UNIT_ON_FAILURE,
	UNIT_ON_FAILURE_OF,
	UNIT_TRIGGERS,
	UNIT_TRIGGERED_BY,
	UNIT_PROPAGATES_RELOAD_TO,
	UNIT_RELOAD_PROPAGATED_FROM,
	UNIT_IN_SLICE,      /* Slice=: at most one; the slice's cgroup holds ours */
	UNIT_SLICE_OF,
	UNIT_REFERENCES,    /* reserved for the API; never stored (see unit_add_dependency) */
	UNIT_REFERENCED_BY,
	_UNIT_DEPENDENCY_MAX,
	_UNIT_DEPENDENCY_INVALID = -22,
};

/* A pair of timestamps so the API can report both wall-clock and monotonic time. */
struct dual_timestamp {
	usec_t realtime;
	usec_t monotonic;
};
void dual_timestamp_now(struct dual_timestamp *ts);

/* StartLimitIntervalSec= / StartLimitBurst=. */
struct ratelimit {
	usec_t interval;
	unsigned burst;
	unsigned num;
	usec_t begin;
};
/* Counts one event; returns false when the limit is exceeded. */
bool ratelimit_below(struct ratelimit *r);

struct unit {
	struct manager *manager;
	const struct unit_vtable *vtable;
	enum unit_type type;
	char *id;            /* the unit's canonical name */
	char **aliases;      /* other names it is known by (symlinks, Alias=) */
	char *instance;      /* "tty1" for getty@tty1.service, else NULL */

	char *description;
	char **documentation;
	char *fragment_path;
	char **dropin_paths;
	char *source_path;   /* fstab or SysV script a generated unit came from */
	usec_t fragment_mtime;

	enum unit_load_state load_state;
	char *load_error;    /* why load_state is not LOADED, for status and LoadError */
	int load_errno;

	struct set *deps[_UNIT_DEPENDENCY_MAX];
	struct job *job;

	bool default_dependencies;
	bool stop_when_unneeded;
	bool refuse_manual_start;
	bool refuse_manual_stop;
	bool allow_isolate;
	bool ignore_on_isolate;
	bool perpetual;      /* never stopped: -.slice, init.scope */
	bool ephemeral;      /* made for one connection; freed once done (unit_may_gc) */
	bool transient;      /* made through the API (StartTransientUnit), not from a file */
	usec_t job_timeout;  /* JobTimeoutSec=, USEC_INFINITY = none */
	struct ratelimit start_limit;
	int success_action;  /* enum manager_objective to reach when the unit succeeds, 0 = none */
	int failure_action;  /* ... when it fails (also StartLimitAction=) */
	int start_limit_action; /* enum manager_objective when the start limit is hit, 0 = none */

	struct condition *conditions;
	struct condition *asserts;
	bool condition_result;
	bool assert_result;
	struct dual_timestamp condition_timestamp;

	struct dual_timestamp inactive_exit_timestamp;
	struct dual_timestamp active_enter_timestamp;
	struct dual_timestamp active_exit_timestamp;
	struct dual_timestamp inactive_enter_timestamp;

	/* The last state unit_notify() was told about, to detect transitions. */
	enum unit_active_state last_active_state;

	char *cgroup_path;   /* where its processes live, relative to the hierarchy (cgroup.c) */
	int cgroup_wd;       /* inotify watch on its cgroup.events, 0 = none */
	int cgroup_oom_wd;   /* ... and on memory.events, where there is a memory controller */
	uint32_t oom_kills;  /* memory.events oom_kill last seen */
	struct cgroup_context *cgroup_context; /* Slice=, MemoryMax=, ...; NULL if none set */
	struct unit_log *log; /* last lines of output, for status */
	char *invocation_id;  /* 32 hex chars, new per start */

	/* Intrusive queue links; each queue is processed by a defer source in manager.c. */
	bool in_load_queue, in_dbus_queue, in_gc_queue, in_stop_when_unneeded_queue;
	bool in_target_deps_queue;
	struct unit *load_queue_next, *dbus_queue_next, *gc_queue_next, *unneeded_queue_next;
	struct unit *target_deps_queue_next;
	bool sent_dbus_new_signal;
	bool in_transaction_mark; /* scratch flag for graph walks */
};

/* The unit's private object of its type (struct service, ...) starts with struct unit. */
#define UNIT(p) (&(p)->meta)

/* Returns the unit called name, creating a stub and queueing it for load if needed.
 * Aliases (a unit file that is a symlink to another name) resolve to the canonical unit.
 * Returns 0 or -EINVAL (bad name) / -ENOMEM. */
int manager_load_unit(struct manager *m, const char *name, struct unit **ret);
/* Returns the unit or NULL; never loads. */
struct unit *manager_get_unit(struct manager *m, const char *name);

/* Creates a unit object (used by manager_load_unit). */
struct unit *unit_new(struct manager *m, enum unit_type type, const char *name);
void unit_free(struct unit *u);
/* Registers another name for u in the manager's name table. */
int unit_add_name(struct unit *u, const char *name);

/* Loads the fragment, drop-ins and .wants/.requires folders, then the type's own load.
 * Never fails the manager: on error the unit ends up in an error load state. */
void unit_load(struct unit *u);

/* Drops every dependency edge of u (before a reload re-reads them). */
void unit_reset_dependencies(struct unit *u);
/* Forgets the unit's configuration (runtime state stays) and marks it for loading again;
 * the caller queues it (daemon-reload). */
void unit_reset_config(struct unit *u);
/* Counts a start against StartLimitBurst=; false (and a log line) when the limit is hit. */
bool unit_test_start_limit(struct unit *u);

/* Adds a dependency (and its inverse on other). add_reference also adds REFERENCES. */
int unit_add_dependency(struct unit *u, enum unit_dependency d, struct unit *other,
			bool add_reference);
/* Loads name and adds the dependency. */
int unit_add_dependency_by_name(struct unit *u, enum unit_dependency d, const char *name,
				bool add_reference);
/* Adds both After=/Before= style and a requirement in one call (common for implicit deps). */
int unit_add_two_dependencies_by_name(struct unit *u, enum unit_dependency a,
				      enum unit_dependency b, const char *name);
bool unit_has_dependency(const struct unit *u, enum unit_dependency d, const struct unit *other);
const char *unit_dependency_to_string(enum unit_dependency d);
enum unit_dependency unit_dependency_from_string(const char *s);
enum unit_dependency unit_dependency_inverse(enum unit_dependency d);

enum unit_active_state unit_active_state(const struct unit *u);
/* The type's sub-state name ("running", "dead", ...). */
const char *unit_sub_state_to_string(const struct unit *u);
const char *unit_load_state_to_string(enum unit_load_state s);
enum unit_load_state unit_load_state_from_string(const char *s);
const char *unit_active_state_to_string(enum unit_active_state s);
enum unit_active_state unit_active_state_from_string(const char *s);

/* Returns 0 when the start was begun, 1 if already active, -EALREADY if already
 * activating, -ECOMM if a condition failed, -EPROTO if an assert failed, -ECANCELED when
 * the start limit was hit, -EBADR if the type cannot start, -ENOEXEC if not loaded,
 * -errno from the type otherwise. */
int unit_start(struct unit *u);
/* 0 begun, 1 already inactive, -EALREADY if already stopping, -errno. */
int unit_stop(struct unit *u);
int unit_reload(struct unit *u);
bool unit_can_start(const struct unit *u);
bool unit_can_stop(const struct unit *u);
bool unit_can_reload(const struct unit *u);
bool unit_can_isolate(const struct unit *u);
/* Sends sig to "main", "control" or "all" processes. */
int unit_kill(struct unit *u, const char *whom, int sig, char **error);
/* Clears the failed state and the start-limit counter. */
void unit_reset_failed(struct unit *u);

/* Types call this on every state change: finishes jobs, fires OnFailure=/OnSuccess=,
 * stops BindsTo= dependents, prints console status, queues D-Bus signals.
 * reload_success is false if a reload attempt failed. */
void unit_notify(struct unit *u, enum unit_active_state os, enum unit_active_state ns,
		 bool reload_success);

/* Process tracking: SIGCHLD for pid goes to u's vtable->sigchld. */
int unit_watch_pid(struct unit *u, pid_t pid);
void unit_unwatch_pid(struct unit *u, pid_t pid);

/* Evaluates conditions (false = skip start) and asserts (false = fail start). */
bool unit_test_conditions(struct unit *u);
bool unit_test_asserts(struct unit *u);

/* Queues for processing in the next loop iteration. */
void unit_add_to_load_queue(struct unit *u);
void unit_add_to_dbus_queue(struct unit *u);
void unit_add_to_gc_queue(struct unit *u);
void unit_add_to_stop_when_unneeded_queue(struct unit *u);
/* Targets: order after what they pull in, once everything is loaded. */
void unit_add_to_target_deps_queue(struct unit *u);
/* Adds a line about u to its in-memory log (status shows it) and the manager's log. */
void unit_log_event(struct unit *u, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True if the unit may be freed: inactive, no job, nothing references it. */
bool unit_may_gc(struct unit *u);

/* The D-Bus object path of the unit. Returns NULL on OOM. */
char *unit_dbus_path(const struct unit *u);
/* Fills the specifier context for this unit. */
struct specifier_ctx;
void unit_specifier_ctx(const struct unit *u, struct specifier_ctx *ctx);

/* Logs with the unit's name as a prefix. */
#define log_unit_full_errno(u, level, error, fmt, ...) \
	log_full_errno((level), (error), "%s: " fmt, (u)->id, ##__VA_ARGS__)
#define log_unit_debug(u, ...) log_unit_full_errno(u, LOG_DEBUG, 0, __VA_ARGS__)
#define log_unit_info(u, ...) log_unit_full_errno(u, LOG_INFO, 0, __VA_ARGS__)
#define log_unit_notice(u, ...) log_unit_full_errno(u, LOG_NOTICE, 0, __VA_ARGS__)
#define log_unit_warning(u, ...) log_unit_full_errno(u, LOG_WARNING, 0, __VA_ARGS__)
#define log_unit_error(u, ...) log_unit_full_errno(u, LOG_ERR, 0, __VA_ARGS__)
#define log_unit_warning_errno(u, e, ...) log_unit_full_errno(u, LOG_WARNING, e, __VA_ARGS__)
#define log_unit_error_errno(u, e, ...) log_unit_full_errno(u, LOG_ERR, e, __VA_ARGS__)
#define log_unit_debug_errno(u, e, ...) log_unit_full_errno(u, LOG_DEBUG, e, __VA_ARGS__)

#define UNIT_FOREACH_DEPENDENCY(other, u, d) SET_FOREACH(other, (u)->deps[d])

#endif
