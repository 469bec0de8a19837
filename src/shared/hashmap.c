/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "macro.h"

/* Linear probing with tombstones; the table doubles at 70% load (tombstones included)
 * so probe sequences stay short. */

#define TOMBSTONE ((const void *)&tombstone_marker)
static const char tombstone_marker;

struct bucket {
	const void *key; /* NULL = free, TOMBSTONE = deleted */
	void *value;
};

struct hashmap {
	enum hashmap_kind kind;
	size_t size, used, capacity; /* used counts live + tombstones */
	struct bucket *buckets;
};

static uint64_t
hash_key(const struct hashmap *h, const void *key)
{
	uint64_t x;

	if (h->kind == HASHMAP_STRING) {
		/* FNV-1a */
		x = 14695981039346656037ULL;
		for (const unsigned char *p = key; *p; p++)
			x = (x ^ *p) * 1099511628211ULL;
		return x;
	}
	x = (uint64_t)(uintptr_t)key;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static bool
key_equal(const struct hashmap *h, const void *a, const void *b)
{
	if (h->kind == HASHMAP_STRING)
		return streq((const char *)a, (const char *)b);
	return a == b;
}

struct hashmap *
hashmap_new(enum hashmap_kind kind)
{
	struct hashmap *h = calloc(1, sizeof(*h));

	if (h)
		h->kind = kind;
	return h;
}

struct hashmap *
hashmap_free(struct hashmap *h)
{
	if (h) {
		free(h->buckets);
		free(h);
	}
	return NULL;
}

/* Returns the bucket holding key, or NULL. */
static struct bucket *
find(const struct hashmap *h, const void *key)
{
	size_t mask, i;

	if (h->capacity == 0)
		return NULL;
	mask = h->capacity - 1;
	for (i = hash_key(h, key) & mask;; i = (i + 1) & mask) {
		struct bucket *b = &h->buckets[i];

		if (!b->key)
			return NULL;
		if (b->key != TOMBSTONE && key_equal(h, b->key, key))
			return b;
	}
}

static int
resize(struct hashmap *h, size_t capacity)
{
	struct bucket *old = h->buckets;
	size_t old_cap = h->capacity;

	h->buckets = calloc(capacity, sizeof(struct bucket));
	if (!h->buckets) {
		h->buckets = old;
		return -ENOMEM;
	}
	h->capacity = capacity;
	h->used = h->size;
	for (size_t i = 0; i < old_cap; i++) {
		size_t j, mask = capacity - 1;

		if (!old[i].key || old[i].key == TOMBSTONE)
			continue;
		for (j = hash_key(h, old[i].key) & mask; h->buckets[j].key; j = (j + 1) & mask)
			;
		h->buckets[j] = old[i];
	}
	free(old);
	return 0;
}

int
hashmap_put(struct hashmap *h, const void *key, void *value)
{
	struct bucket *b = find(h, key);
	size_t mask, i;

	if (b) {
		b->value = value;
		return 0;
	}
	if ((h->used + 1) * 10 >= h->capacity * 7) {
		size_t cap = h->capacity ? h->capacity : 4; /* most sets hold one or two */

		/* Grow only when live entries need it; otherwise rehash to drop tombstones. */
		while ((h->size + 1) * 10 > cap * 6)
			cap *= 2;
		if (resize(h, cap) < 0)
			return -ENOMEM;
	}
	mask = h->capacity - 1;
	for (i = hash_key(h, key) & mask;; i = (i + 1) & mask) {
		b = &h->buckets[i];
		if (!b->key || b->key == TOMBSTONE)
			break;
	}
	if (!b->key)
		h->used++;
	b->key = key;
	b->value = value;
	h->size++;
	return 1;
}

void *
hashmap_get(const struct hashmap *h, const void *key)
{
	struct bucket *b = h ? find(h, key) : NULL;

	return b ? b->value : NULL;
}

bool
hashmap_contains(const struct hashmap *h, const void *key)
{
	return h && find(h, key);
}

void *
hashmap_remove(struct hashmap *h, const void *key)
{
	struct bucket *b = h ? find(h, key) : NULL;
	void *v;

	if (!b)
		return NULL;
	v = b->value;
	b->key = TOMBSTONE;
	b->value = NULL;
	h->size--;
	return v;
}

size_t
hashmap_size(const struct hashmap *h)
{
	return h ? h->size : 0;
}

bool
hashmap_iterate(const struct hashmap *h, size_t *state, const void **key, void **value)
{
	if (!h)
		return false;
	for (; *state < h->capacity; (*state)++) {
		struct bucket *b = &h->buckets[*state];

		if (b->key && b->key != TOMBSTONE) {
			if (key)
				*key = b->key;
			if (value)
				*value = b->value;
			(*state)++;
			return true;
		}
	}
	return false;
}

/* Sets come in three shapes, told apart by the low bits of the struct set pointer, so
 * that the many small dependency sets of many units stay small:
 *   ...1  one element (its address, which must be even, with bit 0 set): no allocation;
 *   ..10  a small vector (up to SMALL_MAX elements), scanned linearly;
 *   ..00  a hash table (struct hashmap), for the large sets of targets.
 * Together these took the dependency graph of 10,000 units from 12 MiB to a few. */
#define SINGLETON_BIT ((uintptr_t)1)
#define SMALL_BIT ((uintptr_t)2)
#define SMALL_MAX 16

struct small_set {
	uint32_t n, cap;
	void *items[];
};

static bool is_singleton(const struct set *s) { return (uintptr_t)s & SINGLETON_BIT; }
static void *singleton_value(const struct set *s) { return (void *)((uintptr_t)s & ~SINGLETON_BIT); }
static struct set *make_singleton(void *p) { return (struct set *)((uintptr_t)p | SINGLETON_BIT); }
static bool is_small(const struct set *s)
{ return ((uintptr_t)s & (SINGLETON_BIT | SMALL_BIT)) == SMALL_BIT; }
static struct small_set *small_of(const struct set *s)
{ return (struct small_set *)((uintptr_t)s & ~SMALL_BIT); }
static struct set *make_small(struct small_set *v) { return (struct set *)((uintptr_t)v | SMALL_BIT); }
static struct hashmap *table_of(const struct set *s) { return (struct hashmap *)s; }

struct set *
set_new(void)
{
	return (struct set *)hashmap_new(HASHMAP_POINTER);
}

struct set *
set_free(struct set *s)
{
	if (!s || is_singleton(s))
		return NULL;
	if (is_small(s))
		free(small_of(s));
	else
		hashmap_free(table_of(s));
	return NULL;
}

int
set_put(struct set *s, void *p)
{
	if (hashmap_contains(table_of(s), p))
		return 0;
	return hashmap_put(table_of(s), p, p);
}

bool
set_contains(const struct set *s, const void *p)
{
	if (!s)
		return false;
	if (is_singleton(s))
		return singleton_value(s) == p;
	if (is_small(s)) {
		const struct small_set *v = small_of(s);

		for (uint32_t i = 0; i < v->n; i++)
			if (v->items[i] == p)
				return true;
		return false;
	}
	return hashmap_contains(table_of(s), p);
}

void *
set_remove(struct set **s, const void *p)
{
	void *v;

	if (!*s)
		return NULL;
	if (is_singleton(*s)) {
		v = singleton_value(*s);
		if (v != p)
			return NULL;
		*s = NULL;
		return v;
	}
	if (is_small(*s)) {
		struct small_set *vec = small_of(*s);

		for (uint32_t i = 0; i < vec->n; i++)
			if (vec->items[i] == p) {
				v = vec->items[i];
				vec->items[i] = vec->items[--vec->n];
				if (vec->n == 0)
					*s = set_free(*s);
				return v;
			}
		return NULL;
	}
	v = hashmap_remove(table_of(*s), p);
	if (hashmap_size(table_of(*s)) == 0)
		*s = set_free(*s);
	return v;
}

size_t
set_size(const struct set *s)
{
	if (!s)
		return 0;
	if (is_singleton(s))
		return 1;
	if (is_small(s))
		return small_of(s)->n;
	return hashmap_size(table_of(s));
}

bool
set_iterate(const struct set *s, size_t *state, void **p)
{
	if (!s)
		return false;
	if (is_singleton(s)) {
		if (*state > 0)
			return false;
		*state = 1;
		*p = singleton_value(s);
		return true;
	}
	if (is_small(s)) {
		const struct small_set *v = small_of(s);

		if (*state >= v->n)
			return false;
		*p = v->items[(*state)++];
		return true;
	}
	return hashmap_iterate(table_of(s), state, NULL, p);
}

/* Turns a full small vector into a hash table holding the same elements. */
static struct set *
small_to_table(struct small_set *v)
{
	struct set *t = set_new();

	if (!t)
		return NULL;
	for (uint32_t i = 0; i < v->n; i++)
		if (set_put(t, v->items[i]) < 0)
			return set_free(t);
	return t;
}

int
set_ensure_put(struct set **s, void *p)
{
	struct small_set *v;
	void *only;

	if (!*s && !((uintptr_t)p & SINGLETON_BIT)) {
		*s = make_singleton(p);
		return 1;
	}
	if (*s && !is_singleton(*s) && !is_small(*s))
		return set_put(*s, p);
	if (set_contains(*s, p))
		return 0;
	if (!*s || is_singleton(*s)) {
		/* Second element (or an odd first one): a small vector. */
		only = *s ? singleton_value(*s) : NULL;
		v = malloc(sizeof(*v) + 4 * sizeof(void *));
		if (!v)
			return -ENOMEM;
		v->cap = 4;
		v->n = 0;
		if (only)
			v->items[v->n++] = only;
		v->items[v->n++] = p;
		*s = make_small(v);
		return 1;
	}
	v = small_of(*s);
	if (v->n == v->cap) {
		struct small_set *w;

		if (v->cap >= SMALL_MAX) {
			struct set *t = small_to_table(v);

			if (!t || set_put(t, p) < 0) {
				set_free(t);
				return -ENOMEM;
			}
			free(v);
			*s = t;
			return 1;
		}
		w = realloc(v, sizeof(*v) + 2 * v->cap * sizeof(void *));
		if (!w)
			return -ENOMEM;
		w->cap *= 2;
		v = w;
		*s = make_small(v);
	}
	v->items[v->n++] = p;
	return 1;
}
