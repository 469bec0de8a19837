/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How emberctl prints: colors, glyphs, tables and the small formatters they need. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl-output.h"
#include "macro.h"
#include "string-util.h"

static int
cached_bool(int *cache, bool (*compute)(void))
{
	if (*cache < 0)
		*cache = compute();
	return *cache;
}

static bool
compute_colors(void)
{
	const char *term = getenv("TERM");

	if (getenv("NO_COLOR"))
		return false;
	return isatty(STDOUT_FILENO) && term && !streq(term, "dumb");
}

static bool
compute_utf8(void)
{
	const char *set;

	/* Like systemctl: UTF-8 unless the locale says otherwise. A plain "C" locale that
	 * nobody asked for (no LANG, LC_ALL, LC_CTYPE) counts as UTF-8. */
	if (!setlocale(LC_CTYPE, ""))
		return true;
	set = nl_langinfo(CODESET);
	if (!set || streq(set, "UTF-8"))
		return true;
	set = setlocale(LC_CTYPE, NULL);
	if (!set)
		return true;
	return (streq(set, "C") || streq(set, "POSIX")) && !getenv("LC_ALL") &&
	       !getenv("LC_CTYPE") && !getenv("LANG");
}

static int colors_cache = -1, utf8_cache = -1;

const char *
ansi(enum ctl_color c)
{
	static const char *const seq[_COLOR_MAX] = {
		[COLOR_NORMAL] = "\x1b[0m",
		[COLOR_RED] = "\x1b[0;1;31m",
		[COLOR_GREEN] = "\x1b[0;1;32m",
		[COLOR_YELLOW] = "\x1b[0;1;33m",
		[COLOR_BOLD] = "\x1b[0;1;39m",
		[COLOR_UNDERLINE] = "\x1b[0;4m",
		[COLOR_GREY] = "\x1b[0;38;5;245m",
	};

	if (c < 0 || c >= _COLOR_MAX || !cached_bool(&colors_cache, compute_colors))
		return "";
	return seq[c];
}

const char *
glyph(enum ctl_glyph g)
{
	static const char *const utf8[_GLYPH_MAX] = {
		[GLYPH_BLACK_CIRCLE] = "\u25cf",
		[GLYPH_WHITE_CIRCLE] = "\u25cb",
		[GLYPH_CROSS] = "\u00d7",
		[GLYPH_CIRCLE_ARROW] = "\u21bb",
		[GLYPH_TREE_VERTICAL] = "\u2502 ",
		[GLYPH_TREE_BRANCH] = "\u251c\u2500",
		[GLYPH_TREE_RIGHT] = "\u2514\u2500",
		[GLYPH_TREE_SPACE] = "  ",
		[GLYPH_ARROW] = "\u2192",
		[GLYPH_ELLIPSIS] = "\u2026",
		[GLYPH_BULLET] = "\u2022",
	};
	static const char *const ascii[_GLYPH_MAX] = {
		[GLYPH_BLACK_CIRCLE] = "*",
		[GLYPH_WHITE_CIRCLE] = "*",
		[GLYPH_CROSS] = "x",
		[GLYPH_CIRCLE_ARROW] = "*",
		[GLYPH_TREE_VERTICAL] = "| ",
		[GLYPH_TREE_BRANCH] = "|-",
		[GLYPH_TREE_RIGHT] = "`-",
		[GLYPH_TREE_SPACE] = "  ",
		[GLYPH_ARROW] = "->",
		[GLYPH_ELLIPSIS] = "...",
		[GLYPH_BULLET] = "*",
	};

	if (g < 0 || g >= _GLYPH_MAX)
		return "";
	return cached_bool(&utf8_cache, compute_utf8) ? utf8[g] : ascii[g];
}

enum ctl_glyph
active_state_glyph(const char *state)
{
	if (!state)
		return GLYPH_WHITE_CIRCLE;
	if (streq(state, "failed") || streq(state, "error"))
		return GLYPH_CROSS;
	if (streq(state, "reloading"))
		return GLYPH_CIRCLE_ARROW;
	if (streq(state, "inactive") || streq(state, "maintenance"))
		return GLYPH_WHITE_CIRCLE;
	return GLYPH_BLACK_CIRCLE;
}

