/* Unit tests of engine/csvload.c (the streaming CSV loader), engine/csvload_diag.c
 * (explaining rejected records), engine/sqlscan.c (reading CHECKs from a schema) and
 * engine/dbinit.c (building a database file). */
#include "csvload.h"
#include "csvload_diag.h"
#include "dbinit.h"
#include "sqlscan.h"
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

static const char test_schema[] =
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER CHECK (n >= 0), note TEXT,"
    " CONSTRAINT small CHECK (n < 1000)) STRICT;"
    "CREATE TABLE p(code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;"
    "INSERT INTO p VALUES ('a', 'A'), ('b', 'B');"
    "CREATE TABLE c(id INTEGER PRIMARY KEY, p TEXT REFERENCES p(code),"
    " k TEXT CHECK (k IN ('x', 'y'))) STRICT;"
    "CREATE TABLE m(a INTEGER, b INTEGER, k TEXT NOT NULL DEFAULT 'z' -- a CHECK (in a comment)\n"
    " CHECK (k IN ('x', 'y', 'z')), CHECK (a < b)) STRICT;";

/* An in-memory database with the test tables and foreign keys enforced. */
static sqlite3 *test_db(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, test_schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK) {
        printf("# cannot make the test database: %s\n", db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* The rejected records seen by collect_reject. */
struct rejects {
    int count;
    long lines[8];
};

/* A reject callback that records the line and lets the load go on. */
static int collect_reject(void *ud, long line, const char *msg)
{
    struct rejects *r = ud;
    (void)msg;
    if (r->count < 8)
        r->lines[r->count] = line;
    r->count++;
    return 0;
}

/* Loads len bytes of text into table as "TABLE.csv", fed step bytes at a time (all at
 * once when step is 0).  Copies the message into msg; returns the loader's status. */
static int load_opt(sqlite3 *db, const char *table, const char *text, size_t len, size_t step,
                    const struct csvload_options *opt, char *msg, size_t msize,
                    long long *rows)
{
    char name[64];
    struct csvload *ld;
    size_t off = 0;
    int rc = 0;
    snprintf(name, sizeof name, "%s.csv", table);
    msg[0] = '\0';
    ld = csvload_new(db, table, name, opt, msg, msize);
    if (!ld)
        return -1;
    if (step == 0)
        step = len ? len : 1;
    while (rc == 0 && off < len) {
        size_t n = len - off < step ? len - off : step;
        rc = csvload_feed(ld, text + off, n);
        off += n;
    }
    if (rc == 0)
        rc = csvload_finish(ld);
    snprintf(msg, msize, "%s", csvload_errmsg(ld));
    if (rows)
        *rows = csvload_rows(ld);
    csvload_free(ld);
    return rc;
}

/* Loads a NUL-terminated text with default options. */
static int load(sqlite3 *db, const char *table, const char *text, size_t step, char *msg,
                size_t msize, long long *rows)
{
    return load_opt(db, table, text, strlen(text), step, NULL, msg, msize, rows);
}

/* The text of the first column of the first row of sql ("(null)" for NULL, "(none)"
 * for no row), in a static buffer. */
static const char *scalar(sqlite3 *db, const char *sql)
{
    static char out[256];
    sqlite3_stmt *st = NULL;
    snprintf(out, sizeof out, "(error)");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *v = sqlite3_column_text(st, 0);
            snprintf(out, sizeof out, "%s", v ? (const char *)v : "(null)");
        } else {
            snprintf(out, sizeof out, "(none)");
        }
    }
    sqlite3_finalize(st);
    return out;
}

/* Checks that loading text into table fails with exactly the message want, whole and
 * fed one byte at a time, and that the failing record inserted nothing after it. */
static void expect_error(const char *table, const char *text, size_t len, const char *want,
                         const char *name)
{
    static const size_t steps[] = { 0, 1, 5 };
    size_t i;
    if (len == (size_t)-1)
        len = strlen(text);
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char msg[1024], label[160];
        sqlite3 *db = test_db();
        int rc;
        if (!db)
            return;
        rc = load_opt(db, table, text, len, steps[i], NULL, msg, sizeof msg, NULL);
        snprintf(label, sizeof label, "%s (fed %zu bytes at a time)", name, steps[i]);
        if (rc != -1)
            unit_ok(0, "%s: the load fails", label);
        else
            unit_is_str(msg, want, label);
        sqlite3_close(db);
    }
}

