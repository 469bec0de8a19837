/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "activation/bus-names.h"
#include "core/cgroup-config.h"
#include "core/cgroup.h"
#include "core/event.h"
#include "core/exec-directories.h"
#include "core/job.h"
#include "core/log-forward.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "activation/listen.h"
#include "units/service.h"
#include "activation/fdstore.h"
#include "units/socket.h"
#include "units/unit-vtable.h"

/* The service state machine. A start walks
 *   DEAD -> CONDITION -> START_PRE -> START -> START_POST -> RUNNING (or EXITED)
 * skipping states with no commands; a stop walks
 *   STOP -> STOP_SIGTERM -> STOP_SIGKILL -> STOP_POST -> FINAL_SIGTERM -> FINAL_SIGKILL
 * and ends in DEAD, FAILED (result != success) or AUTO_RESTART (Restart= says so, then
 * START again after RestartSec=). service_set_state() is the one place the state changes. */

extern const struct directive service_directives[];
int service_load_check(struct unit *u);

static const char *const state_names[_SERVICE_STATE_MAX] = {
	[SERVICE_DEAD] = "dead",
	[SERVICE_CONDITION] = "condition",
	[SERVICE_START_PRE] = "start-pre",
	[SERVICE_START] = "start",
	[SERVICE_START_POST] = "start-post",
	[SERVICE_RUNNING] = "running",
	[SERVICE_EXITED] = "exited",
	[SERVICE_RELOAD] = "reload",
	[SERVICE_STOP] = "stop",
	[SERVICE_STOP_SIGTERM] = "stop-sigterm",
	[SERVICE_STOP_SIGKILL] = "stop-sigkill",
	[SERVICE_STOP_POST] = "stop-post",
	[SERVICE_FINAL_SIGTERM] = "final-sigterm",
	[SERVICE_FINAL_SIGKILL] = "final-sigkill",
	[SERVICE_FAILED] = "failed",
	[SERVICE_AUTO_RESTART] = "auto-restart",
};

static const enum unit_active_state state_map[_SERVICE_STATE_MAX] = {
	[SERVICE_DEAD] = UNIT_INACTIVE,
	[SERVICE_CONDITION] = UNIT_ACTIVATING,
	[SERVICE_START_PRE] = UNIT_ACTIVATING,
	[SERVICE_START] = UNIT_ACTIVATING,
	[SERVICE_START_POST] = UNIT_ACTIVATING,
	[SERVICE_RUNNING] = UNIT_ACTIVE,
	[SERVICE_EXITED] = UNIT_ACTIVE,
	[SERVICE_RELOAD] = UNIT_RELOADING,
	[SERVICE_STOP] = UNIT_DEACTIVATING,
	[SERVICE_STOP_SIGTERM] = UNIT_DEACTIVATING,
	[SERVICE_STOP_SIGKILL] = UNIT_DEACTIVATING,
	[SERVICE_STOP_POST] = UNIT_DEACTIVATING,
	[SERVICE_FINAL_SIGTERM] = UNIT_DEACTIVATING,
	[SERVICE_FINAL_SIGKILL] = UNIT_DEACTIVATING,
	[SERVICE_FAILED] = UNIT_FAILED,
	[SERVICE_AUTO_RESTART] = UNIT_ACTIVATING,
};

static const char *const result_names[_SERVICE_RESULT_MAX] = {
	[SERVICE_SUCCESS] = "success",
	[SERVICE_FAILURE_RESOURCES] = "resources",
	[SERVICE_FAILURE_PROTOCOL] = "protocol",
	[SERVICE_FAILURE_TIMEOUT] = "timeout",
	[SERVICE_FAILURE_EXIT_CODE] = "exit-code",
	[SERVICE_FAILURE_SIGNAL] = "signal",
	[SERVICE_FAILURE_CORE_DUMP] = "core-dump",
	[SERVICE_FAILURE_WATCHDOG] = "watchdog",
	[SERVICE_FAILURE_START_LIMIT_HIT] = "start-limit-hit",
	[SERVICE_SKIP_CONDITION] = "exec-condition",
	[SERVICE_FAILURE_OOM_KILL] = "oom-kill",
};

const char *service_state_to_string(enum service_state s)
{ return s < _SERVICE_STATE_MAX ? state_names[s] : NULL; }
const char *service_result_to_string(enum service_result r)
{ return r < _SERVICE_RESULT_MAX ? result_names[r] : NULL; }

static void service_enter_start_pre(struct service *s);
static void service_enter_start(struct service *s);
static void service_enter_start_post(struct service *s);
static void service_enter_running(struct service *s, enum service_result f);
static void service_enter_stop(struct service *s, enum service_result f);
static void service_enter_signal(struct service *s, enum service_state state, enum service_result f);
static void service_enter_stop_post(struct service *s, enum service_result f);
static void service_enter_dead(struct service *s, enum service_result f, bool allow_restart);

static int
on_timer(struct event_source *src, usec_t usec, void *userdata);

static void
arm_timer(struct service *s, usec_t usec)
{
	struct manager *m = UNIT(s)->manager;
	usec_t when = usec == USEC_INFINITY ? USEC_INFINITY : now(CLOCK_MONOTONIC) + usec;

	if (!s->timer) {
		if (when == USEC_INFINITY)
			return;
		if (event_add_time(m->event, when, on_timer, s, &s->timer) < 0)
			unit_log_event(UNIT(s), LOG_WARNING, "Cannot arm timer; no timeout applies.");
		return;
	}
	event_source_set_time(s->timer, when);
}

static usec_t
state_timeout(struct service *s, enum service_state st)
{
	switch (st) {
	case SERVICE_CONDITION:
	case SERVICE_START_PRE:
	case SERVICE_START:
	case SERVICE_START_POST:
	case SERVICE_RELOAD:
		return s->timeout_start_usec;
	case SERVICE_STOP:
	case SERVICE_STOP_SIGTERM:
	case SERVICE_STOP_SIGKILL:
	case SERVICE_STOP_POST:
	case SERVICE_FINAL_SIGTERM:
	case SERVICE_FINAL_SIGKILL:
		return s->timeout_stop_usec;
	case SERVICE_AUTO_RESTART:
		return s->restart_usec;
	default:
		return USEC_INFINITY;
	}
}

static bool
is_signal_state(enum service_state st)
{
	return st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL ||
	       st == SERVICE_FINAL_SIGTERM || st == SERVICE_FINAL_SIGKILL;
}

static void
service_set_state(struct service *s, enum service_state st)
{
	enum service_state old = s->state;
	struct manager *m = UNIT(s)->manager;

	/* Without cgroup notifications, stray exits are how we learn a group ran empty. */
	if (is_signal_state(st))
		(void)set_ensure_put(&m->group_waiters, UNIT(s));
	else
		set_remove(&m->group_waiters, UNIT(s));

	s->state = st;
	/* Down for good (no restart job under way): nobody is left to hand stored fds to. */
	if ((st == SERVICE_DEAD || st == SERVICE_FAILED) &&
	    (!UNIT(s)->job || UNIT(s)->job->type != JOB_RESTART))
		s->fd_store = fd_store_free(s->fd_store);
	arm_timer(s, state_timeout(s, st));
	if (st != SERVICE_RUNNING && s->watchdog_timer)
		event_source_set_enabled(s->watchdog_timer, false);
	if (old != st)
		log_unit_debug(UNIT(s), "Changed %s -> %s", state_names[old], state_names[st]);
	unit_notify(UNIT(s), state_map[old], state_map[st], s->reload_result == SERVICE_SUCCESS);
	if ((s->connection_fd >= 0 || s->accept_socket) && (st == SERVICE_DEAD || st == SERVICE_FAILED)) {
		/* A connection instance is done: the connection closes, the socket counts it. */
		s->connection_fd = safe_close(s->connection_fd);
		if (s->accept_socket && s->accept_socket->vtable->trigger_notify)
			s->accept_socket->vtable->trigger_notify(s->accept_socket, UNIT(s));
		s->accept_socket = NULL;
	}
}

/* Output. */

enum { LOG_MAIN, LOG_CONTROL };

