/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "units/unit-file.h"

/* Every callback is recorded as "line:[section] key=value\n". */
struct record {
	struct strbuf out;
	int fail_at;   /* return -EIO on the fail_at-th call (1-based); 0: never */
	int calls;
};

static int
record_assignment(const char *file, unsigned line, const char *section, const char *key,
		  const char *value, void *userdata)
{
	struct record *rec = userdata;
	char head[32];

	ck_assert_ptr_nonnull(file);
	ck_assert_ptr_nonnull(section);
	rec->calls++;
	if (rec->fail_at && rec->calls == rec->fail_at)
		return -EIO;
	snprintf(head, sizeof(head), "%u:[", line);
	strbuf_puts(&rec->out, head);
	strbuf_puts(&rec->out, section);
	strbuf_puts(&rec->out, "] ");
	strbuf_puts(&rec->out, key);
	strbuf_puts(&rec->out, "=");
	strbuf_puts(&rec->out, value);
	strbuf_puts(&rec->out, "\n");
	return 0;
}

static void
assert_lexes(const char *text, const char *want)
{
	struct record rec = { 0 };

	ck_assert_int_eq(unit_file_parse_string("test.service", text, record_assignment, &rec), 0);
	ck_assert_msg(streq(strempty(rec.out.s), want), "input:\n%s\ngot:\n%s\nwant:\n%s", text,
		      strempty(rec.out.s), want);
	strbuf_done(&rec.out);
}

