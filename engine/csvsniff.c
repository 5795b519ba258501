/* Reading values and guessing the shape of a CSV file; see csvsniff.h.
 *
 * Every guess is conservative and explained: a column is a date only when every value
 * is a real calendar day, an integer with a leading zero stays TEXT (it is a code),
 * a mix of ISO and DD/MM/YYYY is reported, never silently merged. */
#include "csvsniff.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNIFF_LINES 20   /* lines csvsniff_delimiter looks at */

/* Skips spaces around s[0..*len): returns the new start and shortens *len. */
static const char *trim(const char *s, size_t *len)
{
    while (*len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*len)--;
    }
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
        (*len)--;
    return s;
}

/* Reads 1 to maxd digits at s[*i..len) into *v.  Returns the count read. */
static int digits(const char *s, size_t len, size_t *i, int maxd, int *v)
{
    int n = 0;
    *v = 0;
    while (*i < len && n < maxd && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n;
}

/* The number of days in month m (1-12) of year y, Gregorian. */
static int days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Reads a date; see csvsniff.h. */
int csvsniff_date(const char *s, size_t len, char iso[11], const char **why)
{
    static const char *const months[12] = { "January", "February", "March", "April", "May",
                                            "June", "July", "August", "September",
                                            "October", "November", "December" };
    static char reason[64];
    size_t i = 0;
    int y, m, d, nd, nm, ny;
    const char *dummy;
    if (!why)
        why = &dummy;
    s = trim(s, &len);
    *why = "not in the form YYYY-MM-DD or DD/MM/YYYY";
    if (len >= 8 && digits(s, len, &i, 4, &y) == 4 && i < len && s[i] == '-') {
        i++;
        if (digits(s, len, &i, 2, &m) != 2 || i >= len || s[i] != '-')
            return 0;
        i++;
        if (digits(s, len, &i, 2, &d) != 2 || i != len)
            return 0;
    } else {
        i = 0;
        nd = digits(s, len, &i, 2, &d);
        if (nd == 0 || i >= len || s[i] != '/')
            return 0;
        i++;
        nm = digits(s, len, &i, 2, &m);
        if (nm == 0 || i >= len || s[i] != '/')
            return 0;
        i++;
        ny = digits(s, len, &i, 4, &y);
        if (ny != 4 || i != len)
            return 0;
    }
    if (m < 1 || m > 12) {
        snprintf(reason, sizeof reason, "there is no month %d", m);
        *why = reason;
        return 0;
    }
    if (d < 1 || d > days_in_month(y, m)) {
        snprintf(reason, sizeof reason, "%s %04d has %d days", months[m - 1], y,
                 days_in_month(y, m));
        *why = reason;
        return 0;
    }
    if (y < 1) {
        *why = "there is no year 0";
        return 0;
    }
    iso[0] = (char)('0' + y / 1000);
    iso[1] = (char)('0' + y / 100 % 10);
    iso[2] = (char)('0' + y / 10 % 10);
    iso[3] = (char)('0' + y % 10);
    iso[4] = '-';
    iso[5] = (char)('0' + m / 10);
    iso[6] = (char)('0' + m % 10);
    iso[7] = '-';
    iso[8] = (char)('0' + d / 10);
    iso[9] = (char)('0' + d % 10);
    iso[10] = '\0';
    return 1;
}

/* Reads a decimal integer; see csvsniff.h. */
int csvsniff_integer(const char *s, size_t len, long long *out)
{
    unsigned long long v = 0, limit;
    size_t i = 0;
    int neg = 0;
    s = trim(s, &len);
    if (len == 0)
        return 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i++;
    }
    if (i == len)
        return 0;
    limit = neg ? (unsigned long long)9223372036854775807LL + 1 : 9223372036854775807ULL;
    for (; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (unsigned long long)9223372036854775807LL + 1 ? (-9223372036854775807LL - 1)
                                                                   : -(long long)v;
    else
        *out = (long long)v;
    return 1;
}

/* Reads a finite decimal real; see csvsniff.h. */
int csvsniff_real(const char *s, size_t len, double *out)
{
    char buf[64], *end;
    size_t i;
    int digit = 0;
    double v;
    s = trim(s, &len);
    if (len == 0 || len >= sizeof buf)
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digit = 1;
        else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
            return 0;   /* no hex, inf, nan, commas or spaces inside */
    }
    if (!digit)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1))
        return 0;
    *out = v;
    return 1;
}

