/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Enable, disable, mask and the unit file states: everything here is symlinks in the unit
 * directories, derived from the [Install] section of unit files.
 *
 * Terms used below:
 *   entry  the first directory entry the search finds for a name; maybe a symlink.
 *   path   the unit file behind it, with every symlink followed. An entry whose path has
 *          another name is an alias; one with the same name, a linked unit; one pointing
 *          at /dev/null, a mask.
 *   dependency dir   X.wants/, X.requires/, X.upholds/: links there are named for the unit
 *          they pull in, whatever they point at. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "macro.h"
#include "specifier.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/unit-file.h"

/* Symlink chains longer than this are treated as loops. */
#define LINK_HOPS_MAX 32

static const char *const dependency_suffixes[] = { ".wants", ".requires", ".upholds" };

/* What one unit file offers for installation, as written ([Install] values unexpanded). */
struct install_info {
	char *name;             /* what is installed: foo.service, foo@bar.service, foo@.service */
	char *entry;            /* the search result, see the top of this file */
	char *path;             /* the unit file, symlinks followed */
	char *link;             /* an absolute path outside the search path: link it first */
	bool is_alias;          /* the name asked for is an alias of name */
	char **wanted_by;
	char **required_by;
	char **upheld_by;
	char **aliases;
	char **also;
	char *default_instance;
};

static void
install_info_done(struct install_info *i)
{
	free(i->name);
	free(i->entry);
	free(i->path);
	free(i->link);
	strv_free(i->wanted_by);
	strv_free(i->required_by);
	strv_free(i->upheld_by);
	strv_free(i->aliases);
	strv_free(i->also);
	free(i->default_instance);
	*i = (struct install_info){ 0 };
}

static bool
install_info_has_links(const struct install_info *i)
{
	return i->wanted_by || i->required_by || i->upheld_by || i->aliases;
}

static void
set_detail(char **error_detail, const char *s)
{
	if (!error_detail)
		return;
	free(*error_detail);
	*error_detail = s ? strdup(s) : NULL;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static char *
dir_name(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return strdup(".");
	if (s == p)
		return strdup("/");
	return strndup(p, s - p);
}

static char *
path_join(const char *a, const char *b)
{
	return strjoin(a, "/", b);
}

/* Lexically drops ".", ".." and doubled slashes from an absolute path, in place, so that link
 * targets read ".../lib/foo.service" rather than ".../etc/../lib/foo.service". */
static void
path_simplify(char *p)
{
	char *out = p, *in = p;

	if (*p != '/')
		return;
	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		size_t len = strcspn(in, "/");
		if (len == 1 && in[0] == '.') {
			in += len;
			continue;
		}
		if (len == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
			in += len;
			continue;
		}
		*out++ = '/';
		memmove(out, in, len);
		out += len;
		in += len;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

static int
readlink_malloc(const char *p, char **ret)
{
	size_t size = 256;

	for (;;) {
		char *buf = malloc(size);
		ssize_t n;

		if (!buf)
			return -ENOMEM;
		n = readlink(p, buf, size);
		if (n < 0) {
			int r = -errno;
			free(buf);
			return r;
		}
		if ((size_t)n < size) {
			buf[n] = '\0';
			*ret = buf;
			return 0;
		}
		free(buf);
		size *= 2;
	}
}

/* Where a symlink leads, made absolute relative to the link's directory. */
static int
link_target(const char *link, char **ret)
{
	_cleanup_free_ char *t = NULL, *dir = NULL;
	char *abs;
	int r;

	r = readlink_malloc(link, &t);
	if (r < 0)
		return r;
	if (t[0] == '/') {
		path_simplify(t);
		*ret = TAKE_PTR(t);
		return 0;
	}
	dir = dir_name(link);
	abs = dir ? path_join(dir, t) : NULL;
	if (!abs)
		return -ENOMEM;
	path_simplify(abs);
	*ret = abs;
	return 0;
}

/* Follows the symlink chain from p; *ret is the last element, "/dev/null" for a mask.
 * -ENOENT if the chain dangles. */
static int
follow_links(const char *p, char **ret)
{
	_cleanup_free_ char *cur = strdup(p);
	struct stat st;
	int r;

	if (!cur)
		return -ENOMEM;
	for (int hops = 0; hops < LINK_HOPS_MAX; hops++) {
		char *next;

		if (streq(cur, "/dev/null")) {
			*ret = TAKE_PTR(cur);
			return 0;
		}
		if (lstat(cur, &st) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode)) {
			*ret = TAKE_PTR(cur);
			return 0;
		}
		r = link_target(cur, &next);
		if (r < 0)
			return r;
		free(cur);
		cur = next;
	}
	return -ELOOP;
}

static int
mkdir_parents(const char *p)
{
	_cleanup_free_ char *dir = dir_name(p);

	if (!dir)
		return -ENOMEM;
	for (char *s = dir + 1;; s++) {
		bool last = *s == '\0';

		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*s = '/';
	}
}

static int
changes_add(struct install_changes *c, enum install_change_type type, const char *path,
	    const char *source)
{
	struct install_change *items;
	char *p, *s = NULL;

	if (!c)
		return 0;
	p = strdup(path);
	if (source)
		s = strdup(source);
	items = (p && (s || !source)) ? reallocarray(c->items, c->n + 1, sizeof(*items)) : NULL;
	if (!items) {
		free(p);
		free(s);
		return -ENOMEM;
	}
	items[c->n++] = (struct install_change){ .type = type, .path = p, .source = s };
	c->items = items;
	return 0;
}

void
install_changes_free(struct install_changes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].path);
		free(c->items[i].source);
	}
	free(c->items);
	c->items = NULL;
	c->n = 0;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Makes new a symlink to old. An existing link to the same file is left alone (no change
 * recorded); anything else there is -EEXIST unless force, which replaces it atomically so
 * that the name never vanishes in between. */
