/* vigil import TABLE FILE.csv: a validated CSV import into an existing table (or one
 * created from the types inferred from the file, --create), all or nothing (one
 * transaction), or with a rejects file for the bad records.  --sniff prints what
 * --create would make, and imports nothing.
 *
 * The file is read in chunks by csvload (memory stays flat); the delimiter is guessed
 * from the first chunk unless given.  Errors are printed as they are found, up to
 * --max-errors, then counted; one summary line ends the run.  A progress bar is drawn
 * on stderr only when it is a terminal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "csvload.h"
#include "csvsniff.h"
#include "csvwrite.h"
#include "host.h"
#include "import_create.h"
#include "tableinfo.h"

#define CHUNK_SIZE      65536
#define PROGRESS_MIN    ((unsigned long long)4 << 20)   /* files smaller get no bar */
#define MAX_ERRORS      20

static const char usage_text[] =
    "usage: vigil import TABLE FILE.csv [--db PATH] [--delimiter C] [--no-header]\n"
    "                    [--map CSVCOL=COLUMN ...] [--rejects REJECTS.csv] [--replace]\n"
    "                    [--dry-run] [--max-errors N] [--max-field BYTES]\n"
    "                    [--max-columns N] [--quiet] [--create] [--sniff]\n";

/* What the command line asked for. */
struct import_args {
    const char *table, *file, *db, *rejects;
    int delim, no_header, replace, dry_run, quiet, create, sniff;
    long max_errors;
    size_t max_field;
    int max_columns;
    const char **map;       /* pairs, NULL-terminated; keys are owned */
    int nmap;
};

/* The state of one import run. */
struct import {
    const struct import_args *args;
    const char *name;           /* the file name in messages */
    struct csvload *ld;
    FILE *rejects;
    struct csvwrite rw;
    struct import_sample sample; /* --create, --sniff: the table inferred */
    int rejects_header;         /* the rejects file has its header */
    long long errors;           /* rejected records */
    int progress;               /* draw a progress bar */
    unsigned long long size;    /* the file's size, for the bar */
    int last_pct;
};

/* Prints a usage error and returns EXIT_USAGE. */
static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s import: ", host_progname);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_USAGE;
}

/* Reads a delimiter name: one byte, or "tab", "comma", "semicolon", "\t".  Returns it
 * or 0. */
static int parse_delim(const char *s)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
        return '\t';
    if (strcmp(s, "comma") == 0 || strcmp(s, ",") == 0)
        return ',';
    if (strcmp(s, "semicolon") == 0 || strcmp(s, ";") == 0)
        return ';';
    if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
        return (unsigned char)s[0];
    return 0;
}

/* Reads a positive count with an optional K, M or G suffix (powers of 1024).  Returns
 * it, or 0 when s is not one. */
static unsigned long long parse_size(const char *s)
{
    char *end;
    unsigned long long v;
    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return 0;
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    else if (*end == 'G' || *end == 'g')
        v <<= 30, end++;
    return *end ? 0 : v;
}

/* Frees the map keys the arguments own. */
static void free_args(struct import_args *a)
{
    int i;
    for (i = 0; i < a->nmap; i++)
        free((char *)a->map[2 * i]);
    free(a->map);
}

/* Adds one --map CSVCOL=COLUMN.  Returns 0, or -1 when it is malformed or memory ran out. */
static int add_map(struct import_args *a, const char *spec)
{
    const char *eq = strchr(spec, '=');
    const char **m;
    char *key;
    if (!eq || eq == spec || !eq[1])
        return -1;
    m = realloc(a->map, sizeof *m * (size_t)(2 * a->nmap + 4));
    if (!m)
        return -1;
    a->map = m;
    key = strndup(spec, (size_t)(eq - spec));
    if (!key)
        return -1;
    m[2 * a->nmap] = key;
    m[2 * a->nmap + 1] = eq + 1;
    a->nmap++;
    m[2 * a->nmap] = m[2 * a->nmap + 1] = NULL;
    return 0;
}

