/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec-command.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

#define EXTRACT_EXEC (EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE)

static const char prefix_chars[] = "-@:+!";

struct exec_command *
exec_command_free_list(struct exec_command *c)
{
	while (c) {
		struct exec_command *next = c->next;

		free(c->path);
		strv_free(c->argv);
		free(c);
		c = next;
	}
	return NULL;
}

void
exec_command_append(struct exec_command **head, struct exec_command *c)
{
	struct exec_command **tail = head;

	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
}

/* Reads the prefix characters before the program. Each may appear once, except that
 * "!!" is its own prefix; '+' excludes '!' and "!!" (it already drops all privilege
 * handling). */
static int
parse_prefixes(const char **p, unsigned *ret)
{
	const char *s = *p;
	unsigned f = 0, bit;

	for (;; s++) {
		switch (*s) {
		case '-':
			bit = EXEC_IGNORE_FAILURE;
			break;
		case '@':
			bit = EXEC_ARGV0;
			break;
		case ':':
			bit = EXEC_NO_ENV_EXPAND;
			break;
		case '+':
			if (f & (EXEC_NO_SETUID | EXEC_AMBIENT_FALLBACK))
				return -EINVAL;
			bit = EXEC_FULL_PRIVILEGES;
			break;
		case '!':
			if (f & (EXEC_FULL_PRIVILEGES | EXEC_AMBIENT_FALLBACK))
				return -EINVAL;
			if (f & EXEC_NO_SETUID) {
				if (s[-1] != '!')
					return -EINVAL;
				f &= ~(unsigned)EXEC_NO_SETUID;
				bit = EXEC_AMBIENT_FALLBACK;
			} else {
				bit = EXEC_NO_SETUID;
			}
			break;
		case '|':
			/* A newer systemd prefix (run via the user's shell); refuse rather than
			 * run a program called "|...". */
			return -EINVAL;
		default:
			*p = s;
			*ret = f;
			return 0;
		}
		if (f & bit)
			return -EINVAL;
		f |= bit;
	}
}

static bool
is_token(const char *p, const char *token)
{
	const char *rest = startswith(p, token);

	return rest && (!*rest || strchr(WHITESPACE, *rest));
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Parses one command up to a lone ';' or the end of the value. */
static int
parse_one(const char **p, struct exec_command **ret, const char **error)
{
	struct exec_command *c;
	char *path = NULL, **argv = NULL, *word;
	unsigned flags;
	int r;

	if (parse_prefixes(p, &flags) < 0) {
		*error = "unknown prefix";
		return -EINVAL;
	}
	if (!**p || strchr(WHITESPACE, **p) || is_token(*p, ";")) {
		*error = "empty command";
		return -EINVAL;
	}
	r = extract_word(p, &path, WHITESPACE, EXTRACT_EXEC);
	if (r <= 0 || !*path) {
		if (r == -ENOMEM)
			return r;
		*error = r < 0 ? "bad quoting" : "empty command";
		free(path);
		return -EINVAL;
	}
	if (has_control(path)) {
		*error = "control character in command";
		r = -EINVAL;
		goto fail;
	}
	if (!(flags & EXEC_ARGV0)) {
		r = strv_extend(&argv, path);
		if (r < 0)
			goto fail;
	}

	for (;;) {
		*p += strspn(*p, WHITESPACE);
		if (!**p)
			break;
		if (is_token(*p, ";")) {
			(*p)++;
			break;
		}
		/* "\;" is a literal ';' word, which a plain ';' cannot be. */
		if (is_token(*p, "\\;")) {
			*p += 2;
			r = strv_extend(&argv, ";");
		} else {
			r = extract_word(p, &word, WHITESPACE, EXTRACT_EXEC);
			if (r == -EINVAL)
				*error = "bad quoting";
			if (r > 0)
				r = strv_consume(&argv, word);
		}
		if (r < 0)
			goto fail;
	}
	if (!argv) {
		*error = "'@' needs a second word";
		r = -EINVAL;
		goto fail;
	}

	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto fail;
	}
	c->path = path;
	c->argv = argv;
	c->flags = flags;
	*ret = c;
	return 0;
fail:
	free(path);
	strv_free(argv);
	return r;
}

