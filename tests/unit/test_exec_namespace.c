/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount namespace group: its parsers, driven through their rows in
 * exec_sandbox_directives[] (so the offsets are tested too), and the path helpers of the
 * namespace step (chase(), path_under()). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec-namespace.h"
#include "core/exec-sandbox.h"
#include "core/spawn-namespace.h"
#include "fixture.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static int
apply(struct exec_sandbox *sb, const char *key, const char *value)
{
	struct parse_ctx c = { .file = "test.service", .line = 1, .section = "Service",
			       .key = key };

	for (const struct directive *d = exec_sandbox_directives; d->name; d++)
		if (streq(d->name, key))
			return d->parse(&c, value, d->arg, (char *)sb + d->offset);
	ck_abort_msg("no row for %s", key);
	return -ENOENT;
}

/* What a key set, as text. */
static char *
render(const struct exec_sandbox *sb, const char *key)
{
	const struct exec_namespace *n = &sb->ns;
	struct strbuf b = { 0 };
	char buf[64];

	if (endswith(key, "Paths") && !startswith(key, "Bind")) {
		char **l = streq(key, "ReadWritePaths") ? n->read_write_paths :
			   streq(key, "ReadOnlyPaths") ? n->read_only_paths : n->inaccessible_paths;

		STRV_FOREACH(s, l) {
			strbuf_puts(&b, *s);
			strbuf_putc(&b, '|');
		}
	} else if (startswith(key, "Bind")) {
		for (size_t i = 0; i < n->n_binds; i++) {
			const struct exec_bind *x = &n->binds[i];

			snprintf(buf, sizeof(buf), "%s%s>%s%s%s|", x->ignore_missing ? "-" : "",
				 x->source, x->destination, x->read_only ? ":ro" : "",
				 x->recursive ? "" : ":norbind");
			strbuf_puts(&b, buf);
		}
	} else if (streq(key, "TemporaryFileSystem")) {
		for (size_t i = 0; i < n->n_tmpfs; i++) {
			snprintf(buf, sizeof(buf), "%s[%s]|", n->tmpfs[i].path,
				 strempty(n->tmpfs[i].options));
			strbuf_puts(&b, buf);
		}
	} else {
		snprintf(buf, sizeof(buf), "%d/%d/%d/%d/%d/%d", n->protect_system, n->protect_home,
			 n->protect_proc, n->proc_subset, n->mount_propagation, n->private_mounts);
		strbuf_puts(&b, buf);
	}
	return strbuf_steal(&b) ?: strdup("");
}

static const struct case_row {
	const char *key, *value;
	int ret;
	const char *fields;
} cases[] = {
	/* system/home/proc/subset/propagation/private-mounts */
	{ "ProtectSystem", "yes", 0, "1/0/0/0/0/-1" },
	{ "ProtectSystem", "full", 0, "2/0/0/0/0/-1" },
	{ "ProtectSystem", "strict", 0, "3/0/0/0/0/-1" },
	{ "ProtectSystem", "no", 0, "0/0/0/0/0/-1" },
	{ "ProtectSystem", "bogus", -EINVAL, "0/0/0/0/0/-1" },
	{ "ProtectHome", "true", 0, "0/1/0/0/0/-1" },
	{ "ProtectHome", "read-only", 0, "0/2/0/0/0/-1" },
	{ "ProtectHome", "tmpfs", 0, "0/3/0/0/0/-1" },
	{ "ProtectHome", "readonly", -EINVAL, "0/0/0/0/0/-1" },
	{ "ProtectProc", "invisible", 0, "0/0/2/0/0/-1" },
	{ "ProtectProc", "ptraceable", 0, "0/0/3/0/0/-1" },
	{ "ProtectProc", "yes", -EINVAL, "0/0/0/0/0/-1" },
	{ "ProcSubset", "pid", 0, "0/0/0/1/0/-1" },
	{ "ProcSubset", "none", -EINVAL, "0/0/0/0/0/-1" },
	{ "MountFlags", "slave", 0, "0/0/0/0/2/-1" },
	{ "MountFlags", "private", 0, "0/0/0/0/3/-1" },
	{ "MountFlags", "rslave", -EINVAL, "0/0/0/0/0/-1" },
	{ "PrivateMounts", "no", 0, "0/0/0/0/0/0" },
	{ "ReadWritePaths", "/var/lib/x -/run//y/ +/srv -+/opt/z", 0,
	  "/var/lib/x|-/run/y|+/srv|-+/opt/z|" },
	{ "ReadOnlyPaths", "relative /a/../b /ok /./c", 0, "/ok|" },
	{ "InaccessiblePaths", "\"/with space\" /", 0, "/with space|/|" },
	{ "BindPaths", "/a /b:/c -/d:/e:norbind /f:/g:rbind", 0,
	  "/a>/a|/b>/c|-/d>/e:norbind|/f>/g|" },
	{ "BindReadOnlyPaths", "/a:/b", 0, "/a>/b:ro|" },
	{ "BindPaths", "rel:/b /a:rel /a:/b:bogus /ok", 0, "/ok>/ok|" },
	{ "TemporaryFileSystem", "/var:ro,size=10% /srv relative", 0, "/var[ro,size=10%]|/srv[]|" },
};

