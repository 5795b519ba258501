/* A tiny TAP producer for the C unit tests of vigil's pure helpers. */
#ifndef VIGIL_UNIT_H
#define VIGIL_UNIT_H

/* Reports one test: "ok N - name" when cond holds, else "not ok N - name". */
void unit_ok(int cond, const char *fmt, ...);

/* Reports whether two strings are equal, showing both when they are not. */
void unit_is_str(const char *got, const char *want, const char *name);

/* The number of failed tests so far. */
int unit_failures(void);

/* The number of tests run so far (for the plan printed at the end). */
int unit_count(void);

/* Test groups, one per pure helper; main.c calls each. */
void test_csvload(void);
void test_csvfk(void);
void test_csvwrite(void);
void test_csvsniff(void);
void test_fmt(void);
void test_paths(void);
void test_plotcolumn(void);
void test_plotpipe(void);
void test_proc(void);
void test_sha256(void);

#endif
