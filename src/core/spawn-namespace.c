/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace step: the child's own mount namespace (exec-namespace.h).
 *
 * Every setting becomes entries (a canonical path and what to do there), sorted by path so
 * that a parent always comes before what is below it, and applied in four passes:
 *   1. content: tmpfs (TemporaryFileSystem=, PrivateTmp=, ProtectHome=tmpfs), a private
 *      /dev, fresh /sys and /proc instances, bind mounts. Bind sources are opened before
 *      anything is mounted, so they always name the host's view.
 *   2. access: read-only and read-write, once per path. A read-only path makes every
 *      mount below it read-only (MS_BIND|MS_REMOUNT|MS_RDONLY on each, from mountinfo),
 *      except below another entry's path: that one is set up by its own entry, which is
 *      how ReadWritePaths= inside a read-only tree and a writable PrivateTmp= under
 *      ProtectSystem=strict work. A path that is no mount point is bound on itself first.
 *   3. inaccessible: last, so it covers whatever the other passes put there.
 *   4. propagation: MountFlags= (shared by default) on top of the initial slave, so
 *      nothing mounted in here ever reaches the host.
 * A failure names the step, the action, the path and the directive. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exec-directories.h"
#include "core/exec-namespace.h"
#include "core/exec-sandbox.h"
#include "core/spawn-internal.h"
#include "core/spawn-namespace.h"
#include "macro.h"
#include "strv.h"

/* Content kinds first, in the order they stack when they share a path. */
enum ns_kind {
	NS_TMPFS,
	NS_DEV,
	NS_SYSFS,
	NS_PROCFS,
	NS_BIND,
	NS_ACCESS,       /* only an access mode */
	NS_INACCESSIBLE,
};

enum ns_access {
	ACCESS_KEEP,     /* left as it is (ProtectSystem=strict's /dev /proc /sys) */
	ACCESS_RW,
	ACCESS_RO,       /* the whole tree below */
	ACCESS_RO_TOP,   /* only the entry's own mount (the private /dev) */
};

struct ns_entry {
	char *path;            /* canonical */
	const char *what;      /* the directive, for messages */
	enum ns_kind kind;
	enum ns_access access;
	bool explicit_access;  /* the unit's own *Paths= (wins over implied settings) */
	bool ignore_missing;
	bool dead;             /* skipped: missing and '-' */
	bool recursive;        /* NS_BIND */
	size_t order;          /* position in the unit's settings: ties keep it */
	int source_fd;         /* NS_BIND: O_PATH */
	const char *source;    /* NS_BIND */
	const char *defaults, *options; /* NS_TMPFS; options is procfs data for NS_PROCFS */
};

/* Everything the step allocates hangs off the plan, held for the whole step: if it fails,
 * the manager frees it (spawn-internal.h). */
struct ns_plan {
	struct child *ch;
	const char *root;      /* canonical RootDirectory=, "/" without */
	char *root_buf;        /* root when it is RootDirectory= */
	struct ns_entry *e;
	size_t n;
	char **paths;          /* every live entry's path, for the access pass */
	struct mnt_table snapshot; /* the mounts after the content pass */
	char proc_data[64];    /* the options of a new procfs */
};

/* Memory only: the bind sources' fds are the child's, closed by step_namespace(). */
static void
ns_plan_free(void *where)
{
	struct ns_plan *p = where;

	for (size_t i = 0; i < p->n; i++)
		free(p->e[i].path);
	p->e = mfree(p->e);
	p->n = 0;
	p->paths = strv_free(p->paths);
	p->root_buf = mfree(p->root_buf);
	mnt_table_done(&p->snapshot);
}

static _noreturn_ _printf_(4, 5) void
ns_fail(struct ns_plan *p, int error, const struct ns_entry *e, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	child_fail(p->ch, EXEC_STEP_NAMESPACE, error, "%s%s%s%s", what, e ? " (" : "",
		   e ? e->what : "", e ? ")" : "");
}