static int
create_symlink(const char *old, const char *new, bool force, struct install_changes *changes,
	       char **error_detail)
{
	_cleanup_free_ char *cur = NULL, *tmp = NULL;
	struct stat st;
	int r;

	r = mkdir_parents(new);
	if (r < 0)
		goto fail;
	if (symlink(old, new) == 0)
		return changes_add(changes, INSTALL_SYMLINK, new, old);
	if (errno != EEXIST) {
		r = -errno;
		goto fail;
	}
	if (lstat(new, &st) == 0 && S_ISLNK(st.st_mode)) {
		r = readlink_malloc(new, &cur);
		if (r < 0)
			goto fail;
		if (streq(cur, old) || same_file(new, old))
			return 0;
	}
	if (!force) {
		r = -EEXIST;
		goto fail;
	}
	tmp = strjoin(new, ".ember-tmp");
	if (!tmp)
		return -ENOMEM;
	(void)unlink(tmp);
	if (symlink(old, tmp) < 0) {
		r = -errno;
		goto fail;
	}
	if (rename(tmp, new) < 0) {
		r = -errno;
		(void)unlink(tmp);
		goto fail;
	}
	return changes_add(changes, INSTALL_SYMLINK, new, old);
fail:
	set_detail(error_detail, new);
	return r;
}

/* The directories names are looked up in: the search path, plus the config dirs when a
 * hand-made lookup_paths leaves them out, so that what enable writes is what state reads.
 * Config dirs outrank everything else, persistent before runtime, as in the real paths. */
static char **
install_dirs(const struct lookup_paths *lp)
{
	char **l = NULL;
	bool has_persistent = lp->persistent_config &&
			      strv_contains(lp->search, lp->persistent_config);
	bool has_runtime = lp->runtime_config && strv_contains(lp->search, lp->runtime_config);
	int r = 0;

	if (!has_persistent && lp->persistent_config)
		r |= strv_extend_unique(&l, lp->persistent_config);
	if (!has_persistent && !has_runtime && lp->runtime_config)
		r |= strv_extend_unique(&l, lp->runtime_config);
	STRV_FOREACH(d, lp->search) {
		r |= strv_extend_unique(&l, *d);
		if (has_persistent && !has_runtime && lp->runtime_config &&
		    streq(*d, lp->persistent_config))
			r |= strv_extend_unique(&l, lp->runtime_config);
	}
	if (r < 0 || !l)
		return strv_free(l);
	return l;
}

static bool
is_runtime_dir(const struct lookup_paths *lp, const char *d)
{
	return lp->runtime_config && streq(d, lp->runtime_config) &&
	       !(lp->persistent_config && streq(lp->runtime_config, lp->persistent_config));
}

/* Only links in config dirs make a unit enabled: links shipped in vendor dirs (say
 * /lib/systemd/system/sysinit.target.wants/) are part of the vendor's units, and those
 * units stay "static". Besides lp's own config dirs, the ones systemd's tools and distro
 * packages write to (/etc/systemd/system, /run/systemd/system, ~/.config/systemd/user)
 * count too, so that what a package enabled is reported as enabled. */
enum dir_kind { DIR_VENDOR, DIR_PERSISTENT, DIR_RUNTIME };

static bool
is_under_user_config(const char *d)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME"), *rest;

	if (!isempty(xdg))
		return (rest = startswith(d, xdg)) && rest[0] == '/';
	return !isempty(home) && (rest = startswith(d, home)) && startswith(rest, "/.config/");
}

static enum dir_kind
dir_kind(const struct lookup_paths *lp, const char *d)
{
	const char *xdg_runtime = getenv("XDG_RUNTIME_DIR"), *rest;

	if (lp->generator && streq(d, lp->generator))
		return DIR_VENDOR;
	if (is_runtime_dir(lp, d))
		return DIR_RUNTIME;
	if (lp->persistent_config && streq(d, lp->persistent_config))
		return DIR_PERSISTENT;
	if (startswith(d, "/run/") ||
	    (!isempty(xdg_runtime) && (rest = startswith(d, xdg_runtime)) && rest[0] == '/'))
		return DIR_RUNTIME;
	if (startswith(d, "/etc/") || is_under_user_config(d))
		return DIR_PERSISTENT;
	return DIR_VENDOR;
}

