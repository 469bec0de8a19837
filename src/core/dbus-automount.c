/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Automount: where the placeholder is, its settings and the
 * result of the last start. */
#include "core/dbus-internal.h"
#include "units/automount.h"
#include "units/unit-vtable.h"

#define AM(object) ((struct automount *)(object))
#define AFIELD(name, sig, get, field) { name, sig, get, offsetof(struct automount, field) }

static bool
get_mode(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)AM(object)->directory_mode);
}

static bool
get_result(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, automount_result_to_string(AM(object)->result));
}

const struct bus_property bus_automount_properties[] = {
	AFIELD("Where", "s", bus_property_get_string, where),
	AFIELD("ExtraOptions", "s", bus_property_get_string, extra_options),
	{ "DirectoryMode", "u", get_mode, 0 },
	AFIELD("TimeoutIdleUSec", "t", bus_property_get_usec, timeout_idle),
	{ "Result", "s", get_result, 0 },
	{ NULL }
};
