/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Device: SysFSPath, what systemctl and emberctl show as
 * "Device:" in status. Empty while no device holds the unit's name, as in systemd. */
#include "core/dbus-internal.h"
#include "units/device.h"

static bool
get_sysfs_path(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, strempty(device_sysfs_path(object)));
}

const struct bus_property bus_device_properties[] = {
	{ "SysFSPath", "s", get_sysfs_path, 0 },
	{ NULL }
};
