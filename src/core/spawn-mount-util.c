/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mount helpers for the namespace step (spawn-namespace.h). Only ever run in the child,
 * inside its own mount namespace: nothing here touches the manager's mounts. Whatever a
 * helper allocates it frees before it returns, also on errors: the child's heap may be
 * the manager's (spawn.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/spawn-namespace.h"
#include "fileio.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

#define FLAGS_KEPT (MS_NOSUID | MS_NODEV | MS_NOEXEC)

bool
path_under(const char *p, const char *dir)
{
	size_t l = strlen(dir);

	if (streq(dir, "/"))
		return true;
	return strneq(p, dir, l) && (p[l] == '\0' || p[l] == '/');
}

/* mountinfo escapes blanks and backslashes as \NNN (octal). */
static void
unescape_octal(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
}

static unsigned long
mount_flags_of(const char *opts)
{
	unsigned long f = 0;

	for (const char *p = opts; *p; p += *p == ',') {
		size_t l = strcspn(p, ",");

		if (l == 2 && strneq(p, "ro", 2))
			f |= MS_RDONLY;
		else if (l == 6 && strneq(p, "nosuid", 6))
			f |= MS_NOSUID;
		else if (l == 5 && strneq(p, "nodev", 5))
			f |= MS_NODEV;
		else if (l == 6 && strneq(p, "noexec", 6))
			f |= MS_NOEXEC;
		p += l;
	}
	return f;
}

/* "36 35 98:0 /root /mount/point rw,nosuid master:1 - ext4 /dev/x rw" */
static int
mnt_parse(char *line, struct mnt *m)
{
	char *field[6];
	char *save = NULL, *p = line;

	for (int i = 0; i < 6; i++) {
		field[i] = strtok_r(p, " \n", &save);
		p = NULL;
		if (!field[i])
			return -EBADMSG;
	}
	if (safe_atoi(field[0], &m->id) < 0 || safe_atoi(field[1], &m->parent) < 0)
		return -EBADMSG;
	unescape_octal(field[4]);
	m->path = strdup(field[4]);
	if (!m->path)
		return -ENOMEM;
	m->flags = mount_flags_of(field[5]);
	return 0;
}

int
mnt_table_read(struct mnt_table *t)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t room = 0;
	int r = 0;

	*t = (struct mnt_table) { 0 };
	if (!f)
		return -errno;
	while (getline(&line, &room, f) > 0) {
		struct mnt *grown = realloc(t->m, (t->n + 1) * sizeof(*grown));

		if (!grown) {
			r = -ENOMEM;
			break;
		}
		t->m = grown;
		r = mnt_parse(line, &t->m[t->n]);
		if (r < 0)
			break;
		t->n++;
	}
	free(line);
	fclose(f);
	if (r < 0)
		mnt_table_done(t);
	return r;
}

void
mnt_table_done(struct mnt_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->m[i].path);
	t->m = mfree(t->m);
	t->n = 0;
}

/* The id of the mount path is on; -EOPNOTSUPP before Linux 5.8. */
static int
mount_id_of(const char *path, int *ret)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
		return -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*ret = (int)sx.stx_mnt_id;
	return 0;
}

const struct mnt *
mnt_table_holding_listed(const struct mnt_table *t, const char *path)
{
	const struct mnt *best = NULL;

	for (size_t i = 0; i < t->n; i++)
		if (path_under(path, t->m[i].path) &&
		    (!best || strlen(t->m[i].path) >= strlen(best->path)))
			best = &t->m[i];
	return best;
}

const struct mnt *
mnt_table_holding(const struct mnt_table *t, const char *path)
{
	int id;

	if (mount_id_of(path, &id) >= 0) {
		for (size_t i = 0; i < t->n; i++)
			if (t->m[i].id == id)
				return &t->m[i];
	}
	/* Older kernels, or a table read before that mount was made. */
	return mnt_table_holding_listed(t, path);
}

const struct mnt *
mnt_table_at(const struct mnt_table *t, const char *path)
{
	const struct mnt *m = mnt_table_holding(t, path);

	return m && streq(m->path, path) ? m : NULL;
}

