/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_JOB_H
#define EMBER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "time-util.h"

struct manager;
struct unit;
struct event_source;

/* A job is a state change requested for one unit. Jobs wait in the run queue until every
 * job they are ordered after (After=/Before= between the two units) is gone, then run.
 * A running job ends when the unit reaches the wanted state (unit_notify). */

enum job_type {
	JOB_START,
	JOB_VERIFY_ACTIVE,  /* Requisite=: succeed only if already active */
	JOB_STOP,
	JOB_RELOAD,
	JOB_RESTART,        /* stop, then becomes a START */
	JOB_TRY_RESTART,    /* collapsed to RESTART or NOP when installed */
	JOB_RELOAD_OR_START,/* collapsed to RELOAD or START when installed */
	JOB_TRY_RELOAD,     /* collapsed to RELOAD or NOP */
	JOB_NOP,
	_JOB_TYPE_MAX,
	_JOB_TYPE_INVALID = -22,
};

enum job_state {
	JOB_WAITING,  /* in the run queue, ordering not satisfied yet */
	JOB_RUNNING,  /* the unit is changing state */
	_JOB_STATE_MAX,
};

enum job_mode {
	JOB_FAIL,
	JOB_REPLACE,
	JOB_REPLACE_IRREVERSIBLY,
	JOB_ISOLATE,
	JOB_FLUSH,
	JOB_IGNORE_DEPENDENCIES,
	JOB_IGNORE_REQUIREMENTS,
	_JOB_MODE_MAX,
	_JOB_MODE_INVALID = -22,
};

enum job_result {
	JOB_DONE,
	JOB_CANCELED,
	JOB_TIMEOUT,
	JOB_FAILED,
	JOB_DEPENDENCY,
	JOB_SKIPPED,
	JOB_INVALID,
	JOB_ASSERT,
	JOB_UNSUPPORTED,
	JOB_COLLECTED,
	JOB_ONCE,
	_JOB_RESULT_MAX,
};

struct job {
	struct manager *manager;
	struct unit *unit;
	uint32_t id;
	enum job_type type;
	enum job_state state;
	bool irreversible;
	bool ignore_order;       /* mode ignore-dependencies */
	bool in_run_queue;
	bool sent_dbus_new_signal;
	bool requested_on_bus;   /* queued by a caller on the message bus (bus_broadcast) */
	struct job *run_queue_next, *run_queue_prev;
	struct event_source *timer; /* JobTimeoutSec= */
	usec_t install_usec;        /* when it was installed, CLOCK_MONOTONIC */
	usec_t begin_usec;          /* when it started running, CLOCK_MONOTONIC */
	usec_t last_status_usec;    /* console "A start job is running" throttle */
};

const char *job_type_to_string(enum job_type t);
enum job_type job_type_from_string(const char *s);
const char *job_state_to_string(enum job_state s);
const char *job_mode_to_string(enum job_mode m);
enum job_mode job_mode_from_string(const char *s);
const char *job_result_to_string(enum job_result r);

/* Merging rules: the type that does both a and b, or _JOB_TYPE_INVALID if they conflict. */
enum job_type job_type_merge(enum job_type a, enum job_type b);
bool job_type_is_conflicting(enum job_type a, enum job_type b);
/* Resolves TRY_RESTART, RELOAD_OR_START, TRY_RELOAD against the unit's current state. */
enum job_type job_type_collapse(enum job_type t, struct unit *u);

/* Creates a job, installs it as u->job, registers it with the manager (id, D-Bus JobNew)
 * and puts it on the run queue. Any previous job of the unit must be gone already. */
int job_install(struct unit *u, enum job_type type, struct job **ret);
/* Ends the job: detaches it from the unit, emits JobRemoved, propagates a failed start to
 * the jobs of units that require this one, wakes jobs ordered after it, frees it. */
void job_finish(struct job *j, enum job_result result);
/* Puts j on the run queue (idempotent). */
void job_add_to_run_queue(struct job *j);
/* Puts every job of units ordered before/after u on the run queue. */
void job_wake_ordered(struct unit *u);
/* Tries to run j: returns without change if ordering is not satisfied yet. */
void job_run(struct job *j);
/* Console "A start job is running for ..." lines for long jobs. */
void job_print_slow_status(struct job *j, usec_t now_usec);
char *job_dbus_path(const struct job *j);

#endif