/* Values, quoting, header order, NULL versus the empty string, spaces, CRLF, BOM. */
static void test_values(void)
{
    char msg[1024];
    long long rows = -1;
    sqlite3 *db = test_db();
    if (!db)
        return;

    unit_ok(load(db, "t", "id,name,n\n1,Hà Giang,3\n2,\"a,b \"\"q\"\"\",4\n", 0, msg, sizeof msg,
                 &rows) == 0 && rows == 2, "csvload: two records load (%s)", msg);
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=1"), "Hà Giang", "csvload: UTF-8 value");
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=2"), "a,b \"q\"",
                "csvload: quoted comma and doubled quotes");
    unit_is_str(scalar(db, "SELECT typeof(n) FROM t WHERE id=2"), "integer",
                "csvload: STRICT table converts '4' to an integer");

    unit_ok(load(db, "t", "n,note,id\n5,,3\n6,\"\",4\n", 1, msg, sizeof msg, &rows) == 0,
            "csvload: header in another order, a subset of the columns (%s)", msg);
    unit_is_str(scalar(db, "SELECT quote(note) FROM t WHERE id=3"), "NULL",
                "csvload: an empty unquoted field is NULL");
    unit_is_str(scalar(db, "SELECT quote(note) FROM t WHERE id=4"), "''",
                "csvload: a quoted empty field is the empty string");
    unit_is_str(scalar(db, "SELECT quote(name) FROM t WHERE id=4"), "NULL",
                "csvload: a column missing from the header is NULL");

    unit_ok(load(db, "t", "id,name\r\n5,crlf\r\n6, spaced \r\n", 0, msg, sizeof msg, &rows) == 0
            && rows == 2, "csvload: CRLF line ends (%s)", msg);
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=5"), "crlf", "csvload: CR is not data");
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=6"), " spaced ",
                "csvload: spaces are part of a field");

    unit_ok(load(db, "t", "\xEF\xBB\xBFid,name\n7,bom\n", 1, msg, sizeof msg, &rows) == 0
            && rows == 1, "csvload: a UTF-8 BOM is skipped, even fed byte by byte (%s)", msg);
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=7"), "bom", "csvload: row after a BOM");

    unit_ok(load(db, "t", "id,name\n8,\"two\nlines\"\n\n9,last", 3, msg, sizeof msg, &rows) == 0
            && rows == 2, "csvload: blank line skipped, last line without a line end (%s)", msg);
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=8"), "two\nlines",
                "csvload: newline inside a quoted field");
    unit_is_str(scalar(db, "SELECT name FROM t WHERE id=9"), "last", "csvload: last record");

    unit_ok(load(db, "t", "id,name\n", 0, msg, sizeof msg, &rows) == 0 && rows == 0,
            "csvload: a header alone loads nothing (%s)", msg);
    unit_ok(load(db, "c", "id,p,k\n1,a,x\n2,,y\n", 0, msg, sizeof msg, &rows) == 0 && rows == 2,
            "csvload: satisfied and NULL foreign keys (%s)", msg);
    sqlite3_close(db);
}

