/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "activation/listen.h"
#include "core/event.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "units/service.h"
#include "units/socket.h"
#include "units/unit-vtable.h"

/* Socket units: every listening socket exists before the daemon behind it runs (design.md
 * idea 1). States:
 *   DEAD -> LISTENING (fds open, watched) -> RUNNING (traffic came; the service has the
 *   fds and the manager stops watching) -> LISTENING again when the service is down.
 * The fds stay open across service restarts: clients queue in the kernel meanwhile. */

enum socket_state {
	SOCKET_DEAD,      /* no fds */
	SOCKET_LISTENING, /* fds open and watched for traffic */
	SOCKET_RUNNING,   /* the service has them; not watched */
	SOCKET_FAILED,    /* could not listen, or trigger limit hit */
	_SOCKET_STATE_MAX,
};

enum socket_result {
	SOCKET_SUCCESS,
	SOCKET_FAILURE_RESOURCES,
	SOCKET_FAILURE_TRIGGER_LIMIT_HIT,
	SOCKET_FAILURE_SERVICE_START_LIMIT_HIT,
	_SOCKET_RESULT_MAX,
};

struct socket_port {
	struct listen_addr addr;
	int fd;
	struct event_source *source;
	struct socket_unit *socket;
};

struct socket_unit {
	struct unit meta;
	struct socket_port *ports;
	size_t n_ports;
	struct listen_options opts;
	bool accept;
	bool remove_on_stop;
	char *service_name;
	char *fd_name;
	char **symlinks;
	unsigned max_connections;
	unsigned n_connections;
	unsigned n_accepted;
	struct ratelimit trigger_limit;
	enum socket_state state;
	enum socket_result result;
};

#define SOCKET(u) ((struct socket_unit *)(u))

static const char *const state_names[_SOCKET_STATE_MAX] = {
	[SOCKET_DEAD] = "dead",
	[SOCKET_LISTENING] = "listening",
	[SOCKET_RUNNING] = "running",
	[SOCKET_FAILED] = "failed",
};

