/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* install.c against a throw-away tree: ROOT/etc (persistent config, searched first),
 * ROOT/lib (vendor units), ROOT/run (runtime config). Every test checks the links on disk
 * with readlink, not just the return codes. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "macro.h"
#include "strv.h"

#define GETTY_UNIT "[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n"

static char root[PATH_MAX];
static char etc[PATH_MAX + 8], lib[PATH_MAX + 8], run[PATH_MAX + 8];
static struct lookup_paths lp;
static struct install_changes changes;
static char *detail;

static void
setup(void)
{
	char tmpl[] = "/tmp/test-install-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* Link targets are compared as strings: resolve /tmp once. */
	ck_assert_ptr_nonnull(realpath(tmpl, root));
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(lib, sizeof(lib), "%s/lib", root);
	snprintf(run, sizeof(run), "%s/run", root);
	ck_assert_int_eq(mkdir(etc, 0755), 0);
	ck_assert_int_eq(mkdir(lib, 0755), 0);
	ck_assert_int_eq(mkdir(run, 0755), 0);

	lp = (struct lookup_paths){ 0 };
	ck_assert_int_eq(strv_extend(&lp.search, etc), 0);
	ck_assert_int_eq(strv_extend(&lp.search, lib), 0);
	lp.persistent_config = strdup(etc);
	lp.runtime_config = strdup(run);
	changes = (struct install_changes){ 0 };
	detail = NULL;
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
teardown(void)
{
	install_changes_free(&changes);
	free(detail);
	lookup_paths_done(&lp);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ROOT-relative path, in a rotating buffer so several fit in one assertion. */
static const char *
P(const char *rel)
{
	static char bufs[8][PATH_MAX + 64];
	static unsigned k;
	char *b = bufs[k++ % ELEMENTSOF(bufs)];

	snprintf(b, sizeof(bufs[0]), "%s/%s", root, rel);
	return b;
}

static void
mkdir_parent(const char *rel)
{
	char dir[PATH_MAX + 64];

	snprintf(dir, sizeof(dir), "%s", P(rel));
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
}

static void
write_file(const char *rel, const char *text)
{
	FILE *f;

	mkdir_parent(rel);
	f = fopen(P(rel), "we");

	ck_assert_msg(f, "cannot create %s", rel);
	fputs(text, f);
	fclose(f);
}

static void
make_link(const char *target, const char *rel)
{
	mkdir_parent(rel);
	ck_assert_int_eq(symlink(target, P(rel)), 0);
}

static void
assert_link(const char *rel, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(P(rel), buf, sizeof(buf) - 1);

	ck_assert_msg(n >= 0, "%s is not a symlink", rel);
	buf[n] = '\0';
	ck_assert_str_eq(buf, target);
}

static void
assert_absent(const char *rel)
{
	struct stat st;

	ck_assert_msg(lstat(P(rel), &st) < 0 && errno == ENOENT, "%s still exists", rel);
}

static bool
has_change(enum install_change_type type, const char *path, const char *source)
{
	for (size_t i = 0; i < changes.n; i++) {
		const struct install_change *c = &changes.items[i];

		if (c->type == type && streq(c->path, path) &&
		    (source ? c->source && streq(c->source, source) : !c->source))
			return true;
	}
	return false;
}

static void
assert_state(const char *name, const char *expected)
{
	const char *state = NULL;

	ck_assert_int_eq(install_get_state(&lp, name, &state), 0);
	ck_assert_str_eq(state, expected);
}

static int
enable1(const char *name, bool runtime, bool force, bool *carries)
{
	char *names[] = { (char *)name, NULL };

	detail = mfree(detail);
	return install_enable(&lp, names, runtime, force, &changes, carries, &detail);
}

static int
disable1(const char *name, bool runtime)
{
	char *names[] = { (char *)name, NULL };

	detail = mfree(detail);
	return install_disable(&lp, names, runtime, &changes, &detail);
}

static int
mask1(const char *name, bool runtime, bool force)
{
	char *names[] = { (char *)name, NULL };

	detail = mfree(detail);
	return install_mask(&lp, names, runtime, force, &changes, &detail);
}

static int
unmask1(const char *name, bool runtime)
{
	char *names[] = { (char *)name, NULL };

	detail = mfree(detail);
	return install_unmask(&lp, names, runtime, &changes, &detail);
}

static int
set_default1(const char *name, bool force)
{
	/* Each call resets *error_detail, so the last one is freed first. */
	detail = mfree(detail);
	return install_set_default(&lp, name, force, &changes, &detail);
}

START_TEST(test_enable_wanted_by_links_into_wants_dir)
{
	bool carries = false;

	write_file("lib/foo.service",
		   "[Unit]\nDescription=x\n[Install]\nWantedBy=multi-user.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, &carries), 0);
	ck_assert(carries);
	assert_link("etc/multi-user.target.wants/foo.service", P("lib/foo.service"));
	ck_assert_uint_eq(changes.n, 1);
	ck_assert(has_change(INSTALL_SYMLINK, P("etc/multi-user.target.wants/foo.service"),
			     P("lib/foo.service")));
	assert_state("foo.service", "enabled");
}
END_TEST

START_TEST(test_enable_several_wanted_by_words_and_lines)
{
	write_file("lib/foo.service",
		   "[Install]\nWantedBy=a.target \"b.target\"\nWantedBy=c.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_link("etc/a.target.wants/foo.service", P("lib/foo.service"));
	assert_link("etc/b.target.wants/foo.service", P("lib/foo.service"));
	assert_link("etc/c.target.wants/foo.service", P("lib/foo.service"));
	ck_assert_uint_eq(changes.n, 3);
}
END_TEST

START_TEST(test_enable_required_by_and_upheld_by)
{
	write_file("lib/foo.service", "[Install]\nRequiredBy=a.target\nUpheldBy=b.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_link("etc/a.target.requires/foo.service", P("lib/foo.service"));
	assert_link("etc/b.target.upholds/foo.service", P("lib/foo.service"));
	assert_absent("etc/a.target.wants");
	assert_state("foo.service", "enabled");
}
END_TEST

START_TEST(test_enable_alias_links_alias_name)
{
	write_file("lib/foo.service", "[Install]\nAlias=bar.service\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_link("etc/bar.service", P("lib/foo.service"));
	ck_assert(has_change(INSTALL_SYMLINK, P("etc/bar.service"), P("lib/foo.service")));
	assert_state("foo.service", "enabled");
	assert_state("bar.service", "alias");
}
END_TEST

START_TEST(test_enable_alias_of_other_type_is_refused)
{
	write_file("lib/foo.service", "[Install]\nAlias=bar.socket\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), -EINVAL);
	ck_assert_str_eq(detail, "bar.socket");
	assert_absent("etc/bar.socket");
}
END_TEST

START_TEST(test_enable_also_enables_listed_units)
{
	bool carries = false;

	write_file("lib/foo.service", "[Install]\nAlso=foo.socket\n");
	write_file("lib/foo.socket", "[Install]\nWantedBy=sockets.target\nAlso=foo.service\n");
	ck_assert_int_eq(enable1("foo.service", false, false, &carries), 0);
	ck_assert(carries);
	assert_link("etc/sockets.target.wants/foo.socket", P("lib/foo.socket"));
	ck_assert_uint_eq(changes.n, 1);
	assert_state("foo.socket", "enabled");
	assert_state("foo.service", "indirect");
}
END_TEST

START_TEST(test_enable_static_unit_changes_nothing)
{
	bool carries = true;

	write_file("lib/foo.service", "[Service]\nExecStart=/bin/true\n[Install]\n");
	ck_assert_int_eq(enable1("foo.service", false, false, &carries), 0);
	ck_assert(!carries);
	ck_assert_uint_eq(changes.n, 0);
	assert_state("foo.service", "static");
}
END_TEST

START_TEST(test_enable_unknown_unit_is_enoent_naming_it)
{
	ck_assert_int_eq(enable1("nope.service", false, false, NULL), -ENOENT);
	ck_assert_ptr_nonnull(detail);
	ck_assert_str_eq(detail, "nope.service");
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_enable_invalid_name_is_einval)
{
	ck_assert_int_eq(enable1("no-suffix", false, false, NULL), -EINVAL);
	ck_assert_str_eq(detail, "no-suffix");
}
END_TEST

START_TEST(test_enable_masked_unit_is_erfkill)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	make_link("/dev/null", "etc/foo.service");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), -ERFKILL);
	ck_assert_str_eq(detail, "foo.service");
	assert_absent("etc/a.target.wants");
}
END_TEST

START_TEST(test_enable_twice_changes_nothing_the_second_time)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\nAlias=bar.service\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	ck_assert_uint_eq(changes.n, 2);
	install_changes_free(&changes);
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_enable_conflicting_link_needs_force)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("lib/other.service", "");
	make_link(P("lib/other.service"), "etc/a.target.wants/foo.service");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), -EEXIST);
	ck_assert_str_eq(detail, P("etc/a.target.wants/foo.service"));
	assert_link("etc/a.target.wants/foo.service", P("lib/other.service"));

	ck_assert_int_eq(enable1("foo.service", false, true, NULL), 0);
	assert_link("etc/a.target.wants/foo.service", P("lib/foo.service"));
	ck_assert(has_change(INSTALL_SYMLINK, P("etc/a.target.wants/foo.service"),
			     P("lib/foo.service")));
}
END_TEST

