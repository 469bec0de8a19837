/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RuntimeDirectory= and friends: parsing, where each kind lives, and removing the runtime
 * ones when the service stops. Creating them is the child's job (spawn-directories.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/exec.h"
#include "core/exec-directories.h"
#include "core/exec-sandbox.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static const char *const type_names[_EXEC_DIRECTORY_MAX] = {
	[EXEC_DIRECTORY_RUNTIME] = "RuntimeDirectory",
	[EXEC_DIRECTORY_STATE] = "StateDirectory",
	[EXEC_DIRECTORY_CACHE] = "CacheDirectory",
	[EXEC_DIRECTORY_LOGS] = "LogsDirectory",
	[EXEC_DIRECTORY_CONFIGURATION] = "ConfigurationDirectory",
};

static const char *const env_names[_EXEC_DIRECTORY_MAX] = {
	[EXEC_DIRECTORY_RUNTIME] = "RUNTIME_DIRECTORY",
	[EXEC_DIRECTORY_STATE] = "STATE_DIRECTORY",
	[EXEC_DIRECTORY_CACHE] = "CACHE_DIRECTORY",
	[EXEC_DIRECTORY_LOGS] = "LOGS_DIRECTORY",
	[EXEC_DIRECTORY_CONFIGURATION] = "CONFIGURATION_DIRECTORY",
};

static const char *const system_roots[_EXEC_DIRECTORY_MAX] = {
	[EXEC_DIRECTORY_RUNTIME] = "/run",
	[EXEC_DIRECTORY_STATE] = "/var/lib",
	[EXEC_DIRECTORY_CACHE] = "/var/cache",
	[EXEC_DIRECTORY_LOGS] = "/var/log",
	[EXEC_DIRECTORY_CONFIGURATION] = "/etc",
};

void
exec_directories_init(struct exec_directories *d)
{
	*d = (struct exec_directories) { .runtime_preserve = EXEC_PRESERVE_NO };
	for (size_t t = 0; t < _EXEC_DIRECTORY_MAX; t++)
		d->mode[t] = 0755;
}

void
exec_directories_done(struct exec_directories *d)
{
	for (size_t t = 0; t < _EXEC_DIRECTORY_MAX; t++)
		d->paths[t] = strv_free(d->paths[t]);
}

const char *
exec_directory_type_to_string(enum exec_directory_type t)
{
	return (unsigned)t < _EXEC_DIRECTORY_MAX ? type_names[t] : NULL;
}

const char *
exec_directory_env_name(enum exec_directory_type t)
{
	return (unsigned)t < _EXEC_DIRECTORY_MAX ? env_names[t] : NULL;
}

/* One entry: relative, no "." or ".." component; repeated and trailing slashes are
 * dropped. Returns 0 with *ret, -EINVAL (with *why), -ENOMEM. */
static int
directory_normalize(const char *s, char **ret, const char **why)
{
	struct strbuf b = { 0 };
	const char *p = s;

	if (isempty(s) || s[0] == '/') {
		*why = "must be a relative path";
		return -EINVAL;
	}
	if (strchr(s, ':')) {
		*why = "the source:destination (symlink) form is not supported";
		return -EINVAL;
	}
	while (*p) {
		size_t l = strcspn(p, "/");

		if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.')) {
			strbuf_done(&b);
			*why = "must not contain \".\" or \"..\"";
			return -EINVAL;
		}
		if (l > 0 && ((b.len > 0 && strbuf_putc(&b, '/') < 0) ||
			      strbuf_append(&b, p, l) < 0)) {
			strbuf_done(&b);
			return -ENOMEM;
		}
		p += l;
		p += strspn(p, "/");
	}
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/* RuntimeDirectory= and friends: words, specifiers expanded; a bad word is skipped with a
 * warning, the others still count. An empty value resets the list. */
int
parse_exec_directories(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char ***l = data;
	int ret = 0;

	if (isempty(v)) {
		*l = strv_free(*l);
		return 0;
	}
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL, *e = NULL, *n = NULL;
		const char *why = NULL;
		int r = extract_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);

		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad quoting in %s=, ignoring.",
				   c->key);
			return -EINVAL;
		}
		if (r == 0)
			return ret;
		r = directive_expand(c, w, &e);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			ret = r;
			continue;
		}
		r = directory_normalize(e, &n, &why);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_syntax(c->file, c->line, LOG_WARNING, 0, "%s=%s %s, ignoring.", c->key, e,
				   why);
			ret = r;
			continue;
		}
		if (strv_extend_unique(l, n) < 0)
			return -ENOMEM;
	}
}

