/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Swap: the area's path, its priority (as /proc/swaps shows it
 * while the area is in use, else as configured), the [Swap] settings and the result. */
#include "core/dbus-internal.h"
#include "units/swap-unit.h"
#include "units/unit-vtable.h"

#define SWP(object) ((struct swap_unit *)(object))
#define SFIELD(name, sig, get, field) { name, sig, get, offsetof(struct swap_unit, field) }

static bool
get_priority(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct swap_unit *s = SWP(object);

	return bus_append_i32(it, s->from_proc ? s->proc_priority : s->priority);
}

static bool
get_control_pid(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)SWP(object)->control_pid);
}

static bool
get_result(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, UNIT(SWP(object))->vtable->result(object));
}

const struct bus_property bus_swap_properties[] = {
	SFIELD("What", "s", bus_property_get_string, what),
	{ "Priority", "i", get_priority, 0 },
	SFIELD("Options", "s", bus_property_get_string, options),
	SFIELD("TimeoutUSec", "t", bus_property_get_usec, timeout_usec),
	{ "ControlPID", "u", get_control_pid, 0 },
	{ "Result", "s", get_result, 0 },
	{ NULL }
};
