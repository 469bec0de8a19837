/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* condition.c directly: parsing of the '|' and '!' prefixes, each implemented condition
 * with a true and a false case (paths in a temp dir, the real /proc/cmdline, hostname and
 * uid of this process, a given environment), and the list semantics. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/condition.h"
#include "macro.h"
#include "strv.h"

static char dir[PATH_MAX];

static const char *
P(const char *rel)
{
	static char bufs[8][PATH_MAX + 64];
	static unsigned k;
	char *b = bufs[k++ % ELEMENTSOF(bufs)];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, rel);
	return b;
}

static void
write_file(const char *rel, const char *text, mode_t mode)
{
	int fd = open(P(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(P(rel), mode), 0);
}

static void
setup(void)
{
	char tmpl[] = "/tmp/test-condition-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s", tmpl);
	write_file("file", "content\n", 0644);
	write_file("empty", "", 0644);
	write_file("script", "#!/bin/sh\n", 0755);
	ck_assert_int_eq(mkdir(P("dir"), 0755), 0);
	ck_assert_int_eq(mkdir(P("emptydir"), 0755), 0);
	ck_assert_int_eq(mkdir(P("hiddendir"), 0755), 0);
	write_file("dir/a.txt", "x", 0644);
	write_file("hiddendir/.hidden", "x", 0644);
	ck_assert_int_eq(symlink(P("file"), P("link")), 0);
	ck_assert_int_eq(symlink(P("nowhere"), P("dangling")), 0);
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
teardown(void)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Evaluates one condition "value" (with its prefixes) of type t. */
static bool
check_env(enum condition_type t, const char *value, char *const *env)
{
	struct condition *c = NULL;
	bool r;

	ck_assert_int_eq(condition_new(t, value, &c), 0);
	r = condition_test(c, env);
	ck_assert_int_eq(c->result, r ? CONDITION_SUCCEEDED : CONDITION_FAILED);
	condition_free_list(c);
	return r;
}

static bool
check(enum condition_type t, const char *value)
{
	return check_env(t, value, NULL);
}

static bool
check_path(enum condition_type t, const char *rel)
{
	return check(t, P(rel));
}

/* Parsing and names. */

START_TEST(test_condition_new_parses_prefixes)
{
	struct condition *c;

	ck_assert_int_eq(condition_new(CONDITION_PATH_EXISTS, "/x", &c), 0);
	ck_assert(!c->trigger && !c->negate);
	ck_assert_str_eq(c->parameter, "/x");
	ck_assert_int_eq(c->result, CONDITION_UNTESTED);
	ck_assert_ptr_null(c->next);
	condition_free_list(c);

	ck_assert_int_eq(condition_new(CONDITION_PATH_EXISTS, "!/x", &c), 0);
	ck_assert(!c->trigger && c->negate);
	ck_assert_str_eq(c->parameter, "/x");
	condition_free_list(c);

	ck_assert_int_eq(condition_new(CONDITION_PATH_EXISTS, "|/x", &c), 0);
	ck_assert(c->trigger && !c->negate);
	ck_assert_str_eq(c->parameter, "/x");
	condition_free_list(c);

	ck_assert_int_eq(condition_new(CONDITION_PATH_EXISTS, "|!/x", &c), 0);
	ck_assert(c->trigger && c->negate);
	ck_assert_str_eq(c->parameter, "/x");
	ck_assert_int_eq(c->type, CONDITION_PATH_EXISTS);
	condition_free_list(c);
}
END_TEST

START_TEST(test_condition_append_keeps_order)
{
	struct condition *list = NULL, *a, *b, *c;

	condition_new(CONDITION_HOST, "a", &a);
	condition_new(CONDITION_HOST, "b", &b);
	condition_new(CONDITION_HOST, "c", &c);
	condition_append(&list, a);
	condition_append(&list, b);
	condition_append(&list, c);
	ck_assert_ptr_eq(list, a);
	ck_assert_ptr_eq(a->next, b);
	ck_assert_ptr_eq(b->next, c);
	ck_assert_ptr_null(c->next);
	ck_assert_ptr_null(condition_free_list(list));
	ck_assert_ptr_null(condition_free_list(NULL));
}
END_TEST

START_TEST(test_condition_type_names_round_trip)
{
	for (int t = 0; t < _CONDITION_TYPE_MAX; t++) {
		const char *n = condition_type_to_string(t);

		ck_assert_msg(n != NULL, "type %d has no name", t);
		ck_assert_int_eq(condition_type_from_string(n), t);
	}
	/* The parser passes the part after "Condition"/"Assert". */
	ck_assert_int_eq(condition_type_from_string("PathExists"), CONDITION_PATH_EXISTS);
	ck_assert_int_eq(condition_type_from_string("KernelCommandLine"),
			 CONDITION_KERNEL_COMMAND_LINE);
	ck_assert_int_eq(condition_type_from_string("pathexists"), _CONDITION_TYPE_INVALID);
	ck_assert_int_eq(condition_type_from_string("NoSuchThing"), _CONDITION_TYPE_INVALID);
	ck_assert_int_eq(condition_type_from_string(""), _CONDITION_TYPE_INVALID);
	ck_assert_ptr_null(condition_type_to_string(_CONDITION_TYPE_MAX));
	ck_assert_ptr_null(condition_type_to_string(_CONDITION_TYPE_INVALID));
}
END_TEST

/* Path conditions. */

START_TEST(test_path_exists)
{
	ck_assert(check_path(CONDITION_PATH_EXISTS, "file"));
	ck_assert(check_path(CONDITION_PATH_EXISTS, "dir"));
	ck_assert(!check_path(CONDITION_PATH_EXISTS, "missing"));
	ck_assert(!check_path(CONDITION_PATH_EXISTS, "dangling"));
}
END_TEST

START_TEST(test_path_exists_negated)
{
	char v[PATH_MAX + 80];

	snprintf(v, sizeof(v), "!%s", P("missing"));
	ck_assert(check(CONDITION_PATH_EXISTS, v));
	snprintf(v, sizeof(v), "!%s", P("file"));
	ck_assert(!check(CONDITION_PATH_EXISTS, v));
}
END_TEST

START_TEST(test_path_exists_glob)
{
	ck_assert(check_path(CONDITION_PATH_EXISTS_GLOB, "dir/*.txt"));
	ck_assert(check_path(CONDITION_PATH_EXISTS_GLOB, "d?r/a.*"));
	ck_assert(!check_path(CONDITION_PATH_EXISTS_GLOB, "dir/*.conf"));
	ck_assert(!check_path(CONDITION_PATH_EXISTS_GLOB, "nodir/*"));
}
END_TEST

START_TEST(test_path_is_directory)
{
	ck_assert(check_path(CONDITION_PATH_IS_DIRECTORY, "dir"));
	ck_assert(!check_path(CONDITION_PATH_IS_DIRECTORY, "file"));
	ck_assert(!check_path(CONDITION_PATH_IS_DIRECTORY, "missing"));
}
END_TEST

START_TEST(test_path_is_symbolic_link)
{
	ck_assert(check_path(CONDITION_PATH_IS_SYMBOLIC_LINK, "link"));
	ck_assert(check_path(CONDITION_PATH_IS_SYMBOLIC_LINK, "dangling"));
	ck_assert(!check_path(CONDITION_PATH_IS_SYMBOLIC_LINK, "file"));
	ck_assert(!check_path(CONDITION_PATH_IS_SYMBOLIC_LINK, "missing"));
}
END_TEST

START_TEST(test_path_is_mount_point)
{
	struct stat root, proc;

	ck_assert(check(CONDITION_PATH_IS_MOUNT_POINT, "/"));
	/* /proc is its own file system wherever these tests can run. */
	if (stat("/", &root) == 0 && stat("/proc", &proc) == 0 && root.st_dev != proc.st_dev)
		ck_assert(check(CONDITION_PATH_IS_MOUNT_POINT, "/proc"));
	ck_assert(!check_path(CONDITION_PATH_IS_MOUNT_POINT, "dir"));
	ck_assert(!check_path(CONDITION_PATH_IS_MOUNT_POINT, "missing"));
}
END_TEST

START_TEST(test_path_is_read_write)
{
	ck_assert(check(CONDITION_PATH_IS_READ_WRITE, dir));
	ck_assert(!check_path(CONDITION_PATH_IS_READ_WRITE, "missing"));
}
END_TEST

START_TEST(test_path_is_encrypted_is_false_without_detection)
{
	ck_assert(!check(CONDITION_PATH_IS_ENCRYPTED, "/"));
	ck_assert(check(CONDITION_PATH_IS_ENCRYPTED, "!/"));
}
END_TEST

START_TEST(test_directory_not_empty)
{
	ck_assert(check_path(CONDITION_DIRECTORY_NOT_EMPTY, "dir"));
	ck_assert(!check_path(CONDITION_DIRECTORY_NOT_EMPTY, "emptydir"));
	/* Hidden entries do not count (as in systemd). */
	ck_assert(!check_path(CONDITION_DIRECTORY_NOT_EMPTY, "hiddendir"));
	ck_assert(!check_path(CONDITION_DIRECTORY_NOT_EMPTY, "file"));
	ck_assert(!check_path(CONDITION_DIRECTORY_NOT_EMPTY, "missing"));
}
END_TEST

START_TEST(test_file_not_empty)
{
	ck_assert(check_path(CONDITION_FILE_NOT_EMPTY, "file"));
	ck_assert(check_path(CONDITION_FILE_NOT_EMPTY, "link"));
	ck_assert(!check_path(CONDITION_FILE_NOT_EMPTY, "empty"));
	ck_assert(!check_path(CONDITION_FILE_NOT_EMPTY, "dir"));
	ck_assert(!check_path(CONDITION_FILE_NOT_EMPTY, "missing"));
}
END_TEST

START_TEST(test_file_is_executable)
{
	ck_assert(check_path(CONDITION_FILE_IS_EXECUTABLE, "script"));
	ck_assert(!check_path(CONDITION_FILE_IS_EXECUTABLE, "file"));
	ck_assert(!check_path(CONDITION_FILE_IS_EXECUTABLE, "dir"));
	ck_assert(!check_path(CONDITION_FILE_IS_EXECUTABLE, "missing"));
}
END_TEST

/* System conditions. */

START_TEST(test_kernel_command_line)
{
	char buf[4096] = "";
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	_cleanup_strv_free_ char **words = NULL;

	if (fd >= 0)
		close(fd);
	ck_assert(!check(CONDITION_KERNEL_COMMAND_LINE, "ember.no_such_option_xyz"));
	ck_assert(check(CONDITION_KERNEL_COMMAND_LINE, "!ember.no_such_option_xyz"));
	if (n <= 0)
		return;
	buf[n] = 0;
	words = strv_split(buf, " \t\n");
	if (!words || !words[0])
		return;
	/* Every word matches exactly. */
	STRV_FOREACH(w, words)
		ck_assert_msg(check(CONDITION_KERNEL_COMMAND_LINE, *w), "word %s", *w);
	STRV_FOREACH(w, words) {
		char *eq = strchr(*w, '=');
		char other[4200];

		if (!eq || eq == *w)
			continue;
		/* "key" matches "key=value"; "key=other" does not. */
		snprintf(other, sizeof(other), "%.*s", (int)(eq - *w), *w);
		ck_assert_msg(check(CONDITION_KERNEL_COMMAND_LINE, other), "key %s", other);
		snprintf(other, sizeof(other), "%.*s=ember-never-this-value", (int)(eq - *w), *w);
		if (!strv_contains(words, other))
			ck_assert_msg(!check(CONDITION_KERNEL_COMMAND_LINE, other), "%s", other);
		break;
	}
}
END_TEST

START_TEST(test_virtualization_yes_and_no_are_complementary)
{
	bool yes = check(CONDITION_VIRTUALIZATION, "yes"), no = check(CONDITION_VIRTUALIZATION, "no");

	ck_assert(yes != no);
	ck_assert(check(CONDITION_VIRTUALIZATION, "!yes") == no);
	ck_assert(!check(CONDITION_VIRTUALIZATION, "no-such-hypervisor"));
}
END_TEST

START_TEST(test_host_matches_hostname)
{
	char host[256], upper[256];
	size_t i;

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert(check(CONDITION_HOST, host));
	for (i = 0; host[i]; i++)
		upper[i] = (char)toupper((unsigned char)host[i]);
	upper[i] = 0;
	ck_assert(check(CONDITION_HOST, upper)); /* case-insensitive */
	ck_assert(check(CONDITION_HOST, "*"));    /* globs */
	ck_assert(!check(CONDITION_HOST, "ember-no-such-host.invalid"));
	ck_assert(check(CONDITION_HOST, "!ember-no-such-host.invalid"));
}
END_TEST

START_TEST(test_host_matches_machine_id)
{
	char id[64] = "";
	int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, id, sizeof(id) - 1);
	close(fd);
	if (n < 32)
		return;
	id[32] = 0;
	ck_assert(check(CONDITION_HOST, id));
}
END_TEST