/* Broken CSV: quoting, field counts, encoding, header. */
static void test_malformed(void)
{
    /* Line numbers of later records stay right after quoted fields spanning lines. */
    expect_error("t", "id,name,n\n1,\"two\nlines\",1\n2,\"three\r\nline\nfield\",2\n3,x,-1\n",
                 (size_t)-1, "t.csv:7:3: field 'n': '-1' rejected: CHECK constraint "
                 "failed: n >= 0", "csvload: line of a record after multi-line fields");
    expect_error("t", "id,name\n1,a\n2\n", (size_t)-1,
                 "t.csv:3: record has 1 field, the header has 2", "csvload: too few fields");
    expect_error("t", "id,name\n1,a,b\n", (size_t)-1,
                 "t.csv:2: record has 3 fields, the header has 2", "csvload: too many fields");
    expect_error("t", "id,name\n1,a\n2,\"abc\n3,d\n", (size_t)-1,
                 "t.csv:3: a quoted field is never closed (a quote is missing)",
                 "csvload: unterminated quote");
    expect_error("t", "id,name\n1,a\"b\n", (size_t)-1,
                 "t.csv:2: byte 4: a quote inside an unquoted field (quote the whole field and "
                 "double the quote)", "csvload: quote inside an unquoted field");
    expect_error("t", "id,name\n1,\"ab\"c\n", (size_t)-1,
                 "t.csv:2: byte 7: text after the closing quote of a field",
                 "csvload: text after a closing quote");
    expect_error("t", "id,name\n1,ab\xff\n", (size_t)-1, "t.csv:2: byte 5: invalid UTF-8 (0xFF)",
                 "csvload: invalid UTF-8 byte");
    expect_error("t", "id,name\n1,x\n2,\"a\n\xc0\xaf\"\n", (size_t)-1,
                 "t.csv:4: byte 1: invalid UTF-8 (0xC0)", "csvload: overlong UTF-8 on a later line");
    expect_error("t", "id,name\n1,ab\xe1\xba\n", (size_t)-1,
                 "t.csv:2: byte 5: invalid UTF-8 (0xE1 0xBA 0x0A)",
                 "csvload: line end inside a character");
    expect_error("t", "id,name\n1,\xed\xa0\x80\n", (size_t)-1,
                 "t.csv:2: byte 3: invalid UTF-8 (0xED 0xA0)", "csvload: UTF-8 surrogate");
    expect_error("t", "id,name\n1,\xc3", (size_t)-1,
                 "t.csv:2: byte 3: invalid UTF-8 (the file ends inside a character)",
                 "csvload: truncated UTF-8 at the end");
    expect_error("t", "id,name\n1,a\0b\n", 14, "t.csv:2: byte 4: NUL byte", "csvload: NUL byte");
    expect_error("t", "id,nmae\n1,a\n", (size_t)-1,
                 "t.csv:1: header column 2: unknown column 'nmae' (table t has id, name, n, note)",
                 "csvload: unknown header column");
    expect_error("t", "id,name,ID\n", (size_t)-1,
                 "t.csv:1: header column 3: column 'ID' appears twice",
                 "csvload: duplicate header column");
    expect_error("t", "id,,n\n", (size_t)-1, "t.csv:1: header column 2 has no name",
                 "csvload: empty header name");
    expect_error("t", "", (size_t)-1, "t.csv: empty file (the first line must name the columns)",
                 "csvload: empty file");
    expect_error("t", "\n\n", (size_t)-1, "t.csv: empty file (the first line must name the columns)",
                 "csvload: only blank lines");
}

/* Constraint errors name the field, its column and value. */
static void test_rejected(void)
{
    expect_error("t", "id,n\n1,12abc\n", (size_t)-1,
                 "t.csv:2:2: field 'n': '12abc' rejected: cannot store TEXT value in "
                 "INTEGER column t.n", "csvload: STRICT type error names the field");
    expect_error("t", "name,id\nx,1\ny,1\n", (size_t)-1,
                 "t.csv:3:2: field 'id': '1' rejected: UNIQUE constraint failed: t.id",
                 "csvload: duplicate primary key");
    expect_error("t", "name,id\nx,abc\n", (size_t)-1,
                 "t.csv:2:2: field 'id': 'abc' rejected: datatype mismatch",
                 "csvload: non-integer INTEGER PRIMARY KEY");
    expect_error("t", "id,n\n1,5000\n", (size_t)-1,
                 "t.csv:2:2: field 'n': '5000' rejected: CHECK constraint failed: small (n < 1000)",
                 "csvload: named CHECK constraint found in the schema");
    expect_error("p", "code\nz\n", (size_t)-1,
                 "p.csv:2: record rejected: NOT NULL constraint failed: p.label (column 'label' is "
                 "not in the header)", "csvload: NOT NULL column missing from the header");
    expect_error("c", "id,p,k\n1,a,x\n2,zz,x\n", (size_t)-1,
                 "c.csv:3:2: field 'p': 'zz' rejected: FOREIGN KEY constraint failed: "
                 "no such p.code", "csvload: broken foreign key names the field");
    expect_error("c", "id,k\n1,\"a\tb\nc'\\\"\"\"\n", (size_t)-1,
                 "c.csv:2:2: field 'k': 'a\\tb\\nc\\'\\\\\"' rejected: CHECK constraint "
                 "failed: k IN ('x', 'y')", "csvload: value shown with control characters escaped");
}

