/* Internals shared by the files of the vigil.db binding (engine/ldb*.c) only.
 *
 * Ownership: a Db userdata owns its sqlite3 connection; a Stmt userdata owns its
 * sqlite3_stmt.  Each Db keeps a list of its open Stmts so that closing the Db
 * finalizes them first and marks them closed (handle NULL).  Every Stmt keeps its
 * Db userdata alive through its first user value.  A Stmt whose Db was closed is
 * simply a closed Stmt. */
#ifndef VIGIL_LDB_INT_H
#define VIGIL_LDB_INT_H

#include <sqlite3.h>

#include "lua.h"

#define DB_META    "vigil.db.Db"
#define STMT_META  "vigil.db.Stmt"
#define GUARD_META "vigil.db.StmtGuard"

/* Longest SQL excerpt quoted in an error message, in bytes. */
#define SQL_EXCERPT 200

typedef struct Stmt Stmt;

/* A connection.  User value 1: the path given to open (a string); 2: for a lazy Db,
 * the opener function. */
typedef struct Db {
    sqlite3 *handle;  /* NULL once closed */
    Stmt *stmts;      /* the open statements made through this Db */
    lua_State *L;     /* the thread running SQL now: Lua SQL functions run on it */
    int depth;        /* sqlite3_step calls in progress (close is refused inside) */
    int lazy;         /* made by vigil.db.lazy: opened on first use (user value 2: the opener) */
} Db;

/* A prepared statement.  User value 1: its Db userdata; 2: the column-name array. */
struct Stmt {
    sqlite3_stmt *handle; /* NULL once finalized */
    Db *db;
    Stmt *prev, *next;    /* in db->stmts while handle != NULL */
    int ncols;            /* length of the cached name array; -1 before it exists */
    int stepping;         /* inside sqlite3_step (callbacks may run) */
    int exhausted;        /* finalized by an iterator that reached the end */
};

/* ldb.c */
Db *db_check_open(lua_State *L, int idx);
void db_release(lua_State *L, Db *db);
int db_raise(lua_State *L, const char *msg, const char *sql);
void db_push_excerpt(lua_State *L, const char *sql);

/* ldb_interrupt.c: the open connections db_interrupt_all reaches */
int db_track(sqlite3 *handle);
void db_untrack(sqlite3 *handle);

/* ldb_stmt.c */
Stmt *stmt_push(lua_State *L, int dbidx);
void stmt_prepare(lua_State *L, Stmt *s, const char *sql, size_t len, const char **tail);
Stmt *stmt_push_prepared(lua_State *L, int dbidx, int sqlidx);
Stmt *stmt_check(lua_State *L, int idx);
void stmt_finalize(Stmt *s);
int stmt_step(lua_State *L, Stmt *s);
void stmt_push_names(lua_State *L, Stmt *s, int idx);
void stmt_push_row(lua_State *L, Stmt *s, int names);
int stmt_push_values(lua_State *L, Stmt *s);
void db_push_value(lua_State *L, sqlite3_value *v, int type);
void stmt_createmeta(lua_State *L);

/* ldb_bind.c */
void bind_args(lua_State *L, Stmt *s, int first, int last);
void db_push_null(lua_State *L);
int db_is_null(lua_State *L, int idx);

/* ldb_query.c: Db methods that run statements */
int db_query(lua_State *L);
int db_values(lua_State *L);
int db_rows(lua_State *L);
int db_first(lua_State *L);
int db_scalar(lua_State *L);
int db_exec(lua_State *L);
int db_prepare(lua_State *L);

/* ldb_aggregate.c */
int db_aggregate(lua_State *L);

/* ldb_func.c */
int db_create_function(lua_State *L);

#endif
