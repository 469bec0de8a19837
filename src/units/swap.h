/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SWAP_H
#define EMBER_SWAP_H

struct manager;

/* Swap units (ember.swap(5)): from unit files and /etc/fstab; active swap areas are read
 * from /proc/swaps, followed through the event loop (POLLPRI). */
int swap_monitor_start(struct manager *m);
void swap_monitor_stop(struct manager *m);

#endif
