/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdlib.h>
#include <syslog.h>

#include "core/exec.h"
#include "core/exec-sandbox.h"
#include "core/manager.h"
#include "macro.h"
#include "strv.h"

void
exec_context_init(struct exec_context *c)
{
	*c = (struct exec_context) {
		.umask = 0022,
		.std_input = EXEC_INPUT_NULL,
		.std_output = EXEC_OUTPUT_DEFAULT,
		.std_error = EXEC_OUTPUT_DEFAULT,
		.syslog_facility = LOG_DAEMON,
		.syslog_level = LOG_INFO,
		.syslog_level_prefix = true,
		.ignore_sigpipe = true,
	};
}

void
exec_context_done(struct exec_context *c)
{
	c->environment = strv_free(c->environment);
	c->environment_files = strv_free(c->environment_files);
	c->pass_environment = strv_free(c->pass_environment);
	c->unset_environment = strv_free(c->unset_environment);
	c->working_directory = mfree(c->working_directory);
	c->root_directory = mfree(c->root_directory);
	c->user = mfree(c->user);
	c->group = mfree(c->group);
	c->supplementary_groups = strv_free(c->supplementary_groups);
	for (size_t i = 0; i < ELEMENTSOF(c->rlimit); i++)
		c->rlimit[i] = mfree(c->rlimit[i]);
	c->std_input_path = mfree(c->std_input_path);
	c->std_output_path = mfree(c->std_output_path);
	c->std_error_path = mfree(c->std_error_path);
	c->tty_path = mfree(c->tty_path);
	c->syslog_identifier = mfree(c->syslog_identifier);
	c->pam_name = mfree(c->pam_name);
	c->sandbox = exec_sandbox_free(c->sandbox);
}

void
kill_context_init(struct kill_context *c)
{
	*c = (struct kill_context) {
		.kill_mode = KILL_CONTROL_GROUP,
		.kill_signal = SIGTERM,
		.restart_kill_signal = 0,
		.final_kill_signal = SIGKILL,
		.watchdog_signal = SIGABRT,
		.send_sigkill = true,
		.send_sighup = false,
	};
}

static const char *const exec_step_names[] = {
	[EXEC_STEP_NONE] = "none",
	[EXEC_STEP_SIGNALS] = "signals",
	[EXEC_STEP_SESSION] = "session",
	[EXEC_STEP_CGROUP] = "cgroup",
	[EXEC_STEP_FDS] = "fds",
	[EXEC_STEP_STDIN] = "stdin",
	[EXEC_STEP_STDOUT] = "stdout",
	[EXEC_STEP_STDERR] = "stderr",
	[EXEC_STEP_ENVIRONMENT] = "environment",
	[EXEC_STEP_USER] = "user",
	[EXEC_STEP_GROUP] = "group",
	[EXEC_STEP_RLIMIT] = "rlimit",
	[EXEC_STEP_NICE] = "nice",
	[EXEC_STEP_OOM_ADJUST] = "oom-score-adjust",
	[EXEC_STEP_CPU_SCHED] = "cpu-scheduling",
	[EXEC_STEP_CPU_AFFINITY] = "cpu-affinity",
	[EXEC_STEP_IOPRIO] = "io-priority",
	[EXEC_STEP_TIMER_SLACK] = "timer-slack",
	[EXEC_STEP_PERSONALITY] = "personality",
	[EXEC_STEP_DIRECTORIES] = "directories",
	[EXEC_STEP_NETWORK] = "network",
	[EXEC_STEP_HOSTNAME] = "hostname",
	[EXEC_STEP_NAMESPACE] = "namespace",
	[EXEC_STEP_PROTECT] = "protect",
	[EXEC_STEP_CHROOT] = "chroot",
	[EXEC_STEP_CHDIR] = "chdir",
	[EXEC_STEP_UMASK] = "umask",
	[EXEC_STEP_CAPABILITIES] = "capabilities",
	[EXEC_STEP_SECUREBITS] = "securebits",
	[EXEC_STEP_SETGROUPS] = "setgroups",
	[EXEC_STEP_SETGID] = "setgid",
	[EXEC_STEP_SETUID] = "setuid",
	[EXEC_STEP_AMBIENT] = "ambient-capabilities",
	[EXEC_STEP_NO_NEW_PRIVILEGES] = "no-new-privileges",
	[EXEC_STEP_SECCOMP] = "seccomp",
	[EXEC_STEP_EXECVE] = "execve",
};
_Static_assert(ELEMENTSOF(exec_step_names) == _EXEC_STEP_MAX,
	       "exec_step_names[] must name every enum exec_step");

