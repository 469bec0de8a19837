/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <dirent.h>

#include "core/condition.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static const char *const condition_names[_CONDITION_TYPE_MAX] = {
	[CONDITION_PATH_EXISTS] = "PathExists",
	[CONDITION_PATH_EXISTS_GLOB] = "PathExistsGlob",
	[CONDITION_PATH_IS_DIRECTORY] = "PathIsDirectory",
	[CONDITION_PATH_IS_SYMBOLIC_LINK] = "PathIsSymbolicLink",
	[CONDITION_PATH_IS_MOUNT_POINT] = "PathIsMountPoint",
	[CONDITION_PATH_IS_READ_WRITE] = "PathIsReadWrite",
	[CONDITION_PATH_IS_ENCRYPTED] = "PathIsEncrypted",
	[CONDITION_DIRECTORY_NOT_EMPTY] = "DirectoryNotEmpty",
	[CONDITION_FILE_NOT_EMPTY] = "FileNotEmpty",
	[CONDITION_FILE_IS_EXECUTABLE] = "FileIsExecutable",
	[CONDITION_KERNEL_COMMAND_LINE] = "KernelCommandLine",
	[CONDITION_KERNEL_VERSION] = "KernelVersion",
	[CONDITION_VIRTUALIZATION] = "Virtualization",
	[CONDITION_SECURITY] = "Security",
	[CONDITION_CAPABILITY] = "Capability",
	[CONDITION_HOST] = "Host",
	[CONDITION_AC_POWER] = "ACPower",
	[CONDITION_ARCHITECTURE] = "Architecture",
	[CONDITION_FIRMWARE] = "Firmware",
	[CONDITION_NEEDS_UPDATE] = "NeedsUpdate",
	[CONDITION_FIRST_BOOT] = "FirstBoot",
	[CONDITION_USER] = "User",
	[CONDITION_GROUP] = "Group",
	[CONDITION_CONTROL_GROUP_CONTROLLER] = "ControlGroupController",
	[CONDITION_ENVIRONMENT] = "Environment",
	[CONDITION_CPUS] = "CPUs",
	[CONDITION_MEMORY] = "Memory",
	[CONDITION_CREDENTIAL] = "Credential",
	[CONDITION_OS_RELEASE] = "OSRelease",
};

enum condition_type
condition_type_from_string(const char *s)
{
	for (int i = 0; i < _CONDITION_TYPE_MAX; i++)
		if (streq(s, condition_names[i]))
			return i;
	return _CONDITION_TYPE_INVALID;
}

const char *
condition_type_to_string(enum condition_type t)
{
	return t >= 0 && t < _CONDITION_TYPE_MAX ? condition_names[t] : NULL;
}

