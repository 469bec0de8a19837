/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "core/event.h"
#include "macro.h"

enum source_kind { SOURCE_IO, SOURCE_TIME, SOURCE_SIGNAL, SOURCE_DEFER };

struct event_source {
	struct event *event;
	enum source_kind kind;
	bool enabled;
	bool dead;
	void *userdata;
	struct event_source *next, *prev; /* all sources, or the garbage list once dead */
	union {
		struct { int fd; uint32_t events; event_io_fn cb; } io;
		struct { usec_t usec; size_t heap_index; event_time_fn cb; } time;
		struct { int sig; event_signal_fn cb; } signal;
		struct { int priority; event_defer_fn cb; } defer;
	};
};

struct event {
	int epoll_fd;
	int timer_fd;
	int signal_fd;
	sigset_t sigmask;
	struct event_source *signal_sources[_NSIG];
	struct event_source *sources;
	struct event_source *garbage;
	struct event_source **heap;  /* enabled timers, earliest first */
	size_t heap_n, heap_cap;
	struct event_source **defers;/* sorted by priority */
	size_t n_defers;
	usec_t armed_usec;
	bool exiting;
	int exit_code;
};

/* The manager needs a handful of run queues; a fixed bound keeps dispatch allocation-free. */
#define EVENT_DEFER_MAX 32

/* Tags stored in epoll data for the loop's own fds. */
static char timer_tag, signal_tag;

int
event_new(struct event **ret)
{
	struct event *e = calloc(1, sizeof(*e));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!e)
		return -ENOMEM;
	e->signal_fd = -EBADF;
	e->armed_usec = USEC_INFINITY;
	sigemptyset(&e->sigmask);
	e->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	e->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->epoll_fd < 0 || e->timer_fd < 0)
		goto fail;
	ev.data.ptr = &timer_tag;
	if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->timer_fd, &ev) < 0)
		goto fail;
	*ret = e;
	return 0;
fail:;
	int r = -errno;
	safe_close(e->epoll_fd);
	safe_close(e->timer_fd);
	free(e);
	return r;
}

static void
link_source(struct event_source **list, struct event_source *s)
{
	s->prev = NULL;
	s->next = *list;
	if (*list)
		(*list)->prev = s;
	*list = s;
}

static void
unlink_source(struct event_source **list, struct event_source *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*list = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct event_source *
source_new(struct event *e, enum source_kind kind, void *userdata)
{
	struct event_source *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->event = e;
	s->kind = kind;
	s->userdata = userdata;
	link_source(&e->sources, s);
	return s;
}

/* Timer heap. */

static void
heap_swap(struct event *e, size_t a, size_t b)
{
	struct event_source *t = e->heap[a];

	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->heap[a]->time.heap_index = a;
	e->heap[b]->time.heap_index = b;
}

static void
heap_sift(struct event *e, size_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2]->time.usec > e->heap[i]->time.usec) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < e->heap_n && e->heap[l]->time.usec < e->heap[m]->time.usec)
			m = l;
		if (r < e->heap_n && e->heap[r]->time.usec < e->heap[m]->time.usec)
			m = r;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

