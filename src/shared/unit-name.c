/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "string-util.h"
#include "unit-name.h"

static const char *const unit_type_names[_UNIT_TYPE_MAX] = {
	[UNIT_SERVICE] = "service", [UNIT_SOCKET] = "socket",
	[UNIT_TARGET] = "target",   [UNIT_DEVICE] = "device",
	[UNIT_MOUNT] = "mount",     [UNIT_AUTOMOUNT] = "automount",
	[UNIT_SWAP] = "swap",       [UNIT_TIMER] = "timer",
	[UNIT_PATH] = "path",       [UNIT_SLICE] = "slice",
	[UNIT_SCOPE] = "scope",
};

static const char hexchars[] = "0123456789abcdef";

const char *
unit_type_to_string(enum unit_type t)
{
	if ((int)t < 0 || t >= _UNIT_TYPE_MAX)
		return NULL;
	return unit_type_names[t];
}

enum unit_type
unit_type_from_string(const char *s)
{
	if (!s)
		return _UNIT_TYPE_INVALID;
	for (int t = 0; t < _UNIT_TYPE_MAX; t++)
		if (streq(s, unit_type_names[t]))
			return (enum unit_type)t;
	return _UNIT_TYPE_INVALID;
}

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_name_char(char c)
{
	return is_alnum(c) || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\';
}

static int
unhex(char c)
{
	const char *f;

	if (c >= 'A' && c <= 'F')
		c = (char)(c - 'A' + 'a');
	f = c ? strchr(hexchars, c) : NULL;
	return f ? (int)(f - hexchars) : -EINVAL;
}

/* Splits a name into its parts without validating it: *at is the first '@' (or NULL),
 * *dot the '.' that starts the type suffix (or NULL). */
static void
split_name(const char *n, const char **at, const char **dot)
{
	*dot = strrchr(n, '.');
	*at = strchr(n, '@');
	if (*at && *dot && *at > *dot)
		*at = NULL;
}

bool
unit_name_is_valid(const char *n, unsigned flags)
{
	const char *at, *dot, *end;

	if (isempty(n) || strlen(n) > UNIT_NAME_MAX)
		return false;
	split_name(n, &at, &dot);
	if (!dot || unit_type_from_string(dot + 1) < 0)
		return false;
	end = at ? at : dot;
	if (end == n)
		return false;
	for (const char *c = n; c < end; c++)
		if (!is_name_char(*c))
			return false;
	if (!at)
		return flags & UNIT_NAME_PLAIN;
	if (at + 1 == dot)
		return flags & UNIT_NAME_TEMPLATE;
	for (const char *c = at + 1; c < dot; c++)
		if (!is_name_char(*c) && *c != '@')
			return false;
	return flags & UNIT_NAME_INSTANCE;
}

enum unit_type
unit_name_to_type(const char *n)
{
	const char *dot;

	if (!n)
		return _UNIT_TYPE_INVALID;
	dot = strrchr(n, '.');
	return dot ? unit_type_from_string(dot + 1) : _UNIT_TYPE_INVALID;
}

