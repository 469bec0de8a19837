/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Socket: the listening addresses (what `systemctl list-sockets`
 * and `status` print), the connection counters and the [Socket] configuration, with
 * systemd's property types (systemctl rejects a reply where a property it knows has
 * another type). Properties ember has no setting for are left out rather than faked. */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/exec.h"
#include "string-util.h"
#include "strv.h"
#include "units/socket.h"

#define SOCK(object) ((struct socket_unit *)(object))
#define SOFIELD(name, sig, get, field) { name, sig, get, offsetof(struct socket_unit, field) }

/* An address as systemd prints it: IP addresses normalized ("8080" is "[::]:8080",
 * "::ffff:1.2.3.4" is "1.2.3.4"), netlink as "FAMILY GROUP"; everything else (paths,
 * abstract names, queues) as written. Returns a new string or NULL on OOM. */
static char *
format_address(const struct listen_addr *a)
{
	bool ip = a->kind == LISTEN_STREAM || a->kind == LISTEN_DATAGRAM ||
		  a->kind == LISTEN_SEQPACKET;
	char host[INET6_ADDRSTRLEN], *s = NULL;
	int r = -1;

	if (a->kind == LISTEN_NETLINK) {
		const char *sp = strchr(a->text, ' ');
		int l = sp ? (int)(sp - a->text) : (int)strlen(a->text);

		r = asprintf(&s, "%.*s %u", l, a->text,
			     ((const struct sockaddr_nl *)&a->storage)->nl_groups);
	} else if (ip && a->sa.sa_family == AF_INET) {
		if (inet_ntop(AF_INET, &a->in.sin_addr, host, sizeof(host)))
			r = asprintf(&s, "%s:%u", host, ntohs(a->in.sin_port));
	} else if (ip && a->sa.sa_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr)) {
			if (inet_ntop(AF_INET, &a->in6.sin6_addr.s6_addr[12], host, sizeof(host)))
				r = asprintf(&s, "%s:%u", host, ntohs(a->in6.sin6_port));
		} else if (inet_ntop(AF_INET6, &a->in6.sin6_addr, host, sizeof(host)))
			r = asprintf(&s, "[%s]:%u", host, ntohs(a->in6.sin6_port));
	}
	if (r >= 0)
		return s;
	return strdup(strempty(a->text));
}

static bool
get_listen(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct socket_unit *s = object;
	const char *type, *address;
	DBusMessageIter a, st;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(ss)", &a))
		return false;
	for (size_t i = 0; socket_port_info(&s->meta, i, &type, &address); i++) {
		_cleanup_free_ char *text = format_address(&s->ports[i].addr);

		if (!text || !dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &st))
			goto fail;
		if (!bus_append_string(&st, type) || !bus_append_string(&st, text)) {
			dbus_message_iter_abandon_container(&a, &st);
			goto fail;
		}
		if (!dbus_message_iter_close_container(&a, &st))
			goto fail;
	}
	return dbus_message_iter_close_container(it, &a);
fail:
	dbus_message_iter_abandon_container(it, &a);
	return false;
}

static bool
get_bind_ipv6_only(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	int v = SOCK(object)->opts.bind_ipv6_only;

	return bus_append_string(it, v < 0 ? "default" : v == 0 ? "both" : "ipv6-only");
}

static bool
get_result(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, socket_result_to_string(SOCK(object)->result));
}

static bool
get_control_pid(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	pid_t pid = SOCK(object)->control_pid;

	return bus_append_u32(it, pid > 0 ? (uint32_t)pid : 0);
}

/* Names passed in LISTEN_FDNAMES: FileDescriptorName=, else the unit's name. */
static bool
get_fd_name(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct socket_unit *s = object;

	return bus_append_string(it, s->fd_name ? s->fd_name : s->meta.id);
}

/* Accept=yes: the instances serving a connection right now. */
static bool
get_n_connections(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)SOCK(object)->n_live);
}

static bool
get_zero_u32(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, 0);
}

