/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hashmap.c: string and pointer maps, growth, tombstones, iteration, and the set_* API
 * (including the one-element "tagged pointer" representation). */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "macro.h"

#define MANY 100000

/* The number of buckets: hashmap_iterate's state walks the bucket array and stops at its
 * end, so after a full iteration it equals the capacity. Used only to check that memory
 * stays bounded. */
static size_t
table_slots(const struct hashmap *h)
{
	size_t state = 0;

	while (hashmap_iterate(h, &state, NULL, NULL))
		;
	return state;
}

/* An integer as a distinct non-NULL pointer key. */
static void *
K(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

START_TEST(test_string_map_compares_keys_by_content)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	char key[] = "foo.service", other[] = "foo.service";
	int v = 42;

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(hashmap_put(h, key, &v), 1);
	ck_assert_ptr_eq(hashmap_get(h, other), &v);
	ck_assert(hashmap_contains(h, "foo.service"));
	ck_assert(!hashmap_contains(h, "foo.servic"));
	ck_assert(!hashmap_contains(h, "foo.service2"));
	ck_assert(!hashmap_contains(h, ""));
	hashmap_free(h);
}
END_TEST

START_TEST(test_pointer_map_compares_keys_by_address)
{
	struct hashmap *h = hashmap_new(HASHMAP_POINTER);
	char a[] = "same", b[] = "same";
	int va = 1, vb = 2;

	ck_assert_int_eq(hashmap_put(h, a, &va), 1);
	ck_assert_int_eq(hashmap_put(h, b, &vb), 1);
	ck_assert_uint_eq(hashmap_size(h), 2);
	ck_assert_ptr_eq(hashmap_get(h, a), &va);
	ck_assert_ptr_eq(hashmap_get(h, b), &vb);
	ck_assert(!hashmap_contains(h, "same"));
	hashmap_free(h);
}
END_TEST

START_TEST(test_put_existing_key_replaces_value)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	int v1 = 1, v2 = 2;

	ck_assert_int_eq(hashmap_put(h, "k", &v1), 1);
	ck_assert_int_eq(hashmap_put(h, "k", &v2), 0);
	ck_assert_uint_eq(hashmap_size(h), 1);
	ck_assert_ptr_eq(hashmap_get(h, "k"), &v2);
	/* A NULL value is a value like any other. */
	ck_assert_int_eq(hashmap_put(h, "k", NULL), 0);
	ck_assert(hashmap_contains(h, "k"));
	ck_assert_ptr_null(hashmap_get(h, "k"));
	hashmap_free(h);
}
END_TEST

START_TEST(test_get_on_empty_map_returns_null)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);

	ck_assert_uint_eq(hashmap_size(h), 0);
	ck_assert_ptr_null(hashmap_get(h, "nothing"));
	ck_assert(!hashmap_contains(h, "nothing"));
	ck_assert_ptr_null(hashmap_remove(h, "nothing"));
	ck_assert_uint_eq(hashmap_size(h), 0);
	hashmap_free(h);
}
END_TEST

START_TEST(test_null_map_acts_empty)
{
	size_t state = 0;

	ck_assert_ptr_null(hashmap_get(NULL, "x"));
	ck_assert(!hashmap_contains(NULL, "x"));
	ck_assert_ptr_null(hashmap_remove(NULL, "x"));
	ck_assert_uint_eq(hashmap_size(NULL), 0);
	ck_assert(!hashmap_iterate(NULL, &state, NULL, NULL));
	ck_assert_ptr_null(hashmap_free(NULL));
}
END_TEST

START_TEST(test_remove_returns_value_and_forgets_key)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	int a = 1, b = 2;

	hashmap_put(h, "a", &a);
	hashmap_put(h, "b", &b);
	ck_assert_ptr_eq(hashmap_remove(h, "a"), &a);
	ck_assert_uint_eq(hashmap_size(h), 1);
	ck_assert(!hashmap_contains(h, "a"));
	ck_assert_ptr_null(hashmap_remove(h, "a"));
	ck_assert_ptr_eq(hashmap_get(h, "b"), &b);
	/* The key can come back. */
	ck_assert_int_eq(hashmap_put(h, "a", &b), 1);
	ck_assert_ptr_eq(hashmap_get(h, "a"), &b);
	ck_assert_uint_eq(hashmap_size(h), 2);
	hashmap_free(h);
}
END_TEST

