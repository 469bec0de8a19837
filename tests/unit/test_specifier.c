/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "macro.h"
#include "specifier.h"

static char *
expand(const char *text, const struct specifier_ctx *ctx)
{
	char *s = NULL;
	int r = specifier_expand(text, ctx, &s);

	ck_assert_msg(r == 0, "specifier_expand(\"%s\") = %d", text, r);
	return s;
}

static void
assert_expands(const char *text, const struct specifier_ctx *ctx, const char *want)
{
	char *s = expand(text, ctx);

	ck_assert_msg(streq(s, want), "\"%s\" expanded to \"%s\", want \"%s\"", text, s, want);
	free(s);
}

START_TEST(test_unit_name_specifiers_table)
{
	static const struct {
		const char *unit;
		const char *text;
		const char *out;
	} t[] = {
		{ "getty@tty1.service", "%n", "getty@tty1.service" },
		{ "getty@tty1.service", "%N", "getty@tty1" },
		{ "getty@tty1.service", "%p", "getty" },
		{ "getty@tty1.service", "%i", "tty1" },
		{ "getty@tty1.service", "%I", "tty1" },
		{ "foo.service", "%N", "foo" },
		{ "foo.service", "%p", "foo" },
		{ "foo.service", "[%i]", "[]" },
		{ "foo.service", "%f", "/foo" },
		{ "systemd-fsck@dev-disk-by\\x2dlabel-x.service", "%i", "dev-disk-by\\x2dlabel-x" },
		{ "systemd-fsck@dev-disk-by\\x2dlabel-x.service", "%I", "dev/disk/by-label/x" },
		{ "systemd-fsck@dev-disk-by\\x2dlabel-x.service", "%f", "/dev/disk/by-label/x" },
		{ "foo\\x2dbar-baz@x.service", "%p|%P", "foo\\x2dbar-baz|foo-bar/baz" },
		{ "foo\\x2dbar-baz@x.service", "%j|%J", "baz|baz" },
		{ "a-b\\x20c.service", "%j|%J", "b\\x20c|b c" },
		{ "plain.service", "%j", "plain" },
		{ "foo@-.service", "%f", "/" },
		{ "foo@.service", "[%i][%f]", "[][/]" },
		{ "foo@bar-.service", "%f", "/bar/" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		struct specifier_ctx ctx = { .unit_name = t[i].unit };

		assert_expands(t[i].text, &ctx, t[i].out);
	}
}
END_TEST

START_TEST(test_context_fields_are_used)
{
	struct specifier_ctx ctx = {
		.user_name = "alice", .uid = "1000", .group_name = "users", .gid = "100",
		.home = "/home/alice", .shell = "/bin/zsh", .runtime_dir = "/run/user/1000",
		.state_dir = "/home/alice/.config", .cache_dir = "/home/alice/.cache",
		.logs_dir = "/home/alice/.config/log", .config_dir = "/home/alice/.config",
		.fragment_path = "/etc/ember/system/foo.service",
	};

	assert_expands("%u:%U:%g:%G", &ctx, "alice:1000:users:100");
	assert_expands("%h %s", &ctx, "/home/alice /bin/zsh");
	assert_expands("%t|%S|%C|%L|%E", &ctx,
		       "/run/user/1000|/home/alice/.config|/home/alice/.cache|"
		       "/home/alice/.config/log|/home/alice/.config");
	assert_expands("%y", &ctx, "/etc/ember/system/foo.service");
	assert_expands("%Y", &ctx, "/etc/ember/system");
	ctx.fragment_path = "/foo.service";
	assert_expands("%Y", &ctx, "/");
}
END_TEST

START_TEST(test_percent_and_plain_text)
{
	assert_expands("", NULL, "");
	assert_expands("no specifiers", NULL, "no specifiers");
	assert_expands("100%%", NULL, "100%");
	assert_expands("%%n", NULL, "%n");
	assert_expands("a%%%%b", NULL, "a%%b");
}
END_TEST

START_TEST(test_unknown_specifier_fails_and_keeps_ret)
{
	static const char *const bad[] = { "%z", "trailing %", "%", "ok %n then %Q" };

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		char *s = (char *)"untouched";

		ck_assert_int_eq(specifier_expand(bad[i], NULL, &s), -EBADSLT);
		ck_assert_str_eq(s, "untouched");
	}
}
END_TEST

START_TEST(test_invalid_unit_name_is_an_error)
{
	struct specifier_ctx ctx = { .unit_name = "no-suffix" };
	char *s = (char *)"untouched";

	ck_assert_int_eq(specifier_expand("%p", &ctx, &s), -EINVAL);
	ck_assert_str_eq(s, "untouched");
	assert_expands("%n", &ctx, "no-suffix");
}
END_TEST

