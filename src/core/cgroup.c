/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/cgroup-config.h"
#include "core/cgroup.h"
#include "core/event.h"
#include "core/manager.h"
#include "core/unit.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "unit-name.h"
#include "units/unit-vtable.h"

struct cgroup_state {
	enum cgroup_mode mode;
	char *mount;        /* "/sys/fs/cgroup" or "/sys/fs/cgroup/unified" */
	char *base;         /* our tree, relative to mount: "" for the hierarchy's root */
	char *origin;       /* the cgroup we were started in, to go back to at exit */
	char *reason;       /* why there is no tree (fallback mode) */
	char controllers[128];
	int inotify_fd;
	struct event_source *source;
	struct hashmap *by_wd;   /* inotify wd (as pointer) -> unit */
	struct hashmap *by_path; /* u->cgroup_path -> unit */
};

/* Small file helpers: cgroupfs and procfs never block. */

static int
write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), r = 0;
	size_t l = strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, l) != (ssize_t)l)
		r = -errno;
	close(fd);
	return r;
}

static int
read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* "0::/path" of /proc/PID/cgroup (pid 0: ourselves) into buf. */
static int
proc_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64], line[PATH_MAX + 16];
	FILE *f;
	int r = -ENOENT;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p = startswith(line, "0::");

		if (!p)
			continue;
		line[strcspn(line, "\n")] = 0;
		/* A path longer than buf cannot be a cgroup we can use: say so, do not cut it. */
		r = strlen(p) < size ? 0 : -ENAMETOOLONG;
		if (r == 0)
			memcpy(buf, p, strlen(p) + 1);
		break;
	}
	fclose(f);
	return r;
}

static bool
is_cgroup2(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* The v2 hierarchy: at /sys/fs/cgroup (unified), or /sys/fs/cgroup/unified (hybrid). */
static const char *
find_mount(void)
{
	if (is_cgroup2("/sys/fs/cgroup"))
		return "/sys/fs/cgroup";
	if (is_cgroup2("/sys/fs/cgroup/unified"))
		return "/sys/fs/cgroup/unified";
	return NULL;
}

/* Whether some process in the cgroup at dir lives outside our PID namespace (listed as
 * 0): then the cgroup is not ours to manage, even though we are PID 1 of our namespace. */
static bool
holds_foreign_processes(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	int pid;
	bool foreign = false;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= sizeof(path))
		return true; /* cannot look: assume the worst */
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!foreign && fscanf(f, "%d", &pid) == 1)
		foreign = pid == 0;
	fclose(f);
	return foreign;
}

static void
enable_controllers(struct cgroup_state *c, const char *dir)
{
	char path[PATH_MAX], want[sizeof(c->controllers) * 2] = "";

	if (!c->controllers[0])
		return;
	for (const char *p = c->controllers; *p;) {
		size_t l = strcspn(p, " ");

		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s+%.*s",
			 want[0] ? " " : "", (int)l, p);
		p += l + (p[l] == ' ');
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	if (write_file(path, want) < 0)
		log_debug("Cannot enable controllers \"%s\" in %s: %m", want, dir);
}

static int
fallback(struct manager *m, const char *fmt, ...) _printf_(2, 3);

static int
fallback(struct manager *m, const char *fmt, ...)
{
	struct cgroup_state *c = m->cgroup;
	va_list ap;

	c->mode = CGROUP_MODE_NONE;
	free(c->reason);
	va_start(ap, fmt);
	if (vasprintf(&c->reason, fmt, ap) < 0)
		c->reason = NULL;
	va_end(ap);
	log_info("No cgroup tree: %s. Tracking processes by process group and as subreaper.",
		 strna(c->reason));
	return 0;
}

static int on_inotify(struct event_source *s, int fd, uint32_t revents, void *userdata);

