/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The directives of systemd.exec(5) and systemd.kill(5). Rows have no section: they apply
 * in whichever type section ([Service], [Socket], ...) embeds the context. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include "core/exec.h"
#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "specifier.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"

/* Resolves a bare program name through the manager's PATH, at load time. */
static int
resolve_path(struct unit *u, struct exec_command *cmd)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_strv_free_ char **dirs = NULL;

	if (cmd->path[0] == '/')
		return 0;
	STRV_FOREACH(e, u->manager->environment)
		if (startswith(*e, "PATH="))
			path = *e + 5;
	dirs = strv_split(path, ":");
	if (!dirs)
		return -ENOMEM;
	STRV_FOREACH(d, dirs) {
		char *full;

		if (asprintf(&full, "%s/%s", *d, cmd->path) < 0)
			return -ENOMEM;
		if (access(full, X_OK) == 0) {
			free(cmd->path);
			cmd->path = full;
			return 0;
		}
		free(full);
	}
	return -ENOENT;
}

/* ExecStart= and friends: data is an array of list heads, arg the index into it. */
int
parse_exec_command(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_command **heads = data;
	struct exec_command *list = NULL;
	struct specifier_ctx sc;
	const char *err = NULL;
	int r;

	if (isempty(v)) {
		heads[arg] = exec_command_free_list(heads[arg]);
		return 0;
	}
	r = exec_command_parse(v, &list, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Invalid %s=, ignoring: %s", c->key,
			   strna(err));
		return -EINVAL;
	}
	unit_specifier_ctx(c->unit, &sc);
	for (struct exec_command *e = list; e; e = e->next) {
		char *np = NULL;

		for (char **a = e->argv; a && *a; a++) {
			char *x;

			r = specifier_expand(*a, &sc, &x);
			if (r < 0) {
				log_syntax(c->file, c->line, LOG_WARNING, 0,
					   "Bad specifier in %s=, ignoring: %s", c->key, *a);
				exec_command_free_list(list);
				return r == -ENOMEM ? r : -EINVAL;
			}
			free(*a);
			*a = x;
		}
		r = specifier_expand(e->path, &sc, &np);
		if (r < 0) {
			exec_command_free_list(list);
			return r == -ENOMEM ? r : -EINVAL;
		}
		free(e->path);
		e->path = np;
		r = resolve_path(c->unit, e);
		if (r == -ENOMEM) {
			exec_command_free_list(list);
			return r;
		}
		if (r < 0) {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "%s= program '%s' is not an absolute path and not found in PATH; "
				   "it will fail at start.", c->key, e->path);
		}
	}
	exec_command_append(&heads[arg], list);
	return 0;
}

/* A parser that sets several fields gets a pointer to one of them; this finds the rest. */
#define EXEC_CTX_OF(data, field) \
	((struct exec_context *)((char *)(data) - offsetof(struct exec_context, field)))

#define syntax_warning(c, ...) log_syntax((c)->file, (c)->line, LOG_WARNING, 0, __VA_ARGS__)

/* Like a shell variable name: letters, digits and '_', not starting with a digit. */
static bool
env_name_is_valid_n(const char *s, size_t n)
{
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

static bool
env_assignment_is_valid(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && env_name_is_valid_n(s, (size_t)(eq - s));
}

/* Adds "K=V" to *l, replacing an earlier K. Takes ownership of kv. */
static int
env_assign(char ***l, char *kv)
{
	size_t n = strcspn(kv, "=") + 1;

	for (char **e = *l; e && *e; e++)
		if (strneq(*e, kv, n)) {
			free(*e);
			*e = kv;
			return 0;
		}
	return strv_consume(l, kv);
}

/* Splits v into words (quotes removed, C escapes interpreted) with specifiers expanded. */
static int
split_words(const struct parse_ctx *c, const char *v, unsigned flags, char ***ret)
{
	char **words = NULL;

	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL;
		char *e = NULL;
		int r = extract_word(&p, &w, NULL, flags);

		if (r == 0)
			break;
		if (r == -EINVAL)
			syntax_warning(c, "Bad quoting or escape in %s=, ignoring.", c->key);
		if (r >= 0)
			r = directive_expand(c, w, &e);
		if (r >= 0)
			r = strv_consume(&words, e);
		if (r < 0) {
			strv_free(words);
			return r;
		}
	}
	*ret = words;
	return 0;
}