static struct ns_entry *
ns_add(struct ns_plan *p, enum ns_kind kind, enum ns_access access, const char *what,
       const char *path, bool in_root, bool ignore_missing)
{
	struct ns_entry *grown = realloc(p->e, (p->n + 1) * sizeof(*grown)), *e;
	int r;

	if (!grown)
		child_oom(p->ch, EXEC_STEP_NAMESPACE);
	p->e = grown;
	e = &p->e[p->n];
	*e = (struct ns_entry) { .kind = kind, .access = access, .what = what,
				 .ignore_missing = ignore_missing, .source_fd = -1,
				 .order = p->n };
	r = chase(in_root ? p->root : "/", path, &e->path);
	if (r == -ENOMEM)
		child_oom(p->ch, EXEC_STEP_NAMESPACE);
	if (r < 0)
		ns_fail(p, -r, e, "resolving %s", path);
	p->n++;
	return e;
}

static void
ns_add_list(struct ns_plan *p, enum ns_kind kind, enum ns_access access, const char *what,
	    const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ns_add(p, kind, access, what, paths[i], true, true);
}

/* "[-][+]/path" from ReadWritePaths= and friends. */
static void
ns_add_user_paths(struct ns_plan *p, char *const *l, enum ns_kind kind, enum ns_access access,
		  const char *what)
{
	STRV_FOREACH(s, l) {
		const char *path = *s;
		bool missing_ok = *path == '-', in_root;
		struct ns_entry *e;

		path += missing_ok;
		in_root = *path == '+';
		path += in_root;
		e = ns_add(p, kind, access, what, path, in_root, missing_ok);
		e->explicit_access = true;
	}
}

static bool
tmpfs_wants_ro(const char *options)
{
	bool ro = false;

	for (const char *o = options; o && *o; o += *o == ',') {
		size_t l = strcspn(o, ",");

		if (l == 2 && (strneq(o, "ro", 2) || strneq(o, "rw", 2)))
			ro = o[1] == 'o';
		o += l;
	}
	return ro;
}

static void
plan_system_and_home(struct ns_plan *p, const struct exec_namespace *n)
{
	static const char *const sys_yes[] = { "/usr", "/boot", "/efi" };
	static const char *const api[] = { "/dev", "/proc", "/sys" };
	static const char *const homes[] = { "/home", "/root", "/run/user" };

	switch (n->protect_system) {
	case PROTECT_SYSTEM_STRICT:
		ns_add(p, NS_ACCESS, ACCESS_RO, "ProtectSystem=strict", "/", true, false);
		ns_add_list(p, NS_ACCESS, ACCESS_KEEP, "ProtectSystem=strict", api, 3);
		break;
	case PROTECT_SYSTEM_FULL:
		ns_add(p, NS_ACCESS, ACCESS_RO, "ProtectSystem=full", "/etc", true, true);
		ns_add_list(p, NS_ACCESS, ACCESS_RO, "ProtectSystem=full", sys_yes, 3);
		break;
	case PROTECT_SYSTEM_YES:
		ns_add_list(p, NS_ACCESS, ACCESS_RO, "ProtectSystem=yes", sys_yes, 3);
		break;
	}
	switch (n->protect_home) {
	case PROTECT_HOME_YES:
		ns_add_list(p, NS_INACCESSIBLE, ACCESS_KEEP, "ProtectHome=yes", homes, 3);
		break;
	case PROTECT_HOME_READ_ONLY:
		ns_add_list(p, NS_ACCESS, ACCESS_RO, "ProtectHome=read-only", homes, 3);
		break;
	case PROTECT_HOME_TMPFS:
		for (size_t i = 0; i < ELEMENTSOF(homes); i++)
			ns_add(p, NS_TMPFS, ACCESS_RO, "ProtectHome=tmpfs", homes[i], true,
			       true)->defaults = "mode=0755,nosuid,nodev";
		break;
	}
}

