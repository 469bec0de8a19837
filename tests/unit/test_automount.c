/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Automount units at load time (automount-config.c): the settings, Where= against the
 * name, the file systems where no placeholder may go, ExtraOptions=, and the implicit
 * dependencies of a system manager's automount. Starting one needs the kernel: that is
 * test_autofs.c and tests/integration/test-automount.sh. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/manager.h"
#include "core/unit.h"
#include "fixture.h"
#include "macro.h"
#include "units/automount.h"

static struct manager *m;

static void
setup(void)
{
	fixture_setup("test-automount");
}

static void
teardown(void)
{
	m = manager_free(m);
	fixture_teardown();
}

/* The files are written; a system manager's view of them. */
static struct unit *
load(const char *name)
{
	if (!m) {
		m = fixture_manager(NULL);
		m->scope = SCOPE_SYSTEM; /* the default dependencies of the system manager */
	}
	return fixture_load(m, name);
}

static bool
has_dep(struct unit *u, enum unit_dependency d, const char *name)
{
	struct unit *other = manager_get_unit(m, name);

	return other && unit_has_dependency(u, d, other);
}

START_TEST(test_automount_triggers_its_mount_and_orders_around_it)
{
	struct unit *u, *mnt;

	fixture_write("mnt-data.mount", "[Mount]\nWhat=/srv/data.img\nType=ext4\n");
	fixture_write("mnt-data.automount", "[Automount]\nWhere=/mnt/data\n");
	fixture_write("mnt.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	u = load("mnt-data.automount");
	ck_assert_int_eq(u->load_state, UNIT_LOADED);
	mnt = manager_get_unit(m, "mnt-data.mount");
	ck_assert_ptr_eq(automount_trigger_unit(u), mnt);
	ck_assert(unit_has_dependency(u, UNIT_TRIGGERS, mnt));
	ck_assert(unit_has_dependency(mnt, UNIT_TRIGGERED_BY, u));
	ck_assert(unit_has_dependency(u, UNIT_BEFORE, mnt));
	ck_assert(has_dep(u, UNIT_BEFORE, "local-fs.target"));
	ck_assert(!has_dep(u, UNIT_BEFORE, "remote-fs.target"));
	ck_assert(has_dep(u, UNIT_CONFLICTS, "umount.target"));
	ck_assert(has_dep(u, UNIT_BEFORE, "umount.target"));
	/* The parent's mount has a file: after it. */
	ck_assert(has_dep(u, UNIT_AFTER, "mnt.mount"));
	/* Nothing says "/" is a unit here: no edge to a unit nobody knows. */
	ck_assert(!has_dep(u, UNIT_AFTER, "-.mount"));
	ck_assert_str_eq(AUTOMOUNT(u)->where, "/mnt/data");
}
END_TEST

START_TEST(test_automount_after_a_parent_automount)
{
	struct unit *u;

	fixture_write("srv.automount", "[Automount]\nWhere=/srv\n");
	fixture_write("srv.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	fixture_write("srv-a-b.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	fixture_write("srv-a-b.automount", "[Automount]\n");
	u = load("srv-a-b.automount");
	ck_assert_int_eq(u->load_state, UNIT_LOADED);
	ck_assert(has_dep(u, UNIT_AFTER, "srv.automount"));
	ck_assert(has_dep(u, UNIT_AFTER, "srv.mount"));
	ck_assert(!has_dep(u, UNIT_AFTER, "srv-a.mount"));
	/* Without Where= the name says it. */
	ck_assert_str_eq(AUTOMOUNT(u)->where, "/srv/a/b");
}
END_TEST

START_TEST(test_automount_of_a_network_mount_is_before_remote_fs)
{
	struct unit *u;

	fixture_write("mnt-nfs.mount", "[Mount]\nWhat=server:/export\nType=nfs\n");
	fixture_write("mnt-nfs.automount", "[Automount]\nWhere=/mnt/nfs\n");
	fixture_write("mnt-net.mount", "[Mount]\nWhat=/dev/sdx\nType=ext4\nOptions=_netdev\n");
	fixture_write("mnt-net.automount", "[Automount]\n");
	u = load("mnt-nfs.automount");
	ck_assert(has_dep(u, UNIT_BEFORE, "remote-fs.target"));
	ck_assert(!has_dep(u, UNIT_BEFORE, "local-fs.target"));
	u = load("mnt-net.automount");
	ck_assert(has_dep(u, UNIT_BEFORE, "remote-fs.target"));
}
END_TEST

START_TEST(test_settings_and_their_defaults)
{
	struct automount *a;

	fixture_write("mnt-a.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	fixture_write("mnt-b.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	fixture_write("mnt-c.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\n");
	fixture_write("mnt-a.automount", "[Automount]\nWhere=/mnt/a\n");
	fixture_write("mnt-b.automount",
		      "[Automount]\nWhere=//mnt//b/\nDirectoryMode=0700\nTimeoutIdleSec=2min\n"
		      "ExtraOptions=strictexpire,uid=1000\n");
	fixture_write("mnt-c.automount", "[Automount]\nTimeoutIdleSec=0\n");
	a = AUTOMOUNT(load("mnt-a.automount"));
	ck_assert_uint_eq(a->directory_mode, 0755);
	ck_assert(a->timeout_idle == USEC_INFINITY);
	ck_assert_ptr_null(a->extra_options);
	a = AUTOMOUNT(load("mnt-b.automount"));
	ck_assert_int_eq(UNIT(a)->load_state, UNIT_LOADED);
	ck_assert_str_eq(a->where, "/mnt/b");
	ck_assert_uint_eq(a->directory_mode, 0700);
	ck_assert(a->timeout_idle == 120 * USEC_PER_SEC);
	ck_assert_str_eq(a->extra_options, "strictexpire,uid=1000");
	a = AUTOMOUNT(load("mnt-c.automount"));
	ck_assert(a->timeout_idle == USEC_INFINITY);
	ck_assert_str_eq(unit_sub_state_to_string(UNIT(a)), "dead");
}
END_TEST

static const struct { const char *name, *text, *reason; } bad_units[] = {
	{ "mnt-x.automount", "[Automount]\nWhere=/mnt/y\n",
	  "Where=/mnt/y does not match the unit name mnt-x.automount" },
	{ "proc-sys-kernel.automount", "[Automount]\nWhere=/proc/sys/kernel\n", "API file system" },
	{ "sys-kernel-debug.automount", "[Automount]\n", "API file system" },
	{ "proc.automount", "[Automount]\n", "API file system" },
	{ "dev.automount", "[Automount]\n", "API file system" },
	{ "run.automount", "[Automount]\n", "API file system" },
	{ "-.automount", "[Automount]\nWhere=/\n", "API file system" },
	{ "mnt-o.automount", "[Automount]\nExtraOptions=fd=3\n", "option 'fd=3'" },
	{ "mnt-p.automount", "[Automount]\nExtraOptions=ro,indirect\n", "option 'ro'" },
};

START_TEST(test_bad_settings_refuse_the_unit_with_a_reason)
{
	for (size_t i = 0; i < ELEMENTSOF(bad_units); i++)
		fixture_write(bad_units[i].name, bad_units[i].text);
	for (size_t i = 0; i < ELEMENTSOF(bad_units); i++) {
		struct unit *u = load(bad_units[i].name);

		ck_assert_msg(u->load_state == UNIT_BAD_SETTING, "%s: load state %s",
			      bad_units[i].name, unit_load_state_to_string(u->load_state));
		ck_assert_ptr_nonnull(u->load_error);
		ck_assert_msg(strstr(u->load_error, bad_units[i].reason), "%s: %s",
			      bad_units[i].name, u->load_error);
		ck_assert_int_eq(unit_start(u), -ENOEXEC);
	}
}
END_TEST

START_TEST(test_paths_below_dev_and_run_and_binfmt_misc_are_allowed)
{
	fixture_write("run-media-usb.mount", "[Mount]\nWhat=/dev/sdz1\n");
	fixture_write("run-media-usb.automount", "[Automount]\n");
	/* As Debian ships them. */
	fixture_write("proc-sys-fs-binfmt_misc.mount",
		      "[Mount]\nWhat=binfmt_misc\nWhere=/proc/sys/fs/binfmt_misc\nType=binfmt_misc\n");
	fixture_write("proc-sys-fs-binfmt_misc.automount",
		      "[Unit]\nDefaultDependencies=no\n[Automount]\nWhere=/proc/sys/fs/binfmt_misc\n");
	ck_assert_int_eq(load("run-media-usb.automount")->load_state, UNIT_LOADED);
	ck_assert_int_eq(load("proc-sys-fs-binfmt_misc.automount")->load_state, UNIT_LOADED);
}
END_TEST

static Suite *
automount_suite(void)
{
	Suite *s = suite_create("automount");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_automount_triggers_its_mount_and_orders_around_it);
	tcase_add_test(tc, test_automount_after_a_parent_automount);
	tcase_add_test(tc, test_automount_of_a_network_mount_is_before_remote_fs);
	tcase_add_test(tc, test_settings_and_their_defaults);
	tcase_add_test(tc, test_bad_settings_refuse_the_unit_with_a_reason);
	tcase_add_test(tc, test_paths_below_dev_and_run_and_binfmt_misc_are_allowed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(automount_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
