/* Unit tests of the pipe that feeds gnuplot its program (engine/proc.c with
 * proc_batch_input, as engine/lgnuplot.c uses it): a child reading 4096 bytes at a
 * time, as gnuplot reads a script, is topped up in batches rather than after each
 * read, gets every byte in order, one that stalls is looked at less and less often, and a child that stops
 * reading while the pipe is full ends the feeding at once. */
#include "proc.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Bytes fed in the tests: many times what the pipe holds. */
#define FED (8 << 20)

/* Seconds on the monotonic clock. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The byte at offset i of the input. */
static char byte_at(size_t i)
{
    return (char)('a' + (i / 4093 + i) % 26);
}

/* dd reading 4096 bytes per read() and counting them: every byte arrives, and vigil
 * wakes far less often than once per read (its voluntary context switches). */
static void test_batches(void)
{
    char *input = malloc(FED);
    if (!input) {
        unit_ok(0, "plot pipe: memory for the input");
        return;
    }
    for (size_t i = 0; i < FED; i++)
        input[i] = byte_at(i);
    const char *argv[] = {"sh", "-c", "dd bs=4096 2>/dev/null | cksum", NULL};
    struct proc_options opt = {argv, NULL, 0, 60.0, 0};
    struct proc *p;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double t0 = seconds();
    int rc = proc_start(&opt, &p);
    unit_ok(rc == 0, "plot pipe: the reader starts");
    int big = rc == 0 && proc_batch_input(p);
    if (rc != 0) {
        free(input);
        return;
    }
    int fed = 0;
    for (size_t at = 0; at < FED; at += 65536)
        fed |= proc_feed(p, input + at, 65536);
    getrusage(RUSAGE_SELF, &after);
    double ms = (seconds() - t0) * 1000;
    struct proc_result res;
    rc = proc_finish(p, &res);
    unit_ok(rc == 0 && fed == 0 && res.exited && res.exit_code == 0 && !res.input_short,
            "plot pipe: %d MiB fed in 64 KiB pieces", FED >> 20);
    /* the reference checksum of the same bytes, through a pipe written at once */
    const char *ref_argv[] = {"cksum", NULL};
    struct proc_options ref_opt = {ref_argv, input, FED, 60.0, 0};
    struct proc_result ref;
    if (rc == 0 && proc_run(&ref_opt, &ref) == 0) {
        unit_is_str(res.out, ref.out, "plot pipe: every byte arrived, in order (cksum)");
        proc_result_free(&ref);
    } else {
        unit_ok(0, "plot pipe: cksum runs");
    }
    if (rc == 0)
        proc_result_free(&res);
    /* vigil waits at most once a millisecond while the pipe is full, where writing
     * whenever there is room wakes it after nearly every read (hundreds of times here);
     * on a machine so busy that feeding took 100 ms or more the two cannot be told apart */
    long wakeups = after.ru_nvcsw - before.ru_nvcsw;
    if (!big)
        unit_ok(1, "plot pipe: # SKIP no 1 MiB pipes here (%ld waits)", wakeups);
    else if (ms >= 100)
        unit_ok(1, "plot pipe: # SKIP too busy to tell batches from reads (%.0f ms)", ms);
    else
        unit_ok(wakeups <= (long)ms + 16 && wakeups < FED / 4096 / 16,
                "plot pipe: topped up in batches (%ld waits in %.0f ms for %d reads of 4096 bytes)",
                wakeups, ms, FED / 4096);
    free(input);
}

/* A child that exits without reading while the pipe is more than half full: the
 * feeding stops at once (not at the deadline) and says the input was cut short. */
static void test_reader_gone(void)
{
    static char input[FED];
    memset(input, 'x', sizeof input);
    const char *argv[] = {"sh", "-c", "sleep 0.2", NULL};
    struct proc_options opt = {argv, NULL, 0, 30.0, 0};
    struct proc *p;
    if (proc_start(&opt, &p) != 0) {
        unit_ok(0, "plot pipe: sleep starts");
        return;
    }
    proc_batch_input(p);
    double t0 = seconds();
    for (size_t at = 0; at < sizeof input; at += 65536)
        proc_feed(p, input + at, 65536);
    struct proc_result res;
    int rc = proc_finish(p, &res);
    double took = seconds() - t0;
    unit_ok(rc == 0 && res.input_short && took < 5.0,
            "plot pipe: a child that stops reading ends the feeding (%.2f s)", took);
    if (rc == 0)
        proc_result_free(&res);
}

/* A child that reads a little, then nothing for 0.3 s, then everything: while the pipe
 * stays full vigil looks at it less and less often (a few dozen times, not once a
 * millisecond). */
static void test_stalled_reader(void)
{
    static char input[4 << 20];
    memset(input, 'y', sizeof input);
    const char *argv[] = {"sh", "-c", "head -c 100000 >/dev/null; sleep 0.3; exec cat >/dev/null",
                          NULL};
    struct proc_options opt = {argv, NULL, 0, 30.0, 0};
    struct proc *p;
    if (proc_start(&opt, &p) != 0) {
        unit_ok(0, "plot pipe: the stalled reader starts");
        return;
    }
    int big = proc_batch_input(p);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    int fed = 0;
    for (size_t at = 0; at < sizeof input; at += 65536)
        fed |= proc_feed(p, input + at, 65536);
    getrusage(RUSAGE_SELF, &after);
    struct proc_result res;
    int rc = proc_finish(p, &res);
    long wakeups = after.ru_nvcsw - before.ru_nvcsw;
    if (!big)
        unit_ok(1, "plot pipe: # SKIP no 1 MiB pipes here (%ld waits)", wakeups);
    else
        unit_ok(rc == 0 && fed == 0 && !res.input_short && wakeups < 100,
                "plot pipe: a reader stalled for 0.3 s with the pipe full: %ld waits", wakeups);
    if (rc == 0)
        proc_result_free(&res);
}

/* The group run by main.c. */
void test_plotpipe(void)
{
    test_batches();
    test_stalled_reader();
    test_reader_gone();
}