int
cgroup_setup(struct manager *m)
{
	struct cgroup_state *c;
	char own[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 32], pid[32];
	const char *mount;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->inotify_fd = -1;
	m->cgroup = c;
	mount = find_mount();
	if (!mount)
		return fallback(m, "no cgroup2 hierarchy is mounted");
	if (proc_cgroup(0, own, sizeof(own)) < 0)
		return fallback(m, "cannot read /proc/self/cgroup");
	if (streq(own, "/"))
		own[0] = 0;
	snprintf(dir, sizeof(dir), "%s%s", mount, own);
	/* The hierarchy's root is ours only as PID 1 of the processes in it. */
	if (!own[0] && (!m->is_pid1 || holds_foreign_processes(dir)))
		return fallback(m, "ember runs in the root cgroup of a hierarchy it does not own; "
				"start it in a cgroup of its own (delegated) to get one per unit");
	if (access(dir, W_OK) < 0)
		return fallback(m, "the cgroup %s is not writable: %s", own[0] ? own : "/",
				strerror(errno));
	c->mount = strdup(mount);
	c->base = strdup(own);
	c->origin = strdup(own);
	c->by_wd = hashmap_new(HASHMAP_POINTER);
	c->by_path = hashmap_new(HASHMAP_STRING);
	if (!c->mount || !c->base || !c->origin || !c->by_wd || !c->by_path)
		return -ENOMEM;
	/* The manager leaves the base for init.scope: only leaves may hold processes once
	 * controllers are enabled. */
	snprintf(path, sizeof(path), "%s/init.scope", dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return fallback(m, "cannot create %s: %m", path);
	snprintf(path, sizeof(path), "%s/init.scope/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	r = write_file(path, pid);
	if (r < 0)
		return fallback(m, "cannot move the manager to %s/init.scope: %s", own[0] ? own : "",
				strerror(-r));
	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (read_line(path, c->controllers, sizeof(c->controllers)) < 0)
		c->controllers[0] = 0;
	enable_controllers(c, dir);
	c->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (c->inotify_fd < 0)
		return fallback(m, "inotify: %m");
	r = event_add_io(m->event, c->inotify_fd, EPOLLIN, on_inotify, m, &c->source);
	if (r < 0)
		return fallback(m, "cannot watch inotify: %s", strerror(-r));
	c->mode = CGROUP_MODE_UNIFIED;
	log_debug("cgroup tree at %s%s, controllers: %s", mount, own[0] ? own : "/",
		  c->controllers[0] ? c->controllers : "none");
	return 0;
}

/* Removes the empty cgroups below dir, deepest first; keep names one (init.scope). */
static void
remove_tree(const char *dir, const char *keep, unsigned depth)
{
	DIR *d = depth < 32 ? opendir(dir) : NULL;
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.' || (keep && streq(de->d_name, keep)))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		remove_tree(sub, NULL, depth + 1);
		(void)rmdir(sub);
	}
	closedir(d);
}

void
cgroup_teardown(struct manager *m)
{
	struct cgroup_state *c = m->cgroup;
	char dir[PATH_MAX], path[PATH_MAX + 32], pid[32];

	if (!c)
		return;
	if (c->mode == CGROUP_MODE_UNIFIED && c->base[0]) {
		/* A delegated tree goes back as we found it: controllers off, us back in. */
		snprintf(dir, sizeof(dir), "%s%s", c->mount, c->base);
		remove_tree(dir, "init.scope", 0);
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
		if (c->controllers[0]) {
			char off[sizeof(c->controllers) * 2] = "";

			for (const char *p = c->controllers; *p;) {
				size_t l = strcspn(p, " ");

				snprintf(off + strlen(off), sizeof(off) - strlen(off), "%s-%.*s",
					 off[0] ? " " : "", (int)l, p);
				p += l + (p[l] == ' ');
			}
			(void)write_file(path, off);
		}
		snprintf(path, sizeof(path), "%s%s/cgroup.procs", c->mount, c->origin);
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (write_file(path, pid) == 0) {
			snprintf(path, sizeof(path), "%s/init.scope", dir);
			(void)rmdir(path);
		}
	}
	event_source_free(c->source);
	safe_close(c->inotify_fd);
	hashmap_free(c->by_wd);
	hashmap_free(c->by_path);
	free(c->mount);
	free(c->base);
	free(c->origin);
	free(c->reason);
	free(c);
	m->cgroup = NULL;
}

enum cgroup_mode
cgroup_mode(const struct manager *m)
{
	return m->cgroup ? m->cgroup->mode : CGROUP_MODE_NONE;
}

const char *
cgroup_fallback_reason(const struct manager *m)
{
	if (!m->cgroup)
		return "not set up";
	return m->cgroup->mode == CGROUP_MODE_NONE ? strna(m->cgroup->reason) : NULL;
}

const char *
cgroup_mount_point(const struct manager *m)
{
	return cgroup_mode(m) == CGROUP_MODE_UNIFIED ? m->cgroup->mount : NULL;
}

const char *
cgroup_base(const struct manager *m)
{
	return cgroup_mode(m) == CGROUP_MODE_UNIFIED ? m->cgroup->base : NULL;
}

const char *
cgroup_controllers(const struct manager *m)
{
	return cgroup_mode(m) == CGROUP_MODE_UNIFIED ? m->cgroup->controllers : "";
}

/* Units. */

/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "". */
static int
slice_path(const char *slice, char *buf, size_t size)
{
	const char *suffix = ".slice";
	size_t n = strlen(slice) - strlen(suffix), out = 0;

	buf[0] = 0;
	if (streq(slice, "-.slice"))
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && slice[i] != '-')
			continue;
		/* Each dash ends one level: the level's name is the prefix up to it. */
		int w = snprintf(buf + out, size - out, "/%.*s%s", (int)i, slice, suffix);

		if (w < 0 || (size_t)w >= size - out)
			return -ENAMETOOLONG;
		out += (size_t)w;
	}
	return 0;
}