START_TEST(test_null_fields_expand_to_empty)
{
	struct specifier_ctx ctx = { 0 };

	assert_expands("[%n%N%p%P%i%I%j%J%y%Y]", &ctx, "[]");
}
END_TEST

START_TEST(test_user_fallbacks_use_own_ids)
{
	char want[64];

	snprintf(want, sizeof(want), "%lu:%lu", (unsigned long)getuid(), (unsigned long)getgid());
	assert_expands("%U:%G", NULL, want);
	if (getuid() == 0) {
		assert_expands("%u %h %s", NULL, "root /root /bin/sh");
		assert_expands("%t %S %C %L %E", NULL, "/run /var/lib /var/cache /var/log /etc");
	}
	if (getgid() == 0)
		assert_expands("%g", NULL, "root");
}
END_TEST

START_TEST(test_tmp_dirs_follow_environment)
{
	unsetenv("TMPDIR");
	unsetenv("TEMP");
	unsetenv("TMP");
	assert_expands("%T %V", NULL, "/tmp /var/tmp");
	setenv("TMP", "/scratch", 1);
	assert_expands("%T %V", NULL, "/scratch /scratch");
	setenv("TMPDIR", "relative", 1);
	assert_expands("%T", NULL, "/scratch");
	unsetenv("TMP");
	unsetenv("TMPDIR");
}
END_TEST

START_TEST(test_host_and_kernel_specifiers)
{
	struct utsname u;
	char want[sizeof(u.nodename) * 2 + sizeof(u.release) + 4];
	size_t n;

	ck_assert_int_eq(uname(&u), 0);
	n = strcspn(u.nodename, ".");
	snprintf(want, sizeof(want), "%s|%.*s|%s", u.nodename, (int)n, u.nodename, u.release);
	assert_expands("%H|%l|%v", NULL, want);
	if (streq(u.machine, "x86_64"))
		assert_expands("%a", NULL, "x86-64");
	else if (streq(u.machine, "aarch64"))
		assert_expands("%a", NULL, "arm64");
}
END_TEST

/* Reads the first line of path with the dashes removed, as the specifiers format IDs. */
static bool
read_id(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	char line[128];
	size_t n = 0;

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return false;
	}
	fclose(f);
	for (char *c = line; *c && *c != '\n' && n + 1 < size; c++)
		if (*c != '-')
			buf[n++] = *c;
	buf[n] = 0;
	return n == 32;
}

START_TEST(test_machine_and_boot_id)
{
	char want[64];
	char *a, *b;

	if (read_id("/etc/machine-id", want, sizeof(want)))
		assert_expands("%m", NULL, want);
	ck_assert(read_id("/proc/sys/kernel/random/boot_id", want, sizeof(want)));
	assert_expands("%b", NULL, want);
	/* The cached value is the same on the next call. */
	a = expand("%b%m", NULL);
	b = expand("%b%m", NULL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_os_release_fields)
{
	FILE *f = fopen("/etc/os-release", "re");
	char line[512], id[512] = "";
	char *got;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (!startswith(line, "ID="))
			continue;
		v = line + 3;
		v[strcspn(v, "\n")] = 0;
		if (*v == '"') {
			v++;
			v[strcspn(v, "\"")] = 0;
		}
		snprintf(id, sizeof(id), "%s", v);
	}
	fclose(f);
	got = expand("%o", NULL);
	ck_assert_str_eq(got, id);
	free(got);
	/* VERSION_ID="12" on Debian: quotes are removed. */
	got = expand("%w", NULL);
	ck_assert_ptr_null(strchr(got, '"'));
	free(got);
}
END_TEST

static Suite *
specifier_suite(void)
{
	Suite *s = suite_create("specifier");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_unit_name_specifiers_table);
	tcase_add_test(tc, test_context_fields_are_used);
	tcase_add_test(tc, test_percent_and_plain_text);
	tcase_add_test(tc, test_unknown_specifier_fails_and_keeps_ret);
	tcase_add_test(tc, test_invalid_unit_name_is_an_error);
	tcase_add_test(tc, test_null_fields_expand_to_empty);
	tcase_add_test(tc, test_user_fallbacks_use_own_ids);
	tcase_add_test(tc, test_tmp_dirs_follow_environment);
	tcase_add_test(tc, test_host_and_kernel_specifiers);
	tcase_add_test(tc, test_machine_and_boot_id);
	tcase_add_test(tc, test_os_release_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(specifier_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
