/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small load client for socket-activated services: one connection per request, from
 * several client threads at once.
 *
 *   sock-load count [-c CLIENTS] [-n PER_CLIENT] ADDR
 *     Client k sends "req-k-i\n" on its i-th connection and expects exactly
 *     "echo: req-k-i\n" and EOF back (tests/helpers/listen-echo.c). Prints
 *     "requests=N answered=N refused=N lost=N wrong=N"; exits 0 only if all answered.
 *   sock-load bench [-c CLIENTS] [-n TOTAL] [-t SECONDS] [-m LINE | -S] ADDR
 *     Each connection: connect, send LINE (default "ping") and shut the write side (so
 *     /bin/cat ends), read to the first byte and then to EOF. Prints one line
 *     "bench conns=... ok=... failed=... conn_per_s=... p50_us=... p99_us=...
 *     fb_p50_us=... fb_p99_us=..."; latency is connect start to EOF, fb_ is connect
 *     start to the first reply byte. Exits 0 only if no connection failed.
 *
 * ADDR is a unix socket path (/path, or @name for the abstract namespace) or HOST:PORT
 * ([V6]:PORT). Reads and connects time out after 30 s: a slow restart is waited for, not
 * counted as lost; nothing here judges speed. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_SEC 30
#define MAX_REPORTED 10 /* error lines printed, so a total failure stays readable */

enum outcome { OK, REFUSED, LOST, WRONG };

static struct sockaddr_storage target;
static socklen_t target_len;
static bool bench_mode, no_send;
static const char *bench_line = "ping";
static long per_client = 500, total = 2000;
static double max_seconds;
static atomic_long next_conn;   /* bench: connections handed out so far */
static atomic_int n_reported;
static double t_start;

struct client {
	pthread_t thread;
	int id;
	long counts[4];   /* by enum outcome */
	double *lat, *fb; /* bench: per-connection microseconds */
	size_t n_lat, cap_lat;
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void
report(const char *what, const char *detail, int err)
{
	if (atomic_fetch_add(&n_reported, 1) >= MAX_REPORTED)
		return;
	fprintf(stderr, "sock-load: %s: %.*s%s%s\n", what, (int)strcspn(detail, "\n"), detail,
		err ? ": " : "", err ? strerror(err) : "");
}

static int
parse_addr(const char *a)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char host[256];
	const char *colon, *port;
	size_t hl;

	if (a[0] == '/' || a[0] == '@') {
		struct sockaddr_un *un = (struct sockaddr_un *)&target;
		size_t l = strlen(a);

		if (l >= sizeof(un->sun_path))
			return -1;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, a, l);
		if (a[0] == '@')
			un->sun_path[0] = 0; /* abstract: the length ends the name */
		target_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l + (a[0] == '/'));
		return 0;
	}
	colon = strrchr(a, ':');
	if (!colon)
		return -1;
	port = colon + 1;
	if (a[0] == '[' && colon > a && colon[-1] == ']')
		a++, colon--;
	hl = (size_t)(colon - a);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, a, hl);
	host[hl] = 0;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	memcpy(&target, res->ai_addr, res->ai_addrlen);
	target_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static bool
is_refusal(int err)
{
	return err == ECONNREFUSED || err == ENOENT || err == EAGAIN || err == ECONNRESET;
}

/* One connection: sends line (unless NULL), reads the whole reply into buf. *fb_us gets
 * the first byte's time. Returns the reply length, or -1 with *outcome set. */
