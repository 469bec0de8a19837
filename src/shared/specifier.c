/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "macro.h"
#include "fileio.h"
#include "specifier.h"
#include "string-util.h"
#include "unit-name.h"

/* Everything here may run in PID 1 while a unit file loads: lookups are file reads and
 * syscalls that cannot block on the network. NSS is only asked for a non-root user (a
 * user manager), and root's values are fixed, as systemd.unit(5) documents. */

#define ID128_STRING_MAX 33

static int
put_str(struct strbuf *out, const char *s)
{
	return strbuf_puts(out, strempty(s));
}

static int
put_owned(struct strbuf *out, char *s)
{
	int r = put_str(out, s);

	free(s);
	return r;
}

/* Reads a small file (an ID, os-release) into a new string; -errno on failure. The
 * limit only protects against being pointed at something huge; real files are tiny. */
static int
read_small_file(const char *path, size_t limit, char **ret)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = read_full_fd(fd, limit, ret, NULL);
	close(fd);
	return r;
}

/* Reads a 128-bit ID as 32 lower-case hex digits, dropping the dashes that boot_id
 * has. Fails (and caches nothing) if the file is missing or malformed, so an
 * /etc/machine-id that is written later in boot is still picked up. */
static int
read_id128(const char *path, char id[ID128_STRING_MAX])
{
	char *text, tmp[ID128_STRING_MAX];
	size_t n = 0;
	int r;

	r = read_small_file(path, 4096, &text);
	if (r < 0)
		return r;
	for (const char *c = text; *c && *c != '\n'; c++) {
		if (*c == '-')
			continue;
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')) || n >= 32) {
			free(text);
			return -EINVAL;
		}
		tmp[n++] = *c;
	}
	free(text);
	if (n != 32)
		return -EINVAL;
	tmp[n] = 0;
	memcpy(id, tmp, sizeof(tmp));
	return 0;
}

static int
put_cached_id(struct strbuf *out, const char *path, char cache[ID128_STRING_MAX])
{
	if (!cache[0])
		(void)read_id128(path, cache);
	return put_str(out, cache);
}

static int
put_machine_id(struct strbuf *out)
{
	static char machine_id[ID128_STRING_MAX];

	return put_cached_id(out, "/etc/machine-id", machine_id);
}

static int
put_boot_id(struct strbuf *out)
{
	static char boot_id[ID128_STRING_MAX];

	return put_cached_id(out, "/proc/sys/kernel/random/boot_id", boot_id);
}

enum os_field { OS_ID, OS_VERSION_ID, OS_VARIANT_ID, OS_IMAGE_ID, OS_IMAGE_VERSION, OS_BUILD_ID,
		_OS_FIELD_MAX };

static const char *const os_field_keys[_OS_FIELD_MAX] = {
	[OS_ID] = "ID",
	[OS_VERSION_ID] = "VERSION_ID",
	[OS_VARIANT_ID] = "VARIANT_ID",
	[OS_IMAGE_ID] = "IMAGE_ID",
	[OS_IMAGE_VERSION] = "IMAGE_VERSION",
	[OS_BUILD_ID] = "BUILD_ID",
};

/* os-release is read once; the strings live as long as the process. */
static struct {
	bool loaded;
	char *field[_OS_FIELD_MAX];
} os_release;

static int
os_release_parse(char *text, char *field[_OS_FIELD_MAX])
{
	for (char *line = text, *next; line; line = next) {
		char *eq, *val;
		const char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (int i = 0; i < _OS_FIELD_MAX; i++) {
			int r;

			if (!streq(strstrip(line), os_field_keys[i]))
				continue;
			/* Values are shell words: ID="debian" and ID=debian mean the same. */
			p = strstrip(eq + 1);
			r = extract_word(&p, &val, "", EXTRACT_UNQUOTE | EXTRACT_RELAX);
			if (r < 0)
				return r;
			free(field[i]);
			field[i] = val;
			break;
		}
	}
	return 0;
}