/* Environment=: quoted "K=V" words; the whole value is ignored if one word is invalid. */
static int
parse_environment(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	_cleanup_strv_free_ char **words = NULL;
	char ***env = data;
	int r;

	if (isempty(v)) {
		*env = strv_free(*env);
		return 0;
	}
	r = split_words(c, v, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE, &words);
	if (r < 0)
		return r;
	STRV_FOREACH(w, words)
		if (!env_assignment_is_valid(*w)) {
			syntax_warning(c, "Invalid environment assignment '%s' in %s=, ignoring.",
				       *w, c->key);
			return -EINVAL;
		}
	STRV_FOREACH(w, words) {
		char *kv = strdup(*w);

		if (!kv)
			return -ENOMEM;
		r = env_assign(env, kv);
		if (r < 0)
			return r;
	}
	return 0;
}

/* EnvironmentFile=: one path, '-' prefix kept (missing file ok); read in the child. */
static int
parse_environment_file(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	_cleanup_free_ char *p = NULL;
	char ***files = data;
	int r;

	if (isempty(v)) {
		*files = strv_free(*files);
		return 0;
	}
	r = directive_expand(c, v, &p);
	if (r < 0)
		return r;
	if (p[p[0] == '-'] != '/') {
		syntax_warning(c, "%s= path is not absolute, ignoring: %s", c->key, p);
		return -EINVAL;
	}
	return strv_consume(files, TAKE_PTR(p));
}

/* PassEnvironment= (arg 0: names) and UnsetEnvironment= (arg 1: names or "K=V"). */
static int
parse_environment_names(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	_cleanup_strv_free_ char **words = NULL;
	char ***l = data;
	int r;

	if (isempty(v)) {
		*l = strv_free(*l);
		return 0;
	}
	r = split_words(c, v, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE, &words);
	if (r < 0)
		return r;
	STRV_FOREACH(w, words) {
		bool ok = arg == 1 && strchr(*w, '=') ? env_assignment_is_valid(*w) :
							env_name_is_valid_n(*w, strlen(*w));

		if (!ok) {
			syntax_warning(c, "Invalid variable name '%s' in %s=, ignoring.", *w,
				       c->key);
			return -EINVAL;
		}
	}
	STRV_FOREACH(w, words) {
		r = strv_extend_unique(l, *w);
		if (r < 0)
			return r;
	}
	return 0;
}

/* WorkingDirectory=: "~", an absolute path, either with a '-' prefix. */
static int
parse_working_directory(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_context *x = EXEC_CTX_OF(data, working_directory);
	_cleanup_free_ char *p = NULL;
	bool missing_ok = false;
	int r;

	if (isempty(v)) {
		x->working_directory = mfree(x->working_directory);
		x->working_directory_home = false;
		x->working_directory_missing_ok = false;
		return 0;
	}
	if (v[0] == '-') {
		missing_ok = true;
		v++;
	}
	if (streq(v, "~")) {
		x->working_directory = mfree(x->working_directory);
		x->working_directory_home = true;
		x->working_directory_missing_ok = missing_ok;
		return 0;
	}
	r = directive_expand(c, v, &p);
	if (r < 0)
		return r;
	if (p[0] != '/') {
		syntax_warning(c, "%s= must be an absolute path or '~', ignoring: %s", c->key, p);
		return -EINVAL;
	}
	free(x->working_directory);
	x->working_directory = TAKE_PTR(p);
	x->working_directory_home = false;
	x->working_directory_missing_ok = missing_ok;
	return 0;
}

