/* Result tables in the modes table, box, csv, json and markdown (see fmt.h).  Column
 * widths are display widths; when a table is wider than spec->max_width the widest
 * columns give up columns first and their cells end in "…". */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {"table", "box", "csv", "json", "markdown"};

/* The ellipsis that ends a cut cell, one column wide. */
static const char ellipsis[] = "\xE2\x80\xA6";

/* Sets *mode from its name. */
int fmt_mode_parse(const char *name, enum fmt_mode *mode)
{
    for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (strcmp(name, mode_names[i]) == 0) {
            *mode = (enum fmt_mode)i;
            return 0;
        }
    return -1;
}

/* Returns the name of mode. */
const char *fmt_mode_name(enum fmt_mode mode)
{
    return (size_t)mode < sizeof mode_names / sizeof mode_names[0] ? mode_names[mode] : "?";
}

/* The columns one character of a cell takes in a grid: control characters show as a
 * space (one column); in markdown a '|' is written "\|" (two columns). */
static size_t grid_char_width(unsigned long cp, int markdown)
{
    if (cp < 0x20 || cp == 0x7F)
        return 1;
    if (markdown && cp == '|')
        return 2;
    return (size_t)fmt_char_width(cp);
}

/* Columns a cell takes in a grid. */
static size_t grid_width(const struct fmt_cell *c, int markdown)
{
    size_t width = 0, i = 0;
    while (i < c->len) {
        unsigned long cp;
        i += fmt_utf8_decode(c->text + i, c->len - i, &cp);
        width += grid_char_width(cp, markdown);
    }
    return width;
}

/* Writes n copies of s. */
static void repeat(FILE *out, const char *s, size_t n)
{
    while (n-- > 0)
        fputs(s, out);
}

/* Writes one character of a grid cell (bytes s, n) as grid_char_width counts it. */
static void grid_char(FILE *out, const char *s, size_t n, unsigned long cp, int markdown)
{
    if (cp < 0x20 || cp == 0x7F)
        fputc(' ', out);
    else if (cp == 0xFFFD && n == 1)
        fputs("\xEF\xBF\xBD", out);
    else if (markdown && cp == '|')
        fputs("\\|", out);
    else
        fwrite(s, 1, n, out);
}

/* Writes a cell padded to exactly width columns (right-aligned when right), cut with
 * "…" when it is wider. */
static void grid_cell(FILE *out, const struct fmt_cell *c, size_t width, int right, int markdown)
{
    size_t need = grid_width(c, markdown);
    if (need <= width) {
        if (right)
            repeat(out, " ", width - need);
        for (size_t i = 0; i < c->len;) {
            unsigned long cp;
            size_t n = fmt_utf8_decode(c->text + i, c->len - i, &cp);
            grid_char(out, c->text + i, n, cp, markdown);
            i += n;
        }
        if (!right)
            repeat(out, " ", width - need);
        return;
    }
    size_t used = 0;
    if (width > 0) {
        for (size_t i = 0; i < c->len;) {
            unsigned long cp;
            size_t n = fmt_utf8_decode(c->text + i, c->len - i, &cp);
            size_t w = grid_char_width(cp, markdown);
            if (used + w > width - 1)
                break;
            grid_char(out, c->text + i, n, cp, markdown);
            used += w;
            i += n;
        }
        fputs(ellipsis, out);
        used++;
    }
    repeat(out, " ", width - used);
}

/* The pieces of a grid's lines: left end, fill, column separator, right end. */
struct rule {
    const char *left, *fill, *cross, *right;
};

/* Writes a horizontal rule over the columns. */
static void grid_rule(FILE *out, const struct rule *r, const size_t *widths, size_t ncols)
{
    fputs(r->left, out);
    for (size_t j = 0; j < ncols; j++) {
        repeat(out, r->fill, widths[j] + 2);
        fputs(j + 1 < ncols ? r->cross : r->right, out);
    }
    fputc('\n', out);
}

