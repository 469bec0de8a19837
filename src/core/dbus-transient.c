/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "unit-name.h"
#include "units/directives.h"
#include "units/scope.h"
#include "units/unit-vtable.h"

/* StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux): a unit made from
 * the call's properties instead of a file, started at once. Scopes only, so far: what
 * `systemd-run --scope` and login managers ask for. */

#define BUS_ERROR_UNIT_EXISTS BUS_NAME ".UnitExists"

/* PIDs: au, the processes the scope adopts. */
static int
take_pids(struct bus_call *c, struct unit *u, DBusMessageIter *v)
{
	DBusMessageIter a;

	if (dbus_message_iter_get_arg_type(v) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(v) != DBUS_TYPE_UINT32)
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "PIDs wants au.");
	dbus_message_iter_recurse(v, &a);
	for (; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_UINT32; dbus_message_iter_next(&a)) {
		dbus_uint32_t pid;
		int r;

		dbus_message_iter_get_basic(&a, &pid);
		/* 0 is the caller, as for GetUnitByPID. */
		if (pid == 0)
			pid = (dbus_uint32_t)bus_client_pid(c->client);
		r = scope_add_pid(u, (pid_t)pid);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Bad PID %u.", pid);
	}
	return 1;
}

/* Every other property goes through the unit-file parser, as "Key=value" in the section
 * it belongs to ([Unit] for Description=, the type's for the rest). */
static int
apply_property(struct bus_call *c, struct unit *u, const char *name, DBusMessageIter *v)
{
	_cleanup_free_ char *assignment = NULL;
	char *eq;
	int r;

	if (streq(name, "PIDs"))
		return take_pids(c, u, v);
	r = bus_property_assignment(name, v, &assignment);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_unit_info(u, "Transient property %s has a type ember does not take; ignored.", name);
		return 1;
	}
	/* The key the value became: CPUQuotaPerSecUSec arrives as CPUQuota=. */
	eq = strchr(assignment, '=');
	*eq = 0;
	r = directive_apply(u, "transient", 0,
			    streq(assignment, "Description") || streq(assignment, "CollectMode") ?
			    "Unit" : u->vtable->section, assignment, eq + 1);
	return r == -ENOMEM ? r : 1;
}

int
bus_method_start_transient_unit(struct bus_call *c)
{
	DBusMessageIter it, props, entry;
	const char *name, *mode;
	struct unit *u;
	int r;

	if (!dbus_message_iter_init(c->message, &it))
		return -ENOMEM;
	dbus_message_iter_get_basic(&it, &name);
	dbus_message_iter_next(&it);
	dbus_message_iter_get_basic(&it, &mode);
	dbus_message_iter_next(&it);
	if (!unit_name_is_valid(name, UNIT_NAME_PLAIN))
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Invalid unit name: %s", name);
	if (unit_name_to_type(name) != UNIT_SCOPE)
		return bus_call_error(c, DBUS_ERROR_NOT_SUPPORTED,
				      "Transient units of this type are not supported yet (only .scope): %s",
				      name);
	u = manager_get_unit(c->manager, name);
	if (u && !u->transient && !u->job && unit_inactive_or_failed(unit_active_state(u))) {
		/* Only named so far (After=foo.scope loads it, and as a file-less scope it
		 * failed to load): it becomes the transient unit now. */
		u->load_state = UNIT_STUB;
		u->load_error = mfree(u->load_error);
		unit_add_to_load_queue(u);
	} else if (u && (u->load_state != UNIT_STUB || u->job ||
			 !unit_inactive_or_failed(unit_active_state(u))))
		return bus_call_error(c, BUS_ERROR_UNIT_EXISTS, "Unit %s already exists.", name);
	r = manager_load_unit(c->manager, name, &u);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bus_call_error_errno(c, -r, name);
	/* Properties are applied before the unit is loaded, so that Slice= places it. */
	u->transient = true;
	dbus_message_iter_recurse(&it, &props);
	for (; dbus_message_iter_get_arg_type(&props) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&props)) {
		DBusMessageIter v;
		const char *key;

		dbus_message_iter_recurse(&props, &entry);
		dbus_message_iter_get_basic(&entry, &key);
		dbus_message_iter_next(&entry);
		dbus_message_iter_recurse(&entry, &v);
		r = apply_property(c, u, key, &v);
		if (r <= 0) {
			unit_add_to_gc_queue(u);
			return r;
		}
	}
	manager_dispatch_load_queue(c->manager);
	if (u->load_state != UNIT_LOADED) {
		unit_add_to_gc_queue(u);
		return bus_call_error(c, BUS_ERROR_LOAD_FAILED, "Unit %s failed to load: %s", name,
				      strna(u->load_error));
	}
	log_unit_info(u, "Created transient unit.");
	return bus_unit_enqueue(c, u, JOB_START, mode, false);
}