START_TEST(test_user_matches_uid_and_name)
{
	char v[32];
	struct passwd *pw = getpwuid(getuid());

	snprintf(v, sizeof(v), "%u", (unsigned)getuid());
	ck_assert(check(CONDITION_USER, v));
	snprintf(v, sizeof(v), "!%u", (unsigned)getuid());
	ck_assert(!check(CONDITION_USER, v));
	if (getuid() + 1 != geteuid()) {
		snprintf(v, sizeof(v), "%u", (unsigned)getuid() + 1);
		ck_assert(!check(CONDITION_USER, v));
	}
	ck_assert(check(CONDITION_USER, "@system") == (getuid() < 1000));
	if (pw)
		ck_assert(check(CONDITION_USER, pw->pw_name));
	ck_assert(!check(CONDITION_USER, "ember-no-such-user"));
}
END_TEST

START_TEST(test_environment_by_name_and_assignment)
{
	char *env[] = { "FOO=bar", "EMPTY=", "PATH=/bin", NULL };

	ck_assert(check_env(CONDITION_ENVIRONMENT, "FOO", env));
	ck_assert(check_env(CONDITION_ENVIRONMENT, "FOO=bar", env));
	ck_assert(check_env(CONDITION_ENVIRONMENT, "EMPTY", env));
	ck_assert(check_env(CONDITION_ENVIRONMENT, "EMPTY=", env));
	ck_assert(!check_env(CONDITION_ENVIRONMENT, "FOO=baz", env));
	ck_assert(!check_env(CONDITION_ENVIRONMENT, "FO", env));
	ck_assert(!check_env(CONDITION_ENVIRONMENT, "FOOBAR", env));
	ck_assert(!check_env(CONDITION_ENVIRONMENT, "MISSING", env));
	ck_assert(check_env(CONDITION_ENVIRONMENT, "!MISSING", env));
	ck_assert(!check_env(CONDITION_ENVIRONMENT, "FOO", NULL));
}
END_TEST

