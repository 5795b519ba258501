/* Pure C: the numeric columns of a chart — numbers written as gnuplot reads them back
 * exactly, and the shape-preserving reduction of a long line series to what a chart of
 * a given width can show.  Used by engine/lplotdata.c; no lua.h here. */
#ifndef VIGIL_PLOTDATA_H
#define VIGIL_PLOTDATA_H

#include <stddef.h>

/* Longest text plotdata_format_* writes, with room to spare. */
#define PLOTDATA_NUMBER_MAX 40

/* Writes integer v in decimal to buf (at least PLOTDATA_NUMBER_MAX bytes, not
 * NUL-terminated); returns the number of bytes. */
size_t plotdata_format_int(long long v, char *buf);

/* Writes float v to buf (at least PLOTDATA_NUMBER_MAX bytes, not NUL-terminated) as
 * the shortest of %.15g, %.16g and %.17g that reads back exactly, with '.' as the
 * decimal sign whatever the locale; NaN and infinities as "NaN".  Returns the number
 * of bytes.  Numbers of at most 15 significant digits between 1e-4 and 1e15 take a
 * fast path that gives the same text as %.15g. */
size_t plotdata_format_double(double v, char *buf);

/* The reduction of a line series to the points that decide its drawing at `buckets`
 * columns across [lo, hi]: in each column, the first and last points and those with the
 * smallest and largest y (the M4 rule of Jugel et al., "M4: A Visualization-Oriented
 * Time Series Data Aggregation", VLDB 2014).  A NaN or infinite y (a gap in the line,
 * as gnuplot gets it) is kept and ends the column's run, so gaps stay where they were.
 * Points are given in increasing x with plotdata_reducer_add; the kept indices go to
 * the caller's array keep (room for every point), increasing. */
struct plotdata_reducer {
    double lo, hi;        /* the x range the columns divide */
    size_t buckets;       /* how many columns */
    double scale;         /* buckets / (hi - lo), 0 when there are too many for it */
    size_t *keep;         /* the kept indices */
    size_t count;         /* how many are kept so far */
    int open;             /* a run of finite points in column col is being gathered */
    size_t col, first, low, high, last;
    double ylow, yhigh;   /* y of points low and high */
};

/* Starts a reduction into keep (see above); buckets 0 or an empty range mean one
 * column. */
void plotdata_reducer_init(struct plotdata_reducer *r, double lo, double hi, size_t buckets,
                           size_t *keep);

/* Adds point number i (x, y); points come in increasing x and increasing i. */
void plotdata_reducer_add(struct plotdata_reducer *r, size_t i, double x, double y);

/* Ends the reduction; returns how many indices were kept. */
size_t plotdata_reducer_finish(struct plotdata_reducer *r);

#endif