START_TEST(test_enable_runtime_links_into_runtime_dir)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo.service", true, false, NULL), 0);
	assert_link("run/a.target.wants/foo.service", P("lib/foo.service"));
	assert_absent("etc/a.target.wants");
	assert_state("foo.service", "enabled-runtime");
}
END_TEST

START_TEST(test_enable_template_uses_default_instance)
{
	write_file("lib/getty@.service", GETTY_UNIT);
	ck_assert_int_eq(enable1("getty@.service", false, false, NULL), 0);
	assert_link("etc/getty.target.wants/getty@tty1.service", P("lib/getty@.service"));
	ck_assert_uint_eq(changes.n, 1);
	assert_state("getty@.service", "enabled");
	assert_state("getty@tty1.service", "enabled");
	assert_state("getty@tty2.service", "disabled");
}
END_TEST

START_TEST(test_enable_instance_links_to_template_file)
{
	write_file("lib/getty@.service", GETTY_UNIT);
	ck_assert_int_eq(enable1("getty@tty3.service", false, false, NULL), 0);
	assert_link("etc/getty.target.wants/getty@tty3.service", P("lib/getty@.service"));
	assert_absent("etc/getty.target.wants/getty@tty1.service");
	assert_state("getty@tty3.service", "enabled");
	/* The template's own default instance is not enabled, another one is. */
	assert_state("getty@.service", "indirect");
}
END_TEST