static void
plan_kernel(struct ns_plan *p, const struct exec_namespace *n)
{
	static const char *const tunables[] = {
		"/proc/sys", "/proc/sysrq-trigger", "/proc/latency_stats", "/proc/mtrr",
		"/proc/apm", "/proc/acpi", "/proc/suspend", "/proc/fs", "/proc/irq",
		"/proc/asound", "/proc/bus", "/proc/scsi", "/proc/timer_stats", "/sys",
	};
	static const char *const tunables_hidden[] = { "/proc/kallsyms", "/proc/kcore" };
	static const char *const modules[] = { "/usr/lib/modules", "/lib/modules" };
	static const char *const logs[] = { "/proc/kmsg", "/dev/kmsg" };
	static const char *const names[] = { "/proc/sys/kernel/hostname",
					     "/proc/sys/kernel/domainname" };

	if (n->protect_kernel_tunables) {
		ns_add_list(p, NS_ACCESS, ACCESS_RO, "ProtectKernelTunables=", tunables,
			    ELEMENTSOF(tunables));
		ns_add_list(p, NS_INACCESSIBLE, ACCESS_KEEP, "ProtectKernelTunables=",
			    tunables_hidden, ELEMENTSOF(tunables_hidden));
	}
	if (n->protect_control_groups)
		ns_add(p, NS_ACCESS, ACCESS_RO, "ProtectControlGroups=", "/sys/fs/cgroup", true,
		       true);
	if (n->protect_kernel_modules)
		ns_add_list(p, NS_INACCESSIBLE, ACCESS_KEEP, "ProtectKernelModules=", modules,
			    ELEMENTSOF(modules));
	if (n->protect_kernel_logs)
		ns_add_list(p, NS_INACCESSIBLE, ACCESS_KEEP, "ProtectKernelLogs=", logs,
			    ELEMENTSOF(logs));
	if (n->protect_hostname)
		ns_add_list(p, NS_ACCESS, ACCESS_RO, "ProtectHostname=", names, ELEMENTSOF(names));
}

static void
plan_api(struct ns_plan *p, const struct exec_namespace *n)
{
	struct ns_entry *e;

	if (n->private_tmp) {
		static const char *const tmps[] = { "/tmp", "/var/tmp" };

		for (size_t i = 0; i < ELEMENTSOF(tmps); i++)
			ns_add(p, NS_TMPFS, ACCESS_KEEP, "PrivateTmp=", tmps[i], true,
			       false)->defaults = "mode=1777,nosuid,nodev,strictatime";
	}
	if (n->private_devices)
		ns_add(p, NS_DEV, ACCESS_RO_TOP, "PrivateDevices=", "/dev", true, false);
	if (n->private_network && n->private_mounts != 0)
		ns_add(p, NS_SYSFS, ACCESS_KEEP, "PrivateNetwork=", "/sys", true, false);
	if (n->protect_proc != PROTECT_PROC_DEFAULT || n->proc_subset != PROC_SUBSET_ALL) {
		snprintf(p->proc_data, sizeof(p->proc_data), "%s%s%s",
			 n->protect_proc != PROTECT_PROC_DEFAULT ? "hidepid=" : "",
			 n->protect_proc != PROTECT_PROC_DEFAULT ?
				 protect_proc_to_string(n->protect_proc) : "",
			 n->proc_subset == PROC_SUBSET_PID ?
				 (n->protect_proc != PROTECT_PROC_DEFAULT ? ",subset=pid" :
									   "subset=pid") : "");
		e = ns_add(p, NS_PROCFS, ACCESS_KEEP,
			   n->protect_proc != PROTECT_PROC_DEFAULT ? "ProtectProc=" : "ProcSubset=",
			   "/proc", true, false);
		e->options = p->proc_data;
	}
}