/* int fields of struct listen_options that D-Bus carries unsigned: negative reads 0. */
static bool
get_int_as_u32(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	int v = *(int *)((char *)object + p->arg);

	return bus_append_u32(it, v > 0 ? (uint32_t)v : 0);
}

static bool
get_int_as_u64(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	int v = *(int *)((char *)object + p->arg);

	return bus_append_u64(it, v > 0 ? (uint64_t)v : 0);
}

static bool
get_long_as_i64(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	dbus_int64_t v = *(long *)((char *)object + p->arg);

	return dbus_message_iter_append_basic(it, DBUS_TYPE_INT64, &v);
}

static bool
get_mode(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)*(mode_t *)((char *)object + p->arg));
}

static bool
get_kill_mode(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, kill_mode_to_string(SOCK(object)->kill_context.kill_mode));
}

/* One (path, argv, ignore, start, start-mono, exit, exit-mono, pid, code, status) entry.
 * Control commands of sockets keep no timestamps or exit status here; the running one
 * has its PID. */
static bool
append_exec_command(DBusMessageIter *array, struct socket_unit *s, const struct exec_command *c)
{
	pid_t pid = c == s->control_command ? s->control_pid : 0;
	DBusMessageIter st;

	if (!dbus_message_iter_open_container(array, DBUS_TYPE_STRUCT, NULL, &st))
		return false;
	if (!bus_append_string(&st, c->path) || !bus_append_strv(&st, c->argv) ||
	    !bus_append_bool(&st, c->flags & EXEC_IGNORE_FAILURE) ||
	    !bus_append_u64(&st, 0) || !bus_append_u64(&st, 0) ||
	    !bus_append_u64(&st, 0) || !bus_append_u64(&st, 0) ||
	    !bus_append_u32(&st, pid > 0 ? (uint32_t)pid : 0) ||
	    !bus_append_i32(&st, 0) || !bus_append_i32(&st, 0)) {
		dbus_message_iter_abandon_container(array, &st);
		return false;
	}
	return dbus_message_iter_close_container(array, &st);
}

/* p->arg is the enum socket_exec_kind. */
static bool
get_exec_commands(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct socket_unit *s = object;
	DBusMessageIter a;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sasbttttuii)", &a))
		return false;
	for (const struct exec_command *c = s->exec[p->arg]; c; c = c->next)
		if (!append_exec_command(&a, s, c)) {
			dbus_message_iter_abandon_container(it, &a);
			return false;
		}
	return dbus_message_iter_close_container(it, &a);
}

#define OPT(name, sig, get, field) SOFIELD(name, sig, get, opts.field)
#define EXEC(name, kind) { name, "a(sasbttttuii)", get_exec_commands, kind }
#define CFIELD(name, sig, get, field) SOFIELD(name, sig, get, exec_context.field)
#define KFIELD(name, sig, get, field) SOFIELD(name, sig, get, kill_context.field)