START_TEST(test_enable_template_without_default_instance_needs_template_target)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo@.service", false, false, NULL), -EINVAL);
	ck_assert_str_eq(detail, "a.target");
	ck_assert_uint_eq(changes.n, 0);
	assert_state("foo@.service", "disabled");

	write_file("lib/bar@.service", "[Install]\nWantedBy=group@.target\n");
	ck_assert_int_eq(enable1("bar@.service", false, false, NULL), 0);
	assert_link("etc/group@.target.wants/bar@.service", P("lib/bar@.service"));
	assert_state("bar@.service", "enabled");
}
END_TEST

START_TEST(test_enable_instance_fills_template_target)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=group@.target\n");
	ck_assert_int_eq(enable1("foo@x.service", false, false, NULL), 0);
	assert_link("etc/group@x.target.wants/foo@x.service", P("lib/foo@.service"));
}
END_TEST

START_TEST(test_specifiers_expand_in_install_values)
{
	write_file("lib/foo@.service",
		   "[Install]\nWantedBy=%p-%i.target\nRequiredBy=%N.target\n"
		   "Alias=%p2@%i.service\nAlso=%p.socket\n");
	write_file("lib/foo.socket", "[Install]\nWantedBy=sockets.target %n.target\n");
	ck_assert_int_eq(enable1("foo@bar.service", false, false, NULL), 0);
	assert_link("etc/foo-bar.target.wants/foo@bar.service", P("lib/foo@.service"));
	assert_link("etc/foo@bar.target.requires/foo@bar.service", P("lib/foo@.service"));
	assert_link("etc/foo2@bar.service", P("lib/foo@.service"));
	assert_link("etc/sockets.target.wants/foo.socket", P("lib/foo.socket"));
	assert_link("etc/foo.socket.target.wants/foo.socket", P("lib/foo.socket"));
}
END_TEST

START_TEST(test_bad_specifier_fails_naming_file)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=%Z.target\n");
	ck_assert_int_lt(enable1("foo.service", false, false, NULL), 0);
	ck_assert_str_eq(detail, P("lib/foo.service"));
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_empty_assignment_resets_list)
{
	write_file("lib/foo.service",
		   "[Install]\nWantedBy=a.target\nWantedBy=\nWantedBy=b.target\n"
		   "Alias=x.service\nAlias=\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_absent("etc/a.target.wants");
	assert_absent("etc/x.service");
	assert_link("etc/b.target.wants/foo.service", P("lib/foo.service"));
	ck_assert_uint_eq(changes.n, 1);
}
END_TEST

START_TEST(test_other_sections_are_ignored)
{
	write_file("lib/foo.service", "[Unit]\nWantedBy=a.target\n[Service]\nAlias=x.service\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	ck_assert_uint_eq(changes.n, 0);
	assert_state("foo.service", "static");
}
END_TEST

START_TEST(test_enable_through_alias_enables_real_unit)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	make_link(P("lib/foo.service"), "lib/bar.service");
	ck_assert_int_eq(enable1("bar.service", false, false, NULL), 0);
	assert_link("etc/a.target.wants/foo.service", P("lib/foo.service"));
	assert_absent("etc/a.target.wants/bar.service");
}
END_TEST

START_TEST(test_enable_absolute_path_outside_search_links_it)
{
	write_file("ext.service", "[Install]\nWantedBy=a.target\n");
	write_file("plain.service", "[Service]\nExecStart=/bin/true\n");
	ck_assert_int_eq(enable1(P("ext.service"), false, false, NULL), 0);
	assert_link("etc/ext.service", P("ext.service"));
	assert_link("etc/a.target.wants/ext.service", P("ext.service"));
	ck_assert_uint_eq(changes.n, 2);
	assert_state("ext.service", "enabled");

	ck_assert_int_eq(enable1(P("plain.service"), false, false, NULL), 0);
	assert_link("etc/plain.service", P("plain.service"));
	assert_state("plain.service", "linked");
}
END_TEST

START_TEST(test_enable_absolute_path_inside_search_is_not_linked)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1(P("lib/foo.service"), false, false, NULL), 0);
	assert_absent("etc/foo.service");
	assert_link("etc/a.target.wants/foo.service", P("lib/foo.service"));
	ck_assert_uint_eq(changes.n, 1);
}
END_TEST

