/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strv.h"

char **
strv_free(char **l)
{
	if (!l)
		return NULL;
	for (char **s = l; *s; s++)
		free(*s);
	free(l);
	return NULL;
}

size_t
strv_length(char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

bool
strv_contains(char *const *l, const char *s)
{
	STRV_FOREACH(i, l)
		if (streq(*i, s))
			return true;
	return false;
}

int
strv_consume(char ***l, char *s)
{
	size_t n;
	char **t;

	if (!s)
		return -ENOMEM;
	n = strv_length(*l);
	t = realloc(*l, sizeof(char *) * (n + 2));
	if (!t) {
		free(s);
		return -ENOMEM;
	}
	t[n] = s;
	t[n + 1] = NULL;
	*l = t;
	return 0;
}

int
strv_extend(char ***l, const char *s)
{
	return strv_consume(l, strdup(s));
}

int
strv_extend_strv(char ***l, char *const *other)
{
	_cleanup_strv_free_ char **copy = NULL;

	/* Appending a list to itself: take a copy first, *l moves as it grows. */
	if (other && other == *l) {
		copy = strv_copy(other);
		if (!copy)
			return -ENOMEM;
		other = copy;
	}
	STRV_FOREACH(s, other) {
		int r = strv_extend(l, *s);
		if (r < 0)
			return r;
	}
	return 0;
}

int
strv_extend_unique(char ***l, const char *s)
{
	if (strv_contains(*l, s))
		return 0;
	return strv_extend(l, s);
}

char **
strv_copy(char *const *l)
{
	char **r = calloc(strv_length(l) + 1, sizeof(char *));
	size_t i = 0;

	if (!r)
		return NULL;
	STRV_FOREACH(s, l) {
		r[i] = strdup(*s);
		if (!r[i])
			return strv_free(r);
		i++;
	}
	return r;
}

size_t
strv_remove(char **l, const char *s)
{
	size_t removed = 0;
	char **w = l;

	if (!l)
		return 0;
	for (char **i = l; *i; i++) {
		if (streq(*i, s)) {
			free(*i);
			removed++;
		} else
			*w++ = *i;
	}
	*w = NULL;
	return removed;
}

char *
strv_join(char *const *l, const char *sep)
{
	size_t n = 0, k = strlen(sep);
	char *r, *p;

	STRV_FOREACH(s, l)
		n += strlen(*s) + k;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	p = r;
	STRV_FOREACH(s, l) {
		if (s != l) {
			memcpy(p, sep, k);
			p += k;
		}
		p = stpcpy(p, *s);
	}
	*p = 0;
	return r;
}

char **
strv_split(const char *s, const char *seps)
{
	char **l = calloc(1, sizeof(char *));

	if (!l)
		return NULL;
	while (*s) {
		size_t n;

		s += strspn(s, seps);
		n = strcspn(s, seps);
		if (n == 0)
			break;
		if (strv_consume(&l, strndup(s, n)) < 0)
			return strv_free(l);
		s += n;
	}
	return l;
}

static int
str_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
strv_sort(char **l)
{
	size_t n = strv_length(l);

	if (n > 1)
		qsort(l, n, sizeof(char *), str_compare);
}