/* sqlscan_checks' callback: appends "[name] expr" and a line end to the buffer ud. */
static void collect_check(void *ud, const char *expr, const char *name)
{
    char *buf = ud;
    size_t used = strlen(buf);
    snprintf(buf + used, 256 - used, "[%s] %s\n", name ? name : "", expr);
}

/* Every problem of a record at once; several fields of one CHECK; DEFAULT for an empty
 * field; CHECKs found in a schema with comments, strings and quoted names. */
static void test_all_problems(void)
{
    char msg[1024], expr[256] = "";
    long long rows = -1;
    sqlite3 *db;
    expect_error("c", "id,p,k\n1,zz,q\n", (size_t)-1,
                 "c.csv:2:2: field 'p': 'zz' rejected: FOREIGN KEY constraint failed: no such p.code\n"
                 "c.csv:2:3: field 'k': 'q' rejected: CHECK constraint failed: k IN ('x', 'y')",
                 "csvload: a CHECK and a foreign key broken by one record: both reported");
    expect_error("m", "a,b\n5,2\n", (size_t)-1,
                 "m.csv:2: record rejected: CHECK constraint failed: a < b (field 'a' (column 1) "
                 "= '5', field 'b' (column 2) = '2')", "csvload: a CHECK on two fields names both");
    expect_error("m", "k,a,b\nq,5,2\n", (size_t)-1,
                 "m.csv:2:1: field 'k': 'q' rejected: CHECK constraint failed: k IN ('x', 'y', 'z')\n"
                 "m.csv:2: record rejected: CHECK constraint failed: a < b (field 'a' (column 2) "
                 "= '5', field 'b' (column 3) = '2')",
                 "csvload: complaints in column order, the record's own last");
    db = test_db();
    if (!db)
        return;
    unit_ok(load(db, "m", "a,b,k\n1,2,\n3,4,\"\"\n", 0, msg, sizeof msg, &rows) == -1,
            "csvload: a quoted empty text is not empty for DEFAULT ('' fails the CHECK)");
    unit_ok(load(db, "m", "a,b,k\n1,2,\n", 0, msg, sizeof msg, &rows) == 0 && rows == 1,
            "csvload: an empty field of a NOT NULL column with a DEFAULT loads (%s)", msg);
    unit_is_str(scalar(db, "SELECT k FROM m WHERE a = 1"), "z",
                "csvload: an empty field gets the column's DEFAULT, not NULL");
    sqlite3_close(db);

    {
        static const char schema[] =
            "CREATE TABLE t(a TEXT DEFAULT 'CHECK (x)' /* CHECK (y) */, -- CHECK (z)\n"
            " b INT CONSTRAINT \"my \"\"c\"\"\" CHECK ( (b > 0) AND b < ')' ),"
            " \"x\"\"y\" TEXT CHECK (\"x\"\"y\" IS date(\"x\"\"y\", '+0 days')))";
        int n = sqlscan_checks(schema, collect_check, expr);
        unit_ok(n == 2, "sqlscan_checks: CHECKs in strings and comments do not count (%d)", n);
        unit_is_str(expr, "[my \"c\"] (b > 0) AND b < ')'\n[] \"x\"\"y\" IS date(\"x\"\"y\", '+0 days')\n",
                    "sqlscan_checks: expressions and names, quotes undone in names");
        unit_ok(sqlscan_calls_date(schema, "x\"y") && !sqlscan_calls_date(schema, "x") &&
                !sqlscan_calls_date(schema, "b"),
                "sqlscan_calls_date: a quoted column name with a quote inside");
    }
}