static bool
is_dependency_dir(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(dependency_suffixes); i++)
		if (endswith(name, dependency_suffixes[i]))
			return true;
	return false;
}

/* Finds the first entry for name; an instance with no file of its own falls back to its
 * template, searched through every directory only after the instance was. */
static int
entry_find(char **dirs, const char *name, char **ret)
{
	_cleanup_free_ char *tmpl = NULL;
	struct stat st;

	for (int pass = 0; pass < 2; pass++) {
		const char *n = pass == 0 ? name : tmpl;

		STRV_FOREACH(d, dirs) {
			char *p = path_join(*d, n);

			if (!p)
				return -ENOMEM;
			if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
				*ret = p;
				return 0;
			}
			free(p);
		}
		if (pass == 0 && (!unit_name_is_valid(name, UNIT_NAME_INSTANCE) ||
				  unit_name_template(name, &tmpl) < 0))
			break;
	}
	return -ENOENT;
}

/* Finds the unit file of name_or_path and fills in name, entry, path and link of *i. -EINVAL
 * for a bad name, -ENOENT if there is none (i->entry stays NULL) or the chain dangles,
 * -ERFKILL if it is masked. */
static int
install_info_find(char **dirs, const char *name_or_path, struct install_info *i)
{
	_cleanup_free_ char *dir = NULL;
	const char *name = base_name(name_or_path), *found;
	int r;

	if (!unit_name_is_valid(name, UNIT_NAME_ANY))
		return -EINVAL;
	if (name_or_path[0] == '/') {
		i->entry = strdup(name_or_path);
		if (!i->entry)
			return -ENOMEM;
		path_simplify(i->entry);
		dir = dir_name(i->entry);
		if (!dir)
			return -ENOMEM;
		if (!strv_contains(dirs, dir)) {
			i->link = strdup(i->entry);
			if (!i->link)
				return -ENOMEM;
		}
	} else {
		r = entry_find(dirs, name, &i->entry);
		if (r < 0)
			return r;
	}
	r = follow_links(i->entry, &i->path);
	if (r < 0)
		return r;
	if (streq(i->path, "/dev/null"))
		return -ERFKILL;

	/* A name found through a link with another name is an alias: install the real unit,
	 * keeping the instance asked for when the alias points at a template. */
	found = base_name(i->path);
	if (streq(found, base_name(i->entry))) {
		i->name = strdup(name);
		return i->name ? 0 : -ENOMEM;
	}
	i->is_alias = true;
	if (unit_name_is_valid(found, UNIT_NAME_TEMPLATE) &&
	    unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
		_cleanup_free_ char *inst = NULL;

		r = unit_name_to_instance(name, &inst);
		if (r < 0)
			return r;
		return unit_name_replace_instance(found, inst, &i->name);
	}
	i->name = strdup(found);
	return i->name ? 0 : -ENOMEM;
}

/* Appends the words of value to *l; an empty value resets the list, as everywhere in unit
 * files, so a drop-in or a later line can start over. */
static int
list_assign(char ***l, const char *value)
{
	const char *p = value;
	int r;

	if (isempty(value)) {
		*l = strv_free(*l);
		return 0;
	}
	for (;;) {
		char *word;

		r = extract_word(&p, &word, WHITESPACE, EXTRACT_UNQUOTE);
		if (r <= 0)
			return r;
		r = strv_consume(l, word);
		if (r < 0)
			return r;
	}
}

static int
install_section_assign(const char *file, unsigned line, const char *section, const char *key,
		       const char *value, void *userdata)
{
	static const struct {
		const char *key;
		size_t offset;
	} lists[] = {
		{ "WantedBy", offsetof(struct install_info, wanted_by) },
		{ "RequiredBy", offsetof(struct install_info, required_by) },
		{ "UpheldBy", offsetof(struct install_info, upheld_by) },
		{ "Alias", offsetof(struct install_info, aliases) },
		{ "Also", offsetof(struct install_info, also) },
	};
	struct install_info *i = userdata;

	if (!section || !streq(section, "Install"))
		return 0;
	for (size_t k = 0; k < ELEMENTSOF(lists); k++) {
		if (streq(key, lists[k].key)) {
			int r = list_assign((char ***)((char *)i + lists[k].offset), value);

			/* Bad quoting spoils one line, not the whole file. */
			return r == -ENOMEM ? r : 0;
		}
	}
	if (streq(key, "DefaultInstance")) {
		free(i->default_instance);
		i->default_instance = isempty(value) ? NULL : strdup(value);
		if (!isempty(value) && !i->default_instance)
			return -ENOMEM;
	}
	return 0;
}

static int
install_info_load(char **dirs, const char *name_or_path, struct install_info *i)
{
	int r = install_info_find(dirs, name_or_path, i);

	if (r < 0)
		return r;
	return unit_file_parse(i->path, install_section_assign, i);
}

/* The name the dependency links are made under: the unit itself, or a template's default
 * instance. A template without one keeps its own name, which only a template target can
 * take (foo@.target.wants/bar@.service: each foo@X pulls in bar@X). */
