/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The generic half of the API: interfaces described as tables (dbus-internal.h) are
 * served here, with org.freedesktop.DBus.Properties and .Introspectable derived from the
 * same tables, so that what Introspect announces is exactly what GetAll returns. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dbus-internal.h"
#include "core/unit.h"
#include "string-util.h"
#include "strv.h"

/* Appending values. libdbus aborts the whole process on a string that is not UTF-8; unit
 * files, paths and service output may contain anything, so repair such strings first. */

static char *
utf8_repair(const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return NULL;
	/* Replace every byte of a bad sequence with '?' until the rest validates. Rare and
	 * short strings only, so the quadratic worst case does not matter. */
	for (;;) {
		size_t i = 0;

		if (dbus_validate_utf8(copy, NULL))
			return copy;
		while (copy[i]) {
			unsigned char b = (unsigned char)copy[i];
			size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 :
				     (b & 0xf8) == 0xf0 ? 4 : 0;
			char save;

			if (len == 0 || strnlen(copy + i, len) < len) {
				copy[i] = '?';
				break;
			}
			save = copy[i + len];
			copy[i + len] = 0;
			if (!dbus_validate_utf8(copy + i, NULL)) {
				copy[i + len] = save;
				copy[i] = '?';
				break;
			}
			copy[i + len] = save;
			i += len;
		}
	}
}

bool
bus_append_string(DBusMessageIter *it, const char *s)
{
	char *fixed;
	bool ok;

	if (!s)
		s = "";
	if (dbus_validate_utf8(s, NULL))
		return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s);
	fixed = utf8_repair(s);
	if (!fixed)
		return false;
	ok = dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &fixed);
	free(fixed);
	return ok;
}

bool
bus_append_path(DBusMessageIter *it, const char *path)
{
	if (!path || !dbus_validate_path(path, NULL))
		path = "/";
	return dbus_message_iter_append_basic(it, DBUS_TYPE_OBJECT_PATH, &path);
}

bool
bus_append_strv(DBusMessageIter *it, char *const *l)
{
	DBusMessageIter a;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &a))
		return false;
	STRV_FOREACH(s, l)
		if (!bus_append_string(&a, *s)) {
			dbus_message_iter_abandon_container(it, &a);
			return false;
		}
	return dbus_message_iter_close_container(it, &a);
}

bool
bus_append_bool(DBusMessageIter *it, bool b)
{
	dbus_bool_t v = b ? TRUE : FALSE;

	return dbus_message_iter_append_basic(it, DBUS_TYPE_BOOLEAN, &v);
}

bool
bus_append_u32(DBusMessageIter *it, uint32_t v)
{
	dbus_uint32_t x = v;

	return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &x);
}

bool
bus_append_i32(DBusMessageIter *it, int32_t v)
{
	dbus_int32_t x = v;

	return dbus_message_iter_append_basic(it, DBUS_TYPE_INT32, &x);
}

bool
bus_append_u64(DBusMessageIter *it, uint64_t v)
{
	dbus_uint64_t x = v;

	return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &x);
}

/* Generic property getters. */

#define FIELD(object, p, type) ((type *)((char *)(object) + (p)->arg))

bool
bus_property_get_string(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, *FIELD(object, p, char *));
}

bool
bus_property_get_strv(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_strv(it, *FIELD(object, p, char **));
}

bool
bus_property_get_bool(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, *FIELD(object, p, bool));
}

bool
bus_property_get_usec(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u64(it, *FIELD(object, p, usec_t));
}

bool
bus_property_get_int(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_i32(it, *FIELD(object, p, int));
}

bool
bus_property_get_unsigned(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u32(it, *FIELD(object, p, unsigned));
}

bool
bus_property_get_realtime(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u64(it, FIELD(object, p, struct dual_timestamp)->realtime);
}

bool
bus_property_get_monotonic(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_u64(it, FIELD(object, p, struct dual_timestamp)->monotonic);
}

bool
bus_property_get_empty_string(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_string(it, "");
}

bool
bus_property_get_false(DBusMessageIter *it, void *object, const struct bus_property *p)
{
	return bus_append_bool(it, false);
}

/* Replies. */

int
bus_call_return_iter(struct bus_call *c, DBusMessageIter *it)
{
	if (c->reply)
		dbus_message_unref(c->reply);
	c->reply = dbus_message_new_method_return(c->message);
	if (!c->reply)
		return -ENOMEM;
	dbus_message_iter_init_append(c->reply, it);
	return 0;
}