START_TEST(test_first_boot_follows_machine_id)
{
	bool first = access("/etc/machine-id", F_OK) != 0;

	ck_assert(check(CONDITION_FIRST_BOOT, "yes") == first);
	ck_assert(check(CONDITION_FIRST_BOOT, "no") == !first);
}
END_TEST

START_TEST(test_needs_update_is_never_needed)
{
	ck_assert(!check(CONDITION_NEEDS_UPDATE, "/etc"));
	ck_assert(check(CONDITION_NEEDS_UPDATE, "!/etc"));
}
END_TEST

START_TEST(test_ac_power_assumes_mains)
{
	ck_assert(check(CONDITION_AC_POWER, "true"));
	ck_assert(!check(CONDITION_AC_POWER, "false"));
}
END_TEST

START_TEST(test_architecture_matches_uname)
{
	struct utsname u;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert(check(CONDITION_ARCHITECTURE, u.machine));
	if (streq(u.machine, "x86_64"))
		ck_assert(check(CONDITION_ARCHITECTURE, "x86-64"));
	ck_assert(!check(CONDITION_ARCHITECTURE, "ember-arch"));
	ck_assert(check(CONDITION_ARCHITECTURE, "!ember-arch"));
}
END_TEST

START_TEST(test_security_unknown_module_is_false)
{
	ck_assert(!check(CONDITION_SECURITY, "ember-lsm"));
	ck_assert(check(CONDITION_SECURITY, "selinux") == (access("/sys/fs/selinux", F_OK) == 0));
}
END_TEST

