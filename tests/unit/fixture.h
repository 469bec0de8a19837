/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_TEST_FIXTURE_H
#define EMBER_TEST_FIXTURE_H

/* What the Check tests that need files or a manager share: a temporary directory per
 * test, files and links in it, and a --test manager over unit directories in it. */

struct manager;
struct unit;

/* The current test's directory (set by fixture_setup). */
extern char fixture_root[];

/* Creates a fresh directory /tmp/NAME-XXXXXX and quiets the log. */
void fixture_setup(const char *name);
/* Removes the directory and everything below it. */
void fixture_teardown(void);
/* ROOT/rel; the result stays valid for the next 8 calls. */
const char *fixture_path(const char *rel);
/* Writes text to ROOT/rel, creating parent directories. */
void fixture_write(const char *rel, const char *text);
/* Creates the symlink ROOT/rel -> target, creating parent directories. */
void fixture_link(const char *target, const char *rel);
/* A --test manager whose unit path is the given ROOT-relative dirs (":"-separated,
 * NULL = ROOT itself), set up once the files are written (the index is built here). */
struct manager *fixture_manager(const char *unit_dirs);
/* Loads name and everything it pulls in; asserts that it worked. */
struct unit *fixture_load(struct manager *m, const char *name);

#endif
