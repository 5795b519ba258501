/* Reading values and guessing the shape of a CSV file: dates (ISO and the Vietnamese
 * DD/MM/YYYY, checked against the calendar), integers and reals as a strict parser
 * accepts them, the delimiter, whether the first record is a header, and each column's
 * type with the reason.  Pure C; no Lua, no SQLite. */
#ifndef VIGIL_CSVSNIFF_H
#define VIGIL_CSVSNIFF_H

#include <stddef.h>

/* Reads a date written YYYY-MM-DD or D/M/YYYY (DD/MM/YYYY, day first as in Vietnam)
 * with surrounding spaces allowed, into iso ("YYYY-MM-DD" and a NUL).  Returns 1 for a
 * real calendar day, else 0 with why set to a short static reason ("February 2022 has
 * 28 days" is written into the static buffer of the calling thread: copy it). */
int csvsniff_date(const char *s, size_t len, char iso[11], const char **why);

/* Reads a decimal integer (optional sign, digits, surrounding spaces allowed) that fits
 * in 64 bits.  Returns 1 and sets *out, or 0. */
int csvsniff_integer(const char *s, size_t len, long long *out);

/* Reads a finite decimal real (as strtod, without hex, inf or nan; a comma is not a
 * decimal point), surrounding spaces allowed.  Returns 1 and sets *out, or 0. */
int csvsniff_real(const char *s, size_t len, double *out);

/* Guesses the delimiter of the text (the start of a file): the one of ',', ';' and tab
 * that splits the first lines (outside quotes) into the same number of fields, more
 * than one; ties go to the more fields, then to ','.  Writes the reason into why.
 * Returns the delimiter (',' when nothing splits). */
int csvsniff_delimiter(const char *text, size_t len, char *why, size_t whylen);

/* The types csvsniff_column infers. */
enum csvsniff_type { CSVSNIFF_EMPTY, CSVSNIFF_INTEGER, CSVSNIFF_REAL, CSVSNIFF_DATE,
                     CSVSNIFF_TEXT };

/* What is known of one column from its values. */
struct csvsniff_column {
    long long values, empty;       /* values seen; of them, empty */
    long long ints, reals, dates;  /* values read as each (a date counts once) */
    long long iso_dates, dmy_dates;
    long first_bad_line;           /* the first value that is none of them (line), 0 none */
    char first_bad[64];            /* and its text, cut */
    int looks_numeric_code;        /* an integer with a leading zero (kept as TEXT) */
};

/* Adds one value (found on line) to what is known of its column. */
void csvsniff_add(struct csvsniff_column *c, const char *s, size_t len, long line);

/* The type inferred for the column, with the reason written into why. */
enum csvsniff_type csvsniff_infer(const struct csvsniff_column *c, char *why, size_t whylen);

/* The SQL type name of t ("INTEGER", "REAL", "TEXT"; a date is TEXT). */
const char *csvsniff_sql_type(enum csvsniff_type t);

/* Guesses whether the first record is a header, from its fields and the inferred
 * types of the columns below: yes when some field is not a value of its column's type
 * (a name above numbers or dates), or when every field is text unlike the rest.
 * Writes the reason into why.  Returns 1 or 0. */
int csvsniff_header(const char *const *fields, const size_t *lens, int n,
                    const enum csvsniff_type *types, char *why, size_t whylen);

#endif