START_TEST(test_control_group_controller_follows_cgroupfs)
{
	ck_assert(check(CONDITION_CONTROL_GROUP_CONTROLLER, "cpu") ==
		  (access("/sys/fs/cgroup", F_OK) == 0));
}
END_TEST

START_TEST(test_unevaluated_conditions_pass)
{
	/* Not implemented yet: they pass so that units using them still start. */
	ck_assert(check(CONDITION_CAPABILITY, "CAP_EMBER_NONE"));
	ck_assert(check(CONDITION_CPUS, ">4096"));
	/* ... also negated: a check that is not made must not stop a unit either way. */
	ck_assert(check(CONDITION_CPUS, "!>4096"));
}
END_TEST

/* Lists. */

static struct condition *
list_of(const char *const *values)
{
	struct condition *list = NULL;

	/* Environment conditions against env = { "YES=1" }: "YES" passes, anything else fails. */
	for (const char *const *v = values; *v; v++) {
		struct condition *c;

		ck_assert_int_eq(condition_new(CONDITION_ENVIRONMENT, *v, &c), 0);
		condition_append(&list, c);
	}
	return list;
}

static bool
eval(const char *const *values)
{
	char *env[] = { "YES=1", NULL };
	struct condition *l = list_of(values);
	bool r = condition_test_list(l, env);

	condition_free_list(l);
	return r;
}

