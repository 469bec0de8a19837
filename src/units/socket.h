/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SOCKET_H
#define EMBER_SOCKET_H

#include <stddef.h>

struct unit;

/* The fds a socket unit hands to the service it activates, in the order of its Listen*=
 * lines, with their names (FileDescriptorName= or the socket unit's name). Appends to
 * fds and names (malloc'd, names NULL-terminated); returns how many were added or -ENOMEM.
 * The fds stay owned by the socket unit. */
int socket_collect_fds(struct unit *socket, int **fds, size_t *n_fds, char ***names);

#endif