/* The field cap, the reject callback and loading from a file. */
static void test_limits(void)
{
    char msg[1024], path[] = "/tmp/vigil-csvload-XXXXXX";
    struct csvload_options opt;
    struct rejects rej;
    long long rows = -1;
    sqlite3 *db = test_db();
    size_t big = 200000, i;
    char *text;
    int fd;
    if (!db)
        return;

    memset(&opt, 0, sizeof opt);
    opt.max_field = 8;
    unit_ok(load_opt(db, "t", "id,name\n1,12345678\n", strlen("id,name\n1,12345678\n"), 0, &opt, msg, sizeof msg, NULL) == 0,
            "csvload: a field at the cap loads (%s)", msg);
    load_opt(db, "t", "id,name\n2,123456789\n", strlen("id,name\n2,123456789\n"), 0, &opt, msg, sizeof msg, NULL);
    unit_is_str(msg, "t.csv:2:2: field 'name' is longer than 8 bytes",
                "csvload: a field over the cap is an error");

    /* A huge unterminated field is stopped long before the end of the input. */
    text = malloc(big);
    if (text) {
        struct csvload *ld;
        int rc = 0;
        size_t fed = 0;
        memcpy(text, "id,name\n3,\"", 11);
        for (i = 11; i < big; i++)
            text[i] = i % 61 ? 'x' : '\n';
        opt.max_field = 1000;
        ld = csvload_new(db, "t", "t.csv", &opt, msg, sizeof msg);
        while (ld && rc == 0 && fed < big) {
            rc = csvload_feed(ld, text + fed, 4096 < big - fed ? 4096 : big - fed);
            fed += 4096;
        }
        unit_ok(ld && rc == -1 && fed < 20000, "csvload: an oversized field stops the load early");
        unit_is_str(ld ? csvload_errmsg(ld) : "", "t.csv:2:2: field 'name' is longer "
                    "than 1000 bytes", "csvload: message of an oversized field");
        csvload_free(ld);
        free(text);
    }

    memset(&opt, 0, sizeof opt);
    memset(&rej, 0, sizeof rej);
    opt.reject = collect_reject;
    opt.reject_ud = &rej;
    unit_ok(load_opt(db, "c", "id,p,k\n10,a,x\n11,zz,x\n12,b\n13,b,y\n",
                     strlen("id,p,k\n10,a,x\n11,zz,x\n12,b\n13,b,y\n"), 0, &opt, msg,
                     sizeof msg, &rows) == 0 && rows == 2,
            "csvload: with a reject callback bad records are skipped (%s)", msg);
    unit_ok(rej.count == 2 && rej.lines[0] == 3 && rej.lines[1] == 4,
            "csvload: the reject callback got lines 3 and 4");

    fd = mkstemp(path);
    if (fd >= 0) {
        FILE *f = fdopen(fd, "w");
        if (f) {
            fputs("id,name\n", f);
            for (i = 0; i < 5000; i++)
                fprintf(f, "%zu,\"name %zu\nsecond line\"\n", 100 + i, i);
            fputs("6000,\"unclosed\n", f);
            fclose(f);
        }
        unit_ok(csvload_path(db, "t", path, "big.csv", NULL, &rows, msg, sizeof msg) == -1,
                "csvload_path: a file read in chunks fails at its end");
        unit_is_str(msg, "big.csv:10002: a quoted field is never closed (a quote is missing)",
                    "csvload_path: line counted across chunks");
        unit_ok(rows == 5000, "csvload_path: rows counted before the failure (%lld)", rows);
        unlink(path);
    }
    unit_ok(csvload_path(db, "t", "/nonexistent/x.csv", NULL, NULL, NULL, msg, sizeof msg) == -1 &&
            strstr(msg, "/nonexistent/x.csv: cannot open") == msg,
            "csvload_path: a missing file is an error naming it");
    unit_ok(csvload_new(db, "nosuch", "n.csv", NULL, msg, sizeof msg) == NULL,
            "csvload_new: refuses a missing table");
    unit_is_str(msg, "n.csv: no such table: nosuch", "csvload_new: message of a missing table");
    sqlite3_close(db);
}