START_TEST(test_string_map_grows_past_many_thousands)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	char (*keys)[24] = calloc(MANY, sizeof(*keys));

	ck_assert_ptr_nonnull(keys);
	for (size_t i = 0; i < MANY; i++) {
		snprintf(keys[i], sizeof(keys[i]), "unit-%zu.service", i);
		ck_assert_int_eq(hashmap_put(h, keys[i], keys[i]), 1);
	}
	ck_assert_uint_eq(hashmap_size(h), MANY);
	for (size_t i = 0; i < MANY; i++) {
		char probe[24];

		snprintf(probe, sizeof(probe), "unit-%zu.service", i);
		ck_assert_ptr_eq(hashmap_get(h, probe), keys[i]);
	}
	ck_assert(!hashmap_contains(h, "unit-100000.service"));
	/* Load factor stays below 70% of the table. */
	ck_assert_uint_gt(table_slots(h) * 7, (size_t)MANY * 10);
	hashmap_free(h);
	free(keys);
}
END_TEST

START_TEST(test_pointer_map_grows_past_many_thousands)
{
	struct hashmap *h = hashmap_new(HASHMAP_POINTER);

	for (size_t i = 0; i < MANY; i++)
		ck_assert_int_eq(hashmap_put(h, K(i), K(i * 3)), 1);
	ck_assert_uint_eq(hashmap_size(h), MANY);
	for (size_t i = 0; i < MANY; i++)
		ck_assert_ptr_eq(hashmap_get(h, K(i)), K(i * 3));
	ck_assert(!hashmap_contains(h, K(MANY)));
	hashmap_free(h);
}
END_TEST

START_TEST(test_insert_remove_cycles_reuse_tombstones)
{
	struct hashmap *h = hashmap_new(HASHMAP_POINTER);
	size_t slots_after_fill, max_slots = 0;

	/* Ten long-lived entries plus a stream of distinct short-lived keys: each removal
	 * leaves a tombstone, which must be reclaimed rather than grow the table. */
	for (size_t i = 0; i < 10; i++)
		hashmap_put(h, K(i), K(i));
	slots_after_fill = table_slots(h);
	for (size_t i = 1000; i < 1000 + MANY; i++) {
		ck_assert_int_eq(hashmap_put(h, K(i), K(i)), 1);
		ck_assert_ptr_eq(hashmap_remove(h, K(i)), K(i));
		max_slots = MAX(max_slots, table_slots(h));
	}
	ck_assert_uint_eq(hashmap_size(h), 10);
	ck_assert_uint_le(max_slots, 4 * slots_after_fill);
	ck_assert_uint_le(max_slots, 64);
	for (size_t i = 0; i < 10; i++)
		ck_assert_ptr_eq(hashmap_get(h, K(i)), K(i));
	for (size_t i = 1000; i < 1000 + MANY; i += 997)
		ck_assert(!hashmap_contains(h, K(i)));
	hashmap_free(h);
}
END_TEST

START_TEST(test_same_key_insert_remove_cycles_keep_size_bounded)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	int v = 0;

	for (int i = 0; i < MANY; i++) {
		ck_assert_int_eq(hashmap_put(h, "cycle", &v), 1);
		ck_assert_ptr_eq(hashmap_remove(h, "cycle"), &v);
	}
	ck_assert_uint_eq(hashmap_size(h), 0);
	ck_assert_uint_le(table_slots(h), 8);
	hashmap_free(h);
}
END_TEST