/* Counts the fields delimiter d makes on each of the first lines of text (quotes
 * understood); stores up to SNIFF_LINES counts in counts.  Returns the lines seen. */
static int count_fields(const char *text, size_t len, int d, int *counts)
{
    int lines = 0, fields = 1, quoted = 0, content = 0;
    size_t i;
    for (i = 0; i < len && lines < SNIFF_LINES; i++) {
        char c = text[i];
        if (c == '"') {
            quoted = !quoted;
            content = 1;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            if (content)
                counts[lines++] = fields;
            fields = 1;
            content = 0;
        } else if (!quoted && c == d) {
            fields++;
            content = 1;
        } else {
            content = 1;
        }
    }
    if (i == len && content && lines < SNIFF_LINES && !quoted)
        counts[lines++] = fields;
    return lines;
}

/* Guesses the delimiter; see csvsniff.h. */
int csvsniff_delimiter(const char *text, size_t len, char *why, size_t whylen)
{
    static const int cands[3] = { ',', ';', '\t' };
    static const char *const names[3] = { "comma", "semicolon", "tab" };
    int best = -1, best_fields = 1, k;
    for (k = 0; k < 3; k++) {
        int counts[SNIFF_LINES];
        int lines = count_fields(text, len, cands[k], counts), i, same = 1;
        for (i = 1; i < lines; i++)
            same &= counts[i] == counts[0];
        if (lines > 0 && same && counts[0] > best_fields) {
            best = k;
            best_fields = counts[0];
        }
    }
    if (best < 0) {
        snprintf(why, whylen, "no comma, semicolon or tab splits the first lines evenly; "
                 "using comma");
        return ',';
    }
    snprintf(why, whylen, "%s: it splits every one of the first lines into %d fields",
             names[best], best_fields);
    return cands[best];
}

