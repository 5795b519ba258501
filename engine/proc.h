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

/* Frees the output buffers of res; safe to call twice. */
void proc_result_free(struct proc_result *res);

#endif