static void
log_stream_flush(struct service_log *l, const char *buf, size_t n, bool flush)
{
	struct service *s = l->service;
	struct exec_context *c = &s->exec_context;

	log_forward_buffer(UNIT(s), c->std_output, c->syslog_facility, c->syslog_level,
			   c->syslog_level_prefix, l->ident ? l->ident : UNIT(s)->id, l->pid,
			   &l->buffer, &l->buffer_len, buf, n, flush);
}

/* Ends a stream: forwards what is buffered and closes the read end. */
static void
log_stream_close(struct service_log *l)
{
	if (!l || l->fd < 0)
		return;
	log_stream_flush(l, "", 0, true);
	l->source = event_source_free(l->source);
	l->fd = safe_close(l->fd);
}

static int
on_log(struct event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct service_log *l = userdata;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0) {
		log_stream_flush(l, buf, (size_t)n, false);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* Every writer is gone. */
	log_stream_close(l);
	return 0;
}

static bool
output_is_forwarded(enum exec_output o)
{
	return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_SYSLOG || o == EXEC_OUTPUT_KMSG ||
	       o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

/* Returns the write end of a new pipe for the main process or the control command (a new
 * fd the caller closes), or -1. The previous pipe of the same kind belonged to a process
 * that is gone (control commands run one at a time, a new main process means the old one
 * exited): flush it and let its reader go. */
static int
log_pipe_writer(struct service *s, int kind)
{
	struct service_log *l;
	int p[2];

	if (!output_is_forwarded(s->exec_context.std_output) &&
	    !output_is_forwarded(s->exec_context.std_error))
		return -1;
	if (!s->logs[kind]) {
		s->logs[kind] = calloc(1, sizeof(struct service_log));
		if (!s->logs[kind])
			return -1;
		s->logs[kind]->fd = -1;
		s->logs[kind]->service = s;
	}
	l = s->logs[kind];
	log_stream_close(l);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	if (event_add_io(UNIT(s)->manager->event, p[0], EPOLLIN, on_log, l, &l->source) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	l->service = s;
	l->fd = p[0];
	/* The child's end must block like a normal stdout. */
	fcntl(p[1], F_SETFL, 0);
	return p[1];
}

/* Spawning. */

/* The fds of the sockets that activate this service (Accept=no), or the connection
 * (Accept=yes, with REMOTE_ADDR/REMOTE_PORT), in LISTEN_FDS order. */
static int
collect_socket_fds(struct service *s, int **fds, size_t *n_fds, char ***names, char ***env)
{
	struct unit *other;

	if (s->connection_fd >= 0) {
		char peer[128], *e;
		const char *port;

		*fds = malloc(sizeof(int));
		if (!*fds || strv_extend(names, "connection") < 0)
			return -ENOMEM;
		(*fds)[0] = s->connection_fd;
		*n_fds = 1;
		if (listen_format_peer(s->connection_fd, peer, sizeof(peer)) >= 0 &&
		    (port = strrchr(peer, ':')) && peer[0] != '/' && peer[0] != '@') {
			char *host = strndup(peer[0] == '[' ? peer + 1 : peer,
					     (size_t)(port - peer) - (peer[0] == '[' ? 2 : 0));

			if (!host || asprintf(&e, "REMOTE_ADDR=%s", host) < 0 ||
			    strv_consume(env, e) < 0 || asprintf(&e, "REMOTE_PORT=%s", port + 1) < 0 ||
			    strv_consume(env, e) < 0) {
				free(host);
				return -ENOMEM;
			}
			free(host);
		}
		return 0;
	}
	SET_FOREACH(other, UNIT(s)->deps[UNIT_TRIGGERED_BY])
		if (other->type == UNIT_SOCKET && socket_collect_fds(other, fds, n_fds, names) < 0)
			return -ENOMEM;
	/* What the daemon handed back before its restart comes after the sockets. */
	return fd_store_collect(s->fd_store, fds, n_fds, names);
}

void
service_set_connection(struct unit *u, int fd, struct unit *socket)
{
	struct service *s = SERVICE(u);

	safe_close(s->connection_fd);
	s->connection_fd = fd;
	s->accept_socket = socket;
}

static int
service_spawn(struct service *s, struct exec_command *c, bool is_control, pid_t *ret_pid,
	      struct exec_spawn *spawn)
{
	struct unit *u = UNIT(s);
	struct manager *m = u->manager;
	_cleanup_strv_free_ char **env = strv_copy(m->environment), **fd_names = NULL;
	_cleanup_free_ int *fds = NULL;
	size_t n_fds = 0;
	char cgroup_dir[PATH_MAX];
	struct exec_params p = {
		.unit_id = u->id,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.new_session = !s->exec_context.same_process_group,
		.is_control = is_control,
		.user_manager = m->scope == SCOPE_USER,
		.apply_sandbox = !(c->flags & EXEC_FULL_PRIVILEGES),
		.cgroup_path = unit_cgroup_fs_path(u, cgroup_dir, sizeof(cgroup_dir)),
	};
	char *e;
	int logw, r;

	if (!env)
		return -ENOMEM;
	if (s->notify_access != NOTIFY_NONE && m->notify_socket_path) {
		if (asprintf(&e, "NOTIFY_SOCKET=%s", m->notify_socket_path) < 0 ||
		    strv_consume(&env, e) < 0)
			return -ENOMEM;
	}
	if (s->main_pid > 0 && is_control) {
		if (asprintf(&e, "MAINPID=%d", (int)s->main_pid) < 0 || strv_consume(&env, e) < 0)
			return -ENOMEM;
	}
	if (asprintf(&e, "MANAGERPID=%d", (int)getpid()) < 0 || strv_consume(&env, e) < 0)
		return -ENOMEM;
	if (u->invocation_id &&
	    (asprintf(&e, "INVOCATION_ID=%s", u->invocation_id) < 0 || strv_consume(&env, e) < 0))
		return -ENOMEM;
	if (!is_control)
		p.watchdog_usec = s->watchdog_usec;
	r = collect_socket_fds(s, &fds, &n_fds, &fd_names, &env);
	if (r < 0)
		return r;
	p.fds = fds;
	p.n_fds = n_fds;
	p.fd_names = fd_names;
	if (s->connection_fd >= 0 && s->exec_context.std_input == EXEC_INPUT_SOCKET)
		p.stdin_fd = s->connection_fd;
	p.environment = env;
	logw = log_pipe_writer(s, is_control ? LOG_CONTROL : LOG_MAIN);
	if (output_is_forwarded(s->exec_context.std_output))
		p.stdout_fd = logw;
	if (output_is_forwarded(s->exec_context.std_error))
		p.stderr_fd = logw;
	r = exec_spawn(c, &s->exec_context, &p, spawn);
	safe_close(logw);
	if (r < 0)
		return r;
	if (logw >= 0) {
		struct service_log *l = s->logs[is_control ? LOG_CONTROL : LOG_MAIN];
		const char *base = strrchr(c->argv && c->argv[0] ? c->argv[0] : c->path, '/');

		l->pid = spawn->pid;
		free(l->ident);
		l->ident = strdup(s->exec_context.syslog_identifier ?
				  s->exec_context.syslog_identifier :
				  base ? base + 1 : c->argv && c->argv[0] ? c->argv[0] : c->path);
	}
	r = unit_watch_pid(u, spawn->pid);
	if (r < 0)
		return r;
	*ret_pid = spawn->pid;
	return 0;
}

/* Runs the first command of kind, or returns false if there is none. On a spawn error the
 * state machine goes to the failure path and true is returned. */
static bool
run_control(struct service *s, enum service_exec_kind kind, enum service_state st,
	    struct exec_command *c)
{
	int r;

	if (!c)
		return false;
	s->control_kind = kind;
	s->control_command = c;
	r = service_spawn(s, c, true, &s->control_pid, &s->control_spawn);
	if (r < 0) {
		unit_log_event(UNIT(s), LOG_ERR, "Failed to spawn %s: %s", service_exec_kind_to_string(kind),
			       strerror(-r));
		/* A failed ExecStopPost= goes straight to the final kill; anything else
		 * still gets ExecStopPost= run. */
		service_enter_signal(s, st == SERVICE_STOP_POST ? SERVICE_FINAL_SIGTERM :
				     SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
		return true;
	}
	service_set_state(s, st);
	return true;
}

static void
service_enter_condition(struct service *s)
{
	if (!run_control(s, SERVICE_EXEC_CONDITION, SERVICE_CONDITION, s->exec[SERVICE_EXEC_CONDITION]))
		service_enter_start_pre(s);
}

static void
service_enter_start_pre(struct service *s)
{
	if (!run_control(s, SERVICE_EXEC_START_PRE, SERVICE_START_PRE, s->exec[SERVICE_EXEC_START_PRE]))
		service_enter_start(s);
}

static int
on_exec_status(struct event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct service *s = userdata;
	int avail = 0;

	s->exec_watch = event_source_free(s->exec_watch);
	/* Bytes waiting mean a step failed: the child exits and SIGCHLD reports it. */
	if (ioctl(fd, FIONREAD, &avail) == 0 && avail > 0)
		return 0;
	if (s->state == SERVICE_START)
		service_enter_start_post(s);
	return 0;
}

static void
service_spawn_main(struct service *s, struct exec_command *c)
{
	int r;

	s->main_command = c;
	r = service_spawn(s, c, false, &s->main_pid, &s->main_spawn);
	if (r < 0) {
		unit_log_event(UNIT(s), LOG_ERR, "Failed to spawn ExecStart=%s: %s", c->path,
			       strerror(-r));
		service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
		return;
	}
	s->main_pid_known = true;
	s->main_exec_pid = s->main_pid;
	dual_timestamp_now(&s->main_exec_start);
	/* inetd style: the connection is the program's now. Unless another command of ours
	 * (or a restart) needs it, we let go at once, so the last close, and the FIN, are the
	 * program's and not a cost of the manager. */
	if (s->connection_fd >= 0 && !s->exec[SERVICE_EXEC_START_POST] &&
	    !s->exec[SERVICE_EXEC_RELOAD] && !s->exec[SERVICE_EXEC_STOP] &&
	    !s->exec[SERVICE_EXEC_STOP_POST] && s->restart == SERVICE_RESTART_NO)
		s->connection_fd = safe_close(s->connection_fd);
	service_set_state(s, SERVICE_START);
	switch (s->type) {
	case SERVICE_EXEC:
		/* Started once execve() worked: the status pipe closes empty then. */
		if (event_add_io(UNIT(s)->manager->event, s->main_spawn.status_fd, EPOLLIN,
				 on_exec_status, s, &s->exec_watch) < 0)
			service_enter_start_post(s);
		break;
	case SERVICE_SIMPLE:
	case SERVICE_IDLE:
		/* Up as soon as it runs. */
		service_enter_start_post(s);
		break;
	case SERVICE_DBUS:
		/* Up once its name is taken (service_bus_name_owner_change). An owner known
		 * from before is the previous process, whose release is still on its way. */
		break;
	default:
		/* forking/oneshot: until it exits; notify: until READY=1. */
		break;
	}
}

#define IDLE_MAX_USEC (5 * USEC_PER_SEC)
#define IDLE_POLL_USEC (100 * USEC_PER_MSEC)

static void
idle_stop_waiting(struct service *s)
{
	if (!s->idle_timer)
		return;
	s->idle_timer = event_source_free(s->idle_timer);
	UNIT(s)->manager->n_idle_waiting--;
}

/* Type=idle: the program runs once every other running job is done, or after 5 s, so
 * that its output (a getty's prompt) does not mix with boot messages. Only waits during
 * that short window; every other state change is event-driven. */
static int
on_idle_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct service *s = userdata;
	struct manager *m = UNIT(s)->manager;
	usec_t n = now(CLOCK_MONOTONIC);

	if (m->n_running_jobs > m->n_idle_waiting && n < s->idle_since + IDLE_MAX_USEC) {
		event_source_set_time(src, n + IDLE_POLL_USEC);
		return 0;
	}
	idle_stop_waiting(s);
	if (s->state == SERVICE_START && s->exec[SERVICE_EXEC_START])
		service_spawn_main(s, s->exec[SERVICE_EXEC_START]);
	return 0;
}

/* Returns true if the start is held back for now. */
static bool
service_idle_wait(struct service *s)
{
	struct manager *m = UNIT(s)->manager;

	/* Jobs dispatched in the same iteration may not run yet: look again in a moment. */
	if (s->idle_timer || hashmap_size(m->jobs) <= 1)
		return false;
	if (event_add_time(m->event, now(CLOCK_MONOTONIC) + IDLE_POLL_USEC, on_idle_timer, s,
			   &s->idle_timer) < 0)
		return false;
	m->n_idle_waiting++;
	s->idle_since = now(CLOCK_MONOTONIC);
	service_set_state(s, SERVICE_START);
	return true;
}

static void
service_enter_start(struct service *s)
{
	struct exec_command *c = s->exec[SERVICE_EXEC_START];

	if (!c) {
		/* A oneshot with only ExecStop= or SuccessAction=: nothing to run, it is just
		 * "up" (the state change still has to be seen, or its job would never end). */
		service_set_state(s, SERVICE_START);
		service_enter_start_post(s);
		return;
	}
	if (s->type == SERVICE_IDLE && service_idle_wait(s))
		return;
	service_spawn_main(s, c);
}

static void
service_enter_start_post(struct service *s)
{
	if (s->watchdog_usec && s->watchdog_usec != USEC_INFINITY)
		s->watchdog_last_ping = now(CLOCK_MONOTONIC);
	if (!run_control(s, SERVICE_EXEC_START_POST, SERVICE_START_POST,
			 s->exec[SERVICE_EXEC_START_POST]))
		service_enter_running(s, SERVICE_SUCCESS);
}

static int
on_watchdog(struct event_source *src, usec_t usec, void *userdata)
{
	struct service *s = userdata;

	unit_log_event(UNIT(s), LOG_ERR, "Watchdog timeout (limit %llus)!",
		       (unsigned long long)(s->watchdog_usec / USEC_PER_SEC));
	service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG);
	return 0;
}

static void
arm_watchdog(struct service *s)
{
	struct manager *m = UNIT(s)->manager;
	usec_t when;

	if (!s->watchdog_usec || s->watchdog_usec == USEC_INFINITY)
		return;
	when = now(CLOCK_MONOTONIC) + s->watchdog_usec;
	if (s->watchdog_timer)
		event_source_set_time(s->watchdog_timer, when);
	else
		event_add_time(m->event, when, on_watchdog, s, &s->watchdog_timer);
}

static bool
main_pid_alive(struct service *s)
{
	return s->main_pid > 0 && kill(s->main_pid, 0) == 0;
}

static void
service_enter_running(struct service *s, enum service_result f)
{
	if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
		s->result = f;
	if (s->result != SERVICE_SUCCESS) {
		service_enter_signal(s, SERVICE_STOP_SIGTERM, s->result);
		return;
	}
	if ((main_pid_alive(s) || (s->type == SERVICE_FORKING && !s->main_pid_known)) &&
	    (s->type != SERVICE_DBUS || s->bus_name_good)) {
		/* Type=dbus: running while its name is on the bus; losing the name stops it. */
		/* A forking daemon whose PID we could not learn is up until stopped. */
		service_set_state(s, SERVICE_RUNNING);
		arm_watchdog(s);
	} else if (s->remain_after_exit)
		service_set_state(s, SERVICE_EXITED);
	else
		service_enter_stop(s, SERVICE_SUCCESS);
}

static void
service_enter_stop(struct service *s, enum service_result f)
{
	if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
		s->result = f;
	if (!run_control(s, SERVICE_EXEC_STOP, SERVICE_STOP, s->exec[SERVICE_EXEC_STOP]))
		service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
}

/* Sends sig to the processes KillMode= names. Returns true if anything was signalled. */
static bool
kill_processes(struct service *s, int sig, bool main_only)
{
	enum kill_mode mode = s->kill_context.kill_mode;
	bool any = false;

	if (mode == KILL_NONE)
		return false;
	if (s->main_pid > 0 && kill(s->main_pid, sig) == 0) {
		any = true;
		if (sig != SIGKILL && sig != SIGCONT)
			kill(s->main_pid, SIGCONT);
	}
	if (s->control_pid > 0 && kill(s->control_pid, sig) == 0)
		any = true;
	if (mode == KILL_CONTROL_GROUP || (mode == KILL_MIXED && !main_only)) {
		if (UNIT(s)->cgroup_path) {
			if (unit_cgroup_kill(UNIT(s), sig) > 0)
				any = true;
		} else if (s->main_exec_pid > 0 && kill(-s->main_exec_pid, sig) == 0)
			/* Without cgroups the process group stands in for the cgroup. */
			any = true;
	}
	return any;
}

static bool
processes_remain(struct service *s)
{
	if (s->main_pid > 0 || s->control_pid > 0)
		return true;
	if (s->kill_context.kill_mode != KILL_CONTROL_GROUP && s->kill_context.kill_mode != KILL_MIXED)
		return false;
	if (UNIT(s)->cgroup_path)
		return unit_cgroup_populated(UNIT(s)) > 0;
	return s->main_exec_pid > 0 && kill(-s->main_exec_pid, 0) == 0;
}

static void
service_enter_signal(struct service *s, enum service_state st, enum service_result f)
{
	struct kill_context *k = &s->kill_context;
	int sig;
	bool main_only;

	if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
		s->result = f;
	if (st == SERVICE_STOP_SIGTERM || st == SERVICE_FINAL_SIGTERM) {
		sig = f == SERVICE_FAILURE_WATCHDOG ? k->watchdog_signal : k->kill_signal;
		main_only = k->kill_mode == KILL_MIXED;
	} else {
		sig = k->final_kill_signal;
		main_only = false;
	}
	if (st == SERVICE_STOP_SIGKILL || st == SERVICE_FINAL_SIGKILL) {
		if (!k->send_sigkill)
			goto next;
		unit_log_event(UNIT(s), LOG_NOTICE, "Processes still around after %s. Killing.",
			       st == SERVICE_STOP_SIGKILL ? "SIGTERM" : "final SIGTERM");
	}
	if (k->kill_mode == KILL_NONE) {
		/* Leave the processes alone, as asked; the unit is down regardless. */
		if (s->main_pid > 0)
			unit_unwatch_pid(UNIT(s), s->main_pid);
		if (s->control_pid > 0)
			unit_unwatch_pid(UNIT(s), s->control_pid);
		s->main_pid = s->control_pid = 0;
		goto next;
	}
	if (kill_processes(s, sig, main_only)) {
		if (k->send_sighup && sig == k->kill_signal)
			kill_processes(s, SIGHUP, main_only);
		service_set_state(s, st);
		return;
	}
	if (processes_remain(s)) {
		service_set_state(s, st);
		return;
	}
next:
	if (st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL)
		service_enter_stop_post(s, SERVICE_SUCCESS);
	else
		service_enter_dead(s, SERVICE_SUCCESS, true);
}

static void
service_enter_stop_post(struct service *s, enum service_result f)
{
	if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
		s->result = f;
	if (!run_control(s, SERVICE_EXEC_STOP_POST, SERVICE_STOP_POST,
			 s->exec[SERVICE_EXEC_STOP_POST]))
		service_enter_signal(s, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

static bool
status_in(const struct exit_status_set *set, int code, int status)
{
	if (code == CLD_EXITED) {
		for (size_t i = 0; i < set->n_statuses; i++)
			if (set->statuses[i] == status)
				return true;
	} else
		for (size_t i = 0; i < set->n_signals; i++)
			if (set->signals[i] == status)
				return true;
	return false;
}

static bool
should_restart(struct service *s)
{
	bool clean = s->result == SERVICE_SUCCESS;

	if (s->forbid_restart || s->result == SERVICE_FAILURE_START_LIMIT_HIT ||
	    s->result == SERVICE_SKIP_CONDITION)
		return false;
	if (s->main_exec_code && status_in(&s->restart_prevent_status, s->main_exec_code,
					     s->main_exec_status))
		return false;
	if (s->main_exec_code && status_in(&s->restart_force_status, s->main_exec_code,
					     s->main_exec_status))
		return true;
	switch (s->restart) {
	case SERVICE_RESTART_ALWAYS:
		return true;
	case SERVICE_RESTART_ON_SUCCESS:
		return clean;
	case SERVICE_RESTART_ON_FAILURE:
		return !clean;
	case SERVICE_RESTART_ON_ABNORMAL:
		return !clean && s->result != SERVICE_FAILURE_EXIT_CODE;
	case SERVICE_RESTART_ON_WATCHDOG:
		return s->result == SERVICE_FAILURE_WATCHDOG;
	case SERVICE_RESTART_ON_ABORT:
		return s->result == SERVICE_FAILURE_SIGNAL || s->result == SERVICE_FAILURE_CORE_DUMP;
	default:
		return false;
	}
}

static void
service_enter_dead(struct service *s, enum service_result f, bool allow_restart)
{
	if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
		s->result = f;
	s->main_pid = 0;
	s->control_pid = 0;
	if (s->result != SERVICE_SUCCESS)
		unit_log_event(UNIT(s), LOG_WARNING, "Failed with result '%s'.",
			       result_names[s->result]);
	exec_directories_runtime_stopped(UNIT(s), &s->exec_context, allow_restart && should_restart(s));
	if (allow_restart && should_restart(s)) {
		service_set_state(s, SERVICE_AUTO_RESTART);
		return;
	}
	s->forbid_restart = false;
	service_set_state(s, s->result != SERVICE_SUCCESS ? SERVICE_FAILED : SERVICE_DEAD);
}

static void
service_enter_reload(struct service *s)
{
	s->reload_result = SERVICE_SUCCESS;
	if (!run_control(s, SERVICE_EXEC_RELOAD, SERVICE_RELOAD, s->exec[SERVICE_EXEC_RELOAD])) {
		service_set_state(s, SERVICE_RELOAD);
		service_set_state(s, SERVICE_RUNNING);
	}
}

/* The Restart= timer, and every state timeout. */
static int
on_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct service *s = userdata;
	struct unit *u = UNIT(s);

	switch (s->state) {
	case SERVICE_CONDITION:
	case SERVICE_START_PRE:
	case SERVICE_START:
	case SERVICE_START_POST:
		unit_log_event(u, LOG_WARNING, "%s operation timed out. Terminating.",
			       s->state == SERVICE_START_POST ? "start-post" :
			       s->state == SERVICE_START ? "start" : "start-pre");
		service_enter_signal(s, s->state == SERVICE_START_POST || s->state == SERVICE_START ?
				     SERVICE_STOP_SIGTERM : SERVICE_FINAL_SIGTERM,
				     SERVICE_FAILURE_TIMEOUT);
		break;
	case SERVICE_RELOAD:
		unit_log_event(u, LOG_WARNING, "Reload operation timed out. Killing reload process.");
		if (s->control_pid > 0)
			kill(s->control_pid, SIGKILL);
		s->reload_result = SERVICE_FAILURE_TIMEOUT;
		service_set_state(s, SERVICE_RUNNING);
		break;
	case SERVICE_STOP:
		unit_log_event(u, LOG_WARNING, "Stopping timed out. Terminating.");
		service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
		break;
	case SERVICE_STOP_SIGTERM:
		unit_log_event(u, LOG_WARNING, "State 'stop-sigterm' timed out. %s",
			       s->kill_context.send_sigkill ? "Killing." : "Skipping SIGKILL.");
		service_enter_signal(s, SERVICE_STOP_SIGKILL, SERVICE_FAILURE_TIMEOUT);
		break;
	case SERVICE_STOP_SIGKILL:
	case SERVICE_FINAL_SIGKILL:
		unit_log_event(u, LOG_WARNING, "Processes still around after SIGKILL. Ignoring.");
		s->main_pid = s->control_pid = 0;
		if (s->state == SERVICE_STOP_SIGKILL)
			service_enter_stop_post(s, SERVICE_FAILURE_TIMEOUT);
		else
			service_enter_dead(s, SERVICE_FAILURE_TIMEOUT, true);
		break;
	case SERVICE_STOP_POST:
		unit_log_event(u, LOG_WARNING, "State 'stop-post' timed out. Terminating.");
		service_enter_signal(s, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT);
		break;
	case SERVICE_FINAL_SIGTERM:
		unit_log_event(u, LOG_WARNING, "State 'final-sigterm' timed out. %s",
			       s->kill_context.send_sigkill ? "Killing." : "Skipping SIGKILL.");
		service_enter_signal(s, SERVICE_FINAL_SIGKILL, SERVICE_FAILURE_TIMEOUT);
		break;
	case SERVICE_AUTO_RESTART: {
		_cleanup_free_ char *e = NULL;

		s->n_restarts++;
		log_unit_info(u, "Scheduled restart job, restart counter is at %u.", s->n_restarts);
		if (u->job && u->job->type == JOB_START) {
			/* The original start job still waits: restart under it. */
			u->vtable->start(u);
		} else if (manager_add_job(u->manager, JOB_RESTART, u, JOB_FAIL, NULL, &e) < 0) {
			unit_log_event(u, LOG_ERR, "Failed to schedule restart job: %s", strna(e));
			service_enter_dead(s, SERVICE_FAILURE_RESOURCES, false);
		}
		break;
	}
	default:
		break;
	}
	/* In fallback mode we cannot be told when the last stray process leaves; look again. */
	if ((s->state == SERVICE_STOP_SIGTERM || s->state == SERVICE_STOP_SIGKILL ||
	     s->state == SERVICE_FINAL_SIGTERM || s->state == SERVICE_FINAL_SIGKILL) &&
	    !s->main_pid && !s->control_pid && !processes_remain(s)) {
		if (s->state == SERVICE_STOP_SIGTERM || s->state == SERVICE_STOP_SIGKILL)
			service_enter_stop_post(s, SERVICE_SUCCESS);
		else
			service_enter_dead(s, SERVICE_SUCCESS, true);
	}
	return 0;
}

/* Reaping. */

static enum service_result
exit_result(int code, int status)
{
	if (code == CLD_EXITED)
		return status == 0 ? SERVICE_SUCCESS : SERVICE_FAILURE_EXIT_CODE;
	if (code == CLD_DUMPED)
		return SERVICE_FAILURE_CORE_DUMP;
	return SERVICE_FAILURE_SIGNAL;
}

static enum service_result
judge_exit(struct service *s, struct exec_command *c, int code, int status, bool is_main)
{
	enum service_result f = exit_result(code, status);

	if (f == SERVICE_SUCCESS || (c && (c->flags & EXEC_IGNORE_FAILURE)))
		return SERVICE_SUCCESS;
	if (status_in(&s->success_status, code, status))
		return SERVICE_SUCCESS;
	/* A main process ended by the signals we send to stop it ended cleanly. */
	if (is_main && s->type != SERVICE_ONESHOT && code == CLD_KILLED &&
	    (status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE))
		return SERVICE_SUCCESS;
	return f;
}

static void
note_spawn_report(struct service *s, struct exec_spawn *sp, struct exec_command *c,
		  enum service_exec_kind kind, enum service_result *f)
{
	struct exec_status_report rep;

	if (exec_spawn_collect(sp, &rep) <= 0)
		return;
	free(s->failed_step);
	if (asprintf(&s->failed_step, "%s=%s: step %s: %s%s%s", service_exec_kind_to_string(kind),
		     c ? c->path : "?", exec_step_to_string(rep.step),
		     rep.detail[0] ? rep.detail : strerror(rep.error),
		     rep.detail[0] && rep.error ? ": " : "",
		     rep.detail[0] && rep.error ? strerror(rep.error) : "") < 0)
		s->failed_step = NULL;
	unit_log_event(UNIT(s), LOG_ERR, "%s", s->failed_step ? s->failed_step : "spawn failed");
	if (!(c && (c->flags & EXEC_IGNORE_FAILURE)))
		*f = SERVICE_FAILURE_RESOURCES;
}

static int
read_pid_file(struct service *s)
{
	char buf[32];
	int fd, pid;
	ssize_t n;

	fd = open(s->pid_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EBADMSG;
	buf[n] = 0;
	if (safe_atoi(strstrip(buf), &pid) < 0 || pid <= 1)
		return -EBADMSG;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return -ESRCH;
	s->main_pid = pid;
	s->main_pid_known = true;
	s->main_exec_pid = pid;
	return unit_watch_pid(UNIT(s), pid);
}

/* Type=forking without PIDFile=: the daemon is the orphan that was reparented to us (we are
 * PID 1 or a subreaper) and that no unit watches yet. Only guessed when exactly one fits. */
static void
guess_main_pid(struct service *s)
{
	struct manager *m = UNIT(s)->manager;
	pid_t self = getpid(), found = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64], buf[512], *p;
		int pid, ppid, fd;
		ssize_t n;

		if (safe_atoi(de->d_name, &pid) < 0 || pid <= 1 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1 || ppid != self)
			continue;
		if (hashmap_get(m->watch_pids, (void *)(intptr_t)pid))
			continue;
		if (found) {
			closedir(d);
			return; /* ambiguous: better no main PID than the wrong one */
		}
		found = pid;
	}
	closedir(d);
	if (found && unit_watch_pid(UNIT(s), found) == 0) {
		s->main_pid = found;
		s->main_pid_known = true;
		unit_log_event(UNIT(s), LOG_INFO, "Guessed main PID %d.", (int)found);
	}
}

static void
main_exited(struct service *s, int code, int status)
{
	struct exec_command *c = s->main_command;
	enum service_result f = judge_exit(s, c, code, status, true);
	const char *how = code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed";

	s->main_pid = 0;
	s->exec_watch = event_source_free(s->exec_watch);
	s->main_exec_code = code;
	s->main_exec_status = status;
	dual_timestamp_now(&s->main_exec_exit);
	note_spawn_report(s, &s->main_spawn, c, SERVICE_EXEC_START, &f);
	unit_log_event(UNIT(s), f == SERVICE_SUCCESS ? LOG_DEBUG : LOG_NOTICE,
		       "Main process exited, code=%s, status=%d%s%s", how, status,
		       code == CLD_EXITED ? "" : "/", code == CLD_EXITED ? "" : strsignal(status));

	switch (s->state) {
	case SERVICE_START:
		if (s->type == SERVICE_FORKING) {
			if (f != SERVICE_SUCCESS) {
				service_enter_signal(s, SERVICE_STOP_SIGTERM, f);
				return;
			}
			s->main_pid_known = false; /* the parent is gone; the daemon is next */
			if (s->pid_file) {
				int r = read_pid_file(s);

				if (r < 0) {
					unit_log_event(UNIT(s), LOG_WARNING,
						       "PID file %s not readable (yet?) after start: %s",
						       s->pid_file, strerror(-r));
					service_enter_signal(s, SERVICE_STOP_SIGTERM,
							     SERVICE_FAILURE_PROTOCOL);
					return;
				}
			} else if (s->guess_main_pid)
				guess_main_pid(s);
			service_enter_start_post(s);
		} else if (s->type == SERVICE_ONESHOT) {
			if (f != SERVICE_SUCCESS) {
				service_enter_signal(s, SERVICE_STOP_SIGTERM, f);
				return;
			}
			if (c && c->next)
				service_spawn_main(s, c->next);
			else
				service_enter_start_post(s);
		} else {
			/* Type=notify died before READY=1. */
			service_enter_signal(s, SERVICE_STOP_SIGTERM,
					     f != SERVICE_SUCCESS ? f : SERVICE_FAILURE_PROTOCOL);
		}
		break;
	case SERVICE_START_POST:
	case SERVICE_RELOAD:
		/* Let the control process finish; its exit moves us on. */
		if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS)
			s->result = f;
		break;
	case SERVICE_RUNNING:
		if (f == SERVICE_SUCCESS && s->remain_after_exit)
			service_set_state(s, SERVICE_EXITED);
		else
			service_enter_stop(s, f);
		break;
	case SERVICE_STOP:
		if (f != SERVICE_SUCCESS && s->result == SERVICE_SUCCESS && !s->forbid_restart)
			s->result = f;
		/* No ExecStop= running (STOPPING=1, or it finished first): on to the rest. */
		if (!s->control_pid)
			service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
		break;
	case SERVICE_STOP_SIGTERM:
	case SERVICE_STOP_SIGKILL:
		if (!s->control_pid && !processes_remain(s))
			service_enter_stop_post(s, SERVICE_SUCCESS);
		break;
	case SERVICE_FINAL_SIGTERM:
	case SERVICE_FINAL_SIGKILL:
		if (!s->control_pid && !processes_remain(s))
			service_enter_dead(s, SERVICE_SUCCESS, true);
		break;
	default:
		break;
	}
}

