/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "core/exec-sandbox.h"
#include "macro.h"

/* Defaults of the sandbox settings, and their directive rows. The steps that apply them in
 * the child are in spawn-*.c. */

struct exec_sandbox *
exec_sandbox_new(void)
{
	struct exec_sandbox *s = calloc(1, sizeof(*s));

	return s;
}

struct exec_sandbox *
exec_sandbox_free(struct exec_sandbox *s)
{
	if (!s)
		return NULL;
	free(s);
	return NULL;
}

#define SANDBOX_ROW(name, parse, arg, field) \
	{ NULL, name, parse, arg, offsetof(struct exec_sandbox, field) }

const struct directive exec_sandbox_directives[] = {
	{ NULL }
};
