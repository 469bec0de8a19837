/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <limits.h>
#include <mqueue.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/event.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/service.h"
#include "units/socket.h"
#include "units/unit-vtable.h"

/* The life of a socket unit (states in socket.h); the directives are in socket-config.c. */

static const char *const state_names[_SOCKET_STATE_MAX] = {
	[SOCKET_DEAD] = "dead",
	[SOCKET_START_PRE] = "start-pre",
	[SOCKET_START_CHOWN] = "start-chown",
	[SOCKET_START_POST] = "start-post",
	[SOCKET_LISTENING] = "listening",
	[SOCKET_RUNNING] = "running",
	[SOCKET_STOP_PRE] = "stop-pre",
	[SOCKET_STOP_PRE_SIGTERM] = "stop-pre-sigterm",
	[SOCKET_STOP_PRE_SIGKILL] = "stop-pre-sigkill",
	[SOCKET_STOP_POST] = "stop-post",
	[SOCKET_FINAL_SIGTERM] = "final-sigterm",
	[SOCKET_FINAL_SIGKILL] = "final-sigkill",
	[SOCKET_FAILED] = "failed",
};

static const enum unit_active_state state_map[_SOCKET_STATE_MAX] = {
	[SOCKET_DEAD] = UNIT_INACTIVE,
	[SOCKET_START_PRE] = UNIT_ACTIVATING,
	[SOCKET_START_CHOWN] = UNIT_ACTIVATING,
	[SOCKET_START_POST] = UNIT_ACTIVATING,
	[SOCKET_LISTENING] = UNIT_ACTIVE,
	[SOCKET_RUNNING] = UNIT_ACTIVE,
	[SOCKET_STOP_PRE] = UNIT_DEACTIVATING,
	[SOCKET_STOP_PRE_SIGTERM] = UNIT_DEACTIVATING,
	[SOCKET_STOP_PRE_SIGKILL] = UNIT_DEACTIVATING,
	[SOCKET_STOP_POST] = UNIT_DEACTIVATING,
	[SOCKET_FINAL_SIGTERM] = UNIT_DEACTIVATING,
	[SOCKET_FINAL_SIGKILL] = UNIT_DEACTIVATING,
	[SOCKET_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_SOCKET_RESULT_MAX] = {
	[SOCKET_SUCCESS] = "success",
	[SOCKET_FAILURE_RESOURCES] = "resources",
	[SOCKET_FAILURE_TIMEOUT] = "timeout",
	[SOCKET_FAILURE_EXIT_CODE] = "exit-code",
	[SOCKET_FAILURE_SIGNAL] = "signal",
	[SOCKET_FAILURE_CORE_DUMP] = "core-dump",
	[SOCKET_FAILURE_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
	[SOCKET_FAILURE_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
};

static const char *const exec_kind_names[_SOCKET_EXEC_KIND_MAX] = {
	[SOCKET_EXEC_START_PRE] = "ExecStartPre",
	[SOCKET_EXEC_START_POST] = "ExecStartPost",
	[SOCKET_EXEC_STOP_PRE] = "ExecStopPre",
	[SOCKET_EXEC_STOP_POST] = "ExecStopPost",
};

const char *socket_state_to_string(enum socket_state s) { return state_names[s]; }
const char *socket_result_to_string(enum socket_result r) { return result_names[r]; }
const char *socket_exec_kind_to_string(enum socket_exec_kind k) { return exec_kind_names[k]; }

static void enter_stop_pre(struct socket_unit *s, enum socket_result f);
static void enter_stop_post(struct socket_unit *s, enum socket_result f);
static void enter_signal(struct socket_unit *s, enum socket_state st, enum socket_result f);
static int on_timer(struct event_source *src, usec_t usec, void *userdata);

static bool
state_has_timeout(enum socket_state st)
{
	return state_map[st] == UNIT_ACTIVATING || state_map[st] == UNIT_DEACTIVATING;
}

static void
arm_timer(struct socket_unit *s, bool on)
{
	usec_t when;

	if (!on || s->timeout_usec == USEC_INFINITY || s->timeout_usec == 0) {
		if (s->timer)
			event_source_set_enabled(s->timer, false);
		return;
	}
	when = now(CLOCK_MONOTONIC) + s->timeout_usec;
	if (s->timer)
		event_source_set_time(s->timer, when);
	else if (event_add_time(UNIT(s)->manager->event, when, on_timer, s, &s->timer) < 0)
		unit_log_event(UNIT(s), LOG_WARNING, "Cannot arm timer; no timeout applies.");
}

static void
socket_set_state(struct socket_unit *s, enum socket_state st)
{
	enum socket_state old = s->state;

	s->state = st;
	if (old != st) {
		/* Each waiting state gets the whole TimeoutSec=. */
		arm_timer(s, state_has_timeout(st));
		log_unit_debug(UNIT(s), "Changed %s -> %s", state_names[old], state_names[st]);
		unit_notify(UNIT(s), state_map[old], state_map[st], true);
	}
}

static void
set_result(struct socket_unit *s, enum socket_result f)
{
	if (f != SOCKET_SUCCESS && s->result == SOCKET_SUCCESS)
		s->result = f;
}

/* Ports. */

static void
close_ports(struct socket_unit *s)
{
	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];

		p->source = event_source_free(p->source);
		p->fd = safe_close(p->fd);
		if (!s->remove_on_stop)
			continue;
		if (p->addr.kind == LISTEN_MQUEUE)
			(void)mq_unlink(p->addr.text);
		else if (p->addr.path && p->addr.kind != LISTEN_SPECIAL)
			(void)unlink(p->addr.path);
	}
	if (s->remove_on_stop)
		STRV_FOREACH(l, s->symlinks)
			(void)unlink(*l);
}

static void
watch_ports(struct socket_unit *s, bool on)
{
	for (size_t i = 0; i < s->n_ports; i++)
		event_source_set_enabled(s->ports[i].source, on);
}

static int on_traffic(struct event_source *src, int fd, uint32_t revents, void *userdata);

/* Binds every port that is not open yet (ports kept from before keep their queued
 * clients). The first failure names its port and step. */
static int
open_ports(struct socket_unit *s)
{
	struct unit *u = UNIT(s);

	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];
		const char *step = "socket";
		int r;

		if (p->fd >= 0)
			continue;
		r = listen_open(&p->addr, &s->opts, &step);
		if (r >= 0) {
			p->fd = r;
			p->socket = s;
			r = event_add_io(u->manager->event, p->fd, EPOLLIN, on_traffic, p, &p->source);
			if (r >= 0)
				event_source_set_enabled(p->source, false);
			else
				step = "watch";
		}
		if (r < 0) {
			free(s->failed_step);
			if (asprintf(&s->failed_step, "%s: step %s: %s", p->addr.text, step,
				     strerror(-r)) < 0)
				s->failed_step = NULL;
			unit_log_event(u, LOG_ERR, "Failed to listen on %s: step %s: %s", p->addr.text,
				       step, strerror(-r));
			return r;
		}
	}
	STRV_FOREACH(l, s->symlinks)
		if (s->n_ports > 0 && s->ports[0].addr.path)
			(void)symlink(s->ports[0].addr.path, *l);
	return 0;
}