static void
control_exited(struct service *s, int code, int status)
{
	struct exec_command *c = s->control_command;
	enum service_result f = judge_exit(s, c, code, status, false);

	s->control_pid = 0;
	note_spawn_report(s, &s->control_spawn, c, s->control_kind, &f);
	if (f != SERVICE_SUCCESS)
		unit_log_event(UNIT(s), LOG_NOTICE, "Control process %s=%s exited, code=%s, status=%d",
			       service_exec_kind_to_string(s->control_kind), c ? c->path : "?",
			       code == CLD_EXITED ? "exited" : "killed", status);
	/* The next command of the same list, if this one succeeded. */
	if (f == SERVICE_SUCCESS && c && c->next && s->state != SERVICE_CONDITION) {
		s->control_command = c->next;
		if (service_spawn(s, c->next, true, &s->control_pid, &s->control_spawn) == 0)
			return;
		f = SERVICE_FAILURE_RESOURCES;
	}
	s->control_command = NULL;

	switch (s->state) {
	case SERVICE_CONDITION:
		if (f == SERVICE_FAILURE_RESOURCES)
			service_enter_signal(s, SERVICE_STOP_SIGTERM, f); /* could not even run */
		else if (code == CLD_EXITED && status > 0 && status < 255) {
			unit_log_event(UNIT(s), LOG_INFO, "Skipped due to 'exec-condition'.");
			service_enter_dead(s, SERVICE_SUCCESS, false);
		} else if (f == SERVICE_SUCCESS) {
			if (c && c->next) {
				s->control_command = c->next;
				if (service_spawn(s, c->next, true, &s->control_pid, &s->control_spawn) == 0)
					return;
			}
			service_enter_start_pre(s);
		} else
			service_enter_signal(s, SERVICE_STOP_SIGTERM, f);
		break;
	case SERVICE_START_PRE:
		if (f == SERVICE_SUCCESS)
			service_enter_start(s);
		else
			service_enter_signal(s, SERVICE_STOP_SIGTERM, f);
		break;
	case SERVICE_START_POST:
		service_enter_running(s, f);
		break;
	case SERVICE_RELOAD:
		s->reload_result = f;
		if (main_pid_alive(s) || s->remain_after_exit || s->type == SERVICE_ONESHOT)
			service_set_state(s, main_pid_alive(s) ? SERVICE_RUNNING : SERVICE_EXITED);
		else
			service_enter_stop(s, s->result);
		break;
	case SERVICE_STOP:
		service_enter_signal(s, SERVICE_STOP_SIGTERM, f);
		break;
	case SERVICE_STOP_SIGTERM:
	case SERVICE_STOP_SIGKILL:
		if (!processes_remain(s))
			service_enter_stop_post(s, f);
		break;
	case SERVICE_STOP_POST:
		service_enter_signal(s, SERVICE_FINAL_SIGTERM, f);
		break;
	case SERVICE_FINAL_SIGTERM:
	case SERVICE_FINAL_SIGKILL:
		if (!processes_remain(s))
			service_enter_dead(s, f, true);
		break;
	default:
		break;
	}
}

