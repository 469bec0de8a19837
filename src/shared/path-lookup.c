/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "macro.h"
#include "path-lookup.h"
#include "strv.h"

static int
add(char ***l, const char *a, const char *b)
{
	char *s;

	if (!a)
		return 0;
	if (asprintf(&s, "%s%s", a, b ? b : "") < 0)
		return -ENOMEM;
	return strv_consume(l, s);
}

static int
system_paths(char ***l)
{
	static const char *const dirs[] = {
		"/etc/ember/system", "/run/ember/system", UNITDIR_SYSTEM, "/usr/lib/ember/system",
		"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
		"/lib/systemd/system", "/usr/lib/systemd/system",
	};

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (strv_extend_unique(l, dirs[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
user_paths(char ***l)
{
	const char *home = getenv("HOME"), *xdg_config = getenv("XDG_CONFIG_HOME");
	const char *xdg_runtime = getenv("XDG_RUNTIME_DIR"), *xdg_data = getenv("XDG_DATA_HOME");
	_cleanup_free_ char *config = NULL, *data = NULL;
	int r = 0;

	if (xdg_config)
		config = strdup(xdg_config);
	else if (home && asprintf(&config, "%s/.config", home) < 0)
		config = NULL;
	if (xdg_data)
		data = strdup(xdg_data);
	else if (home && asprintf(&data, "%s/.local/share", home) < 0)
		data = NULL;

	r |= add(l, config, "/ember/user");
	r |= add(l, "/etc/ember/user", NULL);
	r |= add(l, xdg_runtime, "/ember/user");
	r |= add(l, UNITDIR_USER, NULL);
	r |= add(l, "/usr/lib/ember/user", NULL);
	r |= add(l, config, "/systemd/user");
	r |= add(l, "/etc/systemd/user", NULL);
	r |= add(l, xdg_runtime, "/systemd/user");
	r |= add(l, data, "/systemd/user");
	r |= add(l, "/usr/local/lib/systemd/user", NULL);
	r |= add(l, "/usr/lib/systemd/user", NULL);
	return r < 0 ? -ENOMEM : 0;
}

int
lookup_paths_init(struct lookup_paths *lp, enum manager_scope scope, const char *unit_path,
		  const char *runtime_dir)
{
	int r;

	*lp = (struct lookup_paths){ 0 };
	if (unit_path) {
		lp->search = strv_split(unit_path, ":");
		if (!lp->search)
			return -ENOMEM;
		if (!lp->search[0]) {
			lookup_paths_done(lp);
			return -EINVAL;
		}
		lp->persistent_config = strdup(lp->search[0]);
		/* --unit-path replaces everything: runtime links go beside persistent ones. */
		lp->runtime_config = strdup(lp->search[0]);
	} else {
		r = scope == SCOPE_SYSTEM ? system_paths(&lp->search) : user_paths(&lp->search);
		if (r < 0 || !lp->search)
			goto oom;
		lp->persistent_config = strdup(lp->search[0]);
		if (scope == SCOPE_SYSTEM)
			lp->runtime_config = strdup("/run/ember/system");
		else if (getenv("XDG_RUNTIME_DIR") &&
			 asprintf(&lp->runtime_config, "%s/ember/user", getenv("XDG_RUNTIME_DIR")) < 0)
			lp->runtime_config = NULL;
		else if (!getenv("XDG_RUNTIME_DIR"))
			lp->runtime_config = strdup(lp->persistent_config);
	}
	if (runtime_dir && asprintf(&lp->generator, "%s/generator", runtime_dir) < 0)
		lp->generator = NULL;
	if (!lp->persistent_config || !lp->runtime_config || (runtime_dir && !lp->generator))
		goto oom;
	/* Generated units come last: a native unit of the same name always wins. */
	if (lp->generator && strv_extend(&lp->search, lp->generator) < 0)
		goto oom;
	return 0;
oom:
	lookup_paths_done(lp);
	return -ENOMEM;
}

void
lookup_paths_done(struct lookup_paths *lp)
{
	lp->search = strv_free(lp->search);
	lp->persistent_config = mfree(lp->persistent_config);
	lp->runtime_config = mfree(lp->runtime_config);
	lp->generator = mfree(lp->generator);
}
