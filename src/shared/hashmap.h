/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_HASHMAP_H
#define EMBER_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>

/* An open-addressing hash table. Keys are either C strings (compared by content,
 * not copied: the caller keeps them alive) or pointers (compared by address).
 * Lookups, inserts and removals are O(1) on average, so nothing in the manager has
 * to rescan all units. Iteration order is unspecified. */

enum hashmap_kind { HASHMAP_STRING, HASHMAP_POINTER };

struct hashmap;

/* Returns NULL on OOM. */
struct hashmap *hashmap_new(enum hashmap_kind kind);
/* Frees the table, not keys or values. Accepts NULL, returns NULL. */
struct hashmap *hashmap_free(struct hashmap *h);
/* Returns 1 if inserted, 0 if key was present (value replaced), -ENOMEM. */
int hashmap_put(struct hashmap *h, const void *key, void *value);
/* Returns the value or NULL. */
void *hashmap_get(const struct hashmap *h, const void *key);
bool hashmap_contains(const struct hashmap *h, const void *key);
/* Removes key; returns its value or NULL. */
void *hashmap_remove(struct hashmap *h, const void *key);
size_t hashmap_size(const struct hashmap *h);
/* Iterates: start with *state = 0; returns false when done. */
bool hashmap_iterate(const struct hashmap *h, size_t *state, const void **key, void **value);

#define HASHMAP_FOREACH(k, v, h) \
	for (size_t _hi = 0; hashmap_iterate((h), &_hi, (const void **)&(k), (void **)&(v));)

/* A set of pointers: a hashmap whose values equal its keys, or, for one element, just the
 * tagged pointer (so use set_ensure_put/set_remove on a struct set * variable; NULL is the
 * empty set). */
struct set;
struct set *set_new(void);
struct set *set_free(struct set *s);
int set_put(struct set *s, void *p);             /* 1 added, 0 present, -ENOMEM */
bool set_contains(const struct set *s, const void *p);
/* Removes p; the set may become NULL (empty sets are not kept). */
void *set_remove(struct set **s, const void *p);
size_t set_size(const struct set *s);
bool set_iterate(const struct set *s, size_t *state, void **p);
/* Ensures *s exists, then adds p. */
int set_ensure_put(struct set **s, void *p);
#define SET_FOREACH(p, s) for (size_t _si = 0; set_iterate((s), &_si, (void **)&(p));)

#endif
