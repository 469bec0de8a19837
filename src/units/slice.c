/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "core/cgroup.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "units/unit-vtable.h"

/* A slice is a node of the cgroup tree: it runs nothing itself, it groups the units placed
 * in it (Slice=) so that resource limits apply to all of them together. "a-b.slice" lives
 * inside "a.slice"; "-.slice" is the root. A slice needs no unit file. */

enum slice_state {
	SLICE_DEAD,
	SLICE_ACTIVE,
	_SLICE_STATE_MAX,
};

struct slice {
	struct unit meta;
	enum slice_state state;
};

#define SLICE(u) ((struct slice *)(u))

static const char *const state_names[_SLICE_STATE_MAX] = {
	[SLICE_DEAD] = "dead",
	[SLICE_ACTIVE] = "active",
};

static const enum unit_active_state state_map[_SLICE_STATE_MAX] = {
	[SLICE_DEAD] = UNIT_INACTIVE,
	[SLICE_ACTIVE] = UNIT_ACTIVE,
};

static void
slice_set_state(struct slice *s, enum slice_state st)
{
	enum slice_state old = s->state;

	s->state = st;
	if (old != st)
		unit_notify(UNIT(s), state_map[old], state_map[st], true);
}

static int
slice_load(struct unit *u)
{
	int r;

	/* Isolating a target stops services, not the tree they live in. */
	u->ignore_on_isolate = true;
	/* The root slice is always there and never stops; so is system.slice for the system
	 * manager (systemd defines both built in: Debian ships no file for them). */
	if (streq(u->id, "-.slice") ||
	    (u->manager->scope == SCOPE_SYSTEM && streq(u->id, "system.slice"))) {
		u->perpetual = true;
		u->default_dependencies = false;
		/* Up from the first instant. */
		if (SLICE(u)->state == SLICE_DEAD)
			SLICE(u)->state = SLICE_ACTIVE;
		return 0;
	}
	if (!u->default_dependencies)
		return 0;
	r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
	return r == -ENOMEM ? r : 0;
}

static int
slice_start(struct unit *u)
{
	int r = unit_cgroup_realize(u);

	if (r < 0) {
		unit_log_event(u, LOG_ERR, "Failed to create the slice's cgroup: %s", strerror(-r));
		return r;
	}
	slice_set_state(SLICE(u), SLICE_ACTIVE);
	return 0;
}

static int
slice_stop(struct unit *u)
{
	slice_set_state(SLICE(u), SLICE_DEAD);
	return 0;
}

static enum unit_active_state
slice_active_state(const struct unit *u)
{
	return state_map[SLICE(u)->state];
}

static const char *
slice_sub_state(const struct unit *u)
{
	return state_names[SLICE(u)->state];
}

static int
slice_serialize(struct unit *u, FILE *f)
{
	fprintf(f, "state=%s\n", state_names[SLICE(u)->state]);
	return 0;
}

static int
slice_deserialize_item(struct unit *u, const char *key, const char *value)
{
	if (streq(key, "state"))
		SLICE(u)->state = streq(value, "active") ? SLICE_ACTIVE : SLICE_DEAD;
	return 0;
}

const struct unit_vtable slice_vtable = {
	.object_size = sizeof(struct slice),
	.section = "Slice",
	.can_fragment_be_missing = true,
	.has_cgroup = true,
	.load = slice_load,
	.start = slice_start,
	.stop = slice_stop,
	.active_state = slice_active_state,
	.sub_state_to_string = slice_sub_state,
	.serialize = slice_serialize,
	.deserialize_item = slice_deserialize_item,
};
