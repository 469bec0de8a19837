/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fstab_generate(): every option ember-fstab(5) lists turns into the unit lines and links
 * it says, read back from the files the generator writes. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "fixture.h"
#include "macro.h"
#include "units/fstab-generator.h"

static char *
read_rel(const char *rel)
{
	char *text = NULL;
	size_t len;
	int fd = open(fixture_path(rel), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	ck_assert_int_eq(read_full_fd(fd, 1 << 20, &text, &len), 0);
	close(fd);
	return text;
}

/* Generates from fstab text into ROOT/gen. */
static void
generate(const char *fstab)
{
	fixture_write("fstab", fstab);
	ck_assert_int_eq(fstab_generate(fixture_path("fstab"), fixture_path("gen")), 0);
}

static void
assert_has(const char *rel, const char *line)
{
	char *text = read_rel(rel);

	ck_assert_msg(text, "%s was not written", rel);
	ck_assert_msg(strstr(text, line), "%s lacks \"%s\":\n%s", rel, line, text);
	free(text);
}

static void
assert_lacks(const char *rel, const char *line)
{
	char *text = read_rel(rel);

	ck_assert_msg(text, "%s was not written", rel);
	ck_assert_msg(!strstr(text, line), "%s has \"%s\":\n%s", rel, line, text);
	free(text);
}

static bool
exists(const char *rel)
{
	return access(fixture_path(rel), F_OK) == 0;
}

static void
setup(void)
{
	fixture_setup("fstab-gen");
}

START_TEST(test_plain_mount_and_fsck)
{
	generate("/dev/sdb1 /srv/data ext4 defaults 0 2\n");
	assert_has("gen/srv-data.mount", "What=/dev/sdb1\n");
	assert_has("gen/srv-data.mount", "Where=/srv/data\n");
	assert_has("gen/srv-data.mount", "Type=ext4\n");
	assert_has("gen/srv-data.mount", "SourcePath=");
	assert_lacks("gen/srv-data.mount", "Options=");
	assert_has("gen/srv-data.mount", "Requires=systemd-fsck@dev-sdb1.service\n");
	assert_has("gen/srv-data.mount", "After=systemd-fsck@dev-sdb1.service\n");
	ck_assert(exists("gen/local-fs.target.requires/srv-data.mount"));
}
END_TEST

START_TEST(test_nofail_noauto_netdev)
{
	generate("tmpfs /a tmpfs nofail 0 0\n"
		 "tmpfs /b tmpfs noauto 0 0\n"
		 "nas:/x /c nfs defaults 0 2\n"
		 "/dev/sdc1 /d ext4 _netdev 0 0\n");
	ck_assert(exists("gen/local-fs.target.wants/a.mount"));
	ck_assert(!exists("gen/local-fs.target.requires/a.mount"));
	ck_assert(exists("gen/b.mount"));
	ck_assert(!exists("gen/local-fs.target.requires/b.mount"));
	ck_assert(!exists("gen/local-fs.target.wants/b.mount"));
	ck_assert(exists("gen/remote-fs.target.requires/c.mount"));
	/* No check for a network file system, pass number or not. */
	assert_lacks("gen/c.mount", "systemd-fsck@");
	ck_assert(exists("gen/remote-fs.target.requires/d.mount"));
}
END_TEST

START_TEST(test_automount_options)
{
	generate("/dev/sdb1 /home ext4 x-systemd.automount,x-systemd.idle-timeout=10min 0 0\n"
		 "/dev/sdb2 /opt ext4 noauto,comment=systemd.automount 0 0\n");
	assert_has("gen/home.automount", "Where=/home\n");
	assert_has("gen/home.automount", "TimeoutIdleSec=10min\n");
	ck_assert(exists("gen/home.mount"));
	/* The automount is what the target pulls in, not the mount. */
	ck_assert(exists("gen/local-fs.target.requires/home.automount"));
	ck_assert(!exists("gen/local-fs.target.requires/home.mount"));
	/* noauto keeps the mount from boot, not the automount in front of it. */
	ck_assert(exists("gen/local-fs.target.requires/opt.automount"));
}
END_TEST

START_TEST(test_x_systemd_ordering_and_timeouts)
{
	generate("/dev/sdb1 /m ext4 x-systemd.requires=/srv,x-systemd.requires=/dev/sdz,"
		 "x-systemd.requires=net.service,x-systemd.after=a.service,"
		 "x-systemd.before=b.service,x-systemd.mount-timeout=30s,"
		 "x-systemd.device-timeout=5s 0 0\n");
	assert_has("gen/m.mount", "Requires=srv.mount\n");
	assert_has("gen/m.mount", "Requires=dev-sdz.device\n");
	assert_has("gen/m.mount", "Requires=net.service\n");
	assert_has("gen/m.mount", "After=net.service\n");
	assert_has("gen/m.mount", "After=a.service\n");
	assert_has("gen/m.mount", "Before=b.service\n");
	assert_has("gen/m.mount", "TimeoutSec=30s\n");
	assert_has("gen/dev-sdb1.device.d/50-device-timeout.conf", "JobRunningTimeoutSec=5s\n");
}
END_TEST

START_TEST(test_labels_are_udev_links)
{
	generate("LABEL=my\\040disk /l ext4 defaults 0 0\n"
		 "UUID=1234-ABCD /u vfat defaults 0 0\n"
		 "PARTLABEL=efi /p vfat defaults 0 0\n");
	assert_has("gen/l.mount", "What=/dev/disk/by-label/my\\x20disk\n");
	assert_has("gen/u.mount", "What=/dev/disk/by-uuid/1234-ABCD\n");
	assert_has("gen/p.mount", "What=/dev/disk/by-partlabel/efi\n");
}
END_TEST

START_TEST(test_swap_and_skipped_lines)
{
	generate("# a comment\n"
		 "\n"
		 "/swapfile none swap pri=5,nofail 0 0\n"
		 "/dev/sda1 / ext4 defaults 0 1\n"
		 "/dev/sda2 /usr ext4 defaults 0 2\n"
		 "x y\n"
		 "tmpfs relative tmpfs defaults 0 0\n"
		 "tmpfs /ign ignore defaults 0 0\n"
		 "tmpfs /t tmpfs size=1m 0 0\n"
		 "tmpfs /t tmpfs size=2m 0 0\n"
		 "tmpfs /pct tmpfs mode=0%755 0 0\n");
	assert_has("gen/swapfile.swap", "What=/swapfile\n");
	assert_has("gen/swapfile.swap", "Options=pri=5,nofail\n");
	ck_assert(exists("gen/swap.target.wants/swapfile.swap"));
	ck_assert(!exists("gen/-.mount"));
	ck_assert(!exists("gen/usr.mount"));
	ck_assert(!exists("gen/ign.mount"));
	/* The first line for a mount point counts. */
	assert_has("gen/t.mount", "Options=size=1m\n");
	/* '%' would start a specifier in a unit file. */
	assert_has("gen/pct.mount", "Options=mode=0%%755\n");
}
END_TEST

START_TEST(test_regenerating_clears_old_units)
{
	generate("tmpfs /old tmpfs defaults 0 0\n");
	ck_assert(exists("gen/old.mount"));
	generate("tmpfs /new tmpfs defaults 0 0\n");
	ck_assert(!exists("gen/old.mount"));
	ck_assert(!exists("gen/local-fs.target.requires/old.mount"));
	ck_assert(exists("gen/new.mount"));
}
END_TEST

START_TEST(test_missing_fstab_is_no_error)
{
	ck_assert_int_eq(fstab_generate(fixture_path("no-such-fstab"), fixture_path("gen")), 0);
	ck_assert(exists("gen"));
}
END_TEST

static Suite *
fstab_suite(void)
{
	Suite *s = suite_create("fstab_generator");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, fixture_teardown);
	tcase_add_test(tc, test_plain_mount_and_fsck);
	tcase_add_test(tc, test_nofail_noauto_netdev);
	tcase_add_test(tc, test_automount_options);
	tcase_add_test(tc, test_x_systemd_ordering_and_timeouts);
	tcase_add_test(tc, test_labels_are_udev_links);
	tcase_add_test(tc, test_swap_and_skipped_lines);
	tcase_add_test(tc, test_regenerating_clears_old_units);
	tcase_add_test(tc, test_missing_fstab_is_no_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fstab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
