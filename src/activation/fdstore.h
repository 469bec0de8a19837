/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_FDSTORE_H
#define EMBER_FDSTORE_H

#include <stdbool.h>
#include <stddef.h>

struct event;

/* The file descriptor store of a service (sd_notify FDSTORE=1): fds a daemon hands to
 * the manager so they outlive its own restart, given back to it with LISTEN_FDS after the
 * socket fds. Each fd is watched for EPOLLHUP/EPOLLERR (unless FDPOLL=0) and dropped when
 * its peer goes away. A store is allocated at the first FDSTORE=1: most services never
 * have one. */

struct fd_store;

/* Takes fd (closes it on every path that does not keep it). owner names the unit in log
 * messages. Returns 1 if stored, 0 if the same open file was stored already (the name is
 * updated), -EXFULL if the store has max entries, -ENOMEM. */
int fd_store_add(struct fd_store **store, struct event *e, const char *owner, int fd,
		 const char *name, bool poll, unsigned max);
/* FDSTOREREMOVE=1: drops every fd called name. Returns how many. */
unsigned fd_store_remove_name(struct fd_store *store, const char *name);
/* Appends the stored fds and their names, in the order they were stored. The fds stay
 * owned by the store. Returns 0 or -ENOMEM. */
int fd_store_collect(const struct fd_store *store, int **fds, size_t *n_fds, char ***names);
size_t fd_store_size(const struct fd_store *store);
/* FDNAME= and FileDescriptorName=: 1-255 printable ASCII characters, no ':' (the
 * separator of LISTEN_FDNAMES). */
bool fd_name_is_valid(const char *name);
/* Closes everything. Accepts NULL; returns NULL. */
struct fd_store *fd_store_free(struct fd_store *store);

#endif