static int
install_info_link_name(const struct install_info *i, char **ret)
{
	*ret = NULL;
	if (!unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE) || !i->default_instance) {
		*ret = strdup(i->name);
		return *ret ? 0 : -ENOMEM;
	}
	if (unit_name_replace_instance(i->name, i->default_instance, ret) < 0 ||
	    !unit_name_is_valid(*ret, UNIT_NAME_INSTANCE)) {
		*ret = mfree(*ret);
		return -EINVAL;
	}
	return 0;
}

/* Expands the specifiers of every word of l for unit name as the unit file at i->path. */
static int
expand_list(const struct install_info *i, const char *name, char **l, char ***ret)
{
	struct specifier_ctx ctx = { .unit_name = name, .fragment_path = i->path };
	char **out = NULL;

	STRV_FOREACH(s, l) {
		char *e;
		int r = specifier_expand(*s, &ctx, &e);

		if (r >= 0)
			r = strv_consume(&out, e);
		if (r < 0) {
			strv_free(out);
			return r;
		}
	}
	*ret = out;
	return 0;
}

/* A WantedBy=/Alias= value naming a template takes the instance of the unit installed
 * (getty@tty1.service WantedBy=foo@.target lands in foo@tty1.target.wants). */
static int
fill_instance(const char *value, const char *name, char **ret)
{
	_cleanup_free_ char *inst = NULL;
	int r;

	if (!unit_name_is_valid(value, UNIT_NAME_TEMPLATE) ||
	    !unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
		*ret = strdup(value);
		return *ret ? 0 : -ENOMEM;
	}
	r = unit_name_to_instance(name, &inst);
	if (r < 0)
		return r;
	return unit_name_replace_instance(value, inst, ret);
}

static int
install_dependency_links(const struct install_info *i, const char *link_name,
			 const char *config, bool force, struct install_changes *changes,
			 char **error_detail)
{
	char **const lists[] = { i->wanted_by, i->required_by, i->upheld_by };
	unsigned kinds = unit_name_is_valid(link_name, UNIT_NAME_TEMPLATE)
				 ? UNIT_NAME_TEMPLATE : UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE;
	int r = 0;

	for (size_t k = 0; k < ELEMENTSOF(lists) && r >= 0; k++) {
		_cleanup_strv_free_ char **targets = NULL;

		r = expand_list(i, link_name, lists[k], &targets);
		if (r < 0) {
			set_detail(error_detail, i->path);
			return r;
		}
		STRV_FOREACH(t, targets) {
			_cleanup_free_ char *target = NULL, *p = NULL;

			r = fill_instance(*t, link_name, &target);
			if (r < 0)
				return r;
			if (!unit_name_is_valid(target, kinds)) {
				set_detail(error_detail, *t);
				return -EINVAL;
			}
			p = strjoin(config, "/", target, dependency_suffixes[k], "/", link_name);
			if (!p)
				return -ENOMEM;
			r = create_symlink(i->path, p, force, changes, error_detail);
			if (r < 0)
				return r;
		}
	}
	return r;
}

/* Aliases must keep the unit's type and kind: a template's alias is a template. */
static bool
alias_is_valid(const char *alias, const char *name)
{
	unsigned kind = unit_name_is_valid(name, UNIT_NAME_PLAIN) ? UNIT_NAME_PLAIN
			: unit_name_is_valid(name, UNIT_NAME_TEMPLATE) ? UNIT_NAME_TEMPLATE
			: UNIT_NAME_INSTANCE;

	return unit_name_is_valid(alias, kind) &&
	       unit_name_to_type(alias) == unit_name_to_type(name);
}

static int
install_alias_links(const struct install_info *i, const char *config, bool force,
		    struct install_changes *changes, char **error_detail)
{
	_cleanup_strv_free_ char **aliases = NULL;
	int r;

