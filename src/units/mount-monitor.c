/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Follows /proc/self/mountinfo: the kernel marks the open file with POLLPRI whenever the
 * mount table changes, so the manager reads it again only then (never on a timer). Each
 * mount point becomes, or updates, the mount unit named after its path; mount units whose
 * path left the table are told so. autofs entries are the automount units' business and
 * do not make a mount unit "mounted". */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/event.h"
#include "core/manager.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "mountinfo.h"
#include "string-util.h"
#include "unit-name.h"
#include "units/mount-unit.h"
#include "units/mount.h"

struct mount_monitor {
	int fd;
	struct event_source *source;
	struct hashmap *mounted;   /* where (the unit's string) -> struct mount_unit * */
	unsigned generation;
};

/* Reads the whole file from the start into a growing buffer. */
static char *
read_all(int fd)
{
	size_t size = 16384, len = 0;
	char *buf = malloc(size);
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, size - len - 1)) > 0) {
		len += (size_t)n;
		if (size - len < 4096) {
			char *b = realloc(buf, size * 2);

			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
			size *= 2;
		}
	}
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	return buf;
}

static bool
update_string(char **field, const char *value)
{
	char *v;

	if (!value || (*field && streq(*field, value)))
		return false;
	v = strdup(value);
	if (!v)
		return false;
	free(*field);
	*field = v;
	return true;
}

/* One mountinfo entry: find or make its unit, record what is mounted. */
static void
see_entry(struct manager *mgr, struct mount_monitor *mon, const struct mountinfo_entry *e)
{
	_cleanup_free_ char *name = NULL, *options = NULL;
	struct mount_unit *m;
	struct unit *u;
	bool was = false, changed = false;

	if (streq(e->fstype, "autofs"))
		return;
	if (unit_name_from_path(e->where, ".mount", &name) < 0)
		return; /* a path no unit can be named after */
	if (manager_load_unit(mgr, name, &u) < 0 || u->type != UNIT_MOUNT)
		return;
	m = MOUNT(u);
	was = m->from_proc && hashmap_get(mon->mounted, m->where ? m->where : "") == m;
	options = strjoin(e->mount_options, ",", e->super_options);
	changed |= update_string(&m->proc.what, e->source);
	changed |= update_string(&m->proc.fstype, e->fstype);
	changed |= update_string(&m->proc.options, options);
	m->from_proc = true;
	m->proc_generation = mon->generation;
	if (!m->where && !(m->where = strdup(e->where)))
		return;
	if (u->load_state == UNIT_NOT_FOUND) {
		/* Unknown until now: it exists, as a mount made by somebody. */
		u->load_state = UNIT_STUB;
		unit_add_to_load_queue(u);
	}
	if (!was && hashmap_put(mon->mounted, m->where, m) < 0) {
		log_oom();
		return;
	}
	/* Told once loaded, in the second half of scan(). */
	m->proc_just_mounted = !was;
	m->proc_just_changed = changed;
}

static void
scan(struct manager *mgr)
{
	struct mount_monitor *mon = mgr->mount_monitor;
	_cleanup_free_ char *buf = NULL;
	struct mount_unit **gone = NULL;
	size_t n_gone = 0;
	const char *where;
	struct mount_unit *m;

	buf = read_all(mon->fd);
	if (!buf) {
		log_warning_errno(errno, "Failed to read /proc/self/mountinfo: %m");
		return;
	}
	mon->generation++;
	for (char *line = buf, *next; line && *line; line = next) {
		struct mountinfo_entry e;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (mountinfo_parse_line(line, &e) == 0)
			see_entry(mgr, mon, &e);
	}
	/* New units get their type's load (dependencies) before their state moves. */
	manager_dispatch_load_queue(mgr);
	gone = calloc(hashmap_size(mon->mounted) + 1, sizeof(*gone));
	if (!gone) {
		log_oom();
		return;
	}
	HASHMAP_FOREACH(where, m, mon->mounted) {
		if (m->proc_generation != mon->generation) {
			gone[n_gone++] = m; /* was mounted, is not any more */
			continue;
		}
		if ((m->proc_just_mounted || m->proc_just_changed) &&
		    UNIT(m)->load_state == UNIT_LOADED)
			mount_proc_update(m, true, m->proc_just_changed);
		m->proc_just_mounted = m->proc_just_changed = false;
	}
	for (size_t i = 0; i < n_gone; i++) {
		hashmap_remove(mon->mounted, gone[i]->where);
		gone[i]->from_proc = false;
		mount_proc_update(gone[i], false, true);
		unit_add_to_gc_queue(UNIT(gone[i]));
	}
	free(gone);
}

static int
on_mountinfo(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	scan(userdata);
	return 0;
}

void
mount_monitor_rescan(struct manager *mgr)
{
	if (mgr->mount_monitor)
		scan(mgr);
}

int
mount_monitor_start(struct manager *mgr)
{
	struct mount_monitor *mon;

	if (mgr->mount_monitor)
		return 0;
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return log_oom();
	mon->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	mon->mounted = hashmap_new(HASHMAP_STRING);
	if (mon->fd < 0 || !mon->mounted ||
	    event_add_io(mgr->event, mon->fd, EPOLLPRI, on_mountinfo, mgr, &mon->source) < 0) {
		int r = mon->fd < 0 ? -errno : -ENOMEM;

		log_warning_errno(r, "Cannot follow /proc/self/mountinfo; mount units will not see "
				  "mounts made by others: %m");
		if (mon->fd >= 0)
			close(mon->fd);
		hashmap_free(mon->mounted);
		free(mon);
		return r;
	}
	mgr->mount_monitor = mon;
	scan(mgr);
	return 0;
}

void
mount_monitor_stop(struct manager *mgr)
{
	struct mount_monitor *mon = mgr->mount_monitor;

	if (!mon)
		return;
	mgr->mount_monitor = NULL;
	event_source_free(mon->source);
	close(mon->fd);
	hashmap_free(mon->mounted);
	free(mon);
}

void
mount_monitor_forget(struct mount_unit *m)
{
	struct mount_monitor *mon = UNIT(m)->manager->mount_monitor;

	if (mon && m->where && hashmap_get(mon->mounted, m->where) == m)
		hashmap_remove(mon->mounted, m->where);
}

bool
mount_point_is_mounted(struct manager *mgr, const char *path)
{
	struct mount_monitor *mon = mgr->mount_monitor;

	return mon && hashmap_get(mon->mounted, path) != NULL;
}
