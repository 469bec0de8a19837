/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SPAWN_INTERNAL_H
#define EMBER_SPAWN_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"
#include "macro.h"

/* Shared by the child's setup steps: spawn.c runs them in order, spawn-*.c hold the
 * sandbox steps. Only ever used in the forked child. */

/* Everything the child's steps share. */
struct child {
	const struct exec_command *command;
	const struct exec_context *ctx;
	const struct exec_params *params;
	int status_fd;
	int io_fds[3];          /* params' stdin/stdout/stderr fds once moved out of the way */
	bool is_privileged;     /* '+' or !apply_sandbox: no credentials, chroot, NNP */
	bool keeps_credentials; /* '+' or '!': no setgroups/setgid/setuid */
	bool tty_prepared;

	/* From User=/Group=/SupplementaryGroups=, looked up in the child. */
	char *user_name, *home, *shell;
	uid_t uid;
	gid_t gid;
	bool has_uid, has_gid;
	gid_t *groups;
	size_t n_groups;

	char **env;
	char **argv;
};

/* Reports the failed step through the status pipe and _exit()s; never returns. */
_noreturn_ _printf_(4, 5) void child_fail(struct child *ch, enum exec_step step, int error,
					  const char *fmt, ...);
#define child_oom(ch, step) child_fail((ch), (step), ENOMEM, "out of memory")

/* spawn-directories.c: RuntimeDirectory= and friends. The *_DIRECTORY variables (called
 * by step environment), and the directories step itself. */
void child_directories_env(struct child *ch);
void step_directories(struct child *ch);

/* spawn-process.c: the process attributes of the sandbox. step_process_attributes() runs
 * the cpu-scheduling, cpu-affinity, io-priority, timer-slack and personality steps;
 * step_capabilities() (bounding set) and step_securebits() come before setgroups,
 * step_ambient() right after setuid. */
void step_process_attributes(struct child *ch);
void step_capabilities(struct child *ch);
void step_securebits(struct child *ch);
void step_ambient(struct child *ch);
/* spawn-seccomp.c: installs every seccomp filter, last before execve. */
void step_seccomp(struct child *ch);

/* spawn-isolate.c, spawn-namespace.c: right before chroot, in this order. */
void step_network(struct child *ch);
void step_hostname(struct child *ch);
void step_namespace(struct child *ch);
void step_protect(struct child *ch);

#endif
