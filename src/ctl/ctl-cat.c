/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cat: a unit's fragment and drop-ins, each under a "# path" header. */
#include <errno.h>
#include <stdio.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "ctl-props.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static int
cat_file(const char *path, bool *first)
{
	FILE *f = fopen(path, "re");
	char buf[4096];
	size_t n;
	bool nl = true;

	if (!f)
		return -errno;
	if (!*first)
		putchar('\n');
	*first = false;
	printf("%s# %s%s\n", ansi(COLOR_BOLD), path, ansi(COLOR_NORMAL));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		fwrite(buf, 1, n, stdout);
		nl = buf[n - 1] == '\n';
	}
	fclose(f);
	if (!nl)
		putchar('\n');
	return 0;
}

int
verb_cat(DBusConnection *bus, int argc, char **argv)
{
	_cleanup_strv_free_ char **names = NULL;
	int ret = CTL_EXIT_SUCCESS;
	bool first = true;

	if (ctl_expand_names(bus, argv + 1, ".service", &names) < 0)
		return CTL_EXIT_FAILURE;
	STRV_FOREACH(n, names) {
		struct props p = { 0 };
		_cleanup_strv_free_ char **dropins = NULL;
		const char *frag, *load;
		DBusError e;
		int r;

		dbus_error_init(&e);
		if (props_load_unit(bus, *n, &p, &e) < 0) {
			log_error("Failed to get properties of %s: %s", *n, bus_error_text(&e));
			dbus_error_free(&e);
			props_done(&p);
			ret = CTL_EXIT_FAILURE;
			continue;
		}
		frag = props_string(&p, "FragmentPath");
		load = props_string(&p, "LoadState");
		dropins = props_strv(&p, "DropInPaths");
		fflush(stdout);
		if (load && streq(load, "masked")) {
			log_error("Unit %s is masked.", *n);
			ret = CTL_EXIT_FAILURE;
		} else if (isempty(frag) && !dropins) {
			log_error("No files found for %s.", *n);
			ret = CTL_EXIT_FAILURE;
		} else {
			if (!isempty(frag)) {
				r = cat_file(frag, &first);
				if (r < 0) {
					log_error_errno(r, "Failed to read %s: %m", frag);
					ret = CTL_EXIT_FAILURE;
				}
			}
			STRV_FOREACH(d, dropins) {
				r = cat_file(*d, &first);
				if (r < 0) {
					log_error_errno(r, "Failed to read %s: %m", *d);
					ret = CTL_EXIT_FAILURE;
				}
			}
		}
		props_done(&p);
	}
	return ret;
}
