/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CTL_PROPS_H
#define EMBER_CTL_PROPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <dbus/dbus.h>

/* Properties fetched with Properties.GetAll, kept as iterators into the replies. A
 * property that is missing or has an unexpected type reads as absent: the manager may be
 * older or newer than this client. */

struct prop {
	const char *name;        /* points into a reply */
	DBusMessageIter value;   /* the variant's contents */
};

struct props {
	DBusMessage **replies;
	size_t n_replies;
	struct prop *v;
	size_t n;
};

/* Appends the properties of iface at path. 0, -EIO with e set, -ENOMEM. */
int props_load(DBusConnection *c, const char *path, const char *iface, struct props *p,
	       DBusError *e);
/* Loads the Unit interface and the unit type's interface (ignoring its absence) of the
 * unit named name. 0, or -EIO with e set, -ENOMEM. */
int props_load_unit(DBusConnection *c, const char *name, struct props *p, DBusError *e);
void props_done(struct props *p);

/* The first property called name, or NULL. */
const struct prop *props_find(const struct props *p, const char *name);
/* Typed readers: the value, or NULL / false when absent or of another type. */
const char *props_string(const struct props *p, const char *name);  /* s, o, g */
bool props_uint64(const struct props *p, const char *name, uint64_t *ret);
bool props_uint32(const struct props *p, const char *name, uint32_t *ret);
bool props_int32(const struct props *p, const char *name, int32_t *ret);
bool props_bool(const struct props *p, const char *name, bool *ret);
/* A newly allocated copy of an "as" property; NULL if absent, empty or on OOM. */
char **props_strv(const struct props *p, const char *name);

/* One entry of an ExecStart=-like a(sasbttttuii) property. Strings point into the
 * reply; argv is allocated. */
struct exec_info {
	const char *path;
	char **argv;
	bool ignore_errors;
	uint64_t start_timestamp, start_monotonic, exit_timestamp, exit_monotonic;
	uint32_t pid;
	int32_t code, status;
};

/* Reads the a(sasbttttuii) property name; *ret is NULL and *n 0 if absent. 0 or
 * -ENOMEM. Free with exec_info_free(). */
int props_exec(const struct props *p, const char *name, struct exec_info **ret, size_t *n);
void exec_info_free(struct exec_info *v, size_t n);

/* Prints pr as `systemctl show` does: "Name=value" (or the bare value if value_only),
 * one line per ExecStart= entry. Empty values are skipped unless show_empty. */
void prop_print(const struct prop *pr, bool show_empty, bool value_only, FILE *f);

#endif
