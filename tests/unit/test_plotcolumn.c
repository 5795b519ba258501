/* Unit tests of engine/plotcolumn.c (with engine/plotdata.c): the summary of a column,
 * the M4 reduction over two columns, the datablock lines written piece by piece, and
 * the number text against the shortest of %.15g, %.16g and %.17g that reads back. */
#include "plotcolumn.h"
#include "plotdata.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A column of at most 16 values for the tests. */
struct small {
    struct plotcolumn c;
    union plotcolumn_cell cell[16];
    unsigned char is_int[16];
};

/* Fills s with n values: floats from f, except where ints[k] is 1 (then (long long)f[k]). */
static struct plotcolumn *small_column(struct small *s, const double *f, const int *ints, size_t n)
{
    memset(s, 0, sizeof *s);
    s->c.n = n;
    s->c.cell = s->cell;
    s->c.is_int = s->is_int;
    for (size_t k = 0; k < n; k++) {
        s->is_int[k] = (unsigned char)(ints && ints[k]);
        if (s->is_int[k])
            s->cell[k].i = (long long)f[k];
        else
            s->cell[k].f = f[k];
    }
    plotcolumn_summarize(&s->c);
    return &s->c;
}

/* The summary: range without NaN, sortedness (NaN breaks it), finiteness, and the same
 * result when summarized in steps. */
static void test_summary(void)
{
    struct small a, b;
    double up[] = {1, 2, 2, 5};
    struct plotcolumn *c = small_column(&a, up, NULL, 4);
    unit_ok(c->any && c->lo == 1 && c->hi == 5 && c->sorted && c->finite,
            "plotcolumn: summary of 1 2 2 5");
    double gap[] = {1, NAN, 3};
    c = small_column(&a, gap, NULL, 3);
    unit_ok(c->lo == 1 && c->hi == 3 && !c->sorted, "plotcolumn: a NaN is left out of the range and breaks the order");
    double down[] = {3, 2};
    unit_ok(!small_column(&a, down, NULL, 2)->sorted, "plotcolumn: 3 2 is not sorted");
    double nans[] = {NAN, NAN};
    c = small_column(&a, nans, NULL, 2);
    unit_ok(!c->any && !c->finite, "plotcolumn: all NaN: no range, nothing finite");
    double infs[] = {-INFINITY, INFINITY};
    c = small_column(&a, infs, NULL, 2);
    unit_ok(c->any && !c->finite && c->sorted, "plotcolumn: infinities alone are not finite");
    double mixed[] = {4, 7, NAN, 1, 9, -3, 2};
    int ints[] = {1, 0, 0, 1, 0, 1, 0};
    struct plotcolumn *whole = small_column(&a, mixed, ints, 7);
    struct plotcolumn *steps = small_column(&b, mixed, ints, 7);
    plotcolumn_summary_start(steps);
    plotcolumn_summary_add(steps, 0, 2);
    plotcolumn_summary_add(steps, 2, 3);
    plotcolumn_summary_add(steps, 3, 7);
    unit_ok(steps->lo == whole->lo && steps->hi == whole->hi && steps->sorted == whole->sorted
            && steps->finite == whole->finite && whole->lo == -3 && whole->hi == 9,
            "plotcolumn: a summary in steps is the summary at once");
}

/* Writes the datablock lines of x, y (idx, count) with buffers of cap bytes into a new
 * string (the caller frees it). */
static char *lines_of(const struct plotcolumn *x, const struct plotcolumn *y, const size_t *idx,
                      size_t count, size_t cap)
{
    size_t size = 1, next = 0;
    char *out = calloc(1, 1), *buf = malloc(cap);
    while (out && buf && next < count) {
        size_t n = plotcolumn_write_lines(x, y, idx, count, &next, buf, cap);
        char *grown = realloc(out, size + n);
        if (!grown)
            break;
        out = grown;
        memcpy(out + size - 1, buf, n);
        size += n;
        out[size - 1] = '\0';
    }
    free(buf);
    return out;
}

/* The M4 reduction worked by hand (as in tests/lua/plot_reduce_test.lua) and the lines
 * of what it keeps; a gap stays. */