int
bus_call_return_empty(struct bus_call *c)
{
	DBusMessageIter it;

	return bus_call_return_iter(c, &it);
}

int
bus_call_return_path(struct bus_call *c, const char *path)
{
	DBusMessageIter it;

	if (bus_call_return_iter(c, &it) < 0 || !bus_append_path(&it, path))
		return -ENOMEM;
	return 0;
}

int
bus_call_return_string(struct bus_call *c, const char *s)
{
	DBusMessageIter it;

	if (bus_call_return_iter(c, &it) < 0 || !bus_append_string(&it, s))
		return -ENOMEM;
	return 0;
}

int
bus_call_error(struct bus_call *c, const char *name, const char *fmt, ...)
{
	_cleanup_free_ char *text = NULL, *fixed = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (!dbus_validate_utf8(text, NULL)) {
		fixed = utf8_repair(text);
		if (!fixed)
			return -ENOMEM;
	}
	if (c->reply)
		dbus_message_unref(c->reply);
	c->reply = dbus_message_new_error(c->message, name, fixed ? fixed : text);
	return c->reply ? 0 : -ENOMEM;
}

static const struct {
	int error;
	const char *name;
} errno_names[] = {
	{ ENOENT, DBUS_ERROR_FILE_NOT_FOUND },
	{ EEXIST, DBUS_ERROR_FILE_EXISTS },
	{ EINVAL, DBUS_ERROR_INVALID_ARGS },
	{ EPERM, DBUS_ERROR_ACCESS_DENIED },
	{ EACCES, DBUS_ERROR_ACCESS_DENIED },
	{ ENOMEM, DBUS_ERROR_NO_MEMORY },
	{ EOPNOTSUPP, DBUS_ERROR_NOT_SUPPORTED },
	{ ERFKILL, BUS_ERROR_UNIT_MASKED },
	{ ESRCH, BUS_ERROR_NO_SUCH_PROCESS },
	{ ETIMEDOUT, DBUS_ERROR_TIMEOUT },
};

int
bus_call_error_errno(struct bus_call *c, int error, const char *detail)
{
	const char *name = DBUS_ERROR_FAILED;

	error = error < 0 ? -error : error;
	for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
		if (errno_names[i].error == error)
			name = errno_names[i].name;
	if (detail)
		return bus_call_error(c, name, "%s: %s", strerror(error), detail);
	return bus_call_error(c, name, "%s", strerror(error));
}

int
bus_call_get_args(struct bus_call *c, int first_type, ...)
{
	DBusError e = DBUS_ERROR_INIT;
	dbus_bool_t ok;
	va_list ap;

	va_start(ap, first_type);
	ok = dbus_message_get_args_valist(c->message, &e, first_type, ap);
	va_end(ap);
	if (ok)
		return 0;
	dbus_error_free(&e);
	/* The signature was checked before, so only memory can be short. */
	return -ENOMEM;
}

/* Properties. */

static const struct bus_property *
find_property(const struct bus_interface *i, const char *name)
{
	for (const struct bus_property *p = i->properties; p && p->name; p++)
		if (streq(p->name, name))
			return p;
	for (const struct bus_property *p = i->more_properties; p && p->name; p++)
		if (streq(p->name, name))
			return p;
	return NULL;
}

static bool
append_property_value(DBusMessageIter *it, const struct bus_property *p, void *object)
{
	DBusMessageIter v;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, p->signature, &v))
		return false;
	if (!p->get(&v, object, p)) {
		dbus_message_iter_abandon_container(it, &v);
		return false;
	}
	return dbus_message_iter_close_container(it, &v);
}

static bool
append_property_entry(DBusMessageIter *dict, const struct bus_property *p, void *object)
{
	DBusMessageIter e;

	if (!dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e))
		return false;
	if (!dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &p->name) ||
	    !append_property_value(&e, p, object)) {
		dbus_message_iter_abandon_container(dict, &e);
		return false;
	}
	return dbus_message_iter_close_container(dict, &e);
}

