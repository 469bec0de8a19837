/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/fstab as units (ember-fstab(5)). One line:
 *
 *   what  where  type  options  [freq  [passno]]
 *
 * becomes WHERE.mount (or WHAT.swap for type "swap"), pulled in by local-fs.target,
 * remote-fs.target or swap.target (Requires=, or Wants= with nofail; nothing with noauto),
 * with x-systemd.* options turned into unit settings, an .automount instead for
 * x-systemd.automount, a file system check before the mount for a non-zero pass number,
 * and the device's job time-out as a drop-in of the device unit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "mountinfo.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"
#include "unit-name.h"
#include "units/fstab-generator.h"

struct fstab_entry {
	const char *file;
	unsigned line;
	char *what, *where, *fstype, *options;
	int passno;
};

/* Removes what an earlier run generated (the folder is the generator's alone). */
static void
clear_dir(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno != EISDIR)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub >= 0)
			clear_dir(sub);
		(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* The value of option name= in a comma-separated list (a copy), or NULL. With several,
 * the last one counts. */
static char *
option_value(const char *options, const char *name)
{
	size_t n = strlen(name);
	char *value = NULL;

	for (const char *p = options; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			free(value);
			value = strndup(p + n + 1, len - n - 1);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return value;
}

/* All values of a repeatable option. */
static char **
option_values(const char *options, const char *name)
{
	size_t n = strlen(name);
	char **values = NULL;

	for (const char *p = options; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			char *v = strndup(p + n + 1, len - n - 1);

			if (!v || strv_consume(&values, v) < 0)
				return strv_free(values);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return values;
}

static bool
option_set(const char *options, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = options; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* dir + value as udev names its links: characters outside a safe set become \xHH
 * ("my disk" is by-label/my\x20disk). */
static char *
udev_link(const char *dir, const char *value)
{
	struct strbuf b = { 0 };
	int r = strbuf_puts(&b, dir);

	for (const unsigned char *p = (const unsigned char *)value; r >= 0 && *p; p++) {
		char hex[5];

		if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    strchr("#+-.:=@_", *p) || *p >= 0x80)
			r = strbuf_putc(&b, (char)*p);
		else {
			snprintf(hex, sizeof(hex), "\\x%02x", *p);
			r = strbuf_puts(&b, hex);
		}
	}
	if (r < 0) {
		strbuf_done(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

/* LABEL=, UUID=, PARTUUID=, PARTLABEL= name the device by its udev link. */
static char *
resolve_what(const char *what)
{
	static const struct { const char *tag, *dir; } tags[] = {
		{ "LABEL=", "/dev/disk/by-label/" }, { "UUID=", "/dev/disk/by-uuid/" },
		{ "PARTUUID=", "/dev/disk/by-partuuid/" }, { "PARTLABEL=", "/dev/disk/by-partlabel/" },
	};

	for (size_t i = 0; i < ELEMENTSOF(tags); i++)
		if (strncmp(what, tags[i].tag, strlen(tags[i].tag)) == 0)
			return udev_link(tags[i].dir, what + strlen(tags[i].tag));
	return strdup(what);
}

/* '%' starts a specifier in unit files. */
static void
put_value(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	for (const char *p = value; *p; p++)
		fputs(*p == '%' ? "%%" : (char[]){ *p, 0 }, f);
	fputc('\n', f);
}

static int
write_file(const char *dir, const char *name, const char *content)
{
	_cleanup_free_ char *path = strjoin(dir, "/", name);
	FILE *f;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fputs(content, f);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/* dir/TARGET.requires/NAME (or .wants) -> ../NAME */
static int
link_into(const char *dir, const char *target, const char *kind, const char *name)
{
	_cleanup_free_ char *d = strjoin(dir, "/", target, kind);
	_cleanup_free_ char *link = NULL, *dest = strjoin("../", name);
	int r;

	if (!d || !dest || !(link = strjoin(d, "/", name)))
		return -ENOMEM;
	r = mkdir_p(d, 0755);
	if (r < 0)
		return r;
	if (symlink(dest, link) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static bool
is_network(const struct fstab_entry *e)
{
	return option_set(e->options, "_netdev") || fstype_is_network(e->fstype);
}

/* Drop-in giving the device unit of a /dev path its job time-out. */
static int
write_device_timeout(const char *dir, const struct fstab_entry *e, const char *what,
		     const char *timeout)
{
	_cleanup_free_ char *name = NULL, *d = NULL, *content = NULL;
	usec_t t;
	int r;

	if (strncmp(what, "/dev/", 5) != 0)
		return 0;
	if (parse_sec(timeout, &t) < 0) {
		log_warning("%s:%u: x-systemd.device-timeout=%s is not a time span, ignoring.",
			    e->file, e->line, timeout);
		return 0;
	}
	r = unit_name_from_path(what, ".device", &name);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	d = strjoin(dir, "/", name, ".d");
	if (!d || asprintf(&content, "# Generated by ember from fstab\n[Unit]\n"
			   "JobRunningTimeoutSec=%s\n", timeout) < 0)
		return -ENOMEM;
	r = mkdir_p(d, 0755);
	if (r < 0)
		return r;
	return write_file(d, "50-device-timeout.conf", content);
}

/* Requires=+After= from x-systemd.requires= (a unit, or a path whose mount is meant),
 * After=/Before= from x-systemd.after=/before=. */
static int
write_ordering(FILE *f, const struct fstab_entry *e)
{
	_cleanup_strv_free_ char **requires = option_values(e->options, "x-systemd.requires");
	_cleanup_strv_free_ char **after = option_values(e->options, "x-systemd.after");
	_cleanup_strv_free_ char **before = option_values(e->options, "x-systemd.before");

	STRV_FOREACH(r, requires) {
		_cleanup_free_ char *name = NULL;

		if ((*r)[0] == '/' &&
		    unit_name_from_path(*r, strncmp(*r, "/dev/", 5) == 0 ? ".device" : ".mount",
					&name) < 0)
			continue;
		put_value(f, "Requires", name ? name : *r);
		put_value(f, "After", name ? name : *r);
	}
	STRV_FOREACH(a, after)
		put_value(f, "After", *a);
	STRV_FOREACH(b, before)
		put_value(f, "Before", *b);
	return 0;
}

static int
write_mount(const char *dir, const struct fstab_entry *e, const char *name, const char *what)
{
	_cleanup_free_ char *path = strjoin(dir, "/", name), *fsck = NULL, *escaped = NULL;
	_cleanup_free_ char *timeout = option_value(e->options, "x-systemd.mount-timeout");
	FILE *f;

	if (!path)
		return -ENOMEM;
	/* The check runs once per device, before the first mount of it. */
	if (e->passno > 0 && strncmp(what, "/dev/", 5) == 0 && !is_network(e)) {
		if (unit_name_path_escape(what, &escaped) < 0 ||
		    asprintf(&fsck, "systemd-fsck@%s.service", escaped) < 0)
			return -ENOMEM;
	}
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# Generated by ember from %s, line %u\n[Unit]\n", e->file, e->line);
	put_value(f, "SourcePath", e->file);
	fputs("Documentation=man:fstab(5) man:ember-fstab(5)\n", f);
	if (fsck) {
		put_value(f, "Requires", fsck);
		put_value(f, "After", fsck);
	}
	write_ordering(f, e);
	fputs("\n[Mount]\n", f);
	put_value(f, "What", what);
	put_value(f, "Where", e->where);
	if (!streq(e->fstype, "auto"))
		put_value(f, "Type", e->fstype);
	if (!isempty(e->options) && !streq(e->options, "defaults"))
		put_value(f, "Options", e->options);
	if (timeout)
		put_value(f, "TimeoutSec", timeout);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

static int
write_automount(const char *dir, const struct fstab_entry *e, const char *name)
{
	_cleanup_free_ char *path = strjoin(dir, "/", name);
	_cleanup_free_ char *idle = option_value(e->options, "x-systemd.idle-timeout");
	FILE *f;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# Generated by ember from %s, line %u\n[Unit]\n", e->file, e->line);
	put_value(f, "SourcePath", e->file);
	fputs("Documentation=man:fstab(5) man:ember-fstab(5)\n", f);
	write_ordering(f, e);
	fputs("\n[Automount]\n", f);
	put_value(f, "Where", e->where);
	if (idle)
		put_value(f, "TimeoutIdleSec", idle);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

static int
write_swap(const char *dir, const struct fstab_entry *e, const char *what)
{
	_cleanup_free_ char *name = NULL, *path = NULL;
	FILE *f;
	int r;

	r = unit_name_from_path(what, ".swap", &name);
	if (r < 0) {
		log_warning("%s:%u: cannot name a swap unit after %s, ignoring.", e->file, e->line,
			    what);
		return r == -ENOMEM ? r : 0;
	}
	path = strjoin(dir, "/", name);
	if (!path)
		return -ENOMEM;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# Generated by ember from %s, line %u\n[Unit]\n", e->file, e->line);
	put_value(f, "SourcePath", e->file);
	fputs("Documentation=man:fstab(5) man:ember-fstab(5)\n", f);
	write_ordering(f, e);
	fputs("\n[Swap]\n", f);
	put_value(f, "What", what);
	if (!isempty(e->options) && !streq(e->options, "defaults") && !streq(e->options, "sw"))
		put_value(f, "Options", e->options);
	if (fclose(f) != 0)
		return -errno;
	if (option_set(e->options, "noauto"))
		return 0;
	return link_into(dir, "swap.target", option_set(e->options, "nofail") ? ".wants" :
			 ".requires", name);
}

static int
generate_entry(const char *dir, const struct fstab_entry *e)
{
	_cleanup_free_ char *what = resolve_what(e->what), *name = NULL, *auto_name = NULL;
	_cleanup_free_ char *unit_path = NULL;
	_cleanup_free_ char *device_timeout = option_value(e->options, "x-systemd.device-timeout");
	const char *target = is_network(e) ? "remote-fs.target" : "local-fs.target";
	const char *kind = option_set(e->options, "nofail") ? ".wants" : ".requires";
	bool automount = option_set(e->options, "x-systemd.automount") ||
			 option_set(e->options, "comment=systemd.automount");
	int r;

	if (!what)
		return -ENOMEM;
	if (device_timeout) {
		r = write_device_timeout(dir, e, what, device_timeout);
		if (r < 0)
			return r;
	}
	if (streq(e->fstype, "swap"))
		return write_swap(dir, e, what);
	if (e->where[0] != '/') {
		log_warning("%s:%u: mount point '%s' is not an absolute path, ignoring the line.",
			    e->file, e->line, e->where);
		return 0;
	}
	/* The root and /usr are mounted before the manager runs. */
	if (streq(e->where, "/") || streq(e->where, "/usr"))
		return 0;
	if (option_set(e->options, "x-systemd.makefs") || option_set(e->options, "x-systemd.growfs"))
		log_warning("%s:%u: x-systemd.makefs and x-systemd.growfs are not supported; "
			    "mounting %s as it is.", e->file, e->line, e->where);
	r = unit_name_from_path(e->where, ".mount", &name);
	if (r < 0) {
		log_warning("%s:%u: cannot name a mount unit after %s, ignoring the line.", e->file,
			    e->line, e->where);
		return r == -ENOMEM ? r : 0;
	}
	unit_path = strjoin(dir, "/", name);
	if (!unit_path)
		return -ENOMEM;
	if (access(unit_path, F_OK) == 0) {
		log_warning("%s:%u: %s is mounted by an earlier line already, ignoring this one.",
			    e->file, e->line, e->where);
		return 0;
	}
	r = write_mount(dir, e, name, what);
	if (r < 0)
		return r;
	if (automount) {
		r = unit_name_from_path(e->where, ".automount", &auto_name);
		if (r >= 0)
			r = write_automount(dir, e, auto_name);
		if (r < 0)
			return r;
	}
	/* noauto keeps the mount itself from boot; an automount in front of it still goes. */
	if (option_set(e->options, "noauto") && !automount)
		return 0;
	return link_into(dir, target, kind, automount ? auto_name : name);
}

/* Splits one fstab line into its fields (in place). 1 for an entry, 0 for a blank or
 * comment line, -EINVAL for a malformed one. */
static int
parse_line(char *line, struct fstab_entry *e)
{
	char *f[6] = { NULL };
	int n = 0;

	for (char *p = strtok(line, " \t\n"); p && n < 6; p = strtok(NULL, " \t\n"))
		f[n++] = p;
	if (n == 0 || f[0][0] == '#')
		return 0;
	if (n < 3)
		return -EINVAL;
	for (int i = 0; i < 4 && f[i]; i++)
		path_unescape_octal(f[i]);
	e->what = f[0];
	e->where = f[1];
	e->fstype = f[2];
	e->options = f[3] ? f[3] : "defaults";
	e->passno = 0;
	if (f[5] && safe_atoi(f[5], &e->passno) < 0)
		return -EINVAL;
	return 1;
}

int
fstab_generate(const char *fstab, const char *dir)
{
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	unsigned n = 0;
	FILE *f;
	int dfd, r;

	r = mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	clear_dir(dfd);
	f = fopen(fstab, "re");
	if (!f) {
		if (errno != ENOENT)
			log_error_errno(errno, "Cannot read %s; no units for it: %m", fstab);
		return 0;
	}
	while (getline(&line, &size, f) > 0) {
		struct fstab_entry e = { .file = fstab, .line = ++n };

		r = parse_line(line, &e);
		if (r < 0) {
			log_warning("%s:%u: not an fstab line (what where type [options [freq "
				    "[passno]]]), ignoring.", fstab, n);
			continue;
		}
		if (r == 0 || streq(e.fstype, "ignore"))
			continue;
		r = generate_entry(dir, &e);
		if (r == -ENOMEM) {
			fclose(f);
			return r;
		}
		if (r < 0)
			log_warning_errno(r, "%s:%u: cannot write units for %s: %m", fstab, n,
					  e.where);
	}
	fclose(f);
	return 0;
}
