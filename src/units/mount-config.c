/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The [Mount] section and the dependencies a mount unit gets without asking
 * (ember.mount(5)): after the mounts of its path's prefixes, bound to its device, before
 * local-fs.target or remote-fs.target, stopped by umount.target. */
#include <stdlib.h>
#include <string.h>

#include "core/manager.h"
#include "core/unit-index.h"
#include "log.h"
#include "mountinfo.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/device.h"
#include "units/directives.h"
#include "units/mount-unit.h"
#include "units/unit-vtable.h"

#define M(name, fn, arg, field) { "Mount", name, fn, arg, offsetof(struct mount_unit, field) }
const struct directive mount_directives[] = {
	M("What", parse_string, 0, fragment.what),
	M("Where", parse_path, 0, where_setting),
	M("Type", parse_string, 0, fragment.fstype),
	M("Options", parse_string, 0, fragment.options),
	M("SloppyOptions", parse_bool, 0, sloppy_options),
	M("LazyUnmount", parse_bool, 0, lazy_unmount),
	M("ForceUnmount", parse_bool, 0, force_unmount),
	M("ReadWriteOnly", parse_bool, 0, read_write_only),
	M("DirectoryMode", parse_mode, 0, directory_mode),
	M("TimeoutSec", parse_usec, 1, timeout_usec),
	{ NULL }
};
#undef M

void
mount_init_defaults(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	m->directory_mode = 0755;
	m->timeout_usec = u->manager->defaults.timeout_start;
	/* Isolating a target changes what runs, not what is mounted. */
	u->ignore_on_isolate = true;
	exec_context_init(&m->exec_context);
	kill_context_init(&m->kill_context);
}

void
mount_free_config(struct mount_unit *m)
{
	m->where_setting = mfree(m->where_setting);
	m->fragment.what = mfree(m->fragment.what);
	m->fragment.fstype = mfree(m->fragment.fstype);
	m->fragment.options = mfree(m->fragment.options);
}

const struct mount_parameters *
mount_parameters(const struct mount_unit *m)
{
	if (UNIT(m)->fragment_path || m->fragment.what)
		return &m->fragment;
	return &m->proc;
}

static bool
path_is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

bool
mount_point_is_extrinsic(const char *where)
{
	static const char *const api[] = { "/proc", "/sys", "/dev", "/run", NULL };

	if (streq(where, "/") || streq(where, "/usr") || streq(where, "/run"))
		return true;
	/* Below /run (/run/user/1000, ...) mounts are other people's, to be unmounted. */
	for (size_t i = 0; api[i]; i++)
		if (path_is_below(where, api[i]) && !streq(api[i], "/run"))
			return true;
	return false;
}

/* A bind mount of a path under /dev is not a device to wait for. */
static bool
mount_is_bind(const struct mount_parameters *p)
{
	return mount_option_is_set(p->options, "bind") || mount_option_is_set(p->options, "rbind") ||
	       (p->fstype && (streq(p->fstype, "none") || streq(p->fstype, "bind")));
}

static bool
mount_is_network(const struct mount_parameters *p)
{
	if (mount_option_is_set(p->options, "_netdev"))
		return true;
	return fstype_is_network(p->fstype);
}

/* A parent path has a mount unit worth ordering after if a file describes it or it is
 * mounted now. */
static bool
parent_has_mount(struct manager *mgr, const char *name)
{
	struct unit *u = manager_get_unit(mgr, name);

	if (u && (u->fragment_path || MOUNT(u)->from_proc))
		return true;
	return unit_index_find(mgr->index, name, NULL) != NULL;
}

