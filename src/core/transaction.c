/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "units/unit-vtable.h"

/* A job inside a transaction, before it is installed. One per unit: a second request for
 * the same unit is merged into it, or is a conflict. */
struct tjob {
	struct unit *unit;
	enum job_type type;
	bool matters;       /* reachable from the anchor through requirement links only */
	bool root;          /* asked for directly (the anchor, or every job of a stop-all) */
	bool ignore_order;  /* runs without waiting for ordering (breaks a cycle at shutdown) */
	bool deleted;
	unsigned mark;      /* DFS colour / generation */
	unsigned wave;      /* for the dry run: 1 + the longest chain it waits on */
	struct tjob *on_path_next; /* DFS path, for printing a cycle */
	struct tlink *subjects;
	struct tjob *next;  /* all jobs, creation order */
};

/* "subject pulled object in", and whether failing object must fail subject. */
struct tlink {
	struct tjob *subject;
	bool matters;
	struct tlink *next;
};

struct transaction {
	struct manager *manager;
	struct hashmap *by_unit;
	struct tjob *jobs, *last;
	struct tjob *anchor;
	enum job_mode mode;
	bool may_ignore_order; /* stop-all: a cycle of required jobs is cut, not refused */
	unsigned generation;
	char *error;
};

static bool
is_stop_like(enum job_type t)
{
	return t == JOB_STOP || t == JOB_RESTART;
}

static void
set_error(struct transaction *tr, const char *fmt, ...)
{
	va_list ap;

	if (tr->error)
		return;
	va_start(ap, fmt);
	if (vasprintf(&tr->error, fmt, ap) < 0)
		tr->error = NULL;
	va_end(ap);
}

static void
transaction_free(struct transaction *tr)
{
	struct tjob *j = tr->jobs;

	while (j) {
		struct tjob *n = j->next;

		while (j->subjects) {
			struct tlink *l = j->subjects;
			j->subjects = l->next;
			free(l);
		}
		free(j);
		j = n;
	}
	hashmap_free(tr->by_unit);
}

static const char *
load_problem(const struct unit *u)
{
	switch (u->load_state) {
	case UNIT_NOT_FOUND:
		return "not found";
	case UNIT_MASKED:
		return "masked";
	case UNIT_BAD_SETTING:
		return "has a bad setting";
	case UNIT_ERROR:
		return "failed to load";
	default:
		return "not loaded";
	}
}

static int add_job(struct transaction *tr, struct unit *u, enum job_type type,
		   struct tjob *subject, bool matters, struct tjob **ret);

/* Pulls in what job j of type t implies. */
static int
pull_dependencies(struct transaction *tr, struct tjob *j, enum job_type t)
{
	struct unit *u = j->unit, *other;
	bool reqs = tr->mode != JOB_IGNORE_DEPENDENCIES && tr->mode != JOB_IGNORE_REQUIREMENTS;
	int r;

	if (tr->mode == JOB_IGNORE_DEPENDENCIES)
		return 0;
#define PULL(dep, type_, matters_)                                               \
	SET_FOREACH(other, u->deps[dep]) {                                       \
		r = add_job(tr, other, (type_), j, (matters_), NULL);            \
		if (r < 0)                                                       \
			return r;                                                \
	}
	if (t == JOB_START || t == JOB_RESTART) {
		if (reqs) {
			PULL(UNIT_REQUIRES, JOB_START, true);
			PULL(UNIT_BINDS_TO, JOB_START, true);
			PULL(UNIT_REQUISITE, JOB_VERIFY_ACTIVE, true);
		}
		if (tr->mode != JOB_IGNORE_REQUIREMENTS) {
			PULL(UNIT_WANTS, JOB_START, false);
			PULL(UNIT_UPHOLDS, JOB_START, false);
		}
		PULL(UNIT_CONFLICTS, JOB_STOP, true);
		PULL(UNIT_CONFLICTED_BY, JOB_STOP, true);
	}
	if (t == JOB_STOP || t == JOB_RESTART) {
		enum job_type prop = t == JOB_STOP ? JOB_STOP : JOB_TRY_RESTART;

		/* Only units that are up (or about to be) need to follow us down. */
		static const enum unit_dependency downs[] = {
			UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_CONSISTS_OF,
		};
		for (size_t i = 0; i < ELEMENTSOF(downs); i++)
			SET_FOREACH(other, u->deps[downs[i]]) {
				if (!other->job && unit_inactive_or_failed(unit_active_state(other)))
					continue;
				r = add_job(tr, other, prop, j, true, NULL);
				if (r < 0)
					return r;
			}
	}
	if (t == JOB_RELOAD)
		PULL(UNIT_PROPAGATES_RELOAD_TO, JOB_TRY_RELOAD, false);
#undef PULL
	return 0;
}

