/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cgroup-config.h"
#include "core/condition.h"
#include "core/exec.h"
#include "core/exec-sandbox.h"
#include "core/manager.h"
#include "core/unit.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "specifier.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "units/unit-vtable.h"

int
directive_expand(const struct parse_ctx *c, const char *v, char **ret)
{
	struct specifier_ctx sc = { 0 };
	int r;

	if (!c->unit)
		return (*ret = strdup(v)) ? 0 : -ENOMEM;
	unit_specifier_ctx(c->unit, &sc);
	r = specifier_expand(v, &sc, ret);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0,
			   "Unknown or incomplete specifier in %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	return 0;
}

int
parse_string(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char **s = data, *n = NULL;
	int r;

	if (!isempty(v)) {
		r = directive_expand(c, v, &n);
		if (r < 0)
			return r;
	}
	free(*s);
	*s = n;
	return 0;
}

int
parse_string_raw(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char **s = data, *n = NULL;

	if (!isempty(v) && !(n = strdup(v)))
		return -ENOMEM;
	free(*s);
	*s = n;
	return 0;
}

int
parse_path(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	_cleanup_free_ char *p = NULL;
	char **s = data;
	int r;

	if (isempty(v)) {
		*s = mfree(*s);
		return 0;
	}
	r = directive_expand(c, v, &p);
	if (r < 0)
		return r;
	if (p[0] != '/') {
		log_syntax(c->file, c->line, LOG_WARNING, 0,
			   "%s= path is not absolute, ignoring: %s", c->key, p);
		return -EINVAL;
	}
	free(*s);
	*s = TAKE_PTR(p);
	return 0;
}

int
parse_strv(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char ***l = data;

	if (isempty(v)) {
		*l = strv_free(*l);
		return 0;
	}
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL;
		char *e = NULL;
		int r = extract_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);

		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad quoting in %s=, ignoring.",
				   c->key);
			return -EINVAL;
		}
		if (r == 0)
			return 0;
		r = directive_expand(c, w, &e);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = strv_consume(l, e);
		if (r < 0)
			return r;
	}
}

