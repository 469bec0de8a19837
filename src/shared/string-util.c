/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "string-util.h"

/* ASCII-only classes: unit files are parsed the same whatever the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -EINVAL;
}

static bool
is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

int
strbuf_append(struct strbuf *b, const char *s, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *t;

		while (cap < b->len + n + 1) {
			if (cap > SIZE_MAX / 2) {
				cap = b->len + n + 1;
				break;
			}
			cap *= 2;
		}
		t = realloc(b->s, cap);
		if (!t)
			return -ENOMEM;
		b->s = t;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
	return 0;
}

int
strbuf_puts(struct strbuf *b, const char *s)
{
	return strbuf_append(b, s, strlen(s));
}

int
strbuf_putc(struct strbuf *b, char c)
{
	return strbuf_append(b, &c, 1);
}

void
strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

char *
strbuf_steal(struct strbuf *b)
{
	char *s = b->s;

	if (!s)
		s = strdup("");
	else if (b->cap > b->len + 1) {
		/* Results live as long as their unit: give the slack back. */
		char *t = realloc(s, b->len + 1);

		if (t)
			s = t;
	}
	*b = (struct strbuf){ 0 };
	return s;
}

void
strbuf_done(struct strbuf *b)
{
	free(b->s);
	*b = (struct strbuf){ 0 };
}

char *
strstrip(char *s)
{
	size_t n;

	if (!s)
		return NULL;
	s += strspn(s, WHITESPACE);
	n = strlen(s);
	while (n > 0 && strchr(WHITESPACE, s[n - 1]))
		n--;
	s[n] = 0;
	return s;
}

char *
strjoin_real(const char *a, ...)
{
	va_list ap;
	size_t total = 0;
	char *r, *p;

	va_start(ap, a);
	for (const char *s = a; s; s = va_arg(ap, const char *)) {
		size_t n = strlen(s);

		if (n > SIZE_MAX - total - 1) {
			va_end(ap);
			return NULL;
		}
		total += n;
	}
	va_end(ap);

	r = malloc(total + 1);
	if (!r)
		return NULL;
	p = r;
	va_start(ap, a);
	for (const char *s = a; s; s = va_arg(ap, const char *))
		p = stpcpy(p, s);
	va_end(ap);
	*p = 0;
	return r;
}

int
parse_boolean(const char *s)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < ELEMENTSOF(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -EINVAL;
}

/* The common core of the safe_ato*() family: base 10, whole string, no sign for the
 * unsigned ones (strtoul() would silently wrap "-1" to ULONG_MAX). */