START_TEST(test_unit_in_config_dir_wins_over_vendor_copy)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("etc/foo.service", "[Install]\nWantedBy=b.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_link("etc/b.target.wants/foo.service", P("etc/foo.service"));
	assert_absent("etc/a.target.wants");
}
END_TEST

START_TEST(test_disable_removes_every_link_of_the_unit)
{
	write_file("lib/foo.service",
		   "[Install]\nWantedBy=a.target\nRequiredBy=b.target\nAlias=bar.service\n");
	write_file("lib/keep.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	ck_assert_int_eq(enable1("keep.service", false, false, NULL), 0);
	install_changes_free(&changes);

	ck_assert_int_eq(disable1("foo.service", false), 0);
	assert_absent("etc/a.target.wants/foo.service");
	assert_absent("etc/b.target.requires");
	assert_absent("etc/bar.service");
	assert_link("etc/a.target.wants/keep.service", P("lib/keep.service"));
	ck_assert_uint_eq(changes.n, 3);
	ck_assert(has_change(INSTALL_UNLINK, P("etc/a.target.wants/foo.service"), NULL));
	ck_assert(has_change(INSTALL_UNLINK, P("etc/b.target.requires/foo.service"), NULL));
	ck_assert(has_change(INSTALL_UNLINK, P("etc/bar.service"), NULL));
	assert_state("foo.service", "disabled");
	assert_state("keep.service", "enabled");
}
END_TEST

START_TEST(test_disable_removes_links_named_for_unit_whatever_they_point_at)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	make_link("/somewhere/else/foo.service", "etc/x.target.wants/foo.service");
	make_link(P("lib/foo.service"), "etc/y.target.wants/foo-old-name.service");
	ck_assert_int_eq(disable1("foo.service", false), 0);
	assert_absent("etc/x.target.wants");
	assert_absent("etc/y.target.wants");
	ck_assert_uint_eq(changes.n, 2);
}
END_TEST

START_TEST(test_disable_only_touches_chosen_config_dir)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo.service", true, false, NULL), 0);
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	install_changes_free(&changes);
	ck_assert_int_eq(disable1("foo.service", false), 0);
	assert_absent("etc/a.target.wants/foo.service");
	assert_link("run/a.target.wants/foo.service", P("lib/foo.service"));
	assert_state("foo.service", "enabled-runtime");
	ck_assert_int_eq(disable1("foo.service", true), 0);
	assert_absent("run/a.target.wants/foo.service");
}
END_TEST

START_TEST(test_disable_instance_keeps_sibling_instances)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo@x.service", false, false, NULL), 0);
	ck_assert_int_eq(enable1("foo@y.service", false, false, NULL), 0);
	install_changes_free(&changes);
	ck_assert_int_eq(disable1("foo@x.service", false), 0);
	assert_absent("etc/a.target.wants/foo@x.service");
	assert_link("etc/a.target.wants/foo@y.service", P("lib/foo@.service"));
	ck_assert_uint_eq(changes.n, 1);
}
END_TEST

START_TEST(test_disable_template_removes_all_instances)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=a.target\nDefaultInstance=d\n");
	ck_assert_int_eq(enable1("foo@.service", false, false, NULL), 0);
	ck_assert_int_eq(enable1("foo@x.service", false, false, NULL), 0);
	install_changes_free(&changes);
	ck_assert_int_eq(disable1("foo@.service", false), 0);
	assert_absent("etc/a.target.wants");
	ck_assert_uint_eq(changes.n, 2);
	assert_state("foo@.service", "disabled");
}
END_TEST

