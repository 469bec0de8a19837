/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "unit-name.h"

START_TEST(test_unit_type_strings_round_trip)
{
	for (int t = 0; t < _UNIT_TYPE_MAX; t++) {
		const char *s = unit_type_to_string((enum unit_type)t);

		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(unit_type_from_string(s), t);
	}
	ck_assert_str_eq(unit_type_to_string(UNIT_AUTOMOUNT), "automount");
	ck_assert_ptr_null(unit_type_to_string(_UNIT_TYPE_MAX));
	ck_assert_ptr_null(unit_type_to_string(_UNIT_TYPE_INVALID));
	ck_assert_int_eq(unit_type_from_string("services"), _UNIT_TYPE_INVALID);
	ck_assert_int_eq(unit_type_from_string(NULL), _UNIT_TYPE_INVALID);
}
END_TEST

START_TEST(test_unit_name_is_valid_table)
{
	static const struct {
		const char *name;
		unsigned valid_as;   /* the kinds it is valid as (0: invalid) */
	} t[] = {
		{ "foo.service", UNIT_NAME_PLAIN },
		{ "foo@.service", UNIT_NAME_TEMPLATE },
		{ "foo@bar.service", UNIT_NAME_INSTANCE },
		{ "getty@tty1.service", UNIT_NAME_INSTANCE },
		{ "foo.bar.socket", UNIT_NAME_PLAIN },
		{ "dev-sda1.device", UNIT_NAME_PLAIN },
		{ "mnt-my\\x20disk.mount", UNIT_NAME_PLAIN },
		{ "a:b_c.target", UNIT_NAME_PLAIN },
		{ "foo@a@b.service", UNIT_NAME_INSTANCE },
		{ "foo@a.b.service", UNIT_NAME_INSTANCE },
		{ "foo", 0 },
		{ "foo.", 0 },
		{ ".service", 0 },
		{ "@.service", 0 },
		{ "@x.service", 0 },
		{ "foo.bogus", 0 },
		{ "foo bar.service", 0 },
		{ "foo/bar.service", 0 },
		{ "foo@b r.service", 0 },
		{ "", 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		ck_assert_msg(unit_name_is_valid(t[i].name, UNIT_NAME_ANY) == (t[i].valid_as != 0),
			      "%s", t[i].name);
		for (unsigned k = UNIT_NAME_PLAIN; k <= UNIT_NAME_INSTANCE; k <<= 1)
			ck_assert_msg(unit_name_is_valid(t[i].name, k) == (t[i].valid_as == k),
				      "%s as %u", t[i].name, k);
	}
	ck_assert(!unit_name_is_valid(NULL, UNIT_NAME_ANY));
}
END_TEST

START_TEST(test_unit_name_too_long_is_invalid)
{
	char name[300];

	memset(name, 'a', sizeof(name));
	strcpy(name + 247, ".service");      /* 255 characters */
	ck_assert(unit_name_is_valid(name, UNIT_NAME_PLAIN));
	memset(name, 'a', sizeof(name));
	strcpy(name + 248, ".service");      /* 256 */
	ck_assert(!unit_name_is_valid(name, UNIT_NAME_PLAIN));
}
END_TEST

START_TEST(test_unit_name_to_type)
{
	ck_assert_int_eq(unit_name_to_type("foo.service"), UNIT_SERVICE);
	ck_assert_int_eq(unit_name_to_type("foo@bar.socket"), UNIT_SOCKET);
	ck_assert_int_eq(unit_name_to_type("-.mount"), UNIT_MOUNT);
	ck_assert_int_eq(unit_name_to_type("foo"), _UNIT_TYPE_INVALID);
	ck_assert_int_eq(unit_name_to_type("foo.conf"), _UNIT_TYPE_INVALID);
}
END_TEST

START_TEST(test_unit_name_parts)
{
	char *s;

	ck_assert_int_eq(unit_name_to_prefix("foo@bar.service", &s), 0);
	ck_assert_str_eq(s, "foo");
	free(s);
	ck_assert_int_eq(unit_name_to_prefix("foo.bar.service", &s), 0);
	ck_assert_str_eq(s, "foo.bar");
	free(s);
	ck_assert_int_eq(unit_name_to_prefix("nope", &s), -EINVAL);

	ck_assert_int_eq(unit_name_to_instance("foo@bar.service", &s), 1);
	ck_assert_str_eq(s, "bar");
	free(s);
	ck_assert_int_eq(unit_name_to_instance("foo@a.b.service", &s), 1);
	ck_assert_str_eq(s, "a.b");
	free(s);
	ck_assert_int_eq(unit_name_to_instance("foo@.service", &s), 1);
	ck_assert_str_eq(s, "");
	free(s);
	s = (char *)"sentinel";
	ck_assert_int_eq(unit_name_to_instance("foo.service", &s), 0);
	ck_assert_ptr_null(s);

	ck_assert_int_eq(unit_name_without_suffix("foo@bar.service", &s), 0);
	ck_assert_str_eq(s, "foo@bar");
	free(s);
	ck_assert_int_eq(unit_name_without_suffix("foo.service", &s), 0);
	ck_assert_str_eq(s, "foo");
	free(s);
}
END_TEST

START_TEST(test_unit_name_template_and_instance)
{
	char *s;

	ck_assert_int_eq(unit_name_template("foo@bar.service", &s), 0);
	ck_assert_str_eq(s, "foo@.service");
	free(s);
	ck_assert_int_eq(unit_name_template("foo@.service", &s), 0);
	ck_assert_str_eq(s, "foo@.service");
	free(s);
	ck_assert_int_eq(unit_name_template("foo.service", &s), -EINVAL);

	ck_assert_int_eq(unit_name_replace_instance("foo@.service", "bar", &s), 0);
	ck_assert_str_eq(s, "foo@bar.service");
	free(s);
	ck_assert_int_eq(unit_name_replace_instance("foo@old.socket", "new", &s), 0);
	ck_assert_str_eq(s, "foo@new.socket");
	free(s);
	ck_assert_int_eq(unit_name_replace_instance("foo@.service", "a b", &s), -EINVAL);
	ck_assert_int_eq(unit_name_replace_instance("foo@.service", "", &s), -EINVAL);
	ck_assert_int_eq(unit_name_replace_instance("foo.service", "bar", &s), -EINVAL);
}
END_TEST

START_TEST(test_unit_name_mangle_table)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "foo", 0, "foo.service" },
		{ "foo.service", 0, "foo.service" },
		{ "foo.socket", 0, "foo.socket" },
		{ "getty@tty1", 0, "getty@tty1.service" },
		{ "foo-bar", 0, "foo-bar.service" },
		{ "foo bar", 0, "foo\\x20bar.service" },
		{ "/home", 0, "home.mount" },
		{ "/dev/sda", 0, "dev-sda.device" },
		{ "", -EINVAL, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = NULL;
		int r = unit_name_mangle(t[i].in, ".service", &s);

		ck_assert_msg(r == t[i].r, "mangle(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_str_eq(s, t[i].out);
		free(s);
	}
}
END_TEST