START_TEST(test_empty_list_passes)
{
	ck_assert(condition_test_list(NULL, NULL));
}
END_TEST

START_TEST(test_every_plain_condition_must_pass)
{
	ck_assert(eval((const char *const[]){ "YES", "!NO", NULL }));
	ck_assert(!eval((const char *const[]){ "YES", "NO", NULL }));
	ck_assert(!eval((const char *const[]){ "NO", "YES", NULL }));
}
END_TEST

START_TEST(test_one_triggering_condition_suffices)
{
	ck_assert(eval((const char *const[]){ "|NO", "|YES", "|NO2", NULL }));
	ck_assert(eval((const char *const[]){ "|YES", "|NO", NULL }));
	ck_assert(!eval((const char *const[]){ "|NO", "|NO2", NULL }));
	ck_assert(eval((const char *const[]){ "|!NO", NULL }));
	ck_assert(!eval((const char *const[]){ "|!YES", NULL }));
}
END_TEST

START_TEST(test_triggers_and_plain_conditions_combine)
{
	/* Plain ones must all pass, and at least one trigger. */
	ck_assert(eval((const char *const[]){ "YES", "|NO", "|YES", NULL }));
	ck_assert(!eval((const char *const[]){ "NO", "|YES", NULL }));
	ck_assert(!eval((const char *const[]){ "YES", "|NO", NULL }));
}
END_TEST

START_TEST(test_list_records_each_result)
{
	char *env[] = { "YES=1", NULL };
	struct condition *l = list_of((const char *const[]){ "|NO", "|YES", NULL });

	ck_assert(condition_test_list(l, env));
	ck_assert_int_eq(l->result, CONDITION_FAILED);
	ck_assert_int_eq(l->next->result, CONDITION_SUCCEEDED);
	condition_free_list(l);
}
END_TEST

static Suite *
condition_suite(void)
{
	Suite *s = suite_create("condition");
	TCase *parse = tcase_create("parse");
	TCase *tc = tcase_create("conditions");
	TCase *lists = tcase_create("lists");

	tcase_add_test(parse, test_condition_new_parses_prefixes);
	tcase_add_test(parse, test_condition_append_keeps_order);
	tcase_add_test(parse, test_condition_type_names_round_trip);
	suite_add_tcase(s, parse);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_path_exists);
	tcase_add_test(tc, test_path_exists_negated);
	tcase_add_test(tc, test_path_exists_glob);
	tcase_add_test(tc, test_path_is_directory);
	tcase_add_test(tc, test_path_is_symbolic_link);
	tcase_add_test(tc, test_path_is_mount_point);
	tcase_add_test(tc, test_path_is_read_write);
	tcase_add_test(tc, test_path_is_encrypted_is_false_without_detection);
	tcase_add_test(tc, test_directory_not_empty);
	tcase_add_test(tc, test_file_not_empty);
	tcase_add_test(tc, test_file_is_executable);
	tcase_add_test(tc, test_kernel_command_line);
	tcase_add_test(tc, test_virtualization_yes_and_no_are_complementary);
	tcase_add_test(tc, test_host_matches_hostname);
	tcase_add_test(tc, test_host_matches_machine_id);
	tcase_add_test(tc, test_user_matches_uid_and_name);
	tcase_add_test(tc, test_environment_by_name_and_assignment);
	tcase_add_test(tc, test_first_boot_follows_machine_id);
	tcase_add_test(tc, test_needs_update_is_never_needed);
	tcase_add_test(tc, test_ac_power_assumes_mains);
	tcase_add_test(tc, test_architecture_matches_uname);
	tcase_add_test(tc, test_security_unknown_module_is_false);
	tcase_add_test(tc, test_control_group_controller_follows_cgroupfs);
	tcase_add_test(tc, test_unevaluated_conditions_pass);
	suite_add_tcase(s, tc);

	tcase_add_test(lists, test_empty_list_passes);
	tcase_add_test(lists, test_every_plain_condition_must_pass);
	tcase_add_test(lists, test_one_triggering_condition_suffices);
	tcase_add_test(lists, test_triggers_and_plain_conditions_combine);
	tcase_add_test(lists, test_list_records_each_result);
	suite_add_tcase(s, lists);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(condition_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
