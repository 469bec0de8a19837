/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_STRING_UTIL_H
#define EMBER_STRING_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WHITESPACE " \t\n\r"

/* Returns s without leading and trailing whitespace, in place. */
char *strstrip(char *s);
/* Concatenates a NULL-terminated list of strings; NULL on OOM. */
char *strjoin_real(const char *a, ...);
#define strjoin(a, ...) strjoin_real((a), __VA_ARGS__, NULL)
/* Returns 1 for yes/true/on/1, 0 for no/false/off/0, -EINVAL otherwise. */
int parse_boolean(const char *s);
int safe_atoi(const char *s, int *ret);
int safe_atou(const char *s, unsigned *ret);
int safe_atolu(const char *s, unsigned long *ret);
int safe_atollu(const char *s, unsigned long long *ret);
/* Parses "1024", "4K", "2M", "1G", "infinity" (base 1024). */
int parse_size(const char *s, uint64_t *ret);

/* Flags for extract_word(). */
enum {
	EXTRACT_UNQUOTE = 1 << 0,     /* remove "..." and '...' quoting */
	EXTRACT_CUNESCAPE = 1 << 1,   /* interpret C escapes: \n \t \\ \" \xNN \NNN \uNNNN */
	EXTRACT_RELAX = 1 << 2,       /* tolerate an unterminated quote or trailing backslash */
	EXTRACT_RETAIN_ESCAPE = 1 << 3, /* keep backslashes as they are (outside quotes) */
};

/* Extracts the next whitespace-separated word from *p, advancing *p.
 * Returns 1 and a newly allocated *ret, 0 at the end of input (*ret = NULL),
 * -EINVAL on bad quoting/escapes, -ENOMEM. */
int extract_word(const char **p, char **ret, const char *separators, unsigned flags);

/* C-style escape/unescape. Return NULL / -EINVAL / -ENOMEM as usual. */
int cunescape(const char *s, char **ret);
char *cescape(const char *s);

/* Shell-like quoting for display of argv words (adds quotes only if needed). */
char *quote_word(const char *s);
/* Same; always quotes if always is true. The result reads back as s through
 * extract_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE). NULL on OOM. */
char *quote_word_full(const char *s, bool always);

/* A growing, NUL-terminated string (s is NULL until the first append). Zero-initialise. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};
/* Append n bytes / a string / one byte. 0 or -ENOMEM (b unchanged). */
int strbuf_append(struct strbuf *b, const char *s, size_t n);
int strbuf_puts(struct strbuf *b, const char *s);
int strbuf_putc(struct strbuf *b, char c);
/* Empties b, keeping its memory. */
void strbuf_reset(struct strbuf *b);
/* Hands over the string ("" if nothing was appended) and empties b; NULL on OOM. */
char *strbuf_steal(struct strbuf *b);
/* Frees b's memory. */
void strbuf_done(struct strbuf *b);

#endif