/* Control processes: ExecStartPre= ... ExecStopPost=, and the SocketUser= chown. */

static int
spawn_control(struct socket_unit *s, struct exec_command *c)
{
	struct unit *u = UNIT(s);
	struct manager *m = u->manager;
	_cleanup_strv_free_ char **env = strv_copy(m->environment);
	char cgroup_dir[PATH_MAX];
	struct exec_params p = {
		.unit_id = u->id,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.new_session = true,
		.is_control = true,
		.user_manager = m->scope == SCOPE_USER,
		.apply_sandbox = !(c->flags & EXEC_FULL_PRIVILEGES),
		.cgroup_path = unit_cgroup_fs_path(u, cgroup_dir, sizeof(cgroup_dir)),
	};
	char *e;
	int r;

	if (!env || asprintf(&e, "MANAGERPID=%d", (int)getpid()) < 0 || strv_consume(&env, e) < 0)
		return -ENOMEM;
	p.environment = env;
	r = exec_spawn(c, &s->exec_context, &p, &s->control_spawn);
	if (r < 0)
		return r;
	s->control_pid = s->control_spawn.pid;
	return unit_watch_pid(u, s->control_pid);
}

/* Runs the first command of kind in state st. Returns false if there is none. */
static bool
run_control(struct socket_unit *s, enum socket_exec_kind kind, enum socket_state st)
{
	struct exec_command *c = s->exec[kind];
	int r;

	if (!c)
		return false;
	s->control_kind = kind;
	s->control_command = c;
	r = spawn_control(s, c);
	if (r < 0) {
		unit_log_event(UNIT(s), LOG_ERR, "Failed to spawn %s: %s", exec_kind_names[kind],
			       strerror(-r));
		s->control_command = NULL;
		if (st == SOCKET_STOP_POST)
			enter_signal(s, SOCKET_FINAL_SIGTERM, SOCKET_FAILURE_RESOURCES);
		else
			enter_stop_post(s, SOCKET_FAILURE_RESOURCES);
		return true;
	}
	socket_set_state(s, st);
	return true;
}

/* SocketUser=/SocketGroup=: resolving names may need NSS, which may block, so a child does
 * it (and the chown); the manager only waits for its exit status. */
