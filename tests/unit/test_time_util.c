/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "time-util.h"

START_TEST(test_parse_time_table)
{
	static const struct {
		const char *in;
		int r;
		usec_t out;
	} t[] = {
		{ "5", 0, 5 * USEC_PER_SEC },
		{ "5s", 0, 5 * USEC_PER_SEC },
		{ "5 s", 0, 5 * USEC_PER_SEC },
		{ "1min 30s", 0, 90 * USEC_PER_SEC },
		{ "1min30", 0, 90 * USEC_PER_SEC },
		{ "100ms", 0, 100 * USEC_PER_MSEC },
		{ "2h", 0, 7200 * USEC_PER_SEC },
		{ "48hr", 0, 48 * 3600 * USEC_PER_SEC },
		{ "1d", 0, 86400 * USEC_PER_SEC },
		{ "1w", 0, 7 * 86400 * USEC_PER_SEC },
		{ "2 hours", 0, 7200 * USEC_PER_SEC },
		{ "55s500ms", 0, 55500 * USEC_PER_MSEC },
		{ "300ms20s 5day", 0, 300 * USEC_PER_MSEC + 20 * USEC_PER_SEC + 5 * 86400 * USEC_PER_SEC },
		{ "1.5s", 0, 1500 * USEC_PER_MSEC },
		{ "0.5", 0, 500 * USEC_PER_MSEC },
		{ "10us", 0, 10 },
		{ "10\xc2\xb5s", 0, 10 },
		{ "1M", 0, 2629800 * USEC_PER_SEC },
		{ "1y", 0, 31557600 * USEC_PER_SEC },
		{ "1m", 0, USEC_PER_MINUTE },
		{ "0", 0, 0 },
		{ "infinity", 0, USEC_INFINITY },
		{ " infinity ", 0, USEC_INFINITY },
		{ "", -EINVAL, 0 },
		{ "s", -EINVAL, 0 },
		{ "5x", -EINVAL, 0 },
		{ "5sx", -EINVAL, 0 },
		{ "5 secs", -EINVAL, 0 },
		{ "-5s", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "1000000y", -ERANGE, 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		usec_t v = 12345;
		int r = parse_sec(t[i].in, &v);

		ck_assert_msg(r == t[i].r, "parse_sec(\"%s\") = %d", t[i].in, r);
		if (r == 0)
			ck_assert_msg(v == t[i].out, "parse_sec(\"%s\") = %llu", t[i].in,
				      (unsigned long long)v);
		else
			ck_assert_msg(v == 12345, "parse_sec(\"%s\") wrote on failure", t[i].in);
	}
}
END_TEST

START_TEST(test_parse_time_default_unit)
{
	usec_t v;

	ck_assert_int_eq(parse_time("250", &v, USEC_PER_MSEC), 0);
	ck_assert(v == 250 * USEC_PER_MSEC);
	ck_assert_int_eq(parse_time("250", &v, 1), 0);
	ck_assert(v == 250);
	ck_assert_int_eq(parse_time("2s", &v, USEC_PER_MSEC), 0);
	ck_assert(v == 2 * USEC_PER_SEC);
}
END_TEST

START_TEST(test_format_timespan_table)
{
	static const struct {
		usec_t t;
		usec_t accuracy;
		const char *out;
	} t[] = {
		{ 90 * USEC_PER_SEC, USEC_PER_SEC, "1min 30s" },
		{ 250 * USEC_PER_MSEC, USEC_PER_MSEC, "250ms" },
		{ 250 * USEC_PER_MSEC, USEC_PER_SEC, "250ms" },
		{ 90 * USEC_PER_SEC + 5 * USEC_PER_MSEC, USEC_PER_SEC, "1min 30s" },
		{ 90 * USEC_PER_SEC + 5 * USEC_PER_MSEC, 1, "1min 30s 5ms" },
		{ 86400 * USEC_PER_SEC + 1, 0, "1d 1us" },
		{ 3600 * USEC_PER_SEC, USEC_PER_SEC, "1h" },
		{ 0, USEC_PER_SEC, "0" },
		{ USEC_INFINITY, USEC_PER_SEC, "infinity" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char buf[FORMAT_TIMESPAN_MAX];

		ck_assert_str_eq(format_timespan(buf, sizeof(buf), t[i].t, t[i].accuracy), t[i].out);
	}
}
END_TEST

START_TEST(test_format_timespan_round_trips)
{
	static const usec_t t[] = { 1, 999, 1500 * USEC_PER_MSEC, 3 * USEC_PER_MINUTE + 7,
				    400 * 86400 * USEC_PER_SEC + 17 };

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char buf[FORMAT_TIMESPAN_MAX];
		usec_t back;

		format_timespan(buf, sizeof(buf), t[i], 1);
		ck_assert_int_eq(parse_sec(buf, &back), 0);
		ck_assert_msg(back == t[i], "%s", buf);
	}
}
END_TEST

START_TEST(test_format_timespan_small_buffer_terminates)
{
	char buf[6];

	format_timespan(buf, sizeof(buf), 90 * USEC_PER_SEC, 1);
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

START_TEST(test_format_timestamp_utc)
{
	char buf[FORMAT_TIMESTAMP_MAX];

	setenv("TZ", "UTC", 1);
	tzset();
	/* 2026-11-23 11:35:22 UTC was a Monday. */
	ck_assert_str_eq(format_timestamp(buf, sizeof(buf), 1795433722ULL * USEC_PER_SEC),
			 "Mon 2026-11-23 11:35:22 UTC");
	ck_assert_str_eq(format_timestamp(buf, sizeof(buf), 0), "n/a");
}
END_TEST

START_TEST(test_now_advances)
{
	usec_t a = now(CLOCK_MONOTONIC), b;
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	b = now(CLOCK_MONOTONIC);
	ck_assert(a > 0);
	ck_assert(b >= a + 2 * USEC_PER_MSEC);
	ck_assert(now(CLOCK_REALTIME) > 1600000000ULL * USEC_PER_SEC);
}
END_TEST

static Suite *
time_util_suite(void)
{
	Suite *s = suite_create("time-util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_time_table);
	tcase_add_test(tc, test_parse_time_default_unit);
	tcase_add_test(tc, test_format_timespan_table);
	tcase_add_test(tc, test_format_timespan_round_trips);
	tcase_add_test(tc, test_format_timespan_small_buffer_terminates);
	tcase_add_test(tc, test_format_timestamp_utc);
	tcase_add_test(tc, test_now_advances);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(time_util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