static void
plan_user(struct ns_plan *p, const struct exec_namespace *n)
{
	char **dirs = NULL;
	struct ns_entry *e;
	int r;

	ns_add_user_paths(p, n->read_write_paths, NS_ACCESS, ACCESS_RW, "ReadWritePaths=");
	ns_add_user_paths(p, n->read_only_paths, NS_ACCESS, ACCESS_RO, "ReadOnlyPaths=");
	ns_add_user_paths(p, n->inaccessible_paths, NS_INACCESSIBLE, ACCESS_KEEP,
			  "InaccessiblePaths=");
	/* RuntimeDirectory= and friends stay writable whatever else is read-only. */
	child_hold(p->ch, EXEC_STEP_NAMESPACE, &dirs, child_hold_strv_free);
	r = exec_directories_paths(p->ch->ctx, p->ch->params->user_manager, &dirs);
	if (r == -ENOMEM)
		child_oom(p->ch, EXEC_STEP_NAMESPACE);
	ns_add_user_paths(p, dirs, NS_ACCESS, ACCESS_RW, "RuntimeDirectory= and friends");
	child_release(p->ch, &dirs);
	for (size_t i = 0; i < n->n_tmpfs; i++) {
		e = ns_add(p, NS_TMPFS, tmpfs_wants_ro(n->tmpfs[i].options) ? ACCESS_RO : ACCESS_KEEP,
			   "TemporaryFileSystem=", n->tmpfs[i].path, true, false);
		e->defaults = "nodev,strictatime,mode=0755";
		e->options = n->tmpfs[i].options;
		e->explicit_access = true;
	}
	for (size_t i = 0; i < n->n_binds; i++) {
		const struct exec_bind *b = &n->binds[i];
		int fd = open(b->source, O_PATH | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT && b->ignore_missing)
			continue;
		if (fd < 0)
			ns_fail(p, errno, NULL, "bind-mounting %s%s (%s=)", b->source,
				b->read_only ? " read-only" : "",
				b->read_only ? "BindReadOnlyPaths" : "BindPaths");
		e = ns_add(p, NS_BIND, b->read_only ? ACCESS_RO : ACCESS_KEEP,
			   b->read_only ? "BindReadOnlyPaths=" : "BindPaths=", b->destination, true,
			   false);
		e->source_fd = fd;
		e->source = b->source;
		e->recursive = b->recursive;
		e->explicit_access = true;
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c == 0)
		c = (int)x->kind - (int)y->kind;
	return c ? c : x->order < y->order ? -1 : 1;
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) >= 0;
}

static void
apply_content(struct ns_plan *p, struct ns_entry *e)
{
	char src[64];
	const char *failed;
	struct stat st;
	int r;

	switch (e->kind) {
	case NS_TMPFS:
		if (!exists(e->path) && e->ignore_missing) {
			e->dead = true;
			return;
		}
		r = mount_point_make(e->path, false);
		if (r >= 0)
			r = mount_tmpfs(e->path, e->defaults, e->options);
		if (r < 0)
			ns_fail(p, -r, e, "mounting a tmpfs on %s%s%s", e->path,
				e->options ? " with " : "", strempty(e->options));
		return;
	case NS_DEV:
		r = mount_private_dev(e->path, &failed);
		if (r < 0)
			ns_fail(p, -r, e, "setting up %s: %s", e->path, failed);
		return;
	case NS_SYSFS:
	case NS_PROCFS:
		r = mount_fresh_api_fs(e->path, e->kind == NS_SYSFS ? "sysfs" : "proc", e->options);
		if (r < 0)
			ns_fail(p, -r, e, "mounting a new %s on %s%s%s",
				e->kind == NS_SYSFS ? "sysfs" : "procfs", e->path,
				e->options ? " with " : "", strempty(e->options));
		return;
	case NS_BIND:
		if (fstat(e->source_fd, &st) < 0)
			ns_fail(p, errno, e, "bind-mounting %s on %s", e->source, e->path);
		snprintf(src, sizeof(src), "/proc/self/fd/%d", e->source_fd);
		r = mount_point_make(e->path, !S_ISDIR(st.st_mode));
		if (r >= 0 && mount(src, e->path, NULL, MS_BIND | (e->recursive ? MS_REC : 0),
				    NULL) < 0)
			r = -errno;
		if (r < 0)
			ns_fail(p, -r, e, "bind-mounting %s on %s", e->source, e->path);
		return;
	default:
		return;
	}
}

