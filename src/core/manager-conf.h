/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_MANAGER_CONF_H
#define EMBER_MANAGER_CONF_H

struct manager;

/* Reads ember.conf (system) or user.conf (user) [Manager] with inih, into m->defaults,
 * the log settings and show_status. A missing file is fine; a bad line is a warning
 * naming file and line. path NULL = the default location. */
int manager_parse_config(struct manager *m, const char *path);

#endif
