/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Jobs over the API: turning StartUnit & co. into transactions (with systemd's error
 * names, which systemctl prints), and the job objects /org/freedesktop/systemd1/job/<id>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "string-util.h"
#include "strv.h"

/* Would the user be refused this job by RefuseManualStart=/RefuseManualStop=? */
static bool
refused_manually(struct unit *u, enum job_type type)
{
	switch (type) {
	case JOB_START:
		return u->refuse_manual_start;
	case JOB_STOP:
		return u->refuse_manual_stop;
	case JOB_RESTART:
	case JOB_TRY_RESTART:
		return u->refuse_manual_start || u->refuse_manual_stop;
	case JOB_RELOAD_OR_START:
		return job_type_collapse(type, u) == JOB_START && u->refuse_manual_start;
	default:
		return false;
	}
}

/* 1 if u's load state allows the job, else 0 with an error reply. */
static int
check_load_state(struct bus_call *c, struct unit *u, enum job_type type)
{
	int r = 0;

	if (type == JOB_STOP) {
		/* Stopping what never loaded is fine while it still runs (e.g. its file was
		 * removed); otherwise there is nothing to stop. */
		if (u->load_state == UNIT_LOADED || u->load_state == UNIT_MASKED ||
		    !unit_inactive_or_failed(unit_active_state(u)))
			return 1;
		r = bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", u->id);
		return r < 0 ? r : 0;
	}
	switch (u->load_state) {
	case UNIT_LOADED:
		return 1;
	case UNIT_NOT_FOUND:
		r = bus_call_error(c, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not found.", u->id);
		break;
	case UNIT_MASKED:
		r = bus_call_error(c, BUS_ERROR_UNIT_MASKED, "Unit %s is masked.", u->id);
		break;
	case UNIT_BAD_SETTING:
		r = bus_call_error(c, BUS_ERROR_BAD_UNIT_SETTING,
				   "Unit %s has a bad unit file setting: %s", u->id,
				   strna(u->load_error));
		break;
	default:
		r = bus_call_error(c, BUS_ERROR_LOAD_FAILED, "Unit %s failed to load properly: %s",
				   u->id, strna(u->load_error));
		break;
	}
	return r < 0 ? r : 0;
}

static const char *
transaction_error_name(int r)
{
	switch (r) {
	case -ENOENT:
		return BUS_ERROR_NO_SUCH_UNIT;
	case -EBADR:
		return BUS_ERROR_JOB_TYPE_NOT_APPLICABLE;
	case -ELOOP:
		return BUS_ERROR_TRANSACTION_ORDER_IS_CYCLIC;
	case -EEXIST:
		return BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE;
	case -EPERM:
		return BUS_ERROR_ONLY_BY_DEPENDENCY;
	case -ENOEXEC:
		return BUS_ERROR_LOAD_FAILED;
	default:
		return DBUS_ERROR_FAILED;
	}
}

/* A request that installed no job still gets a job path, and that job's JobRemoved,
 * because clients (systemctl) wait for the JobRemoved of the path they were given. */
static int
reply_finished_job(struct bus_call *c, struct unit *u)
{
	struct manager *m = c->manager;
	uint32_t id = ++m->current_job_id;
	_cleanup_free_ char *path = NULL, *upath = unit_dbus_path(u);
	DBusMessage *signal;
	const char *result = "done";
	dbus_uint32_t v = id;

	if (!upath || asprintf(&path, BUS_JOB_PREFIX "%u", id) < 0)
		return -ENOMEM;
	if (bus_call_return_path(c, path) < 0)
		return -ENOMEM;
	bus_call_send_reply(c);
	signal = dbus_message_new_signal(BUS_PATH, BUS_IFACE_MANAGER, "JobRemoved");
	if (!signal)
		return 0;
	if (dbus_message_append_args(signal, DBUS_TYPE_UINT32, &v, DBUS_TYPE_OBJECT_PATH, &path,
				     DBUS_TYPE_INVALID)) {
		DBusMessageIter it;

		dbus_message_iter_init_append(signal, &it);
		if (bus_append_string(&it, u->id) && bus_append_string(&it, result))
			bus_broadcast(m, signal, c->client && c->client->is_bus);
	}
	dbus_message_unref(signal);
	return 0;
}

int
bus_unit_enqueue(struct bus_call *c, struct unit *u, enum job_type type, const char *mode_name,
		 bool reload_if_possible)
{
	_cleanup_free_ char *error = NULL, *path = NULL;
	enum job_mode mode = job_mode_from_string(mode_name);
	struct job *j = NULL;
	int r;

	if (mode < 0)
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Job mode %s invalid.", mode_name);
	if (reload_if_possible && unit_can_reload(u)) {
		if (type == JOB_RESTART)
			type = JOB_RELOAD_OR_START;
		else if (type == JOB_TRY_RESTART)
			type = JOB_TRY_RELOAD;
	}
	if (mode == JOB_ISOLATE && type != JOB_START)
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Isolate is only valid for start.");
	r = check_load_state(c, u, type);
	if (r <= 0)
		return r;
	if (refused_manually(u, type))
		return bus_call_error(c, BUS_ERROR_ONLY_BY_DEPENDENCY,
				      "Operation refused, unit %s may be requested by dependency "
				      "only (it is configured to refuse manual start/stop).", u->id);
	r = manager_add_job(c->manager, type, u, mode, &j, &error);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (!error)
			return bus_call_error_errno(c, r, u->id);
		return bus_call_error(c, transaction_error_name(r), "%s", error);
	}
	if (!j)
		return reply_finished_job(c, u);
	if (c->client && c->client->is_bus)
		j->requested_on_bus = true;
	path = job_dbus_path(j);
	if (!path)
		return -ENOMEM;
	return bus_call_return_path(c, path);
}