/* Of the entries [first, last) on one path: the access mode that counts. The unit's own
 * settings win over implied ones; then read-only wins over read-write. */
static struct ns_entry *
access_winner(struct ns_entry *first, struct ns_entry *last)
{
	struct ns_entry *best = NULL;
	int best_rank = -1;

	for (struct ns_entry *e = first; e < last; e++) {
		int rank;

		if (e->dead || e->kind == NS_INACCESSIBLE || e->access == ACCESS_KEEP)
			continue;
		rank = (e->explicit_access ? 2 : 0) + (e->access != ACCESS_RW);
		if (rank > best_rank) {
			best = e;
			best_rank = rank;
		}
	}
	return best;
}

/* Binds path on itself unless it is a mount point already; *snapshot_ro says whether the
 * mount that held it was read-only before the access pass. */
static int
make_mount_point(const char *path, const struct mnt_table *snapshot, bool *snapshot_ro)
{
	struct mnt_table now;
	const struct mnt *held = mnt_table_holding_listed(snapshot, path);
	bool is_mount;
	int r = mnt_table_read(&now);

	*snapshot_ro = held && (held->flags & MS_RDONLY);
	if (r < 0)
		return r;
	is_mount = mnt_table_at(&now, path) != NULL;
	mnt_table_done(&now);
	if (is_mount)
		return 0;
	return mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 1;
}

static void
apply_access(struct ns_plan *p, struct ns_entry *first, struct ns_entry *last,
	     const struct mnt_table *snapshot)
{
	struct ns_entry *e = access_winner(first, last);
	char failed[PATH_MAX] = "";
	bool was_ro, all_optional = true;
	int r;

	if (!e)
		return;
	for (struct ns_entry *i = first; i < last; i++)
		if (!i->dead && i->kind != NS_INACCESSIBLE && i->access != ACCESS_KEEP)
			all_optional = all_optional && i->ignore_missing;
	if (!exists(e->path)) {
		if (errno == ENOENT && all_optional) {
			for (struct ns_entry *i = first; i < last; i++)
				i->dead = i->dead || i->kind == NS_ACCESS;
			return;
		}
		ns_fail(p, errno, e, "%s %s%s", e->access == ACCESS_RW ? "keeping" : "making",
			e->path, e->access == ACCESS_RW ? " writable" : " read-only");
	}
	switch (e->access) {
	case ACCESS_RO:
		r = make_mount_point(e->path, snapshot, &was_ro);
		if (r >= 0)
			r = mount_read_only_tree(e->path, p->paths, failed, sizeof(failed));
		if (r < 0)
			ns_fail(p, -r, e, "making %s read-only", failed[0] ? failed : e->path);
		return;
	case ACCESS_RO_TOP:
		r = mount_set_read_only(e->path, true);
		if (r < 0)
			ns_fail(p, -r, e, "making %s read-only", e->path);
		return;
	case ACCESS_RW:
		/* Inside a read-only tree: a mount of its own, as writable as it was. A mount
		 * point is already set up by its own entry, or left as the host has it. */
		r = make_mount_point(e->path, snapshot, &was_ro);
		if (r > 0)
			r = mount_set_read_only(e->path, was_ro);
		if (r < 0)
			ns_fail(p, -r, e, "keeping %s writable", e->path);
		return;
	default:
		return;
	}
}

static void
apply_inaccessible(struct ns_plan *p, int staging[2])
{
	char **covered = NULL;

	child_hold(p->ch, EXEC_STEP_NAMESPACE, &covered, child_hold_strv_free);
	for (size_t i = 0; i < p->n; i++) {
		struct ns_entry *e = &p->e[i];
		bool hidden = false;
		int r;

		if (e->kind != NS_INACCESSIBLE)
			continue;
		/* Below one made inaccessible already: gone with it. */
		STRV_FOREACH(c, covered)
			hidden = hidden || path_under(e->path, *c);
		if (hidden)
			continue;
		if (!exists(e->path)) {
			if (errno == ENOENT && e->ignore_missing)
				continue;
			ns_fail(p, errno, e, "making %s inaccessible", e->path);
		}
		r = mount_inaccessible(e->path, staging);
		if (r < 0)
			ns_fail(p, -r, e, "making %s inaccessible", e->path);
		if (strv_extend(&covered, e->path) < 0)
			child_oom(p->ch, EXEC_STEP_NAMESPACE);
	}
	child_release(p->ch, &covered);
}