static int
os_release_load(void)
{
	char *field[_OS_FIELD_MAX] = { 0 };
	char *text;
	int r;

	if (os_release.loaded)
		return 0;
	r = read_small_file("/etc/os-release", 65536, &text);
	if (r == -ENOENT)
		r = read_small_file("/usr/lib/os-release", 65536, &text);
	if (r < 0)
		return r;
	r = os_release_parse(text, field);
	free(text);
	if (r < 0) {
		for (int i = 0; i < _OS_FIELD_MAX; i++)
			free(field[i]);
		return r;
	}
	memcpy(os_release.field, field, sizeof(field));
	os_release.loaded = true;
	return 0;
}

static int
put_os_field(struct strbuf *out, enum os_field f)
{
	int r = os_release_load();

	/* No os-release is not an error: the field is simply unset. */
	if (r == -ENOMEM)
		return r;
	return put_str(out, os_release.loaded ? os_release.field[f] : NULL);
}

/* The architecture names of ConditionArchitecture=, from uname's machine field. */
static const char *
arch_name(const char *machine)
{
	static const struct {
		const char *uname;
		const char *arch;
		bool prefix;
	} map[] = {
		{ "x86_64", "x86-64", false },    { "i386", "x86", false },
		{ "i486", "x86", false },         { "i586", "x86", false },
		{ "i686", "x86", false },         { "aarch64_be", "arm64-be", false },
		{ "aarch64", "arm64", false },    { "armv8b", "arm-be", false },
		{ "armv7b", "arm-be", false },    { "arm", "arm", true },
		{ "ppc64le", "ppc64-le", false }, { "ppc64", "ppc64", false },
		{ "ppcle", "ppc-le", false },     { "ppc", "ppc", false },
		{ "s390x", "s390x", false },      { "s390", "s390", false },
		{ "riscv64", "riscv64", false },  { "riscv32", "riscv32", false },
		{ "mips64", "mips64", true },     { "mips", "mips", true },
		{ "loongarch64", "loongarch64", false },
		{ "sparc64", "sparc64", false },  { "alpha", "alpha", false },
		{ "parisc64", "parisc64", false }, { "parisc", "parisc", false },
		{ "ia64", "ia64", false },         { "m68k", "m68k", false },
		{ "sh", "sh", true },
	};

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (map[i].prefix ? !!startswith(machine, map[i].uname) : streq(machine, map[i].uname))
			return map[i].arch;
	return machine;
}

static int
put_uname(struct strbuf *out, char spec)
{
	struct utsname u;
	size_t n;

	if (uname(&u) < 0)
		return -errno;
	switch (spec) {
	case 'H':
		return put_str(out, u.nodename);
	case 'l':
		n = strcspn(u.nodename, ".");
		return strbuf_append(out, u.nodename, n);
	case 'v':
		return put_str(out, u.release);
	default:
		return put_str(out, arch_name(u.machine));
	}
}

/* A passwd or group entry, with a buffer that grows until the entry fits. */
static int
lookup_pw(uid_t uid, struct passwd *pw, char **buf)
{
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 1024;
	struct passwd *res;

	for (;;) {
		char *b = malloc(size);
		int r;

		if (!b)
			return -ENOMEM;
		r = getpwuid_r(uid, pw, b, size, &res);
		if (r == ERANGE && size < 1024 * 1024) {
			free(b);
			size *= 2;
			continue;
		}
		if (r != 0 || !res) {
			free(b);
			return r > 0 ? -r : -ESRCH;
		}
		*buf = b;
		return 0;
	}
}

static int
lookup_gr(gid_t gid, struct group *gr, char **buf)
{
	long hint = sysconf(_SC_GETGR_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 1024;
	struct group *res;

	for (;;) {
		char *b = malloc(size);
		int r;

		if (!b)
			return -ENOMEM;
		r = getgrgid_r(gid, gr, b, size, &res);
		if (r == ERANGE && size < 1024 * 1024) {
			free(b);
			size *= 2;
			continue;
		}
		if (r != 0 || !res) {
			free(b);
			return r > 0 ? -r : -ESRCH;
		}
		*buf = b;
		return 0;
	}
}

static const char *
absolute_env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

/* %u %h %s for the manager's own user, when the context does not say. */
static int
put_user_field(struct strbuf *out, char spec)
{
	struct passwd pw;
	char *buf = NULL;
	const char *v = NULL;
	uid_t uid = getuid();
	int r;

	if (uid == 0)
		return put_str(out, spec == 'u' ? "root" : spec == 'h' ? "/root" : "/bin/sh");
	if (spec == 'h')
		v = absolute_env("HOME");
	else if (spec == 's')
		v = absolute_env("SHELL");
	if (v)
		return put_str(out, v);

	r = lookup_pw(uid, &pw, &buf);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		char num[32];

		/* An unknown uid still has a name people can use: its number. */
		if (spec != 'u')
			return 0;
		snprintf(num, sizeof(num), "%lu", (unsigned long)uid);
		return put_str(out, num);
	}
	r = put_str(out, spec == 'u' ? pw.pw_name : spec == 'h' ? pw.pw_dir : pw.pw_shell);
	free(buf);
	return r;
}

