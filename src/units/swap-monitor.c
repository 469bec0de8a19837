/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Follows /proc/swaps: the kernel marks the open file with POLLPRI whenever a swap area
 * is switched on or off, so the manager reads it again only then (never on a timer).
 * Each area becomes, or updates, the swap unit named after its path (and unit files that
 * name it through a link under /dev); units whose area left the list are told so. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/event.h"
#include "core/manager.h"
#include "fileio.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "mountinfo.h"
#include "string-util.h"
#include "unit-name.h"
#include "units/swap-unit.h"
#include "units/swap.h"

/* Far more than a machine has swap areas; a read beyond it is an error, not a stall. */
#define SWAPS_SIZE_MAX (4U * 1024 * 1024)

/* One line of /proc/swaps (proc(5)): "Filename Type Size Used Priority". */
struct swaps_entry {
	char *path;     /* decoded; points into the monitor's buffer */
	int priority;
};

struct swap_monitor {
	int fd;
	struct event_source *source;
	struct event_source *soon;     /* a read from the loop, for a new unit file's alias */
	unsigned generation;
	char *buf;                     /* the last read, split in place */
	struct swaps_entry *entries;
	size_t n_entries;
};

/* Splits one line in place. The kernel writes space, tab, newline and backslash in the
 * path as \ooo escapes, so fields never contain blanks. */
static int
parse_line(char *line, struct swaps_entry *e)
{
	char *field[5], *save = NULL;

	for (size_t i = 0; i < ELEMENTSOF(field); i++) {
		field[i] = strtok_r(i == 0 ? line : NULL, " \t", &save);
		if (!field[i])
			return -EINVAL;
	}
	path_unescape_octal(field[0]);
	if (field[0][0] != '/' || safe_atoi(field[4], &e->priority) < 0)
		return -EINVAL;
	e->path = field[0];
	return 0;
}