int
parse_exec_preserve(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int b = parse_boolean(v);

	if (streq(v, "restart")) {
		*(uint8_t *)data = EXEC_PRESERVE_RESTART;
		return 0;
	}
	if (b < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0,
			   "Failed to parse %s=%s (yes, no or restart), ignoring.", c->key, v);
		return -EINVAL;
	}
	*(uint8_t *)data = b ? EXEC_PRESERVE_YES : EXEC_PRESERVE_NO;
	return 0;
}

/* An absolute $NAME of the manager's environment, else NULL (the XDG spec says a relative
 * one is to be ignored). */
static const char *
absolute_env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

int
exec_directory_root(enum exec_directory_type t, bool user_manager, char **ret)
{
	static const char *const xdg[_EXEC_DIRECTORY_MAX] = {
		[EXEC_DIRECTORY_RUNTIME] = "XDG_RUNTIME_DIR",
		[EXEC_DIRECTORY_STATE] = "XDG_STATE_HOME",
		[EXEC_DIRECTORY_CACHE] = "XDG_CACHE_HOME",
		[EXEC_DIRECTORY_LOGS] = "XDG_STATE_HOME",
		[EXEC_DIRECTORY_CONFIGURATION] = "XDG_CONFIG_HOME",
	};
	static const char *const below_home[_EXEC_DIRECTORY_MAX] = {
		[EXEC_DIRECTORY_STATE] = "/.local/state",
		[EXEC_DIRECTORY_CACHE] = "/.cache",
		[EXEC_DIRECTORY_LOGS] = "/.local/state",
		[EXEC_DIRECTORY_CONFIGURATION] = "/.config",
	};
	const char *suffix = t == EXEC_DIRECTORY_LOGS ? "/log" : "";
	const char *v, *home;

	if ((unsigned)t >= _EXEC_DIRECTORY_MAX)
		return -EINVAL;
	if (!user_manager)
		return (*ret = strdup(system_roots[t])) ? 0 : -ENOMEM;
	if ((v = absolute_env(xdg[t])))
		return (*ret = strjoin(v, suffix)) ? 0 : -ENOMEM;
	/* $XDG_RUNTIME_DIR has no default: it must be a private tmpfs directory. */
	if (t == EXEC_DIRECTORY_RUNTIME || !(home = absolute_env("HOME")))
		return -ENXIO;
	return (*ret = strjoin(home, below_home[t], suffix)) ? 0 : -ENOMEM;
}

int
exec_directories_paths_of(const struct exec_context *c, enum exec_directory_type t,
			  bool user_manager, char ***ret)
{
	_cleanup_free_ char *root = NULL;
	char *const *rel;
	int r;

	if (!c->sandbox || (unsigned)t >= _EXEC_DIRECTORY_MAX)
		return 0;
	rel = c->sandbox->directories.paths[t];
	if (!rel)
		return 0;
	r = exec_directory_root(t, user_manager, &root);
	if (r < 0)
		return r;
	STRV_FOREACH(p, rel) {
		bool slash = endswith(root, "/");

		if (strv_consume(ret, strjoin(root, slash ? "" : "/", *p)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
exec_directories_paths(const struct exec_context *c, bool user_manager, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;

	for (int t = 0; t < _EXEC_DIRECTORY_MAX; t++) {
		int r = exec_directories_paths_of(c, t, user_manager, &l);

		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(l);
	return (int)strv_length(*ret);
}

static void
keep_first(int *r, int e)
{
	if (*r == 0 && e < 0)
		*r = e;
}

/* The mount a directory fd is on: its mount id where statx() reports one (5.8), so that a
 * bind mount from the same file system is seen too; else only the device. */
struct walk_origin {
	dev_t dev;
	uint64_t mnt_id;
	bool has_mnt_id;
};

static void
walk_origin_of(int fd, const struct stat *st, struct walk_origin *o)
{
	*o = (struct walk_origin) { .dev = st->st_dev };
#ifdef STATX_MNT_ID
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) >= 0 && (sx.stx_mask & STATX_MNT_ID)) {
		o->mnt_id = sx.stx_mnt_id;
		o->has_mnt_id = true;
	}
#endif
}

static bool
walk_same_mount(int fd, const struct stat *st, const struct walk_origin *o)
{
	struct walk_origin here;

	if (st->st_dev != o->dev)
		return false;
	if (!o->has_mnt_id)
		return true;
	walk_origin_of(fd, st, &here);
	return !here.has_mnt_id || here.mnt_id == o->mnt_id;
}

/* Takes fd (one per level of depth is open at a time). */
static int
walk(int fd, const struct walk_origin *o, exec_directories_walk_fn fn, void *userdata)
{
	struct dirent *de;
	int r = 0;
	DIR *d;

	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		struct stat st;
		int sub;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			keep_first(&r, errno == ENOENT ? 0 : -errno);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != o->dev)
				continue; /* a mount point: not ours to touch */
			sub = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				keep_first(&r, errno == ENOENT ? 0 : -errno);
				continue;
			}
			if (!walk_same_mount(sub, &st, o)) {
				close(sub);
				continue;
			}
			keep_first(&r, walk(sub, o, fn, userdata));
		}
		keep_first(&r, fn(dirfd(d), de->d_name, &st, userdata));
	}
	keep_first(&r, -errno);
	closedir(d);
	return r;
}