	r = expand_list(i, i->name, i->aliases, &aliases);
	if (r < 0) {
		set_detail(error_detail, i->path);
		return r;
	}
	STRV_FOREACH(a, aliases) {
		_cleanup_free_ char *alias = NULL, *p = NULL;

		r = fill_instance(*a, i->name, &alias);
		if (r < 0)
			return r;
		if (!alias_is_valid(alias, i->name)) {
			set_detail(error_detail, *a);
			return -EINVAL;
		}
		if (streq(alias, i->name))
			continue;
		p = path_join(config, alias);
		if (!p)
			return -ENOMEM;
		r = create_symlink(i->path, p, force, changes, error_detail);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
install_info_apply(const struct install_info *i, const char *config, bool force,
		   struct install_changes *changes, char **error_detail)
{
	_cleanup_free_ char *link_name = NULL;
	int r;

	if (i->link) {
		_cleanup_free_ char *p = path_join(config, base_name(i->link));

		if (!p)
			return -ENOMEM;
		r = create_symlink(i->link, p, force, changes, error_detail);
		if (r < 0)
			return r;
	}
	r = install_info_link_name(i, &link_name);
	if (r < 0) {
		set_detail(error_detail, i->path);
		return r;
	}
	r = install_dependency_links(i, link_name, config, force, changes, error_detail);
	if (r < 0)
		return r;
	return install_alias_links(i, config, force, changes, error_detail);
}

/* Queues the Also= units of i (expanded) that have not been seen yet. */
static int
queue_also(const struct install_info *i, char ***queue)
{
	_cleanup_strv_free_ char **also = NULL;
	int r;

	r = expand_list(i, i->name, i->also, &also);
	if (r < 0)
		return r;
	STRV_FOREACH(a, also) {
		r = strv_extend_unique(queue, *a);
		if (r < 0)
			return r;
	}
	return 0;
}

static void
detail_init(char **error_detail)
{
	if (error_detail)
		*error_detail = NULL;
}

int
install_enable(const struct lookup_paths *lp, char **names, bool runtime, bool force,
	       struct install_changes *changes, bool *carries_install_info, char **error_detail)
{
	_cleanup_strv_free_ char **dirs = install_dirs(lp), **queue = NULL;
	const char *config = runtime ? lp->runtime_config : lp->persistent_config;
	bool carries = false;
	int r;

	detail_init(error_detail);
	if (carries_install_info)
		*carries_install_info = false;
	if (!dirs || !config)
		return -ENOMEM;
	r = strv_extend_strv(&queue, names);
	if (r < 0)
		return r;

	/* The queue grows as Also= units are found; each is installed once. */
	for (size_t k = 0; queue && queue[k]; k++) {
		struct install_info i = { 0 };

		r = install_info_load(dirs, queue[k], &i);
		if (r < 0) {
			/* Name what the user can act on: the unit, or the file that failed. */
			bool by_name = r == -ERFKILL || !i.entry;

			set_detail(error_detail, by_name ? queue[k] : i.path ? i.path : i.entry);
		} else {
			carries = carries || install_info_has_links(&i) || i.also;
			r = install_info_apply(&i, config, force, changes, error_detail);
		}
		if (r >= 0) {
			r = queue_also(&i, &queue);
			if (r < 0)
				set_detail(error_detail, i.path);
		}
		install_info_done(&i);
		if (r < 0)
			return r;
	}
	if (carries_install_info)
		*carries_install_info = carries;
	return 0;
}

/* What disable removes. */
struct removal {
	char **names;           /* link names to drop from dependency dirs */
	char **targets;         /* link targets meaning "this unit file" */
	char **target_names;    /* unit file names: a link to any copy of them counts */
};

static void
removal_done(struct removal *rm)
{
	strv_free(rm->names);
	strv_free(rm->targets);
	strv_free(rm->target_names);
}

/* Adds what marks i (found or not) for removal and queues its Also= units. */
static int
removal_add(struct removal *rm, const char *asked, struct install_info *i, char ***queue)
{
	_cleanup_free_ char *link_name = NULL;
	_cleanup_strv_free_ char **aliases = NULL;
	int r;

	r = strv_extend_unique(&rm->names, base_name(asked));
	if (r < 0)
		return r;
	if (!i->name) {
		/* Masked or dangling: links leading to a file of that name are stale. */
		if (unit_name_is_valid(base_name(asked), UNIT_NAME_INSTANCE))
			return 0;
		return strv_extend_unique(&rm->target_names, base_name(asked));
	}
	r = strv_extend_unique(&rm->names, i->name);
	if (r < 0)
		return r;

	/* An instance shares its file with its siblings: only its name marks its links. */
	if (!unit_name_is_valid(i->name, UNIT_NAME_INSTANCE)) {
		r = strv_extend_unique(&rm->targets, i->path);
		if (r >= 0)
			r = strv_extend_unique(&rm->targets, i->entry);
		if (r >= 0)
			r = strv_extend_unique(&rm->target_names, base_name(i->path));
		if (r < 0)
			return r;
	}
	/* A bad DefaultInstance= must not keep the rest from being disabled. */
	if (install_info_link_name(i, &link_name) == -ENOMEM)
		return -ENOMEM;
	if (link_name)
		r = strv_extend_unique(&rm->names, link_name);
	if (r >= 0)
		r = expand_list(i, i->name, i->aliases, &aliases);
	STRV_FOREACH(a, aliases) {
		_cleanup_free_ char *alias = NULL;

		if (r >= 0)
			r = fill_instance(*a, i->name, &alias);
		if (r >= 0)
			r = strv_extend_unique(&rm->names, alias);
	}
	if (r >= 0)
		r = queue_also(i, queue);
	return r;
}

static bool
removal_matches(const struct removal *rm, const char *name, const char *target, bool dep_dir)
{
	/* Masks belong to unmask, and the default target to set-default. */
	if (streq(target, "/dev/null"))
		return false;
	if (!dep_dir && streq(name, "default.target"))
		return false;
	if (dep_dir && strv_contains(rm->names, name))
		return true;
	return strv_contains(rm->targets, target) ||
	       strv_contains(rm->target_names, base_name(target));
}

/* Lists the entries of dir, sorted so that the changes come out in a stable order. */
static int
dir_entries(const char *dir, char ***ret)
{
	char **l = NULL;
	struct dirent *de;
	DIR *d = opendir(dir);

	*ret = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strv_extend(&l, de->d_name) < 0) {
			closedir(d);
			strv_free(l);
			return -ENOMEM;
		}
	}
	closedir(d);
	strv_sort(l);
	*ret = l;
	return 0;
}