static int
put_group_name(struct strbuf *out)
{
	struct group gr;
	char *buf, num[32];
	gid_t gid = getgid();
	int r;

	if (gid == 0)
		return put_str(out, "root");
	r = lookup_gr(gid, &gr, &buf);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(num, sizeof(num), "%lu", (unsigned long)gid);
		return put_str(out, num);
	}
	r = put_str(out, gr.gr_name);
	free(buf);
	return r;
}

static int
put_id(struct strbuf *out, unsigned long id)
{
	char num[32];

	snprintf(num, sizeof(num), "%lu", id);
	return put_str(out, num);
}

/* The XDG directory of a user manager: $env, else ~/fallback; then append. */
static int
put_xdg_dir(struct strbuf *out, const char *env, const char *fallback, const char *append)
{
	const char *v = absolute_env(env);
	int r;

	if (v)
		r = put_str(out, v);
	else if (!fallback)
		return 0;
	else {
		r = put_user_field(out, 'h');
		if (r >= 0)
			r = put_str(out, fallback);
	}
	if (r >= 0 && append)
		r = put_str(out, append);
	return r;
}

static int
put_dir(struct strbuf *out, char spec, const char *configured)
{
	bool system = getuid() == 0;
	const char *v;

	if (configured)
		return put_str(out, configured);
	switch (spec) {
	case 't':
		return system ? put_str(out, "/run") : put_xdg_dir(out, "XDG_RUNTIME_DIR", NULL, NULL);
	case 'S':
		return system ? put_str(out, "/var/lib") :
				put_xdg_dir(out, "XDG_CONFIG_HOME", "/.config", NULL);
	case 'C':
		return system ? put_str(out, "/var/cache") :
				put_xdg_dir(out, "XDG_CACHE_HOME", "/.cache", NULL);
	case 'L':
		return system ? put_str(out, "/var/log") :
				put_xdg_dir(out, "XDG_CONFIG_HOME", "/.config", "/log");
	case 'E':
		return system ? put_str(out, "/etc") :
				put_xdg_dir(out, "XDG_CONFIG_HOME", "/.config", NULL);
	default:
		/* %T and %V: the first of $TMPDIR, $TEMP, $TMP that is an absolute path. */
		v = absolute_env("TMPDIR");
		if (!v)
			v = absolute_env("TEMP");
		if (!v)
			v = absolute_env("TMP");
		return put_str(out, v ? v : spec == 'T' ? "/tmp" : "/var/tmp");
	}
}

