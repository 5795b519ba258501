/* An RFC 4180 CSV writer with a spreadsheet-safe mode; see csvwrite.h. */
#include "csvwrite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Starts writing to f. */
void csvwrite_init(struct csvwrite *w, FILE *f, int delim, int flags)
{
    w->f = f;
    w->delim = delim ? delim : ',';
    w->flags = flags;
    w->in_record = 0;
    w->failed = 0;
}

/* Writes len bytes, remembering a failure. */
static void put(struct csvwrite *w, const char *s, size_t len)
{
    if (len && fwrite(s, 1, len, w->f) != len)
        w->failed = 1;
}

/* Writes the delimiter before every field but the first of a record. */
static void separate(struct csvwrite *w)
{
    if (w->in_record && putc(w->delim, w->f) == EOF)
        w->failed = 1;
    w->in_record = 1;
}

/* True when the cell would be run as a formula by a spreadsheet. */
int csvwrite_is_formula(const char *s, size_t len)
{
    return len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                       s[0] == '\t' || s[0] == '\r');
}

/* Writes a text field, quoted when needed, neutralised unless raw. */
void csvwrite_text(struct csvwrite *w, const char *s, size_t len)
{
    int quote, neutral;
    size_t i, start;
    separate(w);
    if (!s)
        return;
    neutral = !(w->flags & CSVWRITE_RAW) && csvwrite_is_formula(s, len);
    quote = len == 0 || neutral;
    for (i = 0; i < len && !quote; i++)
        quote = s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == w->delim;
    if (!quote) {
        put(w, s, len);
        return;
    }
    put(w, neutral ? "\"'" : "\"", neutral ? 2 : 1);
    for (i = start = 0; i < len; i++)
        if (s[i] == '"') {
            put(w, s + start, i + 1 - start);   /* up to and with the quote */
            put(w, "\"", 1);
            start = i + 1;
        }
    put(w, s + start, len - start);
    put(w, "\"", 1);
}

/* Writes an integer field. */
void csvwrite_integer(struct csvwrite *w, long long v)
{
    separate(w);
    if (fprintf(w->f, "%lld", v) < 0)
        w->failed = 1;
}

/* Writes a real field in its shortest exact decimal form. */
void csvwrite_real(struct csvwrite *w, double v)
{
    char buf[40];
    int prec;
    separate(w);
    if (!isfinite(v)) {   /* SQLite has no NaN; infinities are written as text */
        snprintf(buf, sizeof buf, "%s", isnan(v) ? "" : v > 0 ? "Inf" : "-Inf");
    } else {
        for (prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        if (!strpbrk(buf, ".eEn"))   /* keep it a real when read back: 2 -> 2.0 */
            strcat(buf, ".0");
    }
    put(w, buf, strlen(buf));
}

/* Ends the record. */
void csvwrite_end(struct csvwrite *w)
{
    put(w, "\r\n", 2);
    w->in_record = 0;
}

/* Returns 0, or -1 when a write failed. */
int csvwrite_status(const struct csvwrite *w)
{
    return w->failed || ferror(w->f) ? -1 : 0;
}