bool
bus_append_properties(DBusMessageIter *dict, const struct bus_interface *i, void *object,
		      const char *const *names)
{
	if (names) {
		for (; *names; names++) {
			const struct bus_property *p = find_property(i, *names);

			if (p && !append_property_entry(dict, p, object))
				return false;
		}
		return true;
	}
	for (const struct bus_property *p = i->properties; p && p->name; p++)
		if (!append_property_entry(dict, p, object))
			return false;
	for (const struct bus_property *p = i->more_properties; p && p->name; p++)
		if (!append_property_entry(dict, p, object))
			return false;
	return true;
}

DBusMessage *
bus_properties_changed_new(const char *path, const struct bus_interface *i, void *object,
			   const char *const *names)
{
	DBusMessage *msg = dbus_message_new_signal(path, BUS_IFACE_PROPERTIES, "PropertiesChanged");
	DBusMessageIter it, a;

	if (!msg)
		return NULL;
	dbus_message_iter_init_append(msg, &it);
	if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &i->name) ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &a))
		goto oom;
	if (!bus_append_properties(&a, i, object, names)) {
		dbus_message_iter_abandon_container(&it, &a);
		goto oom;
	}
	if (!dbus_message_iter_close_container(&it, &a) ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &a) ||
	    !dbus_message_iter_close_container(&it, &a))
		goto oom;
	return msg;
oom:
	dbus_message_unref(msg);
	return NULL;
}

static const struct bus_interface *
object_interface(const struct bus_object *o, const char *name)
{
	for (size_t k = 0; o->interfaces[k]; k++)
		if (streq(o->interfaces[k]->name, name))
			return o->interfaces[k];
	return NULL;
}

static bool
is_standard_interface(const char *name)
{
	return streq(name, BUS_IFACE_PROPERTIES) || streq(name, BUS_IFACE_INTROSPECTABLE) ||
	       streq(name, BUS_IFACE_PEER);
}

static int
properties_get(struct bus_call *c, struct bus_object *o)
{
	const char *iface, *name;
	const struct bus_property *p = NULL;
	DBusMessageIter it;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
			      DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	for (size_t k = 0; !p && o->interfaces[k]; k++)
		if (isempty(iface) || streq(o->interfaces[k]->name, iface))
			p = find_property(o->interfaces[k], name);
	if (!p) {
		if (!isempty(iface) && !object_interface(o, iface) && !is_standard_interface(iface))
			return bus_call_error(c, DBUS_ERROR_UNKNOWN_INTERFACE,
					      "Unknown interface '%s'.", iface);
		return bus_call_error(c, DBUS_ERROR_UNKNOWN_PROPERTY, "Unknown property '%s'.",
				      name);
	}
	if (bus_call_return_iter(c, &it) < 0 || !append_property_value(&it, p, o->data))
		return -ENOMEM;
	return 0;
}

static int
properties_get_all(struct bus_call *c, struct bus_object *o)
{
	const char *iface;
	DBusMessageIter it, a;
	const struct bus_interface *only = NULL;

	if (bus_call_get_args(c, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID) < 0)
		return -ENOMEM;
	if (!isempty(iface)) {
		only = object_interface(o, iface);
		if (!only && !is_standard_interface(iface))
			return bus_call_error(c, DBUS_ERROR_UNKNOWN_INTERFACE,
					      "Unknown interface '%s'.", iface);
	}
	if (bus_call_return_iter(c, &it) < 0 ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &a))
		return -ENOMEM;
	/* "" means every interface merged: that is how systemctl reads a unit. */
	for (size_t k = 0; o->interfaces[k]; k++) {
		if (!isempty(iface) && o->interfaces[k] != only)
			continue;
		if (!bus_append_properties(&a, o->interfaces[k], o->data, NULL)) {
			dbus_message_iter_abandon_container(&it, &a);
			return -ENOMEM;
		}
	}
	return dbus_message_iter_close_container(&it, &a) ? 0 : -ENOMEM;
}

static int
properties_set(struct bus_call *c, struct bus_object *o)
{
	DBusMessageIter it;
	const char *iface, *name;

	/* Get the two strings; the variant is not looked at. */
	dbus_message_iter_init(c->message, &it);
	dbus_message_iter_get_basic(&it, &iface);
	dbus_message_iter_next(&it);
	dbus_message_iter_get_basic(&it, &name);
	for (size_t k = 0; o->interfaces[k]; k++)
		if ((isempty(iface) || streq(o->interfaces[k]->name, iface)) &&
		    find_property(o->interfaces[k], name))
			return bus_call_error(c, DBUS_ERROR_PROPERTY_READ_ONLY,
					      "Property '%s' is read-only.", name);
	return bus_call_error(c, DBUS_ERROR_UNKNOWN_PROPERTY, "Unknown property '%s'.", name);
}

