/* ptyrun: runs a command on a pseudo-terminal and drives it from a script, for the
 * REPL tests (tests/repl.t compiles it with cc ... -lutil).
 *
 *   ptyrun TRANSCRIPT command [args...] < script
 *
 * Script lines:
 *   send TEXT      waits until a line editor reads the terminal (canonical mode off),
 *                  then writes TEXT; escapes \r \n \t \e \\ \xHH.  libedit prints its
 *                  prompt before it leaves canonical mode, so a control key sent on
 *                  seeing the prompt alone could reach the line discipline instead
 *   sendnow TEXT   writes TEXT at once (keys for a running program)
 *   expect ERE     waits until the output after the last match matches the POSIX
 *                  extended regular expression; the match point moves past it
 *   timeout SECS   the deadline of the following expects (default 30)
 *   poke SECS TEXT while the next expect waits, TEXT is sent every SECS seconds
 *                  (for a key whose effect depends on when it arrives, like Ctrl-C)
 *   settle SECS    reads output for SECS seconds (never the only synchronisation:
 *                  for a look at what a program does when left alone)
 *   wait           waits for the command to exit and prints "exit N"
 *   # ...          a comment
 * The output is matched with terminal escape sequences and carriage returns removed;
 * that cleaned text is written to TRANSCRIPT at the end.  Each step prints one line
 * ("sent", "matched ERE", "exit N"); a deadline that passes prints "TIMEOUT ERE",
 * kills the command and exits 1. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char *raw;          /* everything the command wrote */
static size_t raw_len, raw_cap;
static char *clean;        /* raw without escape sequences and CRs */
static size_t clean_len;
static size_t mark;        /* the match point in clean */
static int master = -1;
static pid_t child;
static int child_done, child_status;
static char poke_text[256];  /* sent every poke_every seconds during the next expect */
static size_t poke_len;
static double poke_every;

/* Returns the monotonic time in seconds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rebuilds clean from raw: drops CSI sequences (ESC [ ... final), OSC sequences
 * (ESC ] ... BEL), other two-byte escapes, carriage returns and backspaces. */
static void reclean(void)
{
    free(clean);
    clean = malloc(raw_len + 1);
    if (clean == NULL)
        exit(2);
    size_t j = 0;
    for (size_t i = 0; i < raw_len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == 0x1B && i + 1 < raw_len) {
            i++;
            if (raw[i] == '[') {
                while (i + 1 < raw_len && !((unsigned char)raw[i + 1] >= 0x40 && (unsigned char)raw[i + 1] <= 0x7E))
                    i++;
                i++;
            } else if (raw[i] == ']') {
                while (i + 1 < raw_len && raw[i + 1] != '\a')
                    i++;
                i++;
            }
            continue;
        }
        if (c == '\r' || c == '\b' || c == 0x07 || c == 0)
            continue;
        clean[j++] = (char)c;
    }
    clean[j] = '\0';
    clean_len = j;
}

/* Reads what the command wrote, waiting at most timeout_ms.  Returns 0 on data or
 * nothing, -1 once the terminal is closed. */
static int pump(int timeout_ms)
{
    struct pollfd p = {master, POLLIN, 0};
    int rc = poll(&p, 1, timeout_ms);
    if (rc <= 0)
        return 0;
    char buf[4096];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0)
        return -1;
    if (raw_len + (size_t)n + 1 > raw_cap) {
        raw_cap = (raw_len + (size_t)n + 1) * 2;
        raw = realloc(raw, raw_cap);
        if (raw == NULL)
            exit(2);
    }
    memcpy(raw + raw_len, buf, (size_t)n);
    raw_len += (size_t)n;
    reclean();
    return 0;
}

/* Waits until the terminal is out of canonical mode (a line editor reads it) or the
 * deadline passes.  Returns 0 or -1. */
static int editor_ready(double seconds)
{
    double deadline = now() + seconds;
    for (;;) {
        struct termios t;
        if (tcgetattr(master, &t) == 0 && !(t.c_lflag & ICANON))
            return 0;
        if (now() >= deadline)
            return -1;
        pump(20);
    }
}

