/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_VTABLE_H
#define EMBER_UNIT_VTABLE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/unit.h"

struct directive;
struct fdset;

/* What a unit type can do. Generic code dispatches through this table and never switches
 * on the type. A NULL slot means "not supported". */
struct unit_vtable {
	size_t object_size;
	const char *section;                  /* "Service", "Socket", ... or NULL (target) */
	const struct directive *directives;   /* rows for section, offsets from the object */
	/* Offset of an embedded struct exec_context / kill_context, 0 if the type has none. */
	size_t exec_context_offset;
	size_t kill_context_offset;
	bool can_fragment_be_missing;         /* devices, mounts made by others */
	bool has_cgroup;                      /* its processes get a cgroup (cgroup.c) */

	void (*init)(struct unit *u);
	void (*done)(struct unit *u);
	/* After the fragment is parsed: implicit dependencies, verification. Return <0 and
	 * set u->load_error (via unit_set_load_error) to make the unit unusable. */
	int (*load)(struct unit *u);
	int (*start)(struct unit *u);
	int (*stop)(struct unit *u);
	int (*reload)(struct unit *u);
	int (*kill)(struct unit *u, const char *whom, int sig, char **error);
	void (*reset_failed)(struct unit *u);
	/* daemon-reload: forget everything the unit files said (runtime state stays), so that
	 * the files can be parsed again into the same object. */
	void (*reset_config)(struct unit *u);
	/* A watched process exited: code/status as in siginfo (CLD_EXITED, ...). */
	void (*sigchld)(struct unit *u, pid_t pid, int code, int status);
	/* A notify message from pid with the given ucred, already split into KEY=VALUE
	 * lines; fds received with it (ownership passes, the type closes what it does not
	 * keep). */
	void (*notify_message)(struct unit *u, pid_t pid, uid_t uid, char **tags, int *fds,
			       size_t n_fds);
	/* The kernel's OOM killer killed a process in the unit's cgroup (memory.events). */
	void (*oom_kill)(struct unit *u);
	/* Somebody took (owner non-empty) or released a bus name the unit follows
	 * (activation/bus-names.c). */
	void (*bus_name_owner_change)(struct unit *u, const char *name, const char *owner);
	/* A unit this one triggers (Triggers=) changed state. */
	void (*trigger_notify)(struct unit *u, struct unit *triggered);
	int (*serialize)(struct unit *u, FILE *f);
	int (*deserialize_item)(struct unit *u, const char *key, const char *value);

	enum unit_active_state (*active_state)(const struct unit *u);
	const char *(*sub_state_to_string)(const struct unit *u);
	bool (*can_reload)(const struct unit *u);
	/* May the unit be freed? NULL = yes when inactive. */
	bool (*may_gc)(struct unit *u);
	/* Main and control PIDs, for the API (0 = none). */
	pid_t (*main_pid)(const struct unit *u);
	pid_t (*control_pid)(const struct unit *u);
	/* A short "result" string ("success", "exit-code", ...) for the API. */
	const char *(*result)(const struct unit *u);
	/* Prints type-specific lines of `emberctl status`-like dumps. */
	void (*dump)(struct unit *u, FILE *f, const char *prefix);
};

extern const struct unit_vtable service_vtable;
extern const struct unit_vtable target_vtable;
extern const struct unit_vtable socket_vtable;
extern const struct unit_vtable slice_vtable;
extern const struct unit_vtable scope_vtable;
extern const struct unit_vtable mount_vtable;
extern const struct unit_vtable automount_vtable;
extern const struct unit_vtable device_vtable;
extern const struct unit_vtable swap_vtable;

/* Indexed by enum unit_type; NULL for types not built yet. */
extern const struct unit_vtable *const unit_vtables[_UNIT_TYPE_MAX];

/* Marks the unit unusable with a reason (printed by status, returned as LoadError). */
void unit_set_load_error(struct unit *u, enum unit_load_state s, int error, const char *fmt,
			 ...) __attribute__((format(printf, 4, 5)));

#endif