static struct unit *
unit_slice(struct unit *u)
{
	struct unit *s;

	SET_FOREACH(s, u->deps[UNIT_IN_SLICE])
		return s;
	return NULL;
}

int
unit_cgroup_path_for(struct unit *u, char **ret)
{
	struct cgroup_state *c = u->manager->cgroup;
	char sp[PATH_MAX];
	struct unit *slice;
	int r;

	if (!c || c->mode != CGROUP_MODE_UNIFIED || !u->vtable->has_cgroup)
		return -EOPNOTSUPP;
	if (u->type == UNIT_SLICE)
		r = slice_path(u->id, sp, sizeof(sp));
	else if ((slice = unit_slice(u)))
		r = slice_path(slice->id, sp, sizeof(sp));
	else
		r = (sp[0] = 0);
	if (r < 0)
		return r;
	if (u->type == UNIT_SLICE)
		r = asprintf(ret, "%s%s", c->base, sp[0] ? sp : "");
	else
		r = asprintf(ret, "%s%s/%s", c->base, sp, u->id);
	return r < 0 ? -ENOMEM : 0;
}

const char *
unit_cgroup_fs_path(const struct unit *u, char *buf, size_t size)
{
	struct cgroup_state *c = u->manager->cgroup;

	if (!u->cgroup_path || !c || c->mode != CGROUP_MODE_UNIFIED)
		return NULL;
	if (snprintf(buf, size, "%s%s", c->mount, u->cgroup_path) >= (int)size)
		return NULL;
	return buf;
}

static void
unwatch(struct unit *u)
{
	struct cgroup_state *c = u->manager->cgroup;

	if (u->cgroup_wd > 0) {
		hashmap_remove(c->by_wd, (void *)(intptr_t)u->cgroup_wd);
		(void)inotify_rm_watch(c->inotify_fd, u->cgroup_wd);
		u->cgroup_wd = 0;
	}
	if (u->cgroup_oom_wd > 0) {
		hashmap_remove(c->by_wd, (void *)(intptr_t)u->cgroup_oom_wd);
		(void)inotify_rm_watch(c->inotify_fd, u->cgroup_oom_wd);
		u->cgroup_oom_wd = 0;
	}
}

/* "oom_kill N" of memory.events; 0 if unreadable. */
static uint32_t
read_oom_kills(const char *dir)
{
	char path[PATH_MAX + 16], key[32];
	unsigned long long v, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.events", dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%31s %llu", key, &v) == 2)
		if (streq(key, "oom_kill"))
			n = v;
	if (f)
		fclose(f);
	return (uint32_t)n;
}

void
unit_cgroup_forget(struct unit *u)
{
	struct cgroup_state *c = u->manager->cgroup;

	if (!u->cgroup_path)
		return;
	if (c && c->mode == CGROUP_MODE_UNIFIED) {
		unwatch(u);
		if (hashmap_get(c->by_path, u->cgroup_path) == u)
			hashmap_remove(c->by_path, u->cgroup_path);
	}
	u->cgroup_path = mfree(u->cgroup_path);
}

