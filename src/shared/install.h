/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_INSTALL_H
#define EMBER_INSTALL_H

#include <stdbool.h>
#include <stddef.h>

#include "path-lookup.h"

/* The [Install] logic: enable, disable, mask, unmask and unit file states, done with
 * symlinks in lp->persistent_config (or lp->runtime_config when runtime). Used by the
 * manager's EnableUnitFiles etc.; pure file work, no manager state. */

enum install_change_type { INSTALL_SYMLINK, INSTALL_UNLINK };

struct install_change {
	enum install_change_type type;
	char *path;     /* the symlink created or removed */
	char *source;   /* what it points to (SYMLINK only) */
};

struct install_changes {
	struct install_change *items;
	size_t n;
};
void install_changes_free(struct install_changes *c);

/* names may be unit names or absolute paths to unit files. On error, -errno and
 * *error_detail (malloc'd, may be NULL) names the offending unit/file. */
int install_enable(const struct lookup_paths *lp, char **names, bool runtime, bool force,
		   struct install_changes *changes, bool *carries_install_info, char **error_detail);
int install_disable(const struct lookup_paths *lp, char **names, bool runtime,
		    struct install_changes *changes, char **error_detail);
int install_mask(const struct lookup_paths *lp, char **names, bool runtime, bool force,
		 struct install_changes *changes, char **error_detail);
int install_unmask(const struct lookup_paths *lp, char **names, bool runtime,
		   struct install_changes *changes, char **error_detail);
int install_set_default(const struct lookup_paths *lp, const char *name, bool force,
			struct install_changes *changes, char **error_detail);
int install_get_default(const struct lookup_paths *lp, char **ret);

/* One of "enabled", "enabled-runtime", "linked", "masked", "masked-runtime", "static",
 * "disabled", "indirect", "generated", "alias", "bad"; -ENOENT if no such unit file. */
int install_get_state(const struct lookup_paths *lp, const char *name, const char **ret_state);

struct unit_file_entry {
	char *path;
	const char *state;
};
/* Lists every unit file in the search path (first occurrence of each name wins),
 * filtered by shell-glob patterns (NULL = all). */
int install_list(const struct lookup_paths *lp, char **patterns, struct unit_file_entry **ret,
		 size_t *ret_n);
void unit_file_entries_free(struct unit_file_entry *e, size_t n);

#endif
