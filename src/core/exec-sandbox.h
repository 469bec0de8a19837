/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_SANDBOX_H
#define EMBER_EXEC_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/exec-directories.h"
#include "core/exec-namespace.h"
#include "core/exec-process.h"
#include "units/directives.h"

/* The sandbox part of an execution environment (systemd.exec(5) "SECURITY", "CAPABILITIES",
 * "SCHEDULING", "SANDBOXING", the *Directory= family). Most units set none of it, so it is
 * allocated at the first such directive: a unit without any pays one pointer in its
 * exec_context. Rows in exec_sandbox_directives[] are offsets into this struct. */
struct exec_sandbox {
	/* Process attributes: capabilities, securebits, scheduling, affinity, personality,
	 * seccomp (exec-process.h). */
	struct exec_process process;

	/* The mount namespace: Private*, Protect*, *Paths=, TemporaryFileSystem=, MountFlags=
	 * (exec-namespace.h). */
	struct exec_namespace ns;

	/* RuntimeDirectory= and friends (exec-directories.h). */
	struct exec_directories directories;
};

struct exec_sandbox *exec_sandbox_new(void);
struct exec_sandbox *exec_sandbox_free(struct exec_sandbox *s);

extern const struct directive exec_sandbox_directives[];

#endif
