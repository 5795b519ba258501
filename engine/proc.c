/* Pure C: run a child process with pipes, feed it, drain it, wait for it with a time
 * limit, and reap it (see proc.h). One poll loop writes the input and reads both
 * outputs, so neither side can block the other however much each writes. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np (glibc 2.34+) */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long a child has to end after SIGTERM before it gets SIGKILL. */
#define PROC_TERM_GRACE 0.5
/* Bytes moved per read() or write() call. */
#define PROC_CHUNK 65536

/* A growing buffer of one output stream, keeping at most max bytes. */
struct sink {
    char *buf;
    size_t len, cap, max;
    int truncated;
};

/* Makes an empty sink (an allocated, NUL-terminated empty string); -1 when out of
 * memory. */
static int sink_init(struct sink *s, size_t max)
{
    s->buf = malloc(1);
    if (!s->buf)
        return -1;
    s->buf[0] = '\0';
    s->len = 0;
    s->cap = 1;
    s->max = max;
    s->truncated = 0;
    return 0;
}

/* Appends n bytes (those beyond max are dropped and noted); -1 when out of memory. */
static int sink_add(struct sink *s, const char *p, size_t n)
{
    size_t keep = s->max - s->len < n ? s->max - s->len : n;
    if (keep < n)
        s->truncated = 1;
    if (keep == 0)
        return 0;
    if (s->len + keep + 1 > s->cap) {
        size_t cap = s->cap;
        while (cap < s->len + keep + 1)
            cap = cap < PROC_CHUNK ? PROC_CHUNK : cap * 2;
        char *grown = realloc(s->buf, cap);
        if (!grown)
            return -1;
        s->buf = grown;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, keep);
    s->len += keep;
    s->buf[s->len] = '\0';
    return 0;
}

/* Frees a sink's buffer. */
static void sink_free(struct sink *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps a few milliseconds (an interrupted sleep is simply shorter). */
static void nap(void)
{
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Closes *fd when open and marks it closed. */
static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Makes a pipe whose two ends are closed on exec; -1 with errno on failure. */
static int make_pipe(int fds[2])
{
    if (pipe(fds) != 0) {
        fds[0] = fds[1] = -1;
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Makes fd non-blocking. */
static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Starts argv with in_fd, out_fd and err_fd as its standard streams, every other
 * descriptor closed, default signal dispositions and an empty signal mask. Returns 0,
 * or the error number (ENOENT when argv[0] is not on PATH). */
static int spawn_child(const char *const *argv, int in_fd, int out_fd, int err_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t all, none;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc)
        return rc;
    rc = posix_spawnattr_init(&at);
    if (rc) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    sigfillset(&all);
    sigemptyset(&none);
    rc = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if (!rc)
        rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    if (!rc)
        rc = posix_spawnattr_setsigdefault(&at, &all);
    if (!rc)
        rc = posix_spawnattr_setsigmask(&at, &none);
    if (!rc)
        rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (!rc)
        rc = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

/* Waits for pid without blocking; returns 1 when it has been reaped (status set). */
static int try_reap(pid_t pid, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) { /* already reaped elsewhere (SIGCHLD ignored): nothing to wait for */
            *status = 0;
            return 1;
        }
        return 0;
    }
}

/* Sends SIGTERM, then SIGKILL if pid has not ended after a grace period, and reaps. */
static void kill_and_reap(pid_t pid, int *status)
{
    kill(pid, SIGTERM);
    double until = now() + PROC_TERM_GRACE;
    while (now() < until) {
        if (try_reap(pid, status))
            return;
        nap();
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) {
            *status = 0;
            return;
        }
    }
}

/* Waits for pid until deadline (0: forever); kills it when the deadline passes.
 * Returns 1 when it had to kill. */
static int reap(pid_t pid, double deadline, int *status)
{
    if (deadline <= 0) {
        while (waitpid(pid, status, 0) < 0) {
            if (errno != EINTR) {
                *status = 0;
                break;
            }
        }
        return 0;
    }
    while (!try_reap(pid, status)) {
        if (now() >= deadline) {
            kill_and_reap(pid, status);
            return 1;
        }
        nap();
    }
    return 0;
}

/* Writes the next chunk of the input to *fd; closes *fd when all is written or the
 * child has closed its end. */
static void feed(int *fd, const struct proc_options *opt, size_t *written, struct proc_result *res)
{
    size_t left = opt->input_len - *written;
    ssize_t n = write(*fd, opt->input + *written, left < PROC_CHUNK ? left : PROC_CHUNK);
    if (n > 0) {
        *written += (size_t)n;
        if (*written == opt->input_len)
            close_fd(fd);
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        res->input_short = 1; /* EPIPE: the child stopped reading */
        close_fd(fd);
    }
}

/* Reads what is available on *fd into s; closes *fd at end of file or on error.
 * Returns -1 when out of memory. */
static int drain(int *fd, struct sink *s)
{
    char chunk[PROC_CHUNK];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n > 0)
        return sink_add(s, chunk, (size_t)n);
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        close_fd(fd);
    return 0;
}

