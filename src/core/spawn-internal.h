/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SPAWN_INTERNAL_H
#define EMBER_SPAWN_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"
#include "macro.h"

/* Shared by the child's setup steps: spawn.c runs them in order, spawn-*.c hold the
 * sandbox steps. Only ever used in the child.
 *
 * The child usually shares the manager's memory until it execs (spawn.c: clone() with
 * CLONE_VM | CLONE_VFORK): what it allocates is allocated in the manager's heap, and
 * the manager frees it once the child has exec'd or exited. So every allocation a step
 * makes must be reachable from struct child whenever the child may end: either a field
 * below (env, argv, ...), or held with child_hold() while a step that may still fail
 * (child_fail() _exit()s at once, no cleanup runs) keeps a temporary. Steps may also
 * free a temporary themselves before they fail. The steps must not change anything else
 * the manager keeps: no static or global variable, no stdio stream, no environ, no
 * signal handler of the manager's (the child has its own table), only _exit(). */

/* A step's temporary allocation: release(where) frees what *where points to and clears
 * it; memory only (the child's fds and mounts are not the manager's to close). */
struct child_hold {
	void *where;
	void (*release)(void *where);
};
#define CHILD_HOLDS_MAX 8

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
	char *exec_path;        /* the program found in $PATH, if it had no '/' */
	void *seccomp_program;  /* step seccomp's instruction buffer, never freed behind a filter */

	struct child_hold holds[CHILD_HOLDS_MAX];
	size_t n_holds;
};

/* Registers where (the address of a step's local pointer, or of a struct) for release()
 * should the child end before child_release(ch, where). Nested holds are released last
 * first; the registry is small, more than CHILD_HOLDS_MAX at once fails the step. */
void child_hold(struct child *ch, enum exec_step step, void *where, void (*release)(void *));
/* Runs the release of the latest hold, which must be where, and forgets it. */
void child_release(struct child *ch, void *where);
/* Release functions for child_hold(): where is a char ** (or any T **), a char ***. */
void child_hold_free(void *where);
void child_hold_strv_free(void *where);

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
