/* Pure C: a column of a chart's numbers held in C (read once from a Lua array by
 * engine/lplotcolumn.c), its summary, the M4 reduction of a line over two columns and
 * the text of their datablock lines, written piece by piece into a caller's buffer.
 * No lua.h here. */
#ifndef VIGIL_PLOTCOLUMN_H
#define VIGIL_PLOTCOLUMN_H

#include <stddef.h>

/* One value: an integer (exact, whatever its size) or a float. */
union plotcolumn_cell {
    long long i;
    double f;
};

/* n values; is_int[k] says which member of cell[k] holds value k.  The summary fields
 * are set by plotcolumn_summarize. */
struct plotcolumn {
    size_t n;
    union plotcolumn_cell *cell;
    unsigned char *is_int;
    double lo, hi; /* smallest and largest non-NaN value (when any) */
    int any;       /* some value is not NaN */
    int sorted;    /* the values never decrease (a NaN counts as a decrease) */
    int finite;    /* some value is finite */
    double prev;   /* the last non-NaN value summarized so far */
};

/* Value k as a double. */
double plotcolumn_value(const struct plotcolumn *c, size_t k);

/* Sets the summary fields of c from its values. */
void plotcolumn_summarize(struct plotcolumn *c);

/* The same in steps, while the values are being read: plotcolumn_summary_start, then
 * plotcolumn_summary_add for values [from, to), each range following the last. */
void plotcolumn_summary_start(struct plotcolumn *c);
void plotcolumn_summary_add(struct plotcolumn *c, size_t from, size_t to);

/* Reduces the line (x[k], y[k]), x sorted, to the points the M4 rule keeps at `buckets`
 * columns across [lo, hi] (plotdata_reducer, engine/plotdata.h); their indices go to
 * keep (room for x->n), increasing.  Returns their count.  y has at least x->n
 * values. */
size_t plotcolumn_reduce(const struct plotcolumn *x, const struct plotcolumn *y, double lo,
                         double hi, size_t buckets, size_t *keep);

/* The longest line plotcolumn_write_lines writes. */
#define PLOTCOLUMN_LINE_MAX 84

/* Writes lines "x y\n" (numbers as plotdata_format_int and plotdata_format_double write
 * them) for points idx[*next], idx[*next + 1] ... (or *next, *next + 1 ... when idx is
 * NULL) while fewer than `count` points are done and a whole line still fits in the
 * `cap` bytes of buf (cap >= PLOTCOLUMN_LINE_MAX); advances *next past them and returns
 * the bytes written. */
size_t plotcolumn_write_lines(const struct plotcolumn *x, const struct plotcolumn *y,
                              const size_t *idx, size_t count, size_t *next, char *buf,
                              size_t cap);

#endif
