/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SWAP_UNIT_H
#define EMBER_SWAP_UNIT_H

/* The swap unit object, shared by swap.c (the state machine), swap-config.c (the [Swap]
 * directives and implicit dependencies) and swap-monitor.c (/proc/swaps). The rest of the
 * manager uses units/swap.h. */

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"
#include "core/unit.h"

enum swap_state {
	SWAP_DEAD,
	SWAP_ACTIVATING,             /* swapon runs */
	SWAP_ACTIVATING_DONE,        /* /proc/swaps shows it; swapon has not exited yet */
	SWAP_ACTIVE,
	SWAP_DEACTIVATING,           /* swapoff runs */
	SWAP_DEACTIVATING_SIGTERM,   /* a hanging swapon or swapoff is being terminated */
	SWAP_DEACTIVATING_SIGKILL,
	SWAP_FAILED,
	_SWAP_STATE_MAX,
};

enum swap_result {
	SWAP_SUCCESS,
	SWAP_FAILURE_RESOURCES,
	SWAP_FAILURE_TIMEOUT,
	SWAP_FAILURE_EXIT_CODE,
	SWAP_FAILURE_SIGNAL,
	SWAP_FAILURE_CORE_DUMP,
	_SWAP_RESULT_MAX,
};

struct swap_unit {
	struct unit meta;

	char *what;                     /* the path the name says; kept over reloads */
	char *what_setting;             /* What= as written: must match the name */
	char *options;                  /* Options=, for swapon -o */
	int priority;                   /* Priority=; -1: the kernel's choice */
	usec_t timeout_usec;

	bool from_proc;                 /* in the last /proc/swaps read */
	unsigned proc_generation;       /* of the read that saw it last */
	bool proc_just_seen;            /* within one read: it was not active before */
	int proc_priority;              /* as /proc/swaps shows it */

	enum swap_state state;
	enum swap_result result;

	pid_t control_pid;
	struct exec_spawn control_spawn;
	struct exec_command *control_command;  /* owned: the argv built for swapon/swapoff */
	char *failed_step;
	struct event_source *timer;

	struct exec_context exec_context;
	struct kill_context kill_context;
};

#define SWAP(u) ((struct swap_unit *)(u))

extern const struct directive swap_directives[];

/* swap-config.c */
void swap_init_defaults(struct unit *u);
int swap_load(struct unit *u);
void swap_free_config(struct swap_unit *s);
/* Keeps swap areas that are not this manager's out of its stops (see swap-config.c). */
void swap_update_ownership(struct swap_unit *s);

/* swap.c: /proc/swaps says the area is now active (true) or not. */
void swap_proc_update(struct swap_unit *s, bool active);

/* swap-monitor.c */
/* Reads /proc/swaps now (after swapon or swapoff exited, to learn their effect at once). */
void swap_monitor_rescan(struct manager *m);
/* True if the last read of /proc/swaps lists the area of s, by its path or, for a link
 * under /dev (/dev/disk/by-uuid/...), by the path the link leads to; s then counts as
 * seen there. Never reads the file. */
bool swap_monitor_adopt(struct swap_unit *s);
/* s was just loaded: if its What= is a link to an area in use, /proc/swaps is read again
 * from the event loop, so that the unit learns it. */
void swap_monitor_check_alias(struct swap_unit *s);

#endif