START_TEST(test_lookups_survive_removals_inside_probe_chains)
{
	struct hashmap *h = hashmap_new(HASHMAP_POINTER);
	const size_t n = 5000;

	/* Dense keys collide and form probe chains; removing every other one leaves
	 * tombstones in the middle of those chains. */
	for (size_t i = 0; i < n; i++)
		hashmap_put(h, K(i), K(i));
	for (size_t i = 0; i < n; i += 2)
		ck_assert_ptr_eq(hashmap_remove(h, K(i)), K(i));
	ck_assert_uint_eq(hashmap_size(h), n / 2);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(hashmap_contains(h, K(i)) == (i % 2 == 1), "key %zu", i);
	/* Re-adding fills tombstones without duplicating keys. */
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(hashmap_put(h, K(i), K(i + 1)), i % 2 == 0 ? 1 : 0);
	ck_assert_uint_eq(hashmap_size(h), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_ptr_eq(hashmap_get(h, K(i)), K(i + 1));
	hashmap_free(h);
}
END_TEST

START_TEST(test_iteration_visits_each_entry_once)
{
	struct hashmap *h = hashmap_new(HASHMAP_POINTER);
	const size_t n = 3000;
	unsigned *seen = calloc(n, sizeof(*seen));
	const void *k;
	void *v;
	size_t total = 0;

	for (size_t i = 0; i < n; i++)
		hashmap_put(h, K(i), K(i + 7));
	HASHMAP_FOREACH(k, v, h) {
		size_t i = (uintptr_t)k - 1;

		ck_assert_uint_lt(i, n);
		ck_assert_ptr_eq(v, K(i + 7));
		seen[i]++;
		total++;
	}
	ck_assert_uint_eq(total, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(seen[i], 1);
	hashmap_free(h);
	free(seen);
}
END_TEST

START_TEST(test_iteration_skips_removed_entries)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	const char *k;
	void *v;
	size_t total = 0;

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		hashmap_put(h, names[i], (void *)names[i]);
	hashmap_remove(h, "b");
	hashmap_remove(h, "g");
	HASHMAP_FOREACH(k, v, h) {
		ck_assert_str_ne(k, "b");
		ck_assert_str_ne(k, "g");
		ck_assert_ptr_eq(k, v);
		total++;
	}
	ck_assert_uint_eq(total, ELEMENTSOF(names) - 2);
	hashmap_free(h);
}
END_TEST

START_TEST(test_iteration_of_empty_map_yields_nothing)
{
	struct hashmap *h = hashmap_new(HASHMAP_STRING);
	const char *k;
	void *v;

	HASHMAP_FOREACH(k, v, h)
		ck_abort_msg("iterated an empty map");
	hashmap_put(h, "x", NULL);
	hashmap_remove(h, "x");
	HASHMAP_FOREACH(k, v, h)
		ck_abort_msg("iterated a map whose only entry was removed");
	hashmap_free(h);
}
END_TEST

/* Sets. */

START_TEST(test_set_put_contains_remove)
{
	struct set *s = set_new();
	int a, b, c;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(set_put(s, &a), 1);
	ck_assert_int_eq(set_put(s, &b), 1);
	ck_assert_int_eq(set_put(s, &a), 0);
	ck_assert_uint_eq(set_size(s), 2);
	ck_assert(set_contains(s, &a));
	ck_assert(set_contains(s, &b));
	ck_assert(!set_contains(s, &c));
	ck_assert_ptr_eq(set_remove(&s, &a), &a);
	ck_assert_ptr_null(set_remove(&s, &c));
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(set_size(s), 1);
	ck_assert(!set_contains(s, &a));
	set_free(s);
}
END_TEST

START_TEST(test_set_removing_last_element_frees_set)
{
	struct set *s = set_new();
	int a;

	set_put(s, &a);
	ck_assert_ptr_eq(set_remove(&s, &a), &a);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(set_size(s), 0);
	ck_assert_ptr_null(set_remove(&s, &a));
}
END_TEST

START_TEST(test_set_null_is_empty_set)
{
	struct set *s = NULL;
	size_t state = 0;
	void *p;
	int a;

	ck_assert_uint_eq(set_size(NULL), 0);
	ck_assert(!set_contains(NULL, &a));
	ck_assert(!set_iterate(NULL, &state, &p));
	ck_assert_ptr_null(set_remove(&s, &a));
	ck_assert_ptr_null(set_free(NULL));
}
END_TEST

START_TEST(test_set_ensure_put_single_element)
{
	struct set *s = NULL;
	int a, b;
	void *p;
	size_t n = 0;

	ck_assert_int_eq(set_ensure_put(&s, &a), 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(set_ensure_put(&s, &a), 0);
	ck_assert_uint_eq(set_size(s), 1);
	ck_assert(set_contains(s, &a));
	ck_assert(!set_contains(s, &b));
	SET_FOREACH(p, s) {
		ck_assert_ptr_eq(p, &a);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	/* Removing something else leaves it alone; removing the element empties it. */
	ck_assert_ptr_null(set_remove(&s, &b));
	ck_assert_uint_eq(set_size(s), 1);
	ck_assert_ptr_eq(set_remove(&s, &a), &a);
	ck_assert_ptr_null(s);
	set_free(s);
}
END_TEST

START_TEST(test_set_ensure_put_grows_from_one_to_many)
{
	struct set *s = NULL;
	int items[100];
	unsigned seen[ELEMENTSOF(items)] = { 0 };
	void *p;

	for (size_t i = 0; i < ELEMENTSOF(items); i++)
		ck_assert_int_eq(set_ensure_put(&s, &items[i]), 1);
	for (size_t i = 0; i < ELEMENTSOF(items); i++)
		ck_assert_int_eq(set_ensure_put(&s, &items[i]), 0);
	ck_assert_uint_eq(set_size(s), ELEMENTSOF(items));
	SET_FOREACH(p, s) {
		size_t i = (int *)p - items;

		ck_assert_uint_lt(i, ELEMENTSOF(items));
		seen[i]++;
	}
	for (size_t i = 0; i < ELEMENTSOF(items); i++)
		ck_assert_uint_eq(seen[i], 1);
	for (size_t i = 0; i < ELEMENTSOF(items); i++) {
		ck_assert_ptr_eq(set_remove(&s, &items[i]), &items[i]);
		ck_assert_uint_eq(set_size(s), ELEMENTSOF(items) - i - 1);
	}
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_set_ensure_put_second_element_keeps_first)
{
	struct set *s = NULL;
	int a, b;

	set_ensure_put(&s, &a);
	ck_assert_int_eq(set_ensure_put(&s, &b), 1);
	ck_assert_uint_eq(set_size(s), 2);
	ck_assert(set_contains(s, &a));
	ck_assert(set_contains(s, &b));
	set_free(s);
}
END_TEST

START_TEST(test_set_ensure_put_on_allocated_set)
{
	struct set *s = set_new();
	int a;

	ck_assert_int_eq(set_ensure_put(&s, &a), 1);
	ck_assert_int_eq(set_ensure_put(&s, &a), 0);
	ck_assert_uint_eq(set_size(s), 1);
	ck_assert(set_contains(s, &a));
	set_free(s);
}
END_TEST

/* Regression (fixed; src/shared/hashmap.c, set_ensure_put/make_singleton): a one-element set is stored
 * as the element's address with bit 0 set, so an element whose address is odd (any char *
 * into a string, for instance) is read back as address - 1: set_contains() says no, and
 * iterating yields a pointer that was never added. */
START_TEST(test_bug_set_singleton_of_odd_pointer_is_corrupted)
{
	static char buf[4] __attribute__((aligned(4)));
	char *odd = &buf[1];
	struct set *s = NULL;
	void *p = NULL;
	size_t state = 0;

	ck_assert_int_eq(set_ensure_put(&s, odd), 1);
	ck_assert(set_iterate(s, &state, &p));
	ck_assert_ptr_eq(p, odd);
	ck_assert(set_contains(s, odd));
	ck_assert_int_eq(set_ensure_put(&s, odd), 0);
	ck_assert_uint_eq(set_size(s), 1);
	set_free(s);
}
END_TEST

static Suite *
hashmap_suite(void)
{
	Suite *s = suite_create("hashmap");
	TCase *bugs = tcase_create("regressions");
	TCase *tc = tcase_create("hashmap");
	TCase *ts = tcase_create("set");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_string_map_compares_keys_by_content);
	tcase_add_test(tc, test_pointer_map_compares_keys_by_address);
	tcase_add_test(tc, test_put_existing_key_replaces_value);
	tcase_add_test(tc, test_get_on_empty_map_returns_null);
	tcase_add_test(tc, test_null_map_acts_empty);
	tcase_add_test(tc, test_remove_returns_value_and_forgets_key);
	tcase_add_test(tc, test_string_map_grows_past_many_thousands);
	tcase_add_test(tc, test_pointer_map_grows_past_many_thousands);
	tcase_add_test(tc, test_insert_remove_cycles_reuse_tombstones);
	tcase_add_test(tc, test_same_key_insert_remove_cycles_keep_size_bounded);
	tcase_add_test(tc, test_lookups_survive_removals_inside_probe_chains);
	tcase_add_test(tc, test_iteration_visits_each_entry_once);
	tcase_add_test(tc, test_iteration_skips_removed_entries);
	tcase_add_test(tc, test_iteration_of_empty_map_yields_nothing);
	suite_add_tcase(s, tc);

	tcase_add_test(ts, test_set_put_contains_remove);
	tcase_add_test(ts, test_set_removing_last_element_frees_set);
	tcase_add_test(ts, test_set_null_is_empty_set);
	tcase_add_test(ts, test_set_ensure_put_single_element);
	tcase_add_test(ts, test_set_ensure_put_grows_from_one_to_many);
	tcase_add_test(ts, test_set_ensure_put_second_element_keeps_first);
	tcase_add_test(ts, test_set_ensure_put_on_allocated_set);
	suite_add_tcase(s, ts);
	/* Tests that demonstrate bugs in src/ not fixed yet; CK_EXCLUDE_TAGS=bug skips
	 * them (e.g. for a clean valgrind run of the rest). */
	tcase_set_tags(bugs, "regression");
	tcase_add_test(bugs, test_bug_set_singleton_of_odd_pointer_is_corrupted);
	suite_add_tcase(s, bugs);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hashmap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