static void
service_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct service *s = SERVICE(u);

	if (pid > 0 && pid == s->main_pid)
		main_exited(s, code, status);
	else if (pid > 0 && pid == s->control_pid)
		control_exited(s, code, status);
	else if (pid == 0 && is_signal_state(s->state) && !s->main_pid && !s->control_pid &&
		 !processes_remain(s)) {
		/* The last stray process of the group is gone. */
		if (s->state == SERVICE_STOP_SIGTERM || s->state == SERVICE_STOP_SIGKILL)
			service_enter_stop_post(s, SERVICE_SUCCESS);
		else
			service_enter_dead(s, SERVICE_SUCCESS, true);
	}
}

/* sd_notify. */

static bool
notify_allowed(struct service *s, pid_t pid)
{
	switch (s->notify_access) {
	case NOTIFY_NONE:
		return false;
	case NOTIFY_MAIN:
		return s->main_pid > 0 && pid == s->main_pid;
	case NOTIFY_EXEC:
		return (s->main_pid > 0 && pid == s->main_pid) ||
		       (s->control_pid > 0 && pid == s->control_pid);
	default:
		return true; /* any process of the unit: manager_get_unit_by_pid said so */
	}
}

/* FDSTORE=1: keeps the fds (FileDescriptorStoreMax= of them) for the next start. */
static void
store_fds(struct service *s, int *fds, size_t n_fds, const char *name, bool poll)
{
	struct unit *u = UNIT(s);

	if (name && !fd_name_is_valid(name)) {
		unit_log_event(u, LOG_WARNING, "Invalid FDNAME=%s, ignoring the fds sent with it.", name);
		name = NULL;
		goto refuse;
	}
	for (size_t i = 0; i < n_fds; i++) {
		int r = fd_store_add(&s->fd_store, u->manager->event, u->id, fds[i], name, poll,
				     s->fd_store_max);

		if (r == -EXFULL) {
			unit_log_event(u, LOG_WARNING,
				       "Attempted to store more fds than FileDescriptorStoreMax=%u allows, closing %zu.",
				       s->fd_store_max, n_fds - i);
			fds += i + 1;
			n_fds -= i + 1;
			goto refuse;
		} else if (r < 0) {
			unit_log_event(u, LOG_ERR, "Failed to store fd: %s", strerror(-r));
		}
	}
	unit_add_to_dbus_queue(u);
	return;
refuse:
	for (size_t i = 0; i < n_fds; i++)
		close(fds[i]);
}

