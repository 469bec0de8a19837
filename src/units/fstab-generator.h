/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_FSTAB_GENERATOR_H
#define EMBER_FSTAB_GENERATOR_H

/* Turns fstab into unit files in dir (the generator folder of the search path, lowest
 * priority, so a native unit of the same name wins): a .mount per file system, an
 * .automount for x-systemd.automount, a .swap per swap area, the wants/requires links of
 * local-fs.target, remote-fs.target and swap.target, and device time-outs as drop-ins
 * (ember-fstab(5)). Runs in the manager before the unit index is built, without a shell
 * or a separate program. Bad lines are logged with file and line and skipped.
 * Returns 0 (also when fstab does not exist) or -errno if dir cannot be written. */
int fstab_generate(const char *fstab, const char *dir);

#endif
