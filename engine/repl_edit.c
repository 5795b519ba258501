/* Line editing through libedit's native interface (histedit.h): an EditLine with emacs
 * keys and a History, Tab bound to a completion function, Ctrl-C at the prompt dropping
 * the line.  One owner: struct repl_edit holds both and repl_edit_close ends them.
 * libedit is loaded with dlopen when the editor first opens, so that vigil's start-up
 * (scripts, -e, cron) does not pay for loading and relocating it and its dependencies
 * (libtinfo, libbsd, libmd): that was a third of `vigil -e ''`. */
#include "repl_edit.h"

#include <dlfcn.h>
#include <errno.h>
#include <histedit.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"

enum { HISTORY_SIZE = 2000 };

/* libedit's functions, found in libedit.so.2 by load_libedit (loaded once, for the
 * life of the process). */
static struct edit_functions {
    void *handle;
    EditLine *(*init)(const char *, FILE *, FILE *, FILE *);
    void (*end)(EditLine *);
    int (*get)(EditLine *, int, ...);
    int (*set)(EditLine *, int, ...);
    int (*wset)(EditLine *, int, ...);
    const char *(*gets)(EditLine *, int *);
    void (*reset)(EditLine *);
    int (*insertstr)(EditLine *, const char *);
    const LineInfo *(*line)(EditLine *);
    int (*source)(EditLine *, const char *);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
} edit;

/* Loads libedit once and finds its functions.  Returns 0, or -1 when it is missing
 * (the REPL then reads plain lines). */
static int load_libedit(void)
{
    if (edit.handle)
        return 0;
    void *handle = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        return -1;
    static const struct { const char *name; size_t offset; } symbols[] = {
        {"el_init", offsetof(struct edit_functions, init)},
        {"el_end", offsetof(struct edit_functions, end)},
        {"el_get", offsetof(struct edit_functions, get)},
        {"el_set", offsetof(struct edit_functions, set)},
        {"el_wset", offsetof(struct edit_functions, wset)},
        {"el_gets", offsetof(struct edit_functions, gets)},
        {"el_reset", offsetof(struct edit_functions, reset)},
        {"el_insertstr", offsetof(struct edit_functions, insertstr)},
        {"el_line", offsetof(struct edit_functions, line)},
        {"el_source", offsetof(struct edit_functions, source)},
        {"history_init", offsetof(struct edit_functions, history_init)},
        {"history_end", offsetof(struct edit_functions, history_end)},
        {"history", offsetof(struct edit_functions, history)},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        void *fn = dlsym(handle, symbols[i].name);
        if (fn == NULL) {
            dlclose(handle);
            memset(&edit, 0, sizeof edit);
            return -1;
        }
        /* POSIX guarantees a data pointer from dlsym converts to a function pointer */
        memcpy((char *)&edit + symbols[i].offset, &fn, sizeof fn);
    }
    edit.handle = handle;
    return 0;
}

struct repl_edit {
    EditLine *el;
    History *hist;
    char *history_path;      /* NULL: no history file */
    char *prompt;            /* the prompt of the current read */
    char *line;              /* the last line read, without its newline */
    repl_complete_fn complete;
    void *ctx;
    int interrupted;         /* Ctrl-C ended the current read */
};


/* EL_PROMPT function: the prompt of the current read. */
static char *prompt_of(EditLine *el)
{
    struct repl_edit *e = NULL;
    edit.get(el, EL_CLIENTDATA, &e);
    return e && e->prompt ? e->prompt : "";
}

/* Returns the terminal's width in columns (80 when unknown). */
static size_t terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Writes the candidates in columns under the line being edited. */
static void list_candidates(char **list, size_t n)
{
    size_t widest = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = fmt_width(list[i], strlen(list[i]));
        if (w > widest)
            widest = w;
    }
    size_t per_line = (terminal_width() + 2) / (widest + 2);
    if (per_line == 0)
        per_line = 1;
    fputc('\n', stdout);
    for (size_t i = 0; i < n; i++) {
        int last = (i + 1) % per_line == 0 || i + 1 == n;
        fputs(list[i], stdout);
        if (last)
            fputc('\n', stdout);
        else
            for (size_t pad = fmt_width(list[i], strlen(list[i])); pad < widest + 2; pad++)
                fputc(' ', stdout);
    }
    fflush(stdout);
}

/* Frees a candidate array. */
static void free_candidates(char **list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; list[i]; i++)
        free(list[i]);
    free(list);
}

/* Tab: inserts what every candidate shares beyond the typed text; when that is nothing
 * and there are several, lists them. */
static unsigned char complete_key(EditLine *el, int ch)
{
    (void)ch;
    struct repl_edit *e = NULL;
    edit.get(el, EL_CLIENTDATA, &e);
    const LineInfo *li = edit.line(el);
    if (e == NULL || e->complete == NULL || li == NULL)
        return CC_ERROR;
    size_t len = (size_t)(li->cursor - li->buffer);
    char *text = malloc(len + 1);
    if (text == NULL)
        return CC_ERROR;
    memcpy(text, li->buffer, len);
    text[len] = '\0';
    size_t start = len;
    char **list = e->complete(e->ctx, text, len, &start);
    if (start > len)
        start = len;
    size_t n = 0;
    while (list && list[n])
        n++;
    unsigned char rc = CC_ERROR;
    if (n > 0) {
        size_t typed = len - start, common = strlen(list[0]);
        for (size_t i = 1; i < n; i++) {
            size_t k = 0;
            while (k < common && list[i][k] == list[0][k])
                k++;
            common = k;
        }
        if (common > typed && strncmp(list[0], text + start, typed) == 0) {
            char *extra = strndup(list[0] + typed, common - typed);
            if (extra) {
                edit.insertstr(el, extra);
                free(extra);
            }
            rc = CC_REFRESH;
        } else if (n > 1) {
            list_candidates(list, n);
            rc = CC_REDISPLAY;
        }
    }
    free_candidates(list);
    free(text);
    return rc;
}

