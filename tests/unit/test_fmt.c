/* Unit tests of engine/fmt.c and engine/fmt_width.c: display width and result tables. */
#include "fmt.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cell of text (kind FMT_TEXT), a number (FMT_NUMBER) or NULL. */
#define T(s) {s, sizeof s - 1, FMT_TEXT}
#define N(s) {s, sizeof s - 1, FMT_NUMBER}
#define NIL {NULL, 0, FMT_NULL}

/* Renders spec into a fresh string (the caller frees it). */
static char *render(const struct fmt_spec *spec)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (out == NULL)
        return NULL;
    int rc = fmt_table(out, spec);
    fclose(out);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Checks the rendering of spec against want. */
static void check_render(const struct fmt_spec *spec, const char *want, const char *name)
{
    char *got = render(spec);
    unit_is_str(got, want, name);
    free(got);
}

/* Returns the display width of every line of text, or -1 when they differ. */
static long same_line_widths(const char *text)
{
    long width = -1;
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        long w = (long)fmt_width(line, len);
        if (width >= 0 && w != width)
            return -1;
        width = w;
        line += len + (end != NULL);
    }
    return width;
}

/* Width of UTF-8 text: ASCII, Vietnamese precomposed and decomposed, wide, invalid. */
static void test_widths(void)
{
    unit_ok(fmt_width("abc", 3) == 3, "ascii: one column a byte");
    const char *pre = "Tân Biên";  /* precomposed â (U+00E2), ê (U+00EA) */
    unit_ok(fmt_width(pre, strlen(pre)) == 8, "Vietnamese precomposed: 8 columns");
    const char *dec = "Ta\xCC\x82n Bie\xCC\x82n";  /* a + U+0302, e + U+0302 */
    unit_ok(fmt_width(dec, strlen(dec)) == 8, "Vietnamese decomposed: combining marks take 0");
    const char *stacked = "Vie\xCC\x82\xCC\xA3t";  /* ệ as e + U+0302 + U+0323 */
    unit_ok(fmt_width(stacked, strlen(stacked)) == 4, "two stacked combining marks take 0");
    const char *viet = "Đảng Ủy Xã Hội Nghĩa Việt";
    unit_ok(fmt_width(viet, strlen(viet)) == 25, "Vietnamese precomposed (U+1Exx) one column each");
    const char *cjk = "越南";
    unit_ok(fmt_width(cjk, strlen(cjk)) == 4, "CJK wide: two columns each");
    unit_ok(fmt_width("\xFF" "a", 2) == 2, "an invalid byte takes one column");
    unit_ok(fmt_width("\xE1\xBA", 2) == 2, "a truncated sequence: one column a byte");
    unsigned long cp;
    unit_ok(fmt_utf8_decode("\xC0\xAF", 2, &cp) == 1 && cp == 0xFFFD, "overlong form is invalid");
    unit_ok(fmt_utf8_decode("\xE1\xBB\x87", 3, &cp) == 3 && cp == 0x1EC7, "decodes U+1EC7 (ệ)");
}

/* The table and box modes: alignment by display width, numbers to the right. */
static void test_grid(void)
{
    const struct fmt_cell header[] = {T("code"), T("name"), T("n")};
    const struct fmt_cell cells[] = {
        T("tan_bien"), T("Tân Biên"), N("12"),
        T("ben_cau"), T("Be\xCC\x82\xCC\x81n Ca\xCC\x82\xCC\x80u"), N("3"),
        T("x"), NIL, N("1.5"),
    };
    struct fmt_spec spec = {FMT_TABLE, 3, header, cells, 3, 3, 0};
    check_render(&spec,
                 "+----------+----------+-----+\n"
                 "| code     | name     |   n |\n"
                 "+----------+----------+-----+\n"
                 "| tan_bien | Tân Biên |  12 |\n"
                 "| ben_cau  | Be\xCC\x82\xCC\x81n Ca\xCC\x82\xCC\x80u  |   3 |\n"
                 "| x        |          | 1.5 |\n"
                 "+----------+----------+-----+\n",
                 "table mode: aligned by display width, numbers right");
    spec.mode = FMT_BOX;
    char *box = render(&spec);
    unit_ok(box != NULL && strncmp(box, "┌──────────┬", strlen("┌──────────┬")) == 0,
            "box mode: drawn with box characters");
    unit_ok(box != NULL && same_line_widths(box) == 29, "box mode: every line 29 columns");
    free(box);
}

