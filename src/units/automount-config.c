/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/manager.h"
#include "core/unit-index.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "unit-name.h"
#include "units/automount.h"
#include "units/directives.h"
#include "units/unit-vtable.h"

/* [Automount] directives and load-time checks of automount units. */

#define A(name, fn, arg, field) { "Automount", name, fn, arg, offsetof(struct automount, field) }
const struct directive automount_directives[] = {
	A("Where", parse_path, 0, where),
	A("ExtraOptions", parse_string, 0, extra_options),
	A("DirectoryMode", parse_mode, 0, directory_mode),
	A("TimeoutIdleSec", parse_usec, 1, timeout_idle),
	{ NULL }
};
#undef A

void
automount_init_defaults(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	a->directory_mode = 0755;
	a->timeout_idle = USEC_INFINITY;
}

/* The kernel's own file systems: an autofs placeholder there would hide them, and a
 * process touching them would wait for the manager, which may need them to answer.
 * One mount point below /proc is a file system of its own that distributions mount on
 * demand (Debian ships proc-sys-fs-binfmt_misc.automount in sysinit.target): allowed. */
static bool
where_is_api_file_system(const char *w)
{
	static const char *const exact[] = { "/", "/proc", "/sys", "/dev", "/run" };
	static const char *const below[] = { "/proc/", "/sys/" };

	for (size_t i = 0; i < ELEMENTSOF(exact); i++)
		if (streq(w, exact[i]))
			return true;
	if (streq(w, "/proc/sys/fs/binfmt_misc"))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(below); i++)
		if (startswith(w, below[i]))
			return true;
	return false;
}

/* Where= is the path the name encodes; without Where= the name alone says it. The
 * stored path is the normalised one either way. */
static int
check_where(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	_cleanup_free_ char *stem = NULL, *path = NULL, *expected = NULL;
	int r;

	r = unit_name_without_suffix(u->id, &stem);
	if (r >= 0)
		r = unit_name_path_unescape(stem, &path);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "The unit name %s does not name a path; an automount unit is named after its Where= (systemd-escape --path). Refusing.",
				    u->id);
		return -EINVAL;
	}
	if (a->where) {
		r = unit_name_from_path(a->where, ".automount", &expected);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || !streq(expected, u->id)) {
			unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
					    "Where=%s does not match the unit name %s (that path would be %s). Refusing.",
					    a->where, u->id, r < 0 ? "no valid unit name" : expected);
			return -EINVAL;
		}
	}
	free(a->where);
	a->where = TAKE_PTR(path);
	/* As for mount units: status and list-units then name the path. */
	if (!u->description && !(u->description = strdup(a->where)))
		return -ENOMEM;
	if (where_is_api_file_system(a->where)) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "Where=%s is an API file system of the kernel or the manager; an automount cannot be placed there. Refusing.",
				    a->where);
		return -EINVAL;
	}
	return 0;
}

static int
check_extra_options(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	_cleanup_free_ char *bad = NULL;
	int r = autofs_check_extra_options(a->extra_options, &bad);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
				    "ExtraOptions=%s: option '%s' is not supported on an automount (ember accepts uid=, gid=, strictexpire and ignore; the protocol options are the manager's). Refusing.",
				    a->extra_options, bad);
		return -EINVAL;
	}
	return 0;
}

/* The mount unit of the same path: triggered by us, ordered after us. */
static int
add_trigger(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	_cleanup_free_ char *name = NULL;
	struct unit *mnt;
	int r;

	r = unit_name_from_path(a->where, ".mount", &name);
	if (r >= 0)
		r = manager_load_unit(u->manager, name, &mnt);
	if (r == -ENOMEM)
		return r;
	if (r == -EOPNOTSUPP) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EOPNOTSUPP,
				    "An automount needs the mount unit %s, and this ember has no mount units. Refusing.",
				    name);
		return -EOPNOTSUPP;
	}
	if (r < 0) {
		unit_set_load_error(u, UNIT_BAD_SETTING, -r, "Cannot load the mount unit for %s: %s",
				    a->where, strerror(-r));
		return r;
	}
	if (unit_add_dependency(u, UNIT_TRIGGERS, mnt, true) < 0 ||
	    unit_add_dependency(u, UNIT_BEFORE, mnt, true) < 0)
		return -ENOMEM;
	/* Now rather than from the queue: its file says whether it is a network file system,
	 * which decides our own ordering below. */
	if (mnt->load_state == UNIT_STUB)
		unit_load(mnt);
	return 0;
}

/* The mount unit orders itself before remote-fs.target when it lives on the network
 * (_netdev, nfs, ...): its placeholder belongs there too. */
static bool
trigger_is_remote(struct unit *u)
{
	struct unit *mnt = automount_trigger_unit(u);
	struct unit *remote = manager_get_unit(u->manager, "remote-fs.target");

	return mnt && remote && mnt->load_state == UNIT_LOADED &&
	       unit_has_dependency(mnt, UNIT_BEFORE, remote);
}

/* A unit worth ordering after: a file describes it, or it exists for another reason (a
 * mount point in mountinfo); a name nobody knows would only add a "not found" unit. */
static bool
unit_is_known(struct manager *m, const char *name)
{
	struct unit *other = manager_get_unit(m, name);

	if (other && other->load_state != UNIT_NOT_FOUND)
		return true;
	return unit_index_find(m->index, name, NULL) != NULL;
}

/* Like RequiresMountsFor= without the requirement: after the mounts and automounts of
 * every parent path. */
static int
add_parent_ordering(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	static const char *const suffixes[] = { ".mount", ".automount" };
	_cleanup_free_ char *prefix = strdup(a->where);
	char *slash;

	if (!prefix)
		return -ENOMEM;
	while ((slash = strrchr(prefix, '/'))) {
		slash[slash == prefix] = 0; /* "/mnt/data" -> "/mnt" -> "/" */
		for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
			_cleanup_free_ char *name = NULL;
			int r = unit_name_from_path(prefix, suffixes[i], &name);

			if (r == -ENOMEM)
				return r;
			if (r < 0 || !unit_is_known(u->manager, name))
				continue;
			r = unit_add_dependency_by_name(u, UNIT_AFTER, name, true);
			if (r == -ENOMEM)
				return r;
		}
		if (streq(prefix, "/"))
			break;
	}
	return 0;
}

static int
add_default_dependencies(struct unit *u)
{
	int r;

	if (!u->default_dependencies || u->manager->scope != SCOPE_SYSTEM)
		return 0;
	r = unit_add_dependency_by_name(u, UNIT_BEFORE,
					trigger_is_remote(u) ? "remote-fs.target" : "local-fs.target", true);
	if (r >= 0)
		r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
	return r == -ENOMEM ? r : 0;
}

int
automount_load_check(struct unit *u)
{
	int r;

	r = check_where(u);
	if (r >= 0)
		r = check_extra_options(u);
	if (r >= 0)
		r = add_trigger(u);
	if (r >= 0)
		r = add_parent_ordering(u);
	if (r >= 0)
		r = add_default_dependencies(u);
	return r;
}

struct unit *
automount_trigger_unit(struct unit *u)
{
	struct unit *other;

	UNIT_FOREACH_DEPENDENCY(other, u, UNIT_TRIGGERS)
		if (other->type == UNIT_MOUNT)
			return other;
	return NULL;
}