/* Ctrl-C (a key while editing, since the edit mode has no ISIG): ends the read with
 * the line dropped. */
static unsigned char interrupt_key(EditLine *el, int ch)
{
    (void)ch;
    struct repl_edit *e = NULL;
    edit.get(el, EL_CLIENTDATA, &e);
    if (e)
        e->interrupted = 1;
    return CC_EOF;
}

/* Opens the editor and the history. */
struct repl_edit *repl_edit_open(const char *progname, const char *history_path,
                                 repl_complete_fn complete, void *ctx)
{
    if (load_libedit() != 0)
        return NULL;
    struct repl_edit *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->complete = complete;
    e->ctx = ctx;
    e->el = edit.init(progname, stdin, stdout, stderr);
    e->hist = edit.history_init();
    if (history_path)
        e->history_path = strdup(history_path);
    if (e->el == NULL || e->hist == NULL || (history_path && e->history_path == NULL)) {
        repl_edit_close(e);
        return NULL;
    }
    HistEvent ev;
    edit.history(e->hist, &ev, H_SETSIZE, HISTORY_SIZE);
    edit.history(e->hist, &ev, H_SETUNIQUE, 1);
    if (e->history_path)
        edit.history(e->hist, &ev, H_LOAD, e->history_path);
    edit.set(e->el, EL_CLIENTDATA, e);
    edit.set(e->el, EL_EDITOR, "emacs");
    edit.set(e->el, EL_SIGNAL, 1);
    edit.set(e->el, EL_PROMPT, prompt_of);
    edit.set(e->el, EL_HIST, edit.history, e->hist);
    /* el_wset: the narrow el_set copies EL_ADDFN's strings and never frees them */
    edit.wset(e->el, EL_ADDFN, L"vigil-complete", L"complete a name", complete_key);
    edit.set(e->el, EL_BIND, "^I", "vigil-complete", NULL);
    /* Ctrl-C while editing is a key, not a signal: no race with the read. */
    edit.set(e->el, EL_SETTY, "-d", "-isig", NULL);
    edit.wset(e->el, EL_ADDFN, L"vigil-interrupt", L"drop the line", interrupt_key);
    edit.set(e->el, EL_BIND, "^C", "vigil-interrupt", NULL);
    edit.source(e->el, NULL);
    return e;
}

/* Reads one line; Ctrl-C at the prompt drops the line (interrupt_key). */
enum repl_read repl_edit_read(struct repl_edit *e, const char *prompt, const char **line)
{
    free(e->prompt);
    e->prompt = strdup(prompt);
    e->interrupted = 0;
    int count = 0;
    const char *got = edit.gets(e->el, &count);
    if (got == NULL || count <= 0 || e->interrupted) {
        if (e->interrupted) {
            edit.reset(e->el);
            fputc('\n', stdout);
            fflush(stdout);
            return REPL_READ_INTERRUPT;
        }
        return REPL_READ_EOF;
    }
    free(e->line);
    e->line = strdup(got);
    if (e->line == NULL)
        return REPL_READ_EOF;
    size_t len = strlen(e->line);
    while (len > 0 && (e->line[len - 1] == '\n' || e->line[len - 1] == '\r'))
        e->line[--len] = '\0';
    *line = e->line;
    return REPL_READ_LINE;
}

/* Adds a line to the history and saves the file. */
void repl_edit_remember(struct repl_edit *e, const char *line)
{
    if (line[strspn(line, " \t")] == '\0')
        return;
    HistEvent ev;
    edit.history(e->hist, &ev, H_ENTER, line);
    if (e->history_path)
        edit.history(e->hist, &ev, H_SAVE, e->history_path);
}

/* Saves the history and frees everything. */
void repl_edit_close(struct repl_edit *e)
{
    if (e == NULL)
        return;
    if (e->el)
        edit.end(e->el);
    if (e->hist) {
        HistEvent ev;
        if (e->history_path)
            edit.history(e->hist, &ev, H_SAVE, e->history_path);
        edit.history_end(e->hist);
    }
    free(e->history_path);
    free(e->prompt);
    free(e->line);
    free(e);
}

/* Makes every folder of path up to its last '/' (mode 0700). Returns 0 or -1. */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* The history file under $XDG_STATE_HOME or ~/.local/state. */
int repl_history_path(char *buf, size_t size)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (state && state[0] == '/')
        n = snprintf(buf, size, "%s/vigil/history", state);
    else if (home && home[0] != '\0')
        n = snprintf(buf, size, "%s/.local/state/vigil/history", home);
    else
        return -1;
    if (n < 0 || (size_t)n >= size)
        return -1;
    return make_parents(buf);
}
