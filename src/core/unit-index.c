/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/unit-index.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "unit-name.h"

struct file_entry {
	char *name;
	char *path;
	char *link_target; /* basename of a symlink target that is a unit name, or NULL */
	bool masked;
};

struct dir_entry {
	char *key;    /* "foo.service.wants" */
	char **paths; /* priority order */
};

struct unit_index {
	struct hashmap *files; /* name -> struct file_entry */
	struct hashmap *dirs;  /* key -> struct dir_entry */
	struct hashmap *aliases; /* canonical name -> char ** of names linking to it */
	char **names;          /* NULL-terminated; strings owned by the file entries */
	size_t n_names, cap_names;
};

/* Appends without rescanning the list: indexing must stay linear in the number of files. */
static int
names_append(struct unit_index *ix, char *name)
{
	if (ix->n_names + 2 > ix->cap_names) {
		size_t cap = ix->cap_names ? ix->cap_names * 2 : 64;
		char **n = realloc(ix->names, cap * sizeof(char *));

		if (!n)
			return -ENOMEM;
		ix->names = n;
		ix->cap_names = cap;
	}
	ix->names[ix->n_names++] = name;
	ix->names[ix->n_names] = NULL;
	return 0;
}

static int
add_dir(struct unit_index *ix, const char *key, const char *path)
{
	struct dir_entry *d = hashmap_get(ix->dirs, key);

	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d || !(d->key = strdup(key)) || hashmap_put(ix->dirs, d->key, d) < 0) {
			if (d)
				free(d->key);
			free(d);
			return -ENOMEM;
		}
	}
	return strv_extend(&d->paths, path);
}

static int
add_file(struct unit_index *ix, const char *dir, int dfd, const char *name)
{
	struct file_entry *f;
	struct stat st;
	char target[PATH_MAX];
	ssize_t n;

	if (hashmap_contains(ix->files, name))
		return 0; /* a higher-priority directory has it already */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->name = strdup(name);
	if (!f->name || asprintf(&f->path, "%s/%s", dir, name) < 0)
		goto oom;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n > 0) {
			const char *base;

			target[n] = 0;
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (streq(target, "/dev/null"))
				f->masked = true;
			else if (!streq(base, name) && unit_name_is_valid(base, UNIT_NAME_ANY) &&
				 unit_name_to_type(base) == unit_name_to_type(name) &&
				 !(f->link_target = strdup(base)))
				goto oom;
		}
	} else if (!S_ISREG(st.st_mode)) {
		/* A directory or device with a unit name is no unit file. */
		free(f->name);
		free(f->path);
		free(f);
		return 0;
	}
	if (hashmap_put(ix->files, f->name, f) < 0)
		goto oom;
	if (names_append(ix, f->name) < 0) {
		hashmap_remove(ix->files, f->name);
		goto oom;
	}
	return 0;
oom:
	free(f->name);
	free(f->path);
	free(f->link_target);
	free(f);
	return -ENOMEM;
}

static int
scan_dir(struct unit_index *ix, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d) {
		log_debug_errno(errno, "Skipping unit directory %s: %m", dir);
		return 0;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (n[0] == '.')
			continue;
		if (endswith(n, ".d") || endswith(n, ".wants") || endswith(n, ".requires") ||
		    endswith(n, ".upholds")) {
			_cleanup_free_ char *p = NULL;
			struct stat st;

			if (asprintf(&p, "%s/%s", dir, n) < 0)
				r = -ENOMEM;
			else if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
				r = add_dir(ix, n, p);
		} else if (unit_name_is_valid(n, UNIT_NAME_ANY))
			r = add_file(ix, dir, dirfd(d), n);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* canonical -> aliases, once per index, so that loading a unit finds every name whose
 * drop-ins and folders apply to it without a scan. */
static int
build_alias_map(struct unit_index *ix)
{
	ix->aliases = hashmap_new(HASHMAP_STRING);
	if (!ix->aliases)
		return -ENOMEM;
	for (size_t i = 0; i < ix->n_names; i++) {
		const char *name = ix->names[i], *t = unit_index_alias_target(ix, name);
		char **l;

		if (!t || streq(t, name))
			continue;
		l = hashmap_get(ix->aliases, t);
		if (strv_extend(&l, name) < 0)
			return -ENOMEM;
		/* The key must outlive the map: the canonical entry's own string if it has one. */
		if (hashmap_put(ix->aliases, ((struct file_entry *)hashmap_get(ix->files, t)) ?
				((struct file_entry *)hashmap_get(ix->files, t))->name : t, l) < 0) {
			strv_free(l);
			return -ENOMEM;
		}
	}
	return 0;
}

int
unit_index_build(const struct lookup_paths *lp, struct unit_index **ret)
{
	struct unit_index *ix = calloc(1, sizeof(*ix));
	int r = -ENOMEM;

	if (!ix)
		return -ENOMEM;
	ix->files = hashmap_new(HASHMAP_STRING);
	ix->dirs = hashmap_new(HASHMAP_STRING);
	if (!ix->files || !ix->dirs)
		goto fail;
	STRV_FOREACH(dir, lp->search) {
		r = scan_dir(ix, *dir);
		if (r < 0)
			goto fail;
	}
	r = build_alias_map(ix);
	if (r < 0)
		goto fail;
	*ret = ix;
	return 0;
fail:
	unit_index_free(ix);
	return r;
}

struct unit_index *
unit_index_free(struct unit_index *ix)
{
	struct file_entry *f;
	struct dir_entry *d;
	const char *k;

	if (!ix)
		return NULL;
	HASHMAP_FOREACH(k, f, ix->files) {
		free(f->name);
		free(f->path);
		free(f->link_target);
		free(f);
	}
	HASHMAP_FOREACH(k, d, ix->dirs) {
		free(d->key);
		strv_free(d->paths);
		free(d);
	}
	{
		char **l;

		HASHMAP_FOREACH(k, l, ix->aliases)
			strv_free(l);
		hashmap_free(ix->aliases);
	}
	hashmap_free(ix->files);
	hashmap_free(ix->dirs);
	free(ix->names);
	free(ix);
	return NULL;
}

const char *
unit_index_find(const struct unit_index *ix, const char *name, int *masked)
{
	struct file_entry *f = ix ? hashmap_get(ix->files, name) : NULL;

	if (masked)
		*masked = f && f->masked;
	return f ? f->path : NULL;
}

const char *
unit_index_alias_target(const struct unit_index *ix, const char *name)
{
	const char *result = NULL;

	/* Follow a chain of aliases, bounded so that a symlink loop cannot hang us. */
	for (int i = 0; ix && i < 16; i++) {
		struct file_entry *f = hashmap_get(ix->files, name);

		if (!f || !f->link_target)
			break;
		result = name = f->link_target;
	}
	return result;
}

char *const *
unit_index_dirs(const struct unit_index *ix, const char *name, const char *suffix)
{
	char key[UNIT_NAME_MAX + 16];
	struct dir_entry *d;

	if (!ix || snprintf(key, sizeof(key), "%s%s", name, suffix) >= (int)sizeof(key))
		return NULL;
	d = hashmap_get(ix->dirs, key);
	return d ? d->paths : NULL;
}

char *const *
unit_index_names(const struct unit_index *ix)
{
	return ix ? ix->names : NULL;
}

char **
unit_index_aliases_of(const struct unit_index *ix, const char *canonical)
{
	char **l = ix ? hashmap_get(ix->aliases, canonical) : NULL;

	return l ? strv_copy(l) : NULL;
}
