/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_LISTEN_H
#define EMBER_LISTEN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* Listening sockets and FIFOs, created before any daemon runs (protocols.md §1). Knows
 * addresses and fds, not units: units/socket.c owns the what and when. */

enum listen_kind {
	LISTEN_STREAM,
	LISTEN_DATAGRAM,
	LISTEN_SEQPACKET,
	LISTEN_FIFO,
	LISTEN_SPECIAL,
	LISTEN_NETLINK,   /* "kobject-uevent 1": family name and multicast group */
	LISTEN_MQUEUE,    /* a POSIX message queue, "/name" */
	_LISTEN_KIND_MAX,
};

struct listen_addr {
	enum listen_kind kind;
	char *text;          /* as written, for messages and list-sockets */
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_storage storage;
	};
	socklen_t len;       /* 0 for FIFO/special */
	int netlink_family;  /* NETLINK_*, for LISTEN_NETLINK */
	char *path;          /* FIFO/special path, or the AF_UNIX path (NULL if abstract) */
};

/* Options applied to every socket of a unit. */
struct listen_options {
	int backlog;          /* SOMAXCONN by default */
	int bind_ipv6_only;   /* -1 default (dual stack for [::]), 0 both, 1 ipv6-only */
	bool reuse_port;
	bool free_bind;
	bool transparent;
	bool keep_alive;
	bool no_delay;
	bool pass_credentials;
	bool pass_security;
	int priority;         /* -1 unset */
	int receive_buffer;   /* 0 unset */
	int send_buffer;
	char *bind_to_device;
	mode_t socket_mode;   /* 0666 */
	mode_t directory_mode;/* 0755 */
	long mq_max_messages; /* MessageQueueMaxMessages=, 0 = the kernel's default */
	long mq_message_size; /* MessageQueueMessageSize= */
};

/* Parses "ListenStream=" style values: "/path", "@abstract", "1234", "1.2.3.4:80",
 * "[::1]:80", "[::]:80". kind says which directive it came from. 0 or -EINVAL. */
int listen_addr_parse(enum listen_kind kind, const char *value, struct listen_addr *ret);
void listen_addr_done(struct listen_addr *a);

/* Creates, binds and (for stream/seqpacket) listens; the fd is non-blocking and
 * close-on-exec. For AF_UNIX the parent directory is created and a stale socket
 * unlinked. Returns the fd or -errno, with *step naming what failed ("socket", "bind",
 * "listen", "mkfifo", ...). */
int listen_open(const struct listen_addr *a, const struct listen_options *o, const char **step);

/* "1.2.3.4:80" / "[::1]:80" / "/run/x" of the local side of fd, for names. */
int listen_format_local(int fd, char *buf, size_t size);
int listen_format_peer(int fd, char *buf, size_t size);

#endif