/* Introspection. */

static int
xml_args(struct strbuf *b, const char *signature, const char *direction)
{
	DBusSignatureIter si;

	if (isempty(signature))
		return 0;
	dbus_signature_iter_init(&si, signature);
	do {
		char *one = dbus_signature_iter_get_signature(&si);
		int r;

		if (!one)
			return -ENOMEM;
		r = strbuf_puts(b, "   <arg type=\"");
		if (r >= 0)
			r = strbuf_puts(b, one);
		if (r >= 0 && direction) {
			r = strbuf_puts(b, "\" direction=\"");
			if (r >= 0)
				r = strbuf_puts(b, direction);
		}
		if (r >= 0)
			r = strbuf_puts(b, "\"/>\n");
		dbus_free(one);
		if (r < 0)
			return r;
	} while (dbus_signature_iter_next(&si));
	return 0;
}

static int
xml_printf(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
static int
xml_printf(struct strbuf *b, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strbuf_puts(b, s);
}

static int
xml_interface(struct strbuf *b, const struct bus_interface *i)
{
	int r = xml_printf(b, " <interface name=\"%s\">\n", i->name);

	for (const struct bus_method *m = i->methods; r >= 0 && m && m->name; m++) {
		r = xml_printf(b, "  <method name=\"%s\">\n", m->name);
		if (r >= 0)
			r = xml_args(b, m->in, "in");
		if (r >= 0)
			r = xml_args(b, m->out, "out");
		if (r >= 0)
			r = strbuf_puts(b, "  </method>\n");
	}
	for (const struct bus_signal *s = i->signals; r >= 0 && s && s->name; s++) {
		r = xml_printf(b, "  <signal name=\"%s\">\n", s->name);
		if (r >= 0)
			r = xml_args(b, s->signature, NULL);
		if (r >= 0)
			r = strbuf_puts(b, "  </signal>\n");
	}
	for (const struct bus_property *p = i->properties; r >= 0 && p && p->name; p++)
		r = xml_printf(b, "  <property name=\"%s\" type=\"%s\" access=\"read\"/>\n",
			       p->name, p->signature);
	for (const struct bus_property *p = i->more_properties; r >= 0 && p && p->name; p++)
		r = xml_printf(b, "  <property name=\"%s\" type=\"%s\" access=\"read\"/>\n",
			       p->name, p->signature);
	if (r >= 0)
		r = strbuf_puts(b, " </interface>\n");
	return r;
}

static const char introspect_standard[] =
	" <interface name=\"" BUS_IFACE_PEER "\">\n"
	"  <method name=\"Ping\"/>\n"
	"  <method name=\"GetMachineId\">\n"
	"   <arg type=\"s\" name=\"machine_uuid\" direction=\"out\"/>\n"
	"  </method>\n"
	" </interface>\n"
	" <interface name=\"" BUS_IFACE_INTROSPECTABLE "\">\n"
	"  <method name=\"Introspect\">\n"
	"   <arg name=\"data\" type=\"s\" direction=\"out\"/>\n"
	"  </method>\n"
	" </interface>\n"
	" <interface name=\"" BUS_IFACE_PROPERTIES "\">\n"
	"  <method name=\"Get\">\n"
	"   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
	"   <arg name=\"property_name\" direction=\"in\" type=\"s\"/>\n"
	"   <arg name=\"value\" direction=\"out\" type=\"v\"/>\n"
	"  </method>\n"
	"  <method name=\"GetAll\">\n"
	"   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
	"   <arg name=\"props\" direction=\"out\" type=\"a{sv}\"/>\n"
	"  </method>\n"
	"  <method name=\"Set\">\n"
	"   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
	"   <arg name=\"property_name\" direction=\"in\" type=\"s\"/>\n"
	"   <arg name=\"value\" direction=\"in\" type=\"v\"/>\n"
	"  </method>\n"
	"  <signal name=\"PropertiesChanged\">\n"
	"   <arg type=\"s\" name=\"interface_name\"/>\n"
	"   <arg type=\"a{sv}\" name=\"changed_properties\"/>\n"
	"   <arg type=\"as\" name=\"invalidated_properties\"/>\n"
	"  </signal>\n"
	" </interface>\n";

static int
introspect(struct bus_call *c, struct bus_object *o)
{
	struct strbuf b = { 0 };
	_cleanup_free_ char *xml = NULL;
	int r;

	r = strbuf_puts(&b, DBUS_INTROSPECT_1_0_XML_DOCTYPE_DECL_NODE "<node>\n");
	if (r >= 0)
		r = strbuf_puts(&b, introspect_standard);
	for (size_t k = 0; r >= 0 && o->interfaces[k]; k++)
		r = xml_interface(&b, o->interfaces[k]);
	STRV_FOREACH(child, o->children) {
		if (r < 0)
			break;
		r = xml_printf(&b, " <node name=\"%s\"/>\n", *child);
	}
	if (r >= 0)
		r = strbuf_puts(&b, "</node>\n");
	if (r < 0) {
		strbuf_done(&b);
		return r;
	}
	xml = strbuf_steal(&b);
	if (!xml)
		return -ENOMEM;
	return bus_call_return_string(c, xml);
}

/* Method calls. */

static int
check_signature(struct bus_call *c, const char *member, const char *expected)
{
	const char *sig = dbus_message_get_signature(c->message);

	if (streq(sig, expected ? expected : ""))
		return 1;
	return bus_call_error(c, DBUS_ERROR_INVALID_ARGS,
			      "Invalid arguments '%s' to call %s(), expecting '%s'.", sig, member,
			      expected ? expected : "");
}

static int
access_denied(struct bus_call *c, const char *member)
{
	return bus_call_error(c, DBUS_ERROR_ACCESS_DENIED,
			      "Access denied: only root or the manager's own user may call %s().",
			      member);
}

static int
standard_call(struct bus_call *c, struct bus_object *o, const char *iface, const char *member)
{
	static const struct {
		const char *iface, *member, *signature;
		int (*fn)(struct bus_call *c, struct bus_object *o);
		bool needs_privilege;
	} table[] = {
		{ BUS_IFACE_PROPERTIES, "Get", "ss", properties_get },
		{ BUS_IFACE_PROPERTIES, "GetAll", "s", properties_get_all },
		{ BUS_IFACE_PROPERTIES, "Set", "ssv", properties_set, true },
		{ BUS_IFACE_INTROSPECTABLE, "Introspect", "", introspect },
		{ BUS_IFACE_PEER, "Ping", "", NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(table); i++) {
		int r;

		if ((iface && !streq(iface, table[i].iface)) || !streq(member, table[i].member))
			continue;
		if (table[i].needs_privilege && !c->privileged)
			return access_denied(c, member);
		r = check_signature(c, member, table[i].signature);
		if (r <= 0)
			return r;
		return table[i].fn ? table[i].fn(c, o) : bus_call_return_empty(c);
	}
	return 1; /* not a standard call */
}

int
bus_object_call(struct bus_call *c, struct bus_object *o)
{
	const char *iface = dbus_message_get_interface(c->message);
	const char *member = dbus_message_get_member(c->message);
	int r;

	c->object = o->data;
	r = standard_call(c, o, iface, member);
	if (r <= 0)
		return r;
	if (iface && !is_standard_interface(iface) && !object_interface(o, iface))
		return bus_call_error(c, DBUS_ERROR_UNKNOWN_INTERFACE,
				      "Unknown interface '%s'.", iface);
	for (size_t k = 0; o->interfaces[k]; k++) {
		const struct bus_interface *i = o->interfaces[k];

		if (iface && !streq(iface, i->name))
			continue;
		for (const struct bus_method *m = i->methods; m && m->name; m++) {
			if (!streq(m->name, member))
				continue;
			if (!m->open && !c->privileged)
				return access_denied(c, member);
			r = check_signature(c, member, m->in);
			if (r <= 0)
				return r;
			return m->handler(c);
		}
	}
	return bus_call_error(c, DBUS_ERROR_UNKNOWN_METHOD,
			      "Unknown method '%s' or interface '%s'.", member, strna(iface));
}

void
bus_object_done(struct bus_object *o)
{
	o->children = strv_free(o->children);
	if (o->phantom) {
		free(o->phantom->id);
		free(o->phantom->load_error);
		o->phantom = mfree(o->phantom);
	}
}