enum ctl_color
active_state_color(const char *state)
{
	if (!state)
		return COLOR_NORMAL;
	if (streq(state, "failed") || streq(state, "error"))
		return COLOR_RED;
	if (streq(state, "active") || streq(state, "reloading") || streq(state, "activating"))
		return COLOR_GREEN;
	return COLOR_NORMAL;
}

size_t
utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

unsigned
terminal_columns(void)
{
	struct winsize ws;
	const char *e;
	unsigned long c;

	if (!isatty(STDOUT_FILENO))
		return 0;
	e = getenv("COLUMNS");
	if (e && safe_atolu(e, &c) >= 0 && c > 0)
		return (unsigned)c;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) >= 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

char *
format_timestamp_relative(char *buf, size_t l, usec_t t)
{
	static const usec_t hour = 60 * USEC_PER_MINUTE, day = 24 * hour;
	static const usec_t week = 7 * day, month = 2629800 * USEC_PER_SEC;
	static const usec_t year = 31557600 * USEC_PER_SEC;
	usec_t n = now(CLOCK_REALTIME), d;
	const char *suffix = "ago";

	if (t == 0 || t == USEC_INFINITY) {
		snprintf(buf, l, "n/a");
		return buf;
	}
	if (n >= t)
		d = n - t;
	else {
		d = t - n;
		suffix = "left";
	}

	/* Two units at most, coarser as the span grows: a reader wants "3 days", not
	 * seconds. */
#define PL(x) ((x) == 1 ? "" : "s")
	if (d >= year) {
		unsigned long long y = d / year, m = (d % year) / month;
		snprintf(buf, l, "%llu year%s %llu month%s %s", y, PL(y), m, PL(m), suffix);
	} else if (d >= month) {
		unsigned long long m = d / month, dd = (d % month) / day;
		snprintf(buf, l, "%llu month%s %llu day%s %s", m, PL(m), dd, PL(dd), suffix);
	} else if (d >= week) {
		unsigned long long w = d / week, dd = (d % week) / day;
		snprintf(buf, l, "%llu week%s %llu day%s %s", w, PL(w), dd, PL(dd), suffix);
	} else if (d >= 2 * day)
		snprintf(buf, l, "%llu days %s", (unsigned long long)(d / day), suffix);
	else if (d >= 25 * hour)
		snprintf(buf, l, "1 day %lluh %s", (unsigned long long)((d - day) / hour), suffix);
	else if (d >= 6 * hour)
		snprintf(buf, l, "%lluh %s", (unsigned long long)(d / hour), suffix);
	else if (d >= hour)
		snprintf(buf, l, "%lluh %llumin %s", (unsigned long long)(d / hour),
			 (unsigned long long)((d % hour) / USEC_PER_MINUTE), suffix);
	else if (d >= 5 * USEC_PER_MINUTE)
		snprintf(buf, l, "%llumin %s", (unsigned long long)(d / USEC_PER_MINUTE), suffix);
	else if (d >= USEC_PER_MINUTE)
		snprintf(buf, l, "%llumin %llus %s", (unsigned long long)(d / USEC_PER_MINUTE),
			 (unsigned long long)((d % USEC_PER_MINUTE) / USEC_PER_SEC), suffix);
	else if (d >= USEC_PER_SEC)
		snprintf(buf, l, "%llus %s", (unsigned long long)(d / USEC_PER_SEC), suffix);
	else if (d >= USEC_PER_MSEC)
		snprintf(buf, l, "%llums %s", (unsigned long long)(d / USEC_PER_MSEC), suffix);
	else if (d > 0)
		snprintf(buf, l, "%lluus %s", (unsigned long long)d, suffix);
	else
		snprintf(buf, l, "now");
#undef PL
	return buf;
}

