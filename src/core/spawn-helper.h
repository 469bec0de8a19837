/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SPAWN_HELPER_H
#define EMBER_SPAWN_HELPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"

struct unit;

/* The control processes of mount and swap units: a system tool (/bin/mount, /sbin/swapon,
 * ...) run with argv (argv[0] is its path; taken over, also on failure), in the unit's
 * cgroup, with the manager's environment and without $VAR expansion (a share called
 * //host/c$ is not a variable). new_session: setsid(), so that a hanging tool is killed
 * with what it started; false keeps the manager's process group (which an autofs
 * placeholder lets through). *command (freed first) holds the command line while the
 * process runs; *spawn gets the process, which u watches. Returns 0 or -errno. */
int unit_spawn_helper(struct unit *u, const struct exec_context *ctx, char **argv,
		      bool new_session, struct exec_command **command, struct exec_spawn *spawn);

#endif
