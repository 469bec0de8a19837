/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The [Swap] section and the dependencies a swap unit gets without asking
 * (ember.swap(5)): bound to its device, before swap.target, stopped by umount.target. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "unit-name.h"
#include "units/device.h"
#include "units/directives.h"
#include "units/mount.h"
#include "units/swap-unit.h"
#include "units/unit-vtable.h"

/* The inode number the kernel gives the first PID namespace (PROC_PID_INIT_INO). */
#define PID_NS_INIT_INO 0xEFFFFFFCU

/* Priority=: what swapon -p takes, -1 (the kernel's choice) to 32767. */
static int
parse_priority(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int *prio = data, n;

	if (isempty(v)) {
		*prio = -1;
		return 0;
	}
	if (safe_atoi(v, &n) < 0 || n < -1 || n > 32767) {
		log_syntax(c->file, c->line, LOG_WARNING, 0,
			   "Priority=%s is not a number from -1 to 32767, ignoring.", v);
		return -EINVAL;
	}
	*prio = n;
	return 0;
}

#define S(name, fn, arg, field) { "Swap", name, fn, arg, offsetof(struct swap_unit, field) }
const struct directive swap_directives[] = {
	S("What", parse_path, 0, what_setting),
	S("Priority", parse_priority, 0, priority),
	S("Options", parse_string, 0, options),
	S("TimeoutSec", parse_usec, 1, timeout_usec),
	{ NULL }
};
#undef S

void
swap_init_defaults(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	s->priority = -1;
	s->timeout_usec = u->manager->defaults.timeout_start;
	/* Isolating a target changes what runs, not where memory is paged to. */
	u->ignore_on_isolate = true;
	exec_context_init(&s->exec_context);
	kill_context_init(&s->kill_context);
}

void
swap_free_config(struct swap_unit *s)
{
	s->what_setting = mfree(s->what_setting);
	s->options = mfree(s->options);
}

/* A manager in another PID namespace is a container's: the swap areas are the host's. */
static bool
in_first_pid_namespace(void)
{
	static int known = -1;
	struct stat st;

	if (known < 0) {
		if (stat("/proc/self/ns/pid", &st) < 0)
			return true; /* no /proc yet: a machine's early boot */
		known = st.st_ino == PID_NS_INIT_INO;
	}
	return known;
}

/* Swap is the machine's, not a mount namespace's. In a container, an area that no unit
 * file describes was switched on by the host (or by hand): it shows as a unit, but this
 * manager never switches it off, not even on its way down. */
void
swap_update_ownership(struct swap_unit *s)
{
	struct unit *u = UNIT(s);

	u->perpetual = s->from_proc && !u->fragment_path && !in_first_pid_namespace();
}

static int
add_default_dependencies(struct swap_unit *s)
{
	struct unit *u = UNIT(s);
	int r;

	if (!u->default_dependencies || u->perpetual || u->manager->scope != SCOPE_SYSTEM)
		return 0;
	r = unit_add_dependency_by_name(u, UNIT_BEFORE, "swap.target", true);
	if (r >= 0)
		r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
	return r;
}

int
swap_load(struct unit *u)
{
	struct swap_unit *s = SWAP(u);
	_cleanup_free_ char *expected = NULL, *prefix = NULL;
	bool described = u->fragment_path != NULL;
	int r;

	if (!described && !s->from_proc) {
		/* Quietly, as for mounts: a name may be mentioned before the area exists. */
		u->load_state = UNIT_NOT_FOUND;
		u->load_errno = ENOENT;
		free(u->load_error);
		u->load_error = strdup("Unit not found.");
		return 0;
	}
	if (!s->what) {
		r = unit_name_without_suffix(u->id, &prefix);
		if (r >= 0)
			r = unit_name_path_unescape(prefix, &s->what);
		if (r < 0) {
			unit_set_load_error(u, UNIT_BAD_SETTING, -r,
					    "Cannot derive the swap path from the unit name.");
			return 0;
		}
	}
	if (described && !s->what_setting) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL, "What= setting is missing. Refusing.");
		return 0;
	}
	if (s->what_setting) {
		r = unit_name_from_path(s->what_setting, ".swap", &expected);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			unit_set_load_error(u, UNIT_BAD_SETTING, -r,
					    "What=%s cannot be named as a unit. Refusing.",
					    s->what_setting);
			return 0;
		}
		if (!streq(expected, u->id)) {
			unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
					    "What=%s does not match the unit name %s. Refusing.",
					    s->what_setting, u->id);
			return 0;
		}
	}
	if (!u->description && !(u->description = strdup(s->what)))
		return -ENOMEM;
	swap_update_ownership(s);
	if (described && u->manager->scope == SCOPE_SYSTEM) {
		r = unit_add_device_dependency(u, s->what, UNIT_BINDS_TO);
		/* A swap file needs the file system it lives on. */
		if (r >= 0 && strncmp(s->what, "/dev/", 5) != 0)
			r = unit_add_mounts_for(u, s->what, true);
		if (r < 0)
			return r;
		swap_monitor_check_alias(s);
	}
	return add_default_dependencies(s);
}