static int
remove_links_in(const char *dir, bool dep_dir, const struct removal *rm,
		struct install_changes *changes, char **error_detail)
{
	_cleanup_strv_free_ char **entries = NULL;
	int r;

	r = dir_entries(dir, &entries);
	if (r < 0) {
		set_detail(error_detail, dir);
		return r;
	}
	STRV_FOREACH(e, entries) {
		_cleanup_free_ char *p = path_join(dir, *e), *target = NULL;
		struct stat st;

		if (!p)
			return -ENOMEM;
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && !dep_dir && is_dependency_dir(*e)) {
			r = remove_links_in(p, true, rm, changes, error_detail);
			if (r < 0)
				return r;
			/* An emptied X.wants/ would only be clutter. */
			(void)rmdir(p);
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		r = link_target(p, &target);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || !removal_matches(rm, *e, target, dep_dir))
			continue;
		if (unlink(p) < 0 && errno != ENOENT) {
			set_detail(error_detail, p);
			return -errno;
		}
		r = changes_add(changes, INSTALL_UNLINK, p, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int
install_disable(const struct lookup_paths *lp, char **names, bool runtime,
		struct install_changes *changes, char **error_detail)
{
	_cleanup_strv_free_ char **dirs = install_dirs(lp), **queue = NULL;
	const char *config = runtime ? lp->runtime_config : lp->persistent_config;
	struct removal rm = { 0 };
	int r;

	detail_init(error_detail);
	if (!dirs || !config)
		return -ENOMEM;
	r = strv_extend_strv(&queue, names);
	for (size_t k = 0; r >= 0 && queue && queue[k]; k++) {
		struct install_info i = { 0 };

		r = install_info_load(dirs, queue[k], &i);
		/* A masked unit, or a dangling link to a removed file, still has links to
		 * drop; only a name that was never there is an error. */
		if ((r == -ENOENT && i.entry) || r == -ERFKILL) {
			i.name = mfree(i.name);
			r = 0;
		}
		if (r >= 0)
			r = removal_add(&rm, queue[k], &i, &queue);
		if (r < 0 && r != -ENOMEM)
			set_detail(error_detail, i.path ? i.path : queue[k]);
		install_info_done(&i);
	}
	if (r >= 0)
		r = remove_links_in(config, false, &rm, changes, error_detail);
	removal_done(&rm);
	return r;
}

static int
mask_path(const char *config, const char *name_or_path, char **ret)
{
	const char *name = base_name(name_or_path);

	if (!unit_name_is_valid(name, UNIT_NAME_ANY))
		return -EINVAL;
	*ret = path_join(config, name);
	return *ret ? 0 : -ENOMEM;
}

int
install_mask(const struct lookup_paths *lp, char **names, bool runtime, bool force,
	     struct install_changes *changes, char **error_detail)
{
	const char *config = runtime ? lp->runtime_config : lp->persistent_config;
	int r;

	detail_init(error_detail);
	if (!config)
		return -ENOMEM;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *p = NULL;

		r = mask_path(config, *n, &p);
		if (r < 0) {
			set_detail(error_detail, *n);
			return r;
		}
		r = create_symlink("/dev/null", p, force, changes, error_detail);
		if (r < 0)
			return r;
	}
	return 0;
}

int
install_unmask(const struct lookup_paths *lp, char **names, bool runtime,
	       struct install_changes *changes, char **error_detail)
{
	const char *config = runtime ? lp->runtime_config : lp->persistent_config;
	int r;

	detail_init(error_detail);
	if (!config)
		return -ENOMEM;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *p = NULL, *target = NULL;