const char *
exec_step_to_string(enum exec_step s)
{
	if ((unsigned)s >= ELEMENTSOF(exec_step_names))
		return NULL;
	return exec_step_names[s];
}

static const char *const exec_input_names[] = {
	[EXEC_INPUT_NULL] = "null",
	[EXEC_INPUT_TTY] = "tty",
	[EXEC_INPUT_TTY_FORCE] = "tty-force",
	[EXEC_INPUT_TTY_FAIL] = "tty-fail",
	[EXEC_INPUT_SOCKET] = "socket",
	[EXEC_INPUT_FILE] = "file",
};
_Static_assert(ELEMENTSOF(exec_input_names) == _EXEC_INPUT_MAX,
	       "exec_input_names[] must name every enum exec_input");

const char *
exec_input_to_string(enum exec_input i)
{
	if ((unsigned)i >= ELEMENTSOF(exec_input_names))
		return NULL;
	return exec_input_names[i];
}

static const char *const exec_output_names[] = {
	[EXEC_OUTPUT_INHERIT] = "inherit",
	[EXEC_OUTPUT_NULL] = "null",
	[EXEC_OUTPUT_TTY] = "tty",
	[EXEC_OUTPUT_KMSG] = "kmsg",
	[EXEC_OUTPUT_SYSLOG] = "syslog",
	[EXEC_OUTPUT_JOURNAL] = "journal",
	[EXEC_OUTPUT_KMSG_AND_CONSOLE] = "kmsg+console",
	[EXEC_OUTPUT_SOCKET] = "socket",
	[EXEC_OUTPUT_FILE] = "file",
	[EXEC_OUTPUT_FILE_APPEND] = "append",
	[EXEC_OUTPUT_FILE_TRUNCATE] = "truncate",
};
_Static_assert(ELEMENTSOF(exec_output_names) == _EXEC_OUTPUT_MAX,
	       "exec_output_names[] must name every enum exec_output");

/* "file", "append" and "truncate" name the kind only; the path is in std_*_path. */
const char *
exec_output_to_string(enum exec_output o)
{
	if (o == EXEC_OUTPUT_DEFAULT)
		return "default";
	if ((unsigned)o >= ELEMENTSOF(exec_output_names))
		return NULL;
	return exec_output_names[o];
}

static const char *const kill_mode_names[] = {
	[KILL_CONTROL_GROUP] = "control-group",
	[KILL_PROCESS] = "process",
	[KILL_MIXED] = "mixed",
	[KILL_NONE] = "none",
};
_Static_assert(ELEMENTSOF(kill_mode_names) == _KILL_MODE_MAX,
	       "kill_mode_names[] must name every enum kill_mode");

const char *
kill_mode_to_string(enum kill_mode m)
{
	if ((unsigned)m >= ELEMENTSOF(kill_mode_names))
		return NULL;
	return kill_mode_names[m];
}

int
exec_context_apply_defaults(struct exec_context *c, const struct manager_defaults *d)
{
	/* ember.conf's DefaultLimit*= settings fill in the limits the unit leaves unset. */
	for (size_t i = 0; i < RLIM_NLIMITS; i++)
		if (!c->rlimit[i] && d->rlimit[i]) {
			c->rlimit[i] = malloc(sizeof(struct rlimit));
			if (!c->rlimit[i])
				return -ENOMEM;
			*c->rlimit[i] = *d->rlimit[i];
		}
	/* With a socket or tty on stdin, stdout follows stdin (inetd style), as in systemd. */
	if (c->std_output == EXEC_OUTPUT_DEFAULT && c->std_input != EXEC_INPUT_NULL &&
	    c->std_input != EXEC_INPUT_FILE)
		c->std_output = EXEC_OUTPUT_INHERIT;
	if (c->std_output == EXEC_OUTPUT_DEFAULT)
		c->std_output = d->std_output;
	if (c->std_error == EXEC_OUTPUT_DEFAULT)
		c->std_error = c->std_output == EXEC_OUTPUT_INHERIT ? EXEC_OUTPUT_INHERIT :
			       d->std_error == EXEC_OUTPUT_INHERIT ? c->std_output : d->std_error;
	return 0;
}