enum { CHOWN_OK, CHOWN_NO_USER, CHOWN_NO_GROUP, CHOWN_FAILED };

static void
chown_child(struct socket_unit *s)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	unsigned id;

	/* A name, or a number as it is. */
	if (s->socket_user) {
		struct passwd *pw = getpwnam(s->socket_user);

		if (pw) {
			uid = pw->pw_uid;
			gid = pw->pw_gid;
		} else if (safe_atou(s->socket_user, &id) == 0)
			uid = id;
		else
			_exit(CHOWN_NO_USER);
	}
	if (s->socket_group) {
		struct group *gr = getgrnam(s->socket_group);

		if (gr)
			gid = gr->gr_gid;
		else if (safe_atou(s->socket_group, &id) == 0)
			gid = id;
		else
			_exit(CHOWN_NO_GROUP);
	}
	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];

		if (p->fd < 0)
			continue;
		if (p->addr.kind == LISTEN_MQUEUE) {
			if (fchown(p->fd, uid, gid) < 0)
				_exit(CHOWN_FAILED);
		} else if (p->addr.path && p->addr.kind != LISTEN_SPECIAL &&
			   lchown(p->addr.path, uid, gid) < 0)
			_exit(CHOWN_FAILED);
	}
	_exit(CHOWN_OK);
}

static void
enter_listening(struct socket_unit *s);

static void
enter_start_post(struct socket_unit *s)
{
	if (!run_control(s, SOCKET_EXEC_START_POST, SOCKET_START_POST))
		enter_listening(s);
}

static void
enter_start_chown(struct socket_unit *s)
{
	struct unit *u = UNIT(s);
	pid_t pid;

	if (open_ports(s) < 0) {
		enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
		return;
	}
	if (!s->socket_user && !s->socket_group) {
		enter_start_post(s);
		return;
	}
	pid = fork();
	if (pid < 0) {
		unit_log_event(u, LOG_ERR, "Cannot fork for SocketUser=/SocketGroup=: %m");
		enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
		return;
	}
	if (pid == 0)
		chown_child(s);
	s->control_pid = pid;
	s->control_command = NULL;
	s->control_spawn = (struct exec_spawn){ .pid = pid, .status_fd = -1 };
	(void)unit_watch_pid(u, pid);
	socket_set_state(s, SOCKET_START_CHOWN);
}

static void
enter_start_pre(struct socket_unit *s)
{
	if (!run_control(s, SOCKET_EXEC_START_PRE, SOCKET_START_PRE))
		enter_start_chown(s);
}

/* Accept=no: the service this socket activates (Service=, or the same name). A service
 * that lists this socket in Sockets= is triggered too, but not the one traffic starts. */
static struct unit *
triggered_service(struct socket_unit *s)
{
	struct unit *u = UNIT(s), *other, *first = NULL;
	_cleanup_free_ char *own = NULL;
	unsigned n = 0;

	SET_FOREACH(other, u->deps[UNIT_TRIGGERS]) {
		if (!first)
			first = other;
		n++;
	}
	if (n <= 1 || socket_service_name(u, &own) < 0)
		return first;
	other = manager_get_unit(u->manager, own);
	return other ? other : first;
}

static bool
service_is_up(struct unit *svc)
{
	enum unit_active_state st = unit_active_state(svc);

	return st == UNIT_ACTIVE || st == UNIT_ACTIVATING || st == UNIT_RELOADING;
}

static void
enter_listening(struct socket_unit *s)
{
	struct unit *svc = s->accept ? NULL : triggered_service(s);

	/* Started by hand while we came up: it has the fds, so we stay out of its way. */
	if (svc && service_is_up(svc)) {
		watch_ports(s, false);
		socket_set_state(s, SOCKET_RUNNING);
		return;
	}
	watch_ports(s, true);
	socket_set_state(s, SOCKET_LISTENING);
}

static void
enter_dead(struct socket_unit *s, enum socket_result f)
{
	set_result(s, f);
	if (s->result != SOCKET_SUCCESS)
		unit_log_event(UNIT(s), LOG_WARNING, "Failed with result '%s'.", result_names[s->result]);
	socket_set_state(s, s->result == SOCKET_SUCCESS ? SOCKET_DEAD : SOCKET_FAILED);
}

static void
enter_stop_post(struct socket_unit *s, enum socket_result f)
{
	set_result(s, f);
	close_ports(s);
	if (!run_control(s, SOCKET_EXEC_STOP_POST, SOCKET_STOP_POST))
		enter_signal(s, SOCKET_FINAL_SIGTERM, SOCKET_SUCCESS);
}