static void
plan_build(struct ns_plan *p)
{
	const struct exec_namespace *n = &p->ch->ctx->sandbox->ns;

	plan_system_and_home(p, n);
	plan_kernel(p, n);
	plan_api(p, n);
	plan_user(p, n);
	if (p->n > 0)
		qsort(p->e, p->n, sizeof(*p->e), entry_cmp);
	for (size_t i = 0; i < p->n; i++)
		if (strv_extend(&p->paths, p->e[i].path) < 0)
			child_oom(p->ch, EXEC_STEP_NAMESPACE);
}

static void
apply_propagation(struct ns_plan *p)
{
	static const unsigned long flags[_MOUNT_PROPAGATION_MAX] = {
		[MOUNT_PROPAGATION_UNSET] = MS_SHARED,
		[MOUNT_PROPAGATION_SHARED] = MS_SHARED,
		[MOUNT_PROPAGATION_SLAVE] = MS_SLAVE,
		[MOUNT_PROPAGATION_PRIVATE] = MS_PRIVATE,
	};
	uint8_t m = p->ch->ctx->sandbox->ns.mount_propagation;

	if (m >= _MOUNT_PROPAGATION_MAX)
		m = MOUNT_PROPAGATION_UNSET;
	if (mount(NULL, "/", NULL, MS_REC | flags[m], NULL) < 0)
		ns_fail(p, errno, NULL, "setting the propagation of / (MountFlags=)");
}

void
step_namespace(struct child *ch)
{
	const struct exec_sandbox *sb = ch->ctx->sandbox;
	struct ns_plan p = { .ch = ch, .root = "/" };
	int staging[2] = { -1, -1 }, r;

	if (ch->is_privileged || !sb || !exec_namespace_needs_mounts(&sb->ns))
		return;
	child_hold(ch, EXEC_STEP_NAMESPACE, &p, ns_plan_free);
	if (ch->ctx->root_directory) {
		p.root_buf = realpath(ch->ctx->root_directory, NULL);
		if (!p.root_buf)
			ns_fail(&p, errno, NULL, "resolving RootDirectory=%s",
				ch->ctx->root_directory);
		p.root = p.root_buf;
	}
	if (unshare(CLONE_NEWNS) < 0)
		ns_fail(&p, errno, NULL, "creating a mount namespace%s",
			errno == EPERM && geteuid() != 0 ? " (needs a manager running as root)" : "");
	/* Before anything else: nothing mounted from here on may reach the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		ns_fail(&p, errno, NULL, "making / a slave mount");
	plan_build(&p);
	for (size_t i = 0; i < p.n; i++)
		if (p.e[i].kind == NS_INACCESSIBLE && staging[1] < 0) {
			r = mount_inaccessible_prepare(staging);
			if (r < 0)
				ns_fail(&p, -r, NULL, "preparing /run/ember-inaccessible");
		}
	for (size_t i = 0; i < p.n; i++)
		apply_content(&p, &p.e[i]);
	r = mnt_table_read(&p.snapshot);
	if (r < 0)
		ns_fail(&p, -r, NULL, "reading /proc/self/mountinfo");
	for (size_t i = 0, j; i < p.n; i = j) {
		for (j = i + 1; j < p.n && streq(p.e[j].path, p.e[i].path); j++)
			;
		apply_access(&p, &p.e[i], &p.e[j], &p.snapshot);
	}
	mnt_table_done(&p.snapshot);
	apply_inaccessible(&p, staging);
	mount_inaccessible_done(staging);
	apply_propagation(&p);
	for (size_t i = 0; i < p.n; i++)
		safe_close(p.e[i].source_fd);
	child_release(ch, &p);
}
