/* Runs every group of C unit tests and prints the TAP plan at the end. */
#include "unit.h"

#include <stdio.h>

int main(void)
{
    test_paths();
    test_sha256();
    test_csvload();
    test_csvfk();
    test_csvwrite();
    test_csvsniff();
    test_fmt();
    test_proc();
    test_plotcolumn();
    test_plotpipe();
    printf("1..%d\n", unit_count());
    return unit_failures() ? 1 : 0;
}
