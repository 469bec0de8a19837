/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list-sockets: one row per listening address of the socket units list-units would show,
 * with the units each one activates (the Unit.Triggers property), sorted by address, in
 * the format of systemctl 252. The addresses come from the Socket.Listen property. */
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

#define SOCKET_IFACE "org.freedesktop.systemd1.Socket"

struct socket_row {
	char *address, *type;
	const char *unit;   /* points into the unit name list */
	char *activates;    /* the triggered units, one per line; "-" if none */
};

struct socket_rows {
	struct socket_row *v;
	size_t n;
};

static void
socket_rows_done(struct socket_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		free(rows->v[i].address);
		free(rows->v[i].type);
		free(rows->v[i].activates);
	}
	free(rows->v);
	*rows = (struct socket_rows){ 0 };
}

/* Properties.Get of iface.name at path: *reply holds the message, *value the variant's
 * contents. 0, or -EIO with e set. */
static int
get_property(DBusConnection *bus, const char *path, const char *iface, const char *name,
	     DBusMessage **reply, DBusMessageIter *value, DBusError *e)
{
	DBusMessageIter it;

	*reply = bus_call_method(bus, path, PROPS_IFACE, "Get", e, DBUS_TYPE_STRING, &iface,
				 DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	if (!*reply)
		return -EIO;
	if (!dbus_message_iter_init(*reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_VARIANT) {
		dbus_set_error(e, DBUS_ERROR_INVALID_SIGNATURE, "Unexpected reply signature for %s",
			       name);
		dbus_message_unref(*reply);
		*reply = NULL;
		return -EIO;
	}
	dbus_message_iter_recurse(&it, value);
	return 0;
}

/* The units the socket triggers, joined with newlines, or "-". Logs errors. */
static int
get_activates(DBusConnection *bus, const char *path, char **ret)
{
	_cleanup_strv_free_ char **l = NULL;
	DBusMessage *reply;
	DBusMessageIter v;
	DBusError e;
	int r;

	dbus_error_init(&e);
	r = get_property(bus, path, UNIT_IFACE, "Triggers", &reply, &v, &e);
	if (r < 0) {
		log_error("Failed to determine triggers: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return r;
	}
	r = bus_read_strv(&v, &l);
	dbus_message_unref(reply);
	if (r == -ENOMEM)
		return log_oom();
	if (r < 0) {
		log_error("Failed to determine triggers: unexpected type of Triggers.");
		return r;
	}
	*ret = l ? strv_join(l, "\n") : strdup("-");
	return *ret ? 0 : log_oom();
}

/* Appends one row per (type, address) of the socket unit called unit. Logs errors. */
static int
add_socket(DBusConnection *bus, const char *unit, struct socket_rows *rows)
{
	_cleanup_free_ char *path = unit_bus_path(unit), *activates = NULL;
	DBusMessage *reply;
	DBusMessageIter v, a;
	DBusError e;
	int r;

	if (!path)
		return log_oom();
	r = get_activates(bus, path, &activates);
	if (r < 0)
		return r;
	dbus_error_init(&e);
	r = get_property(bus, path, SOCKET_IFACE, "Listen", &reply, &v, &e);
	if (r < 0) {
		log_error("Failed to get list of listening sockets: %s", bus_error_text(&e));
		dbus_error_free(&e);
		return r;
	}
	if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(&v) != DBUS_TYPE_STRUCT) {
		log_error("Failed to get list of listening sockets: unexpected type of Listen.");
		r = -EBADMSG;
		goto out;
	}
	dbus_message_iter_recurse(&v, &a);
	for (; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRUCT; dbus_message_iter_next(&a)) {
		DBusMessageIter st;
		const char *type, *address;
		struct socket_row *nv, *row;

		dbus_message_iter_recurse(&a, &st);
		if (dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&st, &type);
		if (!dbus_message_iter_next(&st) ||
		    dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&st, &address);
		nv = realloc(rows->v, (rows->n + 1) * sizeof(*nv));
		if (!nv) {
			r = log_oom();
			goto out;
		}
		rows->v = nv;
		row = &nv[rows->n++];
		*row = (struct socket_row){
			.address = strdup(address),
			.type = strdup(type),
			.unit = unit,
			.activates = strdup(activates),
		};
		if (!row->address || !row->type || !row->activates) {
			r = log_oom();
			goto out;
		}
	}
	r = 0;
out:
	dbus_message_unref(reply);
	return r;
}

/* By address, then type, as systemctl sorts (plain byte order: paths first, then IPv4,
 * abstract names, IPv6, netlink). The unit breaks ties, for a stable order. */
static int
compare_rows(const void *a, const void *b)
{
	const struct socket_row *x = a, *y = b;
	int r = strcmp(x->address, y->address);

	if (r == 0)
		r = strcmp(x->type, y->type);
	return r != 0 ? r : strcmp(x->unit, y->unit);
}

static int
print_sockets(const struct socket_rows *rows)
{
	static const char *const headers[] = { "LISTEN", "TYPE", "UNIT", "ACTIVATES" };
	static const char *const headers_notype[] = { "LISTEN", "UNIT", "ACTIVATES" };
	struct table *t = arg.show_types ? table_new(4, headers) : table_new(3, headers_notype);

	if (!t)
		return log_oom();
	for (size_t i = 0; i < rows->n; i++) {
		const struct socket_row *s = &rows->v[i];
		int r = 0;

		r |= table_add(t, s->address, COLOR_NORMAL);
		if (arg.show_types)
			r |= table_add(t, s->type, COLOR_NORMAL);
		r |= table_add(t, s->unit, COLOR_NORMAL);
		r |= table_add(t, s->activates,
			       streq(s->activates, "-") ? COLOR_GREY : COLOR_NORMAL);
		if (r < 0) {
			table_free(t);
			return log_oom();
		}
	}
	/* The header is there even for an empty list, as in systemctl. */
	table_print(t, arg.legend, stdout);
	table_free(t);
	if (arg.legend) {
		printf("\n%s%zu sockets listed.%s\n", ansi(rows->n > 0 ? COLOR_BOLD : COLOR_RED),
		       rows->n, ansi(COLOR_NORMAL));
		if (!arg.all)
			printf("Pass --all to see loaded but inactive sockets, too.\n");
	}
	return 0;
}

int
verb_list_sockets(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL, **units = NULL;
	struct socket_rows rows = { 0 };
	int r = 0;

	/* Names get ".socket"; globs match loaded units. If nothing matches, the list is
	 * empty rather than everything. */
	if (argc > 1 && ctl_expand_names(bus, argv + 1, ".socket", &names) < 0)
		return CTL_EXIT_FAILURE;
	if (argc <= 1 || names) {
		r = ctl_list_shown_units(bus, names, &units);
		STRV_FOREACH(u, units) {
			if (r < 0)
				break;
			if (endswith(*u, ".socket"))
				r = add_socket(bus, *u, &rows);
		}
	}
	if (r >= 0) {
		if (rows.n > 1)
			qsort(rows.v, rows.n, sizeof(*rows.v), compare_rows);
		r = print_sockets(&rows);
	}
	socket_rows_done(&rows);
	return r < 0 ? CTL_EXIT_FAILURE : CTL_EXIT_SUCCESS;
}
