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

/* 10^0 .. 10^19. */
static const unsigned long long POW10_U[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

/* The number of decimal digits of u (1 for 0). */
static size_t count_digits(unsigned long long u)
{
    size_t n = 1;
    while (n < 20 && u >= POW10_U[n])
        n++;
    return n;
}

/* Writes the `count` lowest decimal digits of u (leading zeros included) so that they
 * end just before `end`, two at a time. */
static void put_digits(unsigned long long u, char *end, size_t count)
{
    while (count >= 2) {
        end -= 2;
        memcpy(end, DIGIT_PAIRS + 2 * (u % 100), 2);
        u /= 100;
        count -= 2;
    }
    if (count)
        *--end = (char)('0' + u % 10);
}

/* See plotdata.h. */
size_t plotdata_format_int(long long v, char *buf)
{
    size_t sign = v < 0;
    unsigned long long u = sign ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    size_t n = count_digits(u);
    buf[0] = '-'; /* overwritten by a digit when v >= 0 */
    put_digits(u, buf + sign + n, n);
    return sign + n;
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
        /* m / 10^k in plain notation: the whole part (at least "0"), then a point and
         * k digits when k > 0 */
        unsigned long long u = (unsigned long long)m;
        size_t nd = count_digits(u);
        size_t whole = nd > (size_t)k ? nd - (size_t)k : 1;
        size_t n = v < 0;
        buf[0] = '-';
        if (k > 0) {
            put_digits(u, buf + n + whole + 1 + (size_t)k, (size_t)k);
            buf[n + whole] = '.';
        }
        put_digits(u / POW10_U[k], buf + n + whole, whole);
        n += whole + (k > 0 ? 1 + (size_t)k : 0);
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

/* column_of(x, r->lo, r->hi, r->buckets), mostly without its division: x - lo times
 * buckets / (hi - lo) differs from column_of's f by a few units in the last place (at
 * most 2^-50 f, under 2^-26 for the at most 2^24 buckets of this path), so its whole
 * part is f's whenever its fraction is farther than 1e-6 from a whole number. */
static size_t column_fast(const struct plotdata_reducer *r, double x)
{
    double g = (x - r->lo) * r->scale;
    if (r->scale > 0 && g > 0 && g < (double)r->buckets) {
        double whole = (double)(size_t)g;
        if (g - whole > 1e-6 && g - whole < 1 - 1e-6)
            return (size_t)whole;
    }
    return column_of(x, r->lo, r->hi, r->buckets);
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
    r->scale = buckets <= ((size_t)1 << 24) ? (double)buckets / (hi - lo) : 0;
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
    size_t c = column_fast(r, x);
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
