/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cgroup-config.h"
#include "core/manager.h"
#include "core/unit-index.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "units/directives.h"
#include "units/unit-file.h"
#include "units/unit-vtable.h"

/* unit_load(): fragment, drop-ins, .wants/.requires/.upholds folders, then the type. */

struct load_state {
	struct unit *unit;
	bool unsupported; /* a directive refused to be ignored */
};

static int
assign(const char *file, unsigned line, const char *section, const char *key,
       const char *value, void *userdata)
{
	struct load_state *ls = userdata;
	int r = directive_apply(ls->unit, file, line, section, key, value);

	if (r == -EOPNOTSUPP) {
		ls->unsupported = true;
		return 0;
	}
	return r == -ENOMEM ? r : 0;
}

/* The names whose files, drop-ins and folders apply to u: its id, its template, its
 * aliases. */
static char **
config_names(struct unit *u)
{
	char **l = NULL;
	char *tmpl = NULL;

	if (strv_extend(&l, u->id) < 0)
		return NULL;
	if (u->instance && unit_name_template(u->id, &tmpl) >= 0 && strv_consume(&l, tmpl) < 0)
		return strv_free(l);
	if (strv_extend_strv(&l, u->aliases) < 0)
		return strv_free(l);
	/* Every name that links to this unit, whichever name was asked for first. */
	{
		_cleanup_strv_free_ char **more = unit_index_aliases_of(u->manager->index, u->id);

		STRV_FOREACH(a, more)
			if (strv_extend_unique(&l, *a) < 0)
				return strv_free(l);
	}
	return l;
}

static int
compare_basename(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x ? x + 1 : *(char *const *)a, y ? y + 1 : *(char *const *)b);
}

/* Collects *.conf from every drop-in dir; the first (highest-priority) file of a name wins. */
static int
collect_dropins(struct unit *u, char **names, char ***ret)
{
	struct manager *m = u->manager;
	_cleanup_strv_free_ char **files = NULL, **seen = NULL, **keys = strv_copy(names);
	const char *type = unit_type_to_string(u->type);

	if (!keys || strv_extend(&keys, type) < 0)
		return -ENOMEM;
	STRV_FOREACH(n, keys) {
		char *const *dirs = unit_index_dirs(m->index, *n, ".d");

		STRV_FOREACH(d, dirs) {
			DIR *dir = opendir(*d);
			struct dirent *de;

			if (!dir)
				continue;
			while ((de = readdir(dir))) {
				char *p;

				if (!endswith(de->d_name, ".conf") || strv_contains(seen, de->d_name))
					continue;
				if (strv_extend(&seen, de->d_name) < 0 ||
				    asprintf(&p, "%s/%s", *d, de->d_name) < 0 ||
				    strv_consume(&files, p) < 0) {
					closedir(dir);
					return -ENOMEM;
				}
			}
			closedir(dir);
		}
	}
	if (files)
		qsort(files, strv_length(files), sizeof(char *), compare_basename);
	*ret = TAKE_PTR(files);
	return 0;
}

/* foo.service.wants/bar.service -> Wants=bar.service, and likewise .requires/.upholds. */
static int
load_dependency_dirs(struct unit *u, char **names)
{
	static const struct { const char *suffix; enum unit_dependency dep; } kinds[] = {
		{ ".wants", UNIT_WANTS },
		{ ".requires", UNIT_REQUIRES },
		{ ".upholds", UNIT_UPHOLDS },
	};

	for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
		STRV_FOREACH(n, names) {
			char *const *dirs = unit_index_dirs(u->manager->index, *n, kinds[k].suffix);

			STRV_FOREACH(d, dirs) {
				DIR *dir = opendir(*d);
				struct dirent *de;

				if (!dir)
					continue;
				while ((de = readdir(dir))) {
					_cleanup_free_ char *inst = NULL;
					const char *target = de->d_name;
					int r;

					if (!unit_name_is_valid(target, UNIT_NAME_ANY))
						continue;
					/* A template in an instance's folder gets that instance. */
					if (unit_name_is_valid(target, UNIT_NAME_TEMPLATE)) {
						if (!u->instance ||
						    unit_name_replace_instance(target, u->instance, &inst) < 0)
							continue;
						target = inst;
					}
					r = unit_add_dependency_by_name(u, kinds[k].dep, target, true);
					if (r == -ENOMEM) {
						closedir(dir);
						return r;
					}
					if (r == -EOPNOTSUPP)
						log_unit_debug(u, "Ignoring %s from %s: unit type not supported yet.",
							       target, *d);
					else if (r < 0)
						log_unit_warning_errno(u, r, "Cannot add dependency on %s from %s: %m",
								       target, *d);
				}
				closedir(dir);
			}
		}
	return 0;
}

void
unit_load(struct unit *u)
{
	struct manager *m = u->manager;
	struct load_state ls = { .unit = u };
	_cleanup_strv_free_ char **names = NULL, **dropins = NULL;
	const char *path = NULL;
	int masked = 0, r;

	if (u->load_state != UNIT_STUB)
		return;
	names = config_names(u);
	if (!names)
		goto oom;
	STRV_FOREACH(n, names) {
		path = unit_index_find(m->index, *n, &masked);
		if (path)
			break;
	}
	if (masked) {
		u->load_state = UNIT_MASKED;
		free(u->load_error);
		u->load_error = strdup("Unit is masked.");
		return;
	}
	if (collect_dropins(u, names, &dropins) < 0)
		goto oom;
	if (!path && !u->vtable->can_fragment_be_missing) {
		/* Drop-ins alone do not make a unit (except for types that need no file). */
		u->load_state = UNIT_NOT_FOUND;
		u->load_errno = ENOENT;
		free(u->load_error);
		u->load_error = strdup("Unit not found.");
		return;
	}
	if (path) {
		struct stat st;

		free(u->fragment_path);
		u->fragment_path = strdup(path);
		if (!u->fragment_path)
			goto oom;
		if (stat(path, &st) == 0)
			u->fragment_mtime = (usec_t)st.st_mtim.tv_sec * USEC_PER_SEC +
					    (usec_t)st.st_mtim.tv_nsec / 1000;
		r = unit_file_parse(path, assign, &ls);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0) {
			unit_set_load_error(u, UNIT_ERROR, r, "Failed to read unit file %s: %s", path,
					    strerror(-r));
			return;
		}
	}
	STRV_FOREACH(d, dropins) {
		r = unit_file_parse(*d, assign, &ls);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			log_unit_warning_errno(u, r, "Failed to read drop-in %s, ignoring: %m", *d);
	}
	strv_free(u->dropin_paths);
	u->dropin_paths = TAKE_PTR(dropins);
	if (load_dependency_dirs(u, names) < 0)
		goto oom;
	if (ls.unsupported) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EOPNOTSUPP,
				    "Unit uses a setting ember does not support (see the log above); refusing to start it.");
		return;
	}
	u->load_state = UNIT_LOADED;
	if (u->vtable->load) {
		r = u->vtable->load(u);
		if (r >= 0 && u->load_state == UNIT_LOADED)
			r = unit_add_slice_dependencies(u);
		if (r < 0 && u->load_state == UNIT_LOADED)
			unit_set_load_error(u, r == -ENOMEM ? UNIT_ERROR : UNIT_BAD_SETTING, r,
					    "Failed to load unit: %s", strerror(-r));
	}
	unit_add_to_dbus_queue(u);
	return;
oom:
	unit_set_load_error(u, UNIT_ERROR, -ENOMEM, "Out of memory while loading the unit.");
}
