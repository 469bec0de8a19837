/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/kcmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "activation/fdstore.h"
#include "core/event.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

struct fd_store_entry {
	struct fd_store *store;
	int fd;
	char *name;
	struct event_source *watch; /* NULL when not polled */
};

struct fd_store {
	struct fd_store_entry **entries; /* pointers: the watches point at the entries */
	size_t n;
	const char *owner;
};

/* Whether a and b are the same open file description (a dup), not just the same inode. */
static bool
same_open_file(int a, int b)
{
	pid_t self = getpid();
	struct stat sa, sb;
	long r;

	r = syscall(SYS_kcmp, self, self, KCMP_FILE, a, b);
	if (r >= 0)
		return r == 0;
	/* No kcmp in this kernel: the same inode is the best guess left. */
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void
entry_free(struct fd_store_entry *e)
{
	event_source_free(e->watch);
	safe_close(e->fd);
	free(e->name);
	free(e);
}

static void
remove_at(struct fd_store *s, size_t i)
{
	entry_free(s->entries[i]);
	memmove(s->entries + i, s->entries + i + 1, (s->n - i - 1) * sizeof(*s->entries));
	s->n--;
}

/* The peer of a stored connection went away: nothing left to hand back. */
static int
on_hangup(struct event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct fd_store_entry *e = userdata;
	struct fd_store *s = e->store;

	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i] == e) {
			log_debug("%s: stored fd \"%s\" hung up, dropping it.", s->owner, e->name);
			remove_at(s, i);
			break;
		}
	return 0;
}

int
fd_store_add(struct fd_store **store, struct event *ev, const char *owner, int fd,
	     const char *name, bool poll, unsigned max)
{
	struct fd_store *s = *store;
	struct fd_store_entry *e, **t;
	int r;

	if (!name)
		name = "stored";
	for (size_t i = 0; s && i < s->n; i++)
		if (same_open_file(s->entries[i]->fd, fd)) {
			char *copy = strdup(name);

			close(fd);
			if (!copy)
				return -ENOMEM;
			free(s->entries[i]->name);
			s->entries[i]->name = copy;
			return 0;
		}
	if ((s ? s->n : 0) >= max) {
		close(fd);
		return -EXFULL;
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			close(fd);
			return -ENOMEM;
		}
		*store = s;
	}
	s->owner = owner;
	e = calloc(1, sizeof(*e));
	t = realloc(s->entries, (s->n + 1) * sizeof(*t));
	if (t)
		s->entries = t;
	if (!e || !t || !(e->name = strdup(name))) {
		free(e);
		close(fd);
		return -ENOMEM;
	}
	e->store = s;
	e->fd = fd;
	if (poll) {
		/* No events asked for: epoll reports EPOLLHUP and EPOLLERR regardless. Regular
		 * files and memfds cannot be polled (EPERM); they are kept unwatched. */
		r = event_add_io(ev, fd, 0, on_hangup, e, &e->watch);
		if (r < 0 && r != -EPERM) {
			entry_free(e);
			return r;
		}
	}
	s->entries[s->n++] = e;
	return 1;
}

unsigned
fd_store_remove_name(struct fd_store *s, const char *name)
{
	unsigned removed = 0;

	for (size_t i = 0; s && i < s->n;)
		if (streq(s->entries[i]->name, name)) {
			remove_at(s, i);
			removed++;
		} else
			i++;
	return removed;
}

int
fd_store_collect(const struct fd_store *s, int **fds, size_t *n_fds, char ***names)
{
	for (size_t i = 0; s && i < s->n; i++) {
		int *t = realloc(*fds, (*n_fds + 1) * sizeof(int));

		if (!t)
			return -ENOMEM;
		*fds = t;
		(*fds)[(*n_fds)++] = s->entries[i]->fd;
		if (strv_extend(names, s->entries[i]->name) < 0)
			return -ENOMEM;
	}
	return 0;
}

bool
fd_name_is_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (*p < ' ' || *p > '~' || *p == ':')
			return false;
	return true;
}

size_t
fd_store_size(const struct fd_store *s)
{
	return s ? s->n : 0;
}

struct fd_store *
fd_store_free(struct fd_store *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		entry_free(s->entries[i]);
	free(s->entries);
	free(s);
	return NULL;
}