/* csvdiag_value: quoting, escaping and truncation. */
static void test_value_display(void)
{
    char buf[512];
    const char *longer = "0123456789012345678901234567890123456789012345678901234567ằằằ";
    csvdiag_value(buf, sizeof buf, NULL, 0);
    unit_is_str(buf, "NULL", "csvdiag_value: NULL");
    csvdiag_value(buf, sizeof buf, "a\x01\x7f", 3);
    unit_is_str(buf, "'a\\x01\\x7f'", "csvdiag_value: control bytes in hex");
    csvdiag_value(buf, sizeof buf, longer, strlen(longer));
    unit_is_str(buf, "'0123456789012345678901234567890123456789012345678901234567ằ...'",
                "csvdiag_value: long value cut at a character boundary");
}

/* Writes text into dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The number of entries of dir whose name starts with prefix. */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* dbinit_build: success, refusing an existing file, failure leaving nothing behind. */
static void test_dbinit(void)
{
    char dir[] = "/tmp/vigil-dbinit-XXXXXX", db_path[512], err[1024], cmd[600];
    struct dbinit_options opt;
    sqlite3 *db = NULL;
    if (!mkdtemp(dir)) {
        unit_ok(0, "dbinit: temporary folder");
        return;
    }
    write_file(dir, "schema.sql", "-- test schema\nCREATE TABLE p(code TEXT PRIMARY KEY) STRICT;\n"
               "CREATE TABLE c(id INTEGER PRIMARY KEY, p TEXT NOT NULL REFERENCES p(code)) STRICT;\n");
    write_file(dir, "c.csv", "id,p\n1,a\n2,b\n3,a\n");
    write_file(dir, "p.csv", "code\na\nb\n");
    snprintf(db_path, sizeof db_path, "%s/x.db", dir);
    memset(&opt, 0, sizeof opt);
    opt.db_path = db_path;
    opt.datasets_dir = dir;
    opt.quiet = 1;

    unit_ok(dbinit_build(&opt, err, sizeof err) == 0, "dbinit: builds (%s)", err);
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        unit_is_str(scalar(db, "SELECT count(*) || ',' || sum(p = 'a') FROM c"), "3,2",
                    "dbinit: child rows loaded after their parents");
        unit_is_str(scalar(db, "PRAGMA journal_mode"), "wal", "dbinit: the database is in WAL mode");
    }
    sqlite3_close(db);
    unit_ok(count_entries(dir, "x.db.tmp-") == 0, "dbinit: no temporary file left");

    unit_ok(dbinit_build(&opt, err, sizeof err) == 2, "dbinit: an existing file is refused");
    unit_ok(strstr(err, "use --force") != NULL, "dbinit: the refusal says --force (%s)", err);

    write_file(dir, "c.csv", "id,p\n1,a\n2,b\n3,\"c\nd\"\n");
    opt.force = 1;
    unit_ok(dbinit_build(&opt, err, sizeof err) == 1, "dbinit: a broken reference fails");
    snprintf(cmd, sizeof cmd, "%s/c.csv:4:2: field 'p': 'c\\nd' rejected: FOREIGN KEY "
             "constraint failed: no such p.code", dir);
    unit_is_str(err, cmd, "dbinit: the failure names file, line, field and value");
    unit_ok(count_entries(dir, "x.db.tmp-") == 0, "dbinit: failure leaves no temporary file");
    db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        unit_is_str(scalar(db, "SELECT count(*) FROM c"), "3", "dbinit: failure keeps the old database");
    else
        unit_ok(0, "dbinit: failure keeps the old database");
    sqlite3_close(db);

    write_file(dir, "schema.sql", "CREATE TABLE p(code TEXT PRIMARY KEY) STRICT;\n\nCREATE TABLE q(x INTEGR) STRICT;\n");
    unit_ok(dbinit_build(&opt, err, sizeof err) == 1 && strstr(err, "schema.sql:3: ") != NULL,
            "dbinit: a schema error names schema.sql and its line (%s)", err);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

/* All csvload tests (called by main.c). */
/* Every reject message, joined with newlines. */
struct reject_log {
    char text[8192];
    size_t used;
    int count;
};

/* A reject callback that appends the message to a reject_log and lets the load go on. */
static int log_reject(void *ud, long line, const char *msg)
{
    struct reject_log *r = ud;
    (void)line;
    if (r->used < sizeof r->text)
        r->used += (size_t)snprintf(r->text + r->used, sizeof r->text - r->used, "%s\n", msg);
    if (r->used > sizeof r->text)
        r->used = sizeof r->text;
    r->count++;
    return 0;
}