/* The poll loop: feeds the input and drains both outputs until the child closes its
 * outputs or the deadline passes (res->timed_out). Closes the three descriptors.
 * Returns 0, or an error number (ENOMEM) on which the caller kills the child. */
static int exchange(const struct proc_options *opt, double deadline, int fds[3],
                    struct sink *out, struct sink *err, struct proc_result *res)
{
    size_t written = 0;
    int failed = 0;
    if (opt->input_len == 0 || !opt->input)
        close_fd(&fds[0]);
    while (!failed && (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0)) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now();
            if (left <= 0) {
                res->timed_out = 1;
                break;
            }
            wait_ms = (int)(left * 1000.0) + 1;
        }
        struct pollfd p[3];
        int which[3];
        nfds_t n = 0;
        for (int i = 0; i < 3; i++) {
            if (fds[i] >= 0) {
                p[n].fd = fds[i];
                p[n].events = i == 0 ? POLLOUT : POLLIN;
                p[n].revents = 0;
                which[n++] = i;
            }
        }
        int r = poll(p, n, wait_ms);
        if (r < 0) {
            if (errno != EINTR)
                failed = errno;
            continue;
        }
        for (nfds_t k = 0; k < n && !failed; k++) {
            if (!p[k].revents)
                continue;
            int i = which[k];
            if (i == 0)
                feed(&fds[0], opt, &written, res);
            else if (drain(&fds[i], i == 1 ? out : err) != 0)
                failed = ENOMEM;
        }
    }
    if (fds[0] >= 0 && written < opt->input_len)
        res->input_short = 1;
    for (int i = 0; i < 3; i++)
        close_fd(&fds[i]);
    return failed;
}

/* Runs a child to completion with a time limit (see proc.h for the contract). */
int proc_run(const struct proc_options *opt, struct proc_result *res)
{
    memset(res, 0, sizeof *res);
    size_t max = opt->max_output ? opt->max_output : PROC_DEFAULT_MAX_OUTPUT;
    struct sink out = {0}, err = {0};
    int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
    int saved;
    if (!opt->argv || !opt->argv[0]) {
        errno = EINVAL;
        return -1;
    }
    if (sink_init(&out, max) != 0 || sink_init(&err, max) != 0) {
        saved = ENOMEM;
        goto fail;
    }
    if (make_pipe(in_p) != 0 || make_pipe(out_p) != 0 || make_pipe(err_p) != 0) {
        saved = errno;
        goto fail;
    }

    struct sigaction ignore, old_pipe;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe);

    double deadline = opt->timeout > 0 ? now() + opt->timeout : 0;
    pid_t pid;
    int rc = spawn_child(opt->argv, in_p[0], out_p[1], err_p[1], &pid);
    close_fd(&in_p[0]);
    close_fd(&out_p[1]);
    close_fd(&err_p[1]);
    if (rc != 0) {
        sigaction(SIGPIPE, &old_pipe, NULL);
        saved = rc;
        goto fail;
    }
    int fds[3] = {in_p[1], out_p[0], err_p[0]};
    in_p[1] = out_p[0] = err_p[0] = -1; /* now owned by exchange */
    set_nonblock(fds[0]);
    set_nonblock(fds[1]);
    set_nonblock(fds[2]);

    int status = 0;
    int failed = exchange(opt, deadline, fds, &out, &err, res);
    if (failed || res->timed_out)
        kill_and_reap(pid, &status);
    else if (reap(pid, deadline, &status))
        res->timed_out = 1;
    sigaction(SIGPIPE, &old_pipe, NULL);
    if (failed) {
        saved = failed;
        goto fail;
    }

    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    res->out = out.buf;
    res->out_len = out.len;
    res->out_truncated = out.truncated;
    res->err = err.buf;
    res->err_len = err.len;
    res->err_truncated = err.truncated;
    return 0;

fail:
    for (int i = 0; i < 2; i++) {
        close_fd(&in_p[i]);
        close_fd(&out_p[i]);
        close_fd(&err_p[i]);
    }
    sink_free(&out);
    sink_free(&err);
    memset(res, 0, sizeof *res);
    errno = saved;
    return -1;
}

/* Frees the output buffers of a result; safe to call twice. */
void proc_result_free(struct proc_result *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
    res->out_len = res->err_len = 0;
}
