/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

bool
fstype_is_network(const char *fstype)
{
	static const char *const net[] = {
		"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "ncpfs", "ncp", "afs", "ceph",
		"glusterfs", "pvfs2", "ocfs2", "gfs", "gfs2", "davfs", "9p",
	};

	for (size_t i = 0; fstype && i < sizeof(net) / sizeof(net[0]); i++)
		if (strcmp(fstype, net[i]) == 0)
			return true;
	return false;
}

void
path_unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else
			*w++ = *r;
	}
	*w = 0;
}

/* The next space-separated field; NULL at the end of the line. */
static char *
next_field(char **p)
{
	char *s = *p, *e;

	while (*s == ' ')
		s++;
	if (!*s || *s == '\n')
		return NULL;
	e = s + strcspn(s, " \n");
	if (*e)
		*e++ = 0;
	*p = e;
	return s;
}

int
mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
	char *p = line, *f[6], *sep;

	/* mount ID, parent ID, major:minor, root, mount point, mount options */
	for (int i = 0; i < 6; i++)
		if (!(f[i] = next_field(&p)))
			return -EINVAL;
	/* Optional fields, up to the lone "-". */
	do
		sep = next_field(&p);
	while (sep && strcmp(sep, "-") != 0);
	if (!sep)
		return -EINVAL;
	e->where = f[4];
	e->mount_options = f[5];
	e->fstype = next_field(&p);
	e->source = next_field(&p);
	e->super_options = next_field(&p);
	if (!e->fstype || !e->source || !e->super_options)
		return -EINVAL;
	path_unescape_octal(e->where);
	path_unescape_octal(e->source);
	return 0;
}

/* Calls fn for each item of a comma-separated option list; stops when it returns true. */
static bool
each_option(const char *options, bool (*fn)(const char *item, size_t len, void *data),
	    void *data)
{
	for (const char *p = options; p && *p;) {
		size_t len = strcspn(p, ",");

		if (fn(p, len, data))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool
item_is(const char *item, size_t len, void *data)
{
	const char *name = data;

	return len == strlen(name) && strncmp(item, name, len) == 0;
}

bool
mount_option_is_set(const char *options, const char *name)
{
	return each_option(options, item_is, (void *)name);
}

struct collect {
	const char *name;
	char **values;
	size_t n;
	bool oom;
};

static bool
item_value(const char *item, size_t len, void *data)
{
	struct collect *c = data;
	size_t n = strlen(c->name);
	char **l, *v;

	if (len <= n || strncmp(item, c->name, n) != 0 || item[n] != '=')
		return false;
	v = strndup(item + n + 1, len - n - 1);
	l = v ? realloc(c->values, (c->n + 2) * sizeof(*l)) : NULL;
	if (!l) {
		free(v);
		c->oom = true;
		return true;
	}
	c->values = l;
	c->values[c->n++] = v;
	c->values[c->n] = NULL;
	return false;
}

int
mount_option_values(const char *options, const char *name, char ***ret)
{
	struct collect c = { .name = name };

	each_option(options, item_value, &c);
	if (c.oom) {
		for (size_t i = 0; i < c.n; i++)
			free(c.values[i]);
		free(c.values);
		return -ENOMEM;
	}
	*ret = c.values;
	return (int)c.n;
}