static void
enter_stop_pre(struct socket_unit *s, enum socket_result f)
{
	set_result(s, f);
	watch_ports(s, false);
	if (!run_control(s, SOCKET_EXEC_STOP_PRE, SOCKET_STOP_PRE))
		enter_stop_post(s, SOCKET_SUCCESS);
}

/* Kills what is left of the control process (its process group: control commands run in a
 * session of their own), or moves on if nothing is. */
static void
enter_signal(struct socket_unit *s, enum socket_state st, enum socket_result f)
{
	struct kill_context *k = &s->kill_context;
	bool term = st == SOCKET_STOP_PRE_SIGTERM || st == SOCKET_FINAL_SIGTERM;
	int sig = term ? k->kill_signal : k->final_kill_signal;

	set_result(s, f);
	if (s->control_pid > 0 && k->kill_mode != KILL_NONE && (term || k->send_sigkill)) {
		if (kill(-s->control_pid, sig) < 0)
			(void)kill(s->control_pid, sig);
		socket_set_state(s, st);
		return;
	}
	if (st == SOCKET_STOP_PRE_SIGTERM || st == SOCKET_STOP_PRE_SIGKILL)
		enter_stop_post(s, SOCKET_SUCCESS);
	else
		enter_dead(s, SOCKET_SUCCESS);
}

static int
on_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct socket_unit *s = userdata;
	struct unit *u = UNIT(s);

	switch (s->state) {
	case SOCKET_START_PRE:
	case SOCKET_START_CHOWN:
	case SOCKET_START_POST:
	case SOCKET_STOP_PRE:
		unit_log_event(u, LOG_WARNING, "%s timed out. Terminating.",
			       s->state == SOCKET_START_CHOWN ? "Changing socket ownership" :
			       exec_kind_names[s->control_kind]);
		enter_signal(s, SOCKET_STOP_PRE_SIGTERM, SOCKET_FAILURE_TIMEOUT);
		break;
	case SOCKET_STOP_PRE_SIGTERM:
		enter_signal(s, SOCKET_STOP_PRE_SIGKILL, SOCKET_FAILURE_TIMEOUT);
		break;
	case SOCKET_STOP_PRE_SIGKILL:
		unit_log_event(u, LOG_WARNING, "Processes still around after SIGKILL. Ignoring.");
		enter_stop_post(s, SOCKET_FAILURE_TIMEOUT);
		break;
	case SOCKET_STOP_POST:
		unit_log_event(u, LOG_WARNING, "ExecStopPost= timed out. Terminating.");
		enter_signal(s, SOCKET_FINAL_SIGTERM, SOCKET_FAILURE_TIMEOUT);
		break;
	case SOCKET_FINAL_SIGTERM:
		enter_signal(s, SOCKET_FINAL_SIGKILL, SOCKET_FAILURE_TIMEOUT);
		break;
	case SOCKET_FINAL_SIGKILL:
		unit_log_event(u, LOG_WARNING, "Processes still around after final SIGKILL. Ignoring.");
		enter_dead(s, SOCKET_FAILURE_TIMEOUT);
		break;
	default:
		break;
	}
	return 0;
}

static enum socket_result
exit_result(int code, int status)
{
	if (code == CLD_EXITED)
		return status == 0 ? SOCKET_SUCCESS : SOCKET_FAILURE_EXIT_CODE;
	return code == CLD_DUMPED ? SOCKET_FAILURE_CORE_DUMP : SOCKET_FAILURE_SIGNAL;
}

static void
chown_exited(struct socket_unit *s, int code, int status)
{
	static const char *const why[] = {
		[CHOWN_NO_USER] = "no such user", [CHOWN_NO_GROUP] = "no such group",
		[CHOWN_FAILED] = "chown failed",
	};

	if (code == CLD_EXITED && status == CHOWN_OK) {
		enter_start_post(s);
		return;
	}
	free(s->failed_step);
	if (asprintf(&s->failed_step, "step chown: %s (SocketUser=%s SocketGroup=%s)",
		     code == CLD_EXITED && status > 0 && status <= CHOWN_FAILED ? why[status] :
		     "killed", strna(s->socket_user), strna(s->socket_group)) < 0)
		s->failed_step = NULL;
	unit_log_event(UNIT(s), LOG_ERR, "%s", strna(s->failed_step));
	enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
}

