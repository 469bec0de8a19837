/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec-command.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* Renders a parsed list as "flags path [argv...]" per command, commands joined by " ; ",
 * argv words in <...> so that empty words and spaces are visible. */
static char *
render(const struct exec_command *c)
{
	struct strbuf b = { 0 };

	for (; c; c = c->next) {
		char flags[16];

		snprintf(flags, sizeof(flags), "%u ", c->flags);
		strbuf_puts(&b, flags);
		strbuf_puts(&b, c->path);
		STRV_FOREACH(a, c->argv) {
			strbuf_puts(&b, " <");
			strbuf_puts(&b, *a);
			strbuf_puts(&b, ">");
		}
		if (c->next)
			strbuf_puts(&b, " ; ");
	}
	return strbuf_steal(&b);
}

START_TEST(test_parse_table)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "/bin/foo", "0 /bin/foo </bin/foo>" },
		{ "/bin/foo a b", "0 /bin/foo </bin/foo> <a> <b>" },
		{ "  /bin/foo   a  ", "0 /bin/foo </bin/foo> <a>" },
		{ "/bin/sh -c 'a ; b'", "0 /bin/sh </bin/sh> <-c> <a ; b>" },
		{ "/bin/echo \"two words\" ''", "0 /bin/echo </bin/echo> <two words> <>" },
		{ "/bin/echo a\\tb \"c\\x41\"", "0 /bin/echo </bin/echo> <a\tb> <cA>" },
		{ "echo one ; echo \"two two\"", "0 echo <echo> <one> ; 0 echo <echo> <two two>" },
		{ "/bin/a;b", "0 /bin/a;b </bin/a;b>" },
		{ "/bin/a ;", "0 /bin/a </bin/a>" },
		{ "echo / >/dev/null & \\; ls",
		  "0 echo <echo> </> <>/dev/null> <&> <;> <ls>" },
		{ "-/bin/false", "1 /bin/false </bin/false>" },
		{ "@/bin/busybox sh -x", "2 /bin/busybox <sh> <-x>" },
		{ ":/bin/foo $X", "4 /bin/foo </bin/foo> <$X>" },
		{ "+/bin/foo", "8 /bin/foo </bin/foo>" },
		{ "!/bin/foo", "16 /bin/foo </bin/foo>" },
		{ "!!/bin/foo", "32 /bin/foo </bin/foo>" },
		{ "-@:/bin/foo bar", "7 /bin/foo <bar>" },
		{ "+-/bin/foo", "9 /bin/foo </bin/foo>" },
		{ "-'/bin/my prog' x", "1 /bin/my prog </bin/my prog> <x>" },
		{ "foo ${BAR} $BAZ", "0 foo <foo> <${BAR}> <$BAZ>" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		struct exec_command *c = NULL;
		const char *error = NULL;
		char *s;
		int r = exec_command_parse(t[i].in, &c, &error);

		ck_assert_msg(r == 0, "parse(\"%s\") = %d (%s)", t[i].in, r, strna(error));
		s = render(c);
		ck_assert_msg(streq(s, t[i].out), "parse(\"%s\") = \"%s\"", t[i].in, s);
		free(s);
		exec_command_free_list(c);
	}
}
END_TEST