/* Parses the command line into a.  Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct import_args *a)
{
    int i, npos = 0;
    a->max_errors = MAX_ERRORS;
    for (i = 2; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        if (strcmp(o, "--help") == 0) {
            printf("%s", usage_text);
            printf("Imports FILE.csv (or - for stdin) into the existing TABLE, checking every\n"
                   "value; nothing is imported when a record is bad, unless --rejects names a\n"
                   "file for the bad records.  --create makes TABLE from the types inferred\n"
                   "from the file's first %d records; --sniff prints them (and the CREATE\n"
                   "TABLE) without importing.  See docs/csv.md.\n", CSVINFER_SAMPLE);
            return EXIT_OK;
        }
        if (o[0] != '-' || strcmp(o, "-") == 0) {
            if (npos == 0)
                a->table = o;
            else if (npos == 1)
                a->file = o;
            else
                return usage("unexpected argument '%s'", o);
            npos++;
            continue;
        }
        if (strcmp(o, "--no-header") == 0) {
            a->no_header = 1;
            continue;
        }
        if (strcmp(o, "--replace") == 0) {
            a->replace = 1;
            continue;
        }
        if (strcmp(o, "--dry-run") == 0) {
            a->dry_run = 1;
            continue;
        }
        if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(o, "--create") == 0) {
            a->create = 1;
            continue;
        }
        if (strcmp(o, "--sniff") == 0) {
            a->sniff = 1;
            continue;
        }
        {
            const char *eq = strchr(o, '=');
            static const char *const valued[] = { "--db", "--delimiter", "--map", "--rejects",
                                                  "--max-errors", "--max-field",
                                                  "--max-columns", NULL };
            size_t olen = eq ? (size_t)(eq - o) : strlen(o);
            int k;
            for (k = 0; valued[k]; k++)
                if (strlen(valued[k]) == olen && strncmp(valued[k], o, olen) == 0)
                    break;
            if (!valued[k])
                return usage("unknown option '%s'", o);
            if (eq)
                v = eq + 1;
            else if (i + 1 < argc)
                v = argv[++i];
            else
                return usage("'%s' needs a value", o);
            if (strcmp(valued[k], "--db") == 0) {
                a->db = v;
            } else if (strcmp(valued[k], "--delimiter") == 0) {
                if (!(a->delim = parse_delim(v)))
                    return usage("bad delimiter '%s' (one byte, or tab)", v);
            } else if (strcmp(valued[k], "--map") == 0) {
                if (add_map(a, v) != 0)
                    return usage("bad --map '%s' (CSVCOL=COLUMN)", v);
            } else if (strcmp(valued[k], "--rejects") == 0) {
                a->rejects = v;
            } else if (strcmp(valued[k], "--max-errors") == 0) {
                unsigned long long n = parse_size(v);
                if (!n || n > 1000000)
                    return usage("bad --max-errors '%s' (1 to 1000000)", v);
                a->max_errors = (long)n;
            } else if (strcmp(valued[k], "--max-field") == 0) {
                unsigned long long n = parse_size(v);
                if (!n || n > ((unsigned long long)1 << 30))
                    return usage("bad --max-field '%s' (bytes, up to 1G)", v);
                a->max_field = (size_t)n;
            } else {
                unsigned long long n = parse_size(v);
                if (!n || n > 100000)
                    return usage("bad --max-columns '%s' (1 to 100000)", v);
                a->max_columns = (int)n;
            }
        }
    }
    if (npos < 2)
        return usage("%s", "needs TABLE and FILE.csv");
    if (a->nmap && (a->create || a->sniff))
        return usage("%s", "--map renames columns of an existing table: not with --create "
                     "or --sniff");
    return -1;
}

/* Seconds since an arbitrary moment. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the rejected record (its line, the reason, then its fields) to the rejects
 * file, with a header before the first.  A reason of several lines (several bad values)
 * is written on one, joined with "; ". */
static void write_reject(struct import *im, long line, const char *msg)
{
    const struct csvread_record *rec = csvload_current(im->ld);
    size_t mlen = strlen(msg), used = 0, k;
    char *reason = malloc(2 * mlen + 1);
    int i;
    if (!im->rejects_header) {
        int n;
        const char *const *cols = csvload_columns(im->ld, &n);
        csvwrite_text(&im->rw, "line", 4);
        csvwrite_text(&im->rw, "reason", 6);
        for (i = 0; i < n; i++)
            csvwrite_text(&im->rw, cols[i], strlen(cols[i]));
        csvwrite_end(&im->rw);
        im->rejects_header = 1;
    }
    csvwrite_integer(&im->rw, line);
    for (k = 0; reason && k < mlen; k++) {
        if (msg[k] == '\n') {
            reason[used++] = ';';
            reason[used++] = ' ';
        } else {
            reason[used++] = msg[k];
        }
    }
    csvwrite_text(&im->rw, reason ? reason : msg, reason ? used : mlen);
    free(reason);
    for (i = 0; rec && i < rec->n; i++)
        csvwrite_text(&im->rw, rec->vals[i], rec->vals[i] ? rec->lens[i] : 0);
    csvwrite_end(&im->rw);
}

