/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SPECIFIER_H
#define EMBER_SPECIFIER_H

#include <stdbool.h>

/* What the %-specifiers of a unit file expand to (systemd.unit(5) "SPECIFIERS").
 * Fields that are NULL are looked up lazily where that is cheap and safe
 * (hostname, machine-id, boot-id, uname) or expand to "" otherwise. */
struct specifier_ctx {
	const char *unit_name;     /* %n, and from it %N %p %P %i %I %f %j %J */
	const char *user_name;     /* %u (manager's user), %U uid, %g %G group, %h home, %s shell */
	const char *uid;
	const char *group_name;
	const char *gid;
	const char *home;
	const char *shell;
	const char *runtime_dir;   /* %t: /run or $XDG_RUNTIME_DIR */
	const char *state_dir;     /* %S: /var/lib or ~/.config */
	const char *cache_dir;     /* %C */
	const char *logs_dir;      /* %L */
	const char *config_dir;    /* %E: /etc or ~/.config */
	const char *fragment_path; /* %y, and %Y its directory */
};

/* Expands every specifier of text into *ret. An unknown specifier, or a trailing lone
 * '%', returns -EBADSLT and *ret is untouched. -ENOMEM on OOM; -EINVAL if a specifier
 * derived from the unit name (%N %p %i ...) meets a unit_name that is not valid. */
int specifier_expand(const char *text, const struct specifier_ctx *ctx, char **ret);

#endif
