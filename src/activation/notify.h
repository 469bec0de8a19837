/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_NOTIFY_H
#define EMBER_NOTIFY_H

#include <stddef.h>
#include <sys/types.h>

struct event;

/* The sd_notify socket (protocols.md §2): an AF_UNIX datagram socket with SO_PASSCRED.
 * The kernel stamps each message with the sender's pid/uid, which is how a message is
 * tied to a unit and checked against NotifyAccess=. Knows nothing about units. */

/* Called per message: tags are the KEY=VALUE lines; fds received (ownership passes). */
typedef void (*notify_handler_fn)(pid_t pid, uid_t uid, char **tags, int *fds, size_t n_fds,
				  void *userdata);

struct notify_listener;

/* Binds path (a leading '@' means abstract), registers with the loop. */
int notify_listener_new(struct event *e, const char *path, notify_handler_fn cb, void *userdata,
			struct notify_listener **ret);
struct notify_listener *notify_listener_free(struct notify_listener *n);

#endif
