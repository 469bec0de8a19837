/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EVENT_H
#define EMBER_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "time-util.h"

/* The one event loop: epoll over fds, one timerfd armed to the earliest deadline (a
 * binary heap of timers, CLOCK_MONOTONIC), a signalfd, and "defer" sources that run once
 * per iteration while enabled (run queues). Nothing else in the manager blocks.
 *
 * A source freed from inside a callback is only marked dead; its memory goes at the end of
 * the iteration, so events already fetched for it in the same batch are skipped safely. */

struct event;
struct event_source;

typedef int (*event_io_fn)(struct event_source *s, int fd, uint32_t revents, void *userdata);
typedef int (*event_time_fn)(struct event_source *s, usec_t usec, void *userdata);
typedef int (*event_signal_fn)(struct event_source *s, const struct signalfd_siginfo *si,
			       void *userdata);
typedef int (*event_defer_fn)(struct event_source *s, void *userdata);

int event_new(struct event **ret);
/* Frees the loop and every source still attached. Returns NULL. */
struct event *event_free(struct event *e);

/* Watches fd (not owned) for events. */
int event_add_io(struct event *e, int fd, uint32_t events, event_io_fn cb, void *userdata,
		 struct event_source **ret);
int event_source_set_io_events(struct event_source *s, uint32_t events);
/* A one-shot timer at the absolute CLOCK_MONOTONIC time usec; it disables itself when
 * it fires. USEC_INFINITY disables it. */
int event_add_time(struct event *e, usec_t usec, event_time_fn cb, void *userdata,
		   struct event_source **ret);
int event_source_set_time(struct event_source *s, usec_t usec);
/* The signal is blocked and delivered through the loop's signalfd. */
int event_add_signal(struct event *e, int sig, event_signal_fn cb, void *userdata,
		     struct event_source **ret);
/* Runs cb before each wait while enabled (starts disabled). Lower priority runs first. */
int event_add_defer(struct event *e, int priority, event_defer_fn cb, void *userdata,
		    struct event_source **ret);
int event_source_set_enabled(struct event_source *s, bool enabled);
bool event_source_get_enabled(const struct event_source *s);
/* Detaches and frees (deferred, see above). Accepts NULL. Returns NULL. */
struct event_source *event_source_free(struct event_source *s);

/* Runs one iteration: defer sources, then waits up to timeout (USEC_INFINITY = forever)
 * and dispatches. Returns 0, or -errno from epoll. */
int event_run(struct event *e, usec_t timeout);
/* Runs until event_exit(). Returns the exit code. */
int event_loop(struct event *e);
/* Makes event_run() return as soon as possible and event_loop() stop. */
void event_exit(struct event *e, int code);
/* Takes an event_exit() back (the manager uses it to wake its loop for a reload). */
void event_clear_exit(struct event *e);
bool event_exiting(const struct event *e);

#endif
