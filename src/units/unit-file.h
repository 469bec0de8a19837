/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_UNIT_FILE_H
#define EMBER_UNIT_FILE_H

/* The unit-file lexer (systemd.syntax(7)): "[Section]" headers, "Key=Value" assignments,
 * comments starting with '#' or ';' as the first non-blank character, a trailing '\'
 * continuing the line (the backslash and newline become one space; comment lines inside a
 * continuation are skipped), no line-length limit, whitespace around key and value trimmed.
 * Values are passed raw: quoting and escapes are for the directive parsers to interpret. */

/* Called once per assignment, in file order. section is NULL for an assignment that
 * stands before any section header (the lexer has already warned about it and does not
 * call fn for it, so section is never NULL in practice). line is the line the assignment
 * starts on. A negative return aborts parsing and is returned by unit_file_parse*(). */
typedef int (*unit_file_assign_fn)(const char *file, unsigned line, const char *section,
				   const char *key, const char *value, void *userdata);

/* Parses the file at path. Returns 0, -errno if the file cannot be read, or the callback's
 * negative return. Syntax problems (a line without '=', an unterminated section header)
 * are logged as warnings with file:line and skipped. */
int unit_file_parse(const char *path, unit_file_assign_fn fn, void *userdata);

/* Same, for text already in memory; name is used in messages. */
int unit_file_parse_string(const char *name, const char *text, unit_file_assign_fn fn,
			   void *userdata);

#endif