START_TEST(test_disable_also_disables_listed_units)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\nAlso=foo.socket\n");
	write_file("lib/foo.socket", "[Install]\nWantedBy=sockets.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	assert_link("etc/sockets.target.wants/foo.socket", P("lib/foo.socket"));
	install_changes_free(&changes);
	ck_assert_int_eq(disable1("foo.service", false), 0);
	assert_absent("etc/a.target.wants");
	assert_absent("etc/sockets.target.wants");
	ck_assert_uint_eq(changes.n, 2);
}
END_TEST

START_TEST(test_disable_unknown_unit_is_enoent_naming_it)
{
	make_link(P("lib/gone.service"), "etc/a.target.wants/gone.service");
	ck_assert_int_eq(disable1("gone.service", false), -ENOENT);
	ck_assert_str_eq(detail, "gone.service");
	assert_link("etc/a.target.wants/gone.service", P("lib/gone.service"));
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_disable_dangling_link_removes_stale_links)
{
	make_link(P("gone/gone.service"), "etc/gone.service");
	make_link(P("gone/gone.service"), "etc/a.target.wants/gone.service");
	make_link(P("gone/gone.service"), "etc/gone-alias.service");
	ck_assert_int_eq(disable1("gone.service", false), 0);
	assert_absent("etc/gone.service");
	assert_absent("etc/a.target.wants");
	assert_absent("etc/gone-alias.service");
	ck_assert_uint_eq(changes.n, 3);
}
END_TEST

START_TEST(test_disable_keeps_mask_and_default_target)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("lib/multi-user.target", "[Install]\nAlias=default.target\n");
	make_link("/dev/null", "etc/foo.service");
	make_link(P("lib/multi-user.target"), "etc/default.target");
	ck_assert_int_eq(disable1("foo.service", false), 0);
	ck_assert_int_eq(disable1("multi-user.target", false), 0);
	assert_link("etc/foo.service", "/dev/null");
	assert_link("etc/default.target", P("lib/multi-user.target"));
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_disable_keeps_unit_file_in_config_dir)
{
	write_file("etc/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1("foo.service", false, false, NULL), 0);
	ck_assert_int_eq(disable1("foo.service", false), 0);
	assert_absent("etc/a.target.wants");
	assert_state("foo.service", "disabled");
}
END_TEST

START_TEST(test_disable_linked_unit_removes_link)
{
	write_file("ext.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(enable1(P("ext.service"), false, false, NULL), 0);
	install_changes_free(&changes);
	ck_assert_int_eq(disable1("ext.service", false), 0);
	assert_absent("etc/ext.service");
	assert_absent("etc/a.target.wants");
	ck_assert_uint_eq(changes.n, 2);
	ck_assert_int_eq(install_get_state(&lp, "ext.service", &(const char *){ NULL }), -ENOENT);
}
END_TEST

START_TEST(test_mask_links_to_dev_null)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(mask1("foo.service", false, false), 0);
	assert_link("etc/foo.service", "/dev/null");
	ck_assert(has_change(INSTALL_SYMLINK, P("etc/foo.service"), "/dev/null"));
	assert_state("foo.service", "masked");
	install_changes_free(&changes);
	ck_assert_int_eq(mask1("foo.service", false, false), 0);
	ck_assert_uint_eq(changes.n, 0);
}
END_TEST

START_TEST(test_mask_unit_without_file)
{
	ck_assert_int_eq(mask1("nothing.service", false, false), 0);
	assert_link("etc/nothing.service", "/dev/null");
	assert_state("nothing.service", "masked");
}
END_TEST

START_TEST(test_mask_runtime_is_masked_runtime)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(mask1("foo.service", true, false), 0);
	assert_link("run/foo.service", "/dev/null");
	assert_absent("etc/foo.service");
	assert_state("foo.service", "masked-runtime");
}
END_TEST

START_TEST(test_mask_refuses_real_file_without_force)
{
	write_file("etc/foo.service", "[Service]\nExecStart=/bin/true\n");
	ck_assert_int_eq(mask1("foo.service", false, false), -EEXIST);
	ck_assert_str_eq(detail, P("etc/foo.service"));
	assert_state("foo.service", "static");

	ck_assert_int_eq(mask1("foo.service", false, true), 0);
	assert_link("etc/foo.service", "/dev/null");
	assert_state("foo.service", "masked");
}
END_TEST

START_TEST(test_mask_invalid_name_is_einval)
{
	ck_assert_int_eq(mask1("bad name", false, false), -EINVAL);
	ck_assert_str_eq(detail, "bad name");
}
END_TEST

