/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_MOUNT_H
#define EMBER_MOUNT_H

#include <stdbool.h>

struct manager;
struct unit;

/* Mount units (ember.mount(5)): from unit files, from /etc/fstab (fstab-generator.c), and
 * for every mount point in /proc/self/mountinfo, whoever made it. The manager follows
 * mountinfo through the event loop (POLLPRI), never by re-reading it on a timer. */

/* Reads mountinfo once (every mount point becomes an active unit) and starts following it. */
int mount_monitor_start(struct manager *m);
void mount_monitor_stop(struct manager *m);

/* After= (and with require Requires=) the mount units of every folder above path that
 * has one (a unit file, or mounted now): a unit using path waits for its file systems.
 * 0 or -ENOMEM. */
int unit_add_mounts_for(struct unit *u, const char *path, bool require);

/* Is path mounted now (as of the last mountinfo read)? For automount units. */
bool mount_point_is_mounted(struct manager *m, const char *path);

#endif
