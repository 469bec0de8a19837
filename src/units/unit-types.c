/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "units/unit-vtable.h"

/* The one place that knows every unit type. A NULL entry is a type not built yet:
 * loading a unit of that type reports "not supported" instead of failing the manager. */
const struct unit_vtable *const unit_vtables[_UNIT_TYPE_MAX] = {
	[UNIT_SERVICE] = &service_vtable,
	[UNIT_TARGET] = &target_vtable,
	[UNIT_SOCKET] = &socket_vtable,
	[UNIT_SLICE] = &slice_vtable,
	[UNIT_SCOPE] = &scope_vtable,
	[UNIT_DEVICE] = &device_vtable,
	[UNIT_MOUNT] = &mount_vtable,
	[UNIT_AUTOMOUNT] = &automount_vtable,
	[UNIT_SWAP] = &swap_vtable,
};
