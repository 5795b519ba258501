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
#include <sys/ioctl.h>
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
/* The size asked for the child's stdin pipe (Linux's default limit for a user), and the
 * least it must have for the input to be topped up in batches (see pump). */
#define PROC_PIPE_SIZE (1 << 20)
#define PROC_BATCH_PIPE (512 * 1024)
/* Milliseconds between looks at a full pipe until it is half empty, the first time and
 * at most (doubling while the child reads nothing): a child reading 4096 bytes at a time
 * (gnuplot) would otherwise wake vigil once per read. */
#define PROC_TOPUP_MS 1
#define PROC_TOPUP_MAX_MS 16

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

/* Sleeps *ns nanoseconds (an interrupted sleep is simply shorter), then doubles *ns up
 * to 5 ms: a child that is just exiting is reaped within a fraction of a millisecond,
 * one that takes long costs few wake-ups. */
static void nap(long *ns)
{
    struct timespec ts = {0, *ns};
    nanosleep(&ts, NULL);
    if (*ns < 5 * 1000 * 1000)
        *ns = *ns * 2 < 5 * 1000 * 1000 ? *ns * 2 : 5 * 1000 * 1000;
}

/* The first nap of a wait. */
#define NAP_FIRST (50 * 1000L)

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
    long ns = NAP_FIRST;
    while (now() < until) {
        if (try_reap(pid, status))
            return;
        nap(&ns);
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
    long ns = NAP_FIRST;
    while (!try_reap(pid, status)) {
        if (now() >= deadline) {
            kill_and_reap(pid, status);
            return 1;
        }
        nap(&ns);
    }
    return 0;
}

/* A running child (see proc.h): its descriptors, what it wrote so far, the deadline,
 * and the SIGPIPE disposition to put back when it is done. */
struct proc {
    pid_t pid;
    int fds[3];      /* our ends: its stdin (written), stdout, stderr (read); -1: closed */
    struct sink out, err;
    double deadline; /* 0: no limit */
    int timed_out, input_short;
    int failed;      /* an error number (ENOMEM, a poll error): the child will be killed */
    int pipe_size;   /* bytes the stdin pipe holds when it is topped up in batches; 0:
                        written whenever there is room */
    int full;        /* the pipe was found full: waiting until it is half empty */
    int nap_ms;      /* the wait before the next look at it */
    int queued;      /* bytes in it at the last look */
    struct sigaction old_pipe;
};

/* Whether the input waits for the stdin pipe to be half empty (see pump); when it does,
 * sets p->nap_ms, the wait before the next look: doubled while the child has read
 * nothing since the last look, else PROC_TOPUP_MS. */
static int wait_for_room(struct proc *p)
{
    int queued = 0;
    if (!p->full || ioctl(p->fds[0], FIONREAD, &queued) != 0 || queued <= p->pipe_size / 2) {
        p->full = 0;
        return 0;
    }
    if (queued < p->queued)
        p->nap_ms = PROC_TOPUP_MS;
    else if (p->nap_ms < PROC_TOPUP_MAX_MS)
        p->nap_ms *= 2;
    p->queued = queued;
    return 1;
}

/* Writes up to len bytes of buf to the child's stdin; closes it when the child has
 * closed its end.  Returns the bytes written. */
static size_t feed(struct proc *p, const char *buf, size_t len)
{
    size_t want = len < PROC_CHUNK ? len : PROC_CHUNK;
    ssize_t n = write(p->fds[0], buf, want);
    if (p->pipe_size > 0 && (n < 0 ? errno == EAGAIN || errno == EWOULDBLOCK : (size_t)n < want)) {
        p->full = 1; /* topped up: wait until it is half empty (pump) */
        p->nap_ms = PROC_TOPUP_MS;
        p->queued = p->pipe_size;
    }
    if (n > 0)
        return (size_t)n;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        p->input_short = 1; /* EPIPE: the child stopped reading */
        close_fd(&p->fds[0]);
    }
    return 0;
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

/* The poll loop: writes buf[0..len) to the child's stdin (as long as it reads) while
 * draining both outputs; with len 0, drains until the child closes its outputs.  Stops
 * at the deadline (p->timed_out) or on an error (p->failed).  Returns the bytes
 * written.  With a large stdin pipe (p->pipe_size), once the pipe is full the input
 * waits until it is half empty, looking every PROC_TOPUP_MS (up to PROC_TOPUP_MAX_MS
 * while the child reads nothing), draining the outputs and watching for the child
 * closing its stdin meanwhile: a child reading a little at a time is topped up in
 * batches of half the pipe instead of waking vigil after each read. */
