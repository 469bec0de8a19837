/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "activation/listen.h"
#include "fileio.h"
#include "macro.h"
#include "string-util.h"

static int
parse_port(const char *s, uint16_t *ret)
{
	unsigned p;

	if (safe_atou(s, &p) < 0 || p == 0 || p > 65535)
		return -EINVAL;
	*ret = (uint16_t)p;
	return 0;
}

int
listen_addr_parse(enum listen_kind kind, const char *value, struct listen_addr *ret)
{
	struct listen_addr a = { .kind = kind };
	uint16_t port;
	const char *colon;

	if (isempty(value))
		return -EINVAL;
	a.text = strdup(value);
	if (!a.text)
		return -ENOMEM;
	if (kind == LISTEN_NETLINK) {
		static const struct { const char *name; int family; } families[] = {
			{ "route", NETLINK_ROUTE }, { "inet-diag", NETLINK_INET_DIAG },
			{ "selinux", NETLINK_SELINUX }, { "iscsi", NETLINK_ISCSI },
			{ "audit", NETLINK_AUDIT }, { "fib-lookup", NETLINK_FIB_LOOKUP },
			{ "connector", NETLINK_CONNECTOR }, { "netfilter", NETLINK_NETFILTER },
			{ "ip6-fw", NETLINK_IP6_FW }, { "dnrtmsg", NETLINK_DNRTMSG },
			{ "kobject-uevent", NETLINK_KOBJECT_UEVENT }, { "generic", NETLINK_GENERIC },
			{ "scsitransport", NETLINK_SCSITRANSPORT }, { "ecryptfs", NETLINK_ECRYPTFS },
			{ "rdma", NETLINK_RDMA },
		};
		const char *sp = strchr(value, ' ');
		size_t l = sp ? (size_t)(sp - value) : strlen(value);
		unsigned group = 0;

		a.netlink_family = -1;
		for (size_t i = 0; i < ELEMENTSOF(families); i++)
			if (strlen(families[i].name) == l && strneq(value, families[i].name, l))
				a.netlink_family = families[i].family;
		if (a.netlink_family < 0 || (sp && safe_atou(sp + 1, &group) < 0))
			goto invalid;
		a.len = sizeof(struct sockaddr_nl);
		((struct sockaddr_nl *)&a.storage)->nl_family = AF_NETLINK;
		((struct sockaddr_nl *)&a.storage)->nl_groups = group;
		*ret = a;
		return 0;
	}
	if (kind == LISTEN_MQUEUE) {
		/* One path component: the queue lives in the mqueue filesystem, not here. */
		if (value[0] != '/' || !value[1] || strchr(value + 1, '/') || strlen(value) > NAME_MAX)
			goto invalid;
		*ret = a;
		return 0;
	}
	if (kind == LISTEN_FIFO || kind == LISTEN_SPECIAL) {
		if (value[0] != '/')
			goto invalid;
		a.path = strdup(value);
		if (!a.path)
			goto oom;
		*ret = a;
		return 0;
	}
	if (value[0] == '/' || value[0] == '@') {
		size_t l = strlen(value);

		if (l >= sizeof(a.un.sun_path))
			goto invalid;
		a.un.sun_family = AF_UNIX;
		memcpy(a.un.sun_path, value, l);
		if (value[0] == '@') {
			a.un.sun_path[0] = 0; /* abstract: the length ends at the name */
			a.len = offsetof(struct sockaddr_un, sun_path) + l;
		} else {
			a.len = offsetof(struct sockaddr_un, sun_path) + l + 1;
			a.path = strdup(value);
			if (!a.path)
				goto oom;
		}
		*ret = a;
		return 0;
	}
	if (parse_port(value, &port) == 0) {
		/* A bare port listens on every address, IPv6 and (dual stack) IPv4. */
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_addr = in6addr_any;
		a.in6.sin6_port = htons(port);
		a.len = sizeof(a.in6);
		*ret = a;
		return 0;
	}
	if (value[0] == '[') {
		const char *end = strchr(value, ']');
		char host[INET6_ADDRSTRLEN + 1];

		if (!end || end[1] != ':' || (size_t)(end - value - 1) >= sizeof(host))
			goto invalid;
		memcpy(host, value + 1, (size_t)(end - value - 1));
		host[end - value - 1] = 0;
		if (inet_pton(AF_INET6, host, &a.in6.sin6_addr) != 1 || parse_port(end + 2, &port) < 0)
			goto invalid;
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(port);
		a.len = sizeof(a.in6);
		*ret = a;
		return 0;
	}
	colon = strrchr(value, ':');
	if (colon) {
		char host[INET_ADDRSTRLEN + 1];

		if ((size_t)(colon - value) >= sizeof(host))
			goto invalid;
		memcpy(host, value, (size_t)(colon - value));
		host[colon - value] = 0;
		if (inet_pton(AF_INET, host, &a.in.sin_addr) != 1 || parse_port(colon + 1, &port) < 0)
			goto invalid;
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(port);
		a.len = sizeof(a.in);
		*ret = a;
		return 0;
	}
invalid:
	listen_addr_done(&a);
	return -EINVAL;
oom:
	listen_addr_done(&a);
	return -ENOMEM;
}

