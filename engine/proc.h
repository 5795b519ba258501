/* Pure C: run a program as a child process with pipes on its stdin, stdout and stderr,
 * feed it its input while draining its output, and wait for it with a time limit.
 * No shell is ever involved: argv[0] is looked up on PATH and run directly. */
#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include <stddef.h>

/* What to run and how. */
struct proc_options {
    const char *const *argv; /* program and arguments, NULL-terminated; argv[0] on PATH */
    const char *input;       /* bytes written to the child's stdin (may be NULL) */
    size_t input_len;
    double timeout;          /* seconds before the child is killed; <= 0: no limit */
    size_t max_output;       /* bytes kept per stream (the rest is drained and dropped);
                                0: PROC_DEFAULT_MAX_OUTPUT */
};

#define PROC_DEFAULT_MAX_OUTPUT ((size_t)64 << 20)

/* What happened. out and err are NUL-terminated (also when empty) once proc_run
 * returned 0; proc_result_free releases them. */
struct proc_result {
    int exited;       /* 1: the child exited normally with exit_code */
    int exit_code;
    int signal;       /* the signal that ended the child, 0 if none */
    int timed_out;    /* 1: the time limit passed and vigil killed the child */
    int input_short;  /* 1: the child closed its stdin before taking all the input */
    int out_truncated, err_truncated; /* 1: more than max_output bytes were dropped */
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
};

/* Runs the program to completion (or until the time limit, when it is killed with
 * SIGTERM and, a moment later, SIGKILL) and reaps it. Returns 0 when the child ran,
 * whatever its status; -1 with errno set when it could not be started (ENOENT: the
 * program is not on PATH) or when memory or pipes ran out. On -1, res holds nothing to
 * free and no child is left behind. SIGPIPE is ignored while the child runs. */
int proc_run(const struct proc_options *opt, struct proc_result *res);

/* The same in steps, for input made while the child already runs: proc_start starts
 * argv (opt->input is not used) with its stdin a pipe; proc_feed writes to it while
 * draining the child's outputs (so neither side can block the other); proc_finish
 * closes the input, drains, waits (killing the child at the deadline, counted from
 * proc_start) and fills res as proc_run does.  proc_abort kills the child instead.
 * proc_finish or proc_abort, exactly one of them, frees the proc and reaps the child.
 * SIGPIPE is ignored from proc_start until then. */
struct proc;

/* Returns 0 and the running child in *out, or -1 with errno as proc_run (nothing is
 * left to free or reap). */
int proc_start(const struct proc_options *opt, struct proc **out);

/* Makes the child's stdin pipe 1 MiB (where the system allows) and has proc_feed top it
 * up in batches: once full, it waits until the pipe is half empty (looking every
 * millisecond, less often while the child reads nothing) rather than writing after
 * each read of the child, for a child that reads a lot a little at a time (gnuplot).
 * Input that fits in the pipe and is never read is then not noticed (input_short).
 * Returns 1 when the pipe could be made that large, else 0 (nothing changes). */
int proc_batch_input(struct proc *p);

/* Writes buf[0..len) to the child's stdin, or drops it when the child has closed its
 * stdin (res->input_short at the end).  Returns 0, or -1 with errno ETIMEDOUT (the
 * deadline passed) or ENOMEM; then further input is dropped and proc_finish kills the
 * child. */
int proc_feed(struct proc *p, const char *buf, size_t len);

/* Returns 0 with res filled (see proc_run), or -1 with errno (ENOMEM) after killing
 * the child; p is freed either way. */
int proc_finish(struct proc *p, struct proc_result *res);

/* Kills the child (SIGTERM, then SIGKILL), reaps it and frees p. */
void proc_abort(struct proc *p);

/* Frees the output buffers of res; safe to call twice. */
void proc_result_free(struct proc_result *res);

#endif
