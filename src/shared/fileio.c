/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "string-util.h"

int
read_full_fd(int fd, size_t limit, char **ret, size_t *ret_len)
{
	struct strbuf b = { 0 };
	char chunk[4096];
	int r = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > limit) {
			r = -EFBIG;
			break;
		}
		r = strbuf_append(&b, chunk, (size_t)n);
		if (r < 0)
			break;
	}
	if (r < 0) {
		strbuf_done(&b);
		return r;
	}
	if (ret_len)
		*ret_len = b.len;
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

int
mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
