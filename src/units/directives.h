/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_DIRECTIVES_H
#define EMBER_DIRECTIVES_H

#include <stddef.h>

struct unit;

/* Where a value comes from, for messages ("file:line") and for specifier expansion. */
struct parse_ctx {
	const char *file;
	unsigned line;
	const char *section;
	const char *key;
	struct unit *unit;
};

/* Every directive parser has this shape. data points at the field (object + offset).
 * An empty value resets lists. Return 0, or -EINVAL after logging what is wrong with
 * log_syntax() (the value is then ignored), or -ENOMEM. */
typedef int (*directive_parse_fn)(const struct parse_ctx *c, const char *value, int arg,
				  void *data);

struct directive {
	const char *section;
	const char *name;
	directive_parse_fn parse;
	int arg;
	size_t offset;
};

/* Generic parsers, usable by every type's table. */
int parse_string(const struct parse_ctx *c, const char *v, int arg, void *data);     /* char *, specifiers expanded */
int parse_string_raw(const struct parse_ctx *c, const char *v, int arg, void *data); /* char *, verbatim */
int parse_path(const struct parse_ctx *c, const char *v, int arg, void *data);       /* absolute path */
int parse_strv(const struct parse_ctx *c, const char *v, int arg, void *data);       /* char **, words, quoted */
int parse_bool(const struct parse_ctx *c, const char *v, int arg, void *data);       /* bool */
int parse_tristate(const struct parse_ctx *c, const char *v, int arg, void *data);   /* int: -1 unset */
int parse_int(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_unsigned(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_usec(const struct parse_ctx *c, const char *v, int arg, void *data);       /* usec_t; "infinity" and "0" = infinity when arg=1 */
int parse_mode(const struct parse_ctx *c, const char *v, int arg, void *data);       /* mode_t octal */
int parse_ignore(const struct parse_ctx *c, const char *v, int arg, void *data);     /* accepted, no effect */
/* Fails the unit's load with a clear message, for directives whose absence would make
 * the service less safe than its author asked (arg unused). */
int parse_unsupported_strict(const struct parse_ctx *c, const char *v, int arg, void *data);

/* Expands the %-specifiers of v for the unit being parsed (a copy if c->unit is NULL).
 * An unknown specifier is logged with file:line and gives -EINVAL. */
int directive_expand(const struct parse_ctx *c, const char *v, char **ret);

/* The [Unit] section, shared by every type (offsets from struct unit). */
extern const struct directive unit_directives[];

/* Looks up section.key among the tables that apply to u (unit, type, exec, kill) and
 * calls its parser. Unknown keys warn with file:line. */
int directive_apply(struct unit *u, const char *file, unsigned line, const char *section,
		    const char *key, const char *value);

/* Frees the per-type lookup tables built by directive_apply (at manager exit). */
void directive_tables_free(void);

#endif