/* Writes one row of cells between vertical bars. */
static void grid_row(FILE *out, const char *bar, const struct fmt_cell *cells, const size_t *widths,
                     const int *right, size_t ncols, int markdown, int header)
{
    fputs(bar, out);
    for (size_t j = 0; j < ncols; j++) {
        fputc(' ', out);
        int r = header ? right[j] == 2 : cells[j].kind == FMT_NUMBER;
        grid_cell(out, &cells[j], widths[j], r, markdown);
        fputc(' ', out);
        fputs(bar, out);
    }
    fputc('\n', out);
}

/* Shrinks the widest columns one column at a time until the grid (whose lines take
 * 1 + sum(width + 3) columns) fits max_width or no column is wider than 3. */
static void fit_widths(size_t *widths, size_t ncols, size_t max_width)
{
    if (max_width == 0)
        return;
    size_t total = 1;
    for (size_t j = 0; j < ncols; j++)
        total += widths[j] + 3;
    while (total > max_width) {
        size_t widest = 0;
        for (size_t j = 1; j < ncols; j++)
            if (widths[j] > widths[widest])
                widest = j;
        if (widths[widest] <= 3)
            return;
        widths[widest]--;
        total--;
    }
}

/* Writes the table, box or markdown grid. */
static int write_grid(FILE *out, const struct fmt_spec *spec)
{
    size_t ncols = spec->ncols;
    int markdown = spec->mode == FMT_MARKDOWN;
    size_t *widths = calloc(ncols ? ncols : 1, sizeof *widths);
    int *right = calloc(ncols ? ncols : 1, sizeof *right);  /* 2: every value a number */
    if (widths == NULL || right == NULL) {
        free(widths);
        free(right);
        return -1;
    }
    for (size_t j = 0; j < ncols; j++) {
        widths[j] = grid_width(&spec->header[j], markdown);
        int numbers = 0, texts = 0;
        for (size_t i = 0; i < spec->nrows; i++) {
            const struct fmt_cell *c = &spec->cells[i * ncols + j];
            size_t w = grid_width(c, markdown);
            if (w > widths[j])
                widths[j] = w;
            numbers += c->kind == FMT_NUMBER;
            texts += c->kind == FMT_TEXT;
        }
        right[j] = numbers > 0 && texts == 0 ? 2 : 0;
        if (markdown && widths[j] < 3)
            widths[j] = 3;  /* room for the "---" of the separator line */
    }
    fit_widths(widths, ncols, spec->max_width);
    static const struct rule ascii = {"+", "-", "+", "+"};
    static const struct rule box_top = {"┌", "─", "┬", "┐"};
    static const struct rule box_mid = {"├", "─", "┼", "┤"};
    static const struct rule box_end = {"└", "─", "┴", "┘"};
    const char *bar = spec->mode == FMT_BOX ? "│" : "|";
    if (spec->mode == FMT_TABLE)
        grid_rule(out, &ascii, widths, ncols);
    else if (spec->mode == FMT_BOX)
        grid_rule(out, &box_top, widths, ncols);
    grid_row(out, bar, spec->header, widths, right, ncols, markdown, 1);
    if (spec->mode == FMT_TABLE) {
        grid_rule(out, &ascii, widths, ncols);
    } else if (spec->mode == FMT_BOX) {
        grid_rule(out, &box_mid, widths, ncols);
    } else {
        fputc('|', out);
        for (size_t j = 0; j < ncols; j++) {
            repeat(out, "-", widths[j] + (right[j] ? 1 : 2));
            fputs(right[j] ? ":|" : "|", out);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < spec->nrows; i++)
        grid_row(out, bar, &spec->cells[i * ncols], widths, right, ncols, markdown, 0);
    if (spec->mode == FMT_TABLE)
        grid_rule(out, &ascii, widths, ncols);
    else if (spec->mode == FMT_BOX)
        grid_rule(out, &box_end, widths, ncols);
    free(widths);
    free(right);
    return 0;
}

/* Writes a CSV field: quoted (quotes doubled) when it holds a comma, a quote, a line
 * break or leading or trailing space; NULL is an empty field. */
static void csv_field(FILE *out, const struct fmt_cell *c)
{
    if (c->kind == FMT_NULL)
        return;
    int quote = c->len > 0 && (c->text[0] == ' ' || c->text[c->len - 1] == ' ');
    for (size_t i = 0; i < c->len && !quote; i++)
        quote = strchr(",\"\r\n", c->text[i]) != NULL && c->text[i] != '\0';
    if (!quote) {
        fwrite(c->text, 1, c->len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < c->len; i++) {
        if (c->text[i] == '"')
            fputc('"', out);
        fputc(c->text[i], out);
    }
    fputc('"', out);
}

/* Writes a CSV line of n cells. */
static void csv_line(FILE *out, const struct fmt_cell *cells, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (j > 0)
            fputc(',', out);
        csv_field(out, &cells[j]);
    }
    fputc('\n', out);
}

/* Writes text as a JSON string: quotes, backslashes and control characters escaped,
 * invalid UTF-8 as \ufffd. */
static void json_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t n = fmt_utf8_decode(s + i, len - i, &cp);
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (int)cp);
        else if (cp == '\n')
            fputs("\\n", out);
        else if (cp == '\t')
            fputs("\\t", out);
        else if (cp < 0x20 || cp == 0x7F)
            fprintf(out, "\\u%04lx", cp);
        else if (cp == 0xFFFD && n == 1)
            fputs("\\ufffd", out);
        else
            fwrite(s + i, 1, n, out);
        i += n;
    }
    fputc('"', out);
}