/* csvload's reject callback: counts the record, then writes it to the rejects file or
 * prints its message (up to the limit).  Always lets the load go on. */
static int on_reject(void *ud, long line, const char *msg)
{
    struct import *im = ud;
    im->errors++;
    if (im->rejects)
        write_reject(im, line, msg);
    else if (im->errors <= im->args->max_errors)
        fprintf(stderr, "%s\n", msg);
    return 0;
}

/* Draws the progress bar when the percentage read changed. */
static void draw_progress(struct import *im)
{
    int pct, i;
    char bar[41];
    if (!im->progress || im->size == 0)
        return;
    pct = (int)(csvload_offset(im->ld) * 100 / im->size);
    if (pct == im->last_pct || pct > 100)
        return;
    im->last_pct = pct;
    for (i = 0; i < 40; i++)
        bar[i] = i < pct * 40 / 100 ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r%s import: [%s] %3d%% %lld rows", host_progname, bar, pct,
            csvload_rows(im->ld));
    fflush(stderr);
}

/* Runs sql, printing the error as "vigil import: what: msg".  Returns 0 or -1. */
static int exec(sqlite3 *db, const char *sql, const char *what)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fprintf(stderr, "%s import: %s: %s\n", host_progname, what, sqlite3_errmsg(db));
    return -1;
}

/* Opens the database for writing (it must exist).  Returns it, or NULL (said).  The
 * page cache is capped at 8 MiB: a bigger one made no import faster (measured with
 * tests/bench/import/run) and made the peak memory grow with the file.  SQLite's
 * statement journals (which undo one failed INSERT inside the transaction) are kept in
 * memory: in a temporary file they cost a write for nearly every record.  They hold the
 * pages one statement changed, a batch's worth; but --replace's DELETE would put the
 * whole old table there, so with replace they stay in a file.  Neither choice touches
 * the WAL that makes the import all or nothing, nor its syncs. */
static sqlite3 *open_db(const char *path, int replace)
{
    sqlite3 *db = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s import: database '%s' does not exist (build it with vigil init)\n",
                host_progname, path);
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s import: cannot open database '%s': %s\n", host_progname, path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    if (exec(db, replace ? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192"
                         : "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192; "
                           "PRAGMA temp_store=MEMORY", "setting up") != 0) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* The database's schema version, or -1 when it cannot be read. */
static long long schema_version(sqlite3 *db)
{
    return tableinfo_int(db, "PRAGMA schema_version", NULL, -1);
}

/* Makes the loader for the import into an existing table, before the transaction, and
 * lets it take over the foreign keys when it can check them itself (csvload.h):
 * SQLite's own checks are then switched off, which only works outside a transaction.
 * Sets *version to the schema version read before.  Returns 1 (the loader checks the
 * keys, PRAGMA foreign_keys is off), 0 (SQLite does), or -1 (failed, said). */
static int loader_before(struct import *im, sqlite3 *db, const struct csvload_options *opt,
                         long long *version)
{
    char err[4096];
    *version = schema_version(db);
    im->ld = csvload_new(db, im->args->table, im->name, opt, err, sizeof err);
    if (!im->ld) {
        fprintf(stderr, "%s import: %s\n", host_progname, err);
        return -1;
    }
    if (*version < 0 || !csvload_own_foreign_keys(im->ld))
        return 0;
    return exec(db, "PRAGMA foreign_keys=OFF", "setting up") == 0 ? 1 : -1;
}

/* Once the transaction is open: when the schema changed since the loader was made
 * before it (another connection, in between), the loader is made again, and SQLite
 * checks the foreign keys after all.  Returns 0, or -1 (failed, said; the transaction
 * may be open). */
static int loader_in_transaction(struct import *im, sqlite3 *db,
                                 const struct csvload_options *opt, long long version,
                                 int *own_keys)
{
    char err[4096];
    if (im->ld && version >= 0 && schema_version(db) == version)
        return 0;
    csvload_free(im->ld);
    im->ld = NULL;
    if (*own_keys) {
        *own_keys = 0;
        if (exec(db, "ROLLBACK", "starting the transaction") != 0 ||
            exec(db, "PRAGMA foreign_keys=ON", "setting up") != 0 ||
            exec(db, "BEGIN IMMEDIATE", "starting the transaction") != 0)
            return -1;
    }
    im->ld = csvload_new(db, im->args->table, im->name, opt, err, sizeof err);
    if (!im->ld) {
        fprintf(stderr, "%s import: %s\n", host_progname, err);
        return -1;
    }
    return 0;
}

/* csvload_stream's progress callback: redraws the bar. */
static void on_progress(void *ud)
{
    draw_progress(ud);
}