static void
control_exited(struct socket_unit *s, int code, int status)
{
	struct exec_command *c = s->control_command;
	enum socket_result f = exit_result(code, status);
	struct exec_status_report rep;

	if (exec_spawn_collect(&s->control_spawn, &rep) > 0) {
		free(s->failed_step);
		if (asprintf(&s->failed_step, "%s=%s: step %s: %s", exec_kind_names[s->control_kind],
			     c ? c->path : "?", exec_step_to_string(rep.step),
			     rep.detail[0] ? rep.detail : strerror(rep.error)) < 0)
			s->failed_step = NULL;
		unit_log_event(UNIT(s), LOG_ERR, "%s", strna(s->failed_step));
		f = SOCKET_FAILURE_RESOURCES;
	}
	if (c && (c->flags & EXEC_IGNORE_FAILURE))
		f = SOCKET_SUCCESS;
	if (f != SOCKET_SUCCESS)
		unit_log_event(UNIT(s), LOG_WARNING, "Control process exited, code=%s, status=%d",
			       code == CLD_EXITED ? "exited" : "killed", status);
	/* The next command of the same list, if this one went well. */
	if (f == SOCKET_SUCCESS && c && c->next && state_map[s->state] != UNIT_INACTIVE) {
		s->control_command = c->next;
		if (spawn_control(s, c->next) == 0)
			return;
		f = SOCKET_FAILURE_RESOURCES;
	}
	s->control_command = NULL;
	s->exec_retired = exec_command_free_list(s->exec_retired);
	switch (s->state) {
	case SOCKET_START_PRE:
		if (f == SOCKET_SUCCESS)
			enter_start_chown(s);
		else
			enter_signal(s, SOCKET_FINAL_SIGTERM, f);
		break;
	case SOCKET_START_POST:
		if (f == SOCKET_SUCCESS)
			enter_listening(s);
		else
			enter_stop_pre(s, f);
		break;
	case SOCKET_STOP_PRE:
	case SOCKET_STOP_PRE_SIGTERM:
	case SOCKET_STOP_PRE_SIGKILL:
		enter_stop_post(s, f);
		break;
	case SOCKET_STOP_POST:
	case SOCKET_FINAL_SIGTERM:
	case SOCKET_FINAL_SIGKILL:
		enter_dead(s, f);
		break;
	default:
		break;
	}
}

static void
socket_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct socket_unit *s = SOCKET(u);

	if (pid <= 0 || pid != s->control_pid)
		return;
	s->control_pid = 0;
	if (s->state == SOCKET_START_CHOWN)
		chown_exited(s, code, status);
	else
		control_exited(s, code, status);
}

/* Activation. */

/* The peer's address without its port: connections from one host count together. */
static void
connection_source(int fd, char *buf, size_t size)
{
	char *colon;

	if (listen_format_peer(fd, buf, size) < 0) {
		snprintf(buf, size, "?");
		return;
	}
	colon = strrchr(buf, ':');
	if (colon && buf[0] != '/' && buf[0] != '@')
		*colon = 0;
}

static unsigned
connections_from(struct socket_unit *s, const char *source)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->n_live; i++)
		n += streq(s->live[i].source, source);
	return n;
}

