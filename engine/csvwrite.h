/* An RFC 4180 CSV writer: fields quoted when they hold the delimiter, a quote, CR or LF
 * (quotes doubled), records ended by CRLF, NULL written as an empty field and the empty
 * string as "" (so csvread tells them apart again).  Spreadsheet-safe by default: a text
 * cell beginning with = + - @ tab or CR, which a spreadsheet would run as a formula, is
 * written with a leading apostrophe and quoted (OWASP's advice on CSV injection);
 * numbers are written as numbers.  CSVWRITE_RAW turns that off for machine consumers.
 * Pure C; no Lua, no SQLite. */
#ifndef VIGIL_CSVWRITE_H
#define VIGIL_CSVWRITE_H

#include <stddef.h>
#include <stdio.h>

enum { CSVWRITE_RAW = 1 };   /* flags: no spreadsheet-safe neutralising */

struct csvwrite {
    FILE *f;            /* borrowed: the caller opens and closes it */
    int delim;
    int flags;
    int in_record;      /* a field was written in the current record */
    int failed;         /* a write failed */
};

/* Starts writing to f with delimiter delim (0 = ','). */
void csvwrite_init(struct csvwrite *w, FILE *f, int delim, int flags);

/* Writes a text field of len bytes (s NULL = SQL NULL, an empty field). */
void csvwrite_text(struct csvwrite *w, const char *s, size_t len);

/* Writes an integer field. */
void csvwrite_integer(struct csvwrite *w, long long v);

/* Writes a real field: the shortest decimal form that reads back the same. */
void csvwrite_real(struct csvwrite *w, double v);

/* Ends the record (CRLF). */
void csvwrite_end(struct csvwrite *w);

/* True when the cell s (len bytes) would be neutralised in spreadsheet-safe mode. */
int csvwrite_is_formula(const char *s, size_t len);

/* Returns 0, or -1 when a write failed since csvwrite_init. */
int csvwrite_status(const struct csvwrite *w);

#endif
