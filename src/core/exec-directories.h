/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_DIRECTORIES_H
#define EMBER_EXEC_DIRECTORIES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "units/directives.h"

/* RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
 * ConfigurationDirectory= (systemd.exec(5)): directories below a per-kind root that the
 * child creates before it drops credentials, and whose paths it passes in the environment.
 * The RuntimeDirectory= ones are removed again when the service stops. */

enum exec_directory_type {
	EXEC_DIRECTORY_RUNTIME,       /* /run, $XDG_RUNTIME_DIR */
	EXEC_DIRECTORY_STATE,         /* /var/lib, $XDG_STATE_HOME */
	EXEC_DIRECTORY_CACHE,         /* /var/cache, $XDG_CACHE_HOME */
	EXEC_DIRECTORY_LOGS,          /* /var/log, $XDG_STATE_HOME/log */
	EXEC_DIRECTORY_CONFIGURATION, /* /etc, $XDG_CONFIG_HOME */
	_EXEC_DIRECTORY_MAX,
};

/* RuntimeDirectoryPreserve=. */
enum exec_preserve {
	EXEC_PRESERVE_NO,      /* removed whenever the service stops, restarts included */
	EXEC_PRESERVE_YES,     /* never removed */
	EXEC_PRESERVE_RESTART, /* kept across automatic and manual restarts only */
	_EXEC_PRESERVE_MAX,
};

/* Lives in struct exec_sandbox. */
struct exec_directories {
	char **paths[_EXEC_DIRECTORY_MAX]; /* relative, normalized ("foo", "foo/bar") */
	mode_t mode[_EXEC_DIRECTORY_MAX];  /* default 0755 */
	uint8_t runtime_preserve;          /* enum exec_preserve */
};

/* Sets the defaults (mode 0755, preserve no) / frees the lists. */
void exec_directories_init(struct exec_directories *d);
void exec_directories_done(struct exec_directories *d);

/* "RuntimeDirectory", ... for messages; "RUNTIME_DIRECTORY", ... for the environment. */
const char *exec_directory_type_to_string(enum exec_directory_type t);
const char *exec_directory_env_name(enum exec_directory_type t);

/* Directive parsers (rows in exec_sandbox_directives[]). The list parser takes a
 * char ** (one kind's list); the preserve parser a uint8_t. */
int parse_exec_directories(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_exec_preserve(const struct parse_ctx *c, const char *v, int arg, void *data);

struct exec_context;

/* The root of kind t: the system manager's fixed ones, or for a user manager the XDG
 * variables of the manager's own environment ($HOME based defaults). Returns 0 with a
 * newly allocated *ret, -ENXIO if the variable it needs ($XDG_RUNTIME_DIR, $HOME) is not
 * set, or -ENOMEM. Never blocks (no NSS). */
int exec_directory_root(enum exec_directory_type t, bool user_manager, char **ret);

/* The absolute paths of kind t for c (appended to *ret). 0, -ENXIO (see above), -ENOMEM. */
int exec_directories_paths_of(const struct exec_context *c, enum exec_directory_type t,
			      bool user_manager, char ***ret);

/* Every directory of every kind c asks for, as absolute paths, e.g. for the namespace set
 * up to keep them writable. Returns how many (*ret NULL if none), -ENXIO, -ENOMEM. */
int exec_directories_paths(const struct exec_context *c, bool user_manager, char ***ret);

/* Calls fn(dfd, name, st, userdata) for every entry below the directory dfd, children
 * before the directory that holds them; never follows a symbolic link and never enters a
 * directory on another file system than dev (nor passes it to fn). Stops at the first
 * error fn returns; returns 0 or -errno. */
typedef int (*exec_directories_walk_fn)(int dfd, const char *name, const struct stat *st,
					void *userdata);
int exec_directories_walk(int dfd, dev_t dev, exec_directories_walk_fn fn, void *userdata);

/* The service stopped: unless RuntimeDirectoryPreserve= keeps them (yes; restart while
 * restarting), moves each RuntimeDirectory= aside and removes it in a forked child that
 * the manager's reaper collects like any other. Never blocks. */
struct unit;
void exec_directories_runtime_stopped(struct unit *u, const struct exec_context *c,
				      bool restarting);

#endif