START_TEST(test_namespace_directive_table)
{
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct case_row *t = &cases[i];
		struct exec_sandbox *sb = exec_sandbox_new();
		char *got;
		int r;

		ck_assert_ptr_nonnull(sb);
		r = apply(sb, t->key, t->value);
		ck_assert_msg(r == t->ret, "%s=%s: returned %d, expected %d", t->key, t->value, r,
			      t->ret);
		got = render(sb, t->key);
		ck_assert_msg(streq(got, t->fields), "%s=%s: got '%s', expected '%s'", t->key,
			      t->value, got, t->fields);
		free(got);
		exec_sandbox_free(sb);
	}
}
END_TEST

START_TEST(test_lists_accumulate_and_empty_resets)
{
	struct exec_sandbox *sb = exec_sandbox_new();
	char *got;

	ck_assert_int_eq(apply(sb, "BindPaths", "/a"), 0);
	ck_assert_int_eq(apply(sb, "BindReadOnlyPaths", "/b"), 0);
	got = render(sb, "BindPaths");
	ck_assert_str_eq(got, "/a>/a|/b>/b:ro|");
	free(got);
	/* Either name resets both, as in systemd. */
	ck_assert_int_eq(apply(sb, "BindReadOnlyPaths", ""), 0);
	ck_assert_uint_eq(sb->ns.n_binds, 0);
	ck_assert_int_eq(apply(sb, "ReadOnlyPaths", "/a"), 0);
	ck_assert_int_eq(apply(sb, "ReadOnlyDirectories", "/b"), 0);
	got = render(sb, "ReadOnlyPaths");
	ck_assert_str_eq(got, "/a|/b|");
	free(got);
	ck_assert_int_eq(apply(sb, "ReadOnlyPaths", ""), 0);
	ck_assert_ptr_null(sb->ns.read_only_paths);
	ck_assert_int_eq(apply(sb, "TemporaryFileSystem", "/a /b"), 0);
	ck_assert_int_eq(apply(sb, "TemporaryFileSystem", ""), 0);
	ck_assert_uint_eq(sb->ns.n_tmpfs, 0);
	exec_sandbox_free(sb);
}
END_TEST

START_TEST(test_needs_mounts)
{
	struct exec_sandbox *sb = exec_sandbox_new();

	ck_assert(!exec_namespace_needs_mounts(&sb->ns));
	ck_assert_int_eq(apply(sb, "ProtectClock", "yes"), 0);
	ck_assert(!exec_namespace_needs_mounts(&sb->ns));
	ck_assert_int_eq(apply(sb, "PrivateNetwork", "yes"), 0);
	ck_assert(exec_namespace_needs_mounts(&sb->ns));
	ck_assert_int_eq(apply(sb, "PrivateMounts", "no"), 0);
	ck_assert(!exec_namespace_needs_mounts(&sb->ns));
	ck_assert_int_eq(apply(sb, "MountFlags", "shared"), 0);
	ck_assert(exec_namespace_needs_mounts(&sb->ns));
	exec_sandbox_free(sb);
}
END_TEST

START_TEST(test_path_under)
{
	ck_assert(path_under("/a/b", "/a"));
	ck_assert(path_under("/a", "/a"));
	ck_assert(path_under("/anything", "/"));
	ck_assert(!path_under("/ab", "/a"));
	ck_assert(!path_under("/a", "/a/b"));
}
END_TEST

static void
check_chase(const char *root, const char *path, const char *expected)
{
	char *got = NULL;
	char want[512];

	snprintf(want, sizeof(want), "%s", expected);
	ck_assert_int_eq(chase(root, path, &got), 0);
	ck_assert_msg(streq(got, want), "chase(%s, %s) = %s, expected %s", root, path, got, want);
	free(got);
}

START_TEST(test_chase)
{
	char want[512];
	const char *r;

	fixture_setup("ember-chase");
	r = fixture_root;
	fixture_write("usr/lib/modules/x", "");
	fixture_link("usr/lib", "lib");
	fixture_link("/usr/lib", "abs");
	fixture_link("../usr", "lib2");
	fixture_link("loop", "loop");
	/* Relative and absolute links, re-rooted below root. */
	snprintf(want, sizeof(want), "%s/usr/lib/modules", r);
	check_chase(r, "/lib/modules", want);
	check_chase(r, "/abs/modules", want);
	snprintf(want, sizeof(want), "%s/usr/lib", r);
	check_chase(r, "/lib2/lib", want);
	/* What does not exist yet is appended as it is. */
	snprintf(want, sizeof(want), "%s/usr/lib/new/deeper", r);
	check_chase(r, "/lib/new/deeper", want);
	/* ".." does not leave root. */
	snprintf(want, sizeof(want), "%s/usr", r);
	check_chase(r, "/../../usr", want);
	check_chase(r, "/", r);
	{
		char *got = NULL;

		ck_assert_int_eq(chase(r, "/loop/x", &got), -ELOOP);
	}
	check_chase("/", "/", "/");
	fixture_teardown();
}
END_TEST

static Suite *
exec_namespace_suite(void)
{
	Suite *s = suite_create("exec-namespace");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_namespace_directive_table);
	tcase_add_test(tc, test_lists_accumulate_and_empty_resets);
	tcase_add_test(tc, test_needs_mounts);
	tcase_add_test(tc, test_path_under);
	tcase_add_test(tc, test_chase);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(exec_namespace_suite());
	int failed;

	log_set_max_level(LOG_EMERG);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