static int
add_link(struct tjob *j, struct tjob *subject, bool matters)
{
	struct tlink *l;

	if (!subject)
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->subject = subject;
	l->matters = matters;
	l->next = j->subjects;
	j->subjects = l;
	return 0;
}

static int
add_job(struct transaction *tr, struct unit *u, enum job_type type, struct tjob *subject,
	bool matters, struct tjob **ret)
{
	bool path_matters = !subject || (matters && subject->matters);
	struct tjob *j;
	enum job_type merged;
	int r;

	type = job_type_collapse(type, u);
	if (type == JOB_NOP && subject)
		return 0;

	if (u->load_state != UNIT_LOADED && !is_stop_like(type)) {
		if (!path_matters)
			return 0; /* Wants= on something missing: nothing to do */
		set_error(tr, "Unit %s %s.", u->id, load_problem(u));
		return u->load_state == UNIT_NOT_FOUND ? -ENOENT : -ENOEXEC;
	}
	j = hashmap_get(tr->by_unit, u);
	if (j && !j->deleted) {
		merged = job_type_merge(j->type, type);
		if (merged < 0) {
			if (!path_matters)
				return 0; /* the wanted-only side yields */
			if (j->matters) {
				set_error(tr, "Transaction contains conflicting jobs '%s' and '%s' for %s. "
					  "Probably contradicting requirement dependencies configured.",
					  job_type_to_string(j->type), job_type_to_string(type), u->id);
				return -EEXIST;
			}
			log_unit_debug(u, "Dropping wanted-only %s job in favour of %s.",
				       job_type_to_string(j->type), job_type_to_string(type));
			merged = type;
		}
		r = add_link(j, subject, matters);
		if (r < 0)
			return r;
		if (path_matters)
			j->matters = true;
		if (merged != j->type) {
			j->type = merged;
			r = pull_dependencies(tr, j, merged);
			if (r < 0)
				return r;
		}
		if (ret)
			*ret = j;
		return 0;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->unit = u;
	j->type = type;
	j->matters = path_matters;
	if (hashmap_put(tr->by_unit, u, j) < 0) {
		free(j);
		return -ENOMEM;
	}
	if (tr->last)
		tr->last->next = j;
	else
		tr->jobs = j;
	tr->last = j;
	r = add_link(j, subject, matters);
	if (r < 0)
		return r;
	if (ret)
		*ret = j;
	return pull_dependencies(tr, j, type);
}

/* After deletions: a job stays only if the anchor still reaches it through links from
 * jobs that still exist. Repeats until stable; each pass is linear. */
static void
collect_unreachable(struct transaction *tr)
{
	bool changed;

	do {
		changed = false;
		for (struct tjob *j = tr->jobs; j; j = j->next) {
			bool reached = false;

			if (j->deleted || j->root)
				continue;
			for (struct tlink *l = j->subjects; l && !reached; l = l->next)
				reached = !l->subject->deleted;
			if (!reached) {
				j->deleted = true;
				changed = true;
			}
		}
	} while (changed);
}

/* Does a wait for b, given their units' ordering? (Same rule as job.c.) */
static bool
tjob_waits_for(const struct tjob *a, const struct tjob *b, bool b_is_before)
{
	bool as = is_stop_like(a->type), bs = is_stop_like(b->type);

	if (a->type == JOB_NOP || b->type == JOB_NOP)
		return false;
	if (bs && !as)
		return true;
	if (!as && !bs)
		return b_is_before;
	if (as && bs)
		return !b_is_before;
	return false;
}

static struct tjob *
tjob_of(struct transaction *tr, struct unit *u)
{
	struct tjob *j = hashmap_get(tr->by_unit, u);

	return j && !j->deleted ? j : NULL;
}

/* Calls fn for every job that j waits for. */
#define FOREACH_PREDECESSOR(tr, j, k, body)                                             \
	do {                                                                            \
		struct unit *_o;                                                        \
		if ((j)->ignore_order)                                                  \
			break;                                                          \
		SET_FOREACH(_o, (j)->unit->deps[UNIT_AFTER]) {                          \
			struct tjob *k = tjob_of((tr), _o);                             \
			if (k && tjob_waits_for((j), k, true)) { body }                 \
		}                                                                       \
		SET_FOREACH(_o, (j)->unit->deps[UNIT_BEFORE]) {                         \
			struct tjob *k = tjob_of((tr), _o);                             \
			if (k && tjob_waits_for((j), k, false)) { body }                \
		}                                                                       \
	} while (0)

enum { MARK_NONE, MARK_ON_PATH, MARK_DONE };

/* DFS; on a back edge returns the job where the cycle closes, with on_path_next links
 * describing the cycle from there. */
static struct tjob *
find_cycle(struct transaction *tr, struct tjob *j, unsigned gen)
{
	j->mark = gen * 4 + MARK_ON_PATH;
	FOREACH_PREDECESSOR(tr, j, k, {
		if (k->mark == gen * 4 + MARK_ON_PATH) {
			j->on_path_next = k;
			return k;
		}
		if (k->mark != gen * 4 + MARK_DONE) {
			struct tjob *c;

			j->on_path_next = k;
			c = find_cycle(tr, k, gen);
			if (c)
				return c;
		}
	});
	j->mark = gen * 4 + MARK_DONE;
	return NULL;
}

static void
log_cycle(struct tjob *start, struct tjob *dropped)
{
	struct tjob *j = start;
	char buf[2048];
	size_t n = 0;

	buf[0] = 0;
	do {
		n += snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s/%s",
			      j == start ? "" : " -> ", j->unit->id, job_type_to_string(j->type));
		j = j->on_path_next;
	} while (j && j != start && n < sizeof(buf));
	if (n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " -> %s/%s", start->unit->id,
			 job_type_to_string(start->type));
	if (dropped)
		log_warning("Found ordering cycle: %s; deleted job %s/%s to break it.", buf,
			    dropped->unit->id, job_type_to_string(dropped->type));
	else
		log_error("Found ordering cycle: %s; no job in it may be deleted.", buf);
}