static void
service_notify_message(struct unit *u, pid_t pid, uid_t uid, char **tags, int *fds,
		       size_t n_fds)
{
	struct service *s = SERVICE(u);
	bool ready = false, reloading = false, stopping = false;
	bool fdstore = false, fdstore_remove = false, fdpoll = true;
	const char *fdname = NULL;

	if (!notify_allowed(s, pid)) {
		if (s->notify_access == NOTIFY_NONE)
			unit_log_event(u, LOG_WARNING,
				       "Got notification message from PID %d, but reception is disabled.",
				       (int)pid);
		else
			unit_log_event(u, LOG_WARNING,
				       "Got notification message from PID %d, but reception only permitted for %s PID %d",
				       (int)pid, s->notify_access == NOTIFY_EXEC ? "main or control" : "main",
				       (int)s->main_pid);
		goto finish;
	}
	STRV_FOREACH(t, tags) {
		const char *v;

		if (streq(*t, "READY=1"))
			ready = true;
		else if (streq(*t, "RELOADING=1"))
			reloading = true;
		else if (streq(*t, "STOPPING=1"))
			stopping = true;
		else if ((v = startswith(*t, "STATUS="))) {
			free(s->status_text);
			s->status_text = strdup(v);
		} else if ((v = startswith(*t, "ERRNO="))) {
			safe_atoi(v, &s->status_errno);
		} else if ((v = startswith(*t, "MAINPID="))) {
			int p;

			if (safe_atoi(v, &p) < 0 || p <= 1 ||
			    (s->state != SERVICE_START && s->state != SERVICE_START_POST &&
			     s->state != SERVICE_RUNNING && s->state != SERVICE_RELOAD))
				unit_log_event(u, LOG_WARNING, "Ignoring MAINPID=%s.", v);
			else if (uid != 0 && manager_get_unit_by_pid(u->manager, p) != u)
				unit_log_event(u, LOG_WARNING,
					       "New main PID %d does not belong to the service, and the sender is not root. Refusing.",
					       p);
			else if (p != s->main_pid) {
				s->main_pid = p;
				s->main_pid_known = true;
				unit_watch_pid(u, p);
			}
		} else if (streq(*t, "WATCHDOG=1")) {
			arm_watchdog(s);
		} else if (streq(*t, "WATCHDOG=trigger")) {
			on_watchdog(NULL, 0, s);
			goto finish;
		} else if ((v = startswith(*t, "WATCHDOG_USEC="))) {
			unsigned long long x;

			if (safe_atollu(v, &x) == 0) {
				s->watchdog_usec = x;
				arm_watchdog(s);
			}
		} else if (streq(*t, "FDSTORE=1")) {
			fdstore = true;
		} else if (streq(*t, "FDSTOREREMOVE=1")) {
			fdstore_remove = true;
		} else if (streq(*t, "FDPOLL=0")) {
			fdpoll = false;
		} else if ((v = startswith(*t, "FDNAME="))) {
			fdname = v;
		} else if ((v = startswith(*t, "EXTEND_TIMEOUT_USEC="))) {
			unsigned long long x;

			if (safe_atollu(v, &x) == 0 && s->timer &&
			    event_source_get_enabled(s->timer))
				arm_timer(s, x);
		}
	}
	unit_add_to_dbus_queue(u);
	if (ready && s->type == SERVICE_NOTIFY && s->state == SERVICE_START) {
		s->notify_ready = true;
		service_enter_start_post(s);
	} else if (ready && s->state == SERVICE_RELOAD && !s->control_pid)
		service_set_state(s, SERVICE_RUNNING);
	else if (reloading && s->state == SERVICE_RUNNING) {
		s->reload_result = SERVICE_SUCCESS;
		service_set_state(s, SERVICE_RELOAD);
	} else if (stopping && s->state == SERVICE_RUNNING) {
		s->forbid_restart = true;
		service_set_state(s, SERVICE_STOP);
	}
	if (fdstore_remove && fdname)
		fd_store_remove_name(s->fd_store, fdname);
	if (fdstore) {
		store_fds(s, fds, n_fds, fdname, fdpoll);
		return;
	}
finish:
	for (size_t i = 0; i < n_fds; i++)
		close(fds[i]);
}

