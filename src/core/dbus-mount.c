/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.freedesktop.systemd1.Mount: where, what, type and options (as mounted when the
 * mount table has them, else as configured), the result and the [Mount] settings. */
#include "core/dbus-internal.h"
#include "units/mount-unit.h"
#include "units/unit-vtable.h"

#define MNT(object) ((struct mount_unit *)(object))
#define MFIELD(name, sig, get, field) { name, sig, get, offsetof(struct mount_unit, field) }

/* Which of the three parameters: 0 what, 1 type, 2 options. */
static bool
get_parameter(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct mount_unit *m = MNT(object);
	const struct mount_parameters *mp = m->from_proc ? &m->proc : mount_parameters(m);
	const char *v = p->arg == 0 ? mp->what : p->arg == 1 ? mp->fstype : mp->options;

	return bus_append_string(it, v ? v : "");
}

static bool
get_mode(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)MNT(object)->directory_mode);
}

static bool
get_control_pid(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, (uint32_t)MNT(object)->control_pid);
}

static bool
get_result(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, UNIT(MNT(object))->vtable->result(object));
}

const struct bus_property bus_mount_properties[] = {
	MFIELD("Where", "s", bus_property_get_string, where),
	{ "What", "s", get_parameter, 0 },
	{ "Type", "s", get_parameter, 1 },
	{ "Options", "s", get_parameter, 2 },
	MFIELD("TimeoutUSec", "t", bus_property_get_usec, timeout_usec),
	{ "ControlPID", "u", get_control_pid, 0 },
	{ "DirectoryMode", "u", get_mode, 0 },
	MFIELD("SloppyOptions", "b", bus_property_get_bool, sloppy_options),
	MFIELD("LazyUnmount", "b", bus_property_get_bool, lazy_unmount),
	MFIELD("ForceUnmount", "b", bus_property_get_bool, force_unmount),
	MFIELD("ReadWriteOnly", "b", bus_property_get_bool, read_write_only),
	{ "Result", "s", get_result, 0 },
	{ NULL }
};
