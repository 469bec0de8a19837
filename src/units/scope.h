/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_SCOPE_H
#define EMBER_SCOPE_H

#include <sys/types.h>

struct unit;

/* A transient scope's PIDs (the PIDs property of StartTransientUnit), adopted at start. */
int scope_add_pid(struct unit *scope, pid_t pid);

#endif
