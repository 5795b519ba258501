/* Writing a statement's rows as CSV; see csvexport.h. */
#include "csvexport.h"
#include "csvwrite.h"

#include <errno.h>
#include <string.h>

/* Writes a BLOB as lowercase hex text. */
static void write_blob(struct csvwrite *w, const unsigned char *p, int n)
{
    static const char hex[] = "0123456789abcdef";
    char buf[512];
    int i;
    size_t used = 0;
    /* csvwrite_text needs the whole field at once: build it in pieces of buf */
    if (n <= (int)sizeof buf / 2) {
        for (i = 0; i < n; i++) {
            buf[used++] = hex[p[i] >> 4];
            buf[used++] = hex[p[i] & 15];
        }
        csvwrite_text(w, buf, used);
        return;
    }
    {
        char *big = sqlite3_malloc64((sqlite3_uint64)n * 2);
        if (!big) {
            w->failed = 1;
            return;
        }
        for (i = 0; i < n; i++) {
            big[used++] = hex[p[i] >> 4];
            big[used++] = hex[p[i] & 15];
        }
        csvwrite_text(w, big, used);
        sqlite3_free(big);
    }
}

/* Writes the rows of st; see csvexport.h. */
int csvexport_stmt(sqlite3_stmt *st, FILE *f, const struct csvexport_options *opt,
                   long long *rows, char *err, size_t errlen)
{
    struct csvwrite w;
    int ncol = sqlite3_column_count(st), i, rc;
    long long n = 0;
    csvwrite_init(&w, f, opt ? opt->delim : 0, opt && opt->raw ? CSVWRITE_RAW : 0);
    if (!opt || !opt->no_header) {
        for (i = 0; i < ncol; i++) {
            const char *name = sqlite3_column_name(st, i);
            csvwrite_text(&w, name ? name : "", name ? strlen(name) : 0);
        }
        csvwrite_end(&w);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !w.failed) {
        for (i = 0; i < ncol; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                csvwrite_integer(&w, sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT:
                csvwrite_real(&w, sqlite3_column_double(st, i));
                break;
            case SQLITE_NULL:
                csvwrite_text(&w, NULL, 0);
                break;
            case SQLITE_BLOB:
                write_blob(&w, sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
                break;
            default: {
                const char *s = (const char *)sqlite3_column_text(st, i);
                csvwrite_text(&w, s ? s : "", (size_t)sqlite3_column_bytes(st, i));
            }
            }
        }
        csvwrite_end(&w);
        n++;
    }
    if (rows)
        *rows = n;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    if (csvwrite_status(&w) != 0) {
        snprintf(err, errlen, "write failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Prepares one read-only statement; see csvexport.h. */
sqlite3_stmt *csvexport_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return NULL;
    }
    if (!st) {
        snprintf(err, errlen, "no SQL statement given");
        return NULL;
    }
    while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' ||
                    *tail == ';'))
        tail++;
    if (tail && *tail) {
        snprintf(err, errlen, "one statement only (text follows the first: %.40s)", tail);
        sqlite3_finalize(st);
        return NULL;
    }
    if (!sqlite3_stmt_readonly(st) || sqlite3_column_count(st) == 0) {
        snprintf(err, errlen, "only a query that returns rows can be exported");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}
