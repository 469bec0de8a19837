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

/* A set of one element is stored as the element's address with the low bit set, no
 * allocation at all: most dependency sets of most units hold a single unit, and this
 * halves the memory of the dependency graph. */
#define SINGLETON_BIT ((uintptr_t)1)
static bool is_singleton(const struct set *s) { return (uintptr_t)s & SINGLETON_BIT; }
static void *singleton_value(const struct set *s) { return (void *)((uintptr_t)s & ~SINGLETON_BIT); }
static struct set *make_singleton(void *p) { return (struct set *)((uintptr_t)p | SINGLETON_BIT); }

struct set *
set_new(void)
{
	return (struct set *)hashmap_new(HASHMAP_POINTER);
}

struct set *
set_free(struct set *s)
{
	if (s && !is_singleton(s))
		hashmap_free((struct hashmap *)s);
	return NULL;
}

int
set_put(struct set *s, void *p)
{
	if (hashmap_contains((struct hashmap *)s, p))
		return 0;
	return hashmap_put((struct hashmap *)s, p, p);
}

bool
set_contains(const struct set *s, const void *p)
{
	if (!s)
		return false;
	if (is_singleton(s))
		return singleton_value(s) == p;
	return hashmap_contains((const struct hashmap *)s, p);
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
	v = hashmap_remove((struct hashmap *)*s, p);
	if (hashmap_size((struct hashmap *)*s) == 0)
		*s = set_free(*s);
	return v;
}

size_t
set_size(const struct set *s)
{
	if (!s)
		return 0;
	return is_singleton(s) ? 1 : hashmap_size((const struct hashmap *)s);
}

bool
set_iterate(const struct set *s, size_t *state, void **p)
{
	if (s && is_singleton(s)) {
		if (*state > 0)
			return false;
		*state = 1;
		*p = singleton_value(s);
		return true;
	}
	return hashmap_iterate((const struct hashmap *)s, state, NULL, p);
}

int
set_ensure_put(struct set **s, void *p)
{
	struct set *n;
	void *only;

	if (!*s && !((uintptr_t)p & SINGLETON_BIT)) {
		*s = make_singleton(p);
		return 1;
	}
	if (!*s) {
		/* An odd address cannot carry the tag: use a real table. */
		*s = set_new();
		if (!*s)
			return -ENOMEM;
		if (set_put(*s, p) < 0) {
			*s = set_free(*s);
			return -ENOMEM;
		}
		return 1;
	}
	if (!is_singleton(*s))
		return set_put(*s, p);
	only = singleton_value(*s);
	if (only == p)
		return 0;
	n = set_new();
	if (!n || set_put(n, only) < 0 || set_put(n, p) < 0) {
		set_free(n);
		return -ENOMEM;
	}
	*s = n;
	return 1;
}
