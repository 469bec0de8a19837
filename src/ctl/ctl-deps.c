/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list-dependencies: the requirement tree of a unit, as systemctl draws it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "ctl-props.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* Deep enough for any real tree; a guard against a manager that invents units. */
#define MAX_DEPTH 64

static const char *const forward_props[] = { "Requires", "Requisite", "Wants", "ConsistsOf",
					     "BindsTo", "Upholds", NULL };
static const char *const reverse_props[] = { "RequiredBy", "RequisiteOf", "WantedBy", "PartOf",
					     "BoundBy", "UpheldBy", NULL };
static const char *const after_props[] = { "After", NULL };
static const char *const before_props[] = { "Before", NULL };

static const char *const *
dep_props(void)
{
	if (arg.after)
		return after_props;
	if (arg.before)
		return before_props;
	return arg.reverse ? reverse_props : forward_props;
}

static bool
is_target(const char *name)
{
	return endswith(name, ".target");
}

/* Targets after everything else, each group alphabetical, as systemctl orders them. */
static int
compare_deps(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (is_target(x) != is_target(y))
		return is_target(x) ? 1 : -1;
	return strcasecmp(x, y);
}

/* The sorted, de-duplicated dependencies of a unit whose properties are p. */
static int
collect_deps(const struct props *p, char ***ret)
{
	_cleanup_strv_free_ char **deps = NULL;
	const char *const *names = dep_props();

	for (size_t i = 0; names[i]; i++) {
		_cleanup_strv_free_ char **l = props_strv(p, names[i]);

		STRV_FOREACH(d, l)
			if (strv_extend_unique(&deps, *d) < 0)
				return -ENOMEM;
	}
	if (deps)
		qsort(deps, strv_length(deps), sizeof(char *), compare_deps);
	*ret = TAKE_PTR(deps);
	return 0;
}

/* branches[l] tells whether level l still has siblings to come (draw "│ "). */
static void
print_node(const char *name, const char *state, int level, const bool *branches, bool last)
{
	if (arg.plain) {
		for (int l = 0; l <= level; l++)
			fputs("  ", stdout);
		printf("%s\n", name);
		return;
	}
	printf("%s%s%s ", ansi(active_state_color(state)), glyph(active_state_glyph(state)),
	       ansi(COLOR_NORMAL));
	for (int l = 0; l < level; l++)
		fputs(glyph(branches[l] ? GLYPH_TREE_VERTICAL : GLYPH_TREE_SPACE), stdout);
	printf("%s%s\n", glyph(last ? GLYPH_TREE_RIGHT : GLYPH_TREE_BRANCH), name);
}

static int
list_deps(DBusConnection *bus, const struct props *p, int level, bool *branches, char ***stack)
{
	_cleanup_strv_free_ char **deps = NULL;
	int r;

	r = collect_deps(p, &deps);
	if (r < 0)
		return log_oom();
	STRV_FOREACH(d, deps) {
		struct props child = { 0 };
		bool last = !d[1];
		DBusError e;
		_cleanup_free_ char *path = unit_bus_path(*d);

		if (!path)
			return log_oom();
		dbus_error_init(&e);
		/* A dependency the manager cannot describe still belongs in the tree. */
		if (props_load(bus, path, UNIT_IFACE, &child, &e) < 0)
			dbus_error_free(&e);
		print_node(*d, props_string(&child, "ActiveState"), level, branches, last);

		if ((arg.all || is_target(*d)) && !strv_contains(*stack, *d) &&
		    level + 1 < MAX_DEPTH) {
			if (strv_extend(stack, *d) < 0) {
				props_done(&child);
				return log_oom();
			}
			branches[level] = !last;
			r = list_deps(bus, &child, level + 1, branches, stack);
			strv_remove(*stack, *d);
			if (r < 0) {
				props_done(&child);
				return r;
			}
		}
		props_done(&child);
	}
	return 0;
}

int
verb_list_dependencies(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	char *def[] = { (char *)"default.target", NULL };
	int ret = CTL_EXIT_SUCCESS;

	if (ctl_expand_names(bus, argc > 1 ? argv + 1 : def, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		_cleanup_strv_free_ char **stack = NULL;
		_cleanup_free_ char *path = unit_bus_path(*n);
		struct props p = { 0 };
		bool branches[MAX_DEPTH] = { false };
		DBusError e;

		if (!path || strv_extend(&stack, *n) < 0)
			return log_oom(), CTL_EXIT_FAILURE;
		dbus_error_init(&e);
		if (props_load(bus, path, UNIT_IFACE, &p, &e) < 0) {
			log_error("Failed to get properties of %s: %s", *n, bus_error_text(&e));
			dbus_error_free(&e);
			props_done(&p);
			ret = CTL_EXIT_FAILURE;
			continue;
		}
		printf("%s\n", *n);
		if (list_deps(bus, &p, 0, branches, &stack) < 0)
			ret = CTL_EXIT_FAILURE;
		props_done(&p);
	}
	return ret;
}
