/* Building a vigil database from a datasets folder: schema.sql, then one CSV per table,
 * into "<db_path>.tmp-<pid>", renamed into place only when everything succeeded.
 *
 * The temporary file is built fast (in-memory journal, no syncs: it is thrown away on
 * any failure), with foreign keys enforced so a broken reference is caught at its CSV
 * line.  At the end it is switched to WAL, closed, synced and renamed, so db_path is
 * either the old file or the complete new one, never half a database. */
#include "dbinit.h"
#include "csvload.h"
#include "paths.h"
#include "sqlscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define SCHEMA_MAX ((long)16 << 20)   /* a schema.sql larger than this is refused */
#define PATH_SIZE 4096

/* Writes a printf-style message into err. */
static void say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Removes path and the files SQLite keeps beside it (-journal, -wal, -shm). */
static void remove_db_files(const char *path)
{
    static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
    char p[PATH_SIZE];
    size_t i;
    for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
        if (snprintf(p, sizeof p, "%s%s", path, suffix[i]) < (int)sizeof p)
            unlink(p);
}

/* Removes the SQLite side files of path, not path itself. */
static void remove_side_files(const char *path)
{
    static const char *const suffix[] = { "-journal", "-wal", "-shm" };
    char p[PATH_SIZE];
    size_t i;
    for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
        if (snprintf(p, sizeof p, "%s%s", path, suffix[i]) < (int)sizeof p)
            unlink(p);
}

/* Splits path into its folder (written into dir) and returns its last component. */
static const char *split_path(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
        return path;
    }
    if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
    return slash + 1;
}

/* Removes "<db_path>.tmp-<pid>" files left by builds whose process is gone (killed
 * mid-build). */
static void remove_stale_temps(const char *db_path)
{
    char dir[PATH_SIZE], stale[PATH_SIZE];
    const char *base = split_path(db_path, dir, sizeof dir);
    size_t blen = strlen(base);
    struct dirent *e;
    DIR *d = opendir(dir);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        char *end;
        long pid;
        if (strncmp(s, base, blen) != 0 || strncmp(s + blen, ".tmp-", 5) != 0)
            continue;
        s += blen + 5;
        if (*s < '0' || *s > '9')
            continue;
        pid = strtol(s, &end, 10);
        if (*end != '\0' || pid <= 0 || (pid_t)pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* that build may still be running */
        if (snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name) < (int)sizeof stale)
            remove_db_files(stale);
    }
    closedir(d);
}

/* Reads the whole of a (small) text file into a new NUL-terminated string.  Returns
 * it, or NULL with a message in err. */