/* Reads the whole file again into the monitor's table. */
static int
read_entries(struct swap_monitor *mon)
{
	_cleanup_free_ char *buf = NULL;
	struct swaps_entry *entries;
	size_t n = 0, lines = 1;
	char *line, *next;
	int r;

	if (lseek(mon->fd, 0, SEEK_SET) < 0)
		return -errno;
	r = read_full_fd(mon->fd, SWAPS_SIZE_MAX, &buf, NULL);
	if (r < 0)
		return r;
	for (const char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	entries = calloc(lines, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	/* The first line is the column header. */
	line = strchr(buf, '\n');
	for (line = line ? line + 1 : NULL; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (parse_line(line, &entries[n]) == 0)
			n++;
	}
	free(mon->entries);
	free(mon->buf);
	mon->entries = entries;
	mon->n_entries = n;
	mon->buf = TAKE_PTR(buf);
	return 0;
}

static const struct swaps_entry *
find_entry(const struct swap_monitor *mon, const char *path)
{
	for (size_t i = 0; path && i < mon->n_entries; i++)
		if (streq(mon->entries[i].path, path))
			return &mon->entries[i];
	return NULL;
}

/* The path /proc/swaps shows for the area of a device node named through a link
 * (udev's links under /dev/disk and /dev/mapper); NULL if What= is no link or not
 * there. Paths of swap files are compared as written: resolving them could wait on a
 * slow file system, and the manager never waits. */
static char *
alias_target(const struct swap_unit *s)
{
	char *real;

	if (!s->what || !startswith(s->what, "/dev/"))
		return NULL;
	real = realpath(s->what, NULL);
	if (real && streq(real, s->what))
		real = mfree(real);
	return real;
}

static void
mark_seen(struct swap_monitor *mon, struct swap_unit *s, const struct swaps_entry *e)
{
	if (!s->from_proc)
		s->proc_just_seen = true;
	else if (s->proc_priority != e->priority)
		unit_add_to_dbus_queue(UNIT(s));
	s->from_proc = true;
	s->proc_generation = mon->generation;
	s->proc_priority = e->priority;
}

/* One area: find or make the unit named after its path. */
static void
see_entry(struct manager *mgr, struct swap_monitor *mon, const struct swaps_entry *e)
{
	_cleanup_free_ char *name = NULL;
	struct swap_unit *s;
	struct unit *u;

	if (unit_name_from_path(e->path, ".swap", &name) < 0)
		return; /* a path no unit can be named after */
	if (manager_load_unit(mgr, name, &u) < 0 || u->type != UNIT_SWAP)
		return;
	s = SWAP(u);
	if (!s->what && !(s->what = strdup(e->path))) {
		log_oom();
		return;
	}
	mark_seen(mon, s, e);
	if (u->load_state == UNIT_NOT_FOUND) {
		/* Unknown until now: it exists, as an area somebody switched on. */
		u->load_state = UNIT_STUB;
		unit_add_to_load_queue(u);
	}
}

/* Unit files that name an area in the list through a link. */
static void
see_aliases(struct manager *mgr, struct swap_monitor *mon)
{
	const char *k;
	struct unit *u;

	HASHMAP_FOREACH(k, u, mgr->units) {
		_cleanup_free_ char *real = NULL;
		const struct swaps_entry *e;

		if (!streq(k, u->id) || u->type != UNIT_SWAP || !u->fragment_path)
			continue;
		real = alias_target(SWAP(u));
		e = find_entry(mon, real);
		if (e)
			mark_seen(mon, SWAP(u), e);
	}
}

static void
scan(struct manager *mgr)
{
	struct swap_monitor *mon = mgr->swap_monitor;
	struct swap_unit **seen, **gone;
	size_t n_seen = 0, n_gone = 0;
	const char *k;
	struct unit *u;
	int r;

	r = read_entries(mon);
	if (r < 0) {
		log_warning_errno(r, "Failed to read /proc/swaps: %m");
		return;
	}
	mon->generation++;
	for (size_t i = 0; i < mon->n_entries; i++)
		see_entry(mgr, mon, &mon->entries[i]);
	see_aliases(mgr, mon);
	/* New units get their type's load (dependencies) before their state moves. */
	manager_dispatch_load_queue(mgr);
	seen = calloc(hashmap_size(mgr->units) + 1, sizeof(*seen));
	gone = calloc(hashmap_size(mgr->units) + 1, sizeof(*gone));
	if (!seen || !gone) {
		free(seen);
		free(gone);
		log_oom();
		return;
	}
	/* Collected first: telling a unit may queue jobs and load units, which changes the
	 * table being walked. */
	HASHMAP_FOREACH(k, u, mgr->units) {
		struct swap_unit *s;

		if (!streq(k, u->id) || u->type != UNIT_SWAP)
			continue;
		s = SWAP(u);
		if (s->from_proc && s->proc_generation != mon->generation)
			gone[n_gone++] = s;
		else if (s->proc_just_seen && u->load_state == UNIT_LOADED)
			seen[n_seen++] = s;
		s->proc_just_seen = false;
	}
	for (size_t i = 0; i < n_seen; i++) {
		swap_update_ownership(seen[i]);
		swap_proc_update(seen[i], true);
	}
	for (size_t i = 0; i < n_gone; i++) {
		gone[i]->from_proc = false;
		swap_update_ownership(gone[i]);
		swap_proc_update(gone[i], false);
		unit_add_to_gc_queue(UNIT(gone[i]));
	}
	free(seen);
	free(gone);
}

static int
on_swaps(struct event_source *src, int fd, uint32_t revents, void *userdata)
{
	scan(userdata);
	return 0;
}

static int
on_soon(struct event_source *src, usec_t usec, void *userdata)
{
	scan(userdata);
	return 0;
}

void
swap_monitor_rescan(struct manager *mgr)
{
	if (mgr->swap_monitor)
		scan(mgr);
}

bool
swap_monitor_adopt(struct swap_unit *s)
{
	struct swap_monitor *mon = UNIT(s)->manager->swap_monitor;
	_cleanup_free_ char *real = NULL;
	const struct swaps_entry *e;

	if (!mon)
		return false;
	e = find_entry(mon, s->what);
	if (!e) {
		real = alias_target(s);
		e = find_entry(mon, real);
	}
	if (!e)
		return false;
	mark_seen(mon, s, e);
	s->proc_just_seen = false;
	return true;
}

void
swap_monitor_check_alias(struct swap_unit *s)
{
	struct manager *mgr = UNIT(s)->manager;
	struct swap_monitor *mon = mgr->swap_monitor;
	_cleanup_free_ char *real = NULL;

	if (!mon || s->from_proc)
		return;
	real = alias_target(s);
	if (!find_entry(mon, real))
		return;
	/* Not from here: the unit is being loaded, and may not change state yet. */
	if (mon->soon)
		event_source_set_time(mon->soon, now(CLOCK_MONOTONIC));
	else if (event_add_time(mgr->event, now(CLOCK_MONOTONIC), on_soon, mgr, &mon->soon) < 0)
		log_unit_warning(UNIT(s), "Cannot queue a read of /proc/swaps for %s.", s->what);
}

int
swap_monitor_start(struct manager *mgr)
{
	struct swap_monitor *mon;
	int r;

	if (mgr->swap_monitor)
		return 0;
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return log_oom();
	mon->fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
	if (mon->fd < 0) {
		r = -errno;
		/* A kernel without swap support has no such file: then there is nothing to see. */
		if (r == -ENOENT)
			log_debug("No /proc/swaps; swap units will not see swap areas in use.");
		else
			log_warning_errno(r, "Cannot open /proc/swaps; areas in use stay unseen: %m");
		free(mon);
		return r;
	}
	r = event_add_io(mgr->event, mon->fd, EPOLLPRI, on_swaps, mgr, &mon->source);
	if (r < 0) {
		log_warning_errno(r, "Cannot follow /proc/swaps; swapon by others stays unseen: %m");
		close(mon->fd);
		free(mon);
		return r;
	}
	mgr->swap_monitor = mon;
	scan(mgr);
	return 0;
}

void
swap_monitor_stop(struct manager *mgr)
{
	struct swap_monitor *mon = mgr->swap_monitor;

	if (!mon)
		return;
	mgr->swap_monitor = NULL;
	event_source_free(mon->source);
	event_source_free(mon->soon);
	close(mon->fd);
	free(mon->entries);
	free(mon->buf);
	free(mon);
}