int
exec_directories_walk(int dfd, dev_t dev, exec_directories_walk_fn fn, void *userdata)
{
	struct walk_origin o;
	struct stat st;
	int fd;

	if (fstat(dfd, &st) < 0)
		return -errno;
	walk_origin_of(dfd, &st, &o);
	o.dev = dev;
	/* fdopendir() owns its fd and moves its offset: give it a fresh open of dfd. */
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return walk(fd, &o, fn, userdata);
}

static int
remove_entry(int dfd, const char *name, const struct stat *st, void *userdata)
{
	if (unlinkat(dfd, name, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Removes path and everything below it on the same mount; a symbolic link is removed, not
 * followed. */
static int
remove_tree(const char *path)
{
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -errno;
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = exec_directories_walk(fd, st.st_dev, remove_entry, NULL);
	close(fd);
	if (rmdir(path) < 0 && errno != ENOENT)
		keep_first(&r, -errno);
	return r;
}

_noreturn_ static void
removal_child(char **paths)
{
	sigset_t none;
	int failed = 0;

	/* Killable again (the manager blocks what its signalfd reads), and holding none of
	 * the manager's fds: a log pipe kept open here would delay a service's EOF. */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (syscall(SYS_close_range, 3U, ~0U, 0) < 0) {
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	}
	log_reopen();
	STRV_FOREACH(p, paths) {
		int r = remove_tree(*p);

		if (r < 0) {
			log_warning_errno(r, "Failed to remove runtime directory %s: %m", *p);
			failed = 1;
		}
	}
	_exit(failed);
}

/* Renames path to a hidden name in its own directory, so that a start that follows at once
 * creates a fresh directory the removal cannot touch. Appends what is to be removed to
 * *doomed: the new name, or path itself if it cannot be moved (it is then removed in
 * place), nothing if it does not exist. 0 or -ENOMEM. */
static int
move_aside(const char *path, unsigned long serial, char ***doomed)
{
	const char *base = strrchr(path, '/') + 1;
	char *aside;

	if (asprintf(&aside, "%.*s.#%s.removing-%d-%lu", (int)(base - path), path, base,
		     (int)getpid(), serial) < 0)
		return -ENOMEM;
	if (rename(path, aside) >= 0)
		return strv_consume(doomed, aside);
	free(aside);
	if (errno == ENOENT || errno == ENOTDIR) /* never made (e.g. its parent is a file) */
		return 0;
	return strv_extend(doomed, path);
}

void
exec_directories_runtime_stopped(struct unit *u, const struct exec_context *c, bool restarting)
{
	static unsigned long serial;
	const struct exec_directories *d = c->sandbox ? &c->sandbox->directories : NULL;
	_cleanup_strv_free_ char **paths = NULL, **doomed = NULL;
	pid_t pid;
	int r;

	/* A manual restart counts as one too. */
	restarting = restarting || (u->job && u->job->type == JOB_RESTART);
	if (!d || !d->paths[EXEC_DIRECTORY_RUNTIME] ||
	    d->runtime_preserve == EXEC_PRESERVE_YES ||
	    (d->runtime_preserve == EXEC_PRESERVE_RESTART && restarting))
		return;
	r = exec_directories_paths_of(c, EXEC_DIRECTORY_RUNTIME,
				      u->manager->scope == SCOPE_USER, &paths);
	if (r < 0) {
		if (r == -ENXIO)
			log_unit_warning(u, "Not removing RuntimeDirectory=: $XDG_RUNTIME_DIR is not set.");
		else
			log_unit_warning_errno(u, r, "Not removing RuntimeDirectory=: %m");
		return;
	}
	STRV_FOREACH(p, paths)
		if (move_aside(*p, serial++, &doomed) < 0) {
			log_oom();
			return;
		}
	if (!doomed)
		return;
	pid = fork();
	if (pid < 0) {
		log_unit_warning_errno(u, errno, "Cannot fork to remove RuntimeDirectory=: %m");
		return;
	}
	if (pid == 0)
		removal_child(doomed);
	log_unit_debug(u, "Removing RuntimeDirectory= in process %d.", (int)pid);
}
