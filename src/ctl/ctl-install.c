/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit file installation verbs: enable, disable, reenable, mask, unmask, is-enabled,
 * set-default, get-default. The manager changes the symlinks; we report what it did. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"

/* Prints an a(sss) list of (type, path, source) changes at it, as systemctl does (on
 * stderr, so scripts that capture stdout see nothing). */
static void
print_changes(DBusMessageIter *it)
{
	DBusMessageIter arr;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY)
		return;
	dbus_message_iter_recurse(it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&arr)) {
		const char *f[3] = { "", "", "" };
		DBusMessageIter st;

		dbus_message_iter_recurse(&arr, &st);
		for (size_t i = 0; i < 3; i++) {
			if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
				break;
			dbus_message_iter_get_basic(&st, &f[i]);
			dbus_message_iter_next(&st);
		}
		if (arg.quiet)
			continue;
		if (streq(f[0], "symlink"))
			log_info("Created symlink %s %s %s.", f[1], glyph(GLYPH_ARROW), f[2]);
		else if (streq(f[0], "unlink"))
			log_info("Removed \"%s\".", f[1]);
		else if (streq(f[0], "is-masked"))
			log_info("Unit %s is masked, ignoring.", f[1]);
		else if (streq(f[0], "is-dangling"))
			log_info("Unit %s is an alias to a unit that is not present, ignoring.", f[1]);
		else if (streq(f[0], "destination not exist"))
			log_warning("Unit %s is added as a dependency to a non-existent unit %s.",
				    f[2], f[1]);
		else
			log_info("%s: %s%s%s", f[0], f[1], isempty(f[2]) ? "" : " ", f[2]);
	}
}

static void
print_no_install_info(void)
{
	/* The manager found no [Install] section: say so, or users wonder why nothing
	 * happened. */
	log_warning("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
		    "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
		    "units). This means they are not meant to be enabled or disabled using emberctl.\n"
		    " \n"
		    "Possible reasons for having this kind of units are:\n"
		    "%1$s A unit may be statically enabled by being symlinked from another unit's\n"
		    "  .wants/ or .requires/ directory.\n"
		    "%1$s A unit's purpose may be to act as a helper for some other unit which has\n"
		    "  a requirement dependency on it.\n"
		    "%1$s A unit may be started when needed via activation (socket, path, timer,\n"
		    "  D-Bus, udev, scripted emberctl call, ...).\n"
		    "%1$s In case of template units, the unit is meant to be enabled with some\n"
		    "  instance name specified.", glyph(GLYPH_BULLET));
}

/* Unit names for install verbs: paths stay paths, names get a suffix. */
static int
install_names(char **args, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;

	STRV_FOREACH(a, args) {
		char *m;
		int r;

		if ((*a)[0] == '/')
			r = strv_extend(&l, *a);
		else {
			r = unit_name_mangle(*a, ".service", &m);
			if (r < 0)
				return log_error_errno(r, "Failed to mangle unit name %s: %m", *a);
			r = strv_consume(&l, m);
		}
		if (r < 0)
			return log_oom();
	}
	*ret = TAKE_PTR(l);
	return 0;
}

/* Calls one of the *UnitFiles methods. with_force adds the force flag. Returns 0 and
 * prints the changes, or a logged -EIO. */
static int
call_unit_files(DBusConnection *bus, const char *method, const char *what, char **names,
		bool with_force, bool has_carries, bool *carries)
{
	DBusMessage *m, *reply;
	DBusMessageIter it;
	dbus_bool_t runtime = arg.runtime, force = arg.force;
	DBusError e;

	m = bus_manager_call_new(method);
	if (!m)
		return log_oom();
	dbus_message_iter_init_append(m, &it);
	if (!bus_append_strv(&it, names) ||
	    !dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &runtime) ||
	    (with_force && !dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &force))) {
		dbus_message_unref(m);
		return log_oom();
	}
	dbus_error_init(&e);
	reply = bus_call(bus, m, -1, &e);
	dbus_message_unref(m);
	if (!reply) {
		log_error("Failed to %s unit: %s", what, bus_error_text(&e));
		dbus_error_free(&e);
		return -EIO;
	}
	if (dbus_message_iter_init(reply, &it)) {
		if (has_carries && dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_BOOLEAN) {
			dbus_bool_t b;

			dbus_message_iter_get_basic(&it, &b);
			if (carries)
				*carries = b;
			dbus_message_iter_next(&it);
		}
		print_changes(&it);
	}
	dbus_message_unref(reply);
	return 0;
}

/* The plain unit names of names (basenames of paths), for --now. */
static char **
unit_names_of(char **names)
{
	_cleanup_strv_free_ char **l = NULL;

	STRV_FOREACH(n, names) {
		const char *slash = strrchr(*n, '/');

		if (strv_extend(&l, slash ? slash + 1 : *n) < 0)
			return NULL;
	}
	return TAKE_PTR(l);
}