/* Operations. */

static int
service_start(struct unit *u)
{
	struct service *s = SERVICE(u);
	int r;

	if (s->state != SERVICE_DEAD && s->state != SERVICE_FAILED && s->state != SERVICE_AUTO_RESTART)
		return -EALREADY;
	if (!unit_test_start_limit(u)) {
		s->result = SERVICE_FAILURE_START_LIMIT_HIT;
		unit_log_event(u, LOG_WARNING, "Failed with result 'start-limit-hit'.");
		service_set_state(s, SERVICE_FAILED);
		return -ECANCELED;
	}
	for (int i = 0; s->exec_retired && i < _SERVICE_EXEC_KIND_MAX; i++)
		s->exec_retired[i] = exec_command_free_list(s->exec_retired[i]);
	s->result = SERVICE_SUCCESS;
	s->reload_result = SERVICE_SUCCESS;
	s->forbid_restart = false;
	s->notify_ready = false;
	s->main_pid = s->control_pid = 0;
	s->main_exec_pid = 0;
	s->main_exec_code = s->main_exec_status = 0;
	s->status_text = mfree(s->status_text);
	s->status_errno = 0;
	s->failed_step = mfree(s->failed_step);
	r = unit_cgroup_realize(u);
	if (r < 0) {
		if (asprintf(&s->failed_step, "step cgroup: %s", strerror(-r)) < 0)
			s->failed_step = NULL;
		service_enter_dead(s, SERVICE_FAILURE_RESOURCES, false);
		return -ECANCELED;
	}
	service_enter_condition(s);
	return 0;
}

