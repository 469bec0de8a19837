/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The unit file methods of org.freedesktop.systemd1.Manager: listing, state, enable,
 * disable, mask, unmask and the default target, all done by shared/install.c on the
 * manager's search path. They change files only; the running units change on the next
 * daemon-reload, which systemctl requests itself after enable/disable. */
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/manager.h"
#include "install.h"
#include "strv.h"

static bool
strv_is_empty(char **l)
{
	return !l || !*l;
}

static int
list_unit_files(struct bus_call *c, char **states, char **patterns)
{
	struct unit_file_entry *entries = NULL;
	DBusMessageIter it, a, s;
	size_t n = 0;
	int r;

	r = install_list(&c->manager->lookup, strv_is_empty(patterns) ? NULL : patterns,
			 &entries, &n);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bus_call_error_errno(c, r, NULL);
	r = -ENOMEM;
	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ss)", &a))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!strv_is_empty(states) && !strv_contains(states, entries[i].state))
			continue;
		if (!dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &s))
			goto abandon;
		if (!bus_append_string(&s, entries[i].path) ||
		    !bus_append_string(&s, entries[i].state)) {
			dbus_message_iter_abandon_container(&a, &s);
			goto abandon;
		}
		if (!dbus_message_iter_close_container(&a, &s))
			goto abandon;
	}
	r = dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
	goto out;
abandon:
	dbus_message_iter_abandon_container(&it, &a);
out:
	unit_file_entries_free(entries, n);
	return r;
}

int
bus_method_list_unit_files(struct bus_call *c)
{
	return list_unit_files(c, NULL, NULL);
}

int
bus_method_list_unit_files_by_patterns(struct bus_call *c)
{
	char **states = NULL, **patterns = NULL;
	int ns = 0, np = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &states, &ns,
			      DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &patterns, &np,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = list_unit_files(c, states, patterns);
	dbus_free_string_array(states);
	dbus_free_string_array(patterns);
	return r;
}

/* Errors of install_*() with the unit or file they name. */
static int
install_error(struct bus_call *c, int r, const char *detail)
{
	const char *what = detail ? detail : "unit file";

	switch (r) {
	case -ENOENT:
		return bus_call_error(c, DBUS_ERROR_FILE_NOT_FOUND, "Unit file %s does not exist.",
				      what);
	case -ERFKILL:
		return bus_call_error(c, BUS_ERROR_UNIT_MASKED, "Unit file %s is masked.", what);
	case -EEXIST:
		return bus_call_error(c, DBUS_ERROR_FILE_EXISTS,
				      "File %s already exists and is not the expected symlink.",
				      what);
	case -EINVAL:
		return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Invalid unit name or file: %s",
				      what);
	case -ELOOP:
		return bus_call_error(c, DBUS_ERROR_FAILED, "Too many levels of symlinks: %s", what);
	default:
		return bus_call_error_errno(c, r, detail);
	}
}

static bool
append_changes(DBusMessageIter *it, const struct install_changes *changes)
{
	DBusMessageIter a, s;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sss)", &a))
		return false;
	for (size_t i = 0; i < changes->n; i++) {
		const struct install_change *ch = &changes->items[i];

		if (!dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &s))
			goto fail;
		if (!bus_append_string(&s, ch->type == INSTALL_SYMLINK ? "symlink" : "unlink") ||
		    !bus_append_string(&s, ch->path) || !bus_append_string(&s, ch->source)) {
			dbus_message_iter_abandon_container(&a, &s);
			goto fail;
		}
		if (!dbus_message_iter_close_container(&a, &s))
			goto fail;
	}
	return dbus_message_iter_close_container(it, &a);
fail:
	dbus_message_iter_abandon_container(it, &a);
	return false;
}

/* Answers c with [carries_install_info,] changes, then tells clients the files
 * changed (after the reply, the order systemd uses). */
