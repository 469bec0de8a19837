/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "activation/bus-names.h"
#include "core/dbus-internal.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "units/unit-vtable.h"

static struct hashmap *
watches(struct manager *m, bool create)
{
	if (!m->bus)
		return NULL;
	if (!m->bus->name_watches && create)
		m->bus->name_watches = hashmap_new(HASHMAP_STRING);
	return m->bus->name_watches;
}

/* The table's value; its key is w->name. */
struct name_watch {
	char *name;
	struct unit *unit;
};

static void
tell_unit(struct manager *m, const char *name, const char *owner)
{
	struct name_watch *w = hashmap_get(watches(m, false), name);

	if (w && w->unit->vtable->bus_name_owner_change)
		w->unit->vtable->bus_name_owner_change(w->unit, name, owner);
}

static void
on_name_owner(struct manager *m, DBusMessage *reply, void *data)
{
	const char *owner = "";

	/* NameHasNoOwner (an error) is the normal answer for a name nobody took yet. */
	if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN &&
	    !dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID))
		owner = "";
	tell_unit(m, data, owner);
}

/* Match first, then ask: a change between the two is seen either way. */
static void
follow(struct manager *m, const char *name)
{
	_cleanup_free_ char *rule = bus_name_owner_match(name);
	char *copy = strdup(name);

	if (!rule || !copy) {
		free(copy);
		log_oom();
		return;
	}
	if (bus_link_match(m->bus, rule, true) < 0) {
		free(copy);
		return; /* no link yet: bus_names_link_up does it */
	}
	bus_link_driver_call(m->bus, "GetNameOwner", on_name_owner, copy, free, DBUS_TYPE_STRING,
			     &name, DBUS_TYPE_INVALID);
}

int
bus_names_watch(struct manager *m, struct unit *u, const char *name)
{
	struct hashmap *h = watches(m, true);
	struct name_watch *w;

	if (!m->bus)
		return 0;
	if (!h)
		return -ENOMEM;
	w = hashmap_get(h, name);
	if (w)
		return w->unit == u ? 0 : -EEXIST;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->name = strdup(name)) || hashmap_put(h, w->name, w) < 0) {
		if (w)
			free(w->name);
		free(w);
		return -ENOMEM;
	}
	w->unit = u;
	if (bus_link_client(m->bus))
		follow(m, name);
	return 0;
}

void
bus_names_unwatch(struct manager *m, struct unit *u, const char *name)
{
	struct hashmap *h = watches(m, false);
	struct name_watch *w = hashmap_get(h, name);
	_cleanup_free_ char *rule = NULL;

	if (!w || w->unit != u)
		return;
	hashmap_remove(h, name);
	if (bus_link_client(m->bus)) {
		rule = bus_name_owner_match(name);
		if (rule)
			bus_link_match(m->bus, rule, false);
	}
	free(w->name);
	free(w);
}

void
bus_names_owner_changed(struct manager *m, const char *name, const char *new_owner)
{
	tell_unit(m, name, new_owner ? new_owner : "");
}

void
bus_names_link_up(struct manager *m)
{
	const char *name;
	struct name_watch *w;

	HASHMAP_FOREACH(name, w, watches(m, false))
		follow(m, name);
}

void
bus_names_free(struct manager *m)
{
	const char *name;
	struct name_watch *w;

	HASHMAP_FOREACH(name, w, watches(m, false)) {
		free(w->name);
		free(w);
	}
	m->bus->name_watches = hashmap_free(m->bus->name_watches);
}