/* Adds one value to what is known of its column; see csvsniff.h. */
void csvsniff_add(struct csvsniff_column *c, const char *s, size_t len, long line)
{
    long long iv;
    double dv;
    char iso[11];
    size_t tl = len;
    const char *t = trim(s, &tl);
    c->values++;
    if (tl == 0) {
        c->empty++;
        return;
    }
    if (csvsniff_integer(t, tl, &iv)) {
        c->ints++;
        if (tl > 1 && (t[0] == '0' || ((t[0] == '-' || t[0] == '+') && t[1] == '0')))
            c->looks_numeric_code = 1;
    } else if (csvsniff_real(t, tl, &dv)) {
        c->reals++;
    } else if (csvsniff_date(t, tl, iso, NULL)) {
        c->dates++;
        if (memchr(t, '/', tl))
            c->dmy_dates++;
        else
            c->iso_dates++;
    } else if (!c->first_bad_line) {
        size_t cut = tl < 40 ? tl : 40, i;
        while (cut < tl && cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
            cut--;      /* not inside a character */
        c->first_bad_line = line;
        for (i = 0; i < cut; i++)   /* one line: control characters become spaces */
            c->first_bad[i] = (unsigned char)t[i] < 0x20 || t[i] == 0x7F ? ' ' : t[i];
        c->first_bad[cut] = '\0';
    }
}

/* The type inferred for the column; see csvsniff.h.  The reason starts with the type
 * ("INTEGER: ", "REAL: ", "date: ", "TEXT: ") and gives the counts it rests on. */
enum csvsniff_type csvsniff_infer(const struct csvsniff_column *c, char *why, size_t whylen)
{
    long long filled = c->values - c->empty, nums = c->ints + c->reals;
    long long others = filled - nums - c->dates;
    char empty[64] = "";
    enum csvsniff_type t;
    size_t used;
    if (c->empty && filled)
        snprintf(empty, sizeof empty, "; %lld empty", c->empty);
    if (filled == 0) {
        snprintf(why, whylen, "TEXT: no values (%lld empty)", c->empty);
        return CSVSNIFF_EMPTY;
    }
    if (others > 0 && c->dates > 0) {
        snprintf(why, whylen, "TEXT: only %lld of %lld values are dates (line %ld has '%s'); "
                 "not guessed as a date", c->dates, filled, c->first_bad_line, c->first_bad);
        t = CSVSNIFF_TEXT;
    } else if (others > 0 && nums > 0) {
        snprintf(why, whylen, "TEXT: %lld of %lld values are numbers, but line %ld has '%s'",
                 nums, filled, c->first_bad_line, c->first_bad);
        t = CSVSNIFF_TEXT;
    } else if (others > 0) {
        snprintf(why, whylen, "TEXT: %lld of %lld values are text (line %ld has '%s')", others,
                 filled, c->first_bad_line, c->first_bad);
        t = CSVSNIFF_TEXT;
    } else if (c->dates > 0 && c->dates < filled) {
        snprintf(why, whylen, "TEXT: only %lld of %lld values are dates, the others numbers; "
                 "not guessed as a date", c->dates, filled);
        t = CSVSNIFF_TEXT;
    } else if (c->dates == filled) {
        if (c->iso_dates && c->dmy_dates)
            snprintf(why, whylen, "date: %lld of %lld values are dates (%lld YYYY-MM-DD, %lld "
                     "DD/MM/YYYY day first, converted to ISO)", filled, filled, c->iso_dates,
                     c->dmy_dates);
        else if (c->dmy_dates)
            snprintf(why, whylen, "date: %lld of %lld values are dates (DD/MM/YYYY day first, "
                     "converted to ISO)", filled, filled);
        else
            snprintf(why, whylen, "date: %lld of %lld values are dates (YYYY-MM-DD)", filled,
                     filled);
        t = CSVSNIFF_DATE;
    } else if (c->looks_numeric_code && c->reals == 0) {
        snprintf(why, whylen, "TEXT: %lld of %lld values are integers, some with a leading "
                 "zero: codes, and TEXT keeps the zero", filled, filled);
        t = CSVSNIFF_TEXT;
    } else if (c->reals > 0) {
        snprintf(why, whylen, "REAL: %lld of %lld values are numbers, %lld with a fraction or "
                 "exponent", filled, filled, c->reals);
        t = CSVSNIFF_REAL;
    } else {
        snprintf(why, whylen, "INTEGER: %lld of %lld values are integers", filled, filled);
        t = CSVSNIFF_INTEGER;
    }
    used = strlen(why);
    if (used < whylen)
        snprintf(why + used, whylen - used, "%s", empty);
    return t;
}

/* The SQL type name of t. */
const char *csvsniff_sql_type(enum csvsniff_type t)
{
    return t == CSVSNIFF_INTEGER ? "INTEGER" : t == CSVSNIFF_REAL ? "REAL" : "TEXT";
}

/* Guesses whether the first record is a header; see csvsniff.h. */
int csvsniff_header(const char *const *fields, const size_t *lens, int n,
                    const enum csvsniff_type *types, char *why, size_t whylen)
{
    int i, typed = 0;
    for (i = 0; i < n; i++) {
        long long iv;
        double dv;
        char iso[11];
        const char *s = fields[i] ? fields[i] : "";
        size_t len = fields[i] ? lens[i] : 0;
        int fits;
        if (types[i] == CSVSNIFF_TEXT || types[i] == CSVSNIFF_EMPTY)
            continue;
        typed++;
        fits = types[i] == CSVSNIFF_INTEGER ? csvsniff_integer(s, len, &iv)
             : types[i] == CSVSNIFF_REAL ? csvsniff_real(s, len, &dv)
             : csvsniff_date(s, len, iso, NULL);
        if (!fits) {
            snprintf(why, whylen, "the first line is a header: its field %d '%.*s' is not "
                     "like the %s values below it", i + 1, (int)(len < 40 ? len : 40), s,
                     types[i] == CSVSNIFF_DATE ? "date" : csvsniff_sql_type(types[i]));
            return 1;
        }
    }
    if (typed > 0) {
        snprintf(why, whylen, "no header: every field of the first line is like the "
                 "values below it");
        return 0;
    }
    snprintf(why, whylen, "every column is text, so a header cannot be told from data; "
             "assuming the first line is a header (use --no-header otherwise)");
    return 1;
}
