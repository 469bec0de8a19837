/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_PATH_LOOKUP_H
#define EMBER_PATH_LOOKUP_H

#include <stdbool.h>

enum manager_scope { SCOPE_SYSTEM, SCOPE_USER };

/* Where unit files live, highest priority first (design.md "Unit search paths"). */
struct lookup_paths {
	char **search;           /* every directory searched, in priority order */
	char *persistent_config; /* where enable/disable/mask write: /etc/ember/system, ... */
	char *runtime_config;    /* same for --runtime: /run/ember/system */
	char *generator;         /* where fstab/sysv generated units go (lowest priority) */
};

/* Computes the paths. unit_path, if set (--unit-path, colon-separated), replaces the whole
 * search list, and its first entry becomes the config dir. runtime_dir is the manager's
 * runtime directory (generated units go in runtime_dir/generator). */
int lookup_paths_init(struct lookup_paths *lp, enum manager_scope scope, const char *unit_path,
		      const char *runtime_dir);
void lookup_paths_done(struct lookup_paths *lp);

#endif
