/* Unit tests of the pipe that feeds gnuplot its program (engine/proc.c, as
 * engine/lgnuplot.c uses it): a child reading 4096 bytes at a time, as gnuplot reads a
 * script, is topped up in batches rather than after each read, gets every byte in
 * order, and a child that stops reading while the pipe is full ends the feeding at
 * once. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "proc.h"
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Bytes fed in the tests: many times what the pipe holds. */
#define FED (8 << 20)

/* Whether this system lets a user make a 1 MiB pipe (else proc.c writes whenever there
 * is room, and there is nothing to batch). */
static int big_pipes(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 0;
    int size = fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    close(fds[0]);
    close(fds[1]);
    return size >= (1 << 20);
}

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
    int rc = proc_start(&opt, &p);
    unit_ok(rc == 0, "plot pipe: the reader starts");
    if (rc != 0) {
        free(input);
        return;
    }
    int fed = 0;
    for (size_t at = 0; at < FED; at += 65536)
        fed |= proc_feed(p, input + at, 65536);
    getrusage(RUSAGE_SELF, &after);
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
    long wakeups = after.ru_nvcsw - before.ru_nvcsw;
    if (big_pipes())
        unit_ok(wakeups < FED / 4096 / 16,
                "plot pipe: topped up in batches (%ld waits for %d reads of 4096 bytes)",
                wakeups, FED / 4096);
    else
        unit_ok(1, "plot pipe: # SKIP no 1 MiB pipes here (%ld waits)", wakeups);
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

/* The group run by main.c. */
void test_plotpipe(void)
{
    test_batches();
    test_reader_gone();
}