/* The mount listed as m is the one seen at its mount point (not covered by another). */
static bool
mnt_visible(const struct mnt *m)
{
	int id;

	if (mount_id_of(m->path, &id) < 0)
		return true; /* cannot tell: remounting the one on top is what we want anyway */
	return id == m->id;
}

static int
remount(const char *path, unsigned long flags)
{
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return -errno;
	return 0;
}

static bool
skipped(const char *mount_point, const char *top, char *const *skip)
{
	STRV_FOREACH(s, skip)
		if (!streq(*s, top) && path_under(*s, top) && path_under(mount_point, *s))
			return true;
	return false;
}

int
mount_read_only_tree(const char *path, char *const *skip, char *failed, size_t size)
{
	struct mnt_table t;
	int r = mnt_table_read(&t);

	snprintf(failed, size, "%s", path);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t.n && r >= 0; i++) {
		const struct mnt *m = &t.m[i];

		if (!path_under(m->path, path) || skipped(m->path, path, skip) ||
		    (m->flags & MS_RDONLY) || !mnt_visible(m))
			continue;
		r = remount(m->path, MS_RDONLY | (m->flags & FLAGS_KEPT));
		if (r == -ENOENT) /* gone meanwhile (an automount expiring, say) */
			r = 0;
		if (r < 0)
			snprintf(failed, size, "%s", m->path);
	}
	mnt_table_done(&t);
	return r;
}

int
mount_set_read_only(const char *path, bool read_only)
{
	struct mnt_table t;
	const struct mnt *m;
	int r = mnt_table_read(&t);

	if (r < 0)
		return r;
	m = mnt_table_at(&t, path);
	if (!m)
		r = -EINVAL;
	else if (!(m->flags & MS_RDONLY) != !read_only)
		r = remount(path, (read_only ? MS_RDONLY : 0) | (m->flags & FLAGS_KEPT));
	mnt_table_done(&t);
	return r;
}

int
chase(const char *root, const char *path, char **ret)
{
	struct strbuf done = { 0 };
	char *todo = strdup(path), *next;
	size_t base = streq(root, "/") ? 0 : strlen(root);
	int links = 0, r = 0;

	if (!todo || (base > 0 && strbuf_append(&done, root, base) < 0)) {
		r = -ENOMEM;
		goto out;
	}
	for (char *p = todo; r >= 0;) {
		char target[PATH_MAX];
		size_t l, keep = done.len;
		struct stat st;
		ssize_t n;

		p += strspn(p, "/");
		if (!*p)
			break;
		l = strcspn(p, "/");
		if (l == 2 && strneq(p, "..", 2)) {
			while (done.len > base && done.s[done.len - 1] != '/')
				done.len--;
			if (done.len > base)
				done.len--;
			if (done.s)
				done.s[done.len] = '\0';
			p += l;
			continue;
		}
		if (l == 1 && p[0] == '.') {
			p += l;
			continue;
		}
		if (strbuf_putc(&done, '/') < 0 || strbuf_append(&done, p, l) < 0) {
			r = -ENOMEM;
			break;
		}
		p += l;
		if (lstat(done.s, &st) < 0) {
			if (errno != ENOENT) {
				r = -errno;
				break;
			}
			/* The rest does not exist yet: taken as it is. */
			if (*p && strbuf_puts(&done, p) < 0)
				r = -ENOMEM;
			break;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > 40) {
			r = -ELOOP;
			break;
		}
		n = readlink(done.s, target, sizeof(target) - 1);
		if (n < 0) {
			r = -errno;
			break;
		}
		target[n] = '\0';
		done.len = target[0] == '/' ? base : keep;
		done.s[done.len] = '\0';
		if (asprintf(&next, "%s/%s", target, p) < 0) {
			r = -ENOMEM;
			break;
		}
		free(todo);
		todo = p = next;
	}
out:
	free(todo);
	if (r < 0) {
		strbuf_done(&done);
		return r;
	}
	if (done.len == 0 && strbuf_putc(&done, '/') < 0)
		return -ENOMEM;
	/* Collapse what a link target brought in ("a//b", trailing "/"). */
	for (size_t i = 1; i < done.len; i++)
		if (done.s[i] == '/' && (done.s[i - 1] == '/' || i + 1 == done.len)) {
			memmove(done.s + i, done.s + i + 1, done.len - i);
			done.len--;
			i--;
		}
	*ret = strbuf_steal(&done);
	return 0;
}