static void test_reduce(void)
{
    struct small a, b;
    double xs[] = {0, 1, 2, 3, 4, 5, 6, 7}, ys[] = {5, 9, 1, 4, 2, 2, 8, 3};
    int all[] = {1, 1, 1, 1, 1, 1, 1, 1};
    struct plotcolumn *x = small_column(&a, xs, all, 8), *y = small_column(&b, ys, NULL, 8);
    size_t keep[8];
    size_t n = plotcolumn_reduce(x, y, 0, 8, 2, keep);
    char *text = lines_of(x, y, keep, n, PLOTCOLUMN_LINE_MAX);
    unit_is_str(text, "0 5\n1 9\n2 1\n3 4\n4 2\n6 8\n7 3\n",
                "plotcolumn: reduce keeps first, highest, lowest, last per column");
    free(text);
    double gx[] = {1, 2, 3, 4, 5, 6}, gy[] = {1, NAN, 3, 4, 5, 6};
    x = small_column(&a, gx, all, 6);
    y = small_column(&b, gy, NULL, 6);
    n = plotcolumn_reduce(x, y, 1, 6, 1, keep);
    text = lines_of(x, y, keep, n, 1000);
    unit_is_str(text, "1 1\n2 NaN\n3 3\n6 6\n", "plotcolumn: a gap is kept, each side reduced alone");
    free(text);
}

/* The reduction as its rule reads, point by point with the column of each x computed
 * as (x - lo) / (hi - lo) * buckets (whole part, within [0, buckets)): the reference
 * for test_reduce_columns.  Returns how many indices went to keep. */
static size_t reference_reduce(const double *x, const double *y, size_t n, double lo,
                               double hi, size_t buckets, size_t *keep)
{
    size_t count = 0, start = 0;
    while (start < n) {
        double f = (x[start] - lo) / (hi - lo) * (double)buckets;
        size_t col = !(f > 0) ? 0 : f >= (double)buckets ? buckets - 1 : (size_t)f, end = start;
        for (;;) { /* the run of points of column col: [start, end] */
            if (end + 1 >= n)
                break;
            double g = (x[end + 1] - lo) / (hi - lo) * (double)buckets;
            size_t c = !(g > 0) ? 0 : g >= (double)buckets ? buckets - 1 : (size_t)g;
            if (c != col)
                break;
            end++;
        }
        size_t low = start, high = start;
        for (size_t k = start; k <= end; k++) {
            if (y[k] < y[low])
                low = k;
            if (y[k] > y[high])
                high = k;
        }
        for (size_t k = start; k <= end; k++)
            if (k == start || k == low || k == high || k == end)
                keep[count++] = k;
        start = end + 1;
    }
    return count;
}

/* The columns of plotcolumn_reduce (which mostly multiply rather than divide) are the
 * rule's: 200,000 points in order whose x fall on column edges and next to them, as
 * many as fall inside, and at random, over ranges of a few sizes. */
