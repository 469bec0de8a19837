/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The child's "directories" step: creates RuntimeDirectory=, StateDirectory=,
 * CacheDirectory=, LogsDirectory= and ConfigurationDirectory= below their roots, with
 * their mode and owned by User=/Group=, while the child still has the manager's
 * credentials (User= was looked up by step user). Also the *_DIRECTORY variables, which
 * step environment adds before the command line is expanded. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exec-directories.h"
#include "core/exec-sandbox.h"
#include "core/spawn-internal.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* Sets "NAME=value" (taking kv), replacing an earlier NAME. */
static void
env_replace(struct child *ch, char *kv)
{
	size_t l;

	if (!kv)
		child_oom(ch, EXEC_STEP_ENVIRONMENT);
	l = strcspn(kv, "=") + 1;
	for (char **e = ch->env; e && *e; e++)
		if (strneq(*e, kv, l)) {
			free(*e);
			*e = kv;
			return;
		}
	if (strv_consume(&ch->env, kv) < 0)
		child_oom(ch, EXEC_STEP_ENVIRONMENT);
}

void
child_directories_env(struct child *ch)
{
	for (int t = 0; t < _EXEC_DIRECTORY_MAX; t++) {
		char **paths = NULL, *joined = NULL, *kv;
		int r;

		/* Freed before anything can fail: the child's heap may be the manager's. */
		r = exec_directories_paths_of(ch->ctx, t, ch->params->user_manager, &paths);
		if (r >= 0 && paths) {
			joined = strv_join(paths, ":");
			r = joined ? 0 : -ENOMEM;
		}
		strv_free(paths);
		if (r == -ENOMEM)
			child_oom(ch, EXEC_STEP_ENVIRONMENT);
		if (!joined)
			continue; /* no root: step directories fails and says why */
		kv = strjoin(exec_directory_env_name(t), "=", joined);
		free(joined);
		env_replace(ch, kv);
	}
}

struct owner {
	uid_t uid;
	gid_t gid;
};

/* (uid_t)-1 / (gid_t)-1 in owner: that part stays as it is. */
static bool
owner_differs(const struct stat *st, const struct owner *o)
{
	return (o->uid != (uid_t)-1 && st->st_uid != o->uid) ||
	       (o->gid != (gid_t)-1 && st->st_gid != o->gid);
}

static int
chown_entry(int dfd, const char *name, const struct stat *st, void *userdata)
{
	const struct owner *o = userdata;

	if (!owner_differs(st, o))
		return 0;
	return fchownat(dfd, name, o->uid, o->gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

_noreturn_ static void
fail_at(struct child *ch, const char *path, const char *component, int error)
{
	if (streq(path, component))
		child_fail(ch, EXEC_STEP_DIRECTORIES, error, "%s", path);
	child_fail(ch, EXEC_STEP_DIRECTORIES, error, "%s (at %s)", path, component);
}

/* Opens (creating it if missing) the directory path, component by component from "/";
 * existing components may be symbolic links (an admin's /var/lib/foo -> /srv/foo). New
 * parents get 0755, the last component mode. Returns the fd of the last component, or
 * fails the step naming the component that could not be made. */
static int
open_or_make(struct child *ch, const char *path, mode_t mode, bool *created)
{
	char *prefix = NULL, *p;
	int fd;

	child_hold(ch, EXEC_STEP_DIRECTORIES, &prefix, child_hold_free);
	prefix = strdup(path);
	if (!prefix)
		child_oom(ch, EXEC_STEP_DIRECTORIES);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		child_fail(ch, EXEC_STEP_DIRECTORIES, errno, "/");
	*created = false;
	for (p = prefix + strspn(prefix, "/"); *p; p += strspn(p, "/")) {
		size_t l = strcspn(p, "/");
		bool last = p[l + strspn(p + l, "/")] == '\0';
		int flags = O_DIRECTORY | O_CLOEXEC | (last ? O_RDONLY : O_PATH);
		char saved = p[l];
		int next;

		p[l] = '\0';
		next = openat(fd, p, flags);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, p, last ? mode : 0755) < 0 && errno != EEXIST)
				fail_at(ch, path, prefix, errno);
			*created = last;
			next = openat(fd, p, flags);
		}
		if (next < 0)
			fail_at(ch, path, prefix, errno);
		close(fd);
		fd = next;
		p[l] = saved;
		p += l;
	}
	child_release(ch, &prefix);
	return fd;
}

static void
make_directory(struct child *ch, const char *path, mode_t mode, const struct owner *owner)
{
	struct stat st;
	bool created, chowned = false;
	int fd = open_or_make(ch, path, mode, &created), r;

	if (fstat(fd, &st) < 0)
		child_fail(ch, EXEC_STEP_DIRECTORIES, errno, "%s", path);
	if (owner && owner_differs(&st, owner)) {
		/* A directory handed over from another owner: what is in it goes along. */
		if (!created) {
			r = exec_directories_walk(fd, st.st_dev, chown_entry, (void *)owner);
			if (r < 0)
				child_fail(ch, EXEC_STEP_DIRECTORIES, -r, "changing the owner below %s",
					   path);
		}
		if (fchown(fd, owner->uid, owner->gid) < 0)
			child_fail(ch, EXEC_STEP_DIRECTORIES, errno, "changing the owner of %s to %d:%d",
				   path, (int)owner->uid, (int)owner->gid);
		chowned = true;
	}
	/* After the chown, which may clear the set-group-ID bit. */
	if ((st.st_mode & 07777) != mode || chowned)
		if (fchmod(fd, mode) < 0)
			child_fail(ch, EXEC_STEP_DIRECTORIES, errno, "changing the mode of %s to %04o",
				   path, (unsigned)mode);
	close(fd);
}

void
step_directories(struct child *ch)
{
	const struct exec_directories *d;
	struct owner owner = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	bool chown_wanted = ch->has_uid || ch->has_gid;

	if (!ch->ctx->sandbox)
		return;
	d = &ch->ctx->sandbox->directories;
	if (ch->has_uid)
		owner.uid = ch->uid;
	if (ch->has_gid)
		owner.gid = ch->gid;
	for (int t = 0; t < _EXEC_DIRECTORY_MAX; t++) {
		char **paths = NULL;
		int r;

		if (!d->paths[t])
			continue;
		child_hold(ch, EXEC_STEP_DIRECTORIES, &paths, child_hold_strv_free);
		r = exec_directories_paths_of(ch->ctx, t, ch->params->user_manager, &paths);
		if (r == -ENXIO)
			child_fail(ch, EXEC_STEP_DIRECTORIES, 0, "%s=: %s is not set",
				   exec_directory_type_to_string(t),
				   t == EXEC_DIRECTORY_RUNTIME ? "$XDG_RUNTIME_DIR" : "$HOME");
		if (r < 0)
			child_oom(ch, EXEC_STEP_DIRECTORIES);
		/* ConfigurationDirectory= stays with root, as systemd.exec(5) has it. */
		STRV_FOREACH(p, paths)
			make_directory(ch, *p, d->mode[t],
				       chown_wanted && t != EXEC_DIRECTORY_CONFIGURATION ? &owner :
											  NULL);
		child_release(ch, &paths);
	}
}