void
listen_addr_done(struct listen_addr *a)
{
	a->text = mfree(a->text);
	a->path = mfree(a->path);
}

/* Sets an int option; on failure names it in *step. */
static int
set_int(int fd, int level, int opt, int v, const char *name, const char **step)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) >= 0)
		return 0;
	*step = name;
	return -errno;
}

/* Applies the options that matter to this kind of socket; the first failure is returned. */
static int
apply_options(int fd, const struct listen_addr *a, const struct listen_options *o,
	      const char **step)
{
	int family = a->sa.sa_family, ip = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	bool inet = family == AF_INET || family == AF_INET6;
	int r = 0;

	/* "[::]:80" and a bare port mean both IPv6 and IPv4 unless BindIPv6Only= says. */
	if (family == AF_INET6)
		r = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, o->bind_ipv6_only > 0, "IPV6_V6ONLY", step);
	if (r >= 0 && inet)
		r = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR", step);
	if (r >= 0 && o->reuse_port)
		r = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT", step);
	if (r >= 0 && o->free_bind && inet)
		r = set_int(fd, ip, family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, 1, "FreeBind", step);
	if (r >= 0 && o->transparent && inet)
		r = set_int(fd, ip, family == AF_INET6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, 1,
			    "Transparent", step);
	if (r >= 0 && o->keep_alive)
		r = set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE", step);
	if (r >= 0 && o->no_delay && inet && a->kind == LISTEN_STREAM)
		r = set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY", step);
	if (r >= 0 && o->pass_credentials && family == AF_UNIX)
		r = set_int(fd, SOL_SOCKET, SO_PASSCRED, 1, "SO_PASSCRED", step);
	if (r >= 0 && o->pass_security && family == AF_UNIX)
		r = set_int(fd, SOL_SOCKET, SO_PASSSEC, 1, "SO_PASSSEC", step);
	if (r >= 0 && o->priority >= 0)
		r = set_int(fd, SOL_SOCKET, SO_PRIORITY, o->priority, "SO_PRIORITY", step);
	if (r >= 0 && o->receive_buffer > 0)
		r = set_int(fd, SOL_SOCKET, SO_RCVBUF, o->receive_buffer, "SO_RCVBUF", step);
	if (r >= 0 && o->send_buffer > 0)
		r = set_int(fd, SOL_SOCKET, SO_SNDBUF, o->send_buffer, "SO_SNDBUF", step);
	if (r >= 0 && o->bind_to_device && inet &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->bind_to_device,
		       (socklen_t)strlen(o->bind_to_device)) < 0) {
		*step = "SO_BINDTODEVICE";
		r = -errno;
	}
	return r;
}

static int
parent_dir(const char *path, mode_t mode)
{
	_cleanup_free_ char *d = strdup(path);
	char *slash;

	if (!d)
		return -ENOMEM;
	slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = 0;
	return mkdir_p(d, mode);
}

