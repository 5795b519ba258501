/* timeit: runs one command K times through fork/exec and prints, on one line,
 *     MEDIAN_SECONDS MIN_SECONDS MAX_SECONDS MAX_PEAK_RSS_KIB MEDIAN_CPU_SECONDS
 * Wall time comes from CLOCK_MONOTONIC around each child; the peak resident set size and
 * the CPU time (user + system) come from the rusage that wait4 returns for that child
 * alone.  CPU time hardly changes when other work shares the machine; wall time does.  A benchmark helper of
 * `make bench`, so that no timing package is needed.
 *
 *   timeit [-n K] [-i FILE] [-o FILE] [-e FILE] -- COMMAND [ARG...]
 *     -n K     runs (default 1)
 *     -i FILE  the child's standard input (default /dev/null)
 *     -o FILE  the child's standard output, truncated before each run (default /dev/null)
 *     -e FILE  the child's standard error (default: inherited)
 * A run that exits non-zero or dies from a signal makes timeit say so and exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What one run measured. */
struct run_result {
    double seconds;
    double cpu_seconds;
    long peak_rss_kib;
};

/* The files the child's standard streams go to (NULL: the default of each). */
struct child_io {
    const char *in;
    const char *out;
    const char *err;
};

/* Prints how to call timeit on stderr and returns the usage exit status. */
static int usage(void)
{
    fputs("usage: timeit [-n K] [-i FILE] [-o FILE] [-e FILE] -- COMMAND [ARG...]\n", stderr);
    return 2;
}

/* Returns the monotonic clock in seconds. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns a struct timeval as seconds. */
static double seconds_of(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* In the child: opens PATH with FLAGS onto descriptor FD, or exits 127 saying why. */
static void redirect(const char *path, int flags, int fd)
{
    int opened = open(path, flags, 0644);
    if (opened < 0) {
        fprintf(stderr, "timeit: %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    if (opened != fd) {
        dup2(opened, fd);
        close(opened);
    }
}

/* Runs ARGV once with its streams set up by IO; fills RESULT.  Returns 0 when the
 * command exited 0, else 1 after saying what happened on stderr. */
static int run_once(char **argv, const struct child_io *io, struct run_result *result)
{
    double start = now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        redirect(io->in ? io->in : "/dev/null", O_RDONLY, 0);
        redirect(io->out ? io->out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 1);
        if (io->err)
            redirect(io->err, O_WRONLY | O_CREAT | O_APPEND, 2);
        execvp(argv[0], argv);
        fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage usage_of_child;
    memset(&usage_of_child, 0, sizeof usage_of_child);
    while (wait4(pid, &status, 0, &usage_of_child) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "timeit: wait4: %s\n", strerror(errno));
            return 1;
        }
    }
    result->seconds = now_seconds() - start;
    result->peak_rss_kib = usage_of_child.ru_maxrss;
    result->cpu_seconds =
        seconds_of(usage_of_child.ru_utime) + seconds_of(usage_of_child.ru_stime);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        fprintf(stderr, "timeit: %s: killed by signal %d\n", argv[0], WTERMSIG(status));
    else
        fprintf(stderr, "timeit: %s: exit status %d\n", argv[0], WEXITSTATUS(status));
    return 1;
}

/* qsort comparison of two doubles, ascending. */
static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Returns the median of the N sorted values (the mean of the middle two when N is even). */
static double median_of_sorted(const double *values, int n)
{
    if (n % 2 == 1)
        return values[n / 2];
    return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* Parses the options, runs the command, prints the summary line. */
int main(int argc, char **argv)
{
    int runs = 1;
    struct child_io io = { NULL, NULL, NULL };
    int i = 1;
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc)
            return usage();
        if (strcmp(opt, "-n") == 0)
            runs = atoi(argv[++i]);
        else if (strcmp(opt, "-i") == 0)
            io.in = argv[++i];
        else if (strcmp(opt, "-o") == 0)
            io.out = argv[++i];
        else if (strcmp(opt, "-e") == 0)
            io.err = argv[++i];
        else
            return usage();
    }
    if (i >= argc || runs < 1)
        return usage();

    double *seconds = calloc((size_t)runs, sizeof *seconds);
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    if (!seconds || !cpu) {
        fputs("timeit: out of memory\n", stderr);
        return 1;
    }
    long peak = 0;
    for (int r = 0; r < runs; r++) {
        struct run_result result;
        if (run_once(argv + i, &io, &result) != 0) {
            free(seconds);
            free(cpu);
            return 1;
        }
        seconds[r] = result.seconds;
        cpu[r] = result.cpu_seconds;
        if (result.peak_rss_kib > peak)
            peak = result.peak_rss_kib;
    }
    qsort(seconds, (size_t)runs, sizeof *seconds, compare_doubles);
    qsort(cpu, (size_t)runs, sizeof *cpu, compare_doubles);
    printf("%.6f %.6f %.6f %ld %.6f\n", median_of_sorted(seconds, runs), seconds[0],
           seconds[runs - 1], peak, median_of_sorted(cpu, runs));
    free(seconds);
    free(cpu);
    return fclose(stdout) == 0 ? 0 : 1;
}