/* Loads the whole input: first the len bytes already read (first), then the rest of
 * in, read on csvload's second thread.  Returns 0, or -1 when reading or loading failed
 * (message in err). */
static int feed_all(struct import *im, FILE *in, const unsigned char *first, size_t len,
                    char *err, size_t errlen)
{
    int rc = csvload_stream(im->ld, in, first, len, im->progress ? on_progress : NULL, im);
    if (rc != 0 && !err[0])
        snprintf(err, errlen, "%s", csvload_errmsg(im->ld));
    return rc;
}

/* Prints the hint that goes with a broken-file message, if any. */
static void print_hint(const char *err)
{
    if (strstr(err, " is longer than "))
        fprintf(stderr, "%s import: raise the limit with --max-field BYTES\n", host_progname);
    else if (strstr(err, "fields (the limit on columns)"))
        fprintf(stderr, "%s import: raise the limit with --max-columns N\n", host_progname);
}

/* After a failed --create import: says where the types came from, when the sample was
 * not the whole file (a value after it may not fit them). */
static void print_sample_hint(const struct import *im)
{
    long last, n;
    int whole;
    if (!im->args->create || !im->sample.infer)
        return;
    n = csvinfer_sampled(im->sample.infer, &last, &whole);
    if (!whole)
        fprintf(stderr, "%s import: the column types were inferred from the first %ld records "
                "(to line %ld); see them with --sniff, and create the table yourself when a "
                "later value needs another type\n", host_progname, n, last);
}

/* The import proper, once the arguments are known and the input opened.  Returns the
 * exit status. */
static int run(struct import *im, sqlite3 *db, FILE *in)
{
    const struct import_args *a = im->args;
    struct csvload_options opt;
    unsigned char *chunk = malloc(CHUNK_SIZE);
    char err[4096] = "", why[256];
    size_t len;
    double t0 = now(), secs;
    long long rows, version = 0;
    int rc = -1, status = EXIT_WORK, own_keys = 0;

    if (!chunk) {
        fprintf(stderr, "%s import: out of memory\n", host_progname);
        return EXIT_WORK;
    }
    len = fread(chunk, 1, CHUNK_SIZE, in);
    memset(&opt, 0, sizeof opt);
    opt.delim = a->delim ? a->delim : csvsniff_delimiter((const char *)chunk, len, why, sizeof why);
    opt.max_field = a->max_field;
    opt.max_columns = a->max_columns;
    opt.no_header = a->no_header;
    opt.map = a->map;
    opt.check_required = 1;
    opt.check_values = 1;
    opt.reject = on_reject;
    opt.reject_ud = im;
    if (!a->delim && opt.delim != ',' && isatty(STDERR_FILENO) && !a->quiet && !a->sniff)
        fprintf(stderr, "%s import: delimiter %s\n", host_progname, why);
    if (a->delim)
        snprintf(why, sizeof why, "given (--delimiter)");
    if (a->create || a->sniff) {
        struct csvinfer_options io;
        memset(&io, 0, sizeof io);
        io.delim = opt.delim;
        io.no_header = a->no_header;
        io.max_field = a->max_field;
        io.max_columns = a->max_columns;
        if (import_sample_read(&im->sample, in, chunk, len, im->name, a->table, &io, err,
                               sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            print_hint(err);
            goto out;
        }
        if (a->sniff) {
            if (import_sample_print(&im->sample, stdout, why) == 0)
                status = EXIT_OK;
            else
                fprintf(stderr, "%s import: cannot write: %s\n", host_progname, strerror(errno));
            goto out;
        }
        opt.no_header = !csvinfer_header(im->sample.infer, NULL);
    }

    if (!a->create && (own_keys = loader_before(im, db, &opt, &version)) < 0) {
        own_keys = 0;
        goto out;
    }
    if (exec(db, "BEGIN IMMEDIATE", "starting the transaction") != 0)
        goto out;
    if (a->create && import_sample_create(&im->sample, db, a->table, err, sizeof err) != 0) {
        fprintf(stderr, "%s import: %s\n", host_progname, err);
        goto rollback;
    }
    if (loader_in_transaction(im, db, &opt, version, &own_keys) != 0)
        goto rollback;
    if (a->replace) {
        char *del = sqlite3_mprintf("DELETE FROM \"%w\"", a->table);
        int drc = del ? exec(db, del, "--replace") : -1;
        sqlite3_free(del);
        if (drc != 0)
            goto rollback;
    }
    if (im->sample.bytes)
        rc = feed_all(im, in, im->sample.bytes, im->sample.len, err, sizeof err);
    else
        rc = feed_all(im, in, chunk, len, err, sizeof err);
    if (im->progress)
        fprintf(stderr, "\r\033[K");
    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
        print_hint(err);
    }
    if (!im->rejects && im->errors > a->max_errors)
        fprintf(stderr, "%s import: ... and %lld more rejected records\n", host_progname,
                im->errors - a->max_errors);
    if (rc == 0 && im->rejects && csvwrite_status(&im->rw) != 0) {
        fprintf(stderr, "%s import: %s: cannot write: %s\n", host_progname, a->rejects,
                strerror(errno));
        rc = -1;
    }
    rows = csvload_rows(im->ld);
    secs = now() - t0;
    if (rc == 0 && im->errors > 0 && !im->rejects) {
        fprintf(stderr, "%s import: %s: nothing imported: %lld record%s rejected (all or "
                "nothing; fix the file, or use --rejects FILE to import the good records), "
                "%.2f s\n", host_progname, a->table, im->errors, im->errors == 1 ? "" : "s",
                secs);
        print_sample_hint(im);
        goto rollback;
    }
    if (rc != 0) {
        fprintf(stderr, "%s import: %s: nothing imported, %.2f s\n", host_progname, a->table,
                secs);
        goto rollback;
    }
    if (a->dry_run) {
        fprintf(stderr, "%s import: %s: dry run: %lld rows would be imported, %lld rejected, "
                "%.2f s, %.0f rows/s\n", host_progname, a->table, rows, im->errors, secs,
                secs > 0 ? (double)rows / secs : 0.0);
        status = EXIT_OK;
        goto rollback;
    }
    if (exec(db, "COMMIT", "committing") != 0)
        goto rollback;
    secs = now() - t0;
    fprintf(stderr, "%s import: %s: %lld row%s imported, %lld rejected%s%s%s, %.2f s, "
            "%.0f rows/s\n", host_progname, a->table, rows, rows == 1 ? "" : "s", im->errors,
            im->errors ? " (written to " : "", im->errors ? a->rejects : "",
            im->errors ? ")" : "", secs, secs > 0 ? (double)rows / secs : 0.0);
    status = EXIT_OK;
    goto out;
rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    if (own_keys)   /* the connection as it was: foreign keys on */
        sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    free(chunk);
    return status;
}