static ssize_t
one_connection(const char *line, char *buf, size_t size, double *fb_us, enum outcome *outcome)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_SEC };
	size_t got = 0;
	int fd = socket(target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		report("socket", "", errno);
		*outcome = LOST;
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* bounds connect() too */
	if (connect(fd, (struct sockaddr *)&target, target_len) < 0) {
		int e = errno;

		*outcome = is_refusal(e) ? REFUSED : LOST;
		report("connect", line ? line : "", e);
		close(fd);
		return -1;
	}
	/* The half-close tells an inetd-style program (cat) that the request is complete. */
	if (line && (write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
		     shutdown(fd, SHUT_WR) < 0)) {
		report("send", line, errno);
		*outcome = LOST;
		close(fd);
		return -1;
	}
	for (;;) {
		char scratch[256];
		bool full = got >= size;
		ssize_t r = read(fd, full ? scratch : buf + got, full ? sizeof(scratch) : size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			report(errno == EAGAIN ? "read timed out" : "read", line ? line : "", errno);
			*outcome = LOST;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		if (got == 0)
			*fb_us = now_us();
		got += full ? 0 : (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

static void
record(struct client *c, double lat, double fb)
{
	if (c->n_lat == c->cap_lat) {
		size_t cap = c->cap_lat ? 2 * c->cap_lat : 1024;
		double *l = realloc(c->lat, cap * sizeof(double)), *f;

		if (!l)
			return;
		c->lat = l;
		f = realloc(c->fb, cap * sizeof(double));
		if (!f)
			return;
		c->fb = f;
		c->cap_lat = cap;
	}
	c->lat[c->n_lat] = lat;
	c->fb[c->n_lat++] = fb;
}

static void
count_one(struct client *c, long i)
{
	char line[64], expect[80], buf[128];
	enum outcome o = OK;
	double fb = 0;
	ssize_t n;

	snprintf(line, sizeof(line), "req-%d-%ld\n", c->id, i);
	snprintf(expect, sizeof(expect), "echo: %s", line);
	n = one_connection(line, buf, sizeof(buf), &fb, &o);
	if (n >= 0 && ((size_t)n != strlen(expect) || memcmp(buf, expect, (size_t)n) != 0)) {
		o = n == 0 ? LOST : WRONG;
		report(n == 0 ? "no reply" : "wrong reply", line, 0);
	}
	c->counts[o]++;
}

static void
bench_one(struct client *c)
{
	char buf[4096], line[256];
	enum outcome o = OK;
	double t0, fb = 0;
	ssize_t n;

	snprintf(line, sizeof(line), "%s\n", bench_line);
	t0 = now_us();
	n = one_connection(no_send ? NULL : line, buf, sizeof(buf), &fb, &o);
	if (n == 0) {
		o = LOST;
		report("no reply", "", 0);
	}
	c->counts[o]++;
	if (o == OK)
		record(c, now_us() - t0, fb - t0);
}

static void *
client_main(void *arg)
{
	struct client *c = arg;

	if (!bench_mode) {
		for (long i = 0; i < per_client; i++)
			count_one(c, i);
		return NULL;
	}
	while (atomic_fetch_add(&next_conn, 1) < total) {
		if (max_seconds > 0 && now_us() - t_start >= max_seconds * 1e6)
			break;
		bench_one(c);
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[k == 0 ? 0 : k - 1];
}

/* All clients' latencies in one sorted array each, then the one result line. */
static void
print_bench(const struct client *clients, int n_clients, const long sum[4], double secs)
{
	size_t n = 0;
	double *lat, *fb;

	for (int i = 0; i < n_clients; i++)
		n += clients[i].n_lat;
	lat = calloc(n + 1, sizeof(double));
	fb = calloc(n + 1, sizeof(double));
	n = 0; /* counts what was copied: stays 0 if an allocation failed */
	for (int i = 0; lat && fb && i < n_clients; i++) {
		memcpy(lat + n, clients[i].lat, clients[i].n_lat * sizeof(double));
		memcpy(fb + n, clients[i].fb, clients[i].n_lat * sizeof(double));
		n += clients[i].n_lat;
	}
	if (n > 0) {
		qsort(lat, n, sizeof(double), cmp_double);
		qsort(fb, n, sizeof(double), cmp_double);
	}
	printf("bench conns=%ld ok=%ld failed=%ld elapsed_s=%.3f conn_per_s=%.1f p50_us=%.0f "
	       "p99_us=%.0f fb_p50_us=%.0f fb_p99_us=%.0f\n",
	       sum[OK] + sum[REFUSED] + sum[LOST] + sum[WRONG], sum[OK],
	       sum[REFUSED] + sum[LOST] + sum[WRONG], secs, (double)sum[OK] / secs,
	       pct(lat, n, 50), pct(lat, n, 99), pct(fb, n, 50), pct(fb, n, 99));
	free(lat);
	free(fb);
}

static int
usage(void)
{
	fprintf(stderr, "usage: sock-load count [-c CLIENTS] [-n PER_CLIENT] ADDR\n"
			"       sock-load bench [-c CLIENTS] [-n TOTAL] [-t SECONDS] [-m LINE | -S] ADDR\n");
	return 2;
}

int
main(int argc, char *argv[])
{
	struct client *clients;
	long sum[4] = { 0 };
	int n_clients = 4, opt;
	double secs;
	bool ok;

	if (argc < 2 || (strcmp(argv[1], "count") != 0 && strcmp(argv[1], "bench") != 0))
		return usage();
	bench_mode = strcmp(argv[1], "bench") == 0;
	optind = 2;
	while ((opt = getopt(argc, argv, "c:n:t:m:S")) != -1) {
		switch (opt) {
		case 'c': n_clients = atoi(optarg); break;
		case 'n': per_client = total = atol(optarg); break;
		case 't': max_seconds = atof(optarg); break;
		case 'm': bench_line = optarg; break;
		case 'S': no_send = true; break;
		default: return usage();
		}
	}
	if (optind != argc - 1 || n_clients < 1 || total < 1)
		return usage();
	if (parse_addr(argv[optind]) < 0) {
		fprintf(stderr, "sock-load: cannot use address %s\n", argv[optind]);
		return 2;
	}
	clients = calloc((size_t)n_clients, sizeof(*clients));
	if (!clients)
		return 1;
	t_start = now_us();
	for (int i = 0; i < n_clients; i++) {
		clients[i].id = i;
		if (pthread_create(&clients[i].thread, NULL, client_main, &clients[i]) != 0) {
			fprintf(stderr, "sock-load: cannot start client thread %d\n", i);
			return 1;
		}
	}
	for (int i = 0; i < n_clients; i++) {
		pthread_join(clients[i].thread, NULL);
		for (int k = 0; k < 4; k++)
			sum[k] += clients[i].counts[k];
	}
	secs = (now_us() - t_start) / 1e6;
	if (!bench_mode) {
		long req = (long)n_clients * per_client;

		printf("requests=%ld answered=%ld refused=%ld lost=%ld wrong=%ld\n", req, sum[OK],
		       sum[REFUSED], sum[LOST], sum[WRONG]);
		ok = sum[OK] == req;
	} else {
		print_bench(clients, n_clients, sum, secs);
		ok = sum[OK] > 0 && sum[REFUSED] + sum[LOST] + sum[WRONG] == 0;
	}
	for (int i = 0; i < n_clients; i++) {
		free(clients[i].lat);
		free(clients[i].fb);
	}
	free(clients);
	return ok ? 0 : 1;
}
