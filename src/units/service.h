/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SERVICE_H
#define EMBER_SERVICE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/exec.h"
#include "core/unit.h"

struct event_source;

enum service_type {
	SERVICE_SIMPLE,   /* started as soon as fork() succeeded */
	SERVICE_EXEC,     /* started once execve() succeeded */
	SERVICE_FORKING,  /* started when ExecStart= exits 0; main PID from PIDFile= */
	SERVICE_ONESHOT,  /* started when ExecStart= exits 0 (then exited, or active with RemainAfterExit) */
	SERVICE_DBUS,     /* started when BusName= appears (bus activation issue) */
	SERVICE_NOTIFY,   /* started on READY=1 */
	SERVICE_IDLE,     /* like simple, but waits until the job queue is idle (bounded) */
	_SERVICE_TYPE_MAX,
};

/* Sub-states; service.c maps each to a unit_active_state. */
enum service_state {
	SERVICE_DEAD,          /* not running, never failed */
	SERVICE_CONDITION,     /* ExecCondition= running */
	SERVICE_START_PRE,     /* ExecStartPre= running */
	SERVICE_START,         /* ExecStart= running, waiting for readiness */
	SERVICE_START_POST,    /* ExecStartPost= running */
	SERVICE_RUNNING,       /* main process up */
	SERVICE_EXITED,        /* RemainAfterExit=yes and the main process is gone */
	SERVICE_RELOAD,        /* ExecReload= running or RELOADING=1 received */
	SERVICE_STOP,          /* ExecStop= running */
	SERVICE_STOP_SIGTERM,  /* KillSignal= sent, waiting */
	SERVICE_STOP_SIGKILL,  /* SIGKILL sent, waiting */
	SERVICE_STOP_POST,     /* ExecStopPost= running */
	SERVICE_FINAL_SIGTERM, /* killing what ExecStopPost= left behind */
	SERVICE_FINAL_SIGKILL,
	SERVICE_FAILED,        /* stopped after a failure; Result= says why */
	SERVICE_AUTO_RESTART,  /* waiting RestartSec= before starting again */
	_SERVICE_STATE_MAX,
};

enum service_exec_kind {
	SERVICE_EXEC_CONDITION,
	SERVICE_EXEC_START_PRE,
	SERVICE_EXEC_START,
	SERVICE_EXEC_START_POST,
	SERVICE_EXEC_RELOAD,
	SERVICE_EXEC_STOP,
	SERVICE_EXEC_STOP_POST,
	_SERVICE_EXEC_KIND_MAX,
};

enum service_restart {
	SERVICE_RESTART_NO,
	SERVICE_RESTART_ON_SUCCESS,
	SERVICE_RESTART_ON_FAILURE,
	SERVICE_RESTART_ON_ABNORMAL,
	SERVICE_RESTART_ON_WATCHDOG,
	SERVICE_RESTART_ON_ABORT,
	SERVICE_RESTART_ALWAYS,
	_SERVICE_RESTART_MAX,
};

/* Why the service last stopped; "success" unless something went wrong. */
enum service_result {
	SERVICE_SUCCESS,
	SERVICE_FAILURE_RESOURCES,  /* a spawn failed before exec (names the step) */
	SERVICE_FAILURE_PROTOCOL,   /* PIDFile missing, notify misuse */
	SERVICE_FAILURE_TIMEOUT,
	SERVICE_FAILURE_EXIT_CODE,
	SERVICE_FAILURE_SIGNAL,
	SERVICE_FAILURE_CORE_DUMP,
	SERVICE_FAILURE_WATCHDOG,
	SERVICE_FAILURE_START_LIMIT_HIT,
	SERVICE_SKIP_CONDITION,
	SERVICE_FAILURE_OOM_KILL,   /* the kernel's OOM killer hit a process of ours */
	_SERVICE_RESULT_MAX,
};

enum notify_access {
	NOTIFY_NONE,
	NOTIFY_MAIN,
	NOTIFY_EXEC,
	NOTIFY_ALL,
	_NOTIFY_ACCESS_MAX,
	NOTIFY_ACCESS_DEFAULT = -1,
};