int
exec_command_parse(const char *value, struct exec_command **ret, const char **error)
{
	struct exec_command *head = NULL, *c;
	const char *p = value, *err = NULL;
	int r;

	if (!value) {
		r = -EINVAL;
		err = "empty command";
		goto fail;
	}
	for (;;) {
		p += strspn(p, WHITESPACE);
		if (!*p)
			break;
		r = parse_one(&p, &c, &err);
		if (r < 0)
			goto fail;
		exec_command_append(&head, c);
	}
	if (!head) {
		r = -EINVAL;
		err = "empty command";
		goto fail;
	}
	*ret = head;
	return 0;
fail:
	exec_command_free_list(head);
	if (error && r == -EINVAL)
		*error = err;
	return r;
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The value of the last "name=" entry of env (later assignments override earlier). */
static const char *
env_lookup(char *const *env, const char *name, size_t n)
{
	const char *v = NULL;

	STRV_FOREACH(e, env)
		if (strneq(*e, name, n) && (*e)[n] == '=')
			v = *e + n + 1;
	return v;
}

/* The variable a word consists of, if it is exactly "$NAME": that form splits. */
static bool
is_lone_variable(const char *w, size_t *n)
{
	size_t k = 1;

	if (w[0] != '$' || !is_name_start(w[1]))
		return false;
	while (is_name_char(w[k]))
		k++;
	if (w[k])
		return false;
	*n = k - 1;
	return true;
}

/* Replaces "${NAME}", "$NAME" and "$$" inside one word; the result stays one word. */
static char *
expand_word(const char *w, char *const *env)
{
	struct strbuf b = { 0 };
	int r = 0;

	while (*w && r >= 0) {
		size_t n = strcspn(w, "$"), k;
		const char *name = NULL, *close;

		r = strbuf_append(&b, w, n);
		w += n;
		if (!*w || r < 0)
			break;
		if (w[1] == '$') {
			r = strbuf_putc(&b, '$');
			w += 2;
			continue;
		}
		if (w[1] == '{' && (close = strchr(w + 2, '}')) && close > w + 2 &&
		    is_name_start(w[2])) {
			for (k = 2; w + k < close && is_name_char(w[k]); k++)
				;
			if (w + k == close) {
				name = w + 2;
				n = k - 2;
				k++;
			}
		} else if (is_name_start(w[1])) {
			for (k = 1; is_name_char(w[k]); k++)
				;
			name = w + 1;
			n = k - 1;
		}
		if (!name) {
			/* Not a reference ("$1", "$ ", "${"): the '$' is literal. */
			r = strbuf_putc(&b, '$');
			w++;
			continue;
		}
		r = strbuf_puts(&b, strempty(env_lookup(env, name, n)));
		w += k;
	}
	if (r < 0) {
		strbuf_done(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

/* "$NAME" as a whole word: the value's words, quotes respected and removed. */
static int
split_value(char ***out, const char *value)
{
	const char *p = value;

	for (;;) {
		char *w;
		int r = extract_word(&p, &w, WHITESPACE, EXTRACT_UNQUOTE | EXTRACT_RELAX);

		if (r < 0)
			return r;
		if (r == 0)
			return 0;
		r = strv_consume(out, w);
		if (r < 0)
			return r;
	}
}

char **
exec_command_expand_env(char *const *argv, char *const *env)
{
	char **out = calloc(1, sizeof(char *));
	int r = 0;

	if (!out)
		return NULL;
	STRV_FOREACH(w, argv) {
		size_t n;

		if (is_lone_variable(*w, &n)) {
			const char *v = env_lookup(env, *w + 1, n);

			r = v ? split_value(&out, v) : 0;
		} else {
			r = strv_consume(&out, expand_word(*w, env));
		}
		if (r < 0)
			return strv_free(out);
	}
	return out;
}

static int
put_quoted(struct strbuf *b, const char *w, bool always)
{
	char *q = quote_word_full(w, always);
	int r;

	if (!q)
		return -ENOMEM;
	r = strbuf_puts(b, q);
	free(q);
	return r;
}

char *
exec_command_to_string(const struct exec_command *c)
{
	struct strbuf b = { 0 };
	char *const *rest;
	int r = 0;

	if (!c)
		return NULL;
	if (c->flags & EXEC_IGNORE_FAILURE)
		r = strbuf_putc(&b, '-');
	if (r >= 0 && (c->flags & EXEC_ARGV0))
		r = strbuf_putc(&b, '@');
	if (r >= 0 && (c->flags & EXEC_NO_ENV_EXPAND))
		r = strbuf_putc(&b, ':');
	if (r >= 0 && (c->flags & EXEC_FULL_PRIVILEGES))
		r = strbuf_putc(&b, '+');
	if (r >= 0 && (c->flags & EXEC_AMBIENT_FALLBACK))
		r = strbuf_puts(&b, "!!");
	else if (r >= 0 && (c->flags & EXEC_NO_SETUID))
		r = strbuf_putc(&b, '!');
	/* A program whose name starts like a prefix must be quoted to read back the same. */
	if (r >= 0)
		r = put_quoted(&b, strempty(c->path), c->path && strchr(prefix_chars, c->path[0]));

	rest = c->argv;
	if (rest && *rest && !(c->flags & EXEC_ARGV0))
		rest++;
	for (; r >= 0 && rest && *rest; rest++) {
		r = strbuf_putc(&b, ' ');
		if (r >= 0)
			r = put_quoted(&b, *rest, false);
	}
	if (r < 0) {
		strbuf_done(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}