/* Loads text into table c of a new database, fed at once (stream 0) or read from a
 * file on csvload_stream's second thread (stream 1), logging the rejects.  Returns the
 * loader's status; sets *rows and copies the failure message into msg. */
static int load_c(const char *text, int stream, struct reject_log *log, long long *rows,
                  char *msg, size_t msize)
{
    sqlite3 *db = test_db();
    struct csvload_options opt;
    struct csvload *ld;
    int rc = -1;
    memset(&opt, 0, sizeof opt);
    memset(log, 0, sizeof *log);
    opt.reject = log_reject;
    opt.reject_ud = log;
    opt.check_values = 1;
    msg[0] = '\0';
    *rows = -1;
    ld = db ? csvload_new(db, "c", "c.csv", &opt, msg, msize) : NULL;
    if (ld && stream) {
        FILE *f = tmpfile();
        size_t len = strlen(text), head = len < 5 ? len : 5;
        if (f && fwrite(text + head, 1, len - head, f) == len - head && fseek(f, 0, SEEK_SET) == 0)
            rc = csvload_stream(ld, f, text, head, NULL, NULL);
        if (f)
            fclose(f);
    } else if (ld) {
        rc = csvload_feed(ld, text, strlen(text));
        if (rc == 0)
            rc = csvload_finish(ld);
    }
    if (ld) {
        snprintf(msg, msize, "%s", csvload_errmsg(ld));
        *rows = csvload_rows(ld);
    }
    csvload_free(ld);
    sqlite3_close(db);
    return rc;
}

/* Batches and the reading thread: many records with bad ones among them (a value, a
 * foreign key, a CHECK, a duplicate key, a short record) give the same rejects, in the
 * same order, and the same rows, fed at once or read on the second thread; a break in
 * the file still lets the bad records before it be reported first. */
static void test_stream(void)
{
    size_t cap = 64 * 1024, used = 0;
    char *text = malloc(cap), msg[1024], msg2[1024];
    static struct reject_log a, b;
    long long rows = 0, rows2 = 0;
    int line, rc, rc2;
    if (!text)
        return;
    used += (size_t)snprintf(text, cap, "id,p,k\n");
    for (line = 2; line <= 1001; line++) {
        const char *rec = NULL;
        char buf[64];
        if (line == 100)
            rec = "abc,a,x";
        else if (line == 300)
            rec = "300,zz,x";
        else if (line == 301)
            rec = "301,a,q";
        else if (line == 555)
            snprintf(buf, sizeof buf, "554,b,y"), rec = buf;
        else if (line == 700)
            rec = "700,a";
        else
            snprintf(buf, sizeof buf, "%d,%s,%s", line, line % 2 ? "a" : "b", line % 3 ? "x" : "y"),
                rec = buf;
        used += (size_t)snprintf(text + used, cap - used, "%s\n", rec);
    }
    rc = load_c(text, 0, &a, &rows, msg, sizeof msg);
    rc2 = load_c(text, 1, &b, &rows2, msg2, sizeof msg2);
    unit_ok(rc == 0 && rows == 995 && a.count == 5, "csvload: 1000 records, 5 bad: %lld rows, "
            "%d rejected (%s)", rows, a.count, msg);
    unit_ok(strstr(a.text, "c.csv:100:1: field 'id'") == a.text &&
            strstr(a.text, "c.csv:300:2:") && strstr(a.text, "c.csv:301:3:") &&
            strstr(a.text, "c.csv:555:") && strstr(a.text, "c.csv:700: record has 2 fields") &&
            strstr(a.text, "c.csv:300:2:") < strstr(a.text, "c.csv:301:3:") &&
            strstr(a.text, "c.csv:555:") < strstr(a.text, "c.csv:700:"),
            "csvload: the bad records are reported in file order");
    unit_ok(rc2 == rc && rows2 == rows, "csvload_stream: the same rows as csvload_feed "
            "(%lld, %s)", rows2, msg2);
    unit_is_str(b.text, a.text, "csvload_stream: the same rejects, in the same order");

    /* A bad value on line 10, then invalid UTF-8 on line 300: both reported, in order. */
    used = (size_t)snprintf(text, cap, "id,p,k\n");
    for (line = 2; line <= 400; line++)
        used += (size_t)snprintf(text + used, cap - used, line == 10 ? "x%d,a,x\n" :
                                 line == 300 ? "%d,a,\xff\n" : "%d,a,x\n", line);
    rc = load_c(text, 0, &a, &rows, msg, sizeof msg);
    rc2 = load_c(text, 1, &b, &rows2, msg2, sizeof msg2);
    unit_ok(rc == -1 && a.count == 1 && strncmp(a.text, "c.csv:10:1: ", 12) == 0,
            "csvload: the bad record before a break is reported");
    unit_is_str(msg, "c.csv:300: byte 7: invalid UTF-8 (0xFF)", "csvload: then the break");
    unit_ok(rc2 == -1 && strcmp(b.text, a.text) == 0, "csvload_stream: the same reject "
            "before the break");
    unit_is_str(msg2, msg, "csvload_stream: the same break");
    free(text);
}

