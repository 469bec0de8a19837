/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>

#include "log.h"
#include "macro.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_CONSOLE;
static const char *ident = "ember";
static int kmsg_fd = -EBADF;
static int syslog_fd = -EBADF;
static unsigned long dropped;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
static const char *const target_names[_LOG_TARGET_MAX] = {
	[LOG_TARGET_CONSOLE] = "console", [LOG_TARGET_KMSG] = "kmsg",
	[LOG_TARGET_SYSLOG] = "syslog",   [LOG_TARGET_AUTO] = "auto",
	[LOG_TARGET_NULL] = "null",
};

void log_set_max_level(int level) { max_level = level; }
int log_get_max_level(void) { return max_level; }
enum log_target log_get_target(void) { return target; }
void log_set_ident(const char *i) { ident = i; }
const char *log_get_ident(void) { return ident; }

void
log_set_target(enum log_target t)
{
	target = t;
	log_reopen();
}

int
log_level_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(level_names); i++)
		if (streq(s, level_names[i]))
			return (int)i;
	if (streq(s, "error"))
		return LOG_ERR;
	if (s[0] >= '0' && s[0] <= '7' && s[1] == 0)
		return s[0] - '0';
	return -EINVAL;
}

const char *
log_level_to_string(int level)
{
	return level >= 0 && level < (int)ELEMENTSOF(level_names) ? level_names[level] : NULL;
}

int
log_target_from_string(const char *s)
{
	for (int i = 0; i < _LOG_TARGET_MAX; i++)
		if (streq(s, target_names[i]))
			return i;
	if (streq(s, "journal") || streq(s, "journal-or-kmsg") || streq(s, "syslog-or-kmsg"))
		return LOG_TARGET_AUTO;
	return -EINVAL;
}

const char *
log_target_to_string(enum log_target t)
{
	return t < _LOG_TARGET_MAX ? target_names[t] : NULL;
}

void
log_parse_environment(void)
{
	const char *e;
	int r;

	e = getenv("EMBER_LOG_LEVEL");
	if (!e)
		e = getenv("SYSTEMD_LOG_LEVEL");
	if (e && (r = log_level_from_string(e)) >= 0)
		max_level = r;
	e = getenv("EMBER_LOG_TARGET");
	if (!e)
		e = getenv("SYSTEMD_LOG_TARGET");
	if (e && (r = log_target_from_string(e)) >= 0)
		log_set_target(r);
}

static int
open_syslog(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

void
log_reopen(void)
{
	kmsg_fd = safe_close(kmsg_fd);
	syslog_fd = safe_close(syslog_fd);
	if (target == LOG_TARGET_SYSLOG || target == LOG_TARGET_AUTO)
		syslog_fd = open_syslog();
	if (target == LOG_TARGET_KMSG || (target == LOG_TARGET_AUTO && syslog_fd < 0))
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
}

static void
write_console(int level, const char *msg)
{
	struct iovec iov[2] = {
		{ .iov_base = (char *)msg, .iov_len = strlen(msg) },
		{ .iov_base = (char *)"\n", .iov_len = 1 },
	};
	/* stderr may be a pipe nobody reads; never let that stall the manager. */
	if (writev(STDERR_FILENO, iov, 2) < 0)
		dropped++;
}

static bool
write_kmsg(int level, const char *msg)
{
	char buf[2048];
	int n;

	if (kmsg_fd < 0)
		return false;
	n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: %s\n", LOG_DAEMON | level, ident,
		     (int)getpid(), msg);
	if (n < 0)
		return false;
	if (write(kmsg_fd, buf, MIN((size_t)n, sizeof(buf) - 1)) < 0)
		dropped++;
	return true;
}

static bool
write_syslog(int level, const char *msg)
{
	char header[128], stamp[32];
	struct tm tm;
	time_t t = time(NULL);
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (syslog_fd < 0)
		return false;
	if (!localtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		stamp[0] = 0;
	snprintf(header, sizeof(header), "<%d>%s %s[%d]: ", LOG_DAEMON | level, stamp, ident,
		 (int)getpid());
	iov[0] = (struct iovec){ .iov_base = header, .iov_len = strlen(header) };
	iov[1] = (struct iovec){ .iov_base = (char *)msg, .iov_len = strlen(msg) };
	if (sendmsg(syslog_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (errno == EAGAIN)
			dropped++;
		else
			return false;
	}
	return true;
}

int
log_internalv(int level, int error, const char *file, int line, const char *func,
	      const char *fmt, va_list ap)
{
	char msg[2048];
	int saved = errno;

	if (error < 0)
		error = -error;
	if (level > max_level)
		return error ? -error : 0;
	errno = error;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	switch (target) {
	case LOG_TARGET_NULL:
		break;
	case LOG_TARGET_CONSOLE:
		write_console(level, msg);
		break;
	case LOG_TARGET_KMSG:
		if (!write_kmsg(level, msg))
			write_console(level, msg);
		break;
	case LOG_TARGET_SYSLOG:
	case LOG_TARGET_AUTO:
		if (!write_syslog(level, msg) && !write_kmsg(level, msg))
			write_console(level, msg);
		break;
	default:
		break;
	}
	errno = saved;
	return error ? -error : 0;
}

int
log_internal(int level, int error, const char *file, int line, const char *func,
	     const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_internalv(level, error, file, line, func, fmt, ap);
	va_end(ap);
	return r;
}