static char *read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;
    if (!f) {
        say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        say(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    } else if (size > SCHEMA_MAX) {
        say(err, errlen, "%s: larger than %ld bytes", path, SCHEMA_MAX);
    } else if (!(text = malloc((size_t)size + 1))) {
        say(err, errlen, "%s: out of memory", path);
    } else if (fread(text, 1, (size_t)size, f) != (size_t)size) {
        say(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        free(text);
        text = NULL;
    } else {
        text[size] = '\0';
    }
    fclose(f);
    return text;
}

/* The line (1-based) of position at in text. */
static long line_at(const char *text, const char *at)
{
    long line = 1;
    for (; text < at && *text; text++)
        line += *text == '\n';
    return line;
}

/* Runs every statement of the schema text; an error names schema.sql and its line.
 * Returns 0 or -1. */
static int run_schema(sqlite3 *db, const char *text, const char *name, char *err, size_t errlen)
{
    const char *sql = text;
    while (*(sql = sqlscan_skip_space(sql))) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
        if (rc == SQLITE_OK && st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            int off = sqlite3_error_offset(db);
            long line = line_at(text, off >= 0 ? sql + off : sql);
            say(err, errlen, "%s:%ld: %s", name, line, sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return -1;
        }
        sqlite3_finalize(st);
        if (!tail || tail == sql)
            break;
        sql = tail;
    }
    if (!sqlite3_get_autocommit(db)) {
        say(err, errlen, "%s: leaves a transaction open", name);
        return -1;
    }
    return 0;
}

/* Runs SQL that returns no rows worth reading; an error is described in err with what
 * (a short phrase) in front.  Returns 0 or -1. */
static int exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    say(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* The schema's tables in creation order, as a NULL-terminated array of new strings
 * (free with free_names), or NULL with a message in err. */
static char **table_names(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    char **names = calloc(1, sizeof *names);
    size_t n = 0;
    int rc = SQLITE_ERROR;
    if (names && sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type='table' AND "
                                    "name NOT LIKE 'sqlite_%' ORDER BY rowid", -1, &st,
                                    NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char **p = realloc(names, sizeof *names * (n + 2));
            if (!p)
                break;
            names = p;
            names[n] = strdup((const char *)sqlite3_column_text(st, 0));
            names[n + 1] = NULL;
            if (!names[n])
                break;
            n++;
        }
    }
    if (rc != SQLITE_DONE) {
        say(err, errlen, "reading the schema: %s", names ? sqlite3_errmsg(db) : "out of memory");
        while (names && n > 0)
            free(names[--n]);
        free(names);
        names = NULL;
    }
    sqlite3_finalize(st);
    return names;
}

/* Frees what table_names returned. */
static void free_names(char **names)
{
    size_t i;
    for (i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

/* Notes on stderr the CSV files of dir that no table of the schema will load (a
 * misspelt file name would otherwise leave its table empty without a word). */
static void note_stray_csvs(const char *dir, char **tables)
{
    char path[PATH_SIZE];
    struct dirent *e;
    DIR *d = opendir(dir);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), i;
        int known = 0;
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
            continue;
        for (i = 0; tables[i] && !known; i++)
            known = strlen(tables[i]) == len - 4 && strncmp(tables[i], e->d_name, len - 4) == 0;
        if (!known && paths_join(path, sizeof path, dir, e->d_name) == 0)
            fprintf(stderr, "vigil init: note: %s matches no table of the schema; not loaded\n",
                    path);
    }
    closedir(d);
}

/* Fails when PRAGMA foreign_key_check finds a row whose reference is not satisfied
 * (foreign keys declared DEFERRABLE escape the per-row check).  Returns 0 or -1. */
static int check_foreign_keys(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL, *cols = NULL;
    int rc;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
        say(err, errlen, "foreign key check: %s", sqlite3_errmsg(db));
        return -1;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(st, 0);
        const char *parent = (const char *)sqlite3_column_text(st, 2);
        const char *from = NULL;
        if (sqlite3_prepare_v2(db, "SELECT group_concat(\"from\", ', ') FROM "
                               "pragma_foreign_key_list(?1) WHERE id=?2", -1, &cols,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
            sqlite3_bind_int(cols, 2, sqlite3_column_int(st, 3));
            if (sqlite3_step(cols) == SQLITE_ROW)
                from = (const char *)sqlite3_column_text(cols, 0);
        }
        say(err, errlen, "table %s, rowid %lld: %s does not match any row of %s "
            "(FOREIGN KEY constraint failed)", table ? table : "?",
            (long long)sqlite3_column_int64(st, 1), from ? from : "a reference",
            parent ? parent : "?");
        sqlite3_finalize(cols);
    } else if (rc != SQLITE_DONE) {
        say(err, errlen, "foreign key check: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Fills the open temporary database: schema, CSVs, checks, WAL.  Returns 0 or -1. */
static int fill(sqlite3 *db, const struct dbinit_options *opt, char *err, size_t errlen)
{
    char path[PATH_SIZE];
    char *schema;
    char **tables;
    size_t i;
    int rc;

    if (exec(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
             "PRAGMA cache_size=-65536; PRAGMA foreign_keys=ON", "setting up", err, errlen))
        return -1;
    if (paths_join(path, sizeof path, opt->datasets_dir, "schema.sql") != 0) {
        say(err, errlen, "%s: path too long", opt->datasets_dir);
        return -1;
    }
    schema = read_text(path, err, errlen);
    if (!schema)
        return -1;
    rc = run_schema(db, schema, path, err, errlen);
    free(schema);
    if (rc != 0 || exec(db, "PRAGMA foreign_keys=ON; BEGIN", "starting the load", err, errlen))
        return -1;
    tables = table_names(db, err, errlen);
    if (!tables)
        return -1;
    if (!opt->quiet)
        note_stray_csvs(opt->datasets_dir, tables);
    for (i = 0; rc == 0 && tables[i]; i++) {
        char name[PATH_SIZE];
        long long rows = 0;
        if (snprintf(name, sizeof name, "%s.csv", tables[i]) >= (int)sizeof name ||
            paths_join(path, sizeof path, opt->datasets_dir, name) != 0) {
            say(err, errlen, "%s: path too long", opt->datasets_dir);
            rc = -1;
        } else if (paths_is_file(path)) {
            rc = csvload_path(db, tables[i], path, path, NULL, &rows, err, errlen);
            if (rc == 0 && !opt->quiet)
                fprintf(stderr, "vigil init: %s: %lld row%s\n", tables[i], rows,
                        rows == 1 ? "" : "s");
        }
    }
    free_names(tables);
    if (rc != 0 || check_foreign_keys(db, err, errlen) != 0 ||
        exec(db, "COMMIT", "committing", err, errlen) != 0)
        return -1;
    if (exec(db, "PRAGMA journal_mode=WAL", "switching to WAL", err, errlen) != 0)
        return -1;
    return 0;
}

/* Flushes path (a file or a folder) to disk.  Returns 0 or -1. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    int rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

/* Moves the finished temporary database to db_path (refusing to replace a file that
 * appeared meanwhile unless force) and syncs the folder.  Returns 0, 1 or 2. */
static int put_in_place(const char *tmp, const struct dbinit_options *opt, char *err, size_t errlen)
{
    char dir[PATH_SIZE];
    if (sync_path(tmp, O_RDONLY) != 0) {
        say(err, errlen, "%s: cannot sync: %s", tmp, strerror(errno));
        return 1;
    }
    remove_side_files(opt->db_path);   /* a stale -wal must not be replayed into the new file */
    if (!opt->force) {
        if (link(tmp, opt->db_path) == 0) {
            unlink(tmp);
        } else if (errno == EEXIST) {
            say(err, errlen, "%s already exists; use --force to replace it", opt->db_path);
            return 2;
        } else if (rename(tmp, opt->db_path) != 0) {
            say(err, errlen, "%s: cannot create: %s", opt->db_path, strerror(errno));
            return 1;
        }
    } else if (rename(tmp, opt->db_path) != 0) {
        say(err, errlen, "%s: cannot replace: %s", opt->db_path, strerror(errno));
        return 1;
    }
    split_path(opt->db_path, dir, sizeof dir);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
    return 0;
}

/* Builds the database; see dbinit.h. */
int dbinit_build(const struct dbinit_options *opt, char *err, size_t errlen)
{
    char tmp[PATH_SIZE];
    struct stat st;
    sqlite3 *db = NULL;
    int rc;

    if (errlen)
        err[0] = '\0';
    if (!opt->db_path || !*opt->db_path || !opt->datasets_dir || !*opt->datasets_dir) {
        say(err, errlen, "no database path or datasets folder given");
        return 1;
    }
    if (lstat(opt->db_path, &st) == 0 && !opt->force) {
        say(err, errlen, "%s already exists; use --force to replace it", opt->db_path);
        return 2;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", opt->db_path, (long)getpid()) >= (int)sizeof tmp) {
        say(err, errlen, "%s: path too long", opt->db_path);
        return 1;
    }
    remove_stale_temps(opt->db_path);
    remove_db_files(tmp);
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        say(err, errlen, "%s: cannot create: %s", tmp, db ? sqlite3_errmsg(db) : "out of memory");
        rc = 1;
    } else {
        rc = fill(db, opt, err, errlen) == 0 ? 0 : 1;
    }
    if (sqlite3_close(db) != SQLITE_OK && rc == 0) {
        say(err, errlen, "%s: cannot close: %s", tmp, sqlite3_errmsg(db));
        rc = 1;
    }
    if (rc == 0)
        rc = put_in_place(tmp, opt, err, errlen);
    if (rc != 0)
        remove_db_files(tmp);
    return rc;
}