static int
parse_ull(const char *s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *e;

	if (!s)
		return -EINVAL;
	s += strspn(s, WHITESPACE);
	if (*s == '-')
		return -ERANGE;
	if (!is_digit(*s) && *s != '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (e == s || *e)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (errno > 0)
		return -errno;
	*ret = v;
	return 0;
}

int
safe_atoi(const char *s, int *ret)
{
	long v;
	char *e;

	if (!s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &e, 10);
	if (e == s || *e)
		return -EINVAL;
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	if (errno > 0)
		return -errno;
	*ret = (int)v;
	return 0;
}

int
safe_atou(const char *s, unsigned *ret)
{
	unsigned long long v;
	int r = parse_ull(s, UINT_MAX, &v);

	if (r < 0)
		return r;
	*ret = (unsigned)v;
	return 0;
}

int
safe_atolu(const char *s, unsigned long *ret)
{
	unsigned long long v;
	int r = parse_ull(s, ULONG_MAX, &v);

	if (r < 0)
		return r;
	*ret = (unsigned long)v;
	return 0;
}

int
safe_atollu(const char *s, unsigned long long *ret)
{
	return parse_ull(s, ULLONG_MAX, ret);
}

static int
size_factor(const char **p, uint64_t *ret)
{
	static const char suffixes[] = "BKMGTPE";
	const char *c = *p;
	const char *f;

	if (!*c || strchr(WHITESPACE, *c) || is_digit(*c)) {
		*ret = 1;
		return 0;
	}
	f = strchr(suffixes, *c);
	if (!f)
		return -EINVAL;
	*ret = UINT64_C(1) << (10 * (f - suffixes));
	*p = c + 1;
	return 0;
}

int
parse_size(const char *s, uint64_t *ret)
{
	uint64_t total = 0;
	const char *p;

	if (!s)
		return -EINVAL;
	p = s + strspn(s, WHITESPACE);
	if (strneq(p, "infinity", 8) && !p[8 + strspn(p + 8, WHITESPACE)]) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!*p)
		return -EINVAL;

	while (*p) {
		uint64_t whole = 0, frac = 0, denom = 1, factor, v;
		bool digits = false;

		if (*p == '-')
			return -ERANGE;
		for (; is_digit(*p); p++, digits = true)
			if (__builtin_mul_overflow(whole, 10, &whole) ||
			    __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole))
				return -ERANGE;
		if (*p == '.') {
			/* 18 digits of fraction are more than any factor can use. */
			for (p++; is_digit(*p); p++, digits = true)
				if (denom < UINT64_C(1000000000000000000)) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					denom *= 10;
				}
		}
		if (!digits)
			return -EINVAL;
		p += strspn(p, WHITESPACE);
		if (size_factor(&p, &factor) < 0)
			return -EINVAL;
		if (__builtin_mul_overflow(whole, factor, &v) ||
		    __builtin_add_overflow(v, (uint64_t)((unsigned __int128)frac * factor / denom), &v) ||
		    __builtin_add_overflow(total, v, &total))
			return -ERANGE;
		p += strspn(p, WHITESPACE);
	}
	*ret = total;
	return 0;
}

static size_t
utf8_encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Decodes the escape whose first character (after the backslash) is at p into out
 * (at most 4 bytes). Returns the number of characters consumed from p, or -EINVAL.
 * A NUL result is refused: it could not be represented in a C string. */
static int
cunescape_one(const char *p, char *out, size_t *outlen)
{
	static const char simple_from[] = "abfnrtv\\\"'s";
	static const char simple_to[] = "\a\b\f\n\r\t\v\\\"' ";
	const char *f;
	uint32_t v = 0;
	int n;

	if (!*p)
		return -EINVAL;
	f = strchr(simple_from, *p);
	if (f) {
		out[0] = simple_to[f - simple_from];
		*outlen = 1;
		return 1;
	}
	if (*p == 'x' || *p == 'u' || *p == 'U') {
		n = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
		for (int i = 1; i <= n; i++) {
			int h = hex_value(p[i]);

			if (h < 0)
				return -EINVAL;
			v = (v << 4) | (uint32_t)h;
		}
		if (v == 0)
			return -EINVAL;
		if (*p == 'x') {
			out[0] = (char)v;
			*outlen = 1;
		} else {
			if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
				return -EINVAL;
			*outlen = utf8_encode(v, out);
		}
		return n + 1;
	}
	if (*p >= '0' && *p <= '7') {
		for (int i = 0; i < 3; i++) {
			if (p[i] < '0' || p[i] > '7')
				return -EINVAL;
			v = (v << 3) | (uint32_t)(p[i] - '0');
		}
		if (v == 0 || v > 0xff)
			return -EINVAL;
		out[0] = (char)v;
		*outlen = 1;
		return 3;
	}
	return -EINVAL;
}

int
cunescape(const char *s, char **ret)
{
	struct strbuf b = { 0 };
	int r;

	if (!s)
		return -EINVAL;
	while (*s) {
		size_t n = strcspn(s, "\\");

		r = strbuf_append(&b, s, n);
		if (r < 0)
			goto fail;
		s += n;
		if (*s == '\\') {
			char out[4];
			size_t outlen;

			r = cunescape_one(s + 1, out, &outlen);
			if (r < 0)
				goto fail;
			s += 1 + r;
			r = strbuf_append(&b, out, outlen);
			if (r < 0)
				goto fail;
		}
	}
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
fail:
	strbuf_done(&b);
	return r;
}

