/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup.h"
#include "core/exec-command.h"
#include "core/manager.h"
#include "core/spawn-helper.h"
#include "log.h"
#include "strv.h"

int
unit_spawn_helper(struct unit *u, const struct exec_context *ctx, char **argv,
		  bool new_session, struct exec_command **command, struct exec_spawn *spawn)
{
	char cgroup_dir[PATH_MAX];
	struct exec_params p = {
		.unit_id = u->id,
		.environment = u->manager->environment,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.new_session = new_session,
		.is_control = true,
		.apply_sandbox = true,
		.cgroup_path = unit_cgroup_fs_path(u, cgroup_dir, sizeof(cgroup_dir)),
	};
	struct exec_command *c;
	int r;

	*command = exec_command_free_list(*command);
	c = calloc(1, sizeof(*c));
	if (!c || !argv || !argv[0] || !(c->path = strdup(argv[0]))) {
		free(c);
		strv_free(argv);
		return -ENOMEM;
	}
	c->argv = argv;
	c->flags = EXEC_NO_ENV_EXPAND;
	*command = c;
	r = unit_cgroup_realize(u);
	if (r < 0)
		log_unit_debug(u, "No cgroup for %s: %s", c->path, strerror(-r));
	r = exec_spawn(c, ctx, &p, spawn);
	if (r < 0)
		return r;
	return unit_watch_pid(u, spawn->pid);
}
