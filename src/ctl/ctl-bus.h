/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CTL_BUS_H
#define EMBER_CTL_BUS_H

#include <stdbool.h>

#include <dbus/dbus.h>

/* The connection to the manager's private socket and small call helpers. Every call
 * blocks (this is the client). Errors come back in a DBusError the caller prints. */

#define BUS_NAME "org.freedesktop.systemd1"
#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"
#define ERROR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define ERROR_LOAD_FAILED "org.freedesktop.systemd1.LoadFailed"

/* The private socket path chosen by --system/--user/--runtime-dir/$EMBER_RUNTIME_DIR,
 * newly allocated. NULL (logged) on OOM or --user without $XDG_RUNTIME_DIR. */
char *ctl_socket_path(void);

/* Opens a private peer-to-peer connection. 0, or a logged -errno. */
int ctl_bus_open(DBusConnection **ret);
void ctl_bus_close(DBusConnection *c);

/* Sends m and waits for its reply (timeout_ms < 0: the libdbus default). Returns the
 * reply, or NULL with e set (an error reply, a timeout or a lost connection). Does not
 * take m. Signals that arrive meanwhile stay queued for dbus_connection_pop_message(). */
DBusMessage *bus_call(DBusConnection *c, DBusMessage *m, int timeout_ms, DBusError *e);

/* Builds a call to path/iface.method with the basic-typed arguments that follow, as
 * dbus_message_append_args() takes them (end with DBUS_TYPE_INVALID), and sends it. */
DBusMessage *bus_call_method(DBusConnection *c, const char *path, const char *iface,
			     const char *method, DBusError *e, int first_type, ...);

/* A new method call message for the manager object; NULL on OOM. */
DBusMessage *bus_manager_call_new(const char *method);

/* Appends l as "as". False on OOM. */
bool bus_append_strv(DBusMessageIter *it, char *const *l);
/* Reads the "as" array at it into a new strv (*ret NULL if empty). 0 or -ENOMEM,
 * -EINVAL if it does not point at an array of strings. */
int bus_read_strv(DBusMessageIter *it, char ***ret);

/* /org/freedesktop/systemd1/unit/<escaped name>, newly allocated; NULL on OOM. */
char *unit_bus_path(const char *name);

/* The text to print for an error: its message, else its name. */
const char *bus_error_text(const DBusError *e);

/* Reads one string property through Properties.Get. 0 or -EIO with e set, -ENOMEM,
 * -EINVAL if the value is not a string. *ret is newly allocated. */
int bus_get_property_string(DBusConnection *c, const char *path, const char *iface,
			    const char *name, char **ret, DBusError *e);

/* The interface name for a unit's type: "org.freedesktop.systemd1.Service" for
 * "foo.service"; NULL (not allocated) if the name has no known type. Static storage. */
const char *unit_type_interface(const char *unit);

#endif