static int
service_stop(struct unit *u)
{
	struct service *s = SERVICE(u);

	idle_stop_waiting(s);
	s->forbid_restart = true;
	switch (s->state) {
	case SERVICE_AUTO_RESTART:
		service_set_state(s, SERVICE_DEAD);
		return 0;
	case SERVICE_CONDITION:
	case SERVICE_START_PRE:
	case SERVICE_START:
	case SERVICE_START_POST:
	case SERVICE_RELOAD:
		service_enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
		return 0;
	case SERVICE_RUNNING:
	case SERVICE_EXITED:
		service_enter_stop(s, SERVICE_SUCCESS);
		return 0;
	default:
		return -EALREADY;
	}
}

static int
service_reload(struct unit *u)
{
	service_enter_reload(SERVICE(u));
	return 0;
}

static bool
service_can_reload(const struct unit *u)
{
	return SERVICE(u)->exec[SERVICE_EXEC_RELOAD] != NULL;
}

static int
service_kill(struct unit *u, const char *whom, int sig, char **error)
{
	struct service *s = SERVICE(u);
	pid_t pid = 0;

	if (streq(whom, "main"))
		pid = s->main_pid;
	else if (streq(whom, "control"))
		pid = s->control_pid;
	else if (streq(whom, "all")) {
		bool any = false;

		if (s->main_pid > 0 && kill(s->main_pid, sig) == 0)
			any = true;
		if (s->control_pid > 0 && kill(s->control_pid, sig) == 0)
			any = true;
		if (u->cgroup_path) {
			/* Everything in the cgroup, a setsid'd child too. */
			if (unit_cgroup_kill(u, sig) > 0)
				any = true;
		} else if (s->main_exec_pid > 0 && kill(-s->main_exec_pid, sig) == 0)
			any = true;
		if (!any)
			*error = strdup("No process to kill");
		return any ? 0 : -ESRCH;
	} else {
		*error = strdup("Invalid whom argument, must be main, control or all");
		return -EINVAL;
	}
	if (pid <= 0) {
		*error = strdup(streq(whom, "main") ? "No main process to kill" :
				"No control process to kill");
		return -ESRCH;
	}
	return kill(pid, sig) < 0 ? -errno : 0;
}

static void
service_reset_failed(struct unit *u)
{
	struct service *s = SERVICE(u);

	if (s->state == SERVICE_FAILED)
		service_set_state(s, SERVICE_DEAD);
	s->result = SERVICE_SUCCESS;
	s->n_restarts = 0;
}

static void
service_init(struct unit *u)
{
	struct service *s = SERVICE(u);
	struct manager *m = u->manager;

	exec_context_init(&s->exec_context);
	kill_context_init(&s->kill_context);
	s->timeout_start_usec = m->defaults.timeout_start;
	s->timeout_stop_usec = m->defaults.timeout_stop;
	s->timeout_abort_usec = m->defaults.timeout_abort;
	s->restart_usec = m->defaults.restart;
	s->notify_access = NOTIFY_ACCESS_DEFAULT;
	s->guess_main_pid = true;
	s->connection_fd = -1;
}

static void
free_status_set(struct exit_status_set *e)
{
	free(e->statuses);
	free(e->signals);
	*e = (struct exit_status_set){ 0 };
}