/* %n %N %p %P %i %I %f %j %J: all derived from the unit name. */
static int
put_name_part(struct strbuf *out, char spec, const char *name)
{
	char *prefix = NULL, *instance = NULL, *s = NULL;
	const char *part;
	int r;

	if (!name)
		return 0;
	if (spec == 'n')
		return put_str(out, name);
	if (spec == 'N') {
		r = unit_name_without_suffix(name, &s);
		return r < 0 ? r : put_owned(out, s);
	}
	r = unit_name_to_prefix(name, &prefix);
	if (r >= 0)
		r = unit_name_to_instance(name, &instance);
	if (r < 0)
		goto out;

	switch (spec) {
	case 'p':
		r = put_str(out, prefix);
		break;
	case 'P':
		r = unit_name_unescape(prefix, &s);
		break;
	case 'i':
		r = put_str(out, instance);
		break;
	case 'I':
		r = unit_name_unescape(strempty(instance), &s);
		break;
	case 'j':
	case 'J':
		part = strrchr(prefix, '-');
		part = part ? part + 1 : prefix;
		r = spec == 'j' ? put_str(out, part) : unit_name_unescape(part, &s);
		break;
	case 'f':
		part = instance ? instance : prefix;
		r = unit_name_path_unescape(part, &s);
		/* Not a path escape (say "foo@bar-.service"): still give a path. */
		if (r == -EINVAL) {
			char *u;

			r = unit_name_unescape(part, &u);
			if (r >= 0) {
				s = u[0] == '/' ? u : strjoin("/", u);
				if (s != u)
					free(u);
				r = s ? 0 : -ENOMEM;
			}
		}
		break;
	}
	if (r >= 0 && s)
		r = put_owned(out, TAKE_PTR(s));
out:
	free(s);
	free(prefix);
	free(instance);
	return r;
}

static int
put_fragment(struct strbuf *out, char spec, const char *path)
{
	const char *slash;

	if (!path || spec == 'y')
		return put_str(out, path);
	slash = strrchr(path, '/');
	if (!slash)
		return put_str(out, ".");
	return strbuf_append(out, path, slash == path ? 1 : (size_t)(slash - path));
}

static int
expand_one(struct strbuf *out, char spec, const struct specifier_ctx *c)
{
	switch (spec) {
	case 'n': case 'N': case 'p': case 'P': case 'i': case 'I': case 'f': case 'j': case 'J':
		return put_name_part(out, spec, c->unit_name);
	case 'u':
	case 'h':
	case 's': {
		const char *v = spec == 'u' ? c->user_name : spec == 'h' ? c->home : c->shell;

		return v ? put_str(out, v) : put_user_field(out, spec);
	}
	case 'U':
		return c->uid ? put_str(out, c->uid) : put_id(out, getuid());
	case 'g':
		return c->group_name ? put_str(out, c->group_name) : put_group_name(out);
	case 'G':
		return c->gid ? put_str(out, c->gid) : put_id(out, getgid());
	case 't':
		return put_dir(out, spec, c->runtime_dir);
	case 'S':
		return put_dir(out, spec, c->state_dir);
	case 'C':
		return put_dir(out, spec, c->cache_dir);
	case 'L':
		return put_dir(out, spec, c->logs_dir);
	case 'E':
		return put_dir(out, spec, c->config_dir);
	case 'T':
	case 'V':
		return put_dir(out, spec, NULL);
	case 'H': case 'l': case 'v': case 'a':
		return put_uname(out, spec);
	case 'm':
		return put_machine_id(out);
	case 'b':
		return put_boot_id(out);
	case 'o':
		return put_os_field(out, OS_ID);
	case 'w':
		return put_os_field(out, OS_VERSION_ID);
	case 'W':
		return put_os_field(out, OS_VARIANT_ID);
	case 'M':
		return put_os_field(out, OS_IMAGE_ID);
	case 'A':
		return put_os_field(out, OS_IMAGE_VERSION);
	case 'B':
		return put_os_field(out, OS_BUILD_ID);
	case 'y':
	case 'Y':
		return put_fragment(out, spec, c->fragment_path);
	case '%':
		return strbuf_putc(out, '%');
	default:
		return -EBADSLT;
	}
}

int
specifier_expand(const char *text, const struct specifier_ctx *ctx, char **ret)
{
	static const struct specifier_ctx empty = { 0 };
	struct strbuf out = { 0 };
	const char *p = text;
	int r = 0;

	if (!text)
		return -EINVAL;
	if (!ctx)
		ctx = &empty;
	while (*p) {
		size_t n = strcspn(p, "%");

		r = strbuf_append(&out, p, n);
		if (r < 0)
			break;
		p += n;
		if (!*p)
			break;
		if (!p[1]) {
			r = -EBADSLT;
			break;
		}
		r = expand_one(&out, p[1], ctx);
		if (r < 0)
			break;
		p += 2;
	}
	if (r < 0) {
		strbuf_done(&out);
		return r;
	}
	*ret = strbuf_steal(&out);
	return *ret ? 0 : -ENOMEM;
}