START_TEST(test_mask_template_masks_instances)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=a.target\n");
	ck_assert_int_eq(mask1("foo@.service", false, false), 0);
	assert_state("foo@x.service", "masked");
	ck_assert_int_eq(enable1("foo@x.service", false, false, NULL), -ERFKILL);
}
END_TEST

START_TEST(test_unmask_removes_only_masks)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("etc/real.service", "");
	make_link(P("lib/foo.service"), "etc/alias.service");
	ck_assert_int_eq(mask1("foo.service", false, false), 0);
	install_changes_free(&changes);

	char *names[] = { "foo.service", "real.service", "alias.service", "none.service", NULL };
	ck_assert_int_eq(install_unmask(&lp, names, false, &changes, &detail), 0);
	assert_absent("etc/foo.service");
	ck_assert_uint_eq(changes.n, 1);
	ck_assert(has_change(INSTALL_UNLINK, P("etc/foo.service"), NULL));
	assert_link("etc/alias.service", P("lib/foo.service"));
	ck_assert_int_eq(access(P("etc/real.service"), F_OK), 0);
	assert_state("foo.service", "disabled");
}
END_TEST

START_TEST(test_unmask_runtime_leaves_persistent_mask)
{
	ck_assert_int_eq(mask1("foo.service", false, false), 0);
	ck_assert_int_eq(unmask1("foo.service", true), 0);
	assert_link("etc/foo.service", "/dev/null");
	ck_assert_int_eq(unmask1("foo.service", false), 0);
	assert_absent("etc/foo.service");
}
END_TEST

START_TEST(test_set_default_links_default_target)
{
	char *name = NULL;

	write_file("lib/multi-user.target", "");
	write_file("lib/graphical.target", "");
	ck_assert_int_eq(install_get_default(&lp, &name), -ENOENT);
	ck_assert_int_eq(set_default1("multi-user.target", false), 0);
	assert_link("etc/default.target", P("lib/multi-user.target"));
	ck_assert(has_change(INSTALL_SYMLINK, P("etc/default.target"), P("lib/multi-user.target")));
	ck_assert_int_eq(install_get_default(&lp, &name), 0);
	ck_assert_str_eq(name, "multi-user.target");
	free(name);

	/* Replacing the default needs no force. */
	ck_assert_int_eq(set_default1("graphical.target", false), 0);
	assert_link("etc/default.target", P("lib/graphical.target"));
	ck_assert_int_eq(install_get_default(&lp, &name), 0);
	ck_assert_str_eq(name, "graphical.target");
	free(name);
}
END_TEST

START_TEST(test_set_default_refuses_unknown_and_non_targets)
{
	write_file("lib/foo.service", "");
	ck_assert_int_eq(set_default1("nope.target", false), -ENOENT);
	ck_assert_str_eq(detail, "nope.target");
	ck_assert_int_eq(set_default1("foo.service", false), -EINVAL);
	ck_assert_str_eq(detail, "foo.service");
	assert_absent("etc/default.target");
}
END_TEST

START_TEST(test_set_default_over_real_file_needs_force)
{
	write_file("lib/multi-user.target", "");
	write_file("etc/default.target", "[Unit]\n");
	ck_assert_int_eq(set_default1("multi-user.target", false), -EEXIST);
	ck_assert_int_eq(set_default1("multi-user.target", true), 0);
	assert_link("etc/default.target", P("lib/multi-user.target"));
}
END_TEST

START_TEST(test_get_default_follows_vendor_link)
{
	char *name = NULL;

	write_file("lib/graphical.target", "");
	make_link("graphical.target", "lib/default.target");
	ck_assert_int_eq(install_get_default(&lp, &name), 0);
	ck_assert_str_eq(name, "graphical.target");
	free(name);
}
END_TEST

START_TEST(test_state_static_disabled_indirect)
{
	write_file("lib/static.service", "[Service]\nExecStart=/bin/true\n");
	write_file("lib/onlyinst.service", "[Install]\nDefaultInstance=x\n");
	write_file("lib/dis.service", "[Install]\nWantedBy=a.target\n");
	write_file("lib/alias-only.service", "[Install]\nAlias=ao.service\n");
	write_file("lib/ind.service", "[Install]\nAlso=dis.service\n");
	assert_state("static.service", "static");
	assert_state("onlyinst.service", "static");
	assert_state("dis.service", "disabled");
	assert_state("alias-only.service", "disabled");
	assert_state("ind.service", "indirect");
}
END_TEST

