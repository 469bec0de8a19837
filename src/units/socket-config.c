/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "activation/fdstore.h"
#include "core/event.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/directives.h"
#include "units/socket.h"
#include "units/unit-vtable.h"

/* [Socket] directives and load-time checks of socket units. */

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

static int
parse_long(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	unsigned x;

	if (safe_atou(v, &x) < 0 || x == 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	*(long *)data = (long)x;
	return 0;
}

static int
parse_fd_name(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char **name = data;
	char *e = NULL;
	int r;

	if (isempty(v)) {
		*name = mfree(*name);
		return 0;
	}
	r = directive_expand(c, v, &e);
	if (r < 0)
		return r;
	if (!fd_name_is_valid(e)) {
		log_syntax(c->file, c->line, LOG_WARNING, 0,
			   "Invalid %s=%s (1-255 printable characters, no ':'), ignoring.", c->key, e);
		free(e);
		return -EINVAL;
	}
	free(*name);
	*name = e;
	return 0;
}

#define S(name, fn, arg, field) { "Socket", name, fn, arg, offsetof(struct socket_unit, field) }
const struct directive socket_directives[] = {
	S("ListenStream", parse_listen, LISTEN_STREAM, ports),
	S("ListenDatagram", parse_listen, LISTEN_DATAGRAM, ports),
	S("ListenSequentialPacket", parse_listen, LISTEN_SEQPACKET, ports),
	S("ListenFIFO", parse_listen, LISTEN_FIFO, ports),
	S("ListenSpecial", parse_listen, LISTEN_SPECIAL, ports),
	S("ListenNetlink", parse_listen, LISTEN_NETLINK, ports),
	S("ListenMessageQueue", parse_listen, LISTEN_MQUEUE, ports),
	S("MessageQueueMaxMessages", parse_long, 0, opts.mq_max_messages),
	S("MessageQueueMessageSize", parse_long, 0, opts.mq_message_size),
	S("Accept", parse_bool, 0, accept),
	S("Service", parse_string, 0, service_name),
	S("FileDescriptorName", parse_fd_name, 0, fd_name),
	S("SocketMode", parse_mode, 0, opts.socket_mode),
	S("DirectoryMode", parse_mode, 0, opts.directory_mode),
	S("SocketUser", parse_string, 0, socket_user),
	S("SocketGroup", parse_string, 0, socket_group),
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
	S("MaxConnectionsPerSource", parse_unsigned, 0, max_connections_per_source),
	S("TriggerLimitIntervalSec", parse_usec, 0, trigger_limit.interval),
	S("TriggerLimitBurst", parse_unsigned, 0, trigger_limit.burst),
	S("TimeoutSec", parse_usec, 1, timeout_usec),
	S("ExecStartPre", parse_exec_command, SOCKET_EXEC_START_PRE, exec),
	S("ExecStartPost", parse_exec_command, SOCKET_EXEC_START_POST, exec),
	S("ExecStopPre", parse_exec_command, SOCKET_EXEC_STOP_PRE, exec),
	S("ExecStopPost", parse_exec_command, SOCKET_EXEC_STOP_POST, exec),
	{ NULL }
};
#undef S

void
socket_init_defaults(struct unit *u)
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
	s->timeout_usec = u->manager->defaults.timeout_start;
	exec_context_init(&s->exec_context);
	kill_context_init(&s->kill_context);
}

int
socket_service_name(struct unit *u, char **ret)
{
	struct socket_unit *s = SOCKET(u);
	_cleanup_free_ char *prefix = NULL;

	if (s->service_name)
		*ret = strdup(s->service_name);
	else if (unit_name_to_prefix(u->id, &prefix) >= 0)
		*ret = strjoin(prefix, ".service");
	else
		*ret = NULL;
	return *ret ? 0 : -ENOMEM;
}

/* Accept=no: the socket is up before its service, and the service wants its socket. */
static int
add_service_dependencies(struct unit *u)
{
	_cleanup_free_ char *svc_name = NULL;
	struct unit *svc;
	int r;

	if (socket_service_name(u, &svc_name) < 0)
		return -ENOMEM;
	r = manager_load_unit(u->manager, svc_name, &svc);
	if (r < 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, -r, "Bad Service=%s.", svc_name);
		return r;
	}
	if (unit_add_dependency(u, UNIT_TRIGGERS, svc, true) < 0 ||
	    unit_add_dependency(u, UNIT_BEFORE, svc, true) < 0 ||
	    unit_add_dependency(svc, UNIT_WANTS, u, true) < 0)
		return -ENOMEM;
	return 0;
}

int
socket_load_check(struct unit *u)
{
	struct socket_unit *s = SOCKET(u);
	struct manager *m = u->manager;
	int r;

	if (s->n_ports == 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Socket has no Listen*= setting that ember supports. Refusing.");
		return -EINVAL;
	}
	if (s->accept) {
		bool stream = false;

		for (size_t i = 0; i < s->n_ports; i++)
			stream = stream || s->ports[i].addr.kind == LISTEN_STREAM;
		if (!stream) {
			unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
					    "Accept=yes needs a ListenStream= socket. Refusing.");
			return -EINVAL;
		}
	} else {
		r = add_service_dependencies(u);
		if (r < 0)
			return r;
	}
	r = exec_context_apply_defaults(&s->exec_context, &m->defaults);
	if (r < 0 || !u->default_dependencies)
		return r;
	r = unit_add_dependency_by_name(u, UNIT_BEFORE, "sockets.target", true);
	if (r >= 0 && m->scope == SCOPE_SYSTEM)
		r = unit_add_two_dependencies_by_name(u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
	if (r >= 0)
		r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
	return r == -ENOMEM ? r : 0;
}
