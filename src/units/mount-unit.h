/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_MOUNT_UNIT_H
#define EMBER_MOUNT_UNIT_H

/* The mount unit object, shared by mount.c (the state machine), mount-config.c (the
 * [Mount] directives and implicit dependencies) and mount-monitor.c (mountinfo). The rest
 * of the manager uses units/mount.h. */

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"
#include "core/unit.h"

enum mount_state {
	MOUNT_DEAD,
	MOUNT_MOUNTING,        /* /bin/mount runs */
	MOUNT_MOUNTING_DONE,   /* mountinfo shows it; /bin/mount has not exited yet */
	MOUNT_MOUNTED,
	MOUNT_REMOUNTING,      /* reload: mount -o remount */
	MOUNT_UNMOUNTING,      /* /bin/umount runs */
	MOUNT_MOUNTING_SIGTERM,
	MOUNT_MOUNTING_SIGKILL,
	MOUNT_UNMOUNTING_SIGTERM,
	MOUNT_UNMOUNTING_SIGKILL,
	MOUNT_FAILED,
	_MOUNT_STATE_MAX,
};

enum mount_result {
	MOUNT_SUCCESS,
	MOUNT_FAILURE_RESOURCES,
	MOUNT_FAILURE_TIMEOUT,
	MOUNT_FAILURE_EXIT_CODE,
	MOUNT_FAILURE_SIGNAL,
	MOUNT_FAILURE_CORE_DUMP,
	MOUNT_FAILURE_PROTOCOL,   /* mount said yes, but nothing was mounted */
	MOUNT_FAILURE_START_LIMIT_HIT,
	_MOUNT_RESULT_MAX,
};

/* What, Type=, Options= of the unit file, or as mountinfo shows them. */
struct mount_parameters {
	char *what;
	char *fstype;
	char *options;
};

struct mount_unit {
	struct unit meta;

	char *where;                    /* Where=, or the path the name says; kept over reloads
					 * (the monitor's table is keyed by it) */
	char *where_setting;            /* Where= as written: must match the name */
	struct mount_parameters fragment;
	struct mount_parameters proc;
	bool from_proc;                 /* in the last mountinfo read */
	unsigned proc_generation;       /* of the mountinfo read that saw it last */
	bool proc_just_mounted, proc_just_changed; /* within one mountinfo read */

	bool sloppy_options;
	bool lazy_unmount;
	bool force_unmount;
	bool read_write_only;
	mode_t directory_mode;
	usec_t timeout_usec;

	enum mount_state state;
	enum mount_result result;
	enum mount_result reload_result;
	unsigned n_retry_umount;        /* stacked mounts: umount again until none is left */
	bool state_rearm;               /* the next process state gets a fresh time-out */

	pid_t control_pid;
	struct exec_spawn control_spawn;
	struct exec_command *control_command;  /* owned: the argv built for mount/umount */
	char *failed_step;
	struct event_source *timer;

	struct exec_context exec_context;
	struct kill_context kill_context;
};

#define MOUNT(u) ((struct mount_unit *)(u))

extern const struct directive mount_directives[];

/* mount-config.c */
void mount_init_defaults(struct unit *u);
int mount_load(struct unit *u);
void mount_free_config(struct mount_unit *m);
/* The parameters in force: the unit file's, else mountinfo's. */
const struct mount_parameters *mount_parameters(const struct mount_unit *m);
/* "/", "/usr" and the API file systems: never unmounted by the manager. */
bool mount_point_is_extrinsic(const char *where);

/* mount.c: mountinfo says where is now mounted (true) or not. */
void mount_proc_update(struct mount_unit *m, bool mounted, bool changed);

/* mount-monitor.c */
/* Reads mountinfo now (after a control process exited, to learn its effect at once). */
void mount_monitor_rescan(struct manager *m);
/* The unit goes away (done): the monitor forgets it. */
void mount_monitor_forget(struct mount_unit *mu);

#endif