/* Jobs. */

#define J(object) ((struct job *)(object))

static bool
get_job_unit(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	struct unit *u = J(object)->unit;
	_cleanup_free_ char *path = unit_dbus_path(u);
	DBusMessageIter s;

	if (!path || !dbus_message_iter_open_container(it, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_string(&s, u->id) || !bus_append_path(&s, path)) {
		dbus_message_iter_abandon_container(it, &s);
		return false;
	}
	return dbus_message_iter_close_container(it, &s);
}

static bool
get_job_type(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, job_type_to_string(J(object)->type));
}

static bool
get_job_state(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, job_state_to_string(J(object)->state));
}

static const struct bus_property job_properties[] = {
	{ "Id", "u", bus_property_get_unsigned, offsetof(struct job, id) },
	{ "Unit", "(so)", get_job_unit, 0 },
	{ "JobType", "s", get_job_type, 0 },
	{ "State", "s", get_job_state, 0 },
	{ NULL }
};

static int
job_method_cancel(struct bus_call *c)
{
	job_finish(c->object, JOB_CANCELED);
	return bus_call_return_empty(c);
}

static const struct bus_method job_methods[] = {
	{ "Cancel", "", "", job_method_cancel },
	{ NULL }
};

const struct bus_interface bus_job_interface = {
	.name = BUS_IFACE_JOB,
	.methods = job_methods,
	.properties = job_properties,
};

int
bus_job_object_find(struct manager *m, const char *path, struct bus_object *o)
{
	const char *id = startswith(path, BUS_JOB_PREFIX);
	unsigned n;
	struct job *j;

	if (!id || safe_atou(id, &n) < 0)
		return -ENOENT;
	j = manager_get_job(m, n);
	if (!j)
		return -ENOENT;
	o->data = j;
	o->interfaces[0] = &bus_job_interface;
	return 0;
}

char **
bus_job_children(struct manager *m)
{
	char **l = NULL;
	const void *k;
	struct job *j;

	HASHMAP_FOREACH(k, j, m->jobs) {
		char *s;

		if (asprintf(&s, "%u", j->id) < 0 || strv_consume(&l, s) < 0)
			return strv_free(l);
	}
	return l;
}

bool
bus_job_append_list_entry(DBusMessageIter *array, struct job *j)
{
	_cleanup_free_ char *jpath = job_dbus_path(j), *upath = unit_dbus_path(j->unit);
	DBusMessageIter s;

	if (!jpath || !upath || !dbus_message_iter_open_container(array, DBUS_TYPE_STRUCT, NULL, &s))
		return false;
	if (!bus_append_u32(&s, j->id) || !bus_append_string(&s, j->unit->id) ||
	    !bus_append_string(&s, job_type_to_string(j->type)) ||
	    !bus_append_string(&s, job_state_to_string(j->state)) ||
	    !bus_append_path(&s, jpath) || !bus_append_path(&s, upath)) {
		dbus_message_iter_abandon_container(array, &s);
		return false;
	}
	return dbus_message_iter_close_container(array, &s);
}