/* vigil import TABLE FILE.csv [options]; see usage_text. */
int command_import(int argc, char **argv)
{
    struct import_args args;
    struct import im;
    struct host_config config;
    char share[4096];
    sqlite3 *db;
    FILE *in;
    int status;

    memset(&args, 0, sizeof args);
    memset(&im, 0, sizeof im);
    status = parse_args(argc, argv, &args);
    if (status >= 0) {
        free_args(&args);
        return status;
    }
    im.args = &args;
    im.last_pct = -1;
    host_default_config(&config, args.db, 0, share, sizeof share);
    if (strcmp(args.file, "-") == 0) {
        in = stdin;
        im.name = "stdin";
    } else {
        struct stat st;
        in = fopen(args.file, "rb");
        im.name = args.file;
        if (!in) {
            fprintf(stderr, "%s import: %s: cannot open: %s\n", host_progname, args.file,
                    strerror(errno));
            free_args(&args);
            return EXIT_WORK;
        }
        if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
            im.size = (unsigned long long)st.st_size;
    }
    im.progress = !args.quiet && im.size >= PROGRESS_MIN && isatty(STDERR_FILENO);
    db = args.sniff ? NULL : open_db(config.db_path, args.replace);
    status = EXIT_WORK;
    if (db && args.rejects) {
        im.rejects = fopen(args.rejects, "wb");
        if (!im.rejects)
            fprintf(stderr, "%s import: %s: cannot create: %s\n", host_progname, args.rejects,
                    strerror(errno));
        else
            csvwrite_init(&im.rw, im.rejects, 0, CSVWRITE_RAW);
    }
    if (args.sniff || (db && (!args.rejects || im.rejects)))
        status = run(&im, db, in);
    csvload_free(im.ld);
    import_sample_free(&im.sample);
    if (im.rejects) {
        if (fclose(im.rejects) != 0 && status == EXIT_OK) {
            fprintf(stderr, "%s import: %s: cannot write: %s\n", host_progname, args.rejects,
                    strerror(errno));
            status = EXIT_WORK;
        }
        if (im.errors == 0 || status != EXIT_OK)
            unlink(args.rejects);   /* no rejects, or nothing imported: no file */
    }
    sqlite3_close(db);
    if (in != stdin)
        fclose(in);
    free_args(&args);
    return status;
}