/* Cutting to a width and to a row limit. */
static void test_limits(void)
{
    const struct fmt_cell header[] = {T("id"), T("summary")};
    const struct fmt_cell cells[] = {
        N("1"), T("Phát hiện đối tượng xuất cảnh trái phép"),
        N("2"), T("ngắn"),
    };
    struct fmt_spec spec = {FMT_TABLE, 2, header, cells, 2, 40, 24};
    char *got = render(&spec);
    char *note = got ? strstr(got, "\n...") : NULL;
    if (note)
        note[1] = '\0';  /* the grid alone for the width checks */
    unit_ok(got != NULL && same_line_widths(got) >= 0, "cut table: lines of equal width");
    unit_ok(got != NULL && (size_t)same_line_widths(got) <= 24 ? 1 : 0, "cut table fits 24 columns");
    unit_ok(got != NULL && strstr(got, "| Phát hiện đối … |") != NULL, "a cut cell ends in an ellipsis");
    unit_ok(note != NULL && strcmp(note + 2, ".. 38 more rows\n") == 0, "the rows left out are counted");
    free(got);
    spec.total_rows = 3;
    spec.max_width = 0;
    got = render(&spec);
    unit_ok(got != NULL && strstr(got, "\n... 1 more row\n") != NULL, "one more row: singular");
    unit_ok(got != NULL && strstr(got, "xuất cảnh trái phép |") != NULL, "no width limit: nothing cut");
    free(got);
}

/* csv, json and markdown. */
static void test_text_modes(void)
{
    const struct fmt_cell header[] = {T("name"), T("n")};
    const struct fmt_cell cells[] = {
        T("Tây Ninh, \"TN\""), N("70815"),
        T("a|b"), NIL,
        T("line\nbreak"), N("inf"),
    };
    struct fmt_spec spec = {FMT_CSV, 2, header, cells, 3, 3, 10};
    check_render(&spec,
                 "name,n\n\"Tây Ninh, \"\"TN\"\"\",70815\na|b,\n\"line\nbreak\",inf\n",
                 "csv: quoted when needed, NULL empty");
    spec.mode = FMT_JSON;
    check_render(&spec,
                 "[{\"name\":\"Tây Ninh, \\\"TN\\\"\",\"n\":70815},\n"
                 "{\"name\":\"a|b\",\"n\":null},\n"
                 "{\"name\":\"line\\nbreak\",\"n\":null}]\n",
                 "json: objects, escapes, null and non-finite numbers");
    spec.mode = FMT_MARKDOWN;
    spec.max_width = 0;
    spec.nrows = 2;
    spec.total_rows = 2;
    check_render(&spec,
                 "| name           |     n |\n"
                 "|----------------|------:|\n"
                 "| Tây Ninh, \"TN\" | 70815 |\n"
                 "| a\\|b           |       |\n",
                 "markdown: pipes escaped, numeric column marked right");
    enum fmt_mode mode;
    unit_ok(fmt_mode_parse("box", &mode) == 0 && mode == FMT_BOX, "mode names parse");
    unit_ok(fmt_mode_parse("html", &mode) == -1, "unknown mode refused");
    unit_is_str(fmt_mode_name(FMT_MARKDOWN), "markdown", "mode name");
}

/* Every group of fmt tests. */
void test_fmt(void)
{
    test_widths();
    test_grid();
    test_limits();
    test_text_modes();
}