START_TEST(test_state_ignores_vendor_links)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\nAlias=foo2.service\n");
	write_file("lib/static.service", "[Service]\n");
	make_link("../foo.service", "lib/a.target.wants/foo.service");
	make_link("foo.service", "lib/foo2.service");
	make_link("../static.service", "lib/a.target.wants/static.service");
	assert_state("foo.service", "disabled");
	assert_state("static.service", "static");
	make_link(P("lib/foo.service"), "etc/b.target.wants/foo.service");
	assert_state("foo.service", "enabled");
}
END_TEST

START_TEST(test_state_alias_and_linked)
{
	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("outside/bar.service", "[Service]\n");
	make_link("foo.service", "lib/alias.service");
	make_link(P("outside/bar.service"), "etc/bar.service");
	assert_state("alias.service", "alias");
	assert_state("bar.service", "linked");
}
END_TEST

START_TEST(test_state_generated)
{
	char gen[PATH_MAX + 8];

	snprintf(gen, sizeof(gen), "%s/gen", root);
	mkdir(gen, 0755);
	lp.generator = strdup(gen);
	ck_assert_int_eq(strv_extend(&lp.search, gen), 0);
	write_file("gen/fstab.mount", "[Mount]\nWhat=/dev/sda\n");
	assert_state("fstab.mount", "generated");
}
END_TEST

START_TEST(test_state_bad_for_dangling_or_looping_link)
{
	make_link(P("lib/missing.service"), "etc/dangling.service");
	make_link("loop2.service", "lib/loop1.service");
	make_link("loop1.service", "lib/loop2.service");
	assert_state("dangling.service", "bad");
	assert_state("loop1.service", "bad");
}
END_TEST

START_TEST(test_state_unknown_and_invalid_names)
{
	const char *state = NULL;

	ck_assert_int_eq(install_get_state(&lp, "nope.service", &state), -ENOENT);
	ck_assert_int_eq(install_get_state(&lp, "nope", &state), -EINVAL);
}
END_TEST

START_TEST(test_state_instance_without_own_file_uses_template)
{
	write_file("lib/foo@.service", "[Install]\nWantedBy=a.target\n");
	assert_state("foo@x.service", "disabled");
	ck_assert_int_eq(enable1("foo@x.service", false, false, NULL), 0);
	assert_state("foo@x.service", "enabled");
	assert_state("foo@y.service", "disabled");
	assert_state("foo@.service", "indirect");
}
END_TEST

static const struct unit_file_entry *
find_entry(const struct unit_file_entry *e, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (streq(e[i].path, path))
			return &e[i];
	return NULL;
}

START_TEST(test_list_first_occurrence_wins)
{
	struct unit_file_entry *e = NULL;
	size_t n = 0;

	write_file("lib/foo.service", "[Install]\nWantedBy=a.target\n");
	write_file("etc/foo.service", "[Service]\n");
	write_file("lib/bar.service", "[Install]\nWantedBy=a.target\n");
	write_file("lib/not-a-unit.txt", "");
	ck_assert_int_eq(enable1("bar.service", false, false, NULL), 0);
	ck_assert_int_eq(mask1("baz.socket", false, false), 0);

	ck_assert_int_eq(install_list(&lp, NULL, &e, &n), 0);
	ck_assert_uint_eq(n, 3);
	/* Sorted by name. */
	ck_assert_str_eq(e[0].path, P("lib/bar.service"));
	ck_assert_str_eq(e[0].state, "enabled");
	ck_assert_str_eq(e[1].path, P("etc/baz.socket"));
	ck_assert_str_eq(e[1].state, "masked");
	ck_assert_str_eq(e[2].path, P("etc/foo.service"));
	ck_assert_str_eq(e[2].state, "static");
	ck_assert_ptr_null(find_entry(e, n, P("lib/foo.service")));
	unit_file_entries_free(e, n);
}
END_TEST

