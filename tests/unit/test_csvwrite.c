/* Unit tests of engine/csvwrite.c (the RFC 4180 writer with a spreadsheet-safe mode). */
#include "csvwrite.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes one record of the given text fields (NULL entries are NULL) with flags, and
 * returns the output in a static buffer. */
static const char *record(int flags, int n, const char *const *fields)
{
    static char out[512];
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    struct csvwrite w;
    int i;
    if (!f)
        return "(no memstream)";
    csvwrite_init(&w, f, 0, flags);
    for (i = 0; i < n; i++)
        csvwrite_text(&w, fields[i], fields[i] ? strlen(fields[i]) : 0);
    csvwrite_end(&w);
    fclose(f);
    snprintf(out, sizeof out, "%s", buf ? buf : "");
    free(buf);
    return out;
}

/* Quoting, NULL against '', neutralising, numbers. */
void test_csvwrite(void)
{
    static const char *const plain[] = { "a", "b c", NULL, "", "Đức Huệ" };
    static const char *const quoted[] = { "a,b", "say \"hi\"", "two\nlines", "cr\rx" };
    static const char *const formulas[] = { "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b" };
    char *buf = NULL;
    size_t size = 0;
    FILE *f;
    struct csvwrite w;

    unit_is_str(record(0, 5, plain), "a,b c,,\"\",Đức Huệ\r\n",
                "csvwrite: plain fields bare, NULL empty, '' quoted, CRLF");
    unit_is_str(record(0, 4, quoted), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rx\"\r\n",
                "csvwrite: delimiter, quotes (doubled), LF and CR are quoted");
    unit_is_str(record(0, 7, formulas),
                "\"'=1+1\",\"'+1\",\"'-1\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\",a=b\r\n",
                "csvwrite: = + - @ tab CR at the start are neutralised with an apostrophe");
    unit_is_str(record(CSVWRITE_RAW, 7, formulas), "=1+1,+1,-1,@SUM(A1),\tx,\"\rx\",a=b\r\n",
                "csvwrite: CSVWRITE_RAW writes them as they are");
    unit_ok(csvwrite_is_formula("-", 1) && !csvwrite_is_formula("", 0) &&
            !csvwrite_is_formula("1-", 2), "csvwrite_is_formula: only the first byte counts");

    f = open_memstream(&buf, &size);
    if (f) {
        csvwrite_init(&w, f, ';', 0);
        csvwrite_integer(&w, -42);
        csvwrite_real(&w, 0.1);
        csvwrite_real(&w, 2.0);
        csvwrite_real(&w, 1e300);
        csvwrite_real(&w, 1.0 / 3.0);
        csvwrite_text(&w, "a;b", 3);
        csvwrite_end(&w);
        unit_ok(csvwrite_status(&w) == 0, "csvwrite: status 0 after good writes");
        fclose(f);
        unit_is_str(buf, "-42;0.1;2.0;1e+300;0.3333333333333333;\"a;b\"\r\n",
                    "csvwrite: numbers not neutralised, shortest exact reals, other delimiter");
        free(buf);
    }
}
