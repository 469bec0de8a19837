/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_MOUNTINFO_H
#define EMBER_MOUNTINFO_H

#include <stdbool.h>

/* One line of /proc/self/mountinfo (proc(5)):
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * The fields point into the line, which is split and decoded in place (the kernel writes
 * space, tab, newline and backslash in paths as \040-style octal escapes). */
struct mountinfo_entry {
	char *where;          /* mount point */
	char *mount_options;  /* per-mount options ("rw,noatime") */
	char *fstype;
	char *source;         /* "/dev/sda1", "tmpfs", "none", ... */
	char *super_options;  /* per-superblock options */
};

/* Decodes the \ooo escapes of mountinfo and fstab in place ("\040" is a space). */
void path_unescape_octal(char *s);

/* nfs, cifs, ...: file systems that wait for the network (remote-fs.target). */
bool fstype_is_network(const char *fstype);

/* Comma-separated mount options ("ro,x-systemd.automount,pri=5"): is the word name in
 * the list? */
bool mount_option_is_set(const char *options, const char *name);
/* The values of every name=VALUE item, in order, as a NULL-terminated list (NULL when
 * there is none). Returns how many, or -ENOMEM. */
int mount_option_values(const char *options, const char *name, char ***ret);

/* Returns 0, or -EINVAL for a line that is not a mountinfo line. */
int mountinfo_parse_line(char *line, struct mountinfo_entry *e);

#endif