/* Outputs of systemd-escape(1) on Debian 12. */
START_TEST(test_unit_name_escape_matches_systemd_escape)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "/mnt/my disk/foo-bar", "-mnt-my\\x20disk-foo\\x2dbar" },
		{ "/", "-" },
		{ "a/b", "a-b" },
		{ ".hidden", "\\x2ehidden" },
		{ "/.hidden", "-.hidden" },
		{ "foo bar", "foo\\x20bar" },
		{ "\xc3\xbc", "\\xc3\\xbc" },
		{ "a:b_c.d", "a:b_c.d" },
		{ "", "" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = NULL, *u = NULL;

		ck_assert_int_eq(unit_name_escape(t[i].in, &s), 0);
		ck_assert_msg(streq(s, t[i].out), "escape(\"%s\") = \"%s\"", t[i].in, s);
		ck_assert_int_eq(unit_name_unescape(s, &u), 0);
		ck_assert_str_eq(u, t[i].in);
		free(s);
		free(u);
	}
}
END_TEST

START_TEST(test_unit_name_unescape_table)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "foo-bar", 0, "foo/bar" },
		{ "a\\x2db", 0, "a-b" },
		{ "-", 0, "/" },
		{ "a--b", 0, "a//b" },
		{ "\\x2e", 0, "." },
		{ "A\\x2D", 0, "A-" },
		{ "foo\\xzz", -EINVAL, NULL },
		{ "foo\\x2", -EINVAL, NULL },
		{ "foo\\", -EINVAL, NULL },
		{ "\\x00", -EINVAL, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = NULL;
		int r = unit_name_unescape(t[i].in, &s);

		ck_assert_msg(r == t[i].r, "unescape(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_str_eq(s, t[i].out);
		free(s);
	}
}
END_TEST