static int
reply_changes(struct bus_call *c, int r, const char *detail, struct install_changes *changes,
	      const bool *carries_install_info)
{
	DBusMessageIter it;
	DBusMessage *signal;

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return install_error(c, r, detail);
	if (bus_call_return_iter(c, &it) < 0 ||
	    (carries_install_info && !bus_append_bool(&it, *carries_install_info)) ||
	    !append_changes(&it, changes))
		return -ENOMEM;
	if (changes->n == 0)
		return 0;
	bus_call_send_reply(c);
	signal = dbus_message_new_signal(BUS_PATH, BUS_IFACE_MANAGER, "UnitFilesChanged");
	if (signal) {
		bus_broadcast(c->manager, signal, false);
		dbus_message_unref(signal);
	}
	return 0;
}

int
bus_method_get_unit_file_state(struct bus_call *c)
{
	const char *name, *state = NULL;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_get_state(&c->manager->lookup, name, &state);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return install_error(c, r, name);
	return bus_call_return_string(c, state);
}

int
bus_method_enable_unit_files(struct bus_call *c)
{
	struct install_changes changes = { 0 };
	_cleanup_free_ char *detail = NULL;
	char **files = NULL;
	dbus_bool_t runtime, force;
	bool carries = false;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &files, &n, DBUS_TYPE_BOOLEAN,
			      &runtime, DBUS_TYPE_BOOLEAN, &force, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_enable(&c->manager->lookup, files, runtime, force, &changes, &carries,
			   &detail);
	r = reply_changes(c, r, detail, &changes, &carries);
	install_changes_free(&changes);
	dbus_free_string_array(files);
	return r;
}

int
bus_method_disable_unit_files(struct bus_call *c)
{
	struct install_changes changes = { 0 };
	_cleanup_free_ char *detail = NULL;
	char **files = NULL;
	dbus_bool_t runtime;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &files, &n, DBUS_TYPE_BOOLEAN,
			      &runtime, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_disable(&c->manager->lookup, files, runtime, &changes, &detail);
	r = reply_changes(c, r, detail, &changes, NULL);
	install_changes_free(&changes);
	dbus_free_string_array(files);
	return r;
}

int
bus_method_mask_unit_files(struct bus_call *c)
{
	struct install_changes changes = { 0 };
	_cleanup_free_ char *detail = NULL;
	char **files = NULL;
	dbus_bool_t runtime, force;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &files, &n, DBUS_TYPE_BOOLEAN,
			      &runtime, DBUS_TYPE_BOOLEAN, &force, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_mask(&c->manager->lookup, files, runtime, force, &changes, &detail);
	r = reply_changes(c, r, detail, &changes, NULL);
	install_changes_free(&changes);
	dbus_free_string_array(files);
	return r;
}

int
bus_method_unmask_unit_files(struct bus_call *c)
{
	struct install_changes changes = { 0 };
	_cleanup_free_ char *detail = NULL;
	char **files = NULL;
	dbus_bool_t runtime;
	int n = 0, r;

	if (bus_call_get_args(c, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &files, &n, DBUS_TYPE_BOOLEAN,
			      &runtime, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_unmask(&c->manager->lookup, files, runtime, &changes, &detail);
	r = reply_changes(c, r, detail, &changes, NULL);
	install_changes_free(&changes);
	dbus_free_string_array(files);
	return r;
}

int
bus_method_set_default_target(struct bus_call *c)
{
	struct install_changes changes = { 0 };
	_cleanup_free_ char *detail = NULL;
	const char *name;
	dbus_bool_t force;
	int r;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &name, DBUS_TYPE_BOOLEAN, &force,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	r = install_set_default(&c->manager->lookup, name, force, &changes, &detail);
	r = reply_changes(c, r, detail ? detail : name, &changes, NULL);
	install_changes_free(&changes);
	return r;
}

int
bus_method_get_default_target(struct bus_call *c)
{
	_cleanup_free_ char *name = NULL;
	int r;

	r = install_get_default(&c->manager->lookup, &name);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bus_call_error_errno(c, r, "default.target");
	return bus_call_return_string(c, name);
}