static size_t pump(struct proc *p, const char *buf, size_t len)
{
    size_t written = 0;
    while (!p->failed && !p->timed_out) {
        int writing = len > 0 && written < len && p->fds[0] >= 0;
        if (len > 0 ? !writing : p->fds[1] < 0 && p->fds[2] < 0)
            break;
        int wait_ms = -1;
        if (p->deadline > 0) {
            double left = p->deadline - now();
            if (left <= 0) {
                p->timed_out = 1;
                break;
            }
            wait_ms = (int)(left * 1000.0) + 1;
        }
        int topping = writing && wait_for_room(p);
        if (topping && (wait_ms < 0 || wait_ms > p->nap_ms))
            wait_ms = p->nap_ms;
        struct pollfd pf[3];
        int which[3];
        nfds_t n = 0;
        for (int i = writing ? 0 : 1; i < 3; i++) {
            if (p->fds[i] >= 0) {
                pf[n].fd = p->fds[i];
                pf[n].events = i == 0 ? (topping ? 0 : POLLOUT) : POLLIN;
                pf[n].revents = 0;
                which[n++] = i;
            }
        }
        int r = poll(pf, n, wait_ms);
        if (r < 0) {
            if (errno != EINTR)
                p->failed = errno;
            continue;
        }
        for (nfds_t k = 0; k < n && !p->failed; k++) {
            if (!pf[k].revents)
                continue;
            int i = which[k];
            if (i == 0)
                written += feed(p, buf + written, len - written);
            else if (drain(&p->fds[i], i == 1 ? &p->out : &p->err) != 0)
                p->failed = ENOMEM;
        }
    }
    return written;
}

/* Closes the child's descriptors, frees its buffers and p, and puts SIGPIPE back. */
static void proc_free(struct proc *p)
{
    for (int i = 0; i < 3; i++)
        close_fd(&p->fds[i]);
    sink_free(&p->out);
    sink_free(&p->err);
    sigaction(SIGPIPE, &p->old_pipe, NULL);
    free(p);
}

/* Starts a child whose stdin is a pipe fed by proc_feed (see proc.h). */
int proc_start(const struct proc_options *opt, struct proc **out)
{
    *out = NULL;
    if (!opt->argv || !opt->argv[0]) {
        errno = EINVAL;
        return -1;
    }
    struct proc *p = calloc(1, sizeof *p);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    size_t max = opt->max_output ? opt->max_output : PROC_DEFAULT_MAX_OUTPUT;
    int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
    int saved = 0;
    p->fds[0] = p->fds[1] = p->fds[2] = -1;
    if (sink_init(&p->out, max) != 0 || sink_init(&p->err, max) != 0)
        saved = ENOMEM;
    else if (make_pipe(in_p) != 0 || make_pipe(out_p) != 0 || make_pipe(err_p) != 0)
        saved = errno;

    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &p->old_pipe);

    if (!saved) {
        p->deadline = opt->timeout > 0 ? now() + opt->timeout : 0;
        saved = spawn_child(opt->argv, in_p[0], out_p[1], err_p[1], &p->pid);
    }
    close_fd(&in_p[0]);
    close_fd(&out_p[1]);
    close_fd(&err_p[1]);
    p->fds[0] = in_p[1]; /* now owned by p */
    p->fds[1] = out_p[0];
    p->fds[2] = err_p[0];
    if (saved) {
        proc_free(p);
        errno = saved;
        return -1;
    }
    for (int i = 0; i < 3; i++)
        set_nonblock(p->fds[i]);
    *out = p;
    return 0;
}

/* Makes the child's stdin pipe large and topped up in batches (see proc.h). */
int proc_batch_input(struct proc *p)
{
    int size = p->fds[0] >= 0 ? fcntl(p->fds[0], F_SETPIPE_SZ, PROC_PIPE_SIZE) : -1;
    p->pipe_size = size >= PROC_BATCH_PIPE ? size : 0;
    return p->pipe_size > 0;
}

/* Writes input to the child (see proc.h). */
int proc_feed(struct proc *p, const char *buf, size_t len)
{
    if (p->fds[0] < 0 || len == 0)
        return p->failed || p->timed_out ? -1 : 0;
    size_t written = pump(p, buf, len);
    if (written < len && p->fds[0] >= 0)
        p->input_short = 1;
    if (p->failed || p->timed_out) {
        errno = p->failed ? p->failed : ETIMEDOUT;
        return -1;
    }
    return 0;
}

/* Ends the input and waits for the child (see proc.h). */
int proc_finish(struct proc *p, struct proc_result *res)
{
    memset(res, 0, sizeof *res);
    close_fd(&p->fds[0]);
    pump(p, NULL, 0);
    int status = 0;
    if (p->failed || p->timed_out)
        kill_and_reap(p->pid, &status);
    else if (reap(p->pid, p->deadline, &status))
        p->timed_out = 1;
    int failed = p->failed;
    if (failed) {
        proc_free(p);
        errno = failed;
        return -1;
    }
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    res->timed_out = p->timed_out;
    res->input_short = p->input_short;
    res->out = p->out.buf;
    res->out_len = p->out.len;
    res->out_truncated = p->out.truncated;
    res->err = p->err.buf;
    res->err_len = p->err.len;
    res->err_truncated = p->err.truncated;
    p->out.buf = p->err.buf = NULL; /* now owned by res */
    proc_free(p);
    return 0;
}

/* Kills the child and frees everything (see proc.h). */
void proc_abort(struct proc *p)
{
    int status;
    kill_and_reap(p->pid, &status);
    proc_free(p);
}

/* Runs a child to completion with a time limit (see proc.h for the contract). */
int proc_run(const struct proc_options *opt, struct proc_result *res)
{
    struct proc *p;
    memset(res, 0, sizeof *res);
    if (proc_start(opt, &p) != 0)
        return -1;
    if (opt->input && opt->input_len > 0)
        proc_feed(p, opt->input, opt->input_len); /* a failure is the child's: see finish */
    return proc_finish(p, res);
}

/* Frees the output buffers of a result; safe to call twice. */
void proc_result_free(struct proc_result *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
    res->out_len = res->err_len = 0;
}
