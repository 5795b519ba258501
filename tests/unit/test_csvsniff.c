/* Unit tests of engine/csvsniff.c: dates, numbers, delimiter, header and type guesses. */
#include "csvsniff.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* The ISO form of a date, or "no: REASON". */
static const char *date(const char *s)
{
    static char out[128];
    char iso[11];
    const char *why = NULL;
    if (csvsniff_date(s, strlen(s), iso, &why))
        snprintf(out, sizeof out, "%s", iso);
    else
        snprintf(out, sizeof out, "no: %s", why);
    return out;
}

/* Dates, integers, reals, delimiters, column types and headers. */
void test_csvsniff(void)
{
    long long iv = 0;
    double dv = 0;
    char why[256];
    struct csvsniff_column c;
    enum csvsniff_type types[3];
    static const char *const head[] = { "id", "ngay", "ten" };
    static const char *const data[] = { "7", "2022-01-01", "x" };
    static const size_t hl[] = { 2, 4, 3 }, dl[] = { 1, 10, 1 };
    int i;

    unit_is_str(date("2022-09-08"), "2022-09-08", "csvsniff_date: ISO");
    unit_is_str(date("08/09/2022"), "2022-09-08", "csvsniff_date: DD/MM/YYYY is day first");
    unit_is_str(date(" 8/9/2022 "), "2022-09-08", "csvsniff_date: D/M/YYYY, spaces trimmed");
    unit_is_str(date("29/02/2024"), "2024-02-29", "csvsniff_date: a leap day");
    unit_is_str(date("29/02/2100"), "no: February 2100 has 28 days", "csvsniff_date: 2100 is no leap year");
    unit_is_str(date("31/02/2022"), "no: February 2022 has 28 days", "csvsniff_date: 31 February");
    unit_is_str(date("2022-04-31"), "no: April 2022 has 30 days", "csvsniff_date: 31 April");
    unit_is_str(date("2022-13-01"), "no: there is no month 13", "csvsniff_date: month 13");
    unit_is_str(date("2022-1-5"), "no: not in the form YYYY-MM-DD or DD/MM/YYYY",
                "csvsniff_date: ISO needs two-digit month and day");
    unit_is_str(date("08/09/22"), "no: not in the form YYYY-MM-DD or DD/MM/YYYY",
                "csvsniff_date: two-digit years are refused");
    unit_is_str(date("2022-09-08x"), "no: not in the form YYYY-MM-DD or DD/MM/YYYY",
                "csvsniff_date: trailing text");

    unit_ok(csvsniff_integer(" -42 ", 5, &iv) && iv == -42, "csvsniff_integer: sign, spaces");
    unit_ok(csvsniff_integer("9223372036854775807", 19, &iv) && iv == 9223372036854775807LL,
            "csvsniff_integer: INT64_MAX");
    unit_ok(csvsniff_integer("-9223372036854775808", 20, &iv) && iv == -9223372036854775807LL - 1,
            "csvsniff_integer: INT64_MIN");
    unit_ok(!csvsniff_integer("9223372036854775808", 19, &iv), "csvsniff_integer: overflow refused");
    unit_ok(!csvsniff_integer("1.000", 5, &iv) && !csvsniff_integer("", 0, &iv) &&
            !csvsniff_integer("-", 1, &iv) && !csvsniff_integer("1 2", 3, &iv),
            "csvsniff_integer: thousands separators, empty, bare sign, inner space refused");
    unit_ok(csvsniff_real("1e-2", 4, &dv) && dv == 0.01, "csvsniff_real: exponent");
    unit_ok(!csvsniff_real("1,5", 3, &dv) && !csvsniff_real("nan", 3, &dv) &&
            !csvsniff_real("0x10", 4, &dv) && !csvsniff_real("1e999", 5, &dv),
            "csvsniff_real: decimal comma, nan, hex, overflow refused");

    unit_ok(csvsniff_delimiter("a;b;c\n1;2,5;3\n", 14, why, sizeof why) == ';',
            "csvsniff_delimiter: semicolon with a decimal comma inside (%s)", why);
    unit_ok(csvsniff_delimiter("a\tb\n1\t2\n", 8, why, sizeof why) == '\t', "csvsniff_delimiter: tab");
    unit_ok(csvsniff_delimiter("a,\"b;c\"\n1,2\n", 12, why, sizeof why) == ',',
            "csvsniff_delimiter: a delimiter inside quotes does not count");
    unit_ok(csvsniff_delimiter("single\nvalue\n", 13, why, sizeof why) == ',',
            "csvsniff_delimiter: nothing splits: comma");

    memset(&c, 0, sizeof c);
    csvsniff_add(&c, "1", 1, 2);
    csvsniff_add(&c, "", 0, 3);
    csvsniff_add(&c, "20", 2, 4);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_INTEGER, "csvsniff_infer: integers (%s)", why);
    unit_is_str(why, "INTEGER: 2 of 2 values are integers; 1 empty", "csvsniff_infer: the reason for INTEGER");
    csvsniff_add(&c, "2.5", 3, 5);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_REAL, "csvsniff_infer: a fraction makes REAL");
    csvsniff_add(&c, "abc", 3, 6);
    csvsniff_infer(&c, why, sizeof why);
    unit_is_str(why, "TEXT: 3 of 4 values are numbers, but line 6 has 'abc'; 1 empty",
                "csvsniff_infer: the reason for TEXT");
    memset(&c, 0, sizeof c);
    csvsniff_add(&c, "08/09/2022", 10, 2);
    csvsniff_add(&c, "2022-09-09", 10, 3);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_DATE, "csvsniff_infer: dates (%s)", why);
    unit_is_str(why, "date: 2 of 2 values are dates (1 YYYY-MM-DD, 1 DD/MM/YYYY day first, "
                "converted to ISO)", "csvsniff_infer: a mix of date forms is reported");
    csvsniff_add(&c, "h\xc3\xb4m qua\nr\xe1\xbb\x93i", 14, 4);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_TEXT,
            "csvsniff_infer: some values not dates: TEXT, never a silent date");
    unit_is_str(why, "TEXT: only 2 of 3 values are dates (line 4 has 'h\xc3\xb4m qua r\xe1\xbb\x93i'); "
                "not guessed as a date", "csvsniff_infer: says why it is not a date, one line");
    memset(&c, 0, sizeof c);
    csvsniff_add(&c, "2022-01-01", 10, 2);
    csvsniff_add(&c, "2022", 4, 3);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_TEXT, "csvsniff_infer: dates and numbers: TEXT");
    unit_is_str(why, "TEXT: only 1 of 2 values are dates, the others numbers; not guessed as a date",
                "csvsniff_infer: the reason for dates mixed with numbers");
    memset(&c, 0, sizeof c);
    csvsniff_add(&c, "", 0, 2);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_EMPTY, "csvsniff_infer: no values (%s)", why);
    memset(&c, 0, sizeof c);
    csvsniff_add(&c, "007", 3, 2);
    unit_ok(csvsniff_infer(&c, why, sizeof why) == CSVSNIFF_TEXT, "csvsniff_infer: a leading zero keeps TEXT");

    types[0] = CSVSNIFF_INTEGER;
    types[1] = CSVSNIFF_DATE;
    types[2] = CSVSNIFF_TEXT;
    unit_ok(csvsniff_header(head, hl, 3, types, why, sizeof why) == 1, "csvsniff_header: names above numbers (%s)", why);
    unit_ok(csvsniff_header(data, dl, 3, types, why, sizeof why) == 0, "csvsniff_header: values like the rest");
    for (i = 0; i < 3; i++)
        types[i] = CSVSNIFF_TEXT;
    unit_ok(csvsniff_header(data, dl, 3, types, why, sizeof why) == 1, "csvsniff_header: all text: assumed");
}
