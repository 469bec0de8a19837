/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_COMMAND_H
#define EMBER_EXEC_COMMAND_H

#include <stdbool.h>

/* One command line of ExecStart= and friends (systemd.service(5) "COMMAND LINES"). */

enum {
	EXEC_IGNORE_FAILURE = 1 << 0,  /* '-': a failing exit status counts as success */
	EXEC_ARGV0 = 1 << 1,           /* '@': the second word is argv[0] */
	EXEC_NO_ENV_EXPAND = 1 << 2,   /* ':': no $VAR expansion */
	EXEC_FULL_PRIVILEGES = 1 << 3, /* '+': no User=, sandboxing or limits */
	EXEC_NO_SETUID = 1 << 4,       /* '!': User= applied by the manager without setuid-less tricks */
	EXEC_AMBIENT_FALLBACK = 1 << 5,/* '!!' */
};

struct exec_command {
	char *path;    /* the program (absolute after load; searched in PATH at load if not) */
	char **argv;   /* argv[0] is path, or the '@' word; words still hold $VAR references */
	unsigned flags;
	struct exec_command *next;
};

/* Parses one ExecStart=-style value: prefixes, then words with "..."/'...' quoting and
 * C escapes (extract_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE). A lone ';' word
 * separates several commands on one line (returned as a list). Returns 0, -EINVAL with
 * *error set to a static message ("empty command", "bad quoting", "unknown prefix",
 * "'@' needs a second word", "control character in command"), or -ENOMEM. */
int exec_command_parse(const char *value, struct exec_command **ret, const char **error);

/* Appends the list c to *head. */
void exec_command_append(struct exec_command **head, struct exec_command *c);
/* Frees the whole list; returns NULL. */
struct exec_command *exec_command_free_list(struct exec_command *c);

/* Expands $VAR and ${VAR} in argv against env (NULL-terminated "K=V" strings): "${X}"
 * stays one word, a word that is exactly "$X" splits into the words of X's value, an
 * unset variable expands to nothing ("$X" alone then yields no word). "$$" is "$".
 * Returns a new argv or NULL on OOM. */
char **exec_command_expand_env(char *const *argv, char *const *env);

/* "/bin/foo a 'b c'" for display; NULL on OOM. */
char *exec_command_to_string(const struct exec_command *c);

#endif
