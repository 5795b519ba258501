/* Pure C: columns of a chart's numbers, their summary, the M4 reduction over two of
 * them and their datablock lines (see plotcolumn.h). */
#include "plotcolumn.h"

#include <math.h>
#include <string.h>

#include "plotdata.h"

/* See plotcolumn.h. */
double plotcolumn_value(const struct plotcolumn *c, size_t k)
{
    return c->is_int[k] ? (double)c->cell[k].i : c->cell[k].f;
}

/* See plotcolumn.h. */
void plotcolumn_summary_start(struct plotcolumn *c)
{
    c->lo = HUGE_VAL;
    c->hi = -HUGE_VAL;
    c->prev = -HUGE_VAL;
    c->any = c->finite = 0;
    c->sorted = 1;
}

/* See plotcolumn.h. */
void plotcolumn_summary_add(struct plotcolumn *c, size_t from, size_t to)
{
    double lo = c->lo, hi = c->hi, prev = c->prev;
    int sorted = c->sorted, finite = c->finite, any = c->any;
    for (size_t k = from; k < to; k++) {
        double v = plotcolumn_value(c, k);
        if (isnan(v)) {
            sorted = 0;
            continue;
        }
        if (v < prev)
            sorted = 0;
        prev = v;
        any = 1;
        if (isfinite(v))
            finite = 1;
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    c->lo = lo;
    c->hi = hi;
    c->prev = prev;
    c->any = any;
    c->sorted = sorted;
    c->finite = finite;
}

/* See plotcolumn.h. */
void plotcolumn_summarize(struct plotcolumn *c)
{
    plotcolumn_summary_start(c);
    plotcolumn_summary_add(c, 0, c->n);
}

/* See plotcolumn.h. */
size_t plotcolumn_reduce(const struct plotcolumn *x, const struct plotcolumn *y, double lo,
                         double hi, size_t buckets, size_t *keep)
{
    struct plotdata_reducer r;
    plotdata_reducer_init(&r, lo, hi, buckets, keep);
    for (size_t k = 0; k < x->n; k++)
        plotdata_reducer_add(&r, k, plotcolumn_value(x, k), plotcolumn_value(y, k));
    return plotdata_reducer_finish(&r);
}

/* Writes value k of c to p; returns its length. */
static size_t format_cell(const struct plotcolumn *c, size_t k, char *p)
{
    if (c->is_int[k])
        return plotdata_format_int(c->cell[k].i, p);
    return plotdata_format_double(c->cell[k].f, p);
}

/* See plotcolumn.h. */
size_t plotcolumn_write_lines(const struct plotcolumn *x, const struct plotcolumn *y,
                              const size_t *idx, size_t count, size_t *next, char *buf,
                              size_t cap)
{
    size_t len = 0, i = *next;
    for (; i < count && cap - len >= PLOTCOLUMN_LINE_MAX; i++) {
        size_t k = idx ? idx[i] : i;
        len += format_cell(x, k, buf + len);
        buf[len++] = ' ';
        len += format_cell(y, k, buf + len);
        buf[len++] = '\n';
    }
    *next = i;
    return len;
}