int
unit_cgroup_realize(struct unit *u)
{
	struct cgroup_state *c = u->manager->cgroup;
	_cleanup_free_ char *rel = NULL;
	char dir[PATH_MAX], events[PATH_MAX + 16];
	size_t base_len;
	int r, wd;

	r = unit_cgroup_path_for(u, &rel);
	if (r == -EOPNOTSUPP)
		return 0;
	if (r < 0)
		return r;
	/* The slices above first, so that their own settings are written (system.slice is
	 * active from the start and never gets a start job to do it). */
	{
		struct unit *slice = unit_slice(u);

		if (slice && !slice->cgroup_path) {
			r = unit_cgroup_realize(slice);
			if (r < 0)
				return r;
		}
	}
	if (u->cgroup_path && !streq(u->cgroup_path, rel)) {
		/* Slice= changed by a daemon-reload: the new place from now on. */
		unit_cgroup_prune(u);
		unit_cgroup_forget(u);
	}
	if (snprintf(dir, sizeof(dir), "%s%s", c->mount, rel) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	/* Every level below the base, parents first; a new slice gets the controllers. */
	base_len = strlen(c->mount) + strlen(c->base);
	for (char *p = dir + base_len + 1; strlen(dir) > base_len;) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = 0;
		if (mkdir(dir, 0755) == 0) {
			if (slash || u->type == UNIT_SLICE)
				enable_controllers(c, dir);
		} else if (errno != EEXIST) {
			r = -errno;
			log_unit_error_errno(u, r, "Failed to create cgroup %s: %m", dir);
			return r;
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
	}
	if (!u->cgroup_path) {
		u->cgroup_path = TAKE_PTR(rel);
		r = hashmap_put(c->by_path, u->cgroup_path, u);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	if (u->cgroup_wd <= 0) {
		snprintf(events, sizeof(events), "%s/cgroup.events", dir);
		wd = inotify_add_watch(c->inotify_fd, events, IN_MODIFY);
		if (wd < 0) {
			r = -errno;
			log_unit_error_errno(u, r, "Cannot watch %s: %m", events);
			return r;
		}
		u->cgroup_wd = wd;
		r = hashmap_put(c->by_wd, (void *)(intptr_t)wd, u);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	if (u->cgroup_oom_wd <= 0 && u->vtable->oom_kill) {
		snprintf(events, sizeof(events), "%s/memory.events", dir);
		wd = inotify_add_watch(c->inotify_fd, events, IN_MODIFY);
		if (wd > 0) { /* none without a memory controller */
			u->cgroup_oom_wd = wd;
			u->oom_kills = read_oom_kills(dir);
			r = hashmap_put(c->by_wd, (void *)(intptr_t)wd, u);
			if (r < 0 && r != -EEXIST)
				return r;
		}
	}
	return unit_cgroup_apply(u);
}

int
unit_cgroup_populated(const struct unit *u)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[128];
	const char *p;
	int r;

	if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	r = read_line(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* "populated 1\nfrozen 0": read_line kept the first line. */
	p = startswith(buf, "populated ");
	return p && *p == '1';
}

void
unit_cgroup_prune(struct unit *u)
{
	char dir[PATH_MAX];

	if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
		return;
	if (!unit_inactive_or_failed(unit_active_state(u)) || unit_cgroup_populated(u) != 0)
		return;
	/* A delegated unit may have made sub-cgroups; they are empty too now. */
	remove_tree(dir, NULL, 0);
	if (rmdir(dir) < 0 && errno != ENOENT) {
		log_unit_debug(u, "Cannot remove cgroup %s yet: %m", dir);
		return;
	}
	unit_cgroup_forget(u);
}

/* Signals every process listed in dir's cgroup.procs and its children's. seen keeps the PIDs
 * already signalled so that the loop in unit_cgroup_kill() ends. */
struct pid_list {
	pid_t *pids;
	size_t n, cap;
};

static bool
pid_list_has(const struct pid_list *l, pid_t p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->pids[i] == p)
			return true;
	return false;
}

static int
pid_list_add(struct pid_list *l, pid_t p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		pid_t *t = realloc(l->pids, cap * sizeof(pid_t));

		if (!t)
			return -ENOMEM;
		l->pids = t;
		l->cap = cap;
	}
	l->pids[l->n++] = p;
	return 0;
}

static int
kill_dir(const char *dir, int sig, struct pid_list *seen, unsigned depth)
{
	char path[PATH_MAX + 16];
	int found = 0, pid;
	struct dirent *de;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (f) {
		while (fscanf(f, "%d", &pid) == 1) {
			if (pid <= 0 || pid == getpid() || pid_list_has(seen, pid))
				continue;
			if (pid_list_add(seen, pid) < 0) {
				fclose(f);
				return -ENOMEM;
			}
			if (kill(pid, sig) == 0) {
				found++;
				if (sig != SIGKILL && sig != SIGCONT)
					(void)kill(pid, SIGCONT); /* a stopped process must see it */
			}
		}
		fclose(f);
	}
	d = depth < 32 ? opendir(dir) : NULL;
	while (d && (de = readdir(d))) {
		char sub[PATH_MAX];
		int r;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		r = kill_dir(sub, sig, seen, depth + 1);
		if (r < 0) {
			closedir(d);
			return r;
		}
		found += r;
	}
	if (d)
		closedir(d);
	return found;
}

int
unit_cgroup_kill(struct unit *u, int sig)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct pid_list seen = { 0 };
	int total = 0, r;

	if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
		return 0;
	if (sig == SIGKILL) {
		/* One write, and the kernel kills even what forks meanwhile (Linux 5.14). */
		snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
		r = unit_cgroup_populated(u);
		if (r > 0 && write_file(path, "1") == 0)
			return 1;
	}
	/* A process may fork while we read: go again until a pass finds nobody new. */
	for (int pass = 0; pass < 16; pass++) {
		r = kill_dir(dir, sig, &seen, 0);
		if (r <= 0)
			break;
		total += r;
	}
	free(seen.pids);
	return r < 0 ? r : total;
}

