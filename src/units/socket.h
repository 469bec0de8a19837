/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SOCKET_H
#define EMBER_SOCKET_H

#include <stddef.h>

#include "activation/listen.h"
#include "core/exec.h"
#include "core/unit.h"

struct event_source;

/* Socket units: every listening socket exists before the daemon behind it runs (design.md
 * idea 1). The fds stay open across restarts of the service: clients queue in the kernel
 * meanwhile. Sub-states:
 *   DEAD -> START_PRE -> START_CHOWN -> START_POST -> LISTENING (fds open and watched)
 *   LISTENING -> RUNNING (the service has the fds; not watched) -> LISTENING when it is down
 *   any -> STOP_PRE (fds still open) -> STOP_POST (fds closed) -> DEAD or FAILED
 * with the SIGTERM/SIGKILL states in between when a control process must be killed. */
enum socket_state {
	SOCKET_DEAD,
	SOCKET_START_PRE,
	SOCKET_START_CHOWN,
	SOCKET_START_POST,
	SOCKET_LISTENING,
	SOCKET_RUNNING,
	SOCKET_STOP_PRE,
	SOCKET_STOP_PRE_SIGTERM,
	SOCKET_STOP_PRE_SIGKILL,
	SOCKET_STOP_POST,
	SOCKET_FINAL_SIGTERM,
	SOCKET_FINAL_SIGKILL,
	SOCKET_FAILED,
	_SOCKET_STATE_MAX,
};

enum socket_result {
	SOCKET_SUCCESS,
	SOCKET_FAILURE_RESOURCES,
	SOCKET_FAILURE_TIMEOUT,
	SOCKET_FAILURE_EXIT_CODE,
	SOCKET_FAILURE_SIGNAL,
	SOCKET_FAILURE_CORE_DUMP,
	SOCKET_FAILURE_TRIGGER_LIMIT_HIT,
	SOCKET_FAILURE_SERVICE_START_LIMIT_HIT,
	_SOCKET_RESULT_MAX,
};

enum socket_exec_kind {
	SOCKET_EXEC_START_PRE,
	SOCKET_EXEC_START_POST,
	SOCKET_EXEC_STOP_PRE,
	SOCKET_EXEC_STOP_POST,
	_SOCKET_EXEC_KIND_MAX,
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
	char *socket_user, *socket_group;
	char **symlinks;
	unsigned max_connections, max_connections_per_source;
	/* Accept=yes: the instances serving a connection now, and where each came from. */
	struct socket_connection {
		struct unit *instance;
		char source[64]; /* the peer without its port */
	} *live;
	size_t n_live;
	unsigned n_accepted;
	struct ratelimit trigger_limit;
	usec_t timeout_usec;

	struct exec_command *exec[_SOCKET_EXEC_KIND_MAX];
	struct exec_context exec_context;
	struct kill_context kill_context;

	enum socket_state state;
	enum socket_result result;
	pid_t control_pid;
	struct exec_spawn control_spawn;
	struct exec_command *control_command;
	struct exec_command *exec_retired; /* the running list, replaced by a daemon-reload */
	enum socket_exec_kind control_kind;
	struct event_source *timer;
	char *failed_step;        /* why the last start failed, for status */
};

#define SOCKET(u) ((struct socket_unit *)(u))

extern const struct directive socket_directives[];
int socket_load_check(struct unit *u);
/* Accept=no: the name of the service traffic starts (Service=, else NAME.service). */
int socket_service_name(struct unit *u, char **ret);
void socket_init_defaults(struct unit *u);

const char *socket_state_to_string(enum socket_state s);
const char *socket_result_to_string(enum socket_result r);
const char *socket_exec_kind_to_string(enum socket_exec_kind k);

/* The fds a socket unit hands to the service it activates, in the order of its Listen*=
 * lines, with their names (FileDescriptorName= or the socket unit's name). Appends to
 * fds and names (malloc'd, names NULL-terminated); returns how many were added or -ENOMEM.
 * The fds stay owned by the socket unit. */
int socket_collect_fds(struct unit *socket, int **fds, size_t *n_fds, char ***names);

/* For list-sockets and the Listen property: (type, address) of port i, or false past the
 * end. type is "Stream", "Datagram", "SequentialPacket", "FIFO", "Special", "Netlink",
 * "MessageQueue". */
bool socket_port_info(const struct unit *socket, size_t i, const char **type, const char **address);

#endif
