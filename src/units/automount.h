/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_AUTOMOUNT_H
#define EMBER_AUTOMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "activation/autofs.h"
#include "core/unit.h"
#include "units/directives.h"

struct event_source;

/* Automount units (ember.automount(5)): an autofs placeholder at Where= that starts the
 * mount unit of the same path the first time somebody looks inside (design.md idea 3).
 * Sub-states:
 *   DEAD -> WAITING (autofs mounted; a request queues a start job for the mount unit and
 *                    the requester sleeps in the kernel until it is up or has failed)
 *   WAITING -> RUNNING when the mount unit is active on top of the placeholder
 *   RUNNING -> WAITING when the mount unit goes (idle expiry, failure, stopped by hand)
 *   WAITING/RUNNING -> DEAD on stop, FAILED when the autofs mount vanished under us or
 *                      could not be made. */
enum automount_state {
	AUTOMOUNT_DEAD,
	AUTOMOUNT_WAITING,  /* placeholder up, nothing mounted on it (active) */
	AUTOMOUNT_RUNNING,  /* the real file system is mounted on it (active) */
	AUTOMOUNT_FAILED,
	_AUTOMOUNT_STATE_MAX,
};

enum automount_result {
	AUTOMOUNT_SUCCESS,
	AUTOMOUNT_FAILURE_RESOURCES,   /* the autofs mount could not be set up */
	AUTOMOUNT_FAILURE_UNMOUNTED,   /* somebody else unmounted the placeholder */
	AUTOMOUNT_FAILURE_MOUNTED,     /* Where= was already mounted at start */
	_AUTOMOUNT_RESULT_MAX,
};

/* Tokens the kernel waits on: each is answered exactly once. */
struct automount_tokens {
	uint32_t *v;
	size_t n;
};

struct automount {
	struct unit meta;
	/* [Automount] */
	char *where;             /* normalised, equal to the path the unit name encodes */
	char *extra_options;     /* ExtraOptions=: more autofs mount options */
	mode_t directory_mode;   /* DirectoryMode=: for Where and missing parents */
	usec_t timeout_idle;     /* TimeoutIdleSec=, USEC_INFINITY = never */

	enum automount_state state;
	enum automount_result result;
	struct autofs_mount am;
	char *mounted_where;     /* where the placeholder is (Where= may change on reload) */
	struct event_source *io;
	struct event_source *expire_timer;
	pid_t expire_pid;        /* the child asking the kernel to expire (it sleeps there) */
	struct automount_tokens mount_tokens;
	struct automount_tokens expire_tokens;
	/* Stopped while the real mount was on top: the placeholder (catatonic, so it never
	 * holds anybody) stays under it until the mount unit goes. */
	bool leftover;
	char *failed_step;       /* why the last start failed, for status */
};

#define AUTOMOUNT(u) ((struct automount *)(u))

extern const struct directive automount_directives[];
void automount_init_defaults(struct unit *u);
/* Checks Where= against the name and the API file systems, ExtraOptions=, and adds the
 * implicit dependencies (automount-config.c). */
int automount_load_check(struct unit *u);
/* The mount unit an automount triggers, or NULL. */
struct unit *automount_trigger_unit(struct unit *u);

const char *automount_state_to_string(enum automount_state s);
const char *automount_result_to_string(enum automount_result r);

#endif
