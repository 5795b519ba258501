/* Text layout for terminals: the display width of UTF-8 text and result tables in the
 * modes table, box, csv, json and markdown.  Pure C; no Lua.
 *
 * One spec struct, one entry point: fill a struct fmt_spec with the header and the
 * cells (row-major) and call fmt_table.  Numbers are right-aligned, text left-aligned;
 * widths are display widths (combining marks 0 columns, East Asian wide characters 2),
 * so Vietnamese text lines up whether it is precomposed or decomposed. */
#ifndef VIGIL_FMT_H
#define VIGIL_FMT_H

#include <stddef.h>
#include <stdio.h>

/* Output modes. */
enum fmt_mode { FMT_TABLE, FMT_BOX, FMT_CSV, FMT_JSON, FMT_MARKDOWN };

/* What a cell holds: decides its alignment and how csv and json write it. */
enum fmt_kind { FMT_NULL, FMT_TEXT, FMT_NUMBER };

/* One cell: text of len bytes (UTF-8; invalid bytes show as U+FFFD). */
struct fmt_cell {
    const char *text;   /* may be NULL for FMT_NULL */
    size_t len;
    enum fmt_kind kind;
};

/* A table to write. */
struct fmt_spec {
    enum fmt_mode mode;
    size_t ncols;
    const struct fmt_cell *header;  /* ncols cells (column names) */
    const struct fmt_cell *cells;   /* nrows * ncols cells, row after row */
    size_t nrows;                   /* rows given in cells */
    size_t total_rows;              /* rows of the whole result; more than nrows adds
                                     * a "... N more rows" line */
    size_t max_width;               /* table, box, markdown: columns are cut (with "…")
                                     * to fit this many terminal columns; 0: no limit */
};

/* Writes the table on out in spec->mode.  Returns 0, or -1 on a write error or when
 * memory runs out. */
int fmt_table(FILE *out, const struct fmt_spec *spec);

/* Returns the number of terminal columns the UTF-8 text s (len bytes) takes: combining
 * marks and zero-width characters 0, East Asian wide and fullwidth characters 2, the
 * rest (including control characters and invalid bytes, shown as one cell) 1. */
size_t fmt_width(const char *s, size_t len);

/* Decodes the UTF-8 character at s (len > 0 bytes available) into *cp; returns the
 * bytes it takes (at least 1).  An invalid or truncated sequence decodes as U+FFFD and
 * takes one byte. */
size_t fmt_utf8_decode(const char *s, size_t len, unsigned long *cp);

/* Returns the columns code point cp takes: 0, 1 or 2 (as fmt_width counts). */
int fmt_char_width(unsigned long cp);

/* Sets *mode from its name ("table", "box", "csv", "json", "markdown"); returns 0, or
 * -1 for an unknown name. */
int fmt_mode_parse(const char *name, enum fmt_mode *mode);

/* Returns the name of mode. */
const char *fmt_mode_name(enum fmt_mode mode);

#endif