/* A set of exit statuses and signals (SuccessExitStatus= and friends). */
struct exit_status_set {
	int *statuses;
	size_t n_statuses;
	int *signals;
	size_t n_signals;
};

struct service {
	struct unit meta;

	enum service_type type;
	enum service_restart restart;
	struct exit_status_set success_status, restart_prevent_status, restart_force_status;
	usec_t restart_usec;
	usec_t timeout_start_usec, timeout_stop_usec, timeout_abort_usec;
	usec_t watchdog_usec;     /* WatchdogSec= (and WATCHDOG_USEC= overrides) */
	bool remain_after_exit;
	bool guess_main_pid;
	bool root_directory_start_only;
	char *pid_file;
	char *bus_name;
	bool bus_name_good;       /* somebody owns bus_name on the bus now */
	enum notify_access notify_access;
	unsigned fd_store_max;    /* FileDescriptorStoreMax= */

	struct exec_command *exec[_SERVICE_EXEC_KIND_MAX];
	/* Lists a daemon-reload replaced while a process of theirs still ran (an array of
	 * _SERVICE_EXEC_KIND_MAX, allocated the first time one is needed). */
	struct exec_command **exec_retired;
	struct exec_context exec_context;
	struct kill_context kill_context;

	enum service_state state, deserialized_state;
	enum service_result result, reload_result;

	pid_t main_pid, control_pid;
	bool main_pid_known, main_pid_alien;
	struct exec_spawn main_spawn, control_spawn;
	enum service_exec_kind control_kind;
	struct exec_command *control_command; /* the one running now */
	struct exec_command *main_command;

	/* Exit info of the last main process, for status and the API. */
	struct dual_timestamp main_exec_start, main_exec_exit;
	pid_t main_exec_pid;
	int main_exec_code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
	int main_exec_status;

	char *status_text;    /* STATUS= */
	int status_errno;     /* ERRNO= */
	char *failed_step;    /* "ExecStart=/bin/foo: step user: no such user 'x'" */
	unsigned n_restarts;
	bool notify_ready;    /* READY=1 seen during this start */
	bool forbid_restart;  /* stopped by request: no Restart= */
	bool reset_accounting;

	struct event_source *timer;   /* state timeout, RestartSec */
	struct event_source *watchdog_timer;
	struct fd_store *fd_store;        /* FDSTORE=1 fds; kept across restarts */
	int connection_fd;                /* Accept=yes: this instance's connection, or -1 */
	struct unit *accept_socket;       /* ... and the socket unit that accepted it */
	struct event_source *exec_watch;  /* Type=exec: the status pipe of the main spawn */
	struct event_source *idle_timer;  /* Type=idle: looks whether other jobs are done */
	usec_t idle_since;
	usec_t watchdog_last_ping;

	/* Output of the service's processes: one pipe for the main process, one for the
	 * current control command, so neither cuts off the other. */
	struct service_log {
		struct service *service;
		int fd;                   /* read end, -1 if none */
		pid_t pid;                /* the process it was made for, for the tag */
		char *ident;              /* SyslogIdentifier= or that command's basename */
		struct event_source *source;
		char *buffer;             /* partial line */
		size_t buffer_len;
	} *logs[2];                   /* allocated with the first pipe: most units never run */
};

#define SERVICE(u) ((struct service *)(u))

const char *service_state_to_string(enum service_state s);
const char *service_type_to_string(enum service_type t);
const char *service_result_to_string(enum service_result r);
const char *service_restart_to_string(enum service_restart r);
const char *notify_access_to_string(enum notify_access n);
const char *service_exec_kind_to_string(enum service_exec_kind k); /* "ExecStart", ... */

/* Accept=yes: gives the instance its connection (fd ownership passes) and the socket unit
 * it came from, which hears when the instance is gone. */
void service_set_connection(struct unit *u, int fd, struct unit *socket);

#endif
