/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Properties.GetAll results: typed lookups for status, generic printing for show. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ctl-bus.h"
#include "ctl-output.h"
#include "ctl-props.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"

static int
props_add(struct props *p, const char *name, DBusMessageIter *value)
{
	struct prop *v = realloc(p->v, (p->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->v = v;
	v[p->n].name = name;
	v[p->n].value = *value;
	p->n++;
	return 0;
}

int
props_load(DBusConnection *c, const char *path, const char *iface, struct props *p,
	   DBusError *e)
{
	DBusMessage *reply, **replies;
	DBusMessageIter it, arr;

	reply = bus_call_method(c, path, PROPS_IFACE, "GetAll", e, DBUS_TYPE_STRING, &iface,
				DBUS_TYPE_INVALID);
	if (!reply)
		return -EIO;
	replies = realloc(p->replies, (p->n_replies + 1) * sizeof(*replies));
	if (!replies) {
		dbus_message_unref(reply);
		return -ENOMEM;
	}
	p->replies = replies;
	p->replies[p->n_replies++] = reply;

	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(&it) != DBUS_TYPE_DICT_ENTRY)
		return 0;   /* not an a{sv}: nothing we can use, not fatal */
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&arr)) {
		DBusMessageIter entry, variant;
		const char *name;

		dbus_message_iter_recurse(&arr, &entry);
		if (dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&entry, &name);
		dbus_message_iter_next(&entry);
		if (dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_VARIANT)
			continue;
		dbus_message_iter_recurse(&entry, &variant);
		if (props_add(p, name, &variant) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
props_load_unit(DBusConnection *c, const char *name, struct props *p, DBusError *e)
{
	_cleanup_free_ char *path = unit_bus_path(name);
	const char *iface = unit_type_interface(name);
	DBusError ignored;
	int r;

	if (!path)
		return -ENOMEM;
	r = props_load(c, path, UNIT_IFACE, p, e);
	if (r < 0 || !iface)
		return r;
	/* The type's interface is a bonus: a manager without it still has a unit. */
	dbus_error_init(&ignored);
	r = props_load(c, path, iface, p, &ignored);
	dbus_error_free(&ignored);
	return r == -ENOMEM ? r : 0;
}

void
props_done(struct props *p)
{
	for (size_t i = 0; i < p->n_replies; i++)
		dbus_message_unref(p->replies[i]);
	free(p->replies);
	free(p->v);
	*p = (struct props){ 0 };
}

const struct prop *
props_find(const struct props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (streq(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

static bool
props_basic(const struct props *p, const char *name, int type, void *ret)
{
	const struct prop *pr = props_find(p, name);
	DBusMessageIter it;

	if (!pr)
		return false;
	it = pr->value;
	if (dbus_message_iter_get_arg_type(&it) != type)
		return false;
	dbus_message_iter_get_basic(&it, ret);
	return true;
}

const char *
props_string(const struct props *p, const char *name)
{
	const char *s;

	if (props_basic(p, name, DBUS_TYPE_STRING, &s) ||
	    props_basic(p, name, DBUS_TYPE_OBJECT_PATH, &s) ||
	    props_basic(p, name, DBUS_TYPE_SIGNATURE, &s))
		return s;
	return NULL;
}

bool
props_uint64(const struct props *p, const char *name, uint64_t *ret)
{
	dbus_uint64_t v;

	if (!props_basic(p, name, DBUS_TYPE_UINT64, &v))
		return false;
	*ret = v;
	return true;
}

bool
props_uint32(const struct props *p, const char *name, uint32_t *ret)
{
	dbus_uint32_t v;

	if (!props_basic(p, name, DBUS_TYPE_UINT32, &v))
		return false;
	*ret = v;
	return true;
}

bool
props_int32(const struct props *p, const char *name, int32_t *ret)
{
	dbus_int32_t v;

	if (!props_basic(p, name, DBUS_TYPE_INT32, &v))
		return false;
	*ret = v;
	return true;
}

bool
props_bool(const struct props *p, const char *name, bool *ret)
{
	dbus_bool_t v;

	if (!props_basic(p, name, DBUS_TYPE_BOOLEAN, &v))
		return false;
	*ret = v;
	return true;
}

char **
props_strv(const struct props *p, const char *name)
{
	const struct prop *pr = props_find(p, name);
	DBusMessageIter it;
	char **l = NULL;

	if (!pr)
		return NULL;
	it = pr->value;
	if (bus_read_strv(&it, &l) < 0)
		return NULL;
	return l;
}

void
exec_info_free(struct exec_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strv_free(v[i].argv);
	free(v);
}

/* Reads the next basic field of a struct, if it has the type; false otherwise. */
static bool
read_field(DBusMessageIter *it, int type, void *ret)
{
	if (dbus_message_iter_get_arg_type(it) != type)
		return false;
	dbus_message_iter_get_basic(it, ret);
	dbus_message_iter_next(it);
	return true;
}

static int
read_exec(DBusMessageIter *st, struct exec_info *x)
{
	DBusMessageIter it;
	dbus_bool_t ignore;
	dbus_uint64_t t[4];
	dbus_uint32_t pid;
	dbus_int32_t code, status;
	int r;

	dbus_message_iter_recurse(st, &it);
	if (!read_field(&it, DBUS_TYPE_STRING, &x->path))
		return -EINVAL;
	r = bus_read_strv(&it, &x->argv);
	if (r < 0)
		return r;
	dbus_message_iter_next(&it);
	if (!read_field(&it, DBUS_TYPE_BOOLEAN, &ignore))
		return -EINVAL;
	for (size_t i = 0; i < 4; i++)
		if (!read_field(&it, DBUS_TYPE_UINT64, &t[i]))
			return -EINVAL;
	if (!read_field(&it, DBUS_TYPE_UINT32, &pid) ||
	    !read_field(&it, DBUS_TYPE_INT32, &code) || !read_field(&it, DBUS_TYPE_INT32, &status))
		return -EINVAL;
	x->ignore_errors = ignore;
	x->start_timestamp = t[0];
	x->start_monotonic = t[1];
	x->exit_timestamp = t[2];
	x->exit_monotonic = t[3];
	x->pid = pid;
	x->code = code;
	x->status = status;
	return 0;
}

int
props_exec(const struct props *p, const char *name, struct exec_info **ret, size_t *n)
{
	const struct prop *pr = props_find(p, name);
	struct exec_info *v = NULL;
	DBusMessageIter it, arr;
	size_t k = 0;

	*ret = NULL;
	*n = 0;
	if (!pr)
		return 0;
	it = pr->value;
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(&it) != DBUS_TYPE_STRUCT)
		return 0;
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&arr)) {
		struct exec_info *nv = realloc(v, (k + 1) * sizeof(*nv));
		int r;

		if (!nv) {
			exec_info_free(v, k);
			return -ENOMEM;
		}
		v = nv;
		v[k] = (struct exec_info){ 0 };
		r = read_exec(&arr, &v[k]);
		if (r == -ENOMEM) {
			exec_info_free(v, k + 1);
			return r;
		}
		if (r < 0) {
			/* A signature we do not know: treat the property as absent. */
			exec_info_free(v, k + 1);
			return 0;
		}
		k++;
	}
	*ret = v;
	*n = k;
	return 0;
}

static void
append_u64(struct strbuf *b, const char *name, uint64_t v)
{
	char buf[FORMAT_TIMESTAMP_MAX];

	if (endswith(name, "Timestamp")) {
		if (v != 0)
			strbuf_puts(b, format_timestamp(buf, sizeof(buf), v));
	} else if (endswith(name, "USec") || endswith(name, "Sec")) {
		strbuf_puts(b, format_timespan(buf, sizeof(buf), v, 1));
	} else {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		strbuf_puts(b, buf);
	}
}

/* Formats any value readably: containers become space-separated lists. */
static void
format_value(struct strbuf *b, const char *name, DBusMessageIter *it)
{
	int type = dbus_message_iter_get_arg_type(it);
	DBusMessageIter sub;
	char buf[64];
	bool first = true;

	switch (type) {
	case DBUS_TYPE_STRING:
	case DBUS_TYPE_OBJECT_PATH:
	case DBUS_TYPE_SIGNATURE: {
		const char *s;
		dbus_message_iter_get_basic(it, &s);
		strbuf_puts(b, s);
		return;
	}
	case DBUS_TYPE_BOOLEAN: {
		dbus_bool_t v;
		dbus_message_iter_get_basic(it, &v);
		strbuf_puts(b, v ? "yes" : "no");
		return;
	}
	case DBUS_TYPE_UINT64: {
		dbus_uint64_t v;
		dbus_message_iter_get_basic(it, &v);
		append_u64(b, name, v);
		return;
	}
	case DBUS_TYPE_BYTE:
	case DBUS_TYPE_INT16:
	case DBUS_TYPE_UINT16:
	case DBUS_TYPE_INT32:
	case DBUS_TYPE_UINT32:
	case DBUS_TYPE_INT64:
	case DBUS_TYPE_DOUBLE: {
		DBusBasicValue v;
		dbus_message_iter_get_basic(it, &v);
		if (type == DBUS_TYPE_BYTE)
			snprintf(buf, sizeof(buf), "%u", (unsigned)v.byt);
		else if (type == DBUS_TYPE_INT16)
			snprintf(buf, sizeof(buf), "%d", (int)v.i16);
		else if (type == DBUS_TYPE_UINT16)
			snprintf(buf, sizeof(buf), "%u", (unsigned)v.u16);
		else if (type == DBUS_TYPE_INT32)
			snprintf(buf, sizeof(buf), "%" PRId32, (int32_t)v.i32);
		else if (type == DBUS_TYPE_UINT32 && (strstr(name, "UMask") || strstr(name, "Mode")))
			snprintf(buf, sizeof(buf), "%04" PRIo32, (uint32_t)v.u32); /* as systemctl */
		else if (type == DBUS_TYPE_UINT32)
			snprintf(buf, sizeof(buf), "%" PRIu32, (uint32_t)v.u32);
		else if (type == DBUS_TYPE_INT64)
			snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v.i64);
		else
			snprintf(buf, sizeof(buf), "%g", v.dbl);
		strbuf_puts(b, buf);
		return;
	}
	case DBUS_TYPE_ARRAY:
		dbus_message_iter_recurse(it, &sub);
		if (dbus_message_iter_get_element_type(it) == DBUS_TYPE_BYTE) {
			/* InvocationID and friends: hex, as systemctl prints ids. */
			for (; dbus_message_iter_get_arg_type(&sub) == DBUS_TYPE_BYTE;
			     dbus_message_iter_next(&sub)) {
				unsigned char c;
				dbus_message_iter_get_basic(&sub, &c);
				snprintf(buf, sizeof(buf), "%02x", c);
				strbuf_puts(b, buf);
			}
			return;
		}
		/* fall through */
	case DBUS_TYPE_STRUCT:
	case DBUS_TYPE_DICT_ENTRY:
		if (type != DBUS_TYPE_ARRAY)
			dbus_message_iter_recurse(it, &sub);
		for (; dbus_message_iter_get_arg_type(&sub) != DBUS_TYPE_INVALID;
		     dbus_message_iter_next(&sub)) {
			if (!first)
				strbuf_putc(b, type == DBUS_TYPE_DICT_ENTRY ? '=' : ' ');
			first = false;
			format_value(b, name, &sub);
		}
		return;
	case DBUS_TYPE_VARIANT:
		dbus_message_iter_recurse(it, &sub);
		format_value(b, name, &sub);
		return;
	default:
		return;
	}
}

static void
format_exec(struct strbuf *b, const struct exec_info *x)
{
	char start[FORMAT_TIMESTAMP_MAX], stop[FORMAT_TIMESTAMP_MAX], status[64];
	_cleanup_free_ char *argv = strv_join(x->argv, " ");
	const char *code = sigchld_code_name(x->code), *sname;
	char line[4096];

	sname = x->code == CLD_EXITED ? exit_status_name(x->status) :
		(x->code == CLD_KILLED || x->code == CLD_DUMPED) ? signal_name(x->status) : NULL;
	if (sname)
		snprintf(status, sizeof(status), "%d/%s", x->status, sname);
	else
		snprintf(status, sizeof(status), "%d/%d", x->status, x->status);
	snprintf(line, sizeof(line),
		 "{ path=%s ; argv[]=%s ; ignore_errors=%s ; start_time=[%s] ; stop_time=[%s] ;"
		 " pid=%" PRIu32 " ; code=%s ; status=%s }",
		 x->path, strempty(argv), x->ignore_errors ? "yes" : "no",
		 format_timestamp(start, sizeof(start), x->start_timestamp),
		 format_timestamp(stop, sizeof(stop), x->exit_timestamp), x->pid,
		 code ? code : "(null)", status);
	strbuf_puts(b, line);
}

static bool
is_exec_signature(DBusMessageIter *it)
{
	char *sig = dbus_message_iter_get_signature(it);
	bool r = sig && streq(sig, "a(sasbttttuii)");

	dbus_free(sig);
	return r;
}

static void
print_line(const char *name, const char *value, bool value_only, FILE *f)
{
	if (value_only)
		fprintf(f, "%s\n", value);
	else
		fprintf(f, "%s=%s\n", name, value);
}

void
prop_print(const struct prop *pr, bool show_empty, bool value_only, FILE *f)
{
	struct strbuf b = { 0 };
	DBusMessageIter it = pr->value;
	char *sig = dbus_message_iter_get_signature(&it);

	if (sig && streq(sig, "(uo)")) {
		/* Job: the id, or nothing when there is no job. */
		DBusMessageIter st;
		dbus_uint32_t id = 0;

		dbus_message_iter_recurse(&it, &st);
		if (read_field(&st, DBUS_TYPE_UINT32, &id) && id > 0) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%" PRIu32, (uint32_t)id);
			strbuf_puts(&b, buf);
		}
	} else if (sig && streq(sig, "(ss)")) {
		/* LoadError: the error name and its message, if any. */
		DBusMessageIter st;
		const char *ename = "", *msg = "";

		dbus_message_iter_recurse(&it, &st);
		if (read_field(&st, DBUS_TYPE_STRING, &ename) &&
		    read_field(&st, DBUS_TYPE_STRING, &msg) && !isempty(ename)) {
			strbuf_puts(&b, ename);
			strbuf_puts(&b, " \"");
			strbuf_puts(&b, msg);
			strbuf_puts(&b, "\"");
		}
	} else if (sig && streq(sig, "a(ss)") && streq(pr->name, "Listen")) {
		/* A socket's addresses: one "ADDRESS (TYPE)" line each, as systemctl prints. */
		DBusMessageIter a, st;
		const char *type, *address;

		dbus_free(sig);
		dbus_message_iter_recurse(&it, &a);
		for (; dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRUCT;
		     dbus_message_iter_next(&a)) {
			dbus_message_iter_recurse(&a, &st);
			if (!read_field(&st, DBUS_TYPE_STRING, &type) ||
			    !read_field(&st, DBUS_TYPE_STRING, &address))
				continue;
			strbuf_puts(&b, address);
			strbuf_puts(&b, " (");
			strbuf_puts(&b, type);
			strbuf_puts(&b, ")");
			print_line(pr->name, strempty(b.s), value_only, f);
			strbuf_reset(&b);
		}
		strbuf_done(&b);
		return;
	} else if (is_exec_signature(&it)) {
		struct props one = { .v = (struct prop *)pr, .n = 1 };
		struct exec_info *v;
		size_t n;

		dbus_free(sig);
		if (props_exec(&one, pr->name, &v, &n) < 0)
			return;
		for (size_t i = 0; i < n; i++) {
			format_exec(&b, &v[i]);
			print_line(pr->name, strempty(b.s), value_only, f);
			strbuf_reset(&b);
		}
		if (n == 0 && show_empty)
			print_line(pr->name, "", value_only, f);
		exec_info_free(v, n);
		strbuf_done(&b);
		return;
	} else
		format_value(&b, pr->name, &it);
	dbus_free(sig);

	if (show_empty || !isempty(b.s))
		print_line(pr->name, strempty(b.s), value_only, f);
	strbuf_done(&b);
}