START_TEST(test_parse_errors_table)
{
	static const struct {
		const char *in;
		const char *error;
	} t[] = {
		{ "", "empty command" },
		{ "   ", "empty command" },
		{ "-", "empty command" },
		{ "- /bin/foo", "empty command" },
		{ "; /bin/foo", "empty command" },
		{ "/bin/a ; ; /bin/b", "empty command" },
		{ "''", "empty command" },
		{ "/bin/echo 'unterminated", "bad quoting" },
		{ "\"/bin/foo", "bad quoting" },
		{ "/bin/echo \\q", "bad quoting" },
		{ "/bin/echo a\\;", "bad quoting" },
		{ "--/bin/foo", "unknown prefix" },
		{ "@@/bin/foo x", "unknown prefix" },
		{ "+!/bin/foo", "unknown prefix" },
		{ "!+/bin/foo", "unknown prefix" },
		{ "!!!/bin/foo", "unknown prefix" },
		{ "!-!/bin/foo", "unknown prefix" },
		{ "|/bin/foo", "unknown prefix" },
		{ "@/bin/foo", "'@' needs a second word" },
		{ "@/bin/foo ; /bin/bar", "'@' needs a second word" },
		{ "\"/bin/a\\tb\"", "control character in command" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		struct exec_command *c = NULL;
		const char *error = NULL;
		int r = exec_command_parse(t[i].in, &c, &error);

		ck_assert_msg(r == -EINVAL, "parse(\"%s\") = %d", t[i].in, r);
		ck_assert_ptr_null(c);
		ck_assert_msg(error && streq(error, t[i].error), "parse(\"%s\"): \"%s\", want \"%s\"",
			      t[i].in, strna(error), t[i].error);
	}
}
END_TEST

START_TEST(test_append_and_free_list)
{
	struct exec_command *head = NULL, *a, *b;
	const char *error;

	ck_assert_int_eq(exec_command_parse("/bin/a ; /bin/b", &a, &error), 0);
	ck_assert_int_eq(exec_command_parse("/bin/c", &b, &error), 0);
	exec_command_append(&head, a);
	exec_command_append(&head, b);
	ck_assert_str_eq(head->path, "/bin/a");
	ck_assert_str_eq(head->next->path, "/bin/b");
	ck_assert_str_eq(head->next->next->path, "/bin/c");
	ck_assert_ptr_null(head->next->next->next);
	ck_assert_ptr_null(exec_command_free_list(head));
	ck_assert_ptr_null(exec_command_free_list(NULL));
}
END_TEST

static char *
expand_joined(const char *const *argv, const char *const *env)
{
	char **out = exec_command_expand_env((char *const *)argv, (char *const *)env);
	struct strbuf b = { 0 };

	ck_assert_ptr_nonnull(out);
	STRV_FOREACH(a, out) {
		strbuf_putc(&b, '<');
		strbuf_puts(&b, *a);
		strbuf_putc(&b, '>');
	}
	strv_free(out);
	return strbuf_steal(&b);
}

START_TEST(test_expand_env_table)
{
	static const char *const env[] = {
		"ONE=one", "TWO=two two", "THREE=", "QUOTED='two two' too", "PATHX=/usr/bin",
		"ONE=one-again", NULL,
	};
	static const struct {
		const char *argv[6];
		const char *out;
	} t[] = {
		/* systemd.service(5): "echo $ONE $TWO ${TWO}" */
		{ { "echo", "$ONE", "$TWO", "${TWO}", NULL }, "<echo><one-again><two><two><two two>" },
		{ { "echo", "${THREE}", "$THREE", "$UNSET", "${UNSET}", NULL }, "<echo><><>" },
		{ { "$QUOTED", NULL }, "<two two><too>" },
		{ { "--path=${PATHX}/x", "pre$ONE", NULL }, "<--path=/usr/bin/x><preone-again>" },
		{ { "$$", "a$$b", "$$ONE", NULL }, "<$><a$b><$ONE>" },
		{ { "$1", "$", "${", "${bad name}", "cost: 5$", NULL },
		  "<$1><$><${><${bad name}><cost: 5$>" },
		{ { "${ONE}${TWO}", NULL }, "<one-againtwo two>" },
		{ { NULL }, "" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *s = expand_joined(t[i].argv, env);

		ck_assert_msg(streq(s, t[i].out), "case %zu: \"%s\", want \"%s\"", i, s, t[i].out);
		free(s);
	}
}
END_TEST

START_TEST(test_expand_env_without_env)
{
	static const char *const argv[] = { "/bin/x", "$A", "${A}", NULL };
	char *s = expand_joined(argv, NULL);

	ck_assert_str_eq(s, "</bin/x><>");
	free(s);
}
END_TEST

START_TEST(test_to_string_table)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "/bin/foo a 'b c'", "/bin/foo a 'b c'" },
		{ "/bin/echo \"\" ';' \\;", "/bin/echo '' ';' ';'" },
		{ "-@/bin/busybox sh -x", "-@/bin/busybox sh -x" },
		{ "!!/bin/foo", "!!/bin/foo" },
		{ "+:/bin/foo $X", ":+/bin/foo $X" },
		{ "'-weird' x", "'-weird' x" },
		{ "/bin/echo \"it's\" a\\\\b", "/bin/echo \"it\\'s\" \"a\\\\b\"" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		struct exec_command *c, *back;
		const char *error;
		char *s, *r1, *r2;

		ck_assert_int_eq(exec_command_parse(t[i].in, &c, &error), 0);
		s = exec_command_to_string(c);
		ck_assert_msg(streq(s, t[i].out), "to_string(\"%s\") = \"%s\"", t[i].in, s);
		/* It reads back as the same command. */
		ck_assert_int_eq(exec_command_parse(s, &back, &error), 0);
		r1 = render(c);
		r2 = render(back);
		ck_assert_str_eq(r1, r2);
		free(r1);
		free(r2);
		free(s);
		exec_command_free_list(c);
		exec_command_free_list(back);
	}
}
END_TEST

static Suite *
exec_command_suite(void)
{
	Suite *s = suite_create("exec-command");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_table);
	tcase_add_test(tc, test_parse_errors_table);
	tcase_add_test(tc, test_append_and_free_list);
	tcase_add_test(tc, test_expand_env_table);
	tcase_add_test(tc, test_expand_env_without_env);
	tcase_add_test(tc, test_to_string_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(exec_command_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