static int
parse_dynamic_user(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int b = parse_boolean(v);

	if (b < 0) {
		syntax_warning(c, "Failed to parse boolean %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	if (b == 0)
		return 0;
	log_syntax(c->file, c->line, LOG_ERR, 0,
		   "DynamicUser=yes is not supported by ember yet; refusing to run the unit "
		   "as root instead of a dynamic user.");
	return -EOPNOTSUPP;
}

static int
parse_ranged_int(const struct parse_ctx *c, const char *v, int min, int max, int *ret)
{
	int i;

	if (safe_atoi(v, &i) < 0 || i < min || i > max) {
		syntax_warning(c, "%s= takes an integer between %d and %d, ignoring: %s", c->key,
			       min, max, v);
		return -EINVAL;
	}
	*ret = i;
	return 0;
}

static int
parse_nice(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_context *x = EXEC_CTX_OF(data, nice);

	if (isempty(v)) {
		x->nice_set = false;
		return 0;
	}
	if (parse_ranged_int(c, v, -20, 19, &x->nice) < 0)
		return -EINVAL;
	x->nice_set = true;
	return 0;
}

static int
parse_oom_score_adjust(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_context *x = EXEC_CTX_OF(data, oom_score_adjust);

	if (isempty(v)) {
		x->oom_score_adjust_set = false;
		return 0;
	}
	if (parse_ranged_int(c, v, -1000, 1000, &x->oom_score_adjust) < 0)
		return -EINVAL;
	x->oom_score_adjust_set = true;
	return 0;
}

static bool
rlimit_is_bytes(int resource)
{
	switch (resource) {
	case RLIMIT_FSIZE: case RLIMIT_DATA: case RLIMIT_STACK: case RLIMIT_CORE:
	case RLIMIT_RSS: case RLIMIT_AS: case RLIMIT_MEMLOCK: case RLIMIT_MSGQUEUE:
		return true;
	default:
		return false;
	}
}

static int
parse_rlimit_time(const char *s, usec_t unit, rlim_t *ret)
{
	usec_t u;

	if (parse_time(s, &u, unit) < 0)
		return -EINVAL;
	if (u == USEC_INFINITY)
		*ret = RLIM_INFINITY;
	else if (unit == USEC_PER_SEC)
		*ret = (rlim_t)((u + USEC_PER_SEC - 1) / USEC_PER_SEC); /* rounded up */
	else
		*ret = (rlim_t)u;
	return 0;
}

/* LimitNICE=: "+N"/"-N" is a nice value (-20..19), a bare N the raw limit (0..40). */
static int
parse_rlimit_nice(const char *s, rlim_t *ret)
{
	unsigned long long raw;
	int n;

	if (s[0] == '+' || s[0] == '-') {
		if (safe_atoi(s, &n) < 0 || n < -20 || n > 19)
			return -EINVAL;
		*ret = (rlim_t)(20 - n);
		return 0;
	}
	if (safe_atollu(s, &raw) < 0 || raw > 40)
		return -EINVAL;
	*ret = (rlim_t)raw;
	return 0;
}

static int
parse_rlimit_value(int resource, const char *s, rlim_t *ret)
{
	unsigned long long n;
	uint64_t bytes;

	if (streq(s, "infinity")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (resource == RLIMIT_CPU)
		return parse_rlimit_time(s, USEC_PER_SEC, ret);
	if (resource == RLIMIT_RTTIME)
		return parse_rlimit_time(s, 1, ret);
	if (resource == RLIMIT_NICE)
		return parse_rlimit_nice(s, ret);
	if (rlimit_is_bytes(resource)) {
		if (parse_size(s, &bytes) < 0)
			return -EINVAL;
		*ret = bytes == UINT64_MAX ? RLIM_INFINITY : (rlim_t)bytes;
		return 0;
	}
	if (safe_atollu(s, &n) < 0)
		return -EINVAL;
	*ret = (rlim_t)n;
	return 0;
}

/* Limit*=: "soft:hard" or one value for both (arg = RLIMIT_*). */
static int
parse_limit(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct rlimit **slot = data;
	_cleanup_free_ char *soft = NULL;
	const char *colon, *hard;
	struct rlimit rl;

	if (isempty(v)) {
		*slot = mfree(*slot);
		return 0;
	}
	colon = strchr(v, ':');
	soft = colon ? strndup(v, (size_t)(colon - v)) : strdup(v);
	if (!soft)
		return -ENOMEM;
	hard = colon ? colon + 1 : v;
	if (parse_rlimit_value(arg, soft, &rl.rlim_cur) < 0 ||
	    parse_rlimit_value(arg, hard, &rl.rlim_max) < 0) {
		syntax_warning(c, "Failed to parse resource limit %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	/* RLIM_INFINITY is the largest rlim_t, so this also catches "infinity:100". */
	if (rl.rlim_cur > rl.rlim_max) {
		syntax_warning(c, "%s= soft limit is above the hard limit, ignoring: %s", c->key,
			       v);
		return -EINVAL;
	}
	if (!*slot && !(*slot = malloc(sizeof(**slot))))
		return -ENOMEM;
	**slot = rl;
	return 0;
}

/* "file:PATH"-style values: the path after the prefix, expanded and absolute. */
static int
parse_std_path(const struct parse_ctx *c, const char *path, char **ret)
{
	_cleanup_free_ char *p = NULL;
	int r;

	r = directive_expand(c, path, &p);
	if (r < 0)
		return r;
	if (p[0] != '/') {
		syntax_warning(c, "%s= needs an absolute path, ignoring: %s", c->key, p);
		return -EINVAL;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

static int
parse_std_input(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_context *x = EXEC_CTX_OF(data, std_input);
	char *path = NULL;
	const char *rest;
	int r;

	if (isempty(v)) {
		x->std_input = EXEC_INPUT_NULL;
		x->std_input_path = mfree(x->std_input_path);
		return 0;
	}
	if ((rest = startswith(v, "file:"))) {
		r = parse_std_path(c, rest, &path);
		if (r < 0)
			return r;
		free(x->std_input_path);
		x->std_input_path = path;
		x->std_input = EXEC_INPUT_FILE;
		return 0;
	}
	for (int i = 0; i < _EXEC_INPUT_MAX; i++)
		if (i != EXEC_INPUT_FILE && streq(v, exec_input_to_string(i))) {
			x->std_input = i;
			x->std_input_path = mfree(x->std_input_path);
			return 0;
		}
	if (streq(v, "data") || startswith(v, "fd"))
		syntax_warning(c, "%s=%s is not supported by ember, ignoring.", c->key, v);
	else
		syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

/* StandardOutput= (arg 0) and StandardError= (arg 1). */
static int
parse_std_output(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_context *x = arg ? EXEC_CTX_OF(data, std_error) : EXEC_CTX_OF(data, std_output);
	enum exec_output *o = arg ? &x->std_error : &x->std_output;
	char **path = arg ? &x->std_error_path : &x->std_output_path;
	static const enum exec_output file_kinds[] = {
		EXEC_OUTPUT_FILE, EXEC_OUTPUT_FILE_APPEND, EXEC_OUTPUT_FILE_TRUNCATE,
	};
	int r;

	if (isempty(v)) {
		*o = EXEC_OUTPUT_DEFAULT;
		*path = mfree(*path);
		return 0;
	}
	for (size_t k = 0; k < ELEMENTSOF(file_kinds); k++) {
		const char *name = exec_output_to_string(file_kinds[k]);
		size_t l = strlen(name);
		char *p;

		if (!strneq(v, name, l) || v[l] != ':')
			continue;
		r = parse_std_path(c, v + l + 1, &p);
		if (r < 0)
			return r;
		free(*path);
		*path = p;
		*o = file_kinds[k];
		return 0;
	}
	/* Everything forwarded goes through the manager's one log path, which copies
	 * kmsg+console lines to the console too: the "+console" forms share that value. */
	if (streq(v, "journal+console") || streq(v, "syslog+console")) {
		*o = EXEC_OUTPUT_KMSG_AND_CONSOLE;
		*path = mfree(*path);
		return 0;
	}
	for (int i = 0; i < _EXEC_OUTPUT_MAX; i++) {
		if (i == EXEC_OUTPUT_FILE || i == EXEC_OUTPUT_FILE_APPEND ||
		    i == EXEC_OUTPUT_FILE_TRUNCATE || !streq(v, exec_output_to_string(i)))
			continue;
		*o = i;
		*path = mfree(*path);
		return 0;
	}
	if (startswith(v, "fd"))
		syntax_warning(c, "%s=%s is not supported by ember, ignoring.", c->key, v);
	else
		syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

struct name_value {
	const char *name;
	int value;
};

static const struct name_value syslog_facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP }, { "cron", LOG_CRON },
	{ "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL }
};

static const struct name_value syslog_levels[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ NULL }
};

/* SyslogFacility= / SyslogLevel= (arg: 0 facility, 1 level); names only. */
static int
parse_syslog_name(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	const struct name_value *t = arg ? syslog_levels : syslog_facilities;

	for (; t->name; t++)
		if (streq(v, t->name)) {
			*(int *)data = t->value;
			return 0;
		}
	syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

static int
parse_kill_mode(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	for (int m = 0; m < _KILL_MODE_MAX; m++)
		if (streq(v, kill_mode_to_string(m))) {
			*(enum kill_mode *)data = m;
			return 0;
		}
	syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

/* "SIGTERM", "TERM", "15", "RTMIN+3", "SIGRTMAX-1". */
static int
signal_from_string(const char *s)
{
	const char *n = startswith(s, "SIG") ? s + 3 : s;
	const char *off;
	int i;

	if (safe_atoi(s, &i) >= 0)
		return i > 0 && i < _NSIG ? i : -EINVAL;
	for (i = 1; i < SIGRTMIN; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && streq(n, abbrev))
			return i;
	}
	if ((off = startswith(n, "RTMIN"))) {
		int k = 0;

		if (*off && (*off != '+' || safe_atoi(off + 1, &k) < 0))
			return -EINVAL;
		return k >= 0 && SIGRTMIN + k <= SIGRTMAX ? SIGRTMIN + k : -EINVAL;
	}
	if ((off = startswith(n, "RTMAX"))) {
		int k = 0;

		if (*off && (*off != '-' || safe_atoi(off + 1, &k) < 0))
			return -EINVAL;
		return k >= 0 && SIGRTMAX - k >= SIGRTMIN ? SIGRTMAX - k : -EINVAL;
	}
	return -EINVAL;
}

/* KillSignal= and friends; arg 1 lets an empty value reset to 0 ("same as KillSignal="). */
static int
parse_signal(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int sig;

	if (arg == 1 && isempty(v)) {
		*(int *)data = 0;
		return 0;
	}
	sig = isempty(v) ? -EINVAL : signal_from_string(v);
	if (sig < 0) {
		syntax_warning(c, "Unknown signal %s=%s, ignoring.", c->key, strempty(v));
		return -EINVAL;
	}
	*(int *)data = sig;
	return 0;
}

#define EXEC_ROW(name, parse, arg, field) \
	{ NULL, name, parse, arg, offsetof(struct exec_context, field) }
#define LIMIT_ROW(name, resource) \
	{ NULL, name, parse_limit, resource, offsetof(struct exec_context, rlimit[resource]) }

const struct directive exec_directives[] = {
	EXEC_ROW("Environment", parse_environment, 0, environment),
	EXEC_ROW("EnvironmentFile", parse_environment_file, 0, environment_files),
	EXEC_ROW("PassEnvironment", parse_environment_names, 0, pass_environment),
	EXEC_ROW("UnsetEnvironment", parse_environment_names, 1, unset_environment),
	EXEC_ROW("WorkingDirectory", parse_working_directory, 0, working_directory),
	EXEC_ROW("RootDirectory", parse_path, 0, root_directory),
	EXEC_ROW("UMask", parse_mode, 0, umask),
	EXEC_ROW("User", parse_string, 0, user),
	EXEC_ROW("Group", parse_string, 0, group),
	EXEC_ROW("SupplementaryGroups", parse_strv, 0, supplementary_groups),
	EXEC_ROW("DynamicUser", parse_dynamic_user, 0, user), /* writes no field */
	EXEC_ROW("Nice", parse_nice, 0, nice),
	EXEC_ROW("OOMScoreAdjust", parse_oom_score_adjust, 0, oom_score_adjust),
	LIMIT_ROW("LimitCPU", RLIMIT_CPU),
	LIMIT_ROW("LimitFSIZE", RLIMIT_FSIZE),
	LIMIT_ROW("LimitDATA", RLIMIT_DATA),
	LIMIT_ROW("LimitSTACK", RLIMIT_STACK),
	LIMIT_ROW("LimitCORE", RLIMIT_CORE),
	LIMIT_ROW("LimitRSS", RLIMIT_RSS),
	LIMIT_ROW("LimitNOFILE", RLIMIT_NOFILE),
	LIMIT_ROW("LimitAS", RLIMIT_AS),
	LIMIT_ROW("LimitNPROC", RLIMIT_NPROC),
	LIMIT_ROW("LimitMEMLOCK", RLIMIT_MEMLOCK),
	LIMIT_ROW("LimitLOCKS", RLIMIT_LOCKS),
	LIMIT_ROW("LimitSIGPENDING", RLIMIT_SIGPENDING),
	LIMIT_ROW("LimitMSGQUEUE", RLIMIT_MSGQUEUE),
	LIMIT_ROW("LimitNICE", RLIMIT_NICE),
	LIMIT_ROW("LimitRTPRIO", RLIMIT_RTPRIO),
	LIMIT_ROW("LimitRTTIME", RLIMIT_RTTIME),
	EXEC_ROW("StandardInput", parse_std_input, 0, std_input),
	EXEC_ROW("StandardOutput", parse_std_output, 0, std_output),
	EXEC_ROW("StandardError", parse_std_output, 1, std_error),
	EXEC_ROW("TTYPath", parse_path, 0, tty_path),
	EXEC_ROW("TTYReset", parse_bool, 0, tty_reset),
	EXEC_ROW("TTYVHangup", parse_bool, 0, tty_vhangup),
	EXEC_ROW("TTYVTDisallocate", parse_bool, 0, tty_vt_disallocate),
	EXEC_ROW("SyslogIdentifier", parse_string, 0, syslog_identifier),
	EXEC_ROW("SyslogFacility", parse_syslog_name, 0, syslog_facility),
	EXEC_ROW("SyslogLevel", parse_syslog_name, 1, syslog_level),
	EXEC_ROW("SyslogLevelPrefix", parse_bool, 0, syslog_level_prefix),
	EXEC_ROW("NoNewPrivileges", parse_bool, 0, no_new_privileges),
	EXEC_ROW("SameProcessGroup", parse_bool, 0, same_process_group),
	EXEC_ROW("IgnoreSIGPIPE", parse_bool, 0, ignore_sigpipe),
	EXEC_ROW("PAMName", parse_string, 0, pam_name),
	{ NULL }
};

#define KILL_ROW(name, parse, arg, field) \
	{ NULL, name, parse, arg, offsetof(struct kill_context, field) }

const struct directive kill_directives[] = {
	KILL_ROW("KillMode", parse_kill_mode, 0, kill_mode),
	KILL_ROW("KillSignal", parse_signal, 0, kill_signal),
	KILL_ROW("RestartKillSignal", parse_signal, 1, restart_kill_signal),
	KILL_ROW("FinalKillSignal", parse_signal, 0, final_kill_signal),
	KILL_ROW("WatchdogSignal", parse_signal, 0, watchdog_signal),
	KILL_ROW("SendSIGKILL", parse_bool, 0, send_sigkill),
	KILL_ROW("SendSIGHUP", parse_bool, 0, send_sighup),
	{ NULL }
};
