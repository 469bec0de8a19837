/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal socket-activated daemon for the tests: takes its listening socket from
 * LISTEN_FDS (fd 3), answers each connection's first line with "echo: LINE" and closes
 * it. With N as argument it exits after N connections (status 3 with --crash, so the
 * manager restarts it). It appends LISTEN_FDS and LISTEN_FDNAMES to $REPORT at every
 * start, so a test can count the starts. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES"), *report = getenv("REPORT");
	long limit = 0, served = 0;
	int crash = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--crash") == 0)
			crash = 1;
		else
			limit = strtol(argv[i], NULL, 10);
	}
	if (!pid || !n || atol(pid) != (long)getpid() || atoi(n) < 1) {
		fprintf(stderr, "listen-echo: no LISTEN_FDS for me (LISTEN_PID=%s)\n", pid ? pid : "-");
		return 2;
	}
	if (report) {
		FILE *f = fopen(report, "a");

		if (f) {
			fprintf(f, "LISTEN_FDS=%s LISTEN_FDNAMES=%s\n", n, names ? names : "");
			fclose(f);
		}
	}
	for (;;) {
		char buf[512], out[600];
		ssize_t r;
		int c = accept(3, NULL, NULL);

		if (c < 0) {
			struct pollfd p = { .fd = 3, .events = POLLIN };

			/* The manager hands the socket over non-blocking: wait, don't spin. */
			if (errno == EAGAIN) {
				(void)poll(&p, 1, -1);
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		r = read(c, buf, sizeof(buf) - 1);
		if (r > 0) {
			int l;

			buf[r] = 0;
			buf[strcspn(buf, "\n")] = 0;
			l = snprintf(out, sizeof(out), "echo: %s\n", buf);
			if (write(c, out, (size_t)l) < 0)
				perror("write");
		}
		close(c);
		if (limit > 0 && ++served >= limit)
			return crash ? 3 : 0;
	}
}
