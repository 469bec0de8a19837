/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
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
