/* vigil export SQL FILE.csv: one read-only query's rows as RFC 4180 CSV, spreadsheet-
 * safe unless --raw.  A file appears whole or not at all: rows go to a temporary file
 * beside it, renamed into place when the query finished and the data is on disk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "csvexport.h"
#include "host.h"

static const char usage_text[] =
    "usage: vigil export SQL FILE.csv|- [--db PATH] [--raw] [--delimiter C] [--no-header]\n"
    "                    [--param VALUE ...]\n";

/* What the command line asked for. */
struct export_args {
    const char *sql, *file, *db;
    struct csvexport_options opt;
    const char **params;    /* bound to ?1, ?2, ... in order */
    int nparams;
};

/* Prints a usage error and returns EXIT_USAGE. */
static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s export: ", host_progname);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_USAGE;
}

/* Parses the command line into a.  Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct export_args *a)
{
    int i, npos = 0;
    a->params = calloc((size_t)argc, sizeof *a->params);
    if (!a->params)
        return EXIT_WORK;
    for (i = 2; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0) {
            printf("%s", usage_text);
            printf("Runs one read-only query on the database and writes its rows as CSV to\n"
                   "FILE.csv (or stdout for -), with a header line.  Text that a spreadsheet\n"
                   "would run as a formula is neutralised unless --raw.  See docs/csv.md.\n");
            return EXIT_OK;
        } else if (strcmp(o, "--raw") == 0) {
            a->opt.raw = 1;
        } else if (strcmp(o, "--no-header") == 0) {
            a->opt.no_header = 1;
        } else if (strcmp(o, "--db") == 0 || strcmp(o, "--delimiter") == 0 ||
                   strcmp(o, "--param") == 0 || strcmp(o, "-p") == 0) {
            const char *v;
            if (i + 1 >= argc)
                return usage("'%s' needs a value", o);
            v = argv[++i];
            if (o[2] == 'd' && o[3] == 'b') {
                a->db = v;
            } else if (o[2] == 'd') {
                if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
                    a->opt.delim = '\t';
                else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n' && v[0] != '\r')
                    a->opt.delim = (unsigned char)v[0];
                else
                    return usage("bad delimiter '%s' (one byte, or tab)", v);
            } else {
                a->params[a->nparams++] = v;
            }
        } else if (strncmp(o, "--db=", 5) == 0) {
            a->db = o + 5;
        } else if (o[0] == '-' && o[1] != '\0') {
            return usage("unknown option '%s'", o);
        } else if (npos == 0) {
            a->sql = o;
            npos++;
        } else if (npos == 1) {
            a->file = o;
            npos++;
        } else {
            return usage("unexpected argument '%s'", o);
        }
    }
    if (npos < 2)
        return usage("%s", "needs SQL and FILE.csv (or - for stdout)");
    return -1;
}

/* Opens the database read-only (it must exist).  Returns it, or NULL (said). */
static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s export: database '%s' does not exist (build it with vigil init)\n",
                host_progname, path);
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s export: cannot open database '%s': %s\n", host_progname, path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* Writes the statement's rows to the file (through a temporary file renamed into
 * place) or to stdout.  Returns the exit status. */
static int write_out(const struct export_args *a, sqlite3_stmt *st)
{
    char tmp[4096], err[1024] = "";
    long long rows = 0;
    FILE *f;
    int rc;
    if (strcmp(a->file, "-") == 0) {
        rc = csvexport_stmt(st, stdout, &a->opt, &rows, err, sizeof err);
        if (rc == 0 && fflush(stdout) != 0)
            snprintf(err, sizeof err, "write failed: %s", strerror(errno)), rc = -1;
        if (rc != 0)
            fprintf(stderr, "%s export: %s\n", host_progname, err);
        return rc == 0 ? EXIT_OK : EXIT_WORK;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", a->file, (long)getpid()) >= (int)sizeof tmp) {
        fprintf(stderr, "%s export: %s: path too long\n", host_progname, a->file);
        return EXIT_WORK;
    }
    f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "%s export: %s: cannot create: %s\n", host_progname, a->file,
                strerror(errno));
        return EXIT_WORK;
    }
    rc = csvexport_stmt(st, f, &a->opt, &rows, err, sizeof err);
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        snprintf(err, sizeof err, "write failed: %s", strerror(errno)), rc = -1;
    if (fclose(f) != 0 && rc == 0)
        snprintf(err, sizeof err, "write failed: %s", strerror(errno)), rc = -1;
    if (rc == 0 && rename(tmp, a->file) != 0)
        snprintf(err, sizeof err, "cannot rename into place: %s", strerror(errno)), rc = -1;
    if (rc != 0) {
        unlink(tmp);
        fprintf(stderr, "%s export: %s: %s (nothing written)\n", host_progname, a->file, err);
        return EXIT_WORK;
    }
    fprintf(stderr, "%s export: %lld row%s written to %s\n", host_progname, rows,
            rows == 1 ? "" : "s", a->file);
    return EXIT_OK;
}

/* vigil export SQL FILE.csv|- [options]; see usage_text. */
int command_export(int argc, char **argv)
{
    struct export_args args;
    struct host_config config;
    char share[4096], err[1024];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int status, i;

    memset(&args, 0, sizeof args);
    status = parse_args(argc, argv, &args);
    if (status >= 0) {
        free(args.params);
        return status;
    }
    host_default_config(&config, args.db, 0, share, sizeof share);
    status = EXIT_WORK;
    db = open_db(config.db_path);
    if (db)
        st = csvexport_prepare(db, args.sql, err, sizeof err);
    if (db && !st)
        fprintf(stderr, "%s export: %s\n", host_progname, err);
    if (st && sqlite3_bind_parameter_count(st) != args.nparams) {
        fprintf(stderr, "%s export: the query has %d parameter%s, %d --param given\n",
                host_progname, sqlite3_bind_parameter_count(st),
                sqlite3_bind_parameter_count(st) == 1 ? "" : "s", args.nparams);
        status = EXIT_USAGE;
    } else if (st) {
        for (i = 0; i < args.nparams; i++)
            sqlite3_bind_text(st, i + 1, args.params[i], -1, SQLITE_STATIC);
        status = write_out(&args, st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(args.params);
    return status;
}
