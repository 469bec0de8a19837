/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "units/unit-file.h"

/* Lines have no length limit, but a whole file does: a unit path that leads to something
 * endless must not eat PID 1's memory. Real unit files are a few KiB. */
#define UNIT_FILE_SIZE_MAX (64u * 1024u * 1024u)

struct lexer {
	const char *name;
	unit_file_assign_fn fn;
	void *userdata;
	char *section;        /* NULL before the first header, or after an invalid one */
	struct strbuf line;   /* the logical line being assembled */
	unsigned start_line;  /* where it began */
	bool continuing;      /* the last physical line ended in a backslash */
};

static int
lexer_section(struct lexer *lx, char *l, unsigned line)
{
	char *close = strchr(l, ']');
	char *name;

	lx->section = mfree(lx->section);
	if (!close) {
		log_syntax(lx->name, line, LOG_WARNING, 0,
			   "Unterminated section header '%s', ignoring the section.", l);
		return 0;
	}
	*close = 0;
	name = strstrip(l + 1);
	if (!*name) {
		log_syntax(lx->name, line, LOG_WARNING, 0,
			   "Empty section name, ignoring the section.");
		return 0;
	}
	if (close[1])
		log_syntax(lx->name, line, LOG_WARNING, 0,
			   "Text after section header [%s], ignoring the text: %s", name,
			   close + 1 + strspn(close + 1, WHITESPACE));
	lx->section = strdup(name);
	return lx->section ? 0 : -ENOMEM;
}

static int
lexer_logical_line(struct lexer *lx)
{
	char *l = strstrip(lx->line.s), *eq, *key, *value;
	unsigned line = lx->start_line;

	if (!l || !*l)
		return 0;
	if (*l == '[')
		return lexer_section(lx, l, line);

	eq = strchr(l, '=');
	if (!eq) {
		log_syntax(lx->name, line, LOG_WARNING, 0, "Missing '=', ignoring line: %s", l);
		return 0;
	}
	*eq = 0;
	key = strstrip(l);
	value = strstrip(eq + 1);
	if (!*key) {
		log_syntax(lx->name, line, LOG_WARNING, 0, "Missing key before '=', ignoring line.");
		return 0;
	}
	if (!lx->section) {
		log_syntax(lx->name, line, LOG_WARNING, 0,
			   "Assignment %s= outside of a valid section, ignoring.", key);
		return 0;
	}
	return lx->fn(lx->name, line, lx->section, key, value, lx->userdata);
}

/* True if the line (without its newline) ends in an unescaped backslash: "\\" at the
 * end is an escaped backslash, not a continuation. */
static bool
ends_in_continuation(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[n - 1 - k] == '\\')
		k++;
	return k % 2 == 1;
}

static int
lexer_physical_line(struct lexer *lx, const char *s, size_t n, unsigned line)
{
	size_t blank = 0;
	int r;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	while (blank < n && strchr(WHITESPACE, s[blank]))
		blank++;
	/* A comment is a comment even inside a continuation: the continued line goes on
	 * with whatever follows the comment block (systemd.syntax(7)). */
	if (blank < n && (s[blank] == '#' || s[blank] == ';'))
		return 0;

	if (!lx->continuing) {
		strbuf_reset(&lx->line);
		lx->start_line = line;
	}
	lx->continuing = ends_in_continuation(s, n);
	if (lx->continuing) {
		r = strbuf_append(&lx->line, s, n - 1);
		if (r >= 0)
			r = strbuf_putc(&lx->line, ' ');
		return r;
	}
	r = strbuf_append(&lx->line, s, n);
	if (r < 0)
		return r;
	return lexer_logical_line(lx);
}

int
unit_file_parse_string(const char *name, const char *text, unit_file_assign_fn fn,
		       void *userdata)
{
	struct lexer lx = { .name = name ? name : "(string)", .fn = fn, .userdata = userdata };
	const char *p = text;
	unsigned line = 0;
	int r = 0;

	if (!text || !fn)
		return -EINVAL;
	/* Editors on other systems like to start files with a UTF-8 byte order mark. */
	if (startswith(p, "\xef\xbb\xbf"))
		p += 3;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		line++;
		r = lexer_physical_line(&lx, p, n, line);
		if (r < 0)
			goto out;
		p += n;
		if (*p)
			p++;
	}
	/* The file ended right after a backslash: what was collected still counts. */
	if (lx.continuing)
		r = lexer_logical_line(&lx);
out:
	strbuf_done(&lx.line);
	free(lx.section);
	return r < 0 ? r : 0;
}

static int
read_unit_file(const char *path, char **ret)
{
	struct stat st;
	size_t len = 0;
	int fd, r = 0;

	/* O_NONBLOCK: opening a FIFO must not hang the manager; fstat() rejects it next. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		r = -EBADFD;
		goto out;
	}
	r = read_full_fd(fd, UNIT_FILE_SIZE_MAX, ret, &len);
out:
	close(fd);
	if (r < 0)
		return r;
	if (strlen(*ret) != len)
		log_warning("%s: File contains a NUL byte, ignoring everything after it.", path);
	return 0;
}

int
unit_file_parse(const char *path, unit_file_assign_fn fn, void *userdata)
{
	char *text;
	int r;

	if (!path || !fn)
		return -EINVAL;
	r = read_unit_file(path, &text);
	if (r < 0)
		return r;
	r = unit_file_parse_string(path, text, fn, userdata);
	free(text);
	return r;
}