static const struct bus_property socket_properties[] = {
	{ "BindIPv6Only", "s", get_bind_ipv6_only, 0 },
	OPT("Backlog", "u", get_int_as_u32, backlog),
	SOFIELD("TimeoutUSec", "t", bus_property_get_usec, timeout_usec),
	OPT("BindToDevice", "s", bus_property_get_string, bind_to_device),
	SOFIELD("SocketUser", "s", bus_property_get_string, socket_user),
	SOFIELD("SocketGroup", "s", bus_property_get_string, socket_group),
	OPT("SocketMode", "u", get_mode, socket_mode),
	OPT("DirectoryMode", "u", get_mode, directory_mode),
	SOFIELD("Accept", "b", bus_property_get_bool, accept),
	OPT("KeepAlive", "b", bus_property_get_bool, keep_alive),
	OPT("NoDelay", "b", bus_property_get_bool, no_delay),
	OPT("Priority", "i", bus_property_get_int, priority),
	OPT("ReceiveBuffer", "t", get_int_as_u64, receive_buffer),
	OPT("SendBuffer", "t", get_int_as_u64, send_buffer),
	OPT("FreeBind", "b", bus_property_get_bool, free_bind),
	OPT("Transparent", "b", bus_property_get_bool, transparent),
	OPT("PassCredentials", "b", bus_property_get_bool, pass_credentials),
	OPT("PassSecurity", "b", bus_property_get_bool, pass_security),
	SOFIELD("RemoveOnStop", "b", bus_property_get_bool, remove_on_stop),
	{ "Listen", "a(ss)", get_listen, 0 },
	SOFIELD("Symlinks", "as", bus_property_get_strv, symlinks),
	SOFIELD("MaxConnections", "u", bus_property_get_unsigned, max_connections),
	SOFIELD("MaxConnectionsPerSource", "u", bus_property_get_unsigned,
		max_connections_per_source),
	OPT("MessageQueueMaxMessages", "x", get_long_as_i64, mq_max_messages),
	OPT("MessageQueueMessageSize", "x", get_long_as_i64, mq_message_size),
	OPT("ReusePort", "b", bus_property_get_bool, reuse_port),
	{ "ControlPID", "u", get_control_pid, 0 },
	{ "Result", "s", get_result, 0 },
	{ "NConnections", "u", get_n_connections, 0 },
	SOFIELD("NAccepted", "u", bus_property_get_unsigned, n_accepted),
	/* Connections turned away (MaxConnections=, MaxConnectionsPerSource=) are not
	 * counted yet. */
	{ "NRefused", "u", get_zero_u32, 0 },
	{ "FileDescriptorName", "s", get_fd_name, 0 },
	SOFIELD("TriggerLimitIntervalUSec", "t", bus_property_get_usec, trigger_limit.interval),
	SOFIELD("TriggerLimitBurst", "u", bus_property_get_unsigned, trigger_limit.burst),
	EXEC("ExecStartPre", SOCKET_EXEC_START_PRE),
	EXEC("ExecStartPost", SOCKET_EXEC_START_POST),
	EXEC("ExecStopPre", SOCKET_EXEC_STOP_PRE),
	EXEC("ExecStopPost", SOCKET_EXEC_STOP_POST),
	{ "KillMode", "s", get_kill_mode, 0 },
	KFIELD("KillSignal", "i", bus_property_get_int, kill_signal),
	KFIELD("RestartKillSignal", "i", bus_property_get_int, restart_kill_signal),
	KFIELD("FinalKillSignal", "i", bus_property_get_int, final_kill_signal),
	KFIELD("WatchdogSignal", "i", bus_property_get_int, watchdog_signal),
	KFIELD("SendSIGKILL", "b", bus_property_get_bool, send_sigkill),
	KFIELD("SendSIGHUP", "b", bus_property_get_bool, send_sighup),
	CFIELD("Environment", "as", bus_property_get_strv, environment),
	CFIELD("PassEnvironment", "as", bus_property_get_strv, pass_environment),
	CFIELD("UnsetEnvironment", "as", bus_property_get_strv, unset_environment),
	CFIELD("User", "s", bus_property_get_string, user),
	CFIELD("Group", "s", bus_property_get_string, group),
	CFIELD("SupplementaryGroups", "as", bus_property_get_strv, supplementary_groups),
	CFIELD("RootDirectory", "s", bus_property_get_string, root_directory),
	CFIELD("Nice", "i", bus_property_get_int, nice),
	CFIELD("OOMScoreAdjust", "i", bus_property_get_int, oom_score_adjust),
	CFIELD("SyslogIdentifier", "s", bus_property_get_string, syslog_identifier),
	CFIELD("NoNewPrivileges", "b", bus_property_get_bool, no_new_privileges),
	CFIELD("IgnoreSIGPIPE", "b", bus_property_get_bool, ignore_sigpipe),
	CFIELD("PAMName", "s", bus_property_get_string, pam_name),
	{ NULL }
};

const char *const bus_socket_changed_properties[] = {
	"ControlPID", "Result", "NConnections", "NAccepted", NULL,
};

const struct bus_interface bus_socket_interface = {
	.name = BUS_NAME ".Socket",
	.properties = socket_properties,
	.more_properties = bus_cgroup_properties,
};