static int
heap_insert(struct event *e, struct event_source *s)
{
	if (e->heap_n == e->heap_cap) {
		size_t cap = e->heap_cap ? e->heap_cap * 2 : 16;
		struct event_source **h = realloc(e->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		e->heap = h;
		e->heap_cap = cap;
	}
	s->time.heap_index = e->heap_n;
	e->heap[e->heap_n++] = s;
	heap_sift(e, s->time.heap_index);
	return 0;
}

static void
heap_remove(struct event *e, struct event_source *s)
{
	size_t i = s->time.heap_index;

	if (i == SIZE_MAX)
		return;
	s->time.heap_index = SIZE_MAX;
	e->heap_n--;
	if (i != e->heap_n) {
		e->heap[i] = e->heap[e->heap_n];
		e->heap[i]->time.heap_index = i;
		heap_sift(e, i);
	}
}

static void
arm_timer(struct event *e)
{
	usec_t next = e->heap_n > 0 ? e->heap[0]->time.usec : USEC_INFINITY;
	struct itimerspec its = { 0 };

	if (next == e->armed_usec)
		return;
	if (next != USEC_INFINITY) {
		/* An absolute time of 0 would disarm; fire "now" as 1ns instead. */
		its.it_value.tv_sec = next / USEC_PER_SEC;
		its.it_value.tv_nsec = (next % USEC_PER_SEC) * NSEC_PER_USEC;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(e->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		e->armed_usec = next;
}

/* Sources. */

int
event_add_io(struct event *e, int fd, uint32_t events, event_io_fn cb, void *userdata,
	     struct event_source **ret)
{
	struct event_source *s = source_new(e, SOURCE_IO, userdata);
	struct epoll_event ev = { .events = events };

	if (!s)
		return -ENOMEM;
	s->io.fd = fd;
	s->io.events = events;
	s->io.cb = cb;
	s->enabled = true;
	ev.data.ptr = s;
	if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;
		unlink_source(&e->sources, s);
		free(s);
		return r;
	}
	if (ret)
		*ret = s;
	return 0;
}

int
event_source_set_io_events(struct event_source *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	s->io.events = events;
	if (!s->enabled)
		return 0;
	return epoll_ctl(s->event->epoll_fd, EPOLL_CTL_MOD, s->io.fd, &ev) < 0 ? -errno : 0;
}

int
event_add_time(struct event *e, usec_t usec, event_time_fn cb, void *userdata,
	       struct event_source **ret)
{
	struct event_source *s = source_new(e, SOURCE_TIME, userdata);

	if (!s)
		return -ENOMEM;
	s->time.cb = cb;
	s->time.heap_index = SIZE_MAX;
	if (event_source_set_time(s, usec) < 0) {
		unlink_source(&e->sources, s);
		free(s);
		return -ENOMEM;
	}
	if (ret)
		*ret = s;
	return 0;
}

int
event_source_set_time(struct event_source *s, usec_t usec)
{
	struct event *e = s->event;

	s->time.usec = usec;
	if (usec == USEC_INFINITY) {
		heap_remove(e, s);
		s->enabled = false;
		return 0;
	}
	s->enabled = true;
	if (s->time.heap_index != SIZE_MAX) {
		heap_sift(e, s->time.heap_index);
		return 0;
	}
	return heap_insert(e, s);
}

int
event_add_signal(struct event *e, int sig, event_signal_fn cb, void *userdata,
		 struct event_source **ret)
{
	struct event_source *s;
	sigset_t one;

	if (sig <= 0 || sig >= _NSIG || e->signal_sources[sig])
		return -EINVAL;
	s = source_new(e, SOURCE_SIGNAL, userdata);
	if (!s)
		return -ENOMEM;
	s->signal.sig = sig;
	s->signal.cb = cb;
	s->enabled = true;
	sigaddset(&e->sigmask, sig);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_BLOCK, &one, NULL);
	if (e->signal_fd < 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &signal_tag };

		e->signal_fd = signalfd(-1, &e->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (e->signal_fd < 0 || epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->signal_fd, &ev) < 0)
			goto fail;
	} else if (signalfd(e->signal_fd, &e->sigmask, 0) < 0)
		goto fail;
	e->signal_sources[sig] = s;
	if (ret)
		*ret = s;
	return 0;
fail:;
	int r = -errno;
	sigdelset(&e->sigmask, sig);
	unlink_source(&e->sources, s);
	free(s);
	return r;
}

static int
compare_defer(const void *a, const void *b)
{
	const struct event_source *x = *(struct event_source *const *)a;
	const struct event_source *y = *(struct event_source *const *)b;

	return (x->defer.priority > y->defer.priority) - (x->defer.priority < y->defer.priority);
}

int
event_add_defer(struct event *e, int priority, event_defer_fn cb, void *userdata,
		struct event_source **ret)
{
	struct event_source *s, **d;