static int
remember_connection(struct socket_unit *s, struct unit *instance, const char *source)
{
	struct socket_connection *t = realloc(s->live, (s->n_live + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	s->live = t;
	s->live[s->n_live].instance = instance;
	snprintf(s->live[s->n_live].source, sizeof(s->live[0].source), "%s", source);
	s->n_live++;
	return 0;
}

static void
forget_connection(struct socket_unit *s, struct unit *instance)
{
	for (size_t i = 0; i < s->n_live; i++)
		if (s->live[i].instance == instance) {
			s->live[i] = s->live[--s->n_live];
			return;
		}
}

/* foo@N-LOCAL-PEER.service for a connection, escaped where the addresses need it. */
static int
connection_unit_name(struct socket_unit *s, int cfd, char **ret)
{
	struct unit *u = UNIT(s);
	_cleanup_free_ char *prefix = NULL, *tmpl = NULL, *inst = NULL, *e = NULL;
	char local[128] = "", peer[128] = "";
	int r;

	listen_format_local(cfd, local, sizeof(local));
	listen_format_peer(cfd, peer, sizeof(peer));
	r = unit_name_to_prefix(s->service_name ? s->service_name : u->id, &prefix);
	if (r >= 0)
		r = asprintf(&tmpl, "%s@.service", prefix) < 0 ? -ENOMEM : 0;
	if (r >= 0)
		r = asprintf(&inst, "%u-%s-%s", s->n_accepted, local, peer) < 0 ? -ENOMEM : 0;
	/* "0-127.0.0.1:22-127.0.0.1:4711" is a valid instance as it is; escape only what is
	 * not (IPv6 brackets, unix paths). */
	if (r >= 0)
		r = unit_name_replace_instance(tmpl, inst, ret);
	if (r >= 0 && !unit_name_is_valid(*ret, UNIT_NAME_INSTANCE)) {
		*ret = mfree(*ret);
		r = unit_name_escape(inst, &e);
		if (r >= 0)
			r = unit_name_replace_instance(tmpl, e, ret);
	}
	return r;
}

/* Accept=yes: one service instance per connection. */
static void
spawn_connection(struct socket_unit *s, int listen_fd)
{
	struct unit *u = UNIT(s), *svc;
	_cleanup_free_ char *name = NULL, *err = NULL;
	char source[sizeof(s->live[0].source)];
	int cfd, r;

	/* Blocking: the service reads and writes the connection like inetd's children do. */
	cfd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_unit_warning_errno(u, errno, "accept() failed: %m");
		return;
	}
	if (s->max_connections > 0 && s->n_live >= s->max_connections) {
		log_unit_warning(u, "Too many incoming connections (%zu), dropping connection.",
				 s->n_live);
		close(cfd);
		return;
	}
	connection_source(cfd, source, sizeof(source));
	if (s->max_connections_per_source > 0 &&
	    connections_from(s, source) >= s->max_connections_per_source) {
		log_unit_warning(u, "Too many incoming connections (%u) from source %s, dropping connection.",
				 connections_from(s, source), source);
		close(cfd);
		return;
	}
	r = connection_unit_name(s, cfd, &name);
	if (r >= 0)
		r = manager_load_unit(u->manager, name, &svc);
	if (r < 0) {
		log_unit_error_errno(u, r, "Cannot create a service for the connection: %m");
		close(cfd);
		return;
	}
	s->n_accepted++;
	manager_dispatch_load_queue(u->manager);
	if (svc->load_state != UNIT_LOADED || svc->type != UNIT_SERVICE) {
		log_unit_error(u, "Service %s for the connection: %s", svc->id,
			       svc->load_error ? svc->load_error : "not loaded");
		close(cfd);
		return;
	}
	if (remember_connection(s, svc, source) < 0) {
		log_unit_error(u, "Out of memory, dropping connection.");
		close(cfd);
		return;
	}
	svc->ephemeral = true;
	service_set_connection(svc, cfd, u); /* takes the fd */
	if (manager_add_job(u->manager, JOB_START, svc, JOB_REPLACE, NULL, &err) < 0)
		log_unit_error(u, "Cannot start %s: %s", svc->id, strna(err));
}

static int
on_traffic(struct event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct socket_port *p = userdata;
	struct socket_unit *s = p->socket;
	struct unit *u = UNIT(s), *svc;
	_cleanup_free_ char *err = NULL;

	if (!ratelimit_below(&s->trigger_limit)) {
		unit_log_event(u, LOG_WARNING, "Trigger limit hit, refusing further activation.");
		enter_stop_pre(s, SOCKET_FAILURE_TRIGGER_LIMIT_HIT);
		return 0;
	}
	if (s->accept && p->addr.kind == LISTEN_STREAM) {
		spawn_connection(s, fd);
		return 0;
	}
	svc = triggered_service(s);
	if (!svc) {
		unit_log_event(u, LOG_ERR, "No service to activate.");
		watch_ports(s, false);
		return 0;
	}
	/* The service gets the fds; we stop looking until it is gone again. */
	watch_ports(s, false);
	socket_set_state(s, SOCKET_RUNNING);
	if (manager_add_job(u->manager, JOB_START, svc, JOB_REPLACE, NULL, &err) < 0) {
		unit_log_event(u, LOG_ERR, "Failed to queue service start job: %s", strna(err));
		enter_listening(s);
	}
	return 0;
}

/* The activated service (or a connection instance) changed state. */
static void
socket_trigger_notify(struct unit *u, struct unit *other)
{
	struct socket_unit *s = SOCKET(u);
	enum unit_active_state st = unit_active_state(other);
	const char *result;

	if (s->accept) {
		if (unit_inactive_or_failed(st) && !other->job)
			forget_connection(s, other);
		return;
	}
	if (other != triggered_service(s))
		return; /* a service that only lists us in Sockets= */
	if (s->state == SOCKET_LISTENING && service_is_up(other)) {
		/* Started directly, not by traffic: it has the fds now. */
		watch_ports(s, false);
		socket_set_state(s, SOCKET_RUNNING);
		return;
	}
	if (s->state != SOCKET_RUNNING && s->state != SOCKET_LISTENING)
		return;
	if (!unit_inactive_or_failed(st) || other->job)
		return;
	result = other->vtable->result ? other->vtable->result(other) : NULL;
	if (st == UNIT_FAILED && result && streq(result, "start-limit-hit")) {
		/* Activating it again would only spin: give up, visibly. */
		unit_log_event(u, LOG_WARNING, "Service %s keeps failing (start limit hit); refusing further activation.",
			       other->id);
		enter_stop_pre(s, SOCKET_FAILURE_SERVICE_START_LIMIT_HIT);
		return;
	}
	enter_listening(s);
}

int
socket_collect_fds(struct unit *u, int **fds, size_t *n_fds, char ***names)
{
	struct socket_unit *s = SOCKET(u);
	int added = 0;

	for (size_t i = 0; i < s->n_ports; i++) {
		int *t;

		if (s->ports[i].fd < 0)
			continue;
		t = realloc(*fds, (*n_fds + 1) * sizeof(int));
		if (!t)
			return -ENOMEM;
		*fds = t;
		(*fds)[(*n_fds)++] = s->ports[i].fd;
		if (strv_extend(names, s->fd_name ? s->fd_name : u->id) < 0)
			return -ENOMEM;
		added++;
	}
	return added;
}

bool
socket_port_info(const struct unit *u, size_t i, const char **type, const char **address)
{
	static const char *const kinds[_LISTEN_KIND_MAX] = {
		[LISTEN_STREAM] = "Stream", [LISTEN_DATAGRAM] = "Datagram",
		[LISTEN_SEQPACKET] = "SequentialPacket", [LISTEN_FIFO] = "FIFO",
		[LISTEN_SPECIAL] = "Special", [LISTEN_NETLINK] = "Netlink",
		[LISTEN_MQUEUE] = "MessageQueue",
	};
	const struct socket_unit *s = (const struct socket_unit *)u;

	if (i >= s->n_ports)
		return false;
	*type = kinds[s->ports[i].addr.kind];
	*address = s->ports[i].addr.text;
	return true;
}

/* Operations. */

static int
socket_start(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	int r;

	s->result = SOCKET_SUCCESS;
	s->failed_step = mfree(s->failed_step);
	r = unit_cgroup_realize(u);
	if (r < 0) {
		unit_log_event(u, LOG_ERR, "Failed to create the cgroup: %s", strerror(-r));
		enter_dead(s, SOCKET_FAILURE_RESOURCES);
		return -ECANCELED;
	}
	enter_start_pre(s);
	return 0;
}

static int
socket_stop(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	switch (s->state) {
	case SOCKET_START_PRE:
	case SOCKET_START_CHOWN:
	case SOCKET_START_POST:
		enter_signal(s, SOCKET_STOP_PRE_SIGTERM, SOCKET_SUCCESS);
		return 0;
	case SOCKET_LISTENING:
	case SOCKET_RUNNING:
		enter_stop_pre(s, SOCKET_SUCCESS);
		return 0;
	default:
		return 0; /* stopping already, or down */
	}
}

static int
socket_kill(struct unit *u, const char *whom, int sig, char **error)
{
	struct socket_unit *s = SOCKET(u);

	if (s->control_pid <= 0) {
		*error = strdup("No control process to kill");
		return -ESRCH;
	}
	if (kill(s->control_pid, sig) < 0) {
		*error = strdup(strerror(errno));
		return -errno;
	}
	return 0;
}

static void
socket_reset_failed(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	if (s->state == SOCKET_FAILED)
		socket_set_state(s, SOCKET_DEAD);
	s->result = SOCKET_SUCCESS;
}

static void
socket_init(struct unit *u)
{
	socket_init_defaults(u);
}

static void
free_config(struct socket_unit *s, bool keep_ports)
{
	if (!keep_ports) {
		for (size_t i = 0; i < s->n_ports; i++) {
			s->ports[i].source = event_source_free(s->ports[i].source);
			s->ports[i].fd = safe_close(s->ports[i].fd);
			listen_addr_done(&s->ports[i].addr);
		}
		s->ports = mfree(s->ports);
		s->n_ports = 0;
	}
	s->service_name = mfree(s->service_name);
	s->fd_name = mfree(s->fd_name);
	s->socket_user = mfree(s->socket_user);
	s->socket_group = mfree(s->socket_group);
	s->opts.bind_to_device = mfree(s->opts.bind_to_device);
	s->symlinks = strv_free(s->symlinks);
	exec_context_done(&s->exec_context);
}

static void
socket_done(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	free_config(s, false);
	for (int i = 0; i < _SOCKET_EXEC_KIND_MAX; i++)
		s->exec[i] = exec_command_free_list(s->exec[i]);
	s->exec_retired = exec_command_free_list(s->exec_retired);
	s->timer = event_source_free(s->timer);
	s->live = mfree(s->live);
	s->failed_step = mfree(s->failed_step);
	if (s->control_spawn.status_fd > 0)
		s->control_spawn.status_fd = safe_close(s->control_spawn.status_fd);
}

/* daemon-reload: the files are parsed again into this object. Open ports keep their fds and
 * the clients queued on them (parse_listen() skips the lines it has already); a running
 * control command keeps its list until it exits. */
static void
socket_reset_config(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);
	bool open = state_map[s->state] != UNIT_INACTIVE && state_map[s->state] != UNIT_FAILED;

	free_config(s, open);
	for (int i = 0; i < _SOCKET_EXEC_KIND_MAX; i++) {
		/* The list a control command runs from stays until that command exits. */
		if (s->control_command && i == (int)s->control_kind && s->exec[i]) {
			exec_command_free_list(s->exec_retired);
			s->exec_retired = s->exec[i];
			s->exec[i] = NULL;
		}
		s->exec[i] = exec_command_free_list(s->exec[i]);
	}
	s->opts = (struct listen_options){ 0 };
	s->accept = s->remove_on_stop = false;
	s->max_connections_per_source = 0;
	socket_init_defaults(u);
}