/* Table m's 600-record file: a < b for every record but record bad (0: none). */
static char *m_records(int bad)
{
    size_t cap = 32 * 1024, used;
    char *text = malloc(cap);
    int i;
    if (!text)
        return NULL;
    used = (size_t)snprintf(text, cap, "a,b,k\n");
    for (i = 1; i <= 600 && used < cap; i++)
        used += (size_t)snprintf(text + used, cap - used, "%d,%d,%s\n", i, i == bad ? i : i + 1,
                                 i % 2 ? "x" : "");
    return text;
}

/* CHECKs deferred over full batches (csvcheck.c) inside a transaction: a bad record in
 * a full batch is still found, rows are the same, and ignore_check_constraints is off
 * again after the load, whether it succeeded or failed; when the connection had it on,
 * it stays on. */
static void test_deferred_checks(void)
{
    char msg[1024], *good = m_records(0), *bad = m_records(300);
    long long rows = 0;
    sqlite3 *db = test_db();
    int rc;
    if (!db || !good || !bad) {
        unit_ok(0, "deferred checks: setting up");
        goto out;
    }
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    rc = load(db, "m", good, 0, msg, sizeof msg, &rows);
    unit_ok(rc == 0 && rows == 600, "deferred checks: 600 good records loaded (%s)", msg);
    unit_is_str(scalar(db, "SELECT count(*) || ' ' || sum(a < b) || ' ' || sum(k = 'z') FROM m"),
                "600 600 300", "deferred checks: the rows as stored, DEFAULT included");
    unit_is_str(scalar(db, "PRAGMA ignore_check_constraints"), "0",
                "deferred checks: the CHECKs are on again after a load");
    rc = load(db, "m", bad, 0, msg, sizeof msg, &rows);
    unit_ok(rc == -1, "deferred checks: a bad record in a full batch fails the load");
    unit_is_str(msg, "m.csv:301: record rejected: CHECK constraint failed: a < b (field 'a' "
                "(column 1) = '300', field 'b' (column 2) = '300')",
                "deferred checks: its message");
    unit_is_str(scalar(db, "SELECT count(*) || ' ' || sum(a >= b) FROM m"), "899 0",
                "deferred checks: the records before it kept, it and those after it not");
    unit_is_str(scalar(db, "PRAGMA ignore_check_constraints"), "0",
                "deferred checks: the CHECKs are on again after a failed load");
    sqlite3_exec(db, "ROLLBACK; PRAGMA ignore_check_constraints = ON; BEGIN", NULL, NULL, NULL);
    rc = load(db, "m", bad, 0, msg, sizeof msg, &rows);
    unit_ok(rc == 0 && rows == 600, "deferred checks: ignore_check_constraints set by the "
            "caller is obeyed (%s)", msg);
    unit_is_str(scalar(db, "PRAGMA ignore_check_constraints"), "1",
                "deferred checks: and left on");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_close(db);
    free(good);
    free(bad);
}

void test_csvload(void)
{
    test_values();
    test_malformed();
    test_rejected();
    test_all_problems();
    test_limits();
    test_value_display();
    test_dbinit();
    test_stream();
    test_deferred_checks();
}
