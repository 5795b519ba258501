/* Pure C: numbers of a chart's datablocks and the M4 reduction of long line series
 * (see plotdata.h).  vigil never changes LC_NUMERIC from "C", so snprintf and strtod
 * use '.'; a ',' is still turned into '.' in case an embedder did. */
#include "plotdata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Powers of ten that doubles hold exactly (10^0 .. 10^22). */
static const double POW10[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* "00" "01" ... "99": two digits at a time. */
static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

/* Writes the digits of u (no sign) to buf; returns their count.  They are made two at a
 * time from the right into a scratch buffer, then copied in one piece. */
static size_t write_digits(unsigned long long u, char *buf)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100);
        u /= 100;
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * d, 2);
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, n);
    return n;
}

/* See plotdata.h. */
size_t plotdata_format_int(long long v, char *buf)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + write_digits(0ULL - (unsigned long long)v, buf + 1);
    }
    return write_digits((unsigned long long)v, buf);
}

/* v rounded to the nearest whole number, ties to even, for 0 <= v < 2^52: what
 * nearbyint gives in the default rounding mode, without a library call (adding 2^52
 * leaves no bits below the unit, so the sum is rounded there). */
static double round_whole(double v)
{
    const double big = 4503599627370496.0; /* 2^52 */
    return (v + big) - big;
}

/* The fast path of plotdata_format_double: when |v| is in [1e-4, 1e15) and v is the
 * double nearest to m / 10^k for a whole m of at most 15 digits, writes m / 10^k in
 * plain decimal notation (what %.15g writes then: the 15-digit rounding of v is that
 * decimal, and its exponent is within %g's plain range) and returns its length; else 0. */
static size_t format_short(double v, char *buf)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int k = 0; k <= 19; k++) {
        double scaled = a * POW10[k];
        if (scaled >= 1e15)
            return 0;
        double m = round_whole(scaled);
        /* When m / 10^k rounds to a, a = (m / 10^k)(1 + d) and scaled = a 10^k (1 + e)
         * with |d|, |e| <= 2^-53, so |scaled - m| < m 2^-51 (both sides exact): a
         * cheaper test that rules out most k before the division decides. */
        if (fabs(scaled - m) > m * 0x1p-51 || m / POW10[k] != a)
            continue;
        char digits[24];
        size_t nd = write_digits((unsigned long long)m, digits);
        size_t n = 0;
        if (v < 0)
            buf[n++] = '-';
        if ((size_t)k >= nd) { /* 0.000ddd */
            buf[n++] = '0';
            buf[n++] = '.';
            for (size_t i = nd; i < (size_t)k; i++)
                buf[n++] = '0';
            memcpy(buf + n, digits, nd);
            n += nd;
        } else {
            size_t whole = nd - (size_t)k;
            memcpy(buf + n, digits, whole);
            n += whole;
            if (k > 0) {
                buf[n++] = '.';
                memcpy(buf + n, digits + whole, (size_t)k);
                n += (size_t)k;
            }
        }
        return n;
    }
    return 0;
}

/* See plotdata.h. */
size_t plotdata_format_double(double v, char *buf)
{
    if (isnan(v) || isinf(v)) {
        memcpy(buf, "NaN", 3);
        return 3;
    }
    size_t n = format_short(v, buf);
    if (n > 0)
        return n;
    char tmp[PLOTDATA_NUMBER_MAX];
    int len = 0;
    for (int digits = 15; digits <= 17; digits++) {
        len = snprintf(tmp, sizeof tmp, "%.*g", digits, v);
        for (char *c = tmp; *c; c++)
            if (*c == ',')
                *c = '.';
        if (strtod(tmp, NULL) == v)
            break;
    }
    if (len < 0)
        len = 0;
    memcpy(buf, tmp, (size_t)len);
    return (size_t)len;
}

/* The column of the `buckets` columns across [lo, hi] that x falls in. */
static size_t column_of(double x, double lo, double hi, size_t buckets)
{
    double f = (x - lo) / (hi - lo) * (double)buckets;
    if (!(f > 0))
        return 0;
    if (f >= (double)buckets)
        return buckets - 1;
    return (size_t)f;
}

/* Appends the distinct indices among first, low, high, last (all of one column's run)
 * to keep in increasing order; returns the new count. */
static size_t flush_run(size_t *keep, size_t count, size_t first, size_t low, size_t high,
                        size_t last)
{
    size_t idx[4] = {first, low, high, last};
    for (int i = 1; i < 4; i++) /* insertion sort of four */
        for (int j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (int i = 0; i < 4; i++)
        if (i == 0 || idx[i] != idx[i - 1])
            keep[count++] = idx[i];
    return count;
}

/* See plotdata.h. */
void plotdata_reducer_init(struct plotdata_reducer *r, double lo, double hi, size_t buckets,
                           size_t *keep)
{
    if (!(hi > lo) || buckets == 0) { /* one column: nothing to spread over */
        buckets = 1;
        hi = lo + 1;
    }
    r->lo = lo;
    r->hi = hi;
    r->buckets = buckets;
    r->keep = keep;
    r->count = 0;
    r->open = 0;
    r->col = r->first = r->low = r->high = r->last = 0;
    r->ylow = r->yhigh = 0;
}

/* See plotdata.h. */
void plotdata_reducer_add(struct plotdata_reducer *r, size_t i, double x, double y)
{
    if (!isfinite(y)) { /* a gap: close the run, keep the gap point itself */
        if (r->open)
            r->count = flush_run(r->keep, r->count, r->first, r->low, r->high, r->last);
        r->open = 0;
        r->keep[r->count++] = i;
        return;
    }
    size_t c = column_of(x, r->lo, r->hi, r->buckets);
    if (r->open && c != r->col) {
        r->count = flush_run(r->keep, r->count, r->first, r->low, r->high, r->last);
        r->open = 0;
    }
    if (!r->open) {
        r->open = 1;
        r->col = c;
        r->first = r->low = r->high = r->last = i;
        r->ylow = r->yhigh = y;
        return;
    }
    r->last = i;
    if (y < r->ylow) {
        r->low = i;
        r->ylow = y;
    }
    if (y > r->yhigh) {
        r->high = i;
        r->yhigh = y;
    }
}

/* See plotdata.h. */
size_t plotdata_reducer_finish(struct plotdata_reducer *r)
{
    if (r->open)
        r->count = flush_run(r->keep, r->count, r->first, r->low, r->high, r->last);
    r->open = 0;
    return r->count;
}
