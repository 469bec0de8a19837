/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "string-util.h"
#include "time-util.h"

#define USEC_PER_HOUR (60ULL * USEC_PER_MINUTE)
#define USEC_PER_DAY (24ULL * USEC_PER_HOUR)
#define USEC_PER_WEEK (7ULL * USEC_PER_DAY)
/* systemd.time(7): a month is 30.44 days, a year 365.25 days. */
#define USEC_PER_MONTH (2629800ULL * USEC_PER_SEC)
#define USEC_PER_YEAR (31557600ULL * USEC_PER_SEC)

usec_t
now(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) < 0)
		return 0;
	return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / NSEC_PER_USEC;
}

static const struct {
	const char *name;
	usec_t usec;
} parse_units[] = {
	{ "usec", 1 },
	{ "us", 1 },
	{ "\xc2\xb5s", 1 },   /* MICRO SIGN */
	{ "\xce\xbcs", 1 },   /* GREEK SMALL LETTER MU */
	{ "msec", USEC_PER_MSEC },
	{ "ms", USEC_PER_MSEC },
	{ "seconds", USEC_PER_SEC },
	{ "second", USEC_PER_SEC },
	{ "sec", USEC_PER_SEC },
	{ "s", USEC_PER_SEC },
	{ "minutes", USEC_PER_MINUTE },
	{ "minute", USEC_PER_MINUTE },
	{ "min", USEC_PER_MINUTE },
	{ "m", USEC_PER_MINUTE },
	{ "hours", USEC_PER_HOUR },
	{ "hour", USEC_PER_HOUR },
	{ "hr", USEC_PER_HOUR },
	{ "h", USEC_PER_HOUR },
	{ "days", USEC_PER_DAY },
	{ "day", USEC_PER_DAY },
	{ "d", USEC_PER_DAY },
	{ "weeks", USEC_PER_WEEK },
	{ "week", USEC_PER_WEEK },
	{ "w", USEC_PER_WEEK },
	{ "months", USEC_PER_MONTH },
	{ "month", USEC_PER_MONTH },
	{ "M", USEC_PER_MONTH },
	{ "years", USEC_PER_YEAR },
	{ "year", USEC_PER_YEAR },
	{ "y", USEC_PER_YEAR },
};

static bool
is_unit_char(char c)
{
	/* Letters, plus the bytes of the UTF-8 micro signs. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* Reads a unit name at *p as a whole run of letters, so "5sx" is an error rather
 * than 5s followed by garbage. An empty run means default_unit. */
static int
parse_unit(const char **p, usec_t default_unit, usec_t *ret)
{
	const char *s = *p;
	size_t n = 0;

	while (is_unit_char(s[n]))
		n++;
	if (n == 0) {
		*ret = default_unit;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(parse_units); i++)
		if (strlen(parse_units[i].name) == n && strneq(s, parse_units[i].name, n)) {
			*ret = parse_units[i].usec;
			*p = s + n;
			return 0;
		}
	return -EINVAL;
}

/* One "<number>[.<fraction>] [unit]" component. */
static int
parse_component(const char **p, usec_t default_unit, usec_t *ret)
{
	const char *s = *p;
	uint64_t whole = 0, frac = 0, denom = 1;
	usec_t unit, v;
	bool digits = false;

	if (*s == '-')
		return -ERANGE;
	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*s - '0'), &whole))
			return -ERANGE;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
			if (denom < UINT64_C(1000000000000000000)) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				denom *= 10;
			}
	if (!digits)
		return -EINVAL;
	s += strspn(s, WHITESPACE);
	if (parse_unit(&s, default_unit, &unit) < 0)
		return -EINVAL;
	if (__builtin_mul_overflow(whole, unit, &v) ||
	    __builtin_add_overflow(v, (usec_t)((unsigned __int128)frac * unit / denom), &v))
		return -ERANGE;
	*p = s;
	*ret = v;
	return 0;
}

int
parse_time(const char *s, usec_t *ret, usec_t default_unit)
{
	usec_t total = 0;
	const char *p;

	if (!s)
		return -EINVAL;
	p = s + strspn(s, WHITESPACE);
	if (strneq(p, "infinity", 8) && !p[8 + strspn(p + 8, WHITESPACE)]) {
		*ret = USEC_INFINITY;
		return 0;
	}
	if (!*p)
		return -EINVAL;
	while (*p) {
		usec_t v;
		int r = parse_component(&p, default_unit, &v);

		if (r < 0)
			return r;
		if (__builtin_add_overflow(total, v, &total) || total == USEC_INFINITY)
			return -ERANGE;
		p += strspn(p, WHITESPACE);
	}
	*ret = total;
	return 0;
}

char *
format_timespan(char *buf, size_t l, usec_t t, usec_t accuracy)
{
	static const struct {
		const char *suffix;
		usec_t usec;
	} units[] = {
		{ "y", USEC_PER_YEAR }, { "month", USEC_PER_MONTH }, { "w", USEC_PER_WEEK },
		{ "d", USEC_PER_DAY },  { "h", USEC_PER_HOUR },      { "min", USEC_PER_MINUTE },
		{ "s", USEC_PER_SEC },  { "ms", USEC_PER_MSEC },     { "us", 1 },
	};
	size_t used = 0;

	if (!buf || l == 0)
		return buf;
	if (t == USEC_INFINITY) {
		snprintf(buf, l, "infinity");
		return buf;
	}
	if (t == 0) {
		snprintf(buf, l, "0");
		return buf;
	}
	if (accuracy == 0)
		accuracy = 1;
	buf[0] = 0;
	for (size_t i = 0; i < ELEMENTSOF(units) && t > 0; i++) {
		unsigned long long n;
		int k;

		if (t < units[i].usec)
			continue;
		/* Below the accuracy only when nothing coarser was printed: "250ms" rather
		 * than an empty string. */
		if (used > 0 && units[i].usec < accuracy)
			break;
		n = t / units[i].usec;
		t -= n * units[i].usec;
		k = snprintf(buf + used, l - used, "%s%llu%s", used > 0 ? " " : "", n,
			     units[i].suffix);
		if (k < 0 || (size_t)k >= l - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

char *
format_timestamp(char *buf, size_t l, usec_t t)
{
	/* English names whatever the locale, as systemd.time(7) promises. */
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	struct tm tm;
	time_t sec;

	if (!buf || l == 0)
		return buf;
	if (t == 0 || t == USEC_INFINITY) {
		snprintf(buf, l, "n/a");
		return buf;
	}
	sec = (time_t)(t / USEC_PER_SEC);
	if (!localtime_r(&sec, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6) {
		snprintf(buf, l, "n/a");
		return buf;
	}
	snprintf(buf, l, "%s %04d-%02d-%02d %02d:%02d:%02d %s", wday[tm.tm_wday],
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 strempty(tm.tm_zone));
	return buf;
}