int
verb_enable(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL, **units = NULL;
	const char *verb = argv[0];
	bool carries = true;
	int r = 0;

	if (install_names(argv + 1, &names) < 0)
		return CTL_EXIT_FAILURE;

	if (streq(verb, "enable"))
		r = call_unit_files(bus, "EnableUnitFiles", "enable", names, true, true, &carries);
	else if (streq(verb, "disable"))
		r = call_unit_files(bus, "DisableUnitFiles", "disable", names, false, false, NULL);
	else if (streq(verb, "reenable")) {
		r = call_unit_files(bus, "DisableUnitFiles", "disable", names, false, false, NULL);
		if (r >= 0)
			r = call_unit_files(bus, "EnableUnitFiles", "enable", names, true, true,
					    &carries);
	} else if (streq(verb, "mask"))
		r = call_unit_files(bus, "MaskUnitFiles", "mask", names, true, false, NULL);
	else if (streq(verb, "unmask"))
		r = call_unit_files(bus, "UnmaskUnitFiles", "unmask", names, false, false, NULL);
	if (r < 0)
		return CTL_EXIT_FAILURE;
	if (!carries && !arg.quiet)
		print_no_install_info();

	if (!arg.no_reload && verb_daemon_reload(bus, 0, NULL) != 0)
		return CTL_EXIT_FAILURE;

	if (!arg.now || streq(verb, "unmask"))
		return CTL_EXIT_SUCCESS;
	units = unit_names_of(names);
	if (!units)
		return log_oom(), CTL_EXIT_FAILURE;
	if (streq(verb, "enable"))
		return ctl_run_jobs(bus, "StartUnit", "start", arg.job_mode, units);
	if (streq(verb, "reenable"))
		return ctl_run_jobs(bus, "RestartUnit", "restart", arg.job_mode, units);
	return ctl_run_jobs(bus, "StopUnit", "stop", arg.job_mode, units);
}

int
verb_is_enabled(DBusConnection *bus, int argc, char **argv)
{
	static const char *const good[] = { "enabled", "enabled-runtime", "static", "alias",
					    "indirect", "generated", NULL };
	_cleanup_strv_free_ char **names = NULL;
	bool enabled = false;

	if (install_names(argv + 1, &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		DBusMessage *reply;
		const char *state;
		DBusError e;

		dbus_error_init(&e);
		reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "GetUnitFileState", &e,
					DBUS_TYPE_STRING, n, DBUS_TYPE_INVALID);
		if (!reply || !dbus_message_get_args(reply, &e, DBUS_TYPE_STRING, &state,
						     DBUS_TYPE_INVALID)) {
			fflush(stdout);
			log_error("Failed to get unit file state for %s: %s", *n,
				  bus_error_text(&e));
			dbus_error_free(&e);
			if (reply)
				dbus_message_unref(reply);
			return CTL_EXIT_FAILURE;
		}
		for (size_t i = 0; good[i]; i++)
			if (streq(state, good[i]))
				enabled = true;
		if (!arg.quiet)
			printf("%s\n", state);
		dbus_message_unref(reply);
	}
	return enabled ? CTL_EXIT_SUCCESS : CTL_EXIT_FAILURE;
}

int
verb_set_default(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_free_ char *name = NULL;
	DBusMessage *reply;
	DBusMessageIter it;
	dbus_bool_t force = true;   /* replace whatever default.target points at */
	DBusError e;
	int r;

	r = unit_name_mangle(argv[1], ".target", &name);
	if (r < 0) {
		log_error_errno(r, "Failed to mangle unit name %s: %m", argv[1]);
		return CTL_EXIT_FAILURE;
	}
	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "SetDefaultTarget", &e,
				DBUS_TYPE_STRING, &name, DBUS_TYPE_BOOLEAN, &force,
				DBUS_TYPE_INVALID);
	if (!reply) {
		log_error("Failed to set default target: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return CTL_EXIT_FAILURE;
	}
	if (dbus_message_iter_init(reply, &it))
		print_changes(&it);
	dbus_message_unref(reply);
	if (!arg.no_reload && verb_daemon_reload(bus, 0, NULL) != 0)
		return CTL_EXIT_FAILURE;
	return CTL_EXIT_SUCCESS;
}

int
verb_get_default(DBusConnection *bus, int argc, char **argv)
{
	DBusMessage *reply;
	const char *name;
	DBusError e;

	dbus_error_init(&e);
	reply = bus_call_method(bus, MANAGER_PATH, MANAGER_IFACE, "GetDefaultTarget", &e,
				DBUS_TYPE_INVALID);
	if (!reply || !dbus_message_get_args(reply, &e, DBUS_TYPE_STRING, &name,
					     DBUS_TYPE_INVALID)) {
		log_error("Failed to get default target: %s", bus_error_text(&e));
		dbus_error_free(&e);
		if (reply)
			dbus_message_unref(reply);
		return CTL_EXIT_FAILURE;
	}
	printf("%s\n", name);
	dbus_message_unref(reply);
	return CTL_EXIT_SUCCESS;
}
