/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SPAWN_NAMESPACE_H
#define EMBER_SPAWN_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>

/* Mount helpers of the namespace step (spawn-mount-util.c), used only in the child by
 * spawn-namespace.c. Functions return 0 or -errno. */

/* One line of /proc/self/mountinfo. */
struct mnt {
	int id, parent;
	char *path;            /* the mount point, unescaped */
	unsigned long flags;   /* its MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
};

struct mnt_table {
	struct mnt *m;
	size_t n;
};

int mnt_table_read(struct mnt_table *t);
void mnt_table_done(struct mnt_table *t);
/* The mount visible at exactly path, or NULL if path is not a mount point. */
const struct mnt *mnt_table_at(const struct mnt_table *t, const char *path);
/* The mount visible at path or, if path is no mount point, the one that holds it. */
const struct mnt *mnt_table_holding(const struct mnt_table *t, const char *path);
/* The same from the table alone (the last listed of the longest mount point above path),
 * for a table read earlier: what held path then. */
const struct mnt *mnt_table_holding_listed(const struct mnt_table *t, const char *path);

/* p is dir or below it. */
bool path_under(const char *p, const char *dir);

/* path resolved with every symbolic link followed inside root ("/" = the host's), an
 * absolute link target meaning root + target; components that do not exist yet are
 * appended as they are. Returns 0 with *ret (below root), -ELOOP, -ENOMEM, -errno. */
int chase(const char *root, const char *path, char **ret);

/* Makes path (and what it needs above it) exist: a directory, or with as_file an empty
 * regular file. 0 or -errno. */
int mount_point_make(const char *path, bool as_file);

/* Makes every mount at or below path read-only, except those at or below one of skip[]
 * (the paths of other entries, set up on their own). On failure, failed (size bytes)
 * names the mount point that could not be remounted. */
int mount_read_only_tree(const char *path, char *const *skip, char *failed, size_t size);
/* Sets the read-only flag of the one mount at path, keeping its other flags. */
int mount_set_read_only(const char *path, bool read_only);

/* Mounts a fresh instance of fstype ("sysfs", "proc") with data on path and binds the
 * mounts that were below the old one back in place (those whose place no longer exists
 * are dropped). */
int mount_fresh_api_fs(const char *path, const char *fstype, const char *data);

/* PrivateDevices=: a tmpfs on dev with the pseudo devices of the host's /dev (null zero
 * full random urandom tty, ptmx, pts, shm, mqueue, hugepages, log) bound in, and the
 * usual symlinks. *failed names the node that failed. */
int mount_private_dev(const char *dev, const char **failed);

/* A tmpfs with options "flag,flag,key=value": mount flags are picked out, the rest is
 * passed as data after defaults. */
int mount_tmpfs(const char *path, const char *defaults, const char *options);

/* InaccessiblePaths=: covers path with an empty read-only directory, or for anything
 * else with an empty file of mode 0000 from a staging tmpfs. staging is two fds, both -1
 * at first; prepare opens them (mkdir + tmpfs on /run/ember-inaccessible, so call it while
 * / can still be written: it is reached through the fds later, even once covered);
 * mount_inaccessible_done() unmounts and closes it. */
int mount_inaccessible_prepare(int staging[2]);
int mount_inaccessible(const char *path, int staging[2]);
void mount_inaccessible_done(int staging[2]);

#endif
