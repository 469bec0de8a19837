/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_NAME_H
#define EMBER_UNIT_NAME_H

#include <stdbool.h>

/* Unit names and the escaping rules of systemd.unit(5) / systemd-escape(1). */

#define UNIT_NAME_MAX 255

enum unit_type {
	UNIT_SERVICE,
	UNIT_SOCKET,
	UNIT_TARGET,
	UNIT_DEVICE,
	UNIT_MOUNT,
	UNIT_AUTOMOUNT,
	UNIT_SWAP,
	UNIT_TIMER,
	UNIT_PATH,
	UNIT_SLICE,
	UNIT_SCOPE,
	_UNIT_TYPE_MAX,
	_UNIT_TYPE_INVALID = -22,
};

const char *unit_type_to_string(enum unit_type t);      /* "service", ... or NULL */
enum unit_type unit_type_from_string(const char *s);     /* or _UNIT_TYPE_INVALID */

enum {
	UNIT_NAME_PLAIN = 1 << 0,    /* foo.service */
	UNIT_NAME_TEMPLATE = 1 << 1, /* foo@.service */
	UNIT_NAME_INSTANCE = 1 << 2, /* foo@bar.service */
	UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
};

/* True if n is a valid name of one of the kinds in flags. */
bool unit_name_is_valid(const char *n, unsigned flags);
/* The type from the suffix; _UNIT_TYPE_INVALID if none. */
enum unit_type unit_name_to_type(const char *n);
/* "foo@bar.service" -> "foo" ; "foo.service" -> "foo". */
int unit_name_to_prefix(const char *n, char **ret);
/* "foo@bar.service" -> "bar" (returns 1); "foo.service" -> NULL (returns 0). */
int unit_name_to_instance(const char *n, char **ret);
/* "foo@bar.service" -> "foo@.service". -EINVAL if not an instance. */
int unit_name_template(const char *n, char **ret);
/* ("foo@.service", "bar") -> "foo@bar.service". */
int unit_name_replace_instance(const char *tmpl, const char *instance, char **ret);
/* "foo.service" -> "foo" (name without the type suffix, instance kept). */
int unit_name_without_suffix(const char *n, char **ret);
/* Appends ".service" etc. if n has no valid suffix (for emberctl start foo). */
int unit_name_mangle(const char *n, const char *default_suffix, char **ret);

/* systemd-escape: keep [a-zA-Z0-9:_.], '/' -> '-', others (and a leading '.') -> \xNN. */
int unit_name_escape(const char *s, char **ret);
int unit_name_unescape(const char *s, char **ret);
/* systemd-escape --path: "/mnt/a-b" -> "mnt-a\x2db"; "/" -> "-". */
int unit_name_path_escape(const char *path, char **ret);
int unit_name_path_unescape(const char *s, char **ret);
/* ("/home", ".mount") -> "home.mount". */
int unit_name_from_path(const char *path, const char *suffix, char **ret);

/* D-Bus object path label: bytes outside [A-Za-z0-9] (digit first too) -> _XX;
 * "" -> "_". Returns NULL on OOM. */
char *bus_label_escape(const char *s);
char *bus_label_unescape(const char *s);

#endif
