/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* emberctl's side of the private API socket: connect, call, read simple replies. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"

char *
ctl_socket_path(void)
{
	const char *dir = arg.runtime_dir;
	char *p;

	if (!isempty(dir))
		p = strjoin(dir, "/private");
	else if (arg.user) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");

		if (isempty(xdg)) {
			log_error("XDG_RUNTIME_DIR is not set; use --runtime-dir=DIR.");
			return NULL;
		}
		p = strjoin(xdg, "/ember/private");
	} else
		p = strdup("/run/ember/private");
	if (!p)
		log_oom();
	return p;
}

/* libdbus reports "Failed to connect to socket PATH: REASON"; say the reason in our own
 * words, from the file itself when we can. */
static const char *
connect_failure_reason(const char *path, const DBusError *e)
{
	struct stat st;
	const char *colon;

	if (stat(path, &st) < 0)
		return strerror(errno);
	if (!S_ISSOCK(st.st_mode))
		return "Not a socket";
	colon = e->message ? strrchr(e->message, ':') : NULL;
	if (colon && colon[1] == ' ' && colon[2])
		return colon + 2;
	return bus_error_text(e);
}

int
ctl_bus_open(DBusConnection **ret)
{
	_cleanup_free_ char *path = ctl_socket_path();
	_cleanup_free_ char *address = NULL;
	_cleanup_free_ char *escaped = NULL;
	DBusConnection *c;
	DBusError e;

	if (!path)
		return -ENOMEM;
	escaped = dbus_address_escape_value(path);
	if (!escaped)
		return log_oom();
	address = strjoin("unix:path=", escaped);
	if (!address)
		return log_oom();

	dbus_error_init(&e);
	c = dbus_connection_open_private(address, &e);
	if (!c) {
		log_error("Failed to connect to ember at %s: %s", path,
			  connect_failure_reason(path, &e));
		dbus_error_free(&e);
		return -EIO;
	}
	/* A lost manager is an error we report, not a reason for libdbus to _exit(). */
	dbus_connection_set_exit_on_disconnect(c, FALSE);
	*ret = c;
	return 0;
}

void
ctl_bus_close(DBusConnection *c)
{
	if (!c)
		return;
	dbus_connection_close(c);
	dbus_connection_unref(c);
}

DBusMessage *
bus_call(DBusConnection *c, DBusMessage *m, int timeout_ms, DBusError *e)
{
	DBusMessage *reply;

	reply = dbus_connection_send_with_reply_and_block(c, m, timeout_ms, e);
	if (!reply && !dbus_error_is_set(e))
		dbus_set_error_const(e, DBUS_ERROR_FAILED, "No reply");
	return reply;
}

DBusMessage *
bus_call_method(DBusConnection *c, const char *path, const char *iface, const char *method,
		DBusError *e, int first_type, ...)
{
	DBusMessage *m, *reply;
	va_list ap;
	dbus_bool_t ok;

	m = dbus_message_new_method_call(BUS_NAME, path, iface, method);
	if (!m) {
		dbus_set_error_const(e, DBUS_ERROR_NO_MEMORY, "Out of memory");
		return NULL;
	}
	va_start(ap, first_type);
	ok = dbus_message_append_args_valist(m, first_type, ap);
	va_end(ap);
	if (!ok) {
		dbus_message_unref(m);
		dbus_set_error_const(e, DBUS_ERROR_NO_MEMORY, "Out of memory");
		return NULL;
	}
	reply = bus_call(c, m, -1, e);
	dbus_message_unref(m);
	return reply;
}

DBusMessage *
bus_manager_call_new(const char *method)
{
	return dbus_message_new_method_call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, method);
}

bool
bus_append_strv(DBusMessageIter *it, char *const *l)
{
	DBusMessageIter sub;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &sub))
		return false;
	STRV_FOREACH(s, l) {
		const char *v = *s;

		if (!dbus_message_iter_append_basic(&sub, DBUS_TYPE_STRING, &v)) {
			dbus_message_iter_abandon_container(it, &sub);
			return false;
		}
	}
	return dbus_message_iter_close_container(it, &sub);
}

int
bus_read_strv(DBusMessageIter *it, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;
	DBusMessageIter sub;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(it) != DBUS_TYPE_STRING)
		return -EINVAL;
	dbus_message_iter_recurse(it, &sub);
	while (dbus_message_iter_get_arg_type(&sub) == DBUS_TYPE_STRING) {
		const char *s;

		dbus_message_iter_get_basic(&sub, &s);
		if (strv_extend(&l, s) < 0)
			return -ENOMEM;
		dbus_message_iter_next(&sub);
	}
	*ret = TAKE_PTR(l);
	return 0;
}

char *
unit_bus_path(const char *name)
{
	_cleanup_free_ char *label = bus_label_escape(name);

	if (!label)
		return NULL;
	return strjoin(MANAGER_PATH "/unit/", label);
}

const char *
bus_error_text(const DBusError *e)
{
	if (!isempty(e->message))
		return e->message;
	if (!isempty(e->name))
		return e->name;
	return "Unknown error";
}

int
bus_get_property_string(DBusConnection *c, const char *path, const char *iface,
			const char *name, char **ret, DBusError *e)
{
	DBusMessage *reply;
	DBusMessageIter it, v;
	const char *s;
	int r = 0;

	reply = bus_call_method(c, path, PROPS_IFACE, "Get", e, DBUS_TYPE_STRING, &iface,
				DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	if (!reply)
		return -EIO;
	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_VARIANT) {
		r = -EINVAL;
		goto out;
	}
	dbus_message_iter_recurse(&it, &v);
	if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_STRING) {
		r = -EINVAL;
		goto out;
	}
	dbus_message_iter_get_basic(&v, &s);
	*ret = strdup(s);
	if (!*ret)
		r = -ENOMEM;
out:
	dbus_message_unref(reply);
	return r;
}

const char *
unit_type_interface(const char *unit)
{
	static const char *const ifaces[_UNIT_TYPE_MAX] = {
		[UNIT_SERVICE] = "org.freedesktop.systemd1.Service",
		[UNIT_SOCKET] = "org.freedesktop.systemd1.Socket",
		[UNIT_TARGET] = "org.freedesktop.systemd1.Target",
		[UNIT_DEVICE] = "org.freedesktop.systemd1.Device",
		[UNIT_MOUNT] = "org.freedesktop.systemd1.Mount",
		[UNIT_AUTOMOUNT] = "org.freedesktop.systemd1.Automount",
		[UNIT_SWAP] = "org.freedesktop.systemd1.Swap",
		[UNIT_TIMER] = "org.freedesktop.systemd1.Timer",
		[UNIT_PATH] = "org.freedesktop.systemd1.Path",
		[UNIT_SLICE] = "org.freedesktop.systemd1.Slice",
		[UNIT_SCOPE] = "org.freedesktop.systemd1.Scope",
	};
	enum unit_type t = unit_name_to_type(unit);

	if (t < 0 || t >= _UNIT_TYPE_MAX)
		return NULL;
	return ifaces[t];
}