int
mount_point_make(const char *path, bool as_file)
{
	_cleanup_free_ char *parent = strdup(path);
	char *slash;
	struct stat st;
	int fd, r;

	if (!parent)
		return -ENOMEM;
	if (stat(path, &st) >= 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		r = mkdir_p(parent, 0755);
		if (r < 0)
			return r;
	}
	if (!as_file)
		return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* A path below an O_PATH fd, usable as a mount source. */
static void
fd_path(char *buf, size_t l, int fd, const char *rel)
{
	snprintf(buf, l, "/proc/self/fd/%d%s%s", fd, rel ? "/" : "", strempty(rel));
}

int
mount_fresh_api_fs(const char *path, const char *fstype, const char *data)
{
	_cleanup_strv_free_ char **below = NULL;
	_cleanup_close_ int old = -EBADF;
	struct mnt_table t;
	const struct mnt *top;
	int r = mnt_table_read(&t);

	if (r < 0)
		return r;
	/* The mounts directly on the old instance; theirs come along with MS_REC. */
	top = mnt_table_at(&t, path);
	for (size_t i = 0; top && i < t.n && r >= 0; i++)
		if (t.m[i].parent == top->id && !streq(t.m[i].path, path) &&
		    path_under(t.m[i].path, path))
			r = strv_extend_unique(&below, t.m[i].path + strlen(path) +
							      !streq(path, "/"));
	mnt_table_done(&t);
	if (r < 0)
		return r;
	old = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old < 0)
		return -errno;
	if (mount(fstype, path, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
		return -errno;
	STRV_FOREACH(rel, below) {
		char src[PATH_MAX], dst[PATH_MAX];

		fd_path(src, sizeof(src), old, *rel);
		snprintf(dst, sizeof(dst), "%s/%s", path, *rel);
		if (access(dst, F_OK) < 0)
			continue; /* no place for it in the new instance (ProcSubset=pid) */
		if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -errno;
	}
	return 0;
}

/* Copies the node old/name into dev: the same device node if we may create one, else a
 * bind mount of it. Missing on the host: skipped. */
static int
dev_clone_node(int old, const char *dev, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;
	int r;

	if (fstatat(old, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	snprintf(dst, sizeof(dst), "%s/%s", dev, name);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(old, name, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlink(target, dst) < 0 ? -errno : 0;
	}
	if (S_ISCHR(st.st_mode) && mknod(dst, st.st_mode, st.st_rdev) >= 0) {
		if (chown(dst, st.st_uid, st.st_gid) < 0 || chmod(dst, st.st_mode & 07777) < 0)
			return -errno;
		return 0;
	}
	if (S_ISCHR(st.st_mode) && errno != EPERM)
		return -errno;
	/* No CAP_MKNOD (a container), or a socket (/dev/log): bind the host's node. */
	r = mount_point_make(dst, true);
	if (r < 0)
		return r;
	fd_path(src, sizeof(src), old, name);
	return mount(src, dst, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* Binds the directory old/name (with what is mounted below it) into dev, if it exists. */
static int
dev_bind_dir(int old, const char *dev, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;

	if (fstatat(old, name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(dst, sizeof(dst), "%s/%s", dev, name);
	if (mkdir(dst, st.st_mode & 07777) < 0 && errno != EEXIST)
		return -errno;
	fd_path(src, sizeof(src), old, name);
	return mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

int
mount_private_dev(const char *dev, const char **failed)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty",
					     "ptmx", "log" };
	static const char *const dirs[] = { "pts", "shm", "mqueue", "hugepages" };
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	_cleanup_close_ int old = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char dst[PATH_MAX];
	int r;

	*failed = "/dev";
	if (old < 0)
		return -errno;
	*failed = dev;
	r = mount_point_make(dev, false);
	if (r < 0)
		return r;
	/* Not nodev: the device nodes are created in it. Read-only once set up. */
	if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME,
		  "mode=0755,size=4m") < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		*failed = nodes[i];
		r = dev_clone_node(old, dev, nodes[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		*failed = dirs[i];
		r = dev_bind_dir(old, dev, dirs[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		*failed = links[i][0];
		snprintf(dst, sizeof(dst), "%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], dst) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned long set, clear;
} tmpfs_flags[] = {
	{ "ro", MS_RDONLY, 0 },          { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },      { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },        { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },      { "exec", 0, MS_NOEXEC },
	{ "strictatime", MS_STRICTATIME, MS_NOATIME | MS_RELATIME },
	{ "nostrictatime", 0, MS_STRICTATIME },
	{ "relatime", MS_RELATIME, MS_NOATIME | MS_STRICTATIME },
	{ "norelatime", 0, MS_RELATIME },
	{ "noatime", MS_NOATIME, MS_RELATIME | MS_STRICTATIME },
	{ "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", 0, MS_NODIRATIME },
	{ "sync", MS_SYNCHRONOUS, 0 },   { "async", 0, MS_SYNCHRONOUS },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0 },
};

/* Splits "a,b,k=v" into mount flags and the rest (appended to *data). */
static int
tmpfs_options(const char *opts, unsigned long *flags, struct strbuf *data)
{
	for (const char *p = opts; p && *p; p += *p == ',') {
		size_t l = strcspn(p, ",");
		bool is_flag = false;

		for (size_t i = 0; i < ELEMENTSOF(tmpfs_flags); i++)
			if (strlen(tmpfs_flags[i].name) == l && strneq(p, tmpfs_flags[i].name, l)) {
				*flags = (*flags & ~tmpfs_flags[i].clear) | tmpfs_flags[i].set;
				is_flag = true;
			}
		if (!is_flag && l > 0 &&
		    ((data->len > 0 && strbuf_putc(data, ',') < 0) ||
		     strbuf_append(data, p, l) < 0))
			return -ENOMEM;
		p += l;
	}
	return 0;
}

int
mount_tmpfs(const char *path, const char *defaults, const char *options)
{
	struct strbuf data = { 0 };
	unsigned long flags = 0;
	int r = tmpfs_options(defaults, &flags, &data);

	if (r >= 0)
		r = tmpfs_options(options, &flags, &data);
	/* Read-only comes later, once what is nested below has its mount point. */
	if (r >= 0 && mount("tmpfs", path, "tmpfs", flags & ~MS_RDONLY, data.s) < 0)
		r = -errno;
	strbuf_done(&data);
	return r;
}

/* Where the empty file of mode 0000 lives while it is bound over inaccessible files. The
 * staging tmpfs is mounted in the child's own namespace only; the directory stays. */
#define STAGING "/run/ember-inaccessible"

int
mount_inaccessible_prepare(int staging[2])
{
	struct stat st;
	int fd;

	if (mkdir(STAGING, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(STAGING, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (mount("tmpfs", STAGING, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=4k") <
	    0)
		return -errno;
	staging[0] = open(STAGING, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (staging[0] < 0)
		return -errno;
	fd = open(STAGING "/file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0000);
	if (fd < 0)
		return -errno;
	close(fd);
	if (remount(STAGING, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
		return -errno;
	staging[1] = open(STAGING "/file", O_PATH | O_CLOEXEC);
	return staging[1] < 0 ? -errno : 0;
}

int
mount_inaccessible(const char *path, int staging[2])
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char src[PATH_MAX];
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return mount("tmpfs", path, "tmpfs", ro, "mode=0000,size=4k") < 0 ? -errno : 0;
	if (staging[1] < 0) {
		r = mount_inaccessible_prepare(staging);
		if (r < 0)
			return r;
	}
	fd_path(src, sizeof(src), staging[1], NULL);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return remount(path, ro);
}

void
mount_inaccessible_done(int staging[2])
{
	char p[PATH_MAX];

	if (staging[0] >= 0) {
		/* Through the fd: the path may be covered by another mount by now. */
		fd_path(p, sizeof(p), staging[0], NULL);
		(void)umount2(p, MNT_DETACH);
	}
	staging[0] = safe_close(staging[0]);
	staging[1] = safe_close(staging[1]);
}
