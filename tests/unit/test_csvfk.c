/* Unit tests of engine/csvfk.c (foreign keys checked by vigil instead of SQLite): when
 * it applies, the parent keys it finds (alone and from chunks read into bitmaps, at the
 * chunk edges, negative and extreme keys), and the loader's messages with the keys
 * checked here being the same as with SQLite's checks. */
#include "csvfk.h"
#include "csvload.h"
#include "csvload_diag.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static const char fk_schema[] =
    "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT);"
    "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id),"
    " n INTEGER CHECK (n < 100));";

/* An in-memory database with sql run and foreign keys on, or NULL (said). */
static sqlite3 *fk_db(const char *sql)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK) {
        printf("# cannot make the test database: %s\n", db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* The loader's view of child table c's columns: id (the rowid), pid and n, integers;
 * pid's kind, date flag and default as given. */
static void child_cols(struct csvcol cols[3], enum csvkind pid_kind, int pid_date,
                       sqlite3_value *pid_dflt)
{
    static char id[] = "id", pid[] = "pid", n[] = "n";
    memset(cols, 0, 3 * sizeof cols[0]);
    cols[0].name = id;
    cols[0].kind = CSVK_INTEGER;
    cols[0].rowid = 1;
    cols[1].name = pid;
    cols[1].kind = pid_kind;
    cols[1].is_date = pid_date;
    cols[1].dflt = pid_dflt;
    cols[2].name = n;
    cols[2].kind = CSVK_INTEGER;
}

/* Whether csvfk_new takes table c of a database made with sql (after extra, run with
 * foreign keys on). */
static int applies(const char *sql, const char *extra)
{
    struct csvcol cols[3];
    sqlite3 *db = fk_db(sql);
    struct csvfk *f;
    int yes;
    if (!db)
        return -1;
    if (extra)
        sqlite3_exec(db, extra, NULL, NULL, NULL);
    child_cols(cols, CSVK_INTEGER, 0, NULL);
    f = csvfk_new(db, "c", cols, 3);
    yes = f != NULL;
    csvfk_free(f);
    sqlite3_close(db);
    return yes;
}

/* Schemas (NULL: fk_schema) and settings under which the checks stay SQLite's. */
static const struct {
    const char *schema, *extra, *name;
} kept_by_sqlite[] = {
    {NULL,
     "PRAGMA foreign_keys=OFF",
     "csvfk: foreign keys off: not"},
    {NULL,
     "PRAGMA defer_foreign_keys=ON",
     "csvfk: deferred: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id) "
     "DEFERRABLE INITIALLY DEFERRED, n INTEGER)",
     NULL,
     "csvfk: DEFERRABLE: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY ON CONFLICT IGNORE, "
     "pid INTEGER REFERENCES p(id), n INTEGER)",
     NULL,
     "csvfk: an ON CONFLICT clause (an ignored row is not checked): not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, "
     "pid INTEGER NOT NULL ON CONFLICT REPLACE DEFAULT 1 REFERENCES p(id), "
     "n INTEGER)",
     NULL,
     "csvfk: NOT NULL ON CONFLICT REPLACE (the value checked is not the one bound): not"},
    {NULL,
     "CREATE TRIGGER tr AFTER INSERT ON c BEGIN "
     "INSERT INTO p(name) VALUES ('x'); END",
     "csvfk: a trigger: not"},
    {NULL,
     "CREATE TEMP TRIGGER tr AFTER INSERT ON main.c BEGIN "
     "SELECT 1; END",
     "csvfk: a temp trigger: not"},
    {NULL,
     "CREATE TABLE g(c INTEGER REFERENCES c(id))",
     "csvfk: the table is a parent: not"},
    {"CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES c(id), "
     "n INTEGER)",
     NULL,
     "csvfk: its own parent: not"},
    {"CREATE TABLE p(a INTEGER, b INTEGER, PRIMARY KEY (a, b));"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER, n INTEGER, "
     "FOREIGN KEY (pid, n) REFERENCES p(a, b))",
     NULL,
     "csvfk: a key of two columns: not"},
    {"CREATE TABLE p(id TEXT PRIMARY KEY);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id), "
     "n INTEGER)",
     NULL,
     "csvfk: a TEXT parent key: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY DESC);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id), "
     "n INTEGER)",
     NULL,
     "csvfk: INTEGER PRIMARY KEY DESC (no rowid): not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY) WITHOUT ROWID;"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id), "
     "n INTEGER)",
     NULL,
     "csvfk: a WITHOUT ROWID parent: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY, u INTEGER UNIQUE);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(u), "
     "n INTEGER)",
     NULL,
     "csvfk: a UNIQUE parent column: not"},
    {"CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES nope(id), "
     "n INTEGER)",
     NULL,
     "csvfk: no parent table: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE VIEW v AS SELECT id FROM p;"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES v(id), "
     "n INTEGER)",
     NULL,
     "csvfk: a view as parent: not"},
    {"CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE q(code TEXT PRIMARY KEY);"
     "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id), "
     "n TEXT REFERENCES q(code))",
     NULL,
     "csvfk: one key of two not checkable: not (SQLite's checks are all or none)"},
};

/* When the checks are taken over, and when they stay SQLite's. */
static void test_applies(void)
{
    struct csvcol cols[3];
    sqlite3 *db = fk_db(fk_schema);
    sqlite3_value *text = NULL;
    struct csvfk *f;
    sqlite3_stmt *st = NULL;
    unit_ok(applies(fk_schema, NULL) == 1, "csvfk: an integer key to a rowid parent: taken");
    unit_ok(applies("CREATE TABLE p(id INTEGER PRIMARY KEY);"
                    "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p, n INTEGER)",
                    NULL) == 1, "csvfk: REFERENCES p (its primary key): taken");
    for (size_t k = 0; k < sizeof kept_by_sqlite / sizeof kept_by_sqlite[0]; k++)
        unit_ok(applies(kept_by_sqlite[k].schema ? kept_by_sqlite[k].schema : fk_schema,
                        kept_by_sqlite[k].extra) == 0, "%s", kept_by_sqlite[k].name);
    if (!db)
        return;
    child_cols(cols, CSVK_TEXT, 0, NULL);
    unit_ok(csvfk_new(db, "c", cols, 3) == NULL, "csvfk: a child column bound as text: not");
    child_cols(cols, CSVK_INTEGER, 1, NULL);
    unit_ok(csvfk_new(db, "c", cols, 3) == NULL, "csvfk: a child date column: not");
    if (sqlite3_prepare_v2(db, "SELECT 'x'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        text = sqlite3_value_dup(sqlite3_column_value(st, 0));
    sqlite3_finalize(st);
    child_cols(cols, CSVK_INTEGER, 0, text);
    unit_ok(text && csvfk_new(db, "c", cols, 3) == NULL, "csvfk: a text default: not");
    sqlite3_value_free(text);
    child_cols(cols, CSVK_INTEGER, 0, NULL);
    f = csvfk_new(db, "C", cols, 3);
    unit_ok(f && csvfk_count(f) == 1 && csvfk_column(f, 0) == 1,
            "csvfk: one key, on column 1 (the table named in another case)");
    csvfk_free(f);
    sqlite3_close(db);
}

/* The value v as an integer. */
static struct csvval int_val(sqlite3_int64 i)
{
    struct csvval v;
    memset(&v, 0, sizeof v);
    v.type = SQLITE_INTEGER;
    v.i = i;
    return v;
}

/* The keys found: alone at first, then from the chunks read, edges and extremes. */
static void test_keys(void)
{
    static const sqlite3_int64 keys[] = { -9223372036854775807LL - 1, -4097, -4096, -1, 0, 1,
                                          4095, 4096, 8191, 100000, 9223372036854775807LL };
    static const sqlite3_int64 absent[] = { -9223372036854775807LL, -4098, -4095, -2, 2,
                                            4094, 4097, 8190, 8192, 99999, 100001,
                                            9223372036854775806LL };
    struct csvcol cols[3];
    sqlite3 *db = fk_db(fk_schema);
    struct csvfk *f;
    struct csvval v;
    long long chunks, lookups;
    size_t i;
    int round, right = 1;
    sqlite3_stmt *ins = NULL;
    if (!db)
        return;
    sqlite3_prepare_v2(db, "INSERT INTO p(id) VALUES (?1)", -1, &ins, NULL);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sqlite3_bind_int64(ins, 1, keys[i]);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    child_cols(cols, CSVK_INTEGER, 0, NULL);
    f = csvfk_new(db, "c", cols, 3);
    if (!f) {
        unit_ok(0, "csvfk: the checker");
        sqlite3_close(db);
        return;
    }
    for (round = 0; round < CSVFK_LOAD_AFTER + 3; round++) {
        for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            v = int_val(keys[i]);
            if (csvfk_check(f, 0, &v) != 1) {
                right = 0;
                printf("# round %d: key %lld not found\n", round, (long long)keys[i]);
            }
        }
        for (i = 0; i < sizeof absent / sizeof absent[0]; i++) {
            v = int_val(absent[i]);
            if (csvfk_check(f, 0, &v) != 0) {
                right = 0;
                printf("# round %d: key %lld found\n", round, (long long)absent[i]);
            }
        }
        if (round == 0) {
            csvfk_stats(f, &chunks, &lookups);
            unit_ok(chunks == 0 && lookups == 23, "csvfk: first keys looked up alone (%lld, %lld)",
                    chunks, lookups);
        }
    }
    unit_ok(right, "csvfk: every key found, no other, before and after the chunks are read");
    csvfk_stats(f, &chunks, &lookups);
    unit_ok(chunks == 8, "csvfk: the 8 chunks probed were read (%lld)", chunks);
    v.type = SQLITE_NULL;
    unit_ok(csvfk_check(f, 0, &v) == 1, "csvfk: NULL satisfies the key");
    csvfk_free(f);
    sqlite3_close(db);
}

/* The messages of a load of csv into c with its keys checked by SQLite (own 0) or here
 * (own 1), one a line, and the rows then in c as "count:sum of id". */
struct collected {
    char text[8192];
    size_t used;
};

/* Reject callback: appends the message and a newline. */
static int collect(void *ud, long line, const char *msg)
{
    struct collected *c = ud;
    (void)line;
    c->used += (size_t)snprintf(c->text + c->used, sizeof c->text - c->used, "%s\n", msg);
    if (c->used >= sizeof c->text)
        c->used = sizeof c->text - 1;
    return 0;
}

/* Loads csv into table c of a fresh database, the keys checked here when own; returns
 * the messages and the rows kept in out ("messages|count:sum"). */
static void load(const char *csv, int own, char *out, size_t size)
{
    sqlite3 *db = fk_db(fk_schema);
    struct csvload_options opt;
    struct csvload *ld;
    struct collected c;
    char err[512] = "";
    sqlite3_stmt *st = NULL;
    int took = 0;
    snprintf(out, size, "no database");
    if (!db)
        return;
    sqlite3_exec(db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
                 "WHERE i < 9000) INSERT INTO p(id) SELECT i * 2 FROM k", NULL, NULL, NULL);
    memset(&opt, 0, sizeof opt);
    memset(&c, 0, sizeof c);
    opt.check_values = 1;
    opt.reject = collect;
    opt.reject_ud = &c;
    ld = csvload_new(db, "c", "k.csv", &opt, err, sizeof err);
    if (ld && own) {
        took = csvload_own_foreign_keys(ld);
        sqlite3_exec(db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    }
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (ld && (csvload_feed(ld, csv, strlen(csv)) != 0 || csvload_finish(ld) != 0))
        collect(&c, 0, csvload_errmsg(ld));
    csvload_free(ld);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "SELECT count(*) || ':' || total(id) FROM c", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, size, "%s%s|%s", own && !took ? "not taken over|" : "", c.text,
                 (const char *)sqlite3_column_text(st, 0));
    else
        snprintf(out, size, "%s %s", err, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The loader's messages and rows with the keys checked here are SQLite's own: a key
 * that matches nothing in a full batch (of 1024) and in the last, partial one, with a
 * CHECK failing too, with a duplicate id, a NULL key, a full batch of good records,
 * and every record good. */
static void test_loader(void)
{
    char csv[200000], *own, *theirs;
    size_t used;
    int i;
    own = malloc(16384);
    theirs = malloc(16384);
    if (!own || !theirs) {
        free(own);
        free(theirs);
        unit_ok(0, "csvfk: memory");
        return;
    }
    used = (size_t)snprintf(csv, sizeof csv, "id,pid,n\n");
    for (i = 1; i <= 4000; i++) {
        const char *pid = "";
        char buf[32];
        int n = i % 50;
        snprintf(buf, sizeof buf, "%d", 2 * (i % 8000) + 2);
        pid = buf;
        if (i == 10 || i == 700 || i == 3500 || i == 3999)
            pid = "7";                  /* odd: no such parent */
        if (i == 11)
            pid = "";                   /* NULL: fine */
        if (i == 300)
            n = 500;                    /* and a CHECK failing */
        if (i == 300 || i == 1990)
            pid = "99999";
        used += (size_t)snprintf(csv + used, sizeof csv - used, "%d,%s,%d\n",
                                 i == 1500 ? 1499 : i, pid, n);
    }
    load(csv, 0, theirs, 16384);
    load(csv, 1, own, 16384);
    unit_is_str(own, theirs, "csvfk: the loader with the keys checked here says what SQLite says");
    unit_ok(strstr(own, "k.csv:11:2: field 'pid': '7' rejected: FOREIGN KEY constraint failed: "
                   "no such p.id\n") != NULL, "csvfk: a key matching nothing, with its line and column");
    unit_ok(strstr(own, "k.csv:301:2: field 'pid': '99999' rejected: FOREIGN KEY") != NULL &&
            strstr(own, "k.csv:301:3: field 'n': '500' rejected: CHECK") != NULL,
            "csvfk: a CHECK and a key failing in one record: both");
    unit_ok(strstr(own, "k.csv:1501:") != NULL, "csvfk: the duplicate id is reported");
    unit_ok(strstr(own, "|3993:") != NULL, "csvfk: the 3993 good records kept (%s)",
            strrchr(own, '|') ? strrchr(own, '|') : own);
    used = (size_t)snprintf(csv, sizeof csv, "pid,n\n");
    for (i = 1; i <= 3000; i++)
        used += (size_t)snprintf(csv + used, sizeof csv - used, "%d,1\n", 2 * i);
    load(csv, 1, own, 16384);
    unit_is_str(own, "|3000:4501500.0", "csvfk: a good file: every record, no message");
    used = (size_t)snprintf(csv, sizeof csv, "pid,n\n");
    for (i = 1; i <= 3000; i++)
        used += (size_t)snprintf(csv + used, sizeof csv - used, "%d,1\n", i == 1500 ? 3 : 2 * i);
    load(csv, 1, own, 16384);
    unit_is_str(own, "k.csv:1501:1: field 'pid': '3' rejected: FOREIGN KEY constraint failed: "
                "no such p.id\n|2999:4498500.0",
                "csvfk: the only bad key of a full batch of good records: found");
    free(own);
    free(theirs);
}

/* Every test of csvfk. */
void test_csvfk(void)
{
    test_applies();
    test_keys();
    test_loader();
}
