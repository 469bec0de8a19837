/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CTL_H
#define EMBER_CTL_H

#include <stdbool.h>

#include <dbus/dbus.h>

/* emberctl: the options every verb may consult, the verb signature and the exit codes.
 * emberctl is a client: it may block on its one D-Bus connection (style.md 3.7 binds
 * the manager, not its tools). */

/* Exit codes of LSB init scripts, which systemctl follows. */
enum {
	CTL_EXIT_SUCCESS = 0,
	CTL_EXIT_FAILURE = 1,
	CTL_EXIT_NOT_RUNNING = 3,       /* status/is-active: the unit is not active */
	CTL_EXIT_UNKNOWN = 4,           /* status: no such unit */
	CTL_EXIT_NOT_INSTALLED = 5,     /* start: no such unit */
};

struct ctl_options {
	bool user;                /* --user: $XDG_RUNTIME_DIR/ember */
	const char *runtime_dir;  /* --runtime-dir or $EMBER_RUNTIME_DIR; NULL: by scope */
	bool no_block;            /* don't wait for queued jobs */
	bool quiet;
	bool all;
	bool value;               /* show --value */
	bool legend;              /* headers and footers of the list verbs */
	bool plain;               /* list-dependencies without tree glyphs */
	bool show_types;          /* list-sockets: the TYPE column */
	bool resources;           /* list-units: the TASKS and MEMORY columns */
	bool reverse, before, after; /* list-dependencies direction */
	bool now;                 /* enable/disable --now */
	bool runtime;             /* enable/mask --runtime */
	bool force;
	bool no_reload;           /* no daemon-reload after enable/disable */
	char **types;             /* --type=, unit type suffixes */
	char **states;            /* --state=, load/active/sub states */
	char **properties;        /* --property= */
	const char *kill_whom;    /* main, control, all */
	int signal;
	const char *job_mode;
};

extern struct ctl_options arg;

/* A verb gets the connection and its arguments (argv[0] is the verb) and returns an
 * exit code (>= 0). */
typedef int (*ctl_verb_fn)(DBusConnection *bus, int argc, char **argv);

/* ctl-jobs.c */
int verb_start(DBusConnection *bus, int argc, char **argv);
int verb_kill(DBusConnection *bus, int argc, char **argv);
int verb_set_property(DBusConnection *bus, int argc, char **argv);
int verb_reset_failed(DBusConnection *bus, int argc, char **argv);
int verb_daemon_reload(DBusConnection *bus, int argc, char **argv);
int verb_is_active(DBusConnection *bus, int argc, char **argv);
/* Queues method (StartUnit, StopUnit, ...) in mode for each of names and, unless
 * --no-block, waits for the jobs. verb names the action in messages ("start"). Returns
 * an exit code. Used by enable --now too. */
int ctl_run_jobs(DBusConnection *bus, const char *method, const char *verb, const char *mode,
		 char *const *names);
/* " --user" or "", for hints that name an emberctl command line. */
const char *ctl_scope_option(void);

/* ctl-status.c, ctl-cat.c */
int verb_status(DBusConnection *bus, int argc, char **argv);
int verb_show(DBusConnection *bus, int argc, char **argv);
int verb_cat(DBusConnection *bus, int argc, char **argv);

/* ctl-list.c */
/* Mangles args into unit names (default suffix as given) and expands globs among them
 * against the loaded units. *ret is NULL if nothing matched. 0 or a logged -errno. */
int ctl_expand_names(DBusConnection *bus, char *const *args, const char *suffix, char ***ret);
/* The names of the loaded units that list-units would show for patterns (NULL: all),
 * with --state=, --type= and --all applied, in the manager's order. *ret is NULL if
 * there are none. 0 or a logged -errno. */
int ctl_list_shown_units(DBusConnection *bus, char *const *patterns, char ***ret);
int verb_list_units(DBusConnection *bus, int argc, char **argv);
int verb_list_unit_files(DBusConnection *bus, int argc, char **argv);
int verb_list_jobs(DBusConnection *bus, int argc, char **argv);

/* ctl-sockets.c */
int verb_list_sockets(DBusConnection *bus, int argc, char **argv);

/* ctl-deps.c */
int verb_list_dependencies(DBusConnection *bus, int argc, char **argv);

/* ctl-install.c */
int verb_enable(DBusConnection *bus, int argc, char **argv);
int verb_is_enabled(DBusConnection *bus, int argc, char **argv);
int verb_set_default(DBusConnection *bus, int argc, char **argv);
int verb_get_default(DBusConnection *bus, int argc, char **argv);

#endif