static int
break_cycles(struct transaction *tr)
{
	for (;;) {
		struct tjob *cycle = NULL, *victim = NULL;

		tr->generation++;
		for (struct tjob *j = tr->jobs; j && !cycle; j = j->next)
			if (!j->deleted && j->mark != tr->generation * 4 + MARK_DONE)
				cycle = find_cycle(tr, j, tr->generation);
		if (!cycle)
			return 0;
		/* Prefer to drop a job nobody requires; never the anchor. */
		for (struct tjob *j = cycle;; j = j->on_path_next) {
			if (j != tr->anchor && !j->matters) {
				victim = j;
				break;
			}
			if (!j->on_path_next || j->on_path_next == cycle)
				break;
		}
		if (!victim && tr->may_ignore_order) {
			/* Shutdown must end: let one job of the cycle go without waiting. */
			cycle->ignore_order = true;
			log_cycle(cycle, NULL);
			log_warning("Job %s/%s runs without waiting for its ordering, to break the cycle.",
				    cycle->unit->id, job_type_to_string(cycle->type));
			continue;
		}
		log_cycle(cycle, victim);
		if (!victim) {
			set_error(tr, "Transaction order is cyclic (%s/%s is part of the cycle). "
				  "See the manager log for details.", cycle->unit->id,
				  job_type_to_string(cycle->type));
			return -ELOOP;
		}
		victim->deleted = true;
		collect_unreachable(tr);
	}
}

static void
recompute_matters(struct transaction *tr)
{
	bool changed;

	for (struct tjob *j = tr->jobs; j; j = j->next)
		j->matters = j->root;
	do {
		changed = false;
		for (struct tjob *j = tr->jobs; j; j = j->next) {
			if (j->deleted || j->matters)
				continue;
			for (struct tlink *l = j->subjects; l; l = l->next)
				if (l->matters && !l->subject->deleted && l->subject->matters) {
					j->matters = true;
					changed = true;
					break;
				}
		}
	} while (changed);
}

/* Checks the transaction against jobs that are already installed. */
static int
check_installed(struct transaction *tr)
{
	for (struct tjob *j = tr->jobs; j; j = j->next) {
		struct job *installed = j->deleted ? NULL : j->unit->job;

		if (!installed || !job_type_is_conflicting(installed->type, j->type))
			continue;
		if (installed->irreversible || tr->mode == JOB_FAIL) {
			set_error(tr, "Transaction for %s/%s is destructive (%s has '%s' job queued, "
				  "but '%s' is included in transaction).",
				  tr->anchor->unit->id, job_type_to_string(tr->anchor->type),
				  j->unit->id, job_type_to_string(installed->type),
				  job_type_to_string(j->type));
			return -EEXIST;
		}
	}
	return 0;
}

