/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CTL_OUTPUT_H
#define EMBER_CTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "time-util.h"

/* Terminal output for emberctl: colors (only when stdout is a terminal), glyphs (UTF-8
 * or ASCII by locale, as systemctl decides), aligned tables, and the formatting of
 * states, exit statuses and relative times. We never page. */

enum ctl_color {
	COLOR_NORMAL,
	COLOR_RED,       /* failed, errors */
	COLOR_GREEN,     /* active */
	COLOR_YELLOW,    /* warnings */
	COLOR_BOLD,
	COLOR_UNDERLINE, /* table headers */
	COLOR_GREY,      /* placeholders ("-" for nothing) */
	_COLOR_MAX,
};

/* The escape sequence, or "" when stdout is not a color terminal. */
const char *ansi(enum ctl_color c);

enum ctl_glyph {
	GLYPH_BLACK_CIRCLE,   /* ● */
	GLYPH_WHITE_CIRCLE,   /* ○ */
	GLYPH_CROSS,          /* × */
	GLYPH_CIRCLE_ARROW,   /* ↻ */
	GLYPH_TREE_VERTICAL,  /* "│ " */
	GLYPH_TREE_BRANCH,    /* "├─" */
	GLYPH_TREE_RIGHT,     /* "└─" */
	GLYPH_TREE_SPACE,     /* "  " */
	GLYPH_ARROW,          /* → */
	GLYPH_ELLIPSIS,       /* … */
	GLYPH_BULLET,         /* • */
	_GLYPH_MAX,
};

const char *glyph(enum ctl_glyph g);

/* The dot systemctl puts before a unit, and its color, for an ActiveState. */
enum ctl_glyph active_state_glyph(const char *state);
enum ctl_color active_state_color(const char *state);

/* Display width of a UTF-8 string (one column per code point). */
size_t utf8_width(const char *s);
/* Terminal width if stdout is a terminal, else 0 (unlimited). */
unsigned terminal_columns(void);

/* "5min 3s ago", "2 days ago", "now". t is CLOCK_REALTIME usec. Returns buf. */
char *format_timestamp_relative(char *buf, size_t l, usec_t t);
/* "SUCCESS", "FAILURE", "EXEC", ... or NULL for an exit status without a name. */
const char *exit_status_name(int status);
/* "TERM" for SIGTERM, or NULL. */
const char *signal_name(int sig);
/* Accepts "TERM", "SIGTERM" or a number; -EINVAL otherwise. */
int signal_from_string(const char *s);
/* "exited", "killed", "dumped" for CLD_* codes, NULL otherwise. */
const char *sigchld_code_name(int code);
/* "code=exited, status=1/FAILURE" or "code=killed, signal=TERM". Returns buf. */
char *format_exit(char *buf, size_t l, int code, int status);
/* "1.5M" as systemctl prints sizes (base 1024). */
void format_bytes(char *buf, size_t size, uint64_t b);

/* A table of left-aligned text columns; the last column is not padded and is
 * shortened with an ellipsis to the terminal width. A cell may hold several lines
 * (separated by '\n'); its row then spans them, the other cells blank below. */
struct table;

/* headers: n_cols strings (may be ""). NULL on OOM. */
struct table *table_new(size_t n_cols, const char *const *headers);
void table_free(struct table *t);
/* Adds the next cell, row by row; color may be COLOR_NORMAL. 0 or -ENOMEM. */
int table_add(struct table *t, const char *text, enum ctl_color color);
size_t table_rows(const struct table *t);
/* Prints the header (if header) and the rows. */
void table_print(const struct table *t, bool header, FILE *f);

#endif
