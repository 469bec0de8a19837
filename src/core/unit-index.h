/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_INDEX_H
#define EMBER_UNIT_INDEX_H

#include "path-lookup.h"

/* Every search directory is read once per (re)load into this index, so that loading a unit
 * never scans directories: finding its file, its aliases, its drop-in and .wants/ folders
 * are hash lookups. This is what lets ember load tens of thousands of units quickly. */

struct unit_index;

/* Scans lp->search. Unreadable directories are skipped (debug log). */
int unit_index_build(const struct lookup_paths *lp, struct unit_index **ret);
struct unit_index *unit_index_free(struct unit_index *ix);

/* The highest-priority file for name: its path (a symlink is not followed), or NULL.
 * *masked is set if it links to /dev/null or is an empty file... (only /dev/null). */
const char *unit_index_find(const struct unit_index *ix, const char *name, int *masked);
/* If name's file is a symlink to a unit file with another valid name of the same type,
 * returns that (canonical) name, following chains; else NULL. */
const char *unit_index_alias_target(const struct unit_index *ix, const char *name);
/* The directories "<dir>/<name><suffix>" that exist (suffix ".d", ".wants", ".requires",
 * ".upholds"), highest priority first. NULL if none. Borrowed. */
char *const *unit_index_dirs(const struct unit_index *ix, const char *name, const char *suffix);
/* Every unit name that has a file in the index (for list-unit-files). Borrowed. */
char *const *unit_index_names(const struct unit_index *ix);
/* The names that alias to canonical (for the Names property). New list, NULL if none. */
char **unit_index_aliases_of(const struct unit_index *ix, const char *canonical);

#endif
