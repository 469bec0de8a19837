/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/manager.h"
#include "core/unit.h"
#include "fixture.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

char fixture_root[PATH_MAX];

void
fixture_setup(const char *name)
{
	char tmpl[PATH_MAX];

	log_set_max_level(LOG_CRIT);
	log_parse_environment();
	snprintf(tmpl, sizeof(tmpl), "/tmp/%s-XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(fixture_root, sizeof(fixture_root), "%s", tmpl);
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

void
fixture_teardown(void)
{
	if (fixture_root[0])
		nftw(fixture_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	fixture_root[0] = 0;
}

const char *
fixture_path(const char *rel)
{
	static char bufs[8][PATH_MAX + 64];
	static unsigned k;
	char *b = bufs[k++ % ELEMENTSOF(bufs)];

	snprintf(b, sizeof(bufs[0]), "%s/%s", fixture_root, rel);
	return b;
}

static void
mkdir_parents(const char *rel)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s", fixture_path(rel));
	for (char *s = path + strlen(fixture_root) + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			(void)mkdir(path, 0755);
			*s = '/';
		}
}

void
fixture_write(const char *rel, const char *text)
{
	FILE *f;

	mkdir_parents(rel);
	f = fopen(fixture_path(rel), "we");
	ck_assert_msg(f, "cannot create %s", rel);
	fputs(text, f);
	fclose(f);
}

void
fixture_link(const char *target, const char *rel)
{
	mkdir_parents(rel);
	ck_assert_int_eq(symlink(target, fixture_path(rel)), 0);
}

struct manager *
fixture_manager(const char *unit_dirs)
{
	_cleanup_strv_free_ char **dirs = unit_dirs ? strv_split(unit_dirs, ":") : NULL;
	_cleanup_strv_free_ char **full = NULL;
	struct manager *m;

	STRV_FOREACH(d, dirs)
		ck_assert_int_eq(strv_extend(&full, fixture_path(*d)), 0);
	ck_assert_int_eq(manager_new(SCOPE_USER, true, &m), 0);
	m->unit_path_override = full ? strv_join(full, ":") : strdup(fixture_root);
	ck_assert_ptr_nonnull(m->unit_path_override);
	ck_assert_int_gt(asprintf(&m->runtime_dir, "%s/run", fixture_root), 0);
	ck_assert_int_eq(manager_setup(m), 0);
	/* The user manager's slices are up, as in a running manager: transactions then
	 * show only the units a test is about. */
	ck_assert_int_eq(unit_start(fixture_load(m, "app.slice")), 0);
	return m;
}

struct unit *
fixture_load(struct manager *m, const char *name)
{
	struct unit *u = NULL;

	ck_assert_int_eq(manager_load_unit(m, name, &u), 0);
	manager_dispatch_load_queue(m);
	ck_assert_ptr_nonnull(u);
	return u;
}