static void test_reduce_columns(void)
{
    enum { N = 200000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    union plotcolumn_cell *xc = malloc(N * sizeof *xc), *yc = malloc(N * sizeof *yc);
    unsigned char *isint = calloc(N, 1);
    size_t *got = malloc(N * sizeof *got), *want = malloc(N * sizeof *want);
    if (!x || !y || !xc || !yc || !isint || !got || !want) {
        unit_ok(0, "plotcolumn: memory for the column test");
        goto out;
    }
    unsigned long long state = 3;
    const double ranges[][2] = {{0, 1}, {1, 1000000}, {-3.7, 12.9}, {1e9, 1e9 + 86400}};
    const size_t buckets[] = {2000, 7, 1999, 123457};
    int bad = 0;
    for (int r = 0; r < 4; r++) {
        double lo = ranges[r][0], hi = ranges[r][1];
        size_t b = buckets[r];
        for (size_t k = 0; k < N; k++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            double edge = lo + (hi - lo) * (double)(k * b / N) / (double)b;
            switch (k % 4) {
            case 0: /* on an edge as the rule computes it */
                x[k] = edge;
                break;
            case 1: /* a step below */
                x[k] = nextafter(edge, -INFINITY);
                break;
            case 2: /* a step above */
                x[k] = nextafter(edge, INFINITY);
                break;
            default:
                x[k] = edge + (hi - lo) / (double)b * (double)(state >> 11) / 9007199254740992.0;
            }
            if (k > 0 && x[k] < x[k - 1])
                x[k] = x[k - 1];
            if (x[k] > hi)
                x[k] = hi;
            y[k] = (double)(state >> 40);
            xc[k].f = x[k];
            yc[k].f = y[k];
        }
        struct plotcolumn cx = {N, xc, isint, 0, 0, 0, 0, 0, 0}, cy = {N, yc, isint, 0, 0, 0, 0, 0, 0};
        size_t n = plotcolumn_reduce(&cx, &cy, lo, hi, b, got);
        size_t m = reference_reduce(x, y, N, lo, hi, b, want);
        if (n != m || memcmp(got, want, n * sizeof *got) != 0)
            bad++;
    }
    unit_ok(bad == 0, "plotcolumn: reduce puts each point in the rule's column (%d of 4 ranges differ)", bad);
out:
    free(x);
    free(y);
    free(xc);
    free(yc);
    free(isint);
    free(got);
    free(want);
}

/* Lines written in pieces (buffers of one line) are the lines written at once; numbers
 * are integers, shortest exact floats, NaN for NaN and infinities; -0 keeps its sign. */
static void test_lines(void)
{
    struct small a, b;
    double xs[] = {1, -0.0, 1e-5, 0.0001, 3.0, 1e15, 9007199254740993.0};
    int ints[] = {1, 0, 0, 0, 0, 0, 0};
    double ys[] = {NAN, INFINITY, 0.1 + 0.2, 1e15, -2.5, 123456789012, 7};
    struct plotcolumn *x = small_column(&a, xs, ints, 7), *y = small_column(&b, ys, NULL, 7);
    a.cell[6].i = 9007199254740993LL; /* an integer a double cannot hold */
    a.is_int[6] = 1;
    const char *want = "1 NaN\n-0 NaN\n1e-05 0.30000000000000004\n0.0001 1e+15\n3 -2.5\n"
                       "1e+15 123456789012\n9007199254740993 7\n";
    char *whole = lines_of(x, y, NULL, 7, 4096);
    unit_is_str(whole, want, "plotcolumn: lines of integers, gaps and shortest exact floats");
    char *pieces = lines_of(x, y, NULL, 7, PLOTCOLUMN_LINE_MAX);
    unit_is_str(pieces, want, "plotcolumn: lines written one buffer at a time are the same");
    free(whole);
    free(pieces);
    size_t idx[] = {4, 6};
    char *some = lines_of(x, y, idx, 2, 4096);
    unit_is_str(some, "3 -2.5\n9007199254740993 7\n", "plotcolumn: lines of chosen points");
    free(some);
}

/* The text of v as the reference writes it: the shortest of %.15g, %.16g, %.17g that
 * reads back exactly (what vigil.plot.emit.number does); NaN for NaN and infinities. */
static void reference(double v, char *out, size_t size)
{
    if (isnan(v) || isinf(v)) {
        snprintf(out, size, "NaN");
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, size, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* plotdata_format_double against the reference on 200,000 values of every kind: random
 * bit patterns, hundredths, few digits at every scale, whole numbers. */
static void test_format(void)
{
    unsigned long long state = 11;
    int bad = 0;
    char first[200] = "";
    for (int i = 0; i < 200000; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double v;
        switch (i % 4) {
        case 0:
            memcpy(&v, &state, sizeof v);
            break;
        case 1:
            v = (double)(state >> 40) / 100;
            break;
        case 2:
            v = (double)(state >> 44) / 1000 * pow(10, (double)((int)(state >> 59) - 8));
            break;
        default:
            v = (double)(state >> 20);
            break;
        }
        char got[PLOTDATA_NUMBER_MAX + 1], want[64];
        size_t n = plotdata_format_double(v, got);
        got[n] = '\0';
        reference(v, want, sizeof want);
        if (strcmp(got, want) != 0 && !bad++)
            snprintf(first, sizeof first, " (first: %s against %s)", got, want);
    }
    unit_ok(bad == 0, "plotdata: 200000 floats written as the reference writes them%s", first);
}

/* plotdata_format_int against %lld on the edges of every digit count and the extremes,
 * and on 200,000 values of every size. */
static void test_format_int(void)
{
    long long edge[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 99999, 100000,
                        1000000000000000000LL, 999999999999999999LL, 9223372036854775807LL,
                        -9223372036854775807LL - 1, -9223372036854775807LL, -1, -9, -10, -99, -100};
    unsigned long long state = 5;
    int bad = 0;
    char first[120] = "";
    for (int i = 0; i < 200000 + (int)(sizeof edge / sizeof edge[0]); i++) {
        long long v;
        if (i < (int)(sizeof edge / sizeof edge[0])) {
            v = edge[i];
        } else {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            v = (long long)state >> (state % 64);
        }
        char got[PLOTDATA_NUMBER_MAX + 1], want[32];
        size_t n = plotdata_format_int(v, got);
        got[n] = '\0';
        snprintf(want, sizeof want, "%lld", v);
        if (strcmp(got, want) != 0 && !bad++)
            snprintf(first, sizeof first, " (first: %s against %s)", got, want);
    }
    unit_ok(bad == 0, "plotdata: integers of every size written as %%lld writes them%s", first);
}

/* The group run by main.c. */
void test_plotcolumn(void)
{
    test_summary();
    test_reduce();
    test_reduce_columns();
    test_lines();
    test_format();
    test_format_int();
}
