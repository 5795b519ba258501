/* Unit tests of engine/proc.c: feeding, draining, exit statuses, the time limit and
 * reaping, a missing program, descriptors not leaking into the child. */
#include "proc.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether this process has no child left to reap (no zombie, none running). */
static int no_children(void)
{
    int status;
    return waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

/* cat echoes a small input; the result strings are NUL-terminated. */
static void test_cat(void)
{
    const char *argv[] = {"cat", NULL};
    struct proc_options opt = {argv, "hello\n", 6, 5.0, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0, "proc: cat runs");
    unit_is_str(res.out, "hello\n", "proc: cat echoes its input");
    unit_is_str(res.err, "", "proc: empty stderr is an empty string");
    unit_ok(res.exited && res.exit_code == 0 && !res.timed_out, "proc: cat exits 0");
    proc_result_free(&res);
    proc_result_free(&res);
    unit_ok(no_children(), "proc: cat reaped");
}

/* 8 MiB through tee to both stdout and stderr: far more than a pipe holds, so this
 * only finishes when input is written while both outputs are drained. */
static void test_large(void)
{
    size_t n = (size_t)8 << 20;
    char *big = malloc(n);
    if (!big) {
        unit_ok(0, "proc: allocate test input");
        return;
    }
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    const char *argv[] = {"tee", "/dev/stderr", NULL};
    struct proc_options opt = {argv, big, n, 60.0, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0 && res.exited && res.exit_code == 0, "proc: tee of 8 MiB exits 0");
    unit_ok(res.out_len == n && memcmp(res.out, big, n) == 0, "proc: stdout has all 8 MiB intact");
    unit_ok(res.err_len == n && memcmp(res.err, big, n) == 0, "proc: stderr has all 8 MiB intact");
    unit_ok(!res.input_short, "proc: all input taken");
    proc_result_free(&res);
    free(big);
}

/* A child that exits without reading: the input is cut short, vigil survives (no
 * SIGPIPE), and the exit status comes through. */
static void test_short_input(void)
{
    size_t n = (size_t)1 << 20;
    char *big = calloc(n, 1);
    const char *argv[] = {"false", NULL};
    struct proc_options opt = {argv, big, n, 10.0, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0 && res.exited && res.exit_code == 1, "proc: false exits 1");
    unit_ok(res.input_short, "proc: input cut short is reported");
    proc_result_free(&res);
    free(big);
    unit_ok(no_children(), "proc: false reaped");
}

/* sleep 10 with a 0.2 s limit: killed by SIGTERM (so it did not run its 10 s), reaped. */
static void test_timeout(void)
{
    const char *argv[] = {"sleep", "10", NULL};
    struct proc_options opt = {argv, NULL, 0, 0.2, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0 && res.timed_out, "proc: sleep 10 times out");
    unit_ok(!res.exited && res.signal == SIGTERM, "proc: it was ended by SIGTERM");
    proc_result_free(&res);
    unit_ok(no_children(), "proc: timed-out child reaped, no zombie");
}

/* A child that ignores SIGTERM gets SIGKILL. */
static void test_kill(void)
{
    const char *argv[] = {"sh", "-c", "trap '' TERM; while :; do :; done", NULL};
    struct proc_options opt = {argv, NULL, 0, 0.2, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0 && res.timed_out && res.signal == SIGKILL,
            "proc: a child ignoring SIGTERM is killed with SIGKILL");
    proc_result_free(&res);
    unit_ok(no_children(), "proc: killed child reaped");
}

/* A program not on PATH: -1 with ENOENT, nothing to free. */
static void test_missing(void)
{
    const char *argv[] = {"vigil-no-such-program-xyz", NULL};
    struct proc_options opt = {argv, "x", 1, 5.0, 0};
    struct proc_result res;
    errno = 0;
    int rc = proc_run(&opt, &res);
    /* Under valgrind the spawn cannot report a failed exec: the child exits 127. */
    int by_exit = rc == 0 && res.exited && res.exit_code == 127;
    unit_ok((rc == -1 && errno == ENOENT) || by_exit, "proc: missing program gives ENOENT (or exit 127)");
    unit_ok(by_exit || (res.out == NULL && res.err == NULL), "proc: nothing to free after a failed start");
    if (rc == 0)
        proc_result_free(&res);
    unit_ok(no_children(), "proc: no child left after a failed start");
}

/* Output beyond max_output is drained and dropped. */
static void test_truncate(void)
{
    const char *argv[] = {"cat", NULL};
    struct proc_options opt = {argv, "0123456789abcdef", 16, 5.0, 10};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(rc == 0 && res.out_len == 10 && res.out_truncated, "proc: output capped at max_output");
    unit_is_str(res.out, "0123456789", "proc: the kept part is the beginning");
    proc_result_free(&res);
}

/* A descriptor open in the parent (without close-on-exec) is not inherited. */
static void test_fds_closed(void)
{
    int fd = open("/dev/null", O_RDONLY);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    const char *argv[] = {"sh", "-c", "test -e \"$1\" && echo open || echo closed", "sh", path, NULL};
    struct proc_options opt = {argv, NULL, 0, 5.0, 0};
    struct proc_result res;
    int rc = proc_run(&opt, &res);
    unit_ok(fd > 2 && rc == 0, "proc: sh runs with a spare descriptor open");
    unit_is_str(res.out, "closed\n", "proc: other descriptors are closed in the child");
    proc_result_free(&res);
    close(fd);
}

/* In steps: input fed in pieces while the child runs (more than a pipe holds, echoed
 * on both outputs), then finished; the result is what proc_run would give. */
static void test_steps(void)
{
    const char *argv[] = {"tee", "/dev/stderr", NULL};
    struct proc_options opt = {argv, NULL, 0, 60.0, 0};
    struct proc *p;
    int rc = proc_start(&opt, &p);
    unit_ok(rc == 0, "proc steps: tee starts");
    if (rc != 0)
        return;
    char piece[1000];
    size_t total = 0;
    int fed = 0;
    for (int k = 0; k < 300; k++) {
        for (size_t i = 0; i < sizeof piece; i++)
            piece[i] = (char)('a' + (k + i) % 26);
        fed |= proc_feed(p, piece, sizeof piece);
        total += sizeof piece;
    }
    unit_ok(fed == 0, "proc steps: 300 pieces fed");
    struct proc_result res;
    rc = proc_finish(p, &res);
    unit_ok(rc == 0 && res.exited && res.exit_code == 0, "proc steps: tee exits 0");
    int same = res.out_len == total && res.err_len == total;
    for (size_t i = 0; same && i < total; i++)
        same = res.out[i] == (char)('a' + (i / sizeof piece + i % sizeof piece) % 26)
               && res.err[i] == res.out[i];
    unit_ok(same, "proc steps: both outputs hold every piece in order (%zu bytes)", total);
    proc_result_free(&res);
    unit_ok(no_children(), "proc steps: tee reaped");
}

/* In steps: a child that exits without reading drops the rest of the input (no
 * SIGPIPE); one that is aborted is killed and reaped; a missing program fails at
 * proc_start with ENOENT. */
static void test_steps_end(void)
{
    const char *f_argv[] = {"false", NULL};
    struct proc_options opt = {f_argv, NULL, 0, 10.0, 0};
    struct proc *p;
    struct proc_result res;
    char *big = calloc((size_t)1 << 20, 1);
    if (proc_start(&opt, &p) == 0) {
        int a = proc_feed(p, big, (size_t)1 << 20), b = proc_feed(p, big, 10);
        int rc = proc_finish(p, &res);
        unit_ok(a == 0 && b == 0 && rc == 0 && res.exited && res.exit_code == 1 && res.input_short,
                "proc steps: input to a child that stopped reading is dropped, status kept");
        proc_result_free(&res);
    } else {
        unit_ok(0, "proc steps: false starts");
    }
    free(big);
    const char *s_argv[] = {"sleep", "10", NULL};
    opt.argv = s_argv;
    if (proc_start(&opt, &p) == 0) {
        proc_abort(p);
        unit_ok(no_children(), "proc steps: an aborted child is killed and reaped");
    } else {
        unit_ok(0, "proc steps: sleep starts");
    }
    const char *m_argv[] = {"vigil-no-such-program", NULL};
    opt.argv = m_argv;
    errno = 0;
    p = (struct proc *)&opt; /* must be reset */
    int rc = proc_start(&opt, &p);
    /* Under valgrind the spawn cannot report a failed exec: the child exits 127. */
    int by_exit = 0;
    if (rc == 0) {
        by_exit = proc_finish(p, &res) == 0 && res.exited && res.exit_code == 127;
        proc_result_free(&res);
    }
    unit_ok((rc == -1 && errno == ENOENT && p == NULL) || by_exit,
            "proc steps: a missing program is ENOENT (or exit 127)");
    opt.argv = s_argv;
    opt.timeout = 0.2;
    if (proc_start(&opt, &p) == 0) {
        rc = proc_finish(p, &res);
        unit_ok(rc == 0 && res.timed_out && res.signal == SIGTERM,
                "proc steps: the deadline counts from proc_start");
        proc_result_free(&res);
    } else {
        unit_ok(0, "proc steps: sleep starts");
    }
    unit_ok(no_children(), "proc steps: nothing left to reap");
}

void test_proc(void)
{
    test_cat();
    test_large();
    test_short_input();
    test_timeout();
    test_kill();
    test_missing();
    test_truncate();
    test_fds_closed();
    test_steps();
    test_steps_end();
}
