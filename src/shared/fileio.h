/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_FILEIO_H
#define EMBER_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads fd to its end into a new NUL-terminated string (*ret_len bytes, may be NULL).
 * More than limit bytes is -EFBIG. Does not close fd. */
int read_full_fd(int fd, size_t limit, char **ret, size_t *ret_len);

/* mkdir -p: creates path and its missing parents with mode. 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

#endif
