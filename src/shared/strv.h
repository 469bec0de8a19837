/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_STRV_H
#define EMBER_STRV_H

#include <stdbool.h>
#include <stddef.h>

/* NULL-terminated arrays of strings. A NULL strv is an empty list everywhere. */

char **strv_free(char **l);
static inline void strv_freep(char ***l) { strv_free(*l); }
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))

size_t strv_length(char *const *l);
bool strv_contains(char *const *l, const char *s);
/* Appends a copy of s. Returns 0 or -ENOMEM (list unchanged). */
int strv_extend(char ***l, const char *s);
/* Appends s, taking ownership of it even on failure. */
int strv_consume(char ***l, char *s);
/* Appends copies of every string of other. */
int strv_extend_strv(char ***l, char *const *other);
/* Appends s only if not present yet. */
int strv_extend_unique(char ***l, const char *s);
char **strv_copy(char *const *l);
/* Removes every entry equal to s; returns number removed. */
size_t strv_remove(char **l, const char *s);
/* Joins with sep; returns NULL on OOM. */
char *strv_join(char *const *l, const char *sep);
/* Splits on any char of seps, dropping empty fields. NULL on OOM. */
char **strv_split(const char *s, const char *seps);
void strv_sort(char **l);

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)

#endif