static int
add_isolate_jobs(struct transaction *tr)
{
	struct manager *m = tr->manager;
	struct unit *u;
	const char *k;

	/* Isolate is global by nature: it looks at every unit once. */
	HASHMAP_FOREACH(k, u, m->units) {
		int r;

		if (!streq(k, u->id) || tjob_of(tr, u) || u->ignore_on_isolate || u->perpetual)
			continue;
		if (!u->job && unit_inactive_or_failed(unit_active_state(u)))
			continue;
		r = add_job(tr, u, JOB_STOP, tr->anchor, false, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A stop job for a unit that is down, or a start job for one that is up, with no job of its
 * own, changes nothing; the stops were kept while building only so that a start of the same
 * unit would show up as a conflict. (A running unit's requirements were met when it
 * started: what only it pulled in goes too.) */
static void
drop_noop_jobs(struct transaction *tr)
{
	bool dropped = false;

	for (struct tjob *j = tr->jobs; j; j = j->next) {
		enum unit_active_state st;

		if (j->deleted || j == tr->anchor || j->unit->job)
			continue;
		st = unit_active_state(j->unit);
		if ((j->type == JOB_STOP && unit_inactive_or_failed(st)) ||
		    ((j->type == JOB_START || j->type == JOB_VERIFY_ACTIVE) &&
		     unit_active_or_reloading(st))) {
			j->deleted = true;
			dropped = true;
		}
	}
	if (dropped)
		collect_unreachable(tr);
}

static int
transaction_build(struct transaction *tr, enum job_type type, struct unit *u)
{
	int r;

	tr->by_unit = hashmap_new(HASHMAP_POINTER);
	if (!tr->by_unit)
		return -ENOMEM;
	if (type == JOB_NOP)
		type = JOB_START;
	if ((type == JOB_START || type == JOB_RESTART) && u->load_state == UNIT_LOADED &&
	    !unit_can_start(u)) {
		set_error(tr, "Job type %s is not applicable for unit %s.", job_type_to_string(type),
			  u->id);
		return -EBADR;
	}
	if (type == JOB_RELOAD && u->load_state == UNIT_LOADED && !unit_can_reload(u)) {
		set_error(tr, "Job type reload is not applicable for unit %s.", u->id);
		return -EBADR;
	}
	if (type == JOB_STOP && !unit_can_stop(u) && u->load_state == UNIT_LOADED) {
		set_error(tr, "Operation refused, unit %s may not be stopped.", u->id);
		return -EPERM;
	}
	if (tr->mode == JOB_ISOLATE && !unit_can_isolate(u)) {
		set_error(tr, "Operation refused, unit %s may be requested by dependency only "
			  "(it is configured to refuse manual start/stop) or has no AllowIsolate=yes.",
			  u->id);
		return -EPERM;
	}
	r = add_job(tr, u, type, NULL, true, &tr->anchor);
	if (r < 0)
		return r;
	if (!tr->anchor) {
		set_error(tr, "Nothing to do for %s.", u->id);
		return -EBADR;
	}
	tr->anchor->root = true;
	if (tr->mode == JOB_ISOLATE) {
		r = add_isolate_jobs(tr);
		if (r < 0)
			return r;
	}
	drop_noop_jobs(tr);
	recompute_matters(tr);
	r = break_cycles(tr);
	if (r < 0)
		return r;
	return check_installed(tr);
}

static int
transaction_install(struct transaction *tr, struct job **ret_anchor)
{
	struct manager *m = tr->manager;
	struct job *anchor = NULL;

	if (tr->mode == JOB_FLUSH) {
		struct job *j;
		const void *k;
		struct job *stale[64];
		size_t n;

		do {
			n = 0;
			HASHMAP_FOREACH(k, j, m->jobs)
				if (!tjob_of(tr, j->unit) && n < ELEMENTSOF(stale))
					stale[n++] = j;
			for (size_t i = 0; i < n; i++)
				job_finish(stale[i], JOB_CANCELED);
		} while (n == ELEMENTSOF(stale));
	}
	for (struct tjob *t = tr->jobs; t; t = t->next) {
		struct unit *u = t->unit;
		struct job *j = u->job;
		int r;

		if (t->deleted)
			continue;
		if (j) {
			enum job_type merged = job_type_merge(j->type, t->type);

			if (merged >= 0 && (j->state == JOB_WAITING || merged == j->type)) {
				j->type = merged;
				if (t == tr->anchor)
					anchor = j;
				unit_add_to_dbus_queue(u);
				continue;
			}
			job_finish(j, JOB_CANCELED);
		}
		r = job_install(u, t->type, &j);
		if (r < 0)
			return r; /* only OOM; jobs installed so far still run */
		j->irreversible = tr->mode == JOB_REPLACE_IRREVERSIBLY;
		j->ignore_order = t->ignore_order;
		if (t == tr->anchor) {
			anchor = j;
			j->ignore_order = j->ignore_order || tr->mode == JOB_IGNORE_DEPENDENCIES;
		}
	}
	if (ret_anchor)
		*ret_anchor = anchor;
	return 0;
}

int
manager_add_job(struct manager *m, enum job_type type, struct unit *u, enum job_mode mode,
		struct job **ret_anchor, char **error)
{
	struct transaction tr = { .manager = m, .mode = mode };
	int r;

	r = transaction_build(&tr, type, u);
	if (r >= 0)
		r = transaction_install(&tr, ret_anchor);
	if (r < 0) {
		if (r == -ENOMEM && !tr.error)
			tr.error = strdup("Out of memory.");
		log_unit_debug(u, "Transaction failed: %s", strna(tr.error));
		if (error)
			*error = TAKE_PTR(tr.error);
	}
	free(tr.error);
	transaction_free(&tr);
	return r;
}

int
manager_add_stop_all(struct manager *m, char **error)
{
	struct transaction tr = { .manager = m, .mode = JOB_REPLACE_IRREVERSIBLY,
				  .may_ignore_order = true };
	struct unit *u;
	const char *k;
	int r = 0;

	/* One transaction for everything, so that ordering between the stops is honoured and
	 * a cycle among them is found and cut instead of deadlocking the shutdown. */
	tr.by_unit = hashmap_new(HASHMAP_POINTER);
	if (!tr.by_unit)
		return -ENOMEM;
	HASHMAP_FOREACH(k, u, m->units) {
		struct tjob *j = NULL;

		if (!streq(k, u->id) || u->perpetual)
			continue;
		if (!u->job && unit_inactive_or_failed(unit_active_state(u)))
			continue;
		r = add_job(&tr, u, JOB_STOP, NULL, true, &j);
		if (r < 0)
			goto finish;
		if (j) {
			j->root = true;
			if (!tr.anchor)
				tr.anchor = j;
		}
	}
	if (!tr.anchor)
		goto finish;
	recompute_matters(&tr);
	r = break_cycles(&tr);
	if (r >= 0)
		r = check_installed(&tr);
	if (r >= 0)
		r = transaction_install(&tr, NULL);
finish:
	if (r < 0 && error)
		*error = TAKE_PTR(tr.error);
	free(tr.error);
	transaction_free(&tr);
	return r;
}

static int
compare_wave(const void *a, const void *b)
{
	const struct tjob *x = *(struct tjob *const *)a, *y = *(struct tjob *const *)b;

	if (x->wave != y->wave)
		return x->wave < y->wave ? -1 : 1;
	return strcmp(x->unit->id, y->unit->id);
}

/* wave(j) = 1 + max wave of what j waits for: jobs in one wave may run in parallel. */
static unsigned
compute_wave(struct transaction *tr, struct tjob *j)
{
	unsigned w = 1;

	if (j->wave)
		return j->wave;
	j->wave = 1; /* cycles were broken, but never recurse forever */
	FOREACH_PREDECESSOR(tr, j, k, {
		unsigned kw = compute_wave(tr, k) + 1;
		if (kw > w)
			w = kw;
	});
	j->wave = w;
	return w;
}

int
manager_dry_run_job(struct manager *m, enum job_type type, struct unit *u, enum job_mode mode,
		    FILE *out, char **error)
{
	struct transaction tr = { .manager = m, .mode = mode };
	struct tjob **v = NULL;
	size_t n = 0;
	int r;

	r = transaction_build(&tr, type, u);
	if (r < 0)
		goto finish;
	for (struct tjob *j = tr.jobs; j; j = j->next)
		if (!j->deleted)
			n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto finish;
	}
	n = 0;
	for (struct tjob *j = tr.jobs; j; j = j->next)
		if (!j->deleted) {
			compute_wave(&tr, j);
			v[n++] = j;
		}
	qsort(v, n, sizeof(*v), compare_wave);
	fprintf(out, "Transaction for %s/%s (%s): %zu jobs\n", u->id, job_type_to_string(type),
		job_mode_to_string(mode), n);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i]->wave != v[i - 1]->wave)
			fprintf(out, "-- wave %u (runs in parallel once the previous waves are done)\n",
				v[i]->wave);
		fprintf(out, "   %s/%s%s\n", v[i]->unit->id, job_type_to_string(v[i]->type),
			v[i]->matters ? "" : " (wanted)");
	}
finish:
	if (r < 0 && error)
		*error = TAKE_PTR(tr.error);
	free(tr.error);
	free(v);
	transaction_free(&tr);
	return r;
}
