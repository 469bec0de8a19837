/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_H
#define EMBER_EXEC_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "core/exec-command.h"
#include "time-util.h"
#include "units/directives.h" /* struct directive: an array of it needs the full type */

struct unit;

/* The execution environment of a service's processes (systemd.exec(5)): everything the
 * child sets up between fork() and execve(). Parsed from [Service]/[Socket]/... sections. */

enum exec_input {
	EXEC_INPUT_NULL,
	EXEC_INPUT_TTY,
	EXEC_INPUT_TTY_FORCE,
	EXEC_INPUT_TTY_FAIL,
	EXEC_INPUT_SOCKET,
	EXEC_INPUT_FILE,
	_EXEC_INPUT_MAX,
};

enum exec_output {
	EXEC_OUTPUT_INHERIT,
	EXEC_OUTPUT_NULL,
	EXEC_OUTPUT_TTY,
	EXEC_OUTPUT_KMSG,
	EXEC_OUTPUT_SYSLOG,      /* through the manager's log pipe to /dev/log */
	EXEC_OUTPUT_JOURNAL,     /* same as syslog here: the manager forwards it */
	EXEC_OUTPUT_KMSG_AND_CONSOLE,
	EXEC_OUTPUT_SOCKET,
	EXEC_OUTPUT_FILE,        /* file: */
	EXEC_OUTPUT_FILE_APPEND, /* append: */
	EXEC_OUTPUT_FILE_TRUNCATE, /* truncate: */
	_EXEC_OUTPUT_MAX,
	EXEC_OUTPUT_DEFAULT = -1, /* unset: DefaultStandardOutput= (stdout), stdout (stderr) */
};

struct exec_environment_file {
	char *path;
	bool ignore_missing; /* '-' prefix */
};

struct exec_context {
	char **environment;           /* "K=V" from Environment= */
	char **environment_files;     /* "-/path" or "/path", read in the child at spawn */
	char **pass_environment;
	char **unset_environment;
	char *working_directory;      /* NULL = / (system) or $HOME (user manager) */
	bool working_directory_home;  /* "~" */
	bool working_directory_missing_ok; /* '-' prefix */
	char *root_directory;
	mode_t umask;
	char *user;
	char *group;
	char **supplementary_groups;
	int nice;
	bool nice_set;
	int oom_score_adjust;
	bool oom_score_adjust_set;
	struct rlimit *rlimit[RLIM_NLIMITS]; /* NULL = inherit */

	enum exec_input std_input;
	enum exec_output std_output;
	enum exec_output std_error;
	char *std_input_path;
	char *std_output_path;
	char *std_error_path;
	char *tty_path;               /* default /dev/console */
	bool tty_reset;
	bool tty_vhangup;
	bool tty_vt_disallocate;

	char *syslog_identifier;      /* default: the command's basename */
	int syslog_facility;          /* LOG_DAEMON */
	int syslog_level;             /* LOG_INFO */
	bool syslog_level_prefix;     /* honour "<N>" at line start, default true */

	bool no_new_privileges;
	bool same_process_group;      /* SameProcessGroup= */
	bool ignore_sigpipe;          /* default true */
	char *pam_name;               /* accepted, not used */
	struct exec_sandbox *sandbox; /* NULL until a sandbox directive is set (exec-sandbox.h) */
};

/* What a spawn needs besides the context: fds to pass, extra environment, flags. */
struct exec_params {
	const char *unit_id;
	char **environment;       /* manager's default environment + NOTIFY_SOCKET etc. */
	int *fds;                 /* passed as 3.. (LISTEN_FDS), in order */
	char **fd_names;
	size_t n_fds;
	int stdin_fd, stdout_fd, stderr_fd; /* used for socket/log pipe, -1 otherwise */
	const char *cgroup_path;  /* absolute cgroup dir to join, NULL = none */
	bool new_session;         /* setsid(), so the service can be killed as a process group */
	bool is_control;          /* a control command (ExecStartPre, ...), for messages */
	bool user_manager;        /* WorkingDirectory default is $HOME */
	bool apply_sandbox;       /* false for '+' commands */
	usec_t watchdog_usec;     /* sets WATCHDOG_USEC/WATCHDOG_PID when non-zero */
};

/* The setup steps of the child, in order. A failure reports the step through the status
 * pipe; the parent logs "ExecStart=/bin/foo: step user: no such user 'www'". */