const char *
exit_status_name(int status)
{
	/* The LSB codes and the ones systemd.exec(5) documents for setup failures. */
	static const struct {
		int status;
		const char *name;
	} names[] = {
		{ 0, "SUCCESS" },         { 1, "FAILURE" },          { 2, "INVALIDARGUMENT" },
		{ 3, "NOTIMPLEMENTED" },  { 4, "NOPERMISSION" },     { 5, "NOTINSTALLED" },
		{ 6, "NOTCONFIGURED" },   { 7, "NOTRUNNING" },       { 200, "CHDIR" },
		{ 201, "NICE" },          { 202, "FDS" },            { 203, "EXEC" },
		{ 204, "MEMORY" },        { 205, "LIMITS" },         { 206, "OOM_ADJUST" },
		{ 207, "SIGNAL_MASK" },   { 208, "STDIN" },          { 209, "STDOUT" },
		{ 210, "CHROOT" },        { 211, "IOPRIO" },         { 212, "TIMERSLACK" },
		{ 213, "SECUREBITS" },    { 214, "SETSCHEDULER" },   { 215, "CPUAFFINITY" },
		{ 216, "GROUP" },         { 217, "USER" },           { 218, "CAPABILITIES" },
		{ 219, "CGROUP" },        { 220, "SETSID" },         { 222, "STDERR" },
		{ 224, "PAM" },           { 225, "NETWORK" },        { 226, "NAMESPACE" },
		{ 227, "NO_NEW_PRIVILEGES" }, { 233, "RUNTIME_DIRECTORY" }, { 235, "CHOWN" },
		{ 238, "STATE_DIRECTORY" }, { 243, "CREDENTIALS" },
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (names[i].status == status)
			return names[i].name;
	return NULL;
}

const char *
signal_name(int sig)
{
	if (sig <= 0 || sig >= NSIG)
		return NULL;
	return sigabbrev_np(sig);
}

int
signal_from_string(const char *s)
{
	const char *p;
	int n;

	if (isempty(s))
		return -EINVAL;
	if (safe_atoi(s, &n) >= 0)
		return n > 0 && n < NSIG ? n : -EINVAL;
	p = startswith(s, "SIG");
	if (!p)
		p = s;
	for (int i = 1; i < NSIG; i++) {
		const char *name = sigabbrev_np(i);

		if (name && streq(name, p))
			return i;
	}
	return -EINVAL;
}

const char *
sigchld_code_name(int code)
{
	switch (code) {
	case CLD_EXITED:
		return "exited";
	case CLD_KILLED:
		return "killed";
	case CLD_DUMPED:
		return "dumped";
	case CLD_TRAPPED:
		return "trapped";
	case CLD_STOPPED:
		return "stopped";
	case CLD_CONTINUED:
		return "continued";
	default:
		return NULL;
	}
}

char *
format_exit(char *buf, size_t l, int code, int status)
{
	const char *c = sigchld_code_name(code), *name;

	if (!c) {
		snprintf(buf, l, "code=%d, status=%d", code, status);
		return buf;
	}
	if (code == CLD_EXITED) {
		name = exit_status_name(status);
		if (name)
			snprintf(buf, l, "code=%s, status=%d/%s", c, status, name);
		else
			snprintf(buf, l, "code=%s, status=%d", c, status);
	} else {
		name = signal_name(status);
		if (name)
			snprintf(buf, l, "code=%s, signal=%s", c, name);
		else
			snprintf(buf, l, "code=%s, signal=%d", c, status);
	}
	return buf;
}

struct table {
	size_t n_cols;
	char **cells;            /* row-major; the first n_cols are the headers */
	enum ctl_color *colors;
	size_t n_cells, cap;
};

struct table *
table_new(size_t n_cols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->n_cols = n_cols;
	for (size_t i = 0; i < n_cols; i++)
		if (table_add(t, headers[i], COLOR_NORMAL) < 0)
			return table_free(t), NULL;
	return t;
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->colors);
	free(t);
}