int
parse_bool(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int b = parse_boolean(v);

	if (b < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse boolean %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	*(bool *)data = b;
	return 0;
}

int
parse_tristate(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int b;

	if (isempty(v)) {
		*(int *)data = -1;
		return 0;
	}
	b = parse_boolean(v);
	if (b < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse boolean %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	*(int *)data = b;
	return 0;
}

int
parse_int(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	if (safe_atoi(v, data) < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse integer %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	return 0;
}

int
parse_unsigned(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	if (safe_atou(v, data) < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse number %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	return 0;
}

int
parse_usec(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	usec_t t;

	if (parse_sec(v, &t) < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse time span %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	/* For timeouts, 0 means "no timeout" (systemd.service(5)). */
	if (arg == 1 && t == 0)
		t = USEC_INFINITY;
	*(usec_t *)data = t;
	return 0;
}

int
parse_mode(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	char *end;
	unsigned long m;

	errno = 0;
	m = strtoul(v, &end, 8);
	if (errno || *end || end == v || m > 07777) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Failed to parse mode %s=%s, ignoring.",
			   c->key, v);
		return -EINVAL;
	}
	*(mode_t *)data = (mode_t)m;
	return 0;
}

int
parse_ignore(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return 0;
}

int
parse_unsupported_strict(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	log_syntax(c->file, c->line, LOG_ERR, 0,
		   "%s= is not supported by ember yet; refusing to run the unit with less protection "
		   "than it asks for.", c->key);
	return -EOPNOTSUPP;
}

/* Requires=, After=, ... (arg = enum unit_dependency). */
static int
parse_dependency(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	for (const char *p = v;;) {
		_cleanup_free_ char *w = NULL, *e = NULL;
		/* Unit names keep their escapes (dev-disk-by\x2dlabel-x.device). */
		int r = extract_word(&p, &w, NULL,
				     EXTRACT_UNQUOTE | EXTRACT_RELAX | EXTRACT_RETAIN_ESCAPE);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (directive_expand(c, w, &e) < 0)
			continue;
		if (!unit_name_is_valid(e, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
			log_syntax(c->file, c->line, LOG_WARNING, 0,
				   "Invalid unit name in %s=, ignoring: %s", c->key, e);
			continue;
		}
		r = unit_add_dependency_by_name(c->unit, arg, e, true);
		if (r == -ENOMEM)
			return r;
		if (r == -EOPNOTSUPP)
			log_syntax(c->file, c->line, LOG_DEBUG, 0,
				   "Unit type of %s is not supported yet, ignoring dependency.", e);
		else if (r < 0)
			log_syntax(c->file, c->line, LOG_WARNING, r,
				   "Failed to add dependency on %s, ignoring: %m", e);
	}
}

static int
parse_start_limit_interval(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_usec(c, v, 0, data);
}

/* SuccessAction=, FailureAction=, StartLimitAction=: what the whole manager does then. */
static int
parse_emergency_action(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	static const struct { const char *prefix; enum manager_objective o; } actions[] = {
		{ "none", MANAGER_OK }, { "exit", MANAGER_EXIT }, { "reboot", MANAGER_REBOOT },
		{ "poweroff", MANAGER_POWEROFF }, { "halt", MANAGER_HALT }, { "kexec", MANAGER_KEXEC },
	};

	for (size_t i = 0; i < ELEMENTSOF(actions); i++) {
		const char *rest = startswith(v, actions[i].prefix);

		/* The -force and -immediate variants are accepted; ember always stops units
		 * in order first, which is what -force skips (documented). */
		if (rest && (!*rest || streq(rest, "-force") || streq(rest, "-immediate"))) {
			*(int *)data = actions[i].o;
			return 0;
		}
	}
	log_syntax(c->file, c->line, LOG_WARNING, 0, "Unknown action %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

#define U(name, fn, arg, field) { "Unit", name, fn, arg, offsetof(struct unit, field) }
#define DEP(name, d) { "Unit", name, parse_dependency, d, 0 }
const struct directive unit_directives[] = {
	U("Description", parse_string, 0, description),
	U("Documentation", parse_strv, 0, documentation),
	U("SourcePath", parse_path, 0, source_path),
	DEP("Requires", UNIT_REQUIRES),
	DEP("Requisite", UNIT_REQUISITE),
	DEP("Wants", UNIT_WANTS),
	DEP("BindsTo", UNIT_BINDS_TO),
	DEP("PartOf", UNIT_PART_OF),
	DEP("Upholds", UNIT_UPHOLDS),
	DEP("Conflicts", UNIT_CONFLICTS),
	DEP("Before", UNIT_BEFORE),
	DEP("After", UNIT_AFTER),
	DEP("OnFailure", UNIT_ON_FAILURE),
	DEP("OnSuccess", UNIT_ON_SUCCESS),
	DEP("PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO),
	DEP("ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM),
	DEP("RequiredBy", UNIT_REQUIRED_BY),
	DEP("WantedBy", UNIT_WANTED_BY),
	U("DefaultDependencies", parse_bool, 0, default_dependencies),
	U("StopWhenUnneeded", parse_bool, 0, stop_when_unneeded),
	U("RefuseManualStart", parse_bool, 0, refuse_manual_start),
	U("RefuseManualStop", parse_bool, 0, refuse_manual_stop),
	U("AllowIsolate", parse_bool, 0, allow_isolate),
	U("IgnoreOnIsolate", parse_bool, 0, ignore_on_isolate),
	U("JobTimeoutSec", parse_usec, 1, job_timeout),
	U("JobRunningTimeoutSec", parse_usec, 1, job_timeout),
	U("StartLimitIntervalSec", parse_start_limit_interval, 0, start_limit.interval),
	U("StartLimitInterval", parse_start_limit_interval, 0, start_limit.interval),
	U("StartLimitBurst", parse_unsigned, 0, start_limit.burst),
	U("StartLimitAction", parse_emergency_action, 0, start_limit_action),
	U("SuccessAction", parse_emergency_action, 0, success_action),
	U("FailureAction", parse_emergency_action, 0, failure_action),
	U("SuccessActionExitStatus", parse_ignore, 0, id),
	U("FailureActionExitStatus", parse_ignore, 0, id),
	/* Accepted without effect: they only tune behaviour ember does not have yet. */
	U("CollectMode", parse_ignore, 0, id),
	U("OnFailureJobMode", parse_ignore, 0, id),
	U("JobTimeoutAction", parse_ignore, 0, id),
	{ NULL }
};
#undef U
#undef DEP

/* Conditions and asserts share one parser; the key says which list and type. */
static int
apply_condition(struct unit *u, const struct parse_ctx *c, const char *value)
{
	bool is_assert = startswith(c->key, "Assert") != NULL;
	const char *suffix = c->key + (is_assert ? strlen("Assert") : strlen("Condition"));
	struct condition **list = is_assert ? &u->asserts : &u->conditions;
	enum condition_type t = condition_type_from_string(suffix);
	_cleanup_free_ char *e = NULL;
	struct condition *cond;
	int r;

	if (t < 0)
		return -ENOENT;
	if (isempty(value)) {
		*list = condition_free_list(*list);
		return 0;
	}
	r = directive_expand(c, value, &e);
	if (r < 0)
		return r;
	r = condition_new(t, e, &cond);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_syntax(c->file, c->line, LOG_WARNING, 0, "Bad %s=%s, ignoring.", c->key, value);
		return 0;
	}
	condition_append(list, cond);
	return 0;
}

/* The lookup table: "Section\nKey" -> row and the base offset of the struct it applies to.
 * Built once per unit type on first use, so parsing a key is one hash lookup. */
struct directive_hit {
	const struct directive *row;
	size_t base;
	/* Rows of a struct that is allocated on first use: base is the offset of the pointer
	 * to it, and alloc makes it. NULL for rows of embedded structs. */
	void *(*alloc)(void);
	char key[];
};

static struct hashmap *tables[_UNIT_TYPE_MAX];

static int
table_add_lazy(struct hashmap *h, const char *section, const struct directive *rows, size_t base,
	       void *(*alloc)(void))
{
	for (const struct directive *d = rows; d && d->name; d++) {
		const char *sec = d->section ? d->section : section;
		struct directive_hit *hit;
		size_t l;

		if (!sec)
			continue;
		l = strlen(sec) + strlen(d->name) + 2;
		hit = malloc(sizeof(*hit) + l);
		if (!hit)
			return -ENOMEM;
		snprintf(hit->key, l, "%s\n%s", sec, d->name);
		hit->row = d;
		hit->base = base;
		hit->alloc = alloc;
		if (hashmap_put(h, hit->key, hit) < 0) {
			free(hit);
			return -ENOMEM;
		}
	}
	return 0;
}

static int
table_add(struct hashmap *h, const char *section, const struct directive *rows, size_t base)
{
	return table_add_lazy(h, section, rows, base, NULL);
}

static void *
sandbox_alloc(void)
{
	return exec_sandbox_new();
}

static void *
cgroup_context_alloc(void)
{
	return cgroup_context_new();
}

static struct hashmap *
table_for(const struct unit_vtable *vt, enum unit_type t)
{
	struct hashmap *h;

	if (tables[t])
		return tables[t];
	h = hashmap_new(HASHMAP_STRING);
	if (!h)
		return NULL;
	if (table_add(h, "Unit", unit_directives, 0) < 0 ||
	    table_add(h, vt->section, vt->directives, 0) < 0 ||
	    (vt->exec_context_offset &&
	     table_add(h, vt->section, exec_directives, vt->exec_context_offset) < 0) ||
	    (vt->exec_context_offset &&
	     table_add_lazy(h, vt->section, exec_sandbox_directives,
			    vt->exec_context_offset + offsetof(struct exec_context, sandbox),
			    sandbox_alloc) < 0) ||
	    (vt->has_cgroup && table_add(h, vt->section, cgroup_unit_directives, 0) < 0) ||
	    (vt->has_cgroup &&
	     table_add_lazy(h, vt->section, cgroup_context_directives,
			    offsetof(struct unit, cgroup_context), cgroup_context_alloc) < 0) ||
	    (vt->kill_context_offset &&
	     table_add(h, vt->section, kill_directives, vt->kill_context_offset) < 0)) {
		directive_tables_free();
		return NULL;
	}
	tables[t] = h;
	return h;
}

void
directive_tables_free(void)
{
	for (size_t t = 0; t < ELEMENTSOF(tables); t++) {
		struct directive_hit *hit;
		const char *k;

		HASHMAP_FOREACH(k, hit, tables[t])
			free(hit);
		tables[t] = hashmap_free(tables[t]);
	}
}

int
directive_apply(struct unit *u, const char *file, unsigned line, const char *section,
		const char *key, const char *value)
{
	struct parse_ctx c = { .file = file, .line = line, .section = section, .key = key,
			       .unit = u };
	char lookup[256];
	struct directive_hit *hit;
	struct hashmap *h;
	int r;

	if (streq(section, "Install"))
		return 0; /* enable/disable read it; at runtime it means nothing */
	if (streq(section, "Unit") && (startswith(key, "Condition") || startswith(key, "Assert"))) {
		r = apply_condition(u, &c, value);
		if (r != -ENOENT)
			return r == -ENOMEM ? r : 0;
	}
	h = table_for(u->vtable, u->type);
	if (!h)
		return -ENOMEM;
	if (snprintf(lookup, sizeof(lookup), "%s\n%s", section, key) < (int)sizeof(lookup) &&
	    (hit = hashmap_get(h, lookup))) {
		char *base = (char *)u + hit->base;

		if (hit->alloc) {
			void **slot = (void **)base;

			if (!*slot && !(*slot = hit->alloc()))
				return -ENOMEM;
			base = *slot;
		}
		r = hit->row->parse(&c, value, hit->row->arg, base + hit->row->offset);
		if (r == -ENOMEM || r == -EOPNOTSUPP)
			return r;
		return 0;
	}
	if (section[0] == 'X' && section[1] == '-')
		return 0; /* vendor extension sections are for other programs */
	if (startswith(key, "X-"))
		return 0;
	log_syntax(file, line, LOG_WARNING, 0, "Unknown key '%s' in section [%s], ignoring.", key,
		   section);
	return 0;
}