static int
socket_serialize(struct unit *u, FILE *f)
{
	struct socket_unit *s = SOCKET(u);

	fprintf(f, "state=%s\nresult=%s\nn-accepted=%u\n", state_names[s->state],
		result_names[s->result], s->n_accepted);
	if (s->control_pid > 0)
		fprintf(f, "control-pid=%d\n", (int)s->control_pid);
	/* Open ports by fd number: a re-exec keeps them open (no CLOEXEC then) and the new
	 * manager adopts each one whose address is still configured. */
	for (size_t i = 0; i < s->n_ports; i++)
		if (s->ports[i].fd >= 0)
			fprintf(f, "port=%d %d %s\n", s->ports[i].fd, (int)s->ports[i].addr.kind,
				s->ports[i].addr.text);
	return 0;
}

static int
adopt_port(struct socket_unit *s, const char *value)
{
	struct unit *u = UNIT(s);
	int fd, kind, n = 0;

	if (sscanf(value, "%d %d %n", &fd, &kind, &n) < 2 || n == 0 || fd < 0)
		return -EINVAL;
	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];

		if (p->fd >= 0 || (int)p->addr.kind != kind || !streq(p->addr.text, value + n))
			continue;
		p->fd = fd;
		p->socket = s;
		if (event_add_io(u->manager->event, fd, EPOLLIN, on_traffic, p, &p->source) < 0)
			return -ENOMEM;
		event_source_set_enabled(p->source, s->state == SOCKET_LISTENING);
		return 0;
	}
	close(fd); /* no longer configured */
	return 0;
}