static int
open_fifo(const struct listen_addr *a, const struct listen_options *o, const char **step)
{
	struct stat st;
	int fd, r;

	r = parent_dir(a->path, o->directory_mode);
	if (r < 0) {
		*step = "mkdir";
		return r;
	}
	if (a->kind == LISTEN_FIFO) {
		if (mkfifo(a->path, o->socket_mode) < 0 && errno != EEXIST) {
			*step = "mkfifo";
			return -errno;
		}
		/* SocketMode= exactly, whatever the manager's umask took away. */
		if (chmod(a->path, o->socket_mode) < 0) {
			*step = "chmod";
			return -errno;
		}
	}
	/* O_RDWR on a FIFO: we hold a writer, so readers never see EOF while idle. */
	fd = open(a->path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*step = "open";
		return -errno;
	}
	if (a->kind == LISTEN_FIFO && (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))) {
		close(fd);
		*step = "fstat";
		return -EEXIST;
	}
	return fd;
}

/* Linux message queue descriptors are pollable fds, close-on-exec from the start. */
static int
open_mqueue(const struct listen_addr *a, const struct listen_options *o, const char **step)
{
	struct mq_attr attr = { .mq_maxmsg = o->mq_max_messages, .mq_msgsize = o->mq_message_size };
	bool sized = o->mq_max_messages > 0 && o->mq_message_size > 0;
	mqd_t q;

	q = mq_open(a->text, O_RDONLY | O_CREAT | O_NONBLOCK, o->socket_mode, sized ? &attr : NULL);
	if (q == (mqd_t)-1) {
		*step = "mq_open";
		return -errno;
	}
	return (int)q;
}

int
listen_open(const struct listen_addr *a, const struct listen_options *o, const char **step)
{
	static const int types[_LISTEN_KIND_MAX] = {
		[LISTEN_STREAM] = SOCK_STREAM,
		[LISTEN_DATAGRAM] = SOCK_DGRAM,
		[LISTEN_SEQPACKET] = SOCK_SEQPACKET,
	};
	int fd, r;

	if (a->kind == LISTEN_FIFO || a->kind == LISTEN_SPECIAL)
		return open_fifo(a, o, step);
	if (a->kind == LISTEN_MQUEUE)
		return open_mqueue(a, o, step);
	if (a->kind == LISTEN_NETLINK)
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, a->netlink_family);
	else
		fd = socket(a->sa.sa_family, types[a->kind] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*step = "socket";
		return -errno;
	}
	r = apply_options(fd, a, o, step);
	if (r < 0)
		goto fail;
	if (a->path) {
		r = parent_dir(a->path, o->directory_mode);
		if (r < 0) {
			*step = "mkdir";
			goto fail;
		}
		(void)unlink(a->path); /* a stale socket from an earlier run */
	}
	if (bind(fd, &a->sa, a->len) < 0) {
		r = -errno;
		*step = "bind";
		goto fail;
	}
	if (a->path && chmod(a->path, o->socket_mode) < 0) {
		r = -errno;
		*step = "chmod";
		goto fail;
	}
	if ((a->kind == LISTEN_STREAM || a->kind == LISTEN_SEQPACKET) &&
	    listen(fd, o->backlog > 0 ? o->backlog : SOMAXCONN) < 0) {
		r = -errno;
		*step = "listen";
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return r;
}

static int
format_addr(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	switch (ss->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
		return 0;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
		return 0;
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const void *)ss;
		size_t l = len > offsetof(struct sockaddr_un, sun_path) ?
				   len - offsetof(struct sockaddr_un, sun_path) : 0;

		if (l == 0)
			snprintf(buf, size, "unix");
		else if (un->sun_path[0] == 0)
			snprintf(buf, size, "@%.*s", (int)(l - 1), un->sun_path + 1);
		else
			snprintf(buf, size, "%.*s", (int)l, un->sun_path);
		return 0;
	}
	default:
		snprintf(buf, size, "unknown");
		return -EAFNOSUPPORT;
	}
}

int
listen_format_local(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	return format_addr(&ss, len, buf, size);
}

int
listen_format_peer(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	return format_addr(&ss, len, buf, size);
}