static void
service_reset_config(struct unit *u)
{
	struct service *s = SERVICE(u);
	struct manager *m = u->manager;

	/* The running commands stay valid until their processes exit: keep the lists the
	 * running main/control commands belong to, detached, only if something runs. */
	for (int i = 0; i < _SERVICE_EXEC_KIND_MAX; i++) {
		/* A list whose command runs now is retired, not freed; if one is retired
		 * already, that is the one running and the current list can go. */
		if (((s->main_pid > 0 && i == SERVICE_EXEC_START) ||
		     (s->control_pid > 0 && i == (int)s->control_kind)) &&
		    (!s->exec_retired || !s->exec_retired[i])) {
			if (!s->exec_retired &&
			    !(s->exec_retired = calloc(_SERVICE_EXEC_KIND_MAX, sizeof(struct exec_command *)))) {
				/* Cannot retire it: keep it in place rather than free a running list. */
				continue;
			}
			s->exec_retired[i] = s->exec[i];
			s->exec[i] = NULL;
			continue;
		}
		s->exec[i] = exec_command_free_list(s->exec[i]);
	}
	if (s->main_pid <= 0)
		s->main_command = NULL;
	if (s->control_pid <= 0)
		s->control_command = NULL;
	exec_context_done(&s->exec_context);
	exec_context_init(&s->exec_context);
	kill_context_init(&s->kill_context);
	free_status_set(&s->success_status);
	free_status_set(&s->restart_prevent_status);
	free_status_set(&s->restart_force_status);
	s->pid_file = mfree(s->pid_file);
	if (s->bus_name)
		bus_names_unwatch(m, u, s->bus_name);
	s->bus_name = mfree(s->bus_name);
	s->fd_store_max = 0;
	s->type = SERVICE_SIMPLE;
	s->restart = SERVICE_RESTART_NO;
	s->remain_after_exit = false;
	s->watchdog_usec = 0;
	s->timeout_start_usec = m->defaults.timeout_start;
	s->timeout_stop_usec = m->defaults.timeout_stop;
	s->timeout_abort_usec = m->defaults.timeout_abort;
	s->restart_usec = m->defaults.restart;
	s->notify_access = NOTIFY_ACCESS_DEFAULT;
	s->guess_main_pid = true;
}

static void
service_done(struct unit *u)
{
	struct service *s = SERVICE(u);

	if (s->bus_name)
		bus_names_unwatch(u->manager, u, s->bus_name);
	for (int i = 0; i < _SERVICE_EXEC_KIND_MAX; i++) {
		s->exec[i] = exec_command_free_list(s->exec[i]);
		if (s->exec_retired)
			s->exec_retired[i] = exec_command_free_list(s->exec_retired[i]);
	}
	s->exec_retired = mfree(s->exec_retired);
	exec_context_done(&s->exec_context);
	free_status_set(&s->success_status);
	free_status_set(&s->restart_prevent_status);
	free_status_set(&s->restart_force_status);
	free(s->pid_file);
	free(s->bus_name);
	free(s->status_text);
	free(s->failed_step);
	for (int i = LOG_MAIN; i <= LOG_CONTROL; i++) {
		if (!s->logs[i])
			continue;
		s->logs[i]->source = event_source_free(s->logs[i]->source);
		s->logs[i]->fd = safe_close(s->logs[i]->fd);
		free(s->logs[i]->buffer);
		free(s->logs[i]->ident);
		s->logs[i] = mfree(s->logs[i]);
	}
	set_remove(&u->manager->group_waiters, u);
	s->connection_fd = safe_close(s->connection_fd);
	/* An instance that never ran (its start failed before spawning) is counted still. */
	if (s->accept_socket && s->accept_socket->vtable->trigger_notify)
		s->accept_socket->vtable->trigger_notify(s->accept_socket, u);
	s->accept_socket = NULL;
	s->fd_store = fd_store_free(s->fd_store);
	s->timer = event_source_free(s->timer);
	s->watchdog_timer = event_source_free(s->watchdog_timer);
	idle_stop_waiting(s);
	s->exec_watch = event_source_free(s->exec_watch);

	if (s->main_spawn.status_fd > 0)
		safe_close(s->main_spawn.status_fd);
	if (s->control_spawn.status_fd > 0)
		safe_close(s->control_spawn.status_fd);
}

static enum unit_active_state
service_active_state(const struct unit *u)
{
	return state_map[SERVICE(u)->state];
}

static const char *
service_sub_state(const struct unit *u)
{
	return state_names[SERVICE(u)->state];
}

/* memory.events counted an OOM kill in our cgroup: OOMPolicy= says what follows. */
static void
service_oom_kill(struct unit *u)
{
	struct service *s = SERVICE(u);
	enum oom_policy policy = u->cgroup_context ? u->cgroup_context->oom_policy : OOM_POLICY_STOP;

	unit_log_event(u, LOG_WARNING, "A process of this unit has been killed by the OOM killer.");
	if (policy == OOM_POLICY_CONTINUE)
		return;
	if (s->result == SERVICE_SUCCESS)
		s->result = SERVICE_FAILURE_OOM_KILL;
	if (policy == OOM_POLICY_KILL) {
		unit_cgroup_kill(u, SIGKILL);
		return;
	}
	if (s->state == SERVICE_RUNNING || s->state == SERVICE_START ||
	    s->state == SERVICE_START_POST || s->state == SERVICE_RELOAD)
		service_enter_stop(s, SERVICE_FAILURE_OOM_KILL);
}

static pid_t service_main_pid(const struct unit *u) { return SERVICE(u)->main_pid; }
static pid_t service_control_pid(const struct unit *u) { return SERVICE(u)->control_pid; }
static const char *service_result(const struct unit *u) { return result_names[SERVICE(u)->result]; }

static bool
service_may_gc(struct unit *u)
{
	struct service *s = SERVICE(u);

	return s->main_pid <= 0 && s->control_pid <= 0;
}

static int
service_serialize(struct unit *u, FILE *f)
{
	struct service *s = SERVICE(u);

	fprintf(f, "state=%s\nresult=%s\nmain-pid=%d\ncontrol-pid=%d\nn-restarts=%u\n",
		state_names[s->state], result_names[s->result], (int)s->main_pid,
		(int)s->control_pid, s->n_restarts);
	if (s->status_text)
		fprintf(f, "status-text=%s\n", s->status_text);
	return 0;
}

static int
service_deserialize_item(struct unit *u, const char *key, const char *value)
{
	struct service *s = SERVICE(u);
	int x;

	if (streq(key, "state")) {
		for (int i = 0; i < _SERVICE_STATE_MAX; i++)
			if (streq(value, state_names[i]))
				s->deserialized_state = s->state = i;
	} else if (streq(key, "result")) {
		for (int i = 0; i < _SERVICE_RESULT_MAX; i++)
			if (streq(value, result_names[i]))
				s->result = i;
	} else if (streq(key, "main-pid") && safe_atoi(value, &x) == 0) {
		s->main_pid = x;
		if (x > 0)
			unit_watch_pid(u, x);
	} else if (streq(key, "control-pid") && safe_atoi(value, &x) == 0) {
		s->control_pid = x;
		if (x > 0)
			unit_watch_pid(u, x);
	} else if (streq(key, "n-restarts"))
		safe_atou(value, &s->n_restarts);
	else if (streq(key, "status-text")) {
		free(s->status_text);
		s->status_text = strdup(value);
	}
	return 0;
}

static void
service_bus_name_owner_change(struct unit *u, const char *name, const char *owner)
{
	struct service *s = SERVICE(u);
	bool good = !isempty(owner), changed = good != s->bus_name_good;

	s->bus_name_good = good;
	log_unit_debug(u, "D-Bus name %s %s.", name, good ? "taken" : "released");
	if (s->type != SERVICE_DBUS)
		return;
	if (good && s->state == SERVICE_START)
		service_enter_start_post(s);
	else if (!good && changed && s->state == SERVICE_RUNNING) {
		unit_log_event(u, LOG_INFO, "Lost its D-Bus name %s, stopping.", name);
		service_enter_running(s, SERVICE_SUCCESS);
	}
}

const struct unit_vtable service_vtable = {
	.object_size = sizeof(struct service),
	.section = "Service",
	.directives = service_directives,
	.has_cgroup = true,
	.exec_context_offset = offsetof(struct service, exec_context),
	.kill_context_offset = offsetof(struct service, kill_context),
	.init = service_init,
	.done = service_done,
	.load = service_load_check,
	.start = service_start,
	.stop = service_stop,
	.reload = service_reload,
	.kill = service_kill,
	.reset_failed = service_reset_failed,
	.reset_config = service_reset_config,
	.bus_name_owner_change = service_bus_name_owner_change,
	.sigchld = service_sigchld,
	.notify_message = service_notify_message,
	.oom_kill = service_oom_kill,
	.serialize = service_serialize,
	.deserialize_item = service_deserialize_item,
	.active_state = service_active_state,
	.sub_state_to_string = service_sub_state,
	.can_reload = service_can_reload,
	.may_gc = service_may_gc,
	.main_pid = service_main_pid,
	.control_pid = service_control_pid,
	.result = service_result,
};