/* Returns 1 when the number text is valid JSON (Lua writes inf, nan and -nan too). */
static int json_number_ok(const struct fmt_cell *c)
{
    for (size_t i = 0; i < c->len; i++)
        if (strchr("0123456789+-.eE", c->text[i]) == NULL || c->text[i] == '\0')
            return 0;
    return c->len > 0;
}

/* Writes a JSON value of a cell. */
static void json_value(FILE *out, const struct fmt_cell *c)
{
    if (c->kind == FMT_NULL || (c->kind == FMT_NUMBER && !json_number_ok(c)))
        fputs("null", out);
    else if (c->kind == FMT_NUMBER)
        fwrite(c->text, 1, c->len, out);
    else
        json_string(out, c->text, c->len);
}

/* Writes the rows as a JSON array of objects, one object a line. */
static void write_json(FILE *out, const struct fmt_spec *spec)
{
    fputc('[', out);
    for (size_t i = 0; i < spec->nrows; i++) {
        fputs(i == 0 ? "{" : ",\n{", out);
        for (size_t j = 0; j < spec->ncols; j++) {
            if (j > 0)
                fputc(',', out);
            json_string(out, spec->header[j].text, spec->header[j].len);
            fputc(':', out);
            json_value(out, &spec->cells[i * spec->ncols + j]);
        }
        fputc('}', out);
    }
    fputs("]\n", out);
}

/* Writes the table in spec->mode, then the count of rows left out. */
int fmt_table(FILE *out, const struct fmt_spec *spec)
{
    switch (spec->mode) {
    case FMT_CSV:
        csv_line(out, spec->header, spec->ncols);
        for (size_t i = 0; i < spec->nrows; i++)
            csv_line(out, &spec->cells[i * spec->ncols], spec->ncols);
        break;
    case FMT_JSON:
        write_json(out, spec);
        break;
    default:
        if (write_grid(out, spec) != 0)
            return -1;
        break;
    }
    if (spec->total_rows > spec->nrows) {
        size_t more = spec->total_rows - spec->nrows;
        fprintf(out, "... %zu more row%s\n", more, more == 1 ? "" : "s");
    }
    return ferror(out) ? -1 : 0;
}