int
unit_cgroup_read_u64(const struct unit *u, const char *file, uint64_t *ret)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], buf[64];
	unsigned long long v;
	int r;

	if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
		return -ENODATA;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = read_line(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (streq(buf, "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (safe_atollu(buf, &v) < 0)
		return -EBADMSG;
	*ret = v;
	return 0;
}

int
unit_cgroup_write(const struct unit *u, const char *file, const char *value)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];

	if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
		return -ENODATA;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, value);
}

struct unit *
cgroup_unit_by_pid(struct manager *m, pid_t pid)
{
	struct cgroup_state *c = m->cgroup;
	char path[PATH_MAX];
	size_t base_len;

	if (!c || c->mode != CGROUP_MODE_UNIFIED || proc_cgroup(pid, path, sizeof(path)) < 0)
		return NULL;
	base_len = strlen(c->base);
	/* A delegated unit's processes may sit in sub-cgroups: walk up to a unit's. */
	for (;;) {
		struct unit *u = hashmap_get(c->by_path, path);
		char *slash;

		if (u)
			return u;
		slash = strrchr(path, '/');
		if (!slash || (size_t)(slash - path) <= base_len)
			return NULL;
		*slash = 0;
	}
}

/* cgroup.events changed: a group may have run empty. */
static int
on_inotify(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	union {
		struct inotify_event ev;
		char buf[4096];
	} b;

	for (;;) {
		ssize_t n = read(fd, b.buf, sizeof(b.buf));

		if (n <= 0)
			break;
		for (char *p = b.buf; p < b.buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			struct unit *u = hashmap_get(m->cgroup->by_wd, (void *)(intptr_t)e->wd);

			p += sizeof(*e) + e->len;
			if (!u)
				continue;
			if (e->mask & IN_IGNORED) {
				/* The cgroup went away under us. */
				hashmap_remove(m->cgroup->by_wd, (void *)(intptr_t)e->wd);
				if (u->cgroup_wd == e->wd)
					u->cgroup_wd = 0;
				else
					u->cgroup_oom_wd = 0;
				continue;
			}
			if (e->wd == u->cgroup_oom_wd) {
				char dir[PATH_MAX];
				uint32_t kills;

				if (!unit_cgroup_fs_path(u, dir, sizeof(dir)))
					continue;
				kills = read_oom_kills(dir);
				if (kills > u->oom_kills && u->vtable->oom_kill)
					u->vtable->oom_kill(u);
				u->oom_kills = kills;
				continue;
			}
			if (unit_cgroup_populated(u) != 0)
				continue;
			log_unit_debug(u, "cgroup is empty.");
			if (u->vtable->sigchld)
				u->vtable->sigchld(u, 0, 0, 0); /* "look again": the group is gone */
			unit_cgroup_prune(u);
			/* A unit left down with stragglers (KillMode=none) may go now. */
			if (unit_inactive_or_failed(unit_active_state(u)))
				unit_add_to_gc_queue(u);
		}
	}
	return 0;
}