int
unit_add_mounts_for(struct unit *u, const char *path, bool require)
{
	_cleanup_free_ char *prefix = strdup(path);
	int r;

	if (!prefix)
		return -ENOMEM;
	for (char *slash = strrchr(prefix, '/'); slash; slash = strrchr(prefix, '/')) {
		_cleanup_free_ char *name = NULL;

		if (slash == prefix) {
			if (prefix[1] == 0)
				break; /* "/" itself: done */
			prefix[1] = 0;
		} else
			*slash = 0;
		r = unit_name_from_path(prefix, ".mount", &name);
		if (r < 0)
			return r == -ENOMEM ? r : 0;
		if (!parent_has_mount(u->manager, name))
			continue;
		r = unit_add_dependency_by_name(u, UNIT_AFTER, name, true);
		if (r >= 0 && require)
			r = unit_add_dependency_by_name(u, UNIT_REQUIRES, name, true);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
add_default_dependencies(struct mount_unit *m)
{
	struct unit *u = UNIT(m);
	const struct mount_parameters *p = mount_parameters(m);
	int r;

	/* nofail: the target does not wait for it (a late device must not hold up boot). */
	bool wait = !mount_option_is_set(p->options, "nofail");

	if (mount_is_network(p)) {
		r = unit_add_dependency_by_name(u, UNIT_AFTER, "remote-fs-pre.target", true);
		if (r >= 0)
			r = unit_add_dependency_by_name(u, UNIT_AFTER, "network.target", true);
		if (r >= 0)
			r = unit_add_two_dependencies_by_name(u, UNIT_WANTS, UNIT_AFTER,
							      "network-online.target");
		if (r >= 0 && wait)
			r = unit_add_dependency_by_name(u, UNIT_BEFORE, "remote-fs.target", true);
	} else {
		r = unit_add_dependency_by_name(u, UNIT_AFTER, "local-fs-pre.target", true);
		if (r >= 0 && wait)
			r = unit_add_dependency_by_name(u, UNIT_BEFORE, "local-fs.target", true);
	}
	if (r >= 0)
		r = unit_add_two_dependencies_by_name(u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
	return r;
}

int
mount_load(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);
	_cleanup_free_ char *expected = NULL, *prefix = NULL;
	bool described = u->fragment_path != NULL;
	int r;

	if (!described && !m->from_proc) {
		/* Not an error worth a log line: units name mounts that may never exist
		 * (After=home.mount). It loads for real once something is mounted there. */
		u->load_state = UNIT_NOT_FOUND;
		u->load_errno = ENOENT;
		free(u->load_error);
		u->load_error = strdup("Unit not found.");
		return 0;
	}
	if (!m->where) {
		r = unit_name_without_suffix(u->id, &prefix);
		if (r >= 0)
			r = unit_name_path_unescape(prefix, &m->where);
		if (r < 0) {
			unit_set_load_error(u, UNIT_BAD_SETTING, -r,
					    "Cannot derive the mount point from the unit name.");
			return 0;
		}
	}
	if (m->where_setting) {
		r = unit_name_from_path(m->where_setting, ".mount", &expected);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || !streq(expected, u->id)) {
			unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL,
					    "Where=%s does not match the unit name %s. Refusing.",
					    m->where_setting, u->id);
			return 0;
		}
	}
	if (described && !m->fragment.what && !m->from_proc) {
		unit_set_load_error(u, UNIT_BAD_SETTING, EINVAL, "What= setting is missing. Refusing.");
		return 0;
	}
	if (!u->description && described)
		u->description = strdup(m->where);
	if (mount_point_is_extrinsic(m->where)) {
		/* The root, /usr and the API file systems stay until the very end. */
		u->perpetual = true;
		u->default_dependencies = false;
		u->ignore_on_isolate = true;
	}
	r = unit_add_mounts_for(u, m->where, described);
	if (r < 0)
		return r;
	if (described && m->fragment.what && u->manager->scope == SCOPE_SYSTEM &&
	    !mount_is_bind(&m->fragment)) {
		r = unit_add_device_dependency(u, m->fragment.what, UNIT_BINDS_TO);
		if (r < 0)
			return r;
	}
	if (u->default_dependencies) {
		r = add_default_dependencies(m);
		if (r < 0)
			return r;
	}
	return 0;
}