int
unit_name_to_prefix(const char *n, char **ret)
{
	const char *at, *dot;
	char *s;

	if (!unit_name_is_valid(n, UNIT_NAME_ANY))
		return -EINVAL;
	split_name(n, &at, &dot);
	s = strndup(n, (size_t)((at ? at : dot) - n));
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int
unit_name_to_instance(const char *n, char **ret)
{
	const char *at, *dot;
	char *s;

	if (!unit_name_is_valid(n, UNIT_NAME_ANY))
		return -EINVAL;
	split_name(n, &at, &dot);
	if (!at) {
		*ret = NULL;
		return 0;
	}
	s = strndup(at + 1, (size_t)(dot - at - 1));
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 1;
}

/* Accepts a template as well as an instance: the template of a template is itself. */
int
unit_name_template(const char *n, char **ret)
{
	const char *at, *dot;
	char *s;

	if (!unit_name_is_valid(n, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE))
		return -EINVAL;
	split_name(n, &at, &dot);
	s = malloc((size_t)(at - n) + 1 + strlen(dot) + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, n, (size_t)(at - n) + 1);
	strcpy(s + (at - n) + 1, dot);
	*ret = s;
	return 0;
}

int
unit_name_replace_instance(const char *tmpl, const char *instance, char **ret)
{
	const char *at, *dot;
	char *s;

	if (!unit_name_is_valid(tmpl, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE) || !instance)
		return -EINVAL;
	split_name(tmpl, &at, &dot);
	s = malloc((size_t)(at - tmpl) + 1 + strlen(instance) + strlen(dot) + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, tmpl, (size_t)(at - tmpl) + 1);
	strcpy(stpcpy(s + (at - tmpl) + 1, instance), dot);
	if (!unit_name_is_valid(s, UNIT_NAME_INSTANCE)) {
		free(s);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

int
unit_name_without_suffix(const char *n, char **ret)
{
	const char *dot;
	char *s;

	if (!unit_name_is_valid(n, UNIT_NAME_ANY))
		return -EINVAL;
	dot = strrchr(n, '.');
	s = strndup(n, (size_t)(dot - n));
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static int
put_hex_escape(struct strbuf *b, char c)
{
	char esc[4] = { '\\', 'x', hexchars[(unsigned char)c >> 4], hexchars[(unsigned char)c & 15] };

	return strbuf_append(b, esc, sizeof(esc));
}

/* Escapes s as unit_name_escape() does, except that keep_extra names characters that
 * are kept as they are (unit_name_mangle() keeps '-', '@' and '\'), and '/' becomes
 * '-' only if slash_to_dash. */
static int
escape_into(struct strbuf *b, const char *s, const char *keep_extra, bool slash_to_dash)
{
	for (const char *c = s; *c; c++) {
		int r;

		if (*c == '/' && slash_to_dash)
			r = strbuf_putc(b, '-');
		else if ((c == s && *c == '.') ||
			 !(is_alnum(*c) || strchr(":_.", *c) || (keep_extra && strchr(keep_extra, *c))))
			r = put_hex_escape(b, *c);
		else
			r = strbuf_putc(b, *c);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
finish(struct strbuf *b, int r, char **ret)
{
	if (r < 0) {
		strbuf_done(b);
		return r;
	}
	*ret = strbuf_steal(b);
	return *ret ? 0 : -ENOMEM;
}

int
unit_name_escape(const char *s, char **ret)
{
	struct strbuf b = { 0 };

	if (!s)
		return -EINVAL;
	return finish(&b, escape_into(&b, s, NULL, true), ret);
}

int
unit_name_unescape(const char *s, char **ret)
{
	struct strbuf b = { 0 };
	int r = 0;

	if (!s)
		return -EINVAL;
	for (const char *c = s; *c; c++) {
		if (*c == '-') {
			r = strbuf_putc(&b, '/');
		} else if (*c == '\\') {
			int hi, lo;

			if (c[1] != 'x' || (hi = unhex(c[2])) < 0 || (lo = unhex(c[3])) < 0 ||
			    (hi | lo) == 0) {
				r = -EINVAL;
				break;
			}
			r = strbuf_putc(&b, (char)(hi << 4 | lo));
			c += 3;
		} else {
			r = strbuf_putc(&b, *c);
		}
		if (r < 0)
			break;
	}
	return finish(&b, r, ret);
}

int
unit_name_path_escape(const char *path, char **ret)
{
	struct strbuf norm = { 0 };
	const char *p;
	int r = 0;

	if (!path)
		return -EINVAL;
	/* Normalise first: drop empty and "." components, so "//a/./b/" is "a/b". ".."
	 * cannot be normalised without the file system, and would not round-trip. */
	for (p = path; *p && r >= 0;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && strneq(p, "..", 2)) {
			r = -EINVAL;
			break;
		}
		if (norm.len > 0)
			r = strbuf_putc(&norm, '/');
		if (r >= 0)
			r = strbuf_append(&norm, p, n);
		p += n;
	}
	if (r < 0) {
		strbuf_done(&norm);
		return r;
	}
	if (norm.len == 0) {
		strbuf_done(&norm);
		*ret = strdup("-");
		return *ret ? 0 : -ENOMEM;
	}
	r = unit_name_escape(norm.s, ret);
	strbuf_done(&norm);
	return r;
}

int
unit_name_path_unescape(const char *s, char **ret)
{
	char *u, *p;
	int r;

	if (isempty(s))
		return -EINVAL;
	if (streq(s, "-")) {
		*ret = strdup("/");
		return *ret ? 0 : -ENOMEM;
	}
	r = unit_name_unescape(s, &u);
	if (r < 0)
		return r;
	/* Only what unit_name_path_escape() can produce is accepted, so that the mapping
	 * stays one-to-one. */
	if (u[0] == '/' || endswith(u, "/") || strstr(u, "//") || streq(u, ".") ||
	    streq(u, "..") || startswith(u, "./") || startswith(u, "../") ||
	    strstr(u, "/./") || strstr(u, "/../") || endswith(u, "/.") || endswith(u, "/..")) {
		free(u);
		return -EINVAL;
	}
	p = strjoin("/", u);
	free(u);
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

int
unit_name_from_path(const char *path, const char *suffix, char **ret)
{
	char *e, *n;

	if (!suffix || suffix[0] != '.' || unit_type_from_string(suffix + 1) < 0)
		return -EINVAL;
	if (unit_name_path_escape(path, &e) < 0)
		return -EINVAL;
	n = strjoin(e, suffix);
	free(e);
	if (!n)
		return -ENOMEM;
	if (strlen(n) > UNIT_NAME_MAX) {
		free(n);
		return -ENAMETOOLONG;
	}
	if (!unit_name_is_valid(n, UNIT_NAME_PLAIN)) {
		free(n);
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

int
unit_name_mangle(const char *n, const char *default_suffix, char **ret)
{
	struct strbuf b = { 0 };
	char *s;
	int r;

	if (isempty(n) || !default_suffix || default_suffix[0] != '.' ||
	    unit_type_from_string(default_suffix + 1) < 0)
		return -EINVAL;
	if (unit_name_is_valid(n, UNIT_NAME_ANY)) {
		s = strdup(n);
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	/* "emberctl status /home" means the mount unit, "/dev/sda" the device. */
	if (n[0] == '/')
		return unit_name_from_path(n, startswith(n, "/dev/") ? ".device" : ".mount", ret);

	r = escape_into(&b, n, "-@\\", false);
	if (r >= 0 && unit_name_to_type(b.s) < 0)
		r = strbuf_puts(&b, default_suffix);
	r = finish(&b, r, &s);
	if (r < 0)
		return r;
	if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
		free(s);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

char *
bus_label_escape(const char *s)
{
	struct strbuf b = { 0 };

	if (!s)
		return NULL;
	if (!*s)
		return strdup("_");
	for (const char *c = s; *c; c++) {
		int r;

		if (is_alnum(*c) && !(c == s && *c >= '0' && *c <= '9')) {
			r = strbuf_putc(&b, *c);
		} else {
			char esc[3] = { '_', hexchars[(unsigned char)*c >> 4],
					hexchars[(unsigned char)*c & 15] };

			r = strbuf_append(&b, esc, sizeof(esc));
		}
		if (r < 0) {
			strbuf_done(&b);
			return NULL;
		}
	}
	return strbuf_steal(&b);
}

char *
bus_label_unescape(const char *s)
{
	struct strbuf b = { 0 };

	if (!s)
		return NULL;
	if (streq(s, "_"))
		return strdup("");
	for (const char *c = s; *c; c++) {
		int hi, lo, r;

		/* A '_' not followed by a valid non-zero byte is kept as it is. */
		if (*c == '_' && (hi = unhex(c[1])) >= 0 && (lo = unhex(c[2])) >= 0 &&
		    (hi | lo) != 0) {
			r = strbuf_putc(&b, (char)(hi << 4 | lo));
			c += 2;
		} else {
			r = strbuf_putc(&b, *c);
		}
		if (r < 0) {
			strbuf_done(&b);
			return NULL;
		}
	}
	return strbuf_steal(&b);
}