int
condition_new(enum condition_type t, const char *value, struct condition **ret)
{
	struct condition *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->type = t;
	if (*value == '|') {
		c->trigger = true;
		value++;
	}
	if (*value == '!') {
		c->negate = true;
		value++;
	}
	c->parameter = strdup(value);
	if (!c->parameter) {
		free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void
condition_append(struct condition **list, struct condition *c)
{
	while (*list)
		list = &(*list)->next;
	*list = c;
}

struct condition *
condition_free_list(struct condition *c)
{
	while (c) {
		struct condition *n = c->next;
		free(c->parameter);
		free(c);
		c = n;
	}
	return NULL;
}

/* Reads a small /proc or /sys file into buf; returns false if it cannot. */
static bool
read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

static bool
test_kernel_command_line(const char *param)
{
	char buf[4096];
	_cleanup_strv_free_ char **words = NULL;
	bool has_eq = strchr(param, '=') != NULL;

	if (!read_small("/proc/cmdline", buf, sizeof(buf)))
		return false;
	words = strv_split(buf, WHITESPACE);
	STRV_FOREACH(w, words) {
		if (streq(*w, param))
			return true;
		/* "foo" also matches "foo=bar"; "foo=bar" must match exactly. */
		if (!has_eq && startswith(*w, param) && (*w)[strlen(param)] == '=')
			return true;
	}
	return false;
}

/* Which virtualization we run in, from cheap kernel-provided hints only. */
static const char *
detect_virtualization(bool *is_container)
{
	char buf[256];

	*is_container = false;
	if (access("/run/.containerenv", F_OK) == 0 || access("/.dockerenv", F_OK) == 0) {
		*is_container = true;
		return access("/.dockerenv", F_OK) == 0 ? "docker" : "podman";
	}
	if (read_small("/proc/1/environ", buf, sizeof(buf)) && strstr(buf, "container=")) {
		*is_container = true;
		return "container-other";
	}
	if (read_small("/sys/class/dmi/id/sys_vendor", buf, sizeof(buf))) {
		if (strstr(buf, "QEMU"))
			return "qemu";
		if (strstr(buf, "KVM"))
			return "kvm";
		if (strstr(buf, "VMware"))
			return "vmware";
		if (strstr(buf, "Microsoft"))
			return "microsoft";
		if (strstr(buf, "innotek") || strstr(buf, "Oracle"))
			return "oracle";
		if (strstr(buf, "Amazon EC2"))
			return "amazon";
	}
	if (read_small("/proc/cpuinfo", buf, sizeof(buf)) && strstr(buf, " hypervisor"))
		return "vm-other";
	if (access("/proc/xen", F_OK) == 0)
		return "xen";
	return NULL;
}

static bool
test_virtualization(const char *param)
{
	bool container;
	const char *v = detect_virtualization(&container);
	int b = parse_boolean(param);

	if (b >= 0)
		return (v != NULL) == b;
	if (streq(param, "vm"))
		return v && !container;
	if (streq(param, "container"))
		return container;
	return v && streq(v, param);
}

static bool
test_host(const char *param)
{
	char host[256], id[64];

	if (gethostname(host, sizeof(host)) == 0 && fnmatch(param, host, FNM_CASEFOLD) == 0)
		return true;
	if (read_small("/etc/machine-id", id, sizeof(id))) {
		strstrip(id);
		if (streq(id, param))
			return true;
	}
	return false;
}

static bool
test_user(const char *param)
{
	unsigned id;
	/* Names are compared against $USER-like data without NSS: numeric ids, "@system",
	 * or the name in /etc/passwd read directly (no blocking lookups in PID 1). */
	if (streq(param, "@system"))
		return getuid() < 1000;
	if (safe_atou(param, &id) == 0)
		return getuid() == id || geteuid() == id;
	{
		FILE *f = fopen("/etc/passwd", "re");
		char line[1024];
		bool found = false;

		if (!f)
			return false;
		while (fgets(line, sizeof(line), f)) {
			char *colon = strchr(line, ':');
			unsigned uid;
			char *p;

			if (!colon)
				continue;
			*colon = 0;
			if (!streq(line, param))
				continue;
			p = strchr(colon + 1, ':');
			if (p && sscanf(p + 1, "%u", &uid) == 1)
				found = uid == getuid() || uid == geteuid();
			break;
		}
		fclose(f);
		return found;
	}
}

static bool
test_environment(const char *param, char *const *env)
{
	bool has_eq = strchr(param, '=') != NULL;
	size_t l = strlen(param);

	STRV_FOREACH(e, env) {
		if (has_eq ? streq(*e, param) : (strneq(*e, param, l) && (*e)[l] == '='))
			return true;
	}
	return false;
}

static bool
test_path(enum condition_type t, const char *p)
{
	struct stat st, parent;

	switch (t) {
	case CONDITION_PATH_EXISTS:
		return access(p, F_OK) == 0;
	case CONDITION_PATH_EXISTS_GLOB: {
		glob_t g = { 0 };
		bool ok = glob(p, GLOB_NOSORT | GLOB_NOCHECK, NULL, &g) == 0 && g.gl_pathc > 0 &&
			  access(g.gl_pathv[0], F_OK) == 0;
		globfree(&g);
		return ok;
	}
	case CONDITION_PATH_IS_DIRECTORY:
		return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	case CONDITION_PATH_IS_SYMBOLIC_LINK:
		return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
	case CONDITION_PATH_IS_MOUNT_POINT: {
		_cleanup_free_ char *up = NULL;

		if (stat(p, &st) < 0)
			return false;
		if (streq(p, "/"))
			return true;
		if (asprintf(&up, "%s/..", p) < 0 || stat(up, &parent) < 0)
			return false;
		return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
	}
	case CONDITION_PATH_IS_READ_WRITE: {
		struct statvfs sv;
		return statvfs(p, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
	}
	case CONDITION_DIRECTORY_NOT_EMPTY: {
		DIR *d = opendir(p);
		struct dirent *de;
		bool found = false;

		if (!d)
			return false;
		while (!found && (de = readdir(d)))
			found = de->d_name[0] != '.';
		closedir(d);
		return found;
	}
	case CONDITION_FILE_NOT_EMPTY:
		return stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	case CONDITION_FILE_IS_EXECUTABLE:
		return stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
	default:
		return false;
	}
}

bool
condition_test(struct condition *c, char *const *env)
{
	bool r;

	switch (c->type) {
	case CONDITION_PATH_EXISTS ... CONDITION_PATH_IS_READ_WRITE:
	case CONDITION_DIRECTORY_NOT_EMPTY ... CONDITION_FILE_IS_EXECUTABLE:
		r = test_path(c->type, c->parameter);
		break;
	case CONDITION_PATH_IS_ENCRYPTED:
		r = false; /* no dm-crypt detection yet: conservative */
		break;
	case CONDITION_KERNEL_COMMAND_LINE:
		r = test_kernel_command_line(c->parameter);
		break;
	case CONDITION_VIRTUALIZATION:
		r = test_virtualization(c->parameter);
		break;
	case CONDITION_HOST:
		r = test_host(c->parameter);
		break;
	case CONDITION_USER:
		r = test_user(c->parameter);
		break;
	case CONDITION_ENVIRONMENT:
		r = test_environment(c->parameter, env);
		break;
	case CONDITION_FIRST_BOOT:
		r = (access("/etc/machine-id", F_OK) != 0) == (parse_boolean(c->parameter) > 0);
		break;
	case CONDITION_NEEDS_UPDATE:
		r = false; /* no /usr update tracking: never needed */
		break;
	case CONDITION_AC_POWER:
		r = parse_boolean(c->parameter) > 0; /* assume mains power */
		break;
	case CONDITION_ARCHITECTURE: {
		struct utsname u;
		r = uname(&u) == 0 && (streq(c->parameter, u.machine) ||
				       (streq(c->parameter, "x86-64") && streq(u.machine, "x86_64")));
		break;
	}
	case CONDITION_SECURITY:
		r = (streq(c->parameter, "selinux") && access("/sys/fs/selinux", F_OK) == 0) ||
		    (streq(c->parameter, "apparmor") && access("/sys/kernel/security/apparmor", F_OK) == 0);
		break;
	case CONDITION_CONTROL_GROUP_CONTROLLER:
		r = access("/sys/fs/cgroup", F_OK) == 0;
		break;
	default:
		/* Capability, Firmware, CPUs, Memory, Credential, OSRelease, KernelVersion,
		 * Group: not evaluated yet; pass (negated or not) so that units relying on
		 * them still start. */
		c->result = CONDITION_SUCCEEDED;
		return true;
	}
	r = r != c->negate;
	c->result = r ? CONDITION_SUCCEEDED : CONDITION_FAILED;
	return r;
}

bool
condition_test_list(struct condition *list, char *const *env)
{
	int triggered = -1;

	for (struct condition *c = list; c; c = c->next) {
		bool r = condition_test(c, env);

		if (!c->trigger && !r)
			return false;
		if (c->trigger && triggered <= 0)
			triggered = r;
	}
	return triggered != 0;
}