static int
socket_deserialize_item(struct unit *u, const char *key, const char *value)
{
	struct socket_unit *s = SOCKET(u);
	int x;

	if (streq(key, "state")) {
		for (int i = 0; i < _SOCKET_STATE_MAX; i++)
			if (streq(value, state_names[i]))
				s->state = i;
	} else if (streq(key, "result")) {
		for (int i = 0; i < _SOCKET_RESULT_MAX; i++)
			if (streq(value, result_names[i]))
				s->result = i;
	} else if (streq(key, "n-accepted"))
		safe_atou(value, &s->n_accepted);
	else if (streq(key, "control-pid") && safe_atoi(value, &x) == 0 && x > 0) {
		s->control_pid = x;
		unit_watch_pid(u, x);
	} else if (streq(key, "port"))
		return adopt_port(s, value);
	return 0;
}

static enum unit_active_state
socket_active_state(const struct unit *u)
{
	return state_map[SOCKET(u)->state];
}

static const char *
socket_sub_state(const struct unit *u)
{
	return state_names[SOCKET(u)->state];
}

static const char *
socket_result(const struct unit *u)
{
	return result_names[SOCKET(u)->result];
}

static pid_t
socket_control_pid(const struct unit *u)
{
	return SOCKET(u)->control_pid;
}

static bool
socket_may_gc(struct unit *u)
{
	/* Connection instances point back at us until they are done. */
	return SOCKET(u)->n_live == 0 && SOCKET(u)->control_pid <= 0;
}

const struct unit_vtable socket_vtable = {
	.object_size = sizeof(struct socket_unit),
	.section = "Socket",
	.directives = socket_directives,
	.has_cgroup = true,
	.exec_context_offset = offsetof(struct socket_unit, exec_context),
	.kill_context_offset = offsetof(struct socket_unit, kill_context),
	.init = socket_init,
	.done = socket_done,
	.load = socket_load_check,
	.start = socket_start,
	.stop = socket_stop,
	.kill = socket_kill,
	.reset_failed = socket_reset_failed,
	.reset_config = socket_reset_config,
	.sigchld = socket_sigchld,
	.trigger_notify = socket_trigger_notify,
	.serialize = socket_serialize,
	.deserialize_item = socket_deserialize_item,
	.active_state = socket_active_state,
	.sub_state_to_string = socket_sub_state,
	.may_gc = socket_may_gc,
	.control_pid = socket_control_pid,
	.result = socket_result,
};