/* Decodes the escapes of a send line in place; returns the length. */
static size_t unescape(char *s)
{
    size_t j = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '\\' || s[i + 1] == '\0') {
            s[j++] = s[i];
            continue;
        }
        i++;
        switch (s[i]) {
        case 'r': s[j++] = '\r'; break;
        case 'n': s[j++] = '\n'; break;
        case 't': s[j++] = '\t'; break;
        case 'e': s[j++] = 0x1B; break;
        case 'x': {
            char hex[3] = {s[i + 1], s[i + 1] ? s[i + 2] : 0, 0};
            s[j++] = (char)strtol(hex, NULL, 16);
            i += 2;
            break;
        }
        default: s[j++] = s[i]; break;
        }
    }
    return j;
}

/* Writes the cleaned transcript to path. */
static void save(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fwrite(clean ? clean : "", 1, clean_len, f);
        fclose(f);
    }
}

/* Waits until clean (after mark) matches re or the deadline passes. */
static int expect(const char *pattern, double seconds)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE) != 0) {
        printf("BAD PATTERN %s\n", pattern);
        return -1;
    }
    double deadline = now() + seconds;
    double next_poke = now() + poke_every;
    int closed = 0;
    for (;;) {
        regmatch_t m;
        if (clean && regexec(&re, clean + mark, 1, &m, 0) == 0) {
            mark += (size_t)m.rm_eo;
            regfree(&re);
            poke_len = 0;
            printf("matched %s\n", pattern);
            fflush(stdout);
            return 0;
        }
        double left = deadline - now();
        if (left <= 0 || closed) {
            regfree(&re);
            printf("TIMEOUT %s\n", pattern);
            return -1;
        }
        if (poke_len > 0 && now() >= next_poke) {
            if (write(master, poke_text, poke_len) < 0)
                closed = 1;
            next_poke = now() + poke_every;
        }
        if (pump(left > 0.2 ? 200 : (int)(left * 1000) + 1) < 0)
            closed = 1;
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ptyrun TRANSCRIPT command [args...] < script\n");
        return 2;
    }
    struct winsize ws = {30, 100, 0, 0};
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        return 2;
    }
    if (child == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    signal(SIGPIPE, SIG_IGN);
    double timeout = 30;
    char line[8192];
    int failed = 0;
    while (!failed && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "send ", 5) == 0 || strncmp(line, "sendnow ", 8) == 0) {
            int now_ = line[4] == 'n';
            char *text = line + (now_ ? 8 : 5);
            size_t n = unescape(text);
            if (!now_ && editor_ready(timeout) != 0) {
                printf("TIMEOUT line editor\n");
                failed = 1;
                continue;
            }
            if (write(master, text, n) != (ssize_t)n)
                failed = 1;
            pump(20);
            printf("sent\n");
        } else if (strncmp(line, "expect ", 7) == 0) {
            failed = expect(line + 7, timeout) != 0;
        } else if (strncmp(line, "poke ", 5) == 0) {
            char *text = strchr(line + 5, ' ');
            poke_every = atof(line + 5);
            poke_len = text ? unescape(text + 1) : 0;
            if (poke_len > sizeof poke_text)
                poke_len = sizeof poke_text;
            memcpy(poke_text, text ? text + 1 : "", poke_len);
        } else if (strncmp(line, "settle ", 7) == 0) {
            double until = now() + atof(line + 7);
            while (now() < until)
                pump(50);
        } else if (strncmp(line, "timeout ", 8) == 0) {
            timeout = atof(line + 8);
        } else if (strcmp(line, "wait") == 0) {
            double deadline = now() + timeout;
            while (!child_done && now() < deadline) {
                pump(100);
                if (waitpid(child, &child_status, WNOHANG) == child)
                    child_done = 1;
            }
            if (!child_done) {
                printf("TIMEOUT exit\n");
                failed = 1;
            } else {
                printf("exit %d\n", WIFEXITED(child_status) ? WEXITSTATUS(child_status) : 128 + WTERMSIG(child_status));
            }
        }
        fflush(stdout);
    }
    if (!child_done) {
        kill(child, SIGKILL);
        waitpid(child, &child_status, 0);
    }
    save(argv[1]);
    close(master);
    free(raw);
    free(clean);
    return failed;
}
