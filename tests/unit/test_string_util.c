/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "string-util.h"

START_TEST(test_strstrip_trims_both_ends)
{
	char a[] = "  \t hello world \r\n";
	char b[] = "   ";
	char c[] = "x";

	ck_assert_str_eq(strstrip(a), "hello world");
	ck_assert_str_eq(strstrip(b), "");
	ck_assert_str_eq(strstrip(c), "x");
	ck_assert_ptr_null(strstrip(NULL));
}
END_TEST

START_TEST(test_strjoin_concatenates)
{
	char *s = strjoin("a", "bc", "", "def");

	ck_assert_str_eq(s, "abcdef");
	free(s);
	s = strjoin("only", NULL);
	ck_assert_str_eq(s, "only");
	free(s);
}
END_TEST

START_TEST(test_parse_boolean_table)
{
	static const struct {
		const char *in;
		int out;
	} t[] = {
		{ "1", 1 },  { "yes", 1 }, { "YES", 1 },  { "true", 1 },  { "on", 1 },   { "y", 1 },
		{ "0", 0 },  { "no", 0 },  { "false", 0 }, { "Off", 0 },  { "n", 0 },
		{ "", -EINVAL }, { "2", -EINVAL }, { "yess", -EINVAL }, { " yes", -EINVAL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++)
		ck_assert_msg(parse_boolean(t[i].in) == t[i].out, "parse_boolean(\"%s\")", t[i].in);
	ck_assert_int_eq(parse_boolean(NULL), -EINVAL);
}
END_TEST

START_TEST(test_safe_atoi_ranges)
{
	int i;

	ck_assert_int_eq(safe_atoi("-42", &i), 0);
	ck_assert_int_eq(i, -42);
	ck_assert_int_eq(safe_atoi("2147483647", &i), 0);
	ck_assert_int_eq(i, 2147483647);
	ck_assert_int_eq(safe_atoi("2147483648", &i), -ERANGE);
	ck_assert_int_eq(safe_atoi("12x", &i), -EINVAL);
	ck_assert_int_eq(safe_atoi("", &i), -EINVAL);
	ck_assert_int_eq(safe_atoi("5 ", &i), -EINVAL);
}
END_TEST

START_TEST(test_safe_atou_rejects_negative)
{
	unsigned u = 7;
	unsigned long lu;
	unsigned long long llu;

	ck_assert_int_eq(safe_atou("-1", &u), -ERANGE);
	ck_assert_uint_eq(u, 7);
	ck_assert_int_eq(safe_atou("4294967295", &u), 0);
	ck_assert_uint_eq(u, 4294967295u);
	ck_assert_int_eq(safe_atou("4294967296", &u), -ERANGE);
	ck_assert_int_eq(safe_atou("abc", &u), -EINVAL);
	ck_assert_int_eq(safe_atolu("123", &lu), 0);
	ck_assert_uint_eq(lu, 123);
	ck_assert_int_eq(safe_atollu("18446744073709551615", &llu), 0);
	ck_assert(llu == UINT64_MAX);
	ck_assert_int_eq(safe_atollu("18446744073709551616", &llu), -ERANGE);
}
END_TEST

START_TEST(test_parse_size_table)
{
	static const struct {
		const char *in;
		int r;
		uint64_t out;
	} t[] = {
		{ "1024", 0, 1024 },
		{ "4K", 0, 4096 },
		{ "2M", 0, 2 * 1024 * 1024 },
		{ "1G", 0, UINT64_C(1) << 30 },
		{ "1T", 0, UINT64_C(1) << 40 },
		{ "1.5K", 0, 1536 },
		{ "3 B", 0, 3 },
		{ "1G 512M", 0, (UINT64_C(1) << 30) + (UINT64_C(512) << 20) },
		{ "infinity", 0, UINT64_MAX },
		{ "0", 0, 0 },
		{ "", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "4X", -EINVAL, 0 },
		{ "4KB", -EINVAL, 0 },
		{ "-1", -ERANGE, 0 },
		{ "16E", -ERANGE, 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		uint64_t v = 0;
		int r = parse_size(t[i].in, &v);

		ck_assert_msg(r == t[i].r, "parse_size(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_msg(v == t[i].out, "parse_size(\"%s\") = %llu", t[i].in,
				      (unsigned long long)v);
	}
}
END_TEST

/* Collects every word of s (flags) joined by '|'; returns the extract_word() error. */
static int
words(const char *s, unsigned flags, const char *seps, char **ret)
{
	struct strbuf b = { 0 };
	const char *p = s;
	char *w;
	int r, n = 0;

	while ((r = extract_word(&p, &w, seps, flags)) > 0) {
		if (n++ > 0)
			strbuf_putc(&b, '|');
		strbuf_puts(&b, w);
		free(w);
	}
	if (r < 0) {
		strbuf_done(&b);
		return r;
	}
	*ret = strbuf_steal(&b);
	return 0;
}

START_TEST(test_extract_word_table)
{
	static const struct {
		const char *in;
		unsigned flags;
		int r;
		const char *out;
	} t[] = {
		{ "a b  c", 0, 0, "a|b|c" },
		{ "  lead trail  ", 0, 0, "lead|trail" },
		{ "", 0, 0, "" },
		{ "'a b' \"c d\"", EXTRACT_UNQUOTE, 0, "a b|c d" },
		{ "'a b'", 0, 0, "'a|b'" },
		{ "x'a b'y", EXTRACT_UNQUOTE, 0, "xa by" },
		{ "\"\" x", EXTRACT_UNQUOTE, 0, "|x" },
		{ "'unterminated", EXTRACT_UNQUOTE, -EINVAL, NULL },
		{ "'unterminated x", EXTRACT_UNQUOTE | EXTRACT_RELAX, 0, "unterminated x" },
		{ "a\\ b", 0, 0, "a b" },
		{ "a\\nb", EXTRACT_CUNESCAPE, 0, "a\nb" },
		{ "\"tab\\there\"", EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE, 0, "tab\there" },
		{ "\\x41\\102\\u00e9", EXTRACT_CUNESCAPE, 0, "AB\xc3\xa9" },
		{ "a\\s b", EXTRACT_CUNESCAPE, 0, "a |b" },
		{ "bad\\q", EXTRACT_CUNESCAPE, -EINVAL, NULL },
		{ "bad\\q", EXTRACT_CUNESCAPE | EXTRACT_RELAX, 0, "bad\\q" },
		{ "trailing\\", 0, -EINVAL, NULL },
		{ "trailing\\", EXTRACT_RELAX, 0, "trailing\\" },
		{ "a\\ b c", EXTRACT_RETAIN_ESCAPE, 0, "a\\ b|c" },
		{ "'it''s'", EXTRACT_UNQUOTE, 0, "its" },
		{ "\"a ; b\" ;", EXTRACT_UNQUOTE, 0, "a ; b|;" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *out = NULL;
		int r = words(t[i].in, t[i].flags, NULL, &out);

		ck_assert_msg(r == t[i].r, "extract_word(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_msg(streq(out, t[i].out), "extract_word(\"%s\") gave \"%s\"",
				      t[i].in, out);
		free(out);
	}
}
END_TEST

START_TEST(test_extract_word_custom_separators)
{
	char *out;

	ck_assert_int_eq(words("a:b::c", 0, ":", &out), 0);
	ck_assert_str_eq(out, "a|b|c");
	free(out);
}
END_TEST

START_TEST(test_extract_word_end_of_input)
{
	const char *p = "   ";
	char *w = (char *)"sentinel";

	ck_assert_int_eq(extract_word(&p, &w, NULL, 0), 0);
	ck_assert_ptr_null(w);
	p = NULL;
	w = (char *)"sentinel";
	ck_assert_int_eq(extract_word(&p, &w, NULL, 0), 0);
	ck_assert_ptr_null(w);
}
END_TEST

START_TEST(test_cunescape_table)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "plain", 0, "plain" },
		{ "\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'\\s", 0, "\a\b\f\n\r\t\v\\\"' " },
		{ "\\x2d", 0, "-" },
		{ "\\101", 0, "A" },
		{ "\\u20ac", 0, "\xe2\x82\xac" },
		{ "\\U0001f600", 0, "\xf0\x9f\x98\x80" },
		{ "\\x00", -EINVAL, NULL },
		{ "\\000", -EINVAL, NULL },
		{ "\\xg1", -EINVAL, NULL },
		{ "\\ud800", -EINVAL, NULL },
		{ "\\q", -EINVAL, NULL },
		{ "end\\", -EINVAL, NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *out = NULL;
		int r = cunescape(t[i].in, &out);

		ck_assert_msg(r == t[i].r, "cunescape(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_str_eq(out, t[i].out);
		free(out);
	}
}
END_TEST

START_TEST(test_cescape_round_trips)
{
	static const char *const t[] = {
		"plain", "tab\there", "quote\"s and 'single'", "back\\slash", "\x01\x7f",
		"utf-8 \xc3\xa9", "",
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *e = cescape(t[i]), *u = NULL;

		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(cunescape(e, &u), 0);
		ck_assert_str_eq(u, t[i]);
		free(e);
		free(u);
	}
	{
		char *e = cescape("a\tb\x01");

		ck_assert_str_eq(e, "a\\tb\\x01");
		free(e);
	}
}
END_TEST

START_TEST(test_quote_word_table)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "/bin/foo", "/bin/foo" },
		{ "b c", "'b c'" },
		{ "", "''" },
		{ ";", "';'" },
		{ "it's", "\"it\\'s\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "tab\t", "\"tab\\t\"" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *q = quote_word(t[i].in);

		ck_assert_str_eq(q, t[i].out);
		free(q);
	}
}
END_TEST

START_TEST(test_quote_word_reads_back)
{
	static const char *const t[] = { "simple", "two words", "", "it's \"x\"", "a\\b\n", ";" };

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		for (int always = 0; always < 2; always++) {
			char *q = quote_word_full(t[i], always), *w = NULL;
			const char *p = q;

			ck_assert_int_eq(extract_word(&p, &w, NULL,
						      EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE), 1);
			ck_assert_str_eq(w, t[i]);
			ck_assert_str_eq(p, "");
			free(w);
			free(q);
		}
	}
}
END_TEST

START_TEST(test_strbuf_grows)
{
	struct strbuf b = { 0 };
	char *s;

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(strbuf_puts(&b, "0123456789"), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_eq(strlen(b.s), 10000);
	strbuf_reset(&b);
	ck_assert_str_eq(b.s, "");
	strbuf_putc(&b, 'x');
	s = strbuf_steal(&b);
	ck_assert_str_eq(s, "x");
	ck_assert_ptr_null(b.s);
	free(s);
	s = strbuf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

static Suite *
string_util_suite(void)
{
	Suite *s = suite_create("string-util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strstrip_trims_both_ends);
	tcase_add_test(tc, test_strjoin_concatenates);
	tcase_add_test(tc, test_parse_boolean_table);
	tcase_add_test(tc, test_safe_atoi_ranges);
	tcase_add_test(tc, test_safe_atou_rejects_negative);
	tcase_add_test(tc, test_parse_size_table);
	tcase_add_test(tc, test_extract_word_table);
	tcase_add_test(tc, test_extract_word_custom_separators);
	tcase_add_test(tc, test_extract_word_end_of_input);
	tcase_add_test(tc, test_cunescape_table);
	tcase_add_test(tc, test_cescape_round_trips);
	tcase_add_test(tc, test_quote_word_table);
	tcase_add_test(tc, test_quote_word_reads_back);
	tcase_add_test(tc, test_strbuf_grows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(string_util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