enum exec_step {
	EXEC_STEP_NONE,
	EXEC_STEP_SIGNALS,
	EXEC_STEP_SESSION,
	EXEC_STEP_CGROUP,
	EXEC_STEP_FDS,
	EXEC_STEP_STDIN,
	EXEC_STEP_STDOUT,
	EXEC_STEP_STDERR,
	EXEC_STEP_ENVIRONMENT,
	EXEC_STEP_USER,
	EXEC_STEP_GROUP,
	EXEC_STEP_RLIMIT,
	EXEC_STEP_NICE,
	EXEC_STEP_OOM_ADJUST,
	EXEC_STEP_CPU_SCHED,        /* CPUScheduling*= (these five: spawn-process.c) */
	EXEC_STEP_CPU_AFFINITY,
	EXEC_STEP_IOPRIO,
	EXEC_STEP_TIMER_SLACK,
	EXEC_STEP_PERSONALITY,
	EXEC_STEP_DIRECTORIES,
	EXEC_STEP_NETWORK,          /* PrivateNetwork= (spawn-isolate.c) */
	EXEC_STEP_HOSTNAME,         /* ProtectHostname= (spawn-isolate.c) */
	EXEC_STEP_NAMESPACE,        /* the mount namespace (spawn-namespace.c) */
	EXEC_STEP_PROTECT,          /* what Protect*= take away beyond mounts (spawn-isolate.c) */
	EXEC_STEP_CHROOT,
	EXEC_STEP_CHDIR,
	EXEC_STEP_UMASK,
	EXEC_STEP_CAPABILITIES,     /* CapabilityBoundingSet= */
	EXEC_STEP_SECUREBITS,
	EXEC_STEP_SETGROUPS,
	EXEC_STEP_SETGID,
	EXEC_STEP_SETUID,
	EXEC_STEP_AMBIENT,          /* AmbientCapabilities= */
	EXEC_STEP_NO_NEW_PRIVILEGES,
	EXEC_STEP_SECCOMP,          /* every seccomp filter (spawn-seccomp.c) */
	EXEC_STEP_EXECVE,
	_EXEC_STEP_MAX,
};
const char *exec_step_to_string(enum exec_step s);

/* The exit code a child uses when a step fails (so the status pipe is not the only
 * source): 200 + step, like systemd's EXIT_* range. */
#define EXEC_STEP_EXIT_BASE 200

/* The status report the child writes to the pipe before _exit(). */
struct exec_status_report {
	int step;   /* enum exec_step */
	int error;  /* positive errno, or 0 */
	char detail[256]; /* e.g. "no such user 'www'" */
};

/* Result of a spawn, kept by the caller until the child is reaped. */
struct exec_spawn {
	pid_t pid;
	int status_fd;  /* read end of the status pipe; -1 once drained */
};

void exec_context_init(struct exec_context *c);
void exec_context_done(struct exec_context *c);
/* At load: ember.conf's DefaultLimit*= and DefaultStandardOutput/Error= fill what the unit
 * left unset. Returns 0 or -ENOMEM. */
struct manager_defaults;
int exec_context_apply_defaults(struct exec_context *c, const struct manager_defaults *d);

/* Reads EMBER_SPAWN from the environment, once at start-up: "fork" makes every spawn
 * use fork() instead of the shared-memory clone (spawn.c). Optional: without it, spawns
 * clone where that is safe. */
void exec_spawn_init(void);
/* Starts a child that runs command. The child does every setup step, then execve(); the
 * parent returns once the child has exec'd or exited (shared-memory clone) or right
 * after fork(), and never asks NSS. Returns 0 with *ret filled, or -errno if no child
 * or pipe could be made. */
int exec_spawn(const struct exec_command *command, const struct exec_context *ctx,
	       const struct exec_params *params, struct exec_spawn *ret);
/* After the child was reaped: reads its report, if any (non-blocking), closes status_fd.
 * Returns 1 with *report filled if a step failed, 0 if exec succeeded. */
int exec_spawn_collect(struct exec_spawn *s, struct exec_status_report *report);

/* Directive rows for the exec context (offsets from struct exec_context). Each type's
 * section name is substituted at lookup: section field here is NULL. */
extern const struct directive exec_directives[];
/* ExecStart=-style lists: data is an array of list heads, arg the index; a bare program
 * name is resolved through the manager's PATH. */
int parse_exec_command(const struct parse_ctx *c, const char *v, int arg, void *data);

/* Type=... KillMode= etc. (systemd.kill(5)). */
enum kill_mode {
	KILL_CONTROL_GROUP,
	KILL_PROCESS,
	KILL_MIXED,
	KILL_NONE,
	_KILL_MODE_MAX,
};

struct kill_context {
	enum kill_mode kill_mode;
	int kill_signal;       /* SIGTERM */
	int restart_kill_signal; /* 0 = kill_signal */
	int final_kill_signal; /* SIGKILL */
	int watchdog_signal;   /* SIGABRT */
	bool send_sigkill;
	bool send_sighup;
};
void kill_context_init(struct kill_context *c);
const char *kill_mode_to_string(enum kill_mode m);
extern const struct directive kill_directives[];

/* Dumps the context for status/show. */
const char *exec_output_to_string(enum exec_output o);
const char *exec_input_to_string(enum exec_input i);

#endif