char *
cescape(const char *s)
{
	static const char special_from[] = "\a\b\f\n\r\t\v\\\"'";
	static const char special_to[] = "abfnrtv\\\"'";
	struct strbuf b = { 0 };

	if (!s)
		return NULL;
	for (; *s; s++) {
		const char *f = strchr(special_from, *s);
		char esc[5];
		int r;

		if (f) {
			esc[0] = '\\';
			esc[1] = special_to[f - special_from];
			r = strbuf_append(&b, esc, 2);
		} else if (is_control(*s)) {
			static const char hex[] = "0123456789abcdef";

			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[(unsigned char)*s >> 4];
			esc[3] = hex[(unsigned char)*s & 15];
			r = strbuf_append(&b, esc, 4);
		} else {
			r = strbuf_putc(&b, *s);
		}
		if (r < 0) {
			strbuf_done(&b);
			return NULL;
		}
	}
	return strbuf_steal(&b);
}

/* Handles the backslash at **s (inside or outside a quote) for extract_word(). */
static int
extract_escape(const char **s, struct strbuf *b, unsigned flags, bool quoted)
{
	const char *p = *s;
	char out[4];
	size_t outlen;
	int r;

	if (!p[1]) {
		if (!(flags & EXTRACT_RELAX))
			return -EINVAL;
		*s = p + 1;
		return strbuf_putc(b, '\\');
	}
	if ((flags & EXTRACT_RETAIN_ESCAPE) && !quoted) {
		*s = p + 2;
		return strbuf_append(b, p, 2);
	}
	if (!(flags & EXTRACT_CUNESCAPE)) {
		*s = p + 2;
		return strbuf_putc(b, p[1]);
	}
	r = cunescape_one(p + 1, out, &outlen);
	if (r < 0) {
		if (!(flags & EXTRACT_RELAX))
			return -EINVAL;
		/* Keep an unknown escape as written, so nothing is lost. */
		*s = p + 1;
		return strbuf_putc(b, '\\');
	}
	*s = p + 1 + r;
	return strbuf_append(b, out, outlen);
}

int
extract_word(const char **p, char **ret, const char *separators, unsigned flags)
{
	struct strbuf b = { 0 };
	const char *s;
	char quote = 0;
	int r;

	if (!separators)
		separators = WHITESPACE;
	s = *p;
	if (!s) {
		*ret = NULL;
		return 0;
	}
	s += strspn(s, separators);
	if (!*s) {
		*p = s;
		*ret = NULL;
		return 0;
	}

	for (;;) {
		char c = *s;

		if (!c) {
			if (quote && !(flags & EXTRACT_RELAX)) {
				r = -EINVAL;
				goto fail;
			}
			break;
		}
		if (c == '\\') {
			r = extract_escape(&s, &b, flags, quote != 0);
			if (r < 0)
				goto fail;
			continue;
		}
		s++;
		if (quote) {
			if (c == quote) {
				quote = 0;
				continue;
			}
		} else if ((flags & EXTRACT_UNQUOTE) && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		} else if (strchr(separators, c)) {
			break;
		}
		r = strbuf_putc(&b, c);
		if (r < 0)
			goto fail;
	}

	s += strspn(s, separators);
	*p = s;
	*ret = strbuf_steal(&b);
	return *ret ? 1 : -ENOMEM;
fail:
	strbuf_done(&b);
	return r;
}

char *
quote_word_full(const char *s, bool always)
{
	bool plain = true, single_ok = true;
	char *e, *r;

	if (!s)
		s = "";
	if (!*s)
		always = true;
	for (const char *c = s; *c; c++) {
		if (strchr(" \t\n\r\"';", *c) || *c == '\\' || is_control(*c))
			plain = false;
		if (*c == '\'' || *c == '\\' || is_control(*c))
			single_ok = false;
	}
	if (plain && !always)
		return strdup(s);
	/* Backslashes are escapes even inside '...' for extract_word(), so only words
	 * without them can use single quotes. */
	if (single_ok)
		return strjoin("'", s, "'");
	e = cescape(s);
	if (!e)
		return NULL;
	r = strjoin("\"", e, "\"");
	free(e);
	return r;
}

char *
quote_word(const char *s)
{
	return quote_word_full(s, false);
}
