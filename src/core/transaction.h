/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_TRANSACTION_H
#define EMBER_TRANSACTION_H

#include <stdbool.h>
#include <stdio.h>

#include "core/job.h"

struct unit;
struct manager;

/* A transaction turns one requested job (the anchor) into the set of jobs it implies:
 * it pulls in dependencies recursively, merges jobs on the same unit, drops wanted-only
 * jobs that conflict or close ordering cycles (logging the cycle), checks the result
 * against jobs already installed, and installs it. Failure leaves nothing changed. */

/* Computes and installs the jobs for (u, type, mode). On success *ret_anchor is the
 * anchor's installed job (may be NULL if it collapsed to nothing). On failure returns
 * -errno and sets *error (malloc'd) to a message for the user:
 *   -ENOENT  a required unit does not exist / cannot be loaded
 *   -EBADR   the anchor unit cannot do this job type
 *   -ELOOP   an ordering cycle that could not be broken
 *   -EEXIST  conflicting jobs, or destructive in "fail" mode
 *   -EPERM   isolate on a unit without AllowIsolate= */
int manager_add_job(struct manager *m, enum job_type type, struct unit *u, enum job_mode mode,
		    struct job **ret_anchor, char **error);

/* Stops every unit that is up or has a job, in one transaction (shutdown, exit). A cycle
 * among the stop jobs is cut by letting one job ignore its ordering. */
int manager_add_stop_all(struct manager *m, char **error);

/* Same computation without installing; prints the jobs in the order they would start
 * ("ember --test"). Returns 0 or -errno with *error. */
int manager_dry_run_job(struct manager *m, enum job_type type, struct unit *u,
			enum job_mode mode, FILE *out, char **error);

#endif
