/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The activation request is handled like a StartUnit call from root with mode "replace":
 * the same lookup, load checks, RefuseManualStart= and transaction (dbus-unit.c,
 * dbus-job.c). An error that call would have answered becomes the ActivationFailure, with
 * the same error name and text; dbus-daemon hands both to every client waiting for the
 * name. */
#include <stdlib.h>

#include "activation/bus-activator.h"
#include "core/dbus-internal.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

#define BUS_ERROR_SHUTTING_DOWN BUS_NAME ".ShuttingDown"
#define BUS_ERROR_JOB_FAILED BUS_NAME ".JobFailed"

static void
send_failure(struct manager *m, const char *name, const char *error, const char *text)
{
	struct bus_client *link = bus_link_connection(m->bus);
	DBusMessageIter it;
	DBusMessage *msg;

	log_notice("Bus activation of %s failed: %s", name, text);
	if (!link)
		return; /* the bus left; it failed the waiting clients itself */
	msg = dbus_message_new_signal(BUS_PATH, BUS_IFACE_ACTIVATOR, "ActivationFailure");
	if (msg)
		dbus_message_iter_init_append(msg, &it);
	if (!msg || !dbus_message_set_destination(msg, DBUS_SERVICE_DBUS) ||
	    !bus_append_string(&it, name) || !bus_append_string(&it, error) ||
	    !bus_append_string(&it, text) || !dbus_connection_send(link->conn, msg, NULL))
		log_oom();
	if (msg)
		dbus_message_unref(msg);
}

/* The error in an answer the call machinery prepared. */
static void
send_failure_from_reply(struct manager *m, const char *name, DBusMessage *reply)
{
	const char *text = NULL;

	if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID))
		text = "unknown error";
	send_failure(m, name, dbus_message_get_error_name(reply), text);
}

/* dbus.socket or dbus.service on its way down: starting anything for the bus now would only
 * be undone. */
static bool
bus_going_down(struct manager *m)
{
	static const char *const names[] = { "dbus.service", "dbus.socket" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		struct unit *u = manager_get_unit(m, names[i]);

		if (u && ((u->job && u->job->type == JOB_STOP) ||
			  unit_active_state(u) == UNIT_DEACTIVATING))
			return true;
	}
	return m->shutdown_pending != MANAGER_OK;
}

static int
remember(struct manager *m, uint32_t job_id, const char *name)
{
	struct bus_state *bus = m->bus;
	void *key = (void *)(uintptr_t)job_id;
	char **names;

	if (!bus->activations) {
		bus->activations = hashmap_new(HASHMAP_POINTER);
		if (!bus->activations)
			return -ENOMEM;
	}
	names = hashmap_get(bus->activations, key);
	if (strv_extend_unique(&names, name) < 0)
		return -ENOMEM;
	return hashmap_put(bus->activations, key, names) < 0 ? -ENOMEM : 0;
}

void
bus_activator_request(struct manager *m, const char *name)
{
	struct bus_client *link = bus_link_connection(m->bus);
	struct bus_call call = {
		.manager = m,
		.client = link,
		.privileged = true, /* the bus daemon asks, on behalf of its policy */
	};
	struct unit *u = NULL;
	int r;

	if (!link)
		return;
	log_info("The bus asks for %s.", name);
	if (bus_going_down(m)) {
		send_failure(m, name, BUS_ERROR_SHUTTING_DOWN,
			     "Refusing activation, D-Bus is shutting down.");
		return;
	}
	/* The answer is built as for a method call; it is never sent as one. */
	call.message = dbus_message_new_method_call(BUS_NAME, BUS_PATH, BUS_IFACE_MANAGER,
						    "StartUnit");
	if (!call.message) {
		send_failure(m, name, DBUS_ERROR_NO_MEMORY, "Out of memory.");
		return;
	}
	/* libdbus only builds errors in reply to a message that was sent (has a serial). */
	dbus_message_set_serial(call.message, 1);
	r = bus_unit_by_name(&call, name, true, &u);
	if (r > 0)
		r = bus_unit_enqueue(&call, u, JOB_START, "replace", false);
	if (r < 0)
		send_failure(m, name, DBUS_ERROR_NO_MEMORY, "Out of memory.");
	else if (call.reply && dbus_message_get_type(call.reply) == DBUS_MESSAGE_TYPE_ERROR)
		send_failure_from_reply(m, name, call.reply);
	else if (u && u->job && u->job->type == JOB_START && remember(m, u->job->id, name) < 0)
		log_oom();
	if (call.reply)
		dbus_message_unref(call.reply);
	dbus_message_unref(call.message);
}

void
bus_activator_job_finished(struct manager *m, struct job *j, enum job_result result)
{
	char **names;

	if (!m->bus || !m->bus->activations)
		return;
	names = hashmap_remove(m->bus->activations, (void *)(uintptr_t)j->id);
	if (!names)
		return;
	if (result != JOB_DONE)
		STRV_FOREACH(name, names) {
			_cleanup_free_ char *text = NULL;

			if (asprintf(&text, "Unit %s failed to start (job %s).", j->unit->id,
				     job_result_to_string(result)) < 0)
				text = NULL;
			send_failure(m, *name, BUS_ERROR_JOB_FAILED, text ? text : "Start failed.");
		}
	strv_free(names);
}

void
bus_activator_link_down(struct manager *m)
{
	bus_activator_free(m);
}

void
bus_activator_free(struct manager *m)
{
	const void *key;
	char **names;

	if (!m->bus)
		return;
	HASHMAP_FOREACH(key, names, m->bus->activations)
		strv_free(names);
	m->bus->activations = hashmap_free(m->bus->activations);
}
