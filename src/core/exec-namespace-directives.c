/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing the mount namespace and isolation directives (exec-namespace.h). Values are only
 * checked for form here; whether a path exists is the child's business at spawn. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec-namespace.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static const char *const protect_system_names[_PROTECT_SYSTEM_MAX] = {
	[PROTECT_SYSTEM_NO] = "no",
	[PROTECT_SYSTEM_YES] = "yes",
	[PROTECT_SYSTEM_FULL] = "full",
	[PROTECT_SYSTEM_STRICT] = "strict",
};

static const char *const protect_home_names[_PROTECT_HOME_MAX] = {
	[PROTECT_HOME_NO] = "no",
	[PROTECT_HOME_YES] = "yes",
	[PROTECT_HOME_READ_ONLY] = "read-only",
	[PROTECT_HOME_TMPFS] = "tmpfs",
};

static const char *const protect_proc_names[_PROTECT_PROC_MAX] = {
	[PROTECT_PROC_DEFAULT] = "default",
	[PROTECT_PROC_NOACCESS] = "noaccess",
	[PROTECT_PROC_INVISIBLE] = "invisible",
	[PROTECT_PROC_PTRACEABLE] = "ptraceable",
};

static const char *const proc_subset_names[_PROC_SUBSET_MAX] = {
	[PROC_SUBSET_ALL] = "all",
	[PROC_SUBSET_PID] = "pid",
};

static const char *const mount_propagation_names[_MOUNT_PROPAGATION_MAX] = {
	[MOUNT_PROPAGATION_UNSET] = "",
	[MOUNT_PROPAGATION_SHARED] = "shared",
	[MOUNT_PROPAGATION_SLAVE] = "slave",
	[MOUNT_PROPAGATION_PRIVATE] = "private",
};

const char *
protect_system_to_string(enum protect_system p)
{
	return (unsigned)p < _PROTECT_SYSTEM_MAX ? protect_system_names[p] : NULL;
}

const char *
protect_home_to_string(enum protect_home p)
{
	return (unsigned)p < _PROTECT_HOME_MAX ? protect_home_names[p] : NULL;
}

const char *
protect_proc_to_string(enum protect_proc p)
{
	return (unsigned)p < _PROTECT_PROC_MAX ? protect_proc_names[p] : NULL;
}

void
exec_namespace_init(struct exec_namespace *n)
{
	*n = (struct exec_namespace) { .private_mounts = -1 };
}

static void
binds_free(struct exec_namespace *n)
{
	for (size_t i = 0; i < n->n_binds; i++) {
		free(n->binds[i].source);
		free(n->binds[i].destination);
	}
	n->binds = mfree(n->binds);
	n->n_binds = 0;
}

static void
tmpfs_free(struct exec_namespace *n)
{
	for (size_t i = 0; i < n->n_tmpfs; i++) {
		free(n->tmpfs[i].path);
		free(n->tmpfs[i].options);
	}
	n->tmpfs = mfree(n->tmpfs);
	n->n_tmpfs = 0;
}

void
exec_namespace_done(struct exec_namespace *n)
{
	n->read_write_paths = strv_free(n->read_write_paths);
	n->read_only_paths = strv_free(n->read_only_paths);
	n->inaccessible_paths = strv_free(n->inaccessible_paths);
	binds_free(n);
	tmpfs_free(n);
}

bool
exec_namespace_needs_mounts(const struct exec_namespace *n)
{
	/* PrivateNetwork= implies PrivateMounts= (to remount /sys) unless it is set to no. */
	if (n->private_mounts > 0 || (n->private_network && n->private_mounts != 0))
		return true;
	return n->private_tmp || n->private_devices || n->protect_system != PROTECT_SYSTEM_NO ||
	       n->protect_home != PROTECT_HOME_NO || n->read_write_paths || n->read_only_paths ||
	       n->inaccessible_paths || n->n_binds > 0 || n->n_tmpfs > 0 ||
	       n->protect_kernel_tunables || n->protect_kernel_modules || n->protect_kernel_logs ||
	       n->protect_control_groups || n->protect_hostname ||
	       n->protect_proc != PROTECT_PROC_DEFAULT || n->proc_subset != PROC_SUBSET_ALL ||
	       n->mount_propagation != MOUNT_PROPAGATION_UNSET;
}

/* An absolute path without "." or ".." components; repeated and trailing slashes are
 * dropped in place. */
static bool
path_normalize(char *p)
{
	char *w = p;
	const char *r = p;

	if (p[0] != '/')
		return false;
	while (*r) {
		size_t l;

		r += strspn(r, "/");
		l = strcspn(r, "/");
		if (l == 0)
			break;
		if ((l == 1 && r[0] == '.') || (l == 2 && r[0] == '.' && r[1] == '.'))
			return false;
		*w++ = '/';
		memmove(w, r, l);
		w += l;
		r += l;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
	return true;
}

/* The next word of v, unquoted and with specifiers expanded. 1 with *ret (NULL for a word
 * with a bad specifier: logged, to be skipped), 0 at the end, -EINVAL on bad quoting
 * (logged; the rest of the value is ignored), -ENOMEM. */
static int
next_word(const struct parse_ctx *c, const char **p, char **ret)
{
	_cleanup_free_ char *w = NULL;
	int r = extract_word(p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);

	*ret = NULL;
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad quoting in %s=, ignoring.", c->key);
		return -EINVAL;
	}
	if (r == 0)
		return 0;
	r = directive_expand(c, w, ret);
	return r == -ENOMEM ? r : 1;
}

/* ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths= (and the old *Directories= names):
 * "[-][+]/path" words; a bad one is warned about and skipped. Empty resets. */
int
parse_ns_paths(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char ***l = data;

	if (isempty(v)) {
		*l = strv_free(*l);
		return 0;
	}
	for (const char *p = v;;) {
		char *w = NULL, *path;
		int r = next_word(c, &p, &w);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (!w)
			continue;
		path = w;
		if (*path == '-')
			path++;
		if (*path == '+')
			path++;
		if (!path_normalize(path)) {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "%s= path must be absolute without \".\" or \"..\", ignoring: %s",
				   c->key, w);
			free(w);
			continue;
		}
		r = strv_consume(l, w);
		if (r < 0)
			return r;
	}
}

/* One bind definition; -EINVAL is logged. */
static int
bind_parse(const struct parse_ctx *c, char *w, bool read_only, struct exec_bind *b)
{
	char *src = w, *dst, *opts = NULL;

	*b = (struct exec_bind) { .read_only = read_only, .recursive = true };
	if (*src == '-') {
		b->ignore_missing = true;
		src++;
	}
	dst = strchr(src, ':');
	if (dst) {
		*dst++ = '\0';
		opts = strchr(dst, ':');
		if (opts)
			*opts++ = '\0';
	}
	if (opts) {
		if (streq(opts, "norbind"))
			b->recursive = false;
		else if (!streq(opts, "rbind") && !isempty(opts))
			goto bad;
	}
	if (!path_normalize(src) || (dst && !path_normalize(dst)))
		goto bad;
	b->source = strdup(src);
	b->destination = strdup(dst ? dst : src);
	if (!b->source || !b->destination) {
		free(b->source);
		free(b->destination);
		return -ENOMEM;
	}
	return 0;
bad:
	log_syntax(c->file, c->line, LOG_WARNING, 0,
		   "Invalid %s= entry (expected [-]SOURCE[:DESTINATION[:rbind|norbind]] with "
		   "absolute paths), ignoring.", c->key);
	return -EINVAL;
}

/* BindPaths= (arg 0), BindReadOnlyPaths= (arg 1). Empty resets both lists, as systemd. */
int
parse_ns_binds(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_namespace *n = data;

	if (isempty(v)) {
		binds_free(n);
		return 0;
	}
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL;
		struct exec_bind b, *grown;
		int r = next_word(c, &p, &w);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (!w)
			continue;
		r = bind_parse(c, w, arg, &b);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		if (n->n_binds == UINT16_MAX ||
		    !(grown = realloc(n->binds, (n->n_binds + 1u) * sizeof(*grown)))) {
			free(b.source);
			free(b.destination);
			return -ENOMEM;
		}
		n->binds = grown;
		n->binds[n->n_binds++] = b;
	}
}

/* TemporaryFileSystem=: "PATH[:OPTIONS]" words. Empty resets. */
int
parse_ns_tmpfs(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_namespace *n = data;

	if (isempty(v)) {
		tmpfs_free(n);
		return 0;
	}
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL;
		struct exec_tmpfs t = { 0 }, *grown;
		char *opts;
		int r = next_word(c, &p, &w);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (!w)
			continue;
		opts = strchr(w, ':');
		if (opts)
			*opts++ = '\0';
		if (!path_normalize(w)) {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "%s= path must be absolute without \".\" or \"..\", ignoring: %s",
				   c->key, w);
			continue;
		}
		t.path = strdup(w);
		t.options = isempty(opts) ? NULL : strdup(opts);
		if (!t.path || (!isempty(opts) && !t.options) || n->n_tmpfs == UINT16_MAX ||
		    !(grown = realloc(n->tmpfs, (n->n_tmpfs + 1u) * sizeof(*grown)))) {
			free(t.path);
			free(t.options);
			return -ENOMEM;
		}
		n->tmpfs = grown;
		n->tmpfs[n->n_tmpfs++] = t;
	}
}

/* A boolean or one of names[]: yes maps to yes_value, no to 0. */
static int
parse_enum_or_bool(const struct parse_ctx *c, const char *v, const char *const *names,
		   size_t n_names, int yes_value, uint8_t *ret)
{
	int b;

	for (size_t i = 0; i < n_names; i++)
		if (names[i] && names[i][0] && streq(v, names[i])) {
			*ret = (uint8_t)i;
			return 0;
		}
	b = yes_value >= 0 ? parse_boolean(v) : -EINVAL;
	if (b >= 0) {
		*ret = (uint8_t)(b ? yes_value : 0);
		return 0;
	}
	log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

int
parse_protect_system(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_enum_or_bool(c, v, protect_system_names, _PROTECT_SYSTEM_MAX,
				  PROTECT_SYSTEM_YES, data);
}

int
parse_protect_home(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_enum_or_bool(c, v, protect_home_names, _PROTECT_HOME_MAX, PROTECT_HOME_YES,
				  data);
}

int
parse_protect_proc(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_enum_or_bool(c, v, protect_proc_names, _PROTECT_PROC_MAX, -1, data);
}

int
parse_proc_subset(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_enum_or_bool(c, v, proc_subset_names, _PROC_SUBSET_MAX, -1, data);
}

int
parse_mount_flags(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	if (isempty(v)) {
		*(uint8_t *)data = MOUNT_PROPAGATION_UNSET;
		return 0;
	}
	return parse_enum_or_bool(c, v, mount_propagation_names, _MOUNT_PROPAGATION_MAX, -1,
				  data);
}
