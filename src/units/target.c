/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "units/directives.h"
#include "units/unit-vtable.h"

/* A target is a synchronization point: active as soon as it is started (its job already
 * waited for everything ordered before it), inactive when stopped. */

enum target_state {
	TARGET_DEAD,   /* not reached */
	TARGET_ACTIVE, /* reached */
	_TARGET_STATE_MAX,
};

struct target {
	struct unit meta;
	enum target_state state;
};

static const char *const state_names[_TARGET_STATE_MAX] = {
	[TARGET_DEAD] = "dead",
	[TARGET_ACTIVE] = "active",
};

static const enum unit_active_state state_map[_TARGET_STATE_MAX] = {
	[TARGET_DEAD] = UNIT_INACTIVE,
	[TARGET_ACTIVE] = UNIT_ACTIVE,
};

static void
target_set_state(struct target *t, enum target_state s)
{
	enum target_state old = t->state;

	t->state = s;
	if (old != s)
		unit_notify(UNIT(t), state_map[old], state_map[s], true);
}

static int
target_load(struct unit *u)
{
	int r;

	if (!u->default_dependencies)
		return 0;
	/* Targets are ordered after what they pull in: done later, once those are loaded
	 * (manager.c's target-deps pass), so that an explicit Before= can win. */
	unit_add_to_target_deps_queue(u);
	r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
	return r == -ENOMEM ? r : 0;
}

static int
target_start(struct unit *u)
{
	target_set_state((struct target *)u, TARGET_ACTIVE);
	return 0;
}

static int
target_stop(struct unit *u)
{
	target_set_state((struct target *)u, TARGET_DEAD);
	return 0;
}

static enum unit_active_state
target_active_state(const struct unit *u)
{
	return state_map[((const struct target *)u)->state];
}

static const char *
target_sub_state(const struct unit *u)
{
	return state_names[((const struct target *)u)->state];
}

static int
target_serialize(struct unit *u, FILE *f)
{
	fprintf(f, "state=%s\n", state_names[((struct target *)u)->state]);
	return 0;
}

static int
target_deserialize_item(struct unit *u, const char *key, const char *value)
{
	struct target *t = (struct target *)u;

	if (streq(key, "state"))
		t->state = streq(value, "active") ? TARGET_ACTIVE : TARGET_DEAD;
	return 0;
}

const struct unit_vtable target_vtable = {
	.object_size = sizeof(struct target),
	.section = "Target",
	.load = target_load,
	.start = target_start,
	.stop = target_stop,
	.active_state = target_active_state,
	.sub_state_to_string = target_sub_state,
	.serialize = target_serialize,
	.deserialize_item = target_deserialize_item,
};
