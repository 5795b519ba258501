/* TAP output for the C unit tests. */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tests_run;
static int tests_failed;

/* Reports one test: "ok N - name" when cond holds, else "not ok N - name". */
void unit_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tests_run++;
    if (!cond)
        tests_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tests_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Reports whether two strings are equal, showing both when they are not. */
void unit_is_str(const char *got, const char *want, const char *name)
{
    int same = got && want ? strcmp(got, want) == 0 : got == want;
    unit_ok(same, "%s", name);
    if (!same)
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
}

/* The number of failed tests so far. */
int unit_failures(void)
{
    return tests_failed;
}

/* The number of tests run so far (for the plan printed at the end). */
int unit_count(void)
{
    return tests_run;
}
