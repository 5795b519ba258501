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

/* Whether triggers fire on table; see tableinfo.h. */
int tableinfo_has_triggers(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    int found = 1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM (SELECT tbl_name FROM main.sqlite_schema "
                           "WHERE type = 'trigger' UNION ALL SELECT tbl_name FROM "
                           "sqlite_temp_schema WHERE type = 'trigger') WHERE tbl_name = ?1 "
                           "COLLATE NOCASE", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            found = sqlite3_column_int(st, 0) > 0;
    }
    sqlite3_finalize(st);
    return found;
}