static const enum unit_active_state state_map[_SOCKET_STATE_MAX] = {
	[SOCKET_DEAD] = UNIT_INACTIVE,
	[SOCKET_LISTENING] = UNIT_ACTIVE,
	[SOCKET_RUNNING] = UNIT_ACTIVE,
	[SOCKET_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_SOCKET_RESULT_MAX] = {
	[SOCKET_SUCCESS] = "success",
	[SOCKET_FAILURE_RESOURCES] = "resources",
	[SOCKET_FAILURE_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
	[SOCKET_FAILURE_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
};

static void
socket_set_state(struct socket_unit *s, enum socket_state st)
{
	enum socket_state old = s->state;

	s->state = st;
	if (old != st)
		unit_notify(UNIT(s), state_map[old], state_map[st], true);
}

/* Directives. */

static int
parse_listen(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct socket_unit *s = SOCKET(c->unit);
	_cleanup_free_ char *e = NULL;
	struct listen_addr a;
	struct socket_port *p;
	int r;

	if (isempty(v)) {
		/* Reset: an open port goes too, watch first, so nothing points at freed memory. */
		for (size_t i = 0; i < s->n_ports; i++) {
			s->ports[i].source = event_source_free(s->ports[i].source);
			s->ports[i].fd = safe_close(s->ports[i].fd);
			listen_addr_done(&s->ports[i].addr);
		}
		s->ports = mfree(s->ports);
		s->n_ports = 0;
		return 0;
	}
	r = directive_expand(c, v, &e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_ports; i++)
		if (s->ports[i].addr.kind == (enum listen_kind)arg && streq(s->ports[i].addr.text, e))
			return 0; /* already there (a daemon-reload of a listening socket) */
	r = listen_addr_parse(arg, e, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Cannot parse %s=%s, ignoring.", c->key, e);
		return -EINVAL;
	}
	p = realloc(s->ports, (s->n_ports + 1) * sizeof(*p));
	if (!p) {
		listen_addr_done(&a);
		return -ENOMEM;
	}
	s->ports = p;
	s->ports[s->n_ports++] = (struct socket_port){ .addr = a, .fd = -1 };
	return 0;
}

static int
parse_bind_ipv6_only(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int *x = data;

	if (streq(v, "default"))
		*x = -1;
	else if (streq(v, "both"))
		*x = 0;
	else if (streq(v, "ipv6-only"))
		*x = 1;
	else {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad BindIPv6Only=%s, ignoring.", v);
		return -EINVAL;
	}
	return 0;
}

static int
parse_buffer_size(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	uint64_t sz;

	if (parse_size(v, &sz) < 0 || sz > INT32_MAX) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	*(int *)data = (int)sz;
	return 0;
}

#define S(name, fn, arg, field) { "Socket", name, fn, arg, offsetof(struct socket_unit, field) }
static const struct directive socket_directives[] = {
	S("ListenStream", parse_listen, LISTEN_STREAM, ports),
	S("ListenDatagram", parse_listen, LISTEN_DATAGRAM, ports),
	S("ListenSequentialPacket", parse_listen, LISTEN_SEQPACKET, ports),
	S("ListenFIFO", parse_listen, LISTEN_FIFO, ports),
	S("ListenSpecial", parse_listen, LISTEN_SPECIAL, ports),
	S("ListenNetlink", parse_listen, LISTEN_NETLINK, ports),
	S("Accept", parse_bool, 0, accept),
	S("Service", parse_string, 0, service_name),
	S("FileDescriptorName", parse_string, 0, fd_name),
	S("SocketMode", parse_mode, 0, opts.socket_mode),
	S("DirectoryMode", parse_mode, 0, opts.directory_mode),
	S("Backlog", parse_int, 0, opts.backlog),
	S("BindIPv6Only", parse_bind_ipv6_only, 0, opts.bind_ipv6_only),
	S("BindToDevice", parse_string, 0, opts.bind_to_device),
	S("FreeBind", parse_bool, 0, opts.free_bind),
	S("Transparent", parse_bool, 0, opts.transparent),
	S("ReusePort", parse_bool, 0, opts.reuse_port),
	S("KeepAlive", parse_bool, 0, opts.keep_alive),
	S("NoDelay", parse_bool, 0, opts.no_delay),
	S("Priority", parse_int, 0, opts.priority),
	S("ReceiveBuffer", parse_buffer_size, 0, opts.receive_buffer),
	S("SendBuffer", parse_buffer_size, 0, opts.send_buffer),
	S("PassCredentials", parse_bool, 0, opts.pass_credentials),
	S("PassSecurity", parse_bool, 0, opts.pass_security),
	S("RemoveOnStop", parse_bool, 0, remove_on_stop),
	S("Symlinks", parse_strv, 0, symlinks),
	S("MaxConnections", parse_unsigned, 0, max_connections),
	S("TriggerLimitIntervalSec", parse_usec, 0, trigger_limit.interval),
	S("TriggerLimitBurst", parse_unsigned, 0, trigger_limit.burst),
	{ NULL }
};
#undef S

/* Lifecycle. */

static void
close_ports(struct socket_unit *s)
{
	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];

		p->source = event_source_free(p->source);
		p->fd = safe_close(p->fd);
		if (s->remove_on_stop && p->addr.path && p->addr.kind != LISTEN_SPECIAL)
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

static struct unit *
triggered_service(struct socket_unit *s)
{
	struct unit *other;

	SET_FOREACH(other, UNIT(s)->deps[UNIT_TRIGGERS])
		return other;
	return NULL;
}

/* Accept=yes: one service instance per connection, named as the convention has it. */
static void
spawn_connection(struct socket_unit *s, int listen_fd)
{
	struct unit *u = UNIT(s), *svc;
	_cleanup_free_ char *prefix = NULL, *tmpl = NULL, *inst = NULL, *name = NULL, *e = NULL;
	char local[128] = "", peer[128] = "";
	int cfd, r;

	/* Blocking: the service reads and writes the connection like inetd's children do. */
	cfd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_unit_warning_errno(u, errno, "accept() failed: %m");
		return;
	}
	if (s->max_connections > 0 && s->n_connections >= s->max_connections) {
		log_unit_warning(u, "Too many incoming connections (%u), dropping connection.",
				 s->n_connections);
		close(cfd);
		return;
	}
	listen_format_local(cfd, local, sizeof(local));
	listen_format_peer(cfd, peer, sizeof(peer));
	/* Service=foo@.service (or foo.service) names the template's prefix. */
	r = unit_name_to_prefix(s->service_name ? s->service_name : u->id, &prefix);
	if (r >= 0)
		r = asprintf(&tmpl, "%s@.service", prefix) < 0 ? -ENOMEM : 0;
	if (r >= 0)
		r = asprintf(&inst, "%u-%s-%s", s->n_accepted, local, peer) < 0 ? -ENOMEM : 0;
	/* "0-127.0.0.1:22-127.0.0.1:4711" is a valid instance as it is; escape only what is
	 * not (IPv6 brackets, unix paths). */
	if (r >= 0)
		r = unit_name_replace_instance(tmpl, inst, &name);
	if (r >= 0 && !unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
		name = mfree(name);
		r = unit_name_escape(inst, &e);
		if (r >= 0)
			r = unit_name_replace_instance(tmpl, e, &name);
	}
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
	service_set_connection(svc, cfd, u); /* takes the fd */
	s->n_connections++;
	{
		_cleanup_free_ char *err = NULL;

		if (manager_add_job(u->manager, JOB_START, svc, JOB_REPLACE, NULL, &err) < 0)
			log_unit_error(u, "Cannot start %s: %s", svc->id, strna(err));
	}
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
		close_ports(s);
		s->result = SOCKET_FAILURE_TRIGGER_LIMIT_HIT;
		socket_set_state(s, SOCKET_FAILED);
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
		socket_set_state(s, SOCKET_LISTENING);
		watch_ports(s, true);
	}
	return 0;
}

static int
socket_start(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	s->result = SOCKET_SUCCESS;
	for (size_t i = 0; i < s->n_ports; i++) {
		struct socket_port *p = &s->ports[i];
		const char *step = "socket";
		int r;

		if (p->fd >= 0)
			continue; /* kept from before: clients may be queued on it */
		r = listen_open(&p->addr, &s->opts, &step);
		if (r >= 0) {
			p->fd = r;
			p->socket = s;
			r = event_add_io(u->manager->event, p->fd, EPOLLIN, on_traffic, p, &p->source);
		}
		if (r < 0) {
			unit_log_event(u, LOG_ERR, "Failed to listen on %s: step %s: %s", p->addr.text,
				       step, strerror(-r));
			close_ports(s);
			s->result = SOCKET_FAILURE_RESOURCES;
			socket_set_state(s, SOCKET_FAILED);
			return 0; /* the state change fails the job; every other unit goes on */
		}
	}
	STRV_FOREACH(l, s->symlinks)
		if (s->n_ports > 0 && s->ports[0].addr.path)
			(void)symlink(s->ports[0].addr.path, *l);
	socket_set_state(s, SOCKET_LISTENING);
	return 0;
}

static int
socket_stop(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	close_ports(s);
	socket_set_state(s, SOCKET_DEAD);
	return 0;
}

/* The activated service changed state: listen again once it is down. */
static void
socket_trigger_notify(struct unit *u, struct unit *other)
{
	struct socket_unit *s = SOCKET(u);
	enum unit_active_state st = unit_active_state(other);

	if (s->accept) {
		if (unit_inactive_or_failed(st) && s->n_connections > 0 && !other->job)
			s->n_connections--;
		return;
	}
	if (s->state == SOCKET_RUNNING && unit_inactive_or_failed(st) && !other->job) {
		socket_set_state(s, SOCKET_LISTENING);
		watch_ports(s, true);
	}
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

static int
socket_load(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);
	struct manager *m = u->manager;
	int r;

	if (s->n_ports == 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Socket has no Listen*= setting that ember supports. Refusing.");
		return -EINVAL;
	}
	if (!s->accept) {
		_cleanup_free_ char *prefix = NULL, *svc_name = NULL;
		struct unit *svc;

		if (s->service_name)
			svc_name = strdup(s->service_name);
		else if (unit_name_to_prefix(u->id, &prefix) >= 0)
			svc_name = strjoin(prefix, ".service");
		if (!svc_name)
			return -ENOMEM;
		r = manager_load_unit(m, svc_name, &svc);
		if (r < 0) {
			unit_set_load_error(u, UNIT_BAD_SETTING, -r, "Bad Service=%s.", svc_name);
			return r;
		}
		/* The socket is up before its service, and the service wants its socket. */
		if (unit_add_dependency(u, UNIT_TRIGGERS, svc, true) < 0 ||
		    unit_add_dependency(u, UNIT_BEFORE, svc, true) < 0 ||
		    unit_add_dependency(svc, UNIT_WANTS, u, true) < 0)
			return -ENOMEM;
	}
	if (!u->default_dependencies)
		return 0;
	r = unit_add_dependency_by_name(u, UNIT_BEFORE, "sockets.target", true);
	if (r >= 0 && m->scope == SCOPE_SYSTEM)
		r = unit_add_two_dependencies_by_name(u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
	if (r >= 0)
		r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
	return r == -ENOMEM ? r : 0;
}

static void
socket_init(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	s->opts.backlog = SOMAXCONN;
	s->opts.bind_ipv6_only = -1;
	s->opts.priority = -1;
	s->opts.socket_mode = 0666;
	s->opts.directory_mode = 0755;
	s->max_connections = 64;
	s->trigger_limit.interval = 2 * USEC_PER_SEC;
	s->trigger_limit.burst = 200;
}

static void
socket_done(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	for (size_t i = 0; i < s->n_ports; i++) {
		s->ports[i].source = event_source_free(s->ports[i].source);
		s->ports[i].fd = safe_close(s->ports[i].fd);
		listen_addr_done(&s->ports[i].addr);
	}
	free(s->ports);
	free(s->service_name);
	free(s->fd_name);
	free(s->opts.bind_to_device);
	strv_free(s->symlinks);
}

static void
socket_reset_config(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);
	enum socket_state st = s->state;
	enum socket_result res = s->result;

	if (st != SOCKET_DEAD && st != SOCKET_FAILED) {
		/* Open ports keep their fds, and the clients queued on them: parse_listen()
		 * skips the lines it has already. */
		s->symlinks = strv_free(s->symlinks);
		return;
	}
	socket_done(u);
	memset((char *)s + sizeof(struct unit), 0, sizeof(*s) - sizeof(struct unit));
	socket_init(u);
	s->state = st;
	s->result = res;
}

static void
socket_reset_failed(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);

	if (s->state == SOCKET_FAILED)
		socket_set_state(s, SOCKET_DEAD);
	s->result = SOCKET_SUCCESS;
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

const struct unit_vtable socket_vtable = {
	.object_size = sizeof(struct socket_unit),
	.section = "Socket",
	.directives = socket_directives,
	.init = socket_init,
	.done = socket_done,
	.load = socket_load,
	.start = socket_start,
	.stop = socket_stop,
	.reset_failed = socket_reset_failed,
	.reset_config = socket_reset_config,
	.trigger_notify = socket_trigger_notify,
	.active_state = socket_active_state,
	.sub_state_to_string = socket_sub_state,
	.result = socket_result,
};
