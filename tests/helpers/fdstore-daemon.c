/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A daemon for the fd store tests. At start it looks among its LISTEN_FDS for one named
 * "counter" (a memfd it stored in an earlier life), reads the generation number from it,
 * increments it, appends "generation N (stored fds: NAMES)" to $REPORT, stores the memfd
 * again with FDSTORE=1 FDNAME=counter, sends READY=1, and exits with status 3 (so
 * Restart=on-failure brings it back) unless the generation reached $LAST. With
 * "remove" as argument it sends FDSTOREREMOVE=1 FDNAME=counter instead of storing. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
notify(const char *msg, int fd)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} control = { 0 };
	struct iovec iov = { .iov_base = (char *)msg, .iov_len = strlen(msg) };
	struct msghdr mh = { .msg_name = &sa, .msg_iov = &iov, .msg_iovlen = 1 };
	socklen_t len;
	int s, r;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if (path[0] == '@')
		sa.sun_path[0] = 0;
	mh.msg_namelen = len;
	if (fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = &control;
		mh.msg_controllen = sizeof(control.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	r = sendmsg(s, &mh, 0) < 0 ? -1 : 0;
	close(s);
	return r;
}

int
main(int argc, char *argv[])
{
	const char *n = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
	const char *report = getenv("REPORT"), *last = getenv("LAST");
	int nfds = n ? atoi(n) : 0, counter = -1, gen = 0;
	char buf[32] = "", copy[4096], *save = NULL;
	FILE *f;

	/* LISTEN_FDNAMES is colon-separated, one name per fd from 3 on. */
	snprintf(copy, sizeof(copy), "%s", names ? names : "");
	for (int i = 0; i < nfds; i++) {
		char *name = strtok_r(i == 0 ? copy : NULL, ":", &save);

		if (name && strcmp(name, "counter") == 0)
			counter = 3 + i;
	}
	if (counter >= 0 && pread(counter, buf, sizeof(buf) - 1, 0) > 0)
		gen = atoi(buf);
	if (counter < 0) {
		counter = memfd_create("counter", MFD_CLOEXEC);
		if (counter < 0)
			return 1;
	}
	gen++;
	snprintf(buf, sizeof(buf), "%d\n", gen);
	if (pwrite(counter, buf, strlen(buf), 0) < 0)
		return 1;
	f = report ? fopen(report, "a") : NULL;
	if (f) {
		fprintf(f, "generation %d (stored fds: %s)\n", gen, names ? names : "");
		fclose(f);
	}
	if (argc > 1 && strcmp(argv[1], "remove") == 0)
		notify("FDSTOREREMOVE=1\nFDNAME=counter", -1);
	else if (notify("FDSTORE=1\nFDNAME=counter", counter) < 0)
		return 1;
	notify("READY=1", -1);
	if (last && gen >= atoi(last)) {
		pause(); /* the last generation stays up until stopped */
		return 0;
	}
	usleep(100000); /* the manager takes the fds before it hears of our exit */
	return 3;
}