START_TEST(test_unit_name_path_escape_table)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "/mnt/my disk/foo-bar", 0, "mnt-my\\x20disk-foo\\x2dbar" },
		{ "/", 0, "-" },
		{ "//a//b/", 0, "a-b" },
		{ "/a/./b", 0, "a-b" },
		{ "/.hidden", 0, "\\x2ehidden" },
		{ "/mnt/a-b", 0, "mnt-a\\x2db" },
		{ "/home", 0, "home" },
		{ "/a/../b", -EINVAL, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = NULL;
		int r = unit_name_path_escape(t[i].in, &s);

		ck_assert_msg(r == t[i].r, "path_escape(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_msg(streq(s, t[i].out), "path_escape(\"%s\") = \"%s\"", t[i].in, s);
		free(s);
	}
}
END_TEST

START_TEST(test_unit_name_path_unescape_table)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "-", 0, "/" },
		{ "foo-bar", 0, "/foo/bar" },
		{ "a\\x2db", 0, "/a-b" },
		{ "mnt-my\\x20disk", 0, "/mnt/my disk" },
		{ "", -EINVAL, NULL },
		{ "a--b", -EINVAL, NULL },
		{ "-a", -EINVAL, NULL },
		{ "a-", -EINVAL, NULL },
		{ "\\x2e", -EINVAL, NULL },
		{ "a-..-b", -EINVAL, NULL },
		{ "foo\\xzz", -EINVAL, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = NULL;
		int r = unit_name_path_unescape(t[i].in, &s);

		ck_assert_msg(r == t[i].r, "path_unescape(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_str_eq(s, t[i].out);
		free(s);
	}
}
END_TEST

START_TEST(test_unit_name_from_path)
{
	char *s, longpath[400];

	ck_assert_int_eq(unit_name_from_path("/home", ".mount", &s), 0);
	ck_assert_str_eq(s, "home.mount");
	free(s);
	ck_assert_int_eq(unit_name_from_path("/", ".mount", &s), 0);
	ck_assert_str_eq(s, "-.mount");
	free(s);
	ck_assert_int_eq(unit_name_from_path("/dev/disk/by-label/x y", ".device", &s), 0);
	ck_assert_str_eq(s, "dev-disk-by\\x2dlabel-x\\x20y.device");
	free(s);
	ck_assert_int_eq(unit_name_from_path("/home", ".bogus", &s), -EINVAL);
	ck_assert_int_eq(unit_name_from_path("/home", "mount", &s), -EINVAL);
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = 0;
	ck_assert_int_eq(unit_name_from_path(longpath, ".mount", &s), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_bus_label_table)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "dbus.service", "dbus_2eservice" },
		{ "", "_" },
		{ "1abc", "_31abc" },
		{ "a1", "a1" },
		{ "getty@tty1.service", "getty_40tty1_2eservice" },
		{ "-.mount", "_2d_2emount" },
		{ "a_b", "a_5fb" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *e = bus_label_escape(t[i].in), *u;

		ck_assert_str_eq(e, t[i].out);
		u = bus_label_unescape(e);
		ck_assert_str_eq(u, t[i].in);
		free(e);
		free(u);
	}
}
END_TEST

static Suite *
unit_name_suite(void)
{
	Suite *s = suite_create("unit-name");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_unit_type_strings_round_trip);
	tcase_add_test(tc, test_unit_name_is_valid_table);
	tcase_add_test(tc, test_unit_name_too_long_is_invalid);
	tcase_add_test(tc, test_unit_name_to_type);
	tcase_add_test(tc, test_unit_name_parts);
	tcase_add_test(tc, test_unit_name_template_and_instance);
	tcase_add_test(tc, test_unit_name_mangle_table);
	tcase_add_test(tc, test_unit_name_escape_matches_systemd_escape);
	tcase_add_test(tc, test_unit_name_unescape_table);
	tcase_add_test(tc, test_unit_name_path_escape_table);
	tcase_add_test(tc, test_unit_name_path_unescape_table);
	tcase_add_test(tc, test_unit_name_from_path);
	tcase_add_test(tc, test_bus_label_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(unit_name_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