START_TEST(test_lexer_table)
{
	static const struct {
		const char *what;
		const char *in;
		const char *out;
	} t[] = {
		{ "basic",
		  "[Unit]\nDescription=Foo\n[Service]\nExecStart=/bin/foo\n",
		  "2:[Unit] Description=Foo\n4:[Service] ExecStart=/bin/foo\n" },
		{ "semicolon inside a value is not a comment",
		  "[Service]\nExecStart=/bin/sh -c 'a ; b'\n",
		  "2:[Service] ExecStart=/bin/sh -c 'a ; b'\n" },
		{ "hash inside a value is not a comment",
		  "[Service]\nExecStart=/bin/echo #1 ;2\n",
		  "2:[Service] ExecStart=/bin/echo #1 ;2\n" },
		{ "comments and blank lines",
		  "# top\n; also\n\n[Unit]\n  # indented\n\t; tab\nA=1\n\n",
		  "7:[Unit] A=1\n" },
		{ "CRLF line endings",
		  "[Unit]\r\nA=1\r\nB = two words \r\n",
		  "2:[Unit] A=1\n3:[Unit] B=two words\n" },
		{ "whitespace around key and value",
		  "[Unit]\n   Key  =   value with  inner   spaces   \n",
		  "2:[Unit] Key=value with  inner   spaces\n" },
		{ "continuation lines",
		  "[Service]\nExecStart=/bin/echo a \\\n   b \\\nc\nNext=1\n",
		  "2:[Service] ExecStart=/bin/echo a     b  c\n5:[Service] Next=1\n" },
		{ "comment lines inside a continuation are skipped",
		  "[C]\nKeyThree=value 3\\\n# this line is ignored\n; this line is ignored too\n"
		  "       value 3 continued\nX=y\n",
		  "2:[C] KeyThree=value 3        value 3 continued\n6:[C] X=y\n" },
		{ "escaped backslash at the end is not a continuation",
		  "[S]\nA=foo\\\\\nB=bar\n",
		  "2:[S] A=foo\\\\\n3:[S] B=bar\n" },
		{ "continuation at end of file",
		  "[S]\nA=foo \\",
		  "2:[S] A=foo\n" },
		{ "CRLF continuation",
		  "[S]\r\nA=x\\\r\ny\r\n",
		  "2:[S] A=x y\n" },
		{ "empty value (a list reset) is passed on",
		  "[Unit]\nAfter=\nAfter=a.service\n",
		  "2:[Unit] After=\n3:[Unit] After=a.service\n" },
		{ "repeated keys in order",
		  "[U]\nA=1\nA=2\nA=3\n",
		  "2:[U] A=1\n3:[U] A=2\n4:[U] A=3\n" },
		{ "only the first '=' splits",
		  "[Service]\nEnvironment=A=1 B=2\n",
		  "2:[Service] Environment=A=1 B=2\n" },
		{ "line without '=' is skipped",
		  "[U]\nnot an assignment\nA=1\n",
		  "3:[U] A=1\n" },
		{ "assignment before any section is skipped",
		  "A=1\n[U]\nB=2\n",
		  "3:[U] B=2\n" },
		{ "unterminated header drops its assignments",
		  "[U]\nA=1\n[Broken\nB=2\n[V]\nC=3\n",
		  "2:[U] A=1\n6:[V] C=3\n" },
		{ "text after ']' is ignored but the section counts",
		  "[Unit] trailing\nA=1\n",
		  "2:[Unit] A=1\n" },
		{ "section names keep inner spaces",
		  "[Section A]\nKeyOne=value 1\n",
		  "2:[Section A] KeyOne=value 1\n" },
		{ "keys are case-sensitive and kept as written",
		  "[Unit]\ndescription=x\n",
		  "2:[Unit] description=x\n" },
		{ "UTF-8 byte order mark",
		  "\xef\xbb\xbf[Unit]\nA=1\n",
		  "2:[Unit] A=1\n" },
		{ "no trailing newline",
		  "[Unit]\nA=1",
		  "2:[Unit] A=1\n" },
		{ "empty input", "", "" },
		{ "missing key",
		  "[U]\n=value\nA=1\n",
		  "3:[U] A=1\n" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		struct record rec = { 0 };
		int r = unit_file_parse_string("test.service", t[i].in, record_assignment, &rec);

		ck_assert_msg(r == 0, "%s: r = %d", t[i].what, r);
		ck_assert_msg(streq(strempty(rec.out.s), t[i].out), "%s:\ngot:\n%s\nwant:\n%s",
			      t[i].what, strempty(rec.out.s), t[i].out);
		strbuf_done(&rec.out);
	}
}
END_TEST

START_TEST(test_lexer_has_no_line_length_limit)
{
	struct strbuf in = { 0 }, want = { 0 };
	const size_t n = 1024 * 1024 + 7;
	char *value = malloc(n + 1);

	ck_assert_ptr_nonnull(value);
	memset(value, 'x', n);
	value[n] = 0;
	strbuf_puts(&in, "[Service]\nExecStart=/bin/echo ");
	strbuf_puts(&in, value);
	strbuf_puts(&in, "\nNext=1\n");
	strbuf_puts(&want, "2:[Service] ExecStart=/bin/echo ");
	strbuf_puts(&want, value);
	strbuf_puts(&want, "\n3:[Service] Next=1\n");
	assert_lexes(in.s, want.s);
	strbuf_done(&in);
	strbuf_done(&want);
	free(value);
}
END_TEST

START_TEST(test_callback_error_aborts)
{
	struct record rec = { .fail_at = 2 };

	ck_assert_int_eq(unit_file_parse_string("x", "[U]\nA=1\nB=2\nC=3\n", record_assignment,
						&rec), -EIO);
	ck_assert_int_eq(rec.calls, 2);
	ck_assert_str_eq(rec.out.s, "2:[U] A=1\n");
	strbuf_done(&rec.out);
}
END_TEST

START_TEST(test_parse_file_from_disk)
{
	char path[] = "/tmp/test-unit-file-XXXXXX";
	static const char text[] = "[Unit]\r\nDescription=From disk\r\n[Service]\r\n"
				   "ExecStart=/bin/sh -c 'a ; b'\r\n";
	struct record rec = { 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	ck_assert_int_eq(unit_file_parse(path, record_assignment, &rec), 0);
	ck_assert_str_eq(rec.out.s, "2:[Unit] Description=From disk\n"
				    "4:[Service] ExecStart=/bin/sh -c 'a ; b'\n");
	strbuf_done(&rec.out);
	unlink(path);
}
END_TEST

START_TEST(test_parse_file_errors)
{
	struct record rec = { 0 };

	ck_assert_int_eq(unit_file_parse("/nonexistent/foo.service", record_assignment, &rec),
			 -ENOENT);
	ck_assert_int_eq(unit_file_parse("/tmp", record_assignment, &rec), -EISDIR);
	/* A masked unit is a symlink to /dev/null: it reads as empty. */
	ck_assert_int_eq(unit_file_parse("/dev/null", record_assignment, &rec), 0);
	ck_assert_int_eq(rec.calls, 0);
	ck_assert_int_eq(unit_file_parse_string("x", NULL, record_assignment, &rec), -EINVAL);
}
END_TEST

/* Parses text with the log going to a temporary file; returns what was logged. */
static char *
parse_capturing_log(const char *text)
{
	struct record rec = { 0 };
	char path[] = "/tmp/test-unit-file-log-XXXXXX", *log = calloc(1, 65536);
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	ck_assert_ptr_nonnull(log);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	log_set_target(LOG_TARGET_CONSOLE);
	log_set_max_level(LOG_WARNING);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	ck_assert_int_eq(unit_file_parse_string("test.service", text, record_assignment, &rec), 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_set_max_level(LOG_ERR);
	n = pread(fd, log, 65535, 0);
	ck_assert_int_ge(n, 0);
	close(fd);
	unlink(path);
	strbuf_done(&rec.out);
	return log;
}

START_TEST(test_warnings_name_file_and_line)
{
	char *log = parse_capturing_log("A=1\n[Unit] junk\nnoeq\n[Bad\nB=2\n[S]\nC=3\n");

	ck_assert_msg(strstr(log, "test.service:1: ") && strstr(log, "outside"), "%s", log);
	ck_assert_msg(strstr(log, "test.service:2: Text after section header [Unit]"), "%s", log);
	ck_assert_msg(strstr(log, "test.service:3: Missing '='"), "%s", log);
	ck_assert_msg(strstr(log, "test.service:4: Unterminated section header"), "%s", log);
	ck_assert_msg(strstr(log, "test.service:5: "), "%s", log);
	ck_assert_msg(!strstr(log, "test.service:7"), "%s", log);
	free(log);
}
END_TEST

static Suite *
unit_file_suite(void)
{
	Suite *s = suite_create("unit-file");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lexer_table);
	tcase_add_test(tc, test_lexer_has_no_line_length_limit);
	tcase_add_test(tc, test_callback_error_aborts);
	tcase_add_test(tc, test_parse_file_from_disk);
	tcase_add_test(tc, test_parse_file_errors);
	tcase_add_test(tc, test_warnings_name_file_and_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* The lexer warns about the bad lines on purpose; keep the test output readable. */
	log_set_max_level(LOG_ERR);
	sr = srunner_create(unit_file_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
