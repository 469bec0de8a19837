/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_DEVICE_H
#define EMBER_DEVICE_H

#include "core/unit.h"

struct manager;

/* Device units from udev (ember.device(5), protocols.md §7): every device tagged "systemd"
 * becomes a unit named after its sysfs path, its device node and each of its device links
 * (dev-sda1.device, dev-disk-by\x2duuid-....device, sys-devices-....device). The manager
 * enumerates them at start-up and follows the udev monitor from then on. */

/* Enumerates the tagged devices and starts following the udev monitor in the event loop.
 * A machine without udev is not an error: devices then never appear (logged once). */
int device_monitor_start(struct manager *m);
void device_monitor_stop(struct manager *m);

/* For a device node path (/dev/...): adds dep (UNIT_BINDS_TO or UNIT_REQUIRES; UNIT_WANTS)
 * and After= on its device unit, so that u waits for the device and, with BindsTo=, goes
 * when it goes. Other paths (a network share, "tmpfs") are left alone. 0 or -ENOMEM. */
int unit_add_device_dependency(struct unit *u, const char *what, enum unit_dependency dep);

/* The sysfs path of the device that holds u's name now (for SysFSPath and status); NULL if
 * u is dead or not a device unit. */
const char *device_sysfs_path(const struct unit *u);

#endif
