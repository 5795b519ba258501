/* What the schema says about one table; see tableinfo.h. */
#include "tableinfo.h"

#include <stddef.h>

/* Reads table's CREATE statement; see tableinfo.h. */
char *tableinfo_sql(sqlite3 *db, const char *table, char **name)
{
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    if (name)
        *name = NULL;
    if (sqlite3_prepare_v2(db, "SELECT sql, name FROM main.sqlite_schema WHERE type = 'table' "
                           "AND name = ?1 COLLATE NOCASE", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            sql = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
            if (name)
                *name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 1));
        }
    }
    sqlite3_finalize(st);
    return sql;
}

/* Runs a one-integer query; see tableinfo.h. */
sqlite3_int64 tableinfo_int(sqlite3 *db, const char *sql, const char *arg,
                            sqlite3_int64 fallback)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 v = fallback;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg)
            sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

/* Whether triggers fire on table; see tableinfo.h. */
int tableinfo_has_triggers(sqlite3 *db, const char *table)
{
    return tableinfo_int(db, "SELECT count(*) FROM (SELECT tbl_name FROM main.sqlite_schema "
                         "WHERE type = 'trigger' UNION ALL SELECT tbl_name FROM "
                         "sqlite_temp_schema WHERE type = 'trigger') WHERE tbl_name = ?1 "
                         "COLLATE NOCASE", table, 1) > 0;
}