	if (e->n_defers >= EVENT_DEFER_MAX)
		return -E2BIG;
	d = realloc(e->defers, (e->n_defers + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	e->defers = d;
	s = source_new(e, SOURCE_DEFER, userdata);
	if (!s)
		return -ENOMEM;
	s->defer.priority = priority;
	s->defer.cb = cb;
	e->defers[e->n_defers++] = s;
	qsort(e->defers, e->n_defers, sizeof(*d), compare_defer);
	if (ret)
		*ret = s;
	return 0;
}

int
event_source_set_enabled(struct event_source *s, bool enabled)
{
	struct epoll_event ev = { .events = 0, .data.ptr = s };

	if (!s || s->dead || s->enabled == enabled)
		return 0;
	switch (s->kind) {
	case SOURCE_IO:
		ev.events = s->io.events;
		if (epoll_ctl(s->event->epoll_fd, enabled ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->io.fd,
			      &ev) < 0)
			return -errno;
		break;
	case SOURCE_TIME:
		if (!enabled)
			heap_remove(s->event, s);
		else if (heap_insert(s->event, s) < 0)
			return -ENOMEM;
		break;
	default:
		break;
	}
	s->enabled = enabled;
	return 0;
}

bool
event_source_get_enabled(const struct event_source *s)
{
	return s && s->enabled && !s->dead;
}

struct event_source *
event_source_free(struct event_source *s)
{
	struct event *e;

	if (!s || s->dead)
		return NULL;
	e = s->event;
	event_source_set_enabled(s, false);
	if (s->kind == SOURCE_SIGNAL)
		e->signal_sources[s->signal.sig] = NULL;
	if (s->kind == SOURCE_DEFER) {
		for (size_t i = 0; i < e->n_defers; i++)
			if (e->defers[i] == s) {
				memmove(e->defers + i, e->defers + i + 1,
					(e->n_defers - i - 1) * sizeof(*e->defers));
				e->n_defers--;
				break;
			}
	}
	s->dead = true;
	unlink_source(&e->sources, s);
	link_source(&e->garbage, s);
	return NULL;
}

static void
collect_garbage(struct event *e)
{
	while (e->garbage) {
		struct event_source *s = e->garbage;

		unlink_source(&e->garbage, s);
		free(s);
	}
}

struct event *
event_free(struct event *e)
{
	if (!e)
		return NULL;
	while (e->sources)
		event_source_free(e->sources);
	collect_garbage(e);
	free(e->heap);
	free(e->defers);
	safe_close(e->epoll_fd);
	safe_close(e->timer_fd);
	safe_close(e->signal_fd);
	free(e);
	return NULL;
}

/* Dispatch. */

static void
dispatch_timers(struct event *e)
{
	uint64_t expirations;
	usec_t n = now(CLOCK_MONOTONIC);

	(void)!read(e->timer_fd, &expirations, sizeof(expirations));
	e->armed_usec = USEC_INFINITY;
	while (e->heap_n > 0 && e->heap[0]->time.usec <= n) {
		struct event_source *s = e->heap[0];

		heap_remove(e, s);
		s->enabled = false;
		s->time.cb(s, s->time.usec, s->userdata);
	}
}

static void
dispatch_signals(struct event *e)
{
	struct signalfd_siginfo si;

	while (read(e->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		struct event_source *s =
			si.ssi_signo < _NSIG ? e->signal_sources[si.ssi_signo] : NULL;

		if (s && s->enabled)
			s->signal.cb(s, &si, s->userdata);
	}
}

int
event_run(struct event *e, usec_t timeout)
{
	struct epoll_event evs[64];
	int n, ms;

	/* Defer sources may enable, add or free one another: run over a snapshot (freed
	 * sources stay allocated until collect_garbage), once each, in priority order. */
	{
		struct event_source *snap[EVENT_DEFER_MAX];
		size_t n_snap = MIN(e->n_defers, ELEMENTSOF(snap));

		if (n_snap > 0)
			memcpy(snap, e->defers, n_snap * sizeof(*snap));
		for (size_t i = 0; i < n_snap; i++) {
			struct event_source *s = snap[i];

			if (s->enabled && !s->dead) {
				s->defer.cb(s, s->userdata);
				if (e->exiting)
					break;
			}
		}
	}
	collect_garbage(e);
	if (e->exiting)
		return 0;
	for (size_t i = 0; i < e->n_defers; i++)
		if (e->defers[i]->enabled)
			timeout = 0;
	arm_timer(e);
	if (timeout == USEC_INFINITY)
		ms = -1;
	else
		ms = (int)MIN(timeout / USEC_PER_MSEC, (usec_t)INT32_MAX);

	n = epoll_wait(e->epoll_fd, evs, ELEMENTSOF(evs), ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		void *p = evs[i].data.ptr;

		if (p == &timer_tag)
			dispatch_timers(e);
		else if (p == &signal_tag)
			dispatch_signals(e);
		else {
			struct event_source *s = p;

			if (!s->dead && s->enabled)
				s->io.cb(s, s->io.fd, evs[i].events, s->userdata);
		}
	}
	collect_garbage(e);
	return 0;
}

int
event_loop(struct event *e)
{
	while (!e->exiting) {
		int r = event_run(e, USEC_INFINITY);
		if (r < 0)
			return r;
	}
	return e->exit_code;
}

void
event_exit(struct event *e, int code)
{
	e->exiting = true;
	e->exit_code = code;
}

void
event_clear_exit(struct event *e)
{
	e->exiting = false;
}

bool
event_exiting(const struct event *e)
{
	return e->exiting;
}