		r = mask_path(config, *n, &p);
		if (r < 0) {
			set_detail(error_detail, *n);
			return r;
		}
		/* Only a mask goes: a unit file or other link of that name is not ours. */
		if (readlink_malloc(p, &target) < 0 || !streq(target, "/dev/null"))
			continue;
		if (unlink(p) < 0 && errno != ENOENT) {
			set_detail(error_detail, p);
			return -errno;
		}
		r = changes_add(changes, INSTALL_UNLINK, p, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* An existing default.target link is always replaced (that is the point); a real file of
 * that name only with force. */
int
install_set_default(const struct lookup_paths *lp, const char *name, bool force,
		    struct install_changes *changes, char **error_detail)
{
	_cleanup_strv_free_ char **dirs = install_dirs(lp);
	_cleanup_free_ char *p = NULL;
	struct install_info i = { 0 };
	struct stat st;
	int r;

	detail_init(error_detail);
	if (!dirs || !lp->persistent_config)
		return -ENOMEM;
	if (!unit_name_is_valid(base_name(name), UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) ||
	    unit_name_to_type(base_name(name)) != UNIT_TARGET ||
	    streq(base_name(name), "default.target")) {
		set_detail(error_detail, name);
		return -EINVAL;
	}
	r = install_info_find(dirs, name, &i);
	if (r < 0) {
		set_detail(error_detail, name);
		goto out;
	}
	p = path_join(lp->persistent_config, "default.target");
	if (!p) {
		r = -ENOMEM;
		goto out;
	}
	if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
		force = true;
	r = create_symlink(i.path, p, force, changes, error_detail);
out:
	install_info_done(&i);
	return r;
}

int
install_get_default(const struct lookup_paths *lp, char **ret)
{
	_cleanup_strv_free_ char **dirs = install_dirs(lp);
	_cleanup_free_ char *entry = NULL, *path = NULL;
	int r;

	if (!dirs)
		return -ENOMEM;
	r = entry_find(dirs, "default.target", &entry);
	if (r < 0)
		return r;
	r = follow_links(entry, &path);
	if (r < 0)
		return r;
	if (streq(path, "/dev/null"))
		return -ERFKILL;
	*ret = strdup(base_name(path));
	return *ret ? 0 : -ENOMEM;
}

/* The names of the links in every dependency dir, read once per call so that listing all
 * units does not reread every X.wants/ for each of them. */
struct link_index {
	char **persistent;      /* outside the runtime config dir */
	char **runtime;         /* in it */
};

static void
link_index_done(struct link_index *x)
{
	strv_free(x->persistent);
	strv_free(x->runtime);
}

static int
link_index_build(const struct lookup_paths *lp, char **dirs, struct link_index *x)
{
	int r;

	*x = (struct link_index){ 0 };
	STRV_FOREACH(d, dirs) {
		_cleanup_strv_free_ char **entries = NULL;

		enum dir_kind kind = dir_kind(lp, *d);

		if (kind == DIR_VENDOR)
			continue;
		r = dir_entries(*d, &entries);
		if (r == -ENOMEM)
			goto fail;
		STRV_FOREACH(e, entries) {
			_cleanup_free_ char *p = NULL;
			_cleanup_strv_free_ char **links = NULL;

			if (!is_dependency_dir(*e))
				continue;
			p = path_join(*d, *e);
			r = p ? dir_entries(p, &links) : -ENOMEM;
			if (r == -ENOMEM)
				goto fail;
			r = strv_extend_strv(kind == DIR_RUNTIME ? &x->runtime : &x->persistent,
					     links);
			if (r < 0)
				goto fail;
		}
	}
	return 0;
fail:
	link_index_done(x);
	return -ENOMEM;
}

/* How a unit is hooked into the links of the unit dirs. */
struct link_scan {
	bool persistent;        /* pulled in or aliased from a non-runtime dir */
	bool runtime;           /* same, from the runtime config dir */
	bool other_instance;    /* a template: some instance other than the default is */
};

static void
link_scan_mark(struct link_scan *s, bool runtime)
{
	if (runtime)
		s->runtime = true;
	else
		s->persistent = true;
}

/* Alias links sit at the top of a unit dir and count only if they lead to this unit. */
static int
scan_alias_links(const struct lookup_paths *lp, char **dirs, const struct install_info *i,
		 char **aliases, struct link_scan *s)
{
	STRV_FOREACH(a, aliases) {
		STRV_FOREACH(d, dirs) {
			_cleanup_free_ char *p = NULL, *target = NULL;
			enum dir_kind kind = dir_kind(lp, *d);
			struct stat st;

			if (kind == DIR_VENDOR)
				continue;
			p = path_join(*d, *a);
			if (!p)
				return -ENOMEM;
			if (lstat(p, &st) < 0 || !S_ISLNK(st.st_mode) ||
			    follow_links(p, &target) < 0)
				continue;
			if (streq(base_name(target), base_name(i->path)))
				link_scan_mark(s, kind == DIR_RUNTIME);
		}
	}
	return 0;
}

static int
scan_links(const struct lookup_paths *lp, char **dirs, const struct link_index *x,
	   const struct install_info *i, struct link_scan *s)
{
	_cleanup_free_ char *link_name = NULL, *prefix = NULL;
	_cleanup_strv_free_ char **aliases = NULL;
	const char *suffix = strrchr(i->name, '.');
	int r;

	r = install_info_link_name(i, &link_name);
	if (r >= 0)
		r = expand_list(i, i->name, i->aliases, &aliases);
	/* A template's instances start with "foo@" and end in its suffix. */
	if (r >= 0 && unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE)) {
		prefix = strndup(i->name, strchr(i->name, '@') + 1 - i->name);
		r = prefix ? 0 : -ENOMEM;
	}
	if (r < 0)
		return r;
	for (int runtime = 0; runtime < 2; runtime++) {
		STRV_FOREACH(e, runtime ? x->runtime : x->persistent) {
			if ((link_name && streq(*e, link_name)) || strv_contains(aliases, *e))
				link_scan_mark(s, runtime);
			else if (prefix && startswith(*e, prefix) && endswith(*e, suffix))
				s->other_instance = true;
		}
	}
	return scan_alias_links(lp, dirs, i, aliases, s);
}

static bool
entry_in_dir(const char *entry, const char *dir)
{
	const char *rest = dir ? startswith(entry, dir) : NULL;

	return rest && rest[0] == '/' && !strchr(rest + 1, '/');
}

/* The state of an existing file that could not be parsed or scanned is "bad"; only a
 * missing unit (-ENOENT) and OOM are errors. */
static int
state_of(const struct lookup_paths *lp, char **dirs, const struct link_index *x,
	 const char *name, const char **ret)
{
	struct install_info i = { 0 };
	struct link_scan s = { 0 };
	int r;

	r = install_info_find(dirs, name, &i);
	if (r == -ERFKILL) {
		char *dir = dir_name(i.entry);

		r = dir ? 0 : -ENOMEM;
		*ret = dir && dir_kind(lp, dir) == DIR_RUNTIME ? "masked-runtime" : "masked";
		free(dir);
	} else if (r == -ENOMEM || (r == -ENOENT && !i.entry)) {
		goto out;
	} else if (r < 0) {
		*ret = "bad";
	} else if (lp->generator && entry_in_dir(i.entry, lp->generator)) {
		*ret = "generated";
	} else if (i.is_alias) {
		*ret = "alias";
	} else if ((r = unit_file_parse(i.path, install_section_assign, &i)) < 0 ||
		   (r = scan_links(lp, dirs, x, &i, &s)) < 0) {
		*ret = "bad";
	} else if (s.persistent) {
		*ret = "enabled";
	} else if (s.runtime) {
		*ret = "enabled-runtime";
	} else if (!streq(i.entry, i.path)) {
		*ret = "linked";
	} else if (s.other_instance) {
		*ret = "indirect";
	} else if (install_info_has_links(&i)) {
		*ret = "disabled";
	} else if (i.also) {
		*ret = "indirect";
	} else {
		*ret = "static";
	}
	r = r == -ENOMEM ? r : 0;
out:
	install_info_done(&i);
	return r;
}

int
install_get_state(const struct lookup_paths *lp, const char *name, const char **ret_state)
{
	_cleanup_strv_free_ char **dirs = NULL;
	struct link_index x;
	int r;

	if (!unit_name_is_valid(name, UNIT_NAME_ANY))
		return -EINVAL;
	dirs = install_dirs(lp);
	if (!dirs || link_index_build(lp, dirs, &x) < 0)
		return -ENOMEM;
	r = state_of(lp, dirs, &x, name, ret_state);
	link_index_done(&x);
	return r;
}

static bool
matches_patterns(char **patterns, const char *name)
{
	if (!patterns)
		return true;
	STRV_FOREACH(p, patterns)
		if (fnmatch(*p, name, FNM_NOESCAPE) == 0)
			return true;
	return false;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct unit_file_entry *x = a, *y = b;

	return strcmp(base_name(x->path), base_name(y->path));
}

void
unit_file_entries_free(struct unit_file_entry *e, size_t n)
{
	for (size_t k = 0; e && k < n; k++)
		free(e[k].path);
	free(e);
}

static int
list_dir(const struct lookup_paths *lp, char **dirs, const struct link_index *x, const char *dir,
	 char **patterns, char ***seen, struct unit_file_entry **list, size_t *n)
{
	_cleanup_strv_free_ char **entries = NULL;
	int r;

	r = dir_entries(dir, &entries);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	STRV_FOREACH(e, entries) {
		struct unit_file_entry *l;
		struct stat st;
		char *p;

		if (!unit_name_is_valid(*e, UNIT_NAME_ANY) || strv_contains(*seen, *e))
			continue;
		p = path_join(dir, *e);
		if (!p)
			return -ENOMEM;
		if (lstat(p, &st) < 0 || S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		/* Seen even if filtered out: a lower dir's copy must not show up instead. */
		r = strv_extend(seen, *e);
		if (r < 0 || !matches_patterns(patterns, *e)) {
			free(p);
			if (r < 0)
				return r;
			continue;
		}
		l = reallocarray(*list, *n + 1, sizeof(*l));
		if (!l) {
			free(p);
			return -ENOMEM;
		}
		*list = l;
		r = state_of(lp, dirs, x, *e, &l[*n].state);
		/* Gone since readdir: still listed, as what it was is unknown. */
		if (r == -ENOENT) {
			l[*n].state = "bad";
			r = 0;
		}
		if (r < 0) {
			free(p);
			return r;
		}
		l[(*n)++].path = p;
	}
	return 0;
}

int
install_list(const struct lookup_paths *lp, char **patterns, struct unit_file_entry **ret,
	     size_t *ret_n)
{
	_cleanup_strv_free_ char **dirs = install_dirs(lp), **seen = NULL;
	struct unit_file_entry *list = NULL;
	struct link_index x;
	size_t n = 0;
	int r = 0;

	if (!dirs || link_index_build(lp, dirs, &x) < 0)
		return -ENOMEM;
	STRV_FOREACH(d, dirs) {
		r = list_dir(lp, dirs, &x, *d, patterns, &seen, &list, &n);
		if (r < 0)
			break;
	}
	link_index_done(&x);
	if (r < 0) {
		unit_file_entries_free(list, n);
		return r;
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), entry_cmp);
	*ret = list;
	*ret_n = n;
	return 0;
}
