/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "activation/notify.h"
#include "core/event.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

#define NOTIFY_BUFFER_MAX 4096
#define NOTIFY_FD_MAX 768

struct notify_listener {
	int fd;
	char *path;
	struct event_source *source;
	notify_handler_fn cb;
	void *userdata;
};

static int
notify_dispatch(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct notify_listener *n = userdata;

	/* Drain a bounded number per wakeup so one chatty service cannot starve the loop. */
	for (int i = 0; i < 64; i++) {
		char buf[NOTIFY_BUFFER_MAX + 1];
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FD_MAX)];
		} control;
		struct iovec iov = { .iov_base = buf, .iov_len = NOTIFY_BUFFER_MAX };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
				     .msg_controllen = sizeof(control) };
		struct ucred *cred = NULL;
		int *fds = NULL;
		size_t n_fds = 0;
		_cleanup_strv_free_ char **tags = NULL;
		ssize_t l;

		l = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
		if (l < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warning_errno(errno, "Failed to receive notification message: %m");
			return 0;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
				cred = (struct ucred *)CMSG_DATA(c);
			else if (c->cmsg_type == SCM_RIGHTS) {
				fds = (int *)CMSG_DATA(c);
				n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			}
		}
		if (!cred || cred->pid <= 0 || (size_t)l > NOTIFY_BUFFER_MAX ||
		    (mh.msg_flags & MSG_CTRUNC)) {
			log_warning("Received notification without valid credentials or oversized, ignoring.");
			for (size_t k = 0; k < n_fds; k++)
				close(fds[k]);
			continue;
		}
		buf[l] = 0;
		tags = strv_split(buf, "\n");
		if (!tags) {
			log_oom();
			for (size_t k = 0; k < n_fds; k++)
				close(fds[k]);
			continue;
		}
		n->cb(cred->pid, cred->uid, tags, fds, n_fds, n->userdata);
	}
	return 0;
}

int
notify_listener_new(struct event *e, const char *path, notify_handler_fn cb, void *userdata,
		    struct notify_listener **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct notify_listener *n;
	socklen_t len;
	int one = 1, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->cb = cb;
	n->userdata = userdata;
	n->path = strdup(path);
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (!n->path || n->fd < 0) {
		r = n->path ? -errno : -ENOMEM;
		goto fail;
	}
	strcpy(sa.sun_path, path);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if (path[0] == '@')
		sa.sun_path[0] = 0;
	else {
		(void)unlink(path);
		len++;
	}
	if (bind(n->fd, (struct sockaddr *)&sa, len) < 0 ||
	    setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		r = -errno;
		goto fail;
	}
	if (path[0] != '@')
		(void)chmod(path, 0777); /* any service, any user, may notify */
	r = event_add_io(e, n->fd, EPOLLIN, notify_dispatch, n, &n->source);
	if (r < 0)
		goto fail;
	*ret = n;
	return 0;
fail:
	safe_close(n->fd);
	free(n->path);
	free(n);
	return r;
}

struct notify_listener *
notify_listener_free(struct notify_listener *n)
{
	if (!n)
		return NULL;
	event_source_free(n->source);
	safe_close(n->fd);
	if (n->path[0] != '@')
		(void)unlink(n->path);
	free(n->path);
	free(n);
	return NULL;
}
