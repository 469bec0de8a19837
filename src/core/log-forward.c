/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>

#include "core/log-forward.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"

#define LINE_MAX_FORWARD 8192

static int syslog_fd = -EBADF;
static int kmsg_fd = -EBADF;
static bool syslog_tried, kmsg_tried;
static unsigned long dropped;

static int
syslog_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };

	/* Retry at most once per line burst: /dev/log may appear once syslog starts. */
	if (syslog_fd >= 0)
		return syslog_fd;
	if (syslog_tried && access("/dev/log", F_OK) < 0)
		return -ENOENT;
	syslog_tried = true;
	syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (syslog_fd < 0)
		return -errno;
	if (connect(syslog_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		syslog_fd = safe_close(syslog_fd);
		return -errno;
	}
	return syslog_fd;
}

static int
kmsg(void)
{
	if (kmsg_fd < 0 && !kmsg_tried) {
		kmsg_tried = true;
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	}
	return kmsg_fd;
}

static bool
send_syslog(int pri, const char *ident, int pid, const char *line)
{
	char header[256], stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd = syslog_socket();

	if (fd < 0)
		return false;
	if (!localtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		stamp[0] = 0;
	snprintf(header, sizeof(header), "<%d>%s %s[%d]: ", pri, stamp, ident, pid);
	iov[0] = (struct iovec){ header, strlen(header) };
	iov[1] = (struct iovec){ (char *)line, strlen(line) };
	if (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (errno == EAGAIN)
			dropped++;
		else {
			syslog_fd = safe_close(syslog_fd);
			return false;
		}
	}
	return true;
}

static bool
send_kmsg(int pri, const char *ident, int pid, const char *line)
{
	char buf[1024];
	int fd = kmsg(), n;

	if (fd < 0)
		return false;
	n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: %s\n", pri, ident, pid, line);
	if (n > 0 && write(fd, buf, MIN((size_t)n, sizeof(buf) - 1)) < 0 && errno == EAGAIN)
		dropped++;
	return true;
}

void
log_forward_line(struct unit *u, enum exec_output target, int facility, int level,
		 bool level_prefix, const char *ident, int pid, const char *line)
{
	bool done = false;
	int pri;

	if (level_prefix && line[0] == '<' && line[1] >= '0' && line[1] <= '7' && line[2] == '>') {
		level = line[1] - '0';
		line += 3;
	}
	pri = (facility & ~7) | (level & 7);
	(void)unit_log_append(&u->log, now(CLOCK_REALTIME), ident, pid, line);
	if (target == EXEC_OUTPUT_SYSLOG || target == EXEC_OUTPUT_JOURNAL)
		done = send_syslog(pri, ident, pid, line);
	/* A user manager has no business in the kernel log, and a manager that logs to the
	 * console (a demo, a container) keeps its services' lines beside its own. */
	if (!done && target != EXEC_OUTPUT_NULL && u->manager->scope == SCOPE_SYSTEM &&
	    log_get_target() != LOG_TARGET_CONSOLE)
		done = send_kmsg(pri, ident, pid, line);
	if (!done || target == EXEC_OUTPUT_KMSG_AND_CONSOLE) {
		/* No syslog and no kmsg (a debug instance): the manager's stderr. */
		char buf[LINE_MAX_FORWARD + 300];
		int n = snprintf(buf, sizeof(buf), "%s[%d]: %s\n", ident, pid, line);

		if (n > 0 && write(STDERR_FILENO, buf, MIN((size_t)n, sizeof(buf) - 1)) < 0)
			dropped++;
	}
}

void
log_forward_buffer(struct unit *u, enum exec_output target, int facility, int level,
		   bool level_prefix, const char *ident, int pid, char **partial,
		   size_t *partial_len, const char *buf, size_t len, bool flush)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;
		char *p;

		/* Overlong lines are cut, not buffered without bound. */
		if (*partial_len + take > LINE_MAX_FORWARD)
			take = LINE_MAX_FORWARD > *partial_len ? LINE_MAX_FORWARD - *partial_len : 0;
		p = realloc(*partial, *partial_len + take + 1);
		if (!p) {
			dropped++;
			return;
		}
		memcpy(p + *partial_len, buf, take);
		*partial = p;
		*partial_len += take;
		p[*partial_len] = 0;
		if (nl || *partial_len >= LINE_MAX_FORWARD) {
			log_forward_line(u, target, facility, level, level_prefix, ident, pid, p);
			*partial_len = 0;
		}
		if (nl) {
			len -= (size_t)(nl - buf) + 1;
			buf = nl + 1;
		} else {
			len -= MIN(len, take == 0 ? len : take);
			buf += take;
		}
	}
	if (flush && *partial_len > 0) {
		(*partial)[*partial_len] = 0;
		log_forward_line(u, target, facility, level, level_prefix, ident, pid, *partial);
		*partial_len = 0;
	}
}