START_TEST(test_list_filters_with_patterns)
{
	struct unit_file_entry *e = NULL;
	size_t n = 0;
	char *patterns[] = { "*.socket", "b*", NULL };

	write_file("lib/a.service", "");
	write_file("lib/b.service", "");
	write_file("lib/c.socket", "");
	write_file("lib/d@.service", "");
	make_link(P("lib/a.service"), "lib/x.target.wants/a.service");
	ck_assert_int_eq(install_list(&lp, patterns, &e, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].path, P("lib/b.service"));
	ck_assert_str_eq(e[1].path, P("lib/c.socket"));
	unit_file_entries_free(e, n);

	char *tmpl[] = { "d@*", NULL };
	ck_assert_int_eq(install_list(&lp, tmpl, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(e[0].path, P("lib/d@.service"));
	ck_assert_str_eq(e[0].state, "static");
	unit_file_entries_free(e, n);
}
END_TEST

START_TEST(test_list_of_empty_tree_is_empty)
{
	struct unit_file_entry *e = NULL;
	size_t n = 7;

	ck_assert_int_eq(install_list(&lp, NULL, &e, &n), 0);
	ck_assert_uint_eq(n, 0);
	unit_file_entries_free(e, n);
}
END_TEST

static Suite *
install_suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tcase_create("install");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_enable_wanted_by_links_into_wants_dir);
	tcase_add_test(tc, test_enable_several_wanted_by_words_and_lines);
	tcase_add_test(tc, test_enable_required_by_and_upheld_by);
	tcase_add_test(tc, test_enable_alias_links_alias_name);
	tcase_add_test(tc, test_enable_alias_of_other_type_is_refused);
	tcase_add_test(tc, test_enable_also_enables_listed_units);
	tcase_add_test(tc, test_enable_static_unit_changes_nothing);
	tcase_add_test(tc, test_enable_unknown_unit_is_enoent_naming_it);
	tcase_add_test(tc, test_enable_invalid_name_is_einval);
	tcase_add_test(tc, test_enable_masked_unit_is_erfkill);
	tcase_add_test(tc, test_enable_twice_changes_nothing_the_second_time);
	tcase_add_test(tc, test_enable_conflicting_link_needs_force);
	tcase_add_test(tc, test_enable_runtime_links_into_runtime_dir);
	tcase_add_test(tc, test_enable_template_uses_default_instance);
	tcase_add_test(tc, test_enable_instance_links_to_template_file);
	tcase_add_test(tc, test_enable_template_without_default_instance_needs_template_target);
	tcase_add_test(tc, test_enable_instance_fills_template_target);
	tcase_add_test(tc, test_specifiers_expand_in_install_values);
	tcase_add_test(tc, test_bad_specifier_fails_naming_file);
	tcase_add_test(tc, test_empty_assignment_resets_list);
	tcase_add_test(tc, test_other_sections_are_ignored);
	tcase_add_test(tc, test_enable_through_alias_enables_real_unit);
	tcase_add_test(tc, test_enable_absolute_path_outside_search_links_it);
	tcase_add_test(tc, test_enable_absolute_path_inside_search_is_not_linked);
	tcase_add_test(tc, test_unit_in_config_dir_wins_over_vendor_copy);
	tcase_add_test(tc, test_disable_removes_every_link_of_the_unit);
	tcase_add_test(tc, test_disable_removes_links_named_for_unit_whatever_they_point_at);
	tcase_add_test(tc, test_disable_only_touches_chosen_config_dir);
	tcase_add_test(tc, test_disable_instance_keeps_sibling_instances);
	tcase_add_test(tc, test_disable_template_removes_all_instances);
	tcase_add_test(tc, test_disable_also_disables_listed_units);
	tcase_add_test(tc, test_disable_unknown_unit_is_enoent_naming_it);
	tcase_add_test(tc, test_disable_dangling_link_removes_stale_links);
	tcase_add_test(tc, test_disable_keeps_mask_and_default_target);
	tcase_add_test(tc, test_disable_keeps_unit_file_in_config_dir);
	tcase_add_test(tc, test_disable_linked_unit_removes_link);
	tcase_add_test(tc, test_mask_links_to_dev_null);
	tcase_add_test(tc, test_mask_unit_without_file);
	tcase_add_test(tc, test_mask_runtime_is_masked_runtime);
	tcase_add_test(tc, test_mask_refuses_real_file_without_force);
	tcase_add_test(tc, test_mask_invalid_name_is_einval);
	tcase_add_test(tc, test_mask_template_masks_instances);
	tcase_add_test(tc, test_unmask_removes_only_masks);
	tcase_add_test(tc, test_unmask_runtime_leaves_persistent_mask);
	tcase_add_test(tc, test_set_default_links_default_target);
	tcase_add_test(tc, test_set_default_refuses_unknown_and_non_targets);
	tcase_add_test(tc, test_set_default_over_real_file_needs_force);
	tcase_add_test(tc, test_get_default_follows_vendor_link);
	tcase_add_test(tc, test_state_static_disabled_indirect);
	tcase_add_test(tc, test_state_ignores_vendor_links);
	tcase_add_test(tc, test_state_alias_and_linked);
	tcase_add_test(tc, test_state_generated);
	tcase_add_test(tc, test_state_bad_for_dangling_or_looping_link);
	tcase_add_test(tc, test_state_unknown_and_invalid_names);
	tcase_add_test(tc, test_state_instance_without_own_file_uses_template);
	tcase_add_test(tc, test_list_first_occurrence_wins);
	tcase_add_test(tc, test_list_filters_with_patterns);
	tcase_add_test(tc, test_list_of_empty_tree_is_empty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(install_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