int
table_add(struct table *t, const char *text, enum ctl_color color)
{
	char *s;

	if (t->n_cells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c = realloc(t->cells, cap * sizeof(*c));
		enum ctl_color *k;

		if (!c)
			return -ENOMEM;
		t->cells = c;
		k = realloc(t->colors, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		t->colors = k;
		t->cap = cap;
	}
	s = strdup(strempty(text));
	if (!s)
		return -ENOMEM;
	t->cells[t->n_cells] = s;
	t->colors[t->n_cells] = color;
	t->n_cells++;
	return 0;
}

size_t
table_rows(const struct table *t)
{
	return t->n_cells / t->n_cols - 1;
}

static void
print_cell(FILE *f, const char *s, enum ctl_color c, size_t width, bool pad, size_t limit)
{
	size_t w = utf8_width(s);

	if (c != COLOR_NORMAL)
		fputs(ansi(c), f);
	if (limit > 0 && w > limit) {
		/* Cut at a code point boundary and mark the cut. */
		size_t keep = limit > 1 ? limit - 1 : 0, cols = 0;
		const char *p = s;

		while (*p && cols < keep) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			cols++;
		}
		fwrite(s, 1, (size_t)(p - s), f);
		fputs(glyph(GLYPH_ELLIPSIS), f);
		w = limit;
	} else
		fputs(s, f);
	if (c != COLOR_NORMAL)
		fputs(ansi(COLOR_NORMAL), f);
	if (pad)
		for (; w < width; w++)
			fputc(' ', f);
}

/* A cell may hold several lines, separated by '\n' (list-sockets' ACTIVATES when a socket
 * triggers more than one unit): the row then takes that many lines of output, with the
 * other cells blank below their first line, as systemctl prints it. */
static size_t
cell_lines(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static size_t
cell_width(const char *s)
{
	size_t w = 0, max = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			max = MAX(max, w);
			w = 0;
		} else if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	return MAX(max, w);
}

/* Line k of s, newly allocated: "" past its last line, NULL on OOM. */
static char *
cell_line(const char *s, size_t k)
{
	for (; k > 0 && s; k--) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return s ? strndup(s, strcspn(s, "\n")) : strdup("");
}

void
table_print(const struct table *t, bool header, FILE *f)
{
	size_t widths[t->n_cols], used = 0, limit = 0;
	unsigned cols = terminal_columns();

	memset(widths, 0, sizeof(widths));
	for (size_t i = header ? 0 : t->n_cols; i < t->n_cells; i++) {
		size_t w = cell_width(t->cells[i]);

		if (w > widths[i % t->n_cols])
			widths[i % t->n_cols] = w;
	}
	for (size_t c = 0; c + 1 < t->n_cols; c++)
		used += widths[c] + 1;
	if (cols > 0 && used + 8 < cols)
		limit = cols - used;

	for (size_t i = header ? 0 : t->n_cols; i < t->n_cells; i += t->n_cols) {
		bool is_header = i == 0;
		size_t n_lines = 1;

		for (size_t c = 0; c < t->n_cols; c++)
			n_lines = MAX(n_lines, cell_lines(t->cells[i + c]));
		for (size_t k = 0; k < n_lines; k++) {
			if (is_header)
				fputs(ansi(COLOR_UNDERLINE), f);
			for (size_t c = 0; c < t->n_cols; c++) {
				const char *cell = t->cells[i + c];
				bool last = c + 1 == t->n_cols;
				_cleanup_free_ char *piece = n_lines > 1 ? cell_line(cell, k) : NULL;
				const char *text = n_lines > 1 ? strempty(piece) : cell;

				print_cell(f, text, is_header ? COLOR_NORMAL : t->colors[i + c],
					   widths[c], !last || (is_header && *ansi(COLOR_UNDERLINE)),
					   last ? limit : 0);
				if (!last)
					fputc(' ', f);
			}
			if (is_header)
				fputs(ansi(COLOR_NORMAL), f);
			fputc('\n', f);
		}
	}
}

/* "1.5M" as systemctl prints sizes (base 1024). */
void
format_bytes(char *buf, size_t size, uint64_t b)
{
	static const char suffixes[] = "BKMGTPE";
	double v = (double)b;
	size_t i = 0;

	while (v >= 1024 && i < sizeof(suffixes) - 2) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, size, "%lluB", (unsigned long long)b);
	else
		snprintf(buf, size, "%.1f%c", v, suffixes[i]);
}
