/* vigil.csv: the Lua module over csvread (reading) and csvwrite (writing).
 *
 *   for row in csv.rows(path, opts) do ... end      streaming; closed even after break
 *   local rows = csv.read(path, opts)               the whole file into an array
 *   local w <close> = csv.writer(path, opts); w:write(row); w:close()
 *   csv.write(path, rows, opts)
 *   csv.export(db, sql, path, params, opts)         a query's rows to a CSV file
 *
 * A Reader or Writer is a userdata created closed and opened in place, with one
 * idempotent close serving close(), __close and __gc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "csvexport.h"
#include "csvread.h"
#include "csvwrite.h"
#include "ldb.h"
#include "modules.h"

#define READER_META "vigil.csv.Reader"
#define WRITER_META "vigil.csv.Writer"
#define CHUNK_SIZE  65536

/* A streaming reader.  Its uservalue 1 holds the queue of parsed rows, 2 the header's
 * names (when there is a header). */
typedef struct Reader {
    FILE *f;                /* NULL once closed */
    int own;                /* f is ours to fclose (not stdin) */
    struct csvread *rd;
    unsigned char *chunk;
    lua_State *L;           /* valid while feeding */
    int queue;              /* stack index of the queue while feeding */
    lua_Integer head, tail; /* queue[head..tail-1] are waiting */
    int header;             /* the first record names the fields */
    int names;              /* the header was read */
    int nnames;
    int eof;
    int busy;               /* inside csvread_feed: an error there broke the reader */
} Reader;

/* A writer. */
typedef struct Writer {
    FILE *f;                /* NULL once closed */
    int own;
    struct csvwrite w;
    int ncols;              /* opts.columns given: their count (uservalue 1), else 0 */
} Writer;

/* Reads the delimiter option of the table at idx (',' when absent). */
static int opt_delim(lua_State *L, int idx)
{
    int d = ',';
    if (lua_getfield(L, idx, "delimiter") != LUA_TNIL) {
        size_t len;
        const char *s = luaL_checklstring(L, -1, &len);
        if (strcmp(s, "tab") == 0 || strcmp(s, "\t") == 0)
            d = '\t';
        else if (len == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
            d = (unsigned char)s[0];
        else
            luaL_error(L, "csv: bad delimiter '%s' (one byte, or \"tab\")", s);
    }
    lua_pop(L, 1);
    return d;
}

/* Reads the integer option name of the table at idx (def when absent). */
static lua_Integer opt_int(lua_State *L, int idx, const char *name, lua_Integer def)
{
    lua_Integer v = def;
    if (lua_getfield(L, idx, name) != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0)
            luaL_error(L, "csv: option '%s' must be a positive integer", name);
        v = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

/* Reads the boolean option name of the table at idx (def when absent). */
static int opt_bool(lua_State *L, int idx, const char *name, int def)
{
    int v = def;
    if (lua_getfield(L, idx, name) != LUA_TNIL)
        v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Closes the reader's file and frees its parser; idempotent. */
static void reader_release(Reader *r)
{
    if (r->f && r->own)
        fclose(r->f);
    r->f = NULL;
    csvread_free(r->rd);
    r->rd = NULL;
    free(r->chunk);
    r->chunk = NULL;
}

/* reader:close() -> true; also __close and __gc. */
static int reader_close(lua_State *L)
{
    reader_release(luaL_checkudata(L, 1, READER_META));
    lua_pushboolean(L, 1);
    return 1;
}

/* csvread's record callback: pushes the record as a row into the queue (the header
 * becomes the names).  Runs inside csvread_feed, on the Lua stack of the caller. */
static int reader_record(void *ud, const struct csvread_record *rec)
{
    Reader *r = ud;
    lua_State *L = r->L;
    int i;
    if (r->header && !r->names) {
        lua_createtable(L, rec->n, 0);
        for (i = 0; i < rec->n; i++) {
            lua_pushlstring(L, rec->vals[i] ? rec->vals[i] : "", rec->vals[i] ? rec->lens[i] : 0);
            lua_rawseti(L, -2, i + 1);
        }
        lua_setiuservalue(L, r->queue - 1, 2);   /* the Reader is just below the queue */
        r->names = 1;
        r->nnames = rec->n;
        return 0;
    }
    if (r->header && rec->n != r->nnames) {
        lua_getiuservalue(L, r->queue - 1, 3);
        lua_pushfstring(L, "%s:%d: record has %d field%s, the header has %d",
                        lua_tostring(L, -1), (int)rec->line, rec->n, rec->n == 1 ? "" : "s",
                        r->nnames);
        csvread_fail(r->rd, lua_tostring(L, -1));
        lua_pop(L, 2);
        return 1;
    }
    lua_createtable(L, r->header ? 0 : rec->n, r->header ? rec->n : 0);
    if (r->header)
        lua_getiuservalue(L, r->queue - 1, 2);
    for (i = 0; i < rec->n; i++) {
        if (r->header)
            lua_rawgeti(L, -1, i + 1);
        lua_pushlstring(L, rec->vals[i] ? rec->vals[i] : "", rec->vals[i] ? rec->lens[i] : 0);
        if (r->header)
            lua_rawset(L, -4);
        else
            lua_rawseti(L, -2, i + 1);
    }
    if (r->header)
        lua_pop(L, 1);
    lua_rawseti(L, r->queue, r->tail++);
    return 0;
}

/* Raises the reader's failure ("FILE:LINE: ..."), closing it. */
static int reader_error(lua_State *L, Reader *r)
{
    lua_pushstring(L, csvread_errmsg(r->rd));
    reader_release(r);
    return lua_error(L);
}

/* Pushes the next row of the Reader at index 1, or nil at the end (closing it).
 * Raises on broken input.  Upvalue-free helper of the iterator and csv.read. */
static int reader_step(lua_State *L, Reader *r, int ridx)
{
    if (r->busy)
        return luaL_error(L, "csv: the reader failed while parsing and cannot go on");
    for (;;) {
        size_t n;
        if (r->head < r->tail) {
            lua_getiuservalue(L, ridx, 1);
            lua_rawgeti(L, -1, r->head);
            lua_pushnil(L);
            lua_rawseti(L, -3, r->head++);
            lua_remove(L, -2);
            return 1;
        }
        r->head = r->tail = 1;
        if (r->rd && csvread_errmsg(r->rd)[0])
            return reader_error(L, r);   /* after the rows parsed before the error */
        if (r->eof || !r->f) {
            reader_release(r);
            lua_pushnil(L);
            return 1;
        }
        n = fread(r->chunk, 1, CHUNK_SIZE, r->f);
        lua_pushvalue(L, ridx);
        lua_getiuservalue(L, ridx, 1);
        r->L = L;
        r->queue = lua_gettop(L);
        r->busy = 1;
        if (n > 0) {
            csvread_feed(r->rd, r->chunk, n);
        } else {
            if (ferror(r->f))
                csvread_fail(r->rd, strerror(errno));
            csvread_finish(r->rd);
            r->eof = 1;
        }
        r->busy = 0;
        lua_pop(L, 2);
    }
}

/* The iterator of csv.rows: upvalue 1 is the Reader. */
static int rows_next(lua_State *L)
{
    Reader *r = lua_touserdata(L, lua_upvalueindex(1));
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    return reader_step(L, r, 1);
}

/* Opens a Reader on path with the options at opts (0 = none); pushes it.  Returns NULL
 * with a message pushed instead when the file cannot be opened. */
static Reader *reader_open(lua_State *L, const char *path, int opts)
{
    struct csvread_options ro;
    Reader *r = lua_newuserdatauv(L, sizeof *r, 3);
    memset(r, 0, sizeof *r);
    luaL_setmetatable(L, READER_META);
    memset(&ro, 0, sizeof ro);
    r->header = 1;
    if (opts) {
        ro.delim = opt_delim(L, opts);
        ro.max_field = (size_t)opt_int(L, opts, "max_field", (lua_Integer)CSVREAD_MAX_FIELD_DEFAULT);
        ro.max_columns = (int)opt_int(L, opts, "max_columns", CSVREAD_MAX_COLUMNS_DEFAULT);
        r->header = opt_bool(L, opts, "header", 1);
    }
    ro.header = r->header;
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    lua_pushstring(L, strcmp(path, "-") == 0 ? "stdin" : path);
    lua_setiuservalue(L, -2, 3);
    r->head = r->tail = 1;
    r->chunk = malloc(CHUNK_SIZE);
    r->rd = csvread_new(strcmp(path, "-") == 0 ? "stdin" : path, &ro, reader_record, r);
    if (!r->chunk || !r->rd) {
        reader_release(r);
        luaL_error(L, "csv: not enough memory");
    }
    if (strcmp(path, "-") == 0) {
        r->f = stdin;
    } else {
        r->f = fopen(path, "rb");
        r->own = 1;
        if (!r->f) {
            int e = errno;
            reader_release(r);
            lua_pop(L, 1);
            lua_pushfstring(L, "%s: %s", path, strerror(e));
            return NULL;
        }
    }
    return r;
}

/* csv.rows(path, opts) -> iterator, nil, nil, reader: each row is a table of strings,
 * keyed by the header's names (opts.header ~= false) or by position.  The reader is
 * closed at the end, on break (to-be-closed) or by the garbage collector.  Raises when
 * the file cannot be opened or is broken ("FILE:LINE: ..."). */
static int csv_rows(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int opts = lua_istable(L, 2) ? 2 : 0;
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    if (!reader_open(L, path, opts))
        return lua_error(L);
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, rows_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_rotate(L, -4, -1);   /* iterator, nil, nil, reader */
    return 4;
}

/* The body of csv.read under lua_pcall: argument 1 the Reader; returns the array. */
static int read_all(lua_State *L)
{
    Reader *r = lua_touserdata(L, 1);
    lua_Integer n = 0;
    lua_newtable(L);
    for (;;) {
        reader_step(L, r, 1);
        if (lua_isnil(L, -1))
            break;
        lua_rawseti(L, 2, ++n);
    }
    lua_pop(L, 1);
    return 1;
}

/* csv.read(path, opts) -> array of rows (as csv.rows gives them) | nil, msg when the
 * file cannot be opened or is broken ("FILE:LINE: ..."). */
static int csv_read(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int opts = lua_istable(L, 2) ? 2 : 0;
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    if (!reader_open(L, path, opts)) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushcfunction(L, read_all);
    lua_insert(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    return 1;
}

/* Closes the writer's file; returns 0 or the errno of a failed write or close. */
static int writer_release(Writer *w)
{
    int e = 0;
    if (!w->f)
        return 0;
    if (csvwrite_status(&w->w) != 0)
        e = errno ? errno : EIO;
    if (w->own) {
        if (fclose(w->f) != 0 && !e)
            e = errno;
    } else if (fflush(w->f) != 0 && !e) {
        e = errno;
    }
    w->f = NULL;
    return e;
}

/* writer:close() -> true | nil, msg (a failed write); idempotent; also __close. */
static int writer_close(lua_State *L)
{
    Writer *w = luaL_checkudata(L, 1, WRITER_META);
    int e = writer_release(w);
    if (e) {
        errno = e;
        return luaL_fileresult(L, 0, NULL);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* __gc of a Writer: closes it, ignoring errors. */
static int writer_gc(lua_State *L)
{
    writer_release(luaL_checkudata(L, 1, WRITER_META));
    return 0;
}

/* Writes the value at idx as one field; raises for a table or function. */
static void write_value(lua_State *L, Writer *w, int idx)
{
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        csvwrite_text(&w->w, NULL, 0);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            csvwrite_integer(&w->w, (long long)lua_tointeger(L, idx));
        else
            csvwrite_real(&w->w, (double)lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN:
        csvwrite_text(&w->w, lua_toboolean(L, idx) ? "true" : "false",
                      lua_toboolean(L, idx) ? 4 : 5);
        break;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        csvwrite_text(&w->w, s, len);
        break;
    default:
        luaL_error(L, "csv: cannot write a %s value", luaL_typename(L, idx));
    }
}

/* writer:write(row) -> writer: one record.  With opts.columns, row[name] for each
 * column (falling back to row[i]); else row[1..#row] (row.n when given, for nils).
 * Raises for a closed writer or a value that is not nil, a number, boolean or string. */
static int writer_write(lua_State *L)
{
    Writer *w = luaL_checkudata(L, 1, WRITER_META);
    lua_Integer i, n;
    luaL_checktype(L, 2, LUA_TTABLE);
    if (!w->f)
        return luaL_error(L, "csv: attempt to use a closed writer");
    if (w->ncols) {
        lua_getiuservalue(L, 1, 1);
        for (i = 1; i <= w->ncols; i++) {
            lua_rawgeti(L, 3, i);
            if (lua_gettable(L, 2) == LUA_TNIL) {
                lua_pop(L, 1);
                lua_geti(L, 2, i);
            }
            write_value(L, w, lua_gettop(L));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    } else {
        n = lua_getfield(L, 2, "n") == LUA_TNUMBER ? lua_tointeger(L, -1) : luaL_len(L, 2);
        lua_pop(L, 1);
        for (i = 1; i <= n; i++) {
            lua_geti(L, 2, i);
            write_value(L, w, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    csvwrite_end(&w->w);
    lua_settop(L, 1);
    return 1;
}

/* csv.writer(path, opts) -> Writer | nil, msg.  path "-" is stdout.  opts: columns
 * (names: the header, and the fields taken from named rows), header (default true when
 * columns are given), delimiter, raw (true: no spreadsheet-safe neutralising). */
static int csv_writer(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int opts = lua_istable(L, 2) ? 2 : 0, delim = ',', raw = 0, header = 1;
    Writer *w;
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    w = lua_newuserdatauv(L, sizeof *w, 1);   /* index 3 */
    memset(w, 0, sizeof *w);
    luaL_setmetatable(L, WRITER_META);
    if (opts) {
        delim = opt_delim(L, opts);
        raw = opt_bool(L, opts, "raw", 0);
        header = opt_bool(L, opts, "header", 1);
        if (lua_getfield(L, opts, "columns") != LUA_TNIL) {
            lua_Integer i, n;
            luaL_checktype(L, -1, LUA_TTABLE);
            n = luaL_len(L, -1);
            for (i = 1; i <= n; i++)
                if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                    return luaL_error(L, "csv: columns[%d] is not a string", (int)i);
                else
                    lua_pop(L, 1);
            w->ncols = (int)n;
            lua_setiuservalue(L, 3, 1);
        } else {
            lua_pop(L, 1);
        }
    }
    if (strcmp(path, "-") == 0) {
        w->f = stdout;
    } else {
        w->f = fopen(path, "wb");
        w->own = 1;
        if (!w->f)
            return luaL_fileresult(L, 0, path);
    }
    csvwrite_init(&w->w, w->f, delim, raw ? CSVWRITE_RAW : 0);
    if (w->ncols && header) {
        lua_Integer i;
        lua_getiuservalue(L, 3, 1);
        for (i = 1; i <= w->ncols; i++) {
            size_t len;
            const char *s;
            lua_rawgeti(L, -1, i);
            s = lua_tolstring(L, -1, &len);
            csvwrite_text(&w->w, s, len);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        csvwrite_end(&w->w);
    }
    lua_settop(L, 3);
    return 1;
}

/* Replaces the options at index 3 by a copy with columns = rows.columns when the
 * options name no columns and the rows (index 2) carry their column order, as db:rows
 * results and trend's wide rows do. */
static void default_columns(lua_State *L)
{
    if (lua_istable(L, 3) && lua_getfield(L, 3, "columns") != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (lua_istable(L, 3))
        lua_pop(L, 1);
    if (lua_getfield(L, 2, "columns") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);
    if (lua_istable(L, 3)) {
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -4);
        }
    }
    lua_insert(L, -2);
    lua_setfield(L, -2, "columns");
    lua_replace(L, 3);
}

/* csv.write(path, rows, opts) -> true | nil, msg: csv.writer, each row written, closed.
 * Without opts.columns, the rows' own `columns` field (db:rows results carry one) gives
 * the header and the order.  Raises for a value that cannot be written (the file is
 * closed and left as is). */
static int csv_write(lua_State *L)
{
    lua_Integer i, n;
    luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 3);
    default_columns(L);
    lua_pushcfunction(L, csv_writer);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_call(L, 2, 2);                 /* 4: writer or nil, 5: msg */
    if (lua_isnil(L, 4))
        return 2;
    lua_pop(L, 1);
    n = luaL_len(L, 2);
    for (i = 1; i <= n; i++) {
        lua_pushcfunction(L, writer_write);
        lua_pushvalue(L, 4);
        lua_geti(L, 2, i);
        lua_call(L, 2, 0);
    }
    lua_pushcfunction(L, writer_close);
    lua_pushvalue(L, 4);
    lua_call(L, 1, 2);
    if (lua_toboolean(L, -2)) {
        lua_pop(L, 1);
        return 1;
    }
    return 2;
}

/* Binds the Lua value at idx to parameter i of st.  Returns 0, or -1 for a value that
 * cannot be bound. */
static int bind_value(lua_State *L, sqlite3_stmt *st, int i, int idx)
{
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : -1;
    case LUA_TBOOLEAN:
        return sqlite3_bind_int(st, i, lua_toboolean(L, idx)) == SQLITE_OK ? 0 : -1;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return sqlite3_bind_int64(st, i, lua_tointeger(L, idx)) == SQLITE_OK ? 0 : -1;
        return sqlite3_bind_double(st, i, lua_tonumber(L, idx)) == SQLITE_OK ? 0 : -1;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        return sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
    default:
        return -1;
    }
}

/* Binds the params table at idx (positional values and names without their : @ $)
 * to st.  Returns 0, or -1 with a message pushed. */
static int bind_params(lua_State *L, sqlite3_stmt *st, int idx)
{
    int i, n = sqlite3_bind_parameter_count(st);
    for (i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (name && name[0] != '?')
            lua_pushstring(L, name + 1);
        else
            lua_pushinteger(L, i);
        lua_rawget(L, idx);
        if (bind_value(L, st, i, lua_gettop(L)) != 0) {
            lua_pushfstring(L, "csv.export: parameter %d: cannot bind a %s", i,
                            luaL_typename(L, -1));
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* csv.export(db, sql, path, params, opts) -> rows written | nil, msg.  db is a vigil.db
 * Db or the global `db`; sql one read-only query whose parameters come from params
 * (an array, or names); path "-" is stdout.  opts: delimiter, raw, header.  The file
 * appears whole or not at all (written beside, then renamed).  Raises on SQL errors. */
static int csv_export(lua_State *L)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    struct csvexport_options eo;
    char err[1024], tmp[4096];
    const char *sql = luaL_checkstring(L, 2), *path = luaL_checkstring(L, 3);
    long long rows = 0;
    FILE *f;
    int rc;
    lua_settop(L, 5);
    if (!lua_isnil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    memset(&eo, 0, sizeof eo);
    if (!lua_isnil(L, 5)) {
        luaL_checktype(L, 5, LUA_TTABLE);
        eo.delim = opt_delim(L, 5);
        eo.raw = opt_bool(L, 5, "raw", 0);
        eo.no_header = !opt_bool(L, 5, "header", 1);
    }
    if (lua_type(L, 1) == LUA_TTABLE) {   /* the global `db` stand-in */
        lua_getglobal(L, "vigil");
        if (lua_getfield(L, -1, "default_db") != LUA_TFUNCTION)
            return luaL_argerror(L, 1, "vigil.db Db expected");
        lua_call(L, 0, 1);
        lua_replace(L, 1);
        lua_pop(L, 1);
    }
    db = db_check_handle(L, 1);
    {
        /* A guarded (sandboxed) connection must not reach the file system: db:export
         * is a method of every Db, the sandbox's `db` included. */
        int defensive = 0;
        if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive) != SQLITE_OK || defensive)
            return luaL_error(L, "csv.export: not allowed on a guarded (sandboxed) database");
    }
    st = csvexport_prepare(db, sql, err, sizeof err);
    if (!st)
        return luaL_error(L, "csv.export: %s", err);
    if (!lua_isnil(L, 4) && bind_params(L, st, 4) != 0) {
        sqlite3_finalize(st);
        return lua_error(L);
    }
    if (strcmp(path, "-") == 0) {
        rc = csvexport_stmt(st, stdout, &eo, &rows, err, sizeof err);
        if (rc == 0 && fflush(stdout) != 0)
            rc = -1, snprintf(err, sizeof err, "write failed: %s", strerror(errno));
    } else {
        int n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
        if (n < 0 || (size_t)n >= sizeof tmp) {
            sqlite3_finalize(st);
            luaL_pushfail(L);
            lua_pushfstring(L, "%s: path too long", path);
            return 2;
        }
        f = fopen(tmp, "wb");
        if (!f) {
            int e = errno;
            sqlite3_finalize(st);
            errno = e;
            return luaL_fileresult(L, 0, path);
        }
        rc = csvexport_stmt(st, f, &eo, &rows, err, sizeof err);
        if (fclose(f) != 0 && rc == 0)
            rc = -1, snprintf(err, sizeof err, "write failed: %s", strerror(errno));
        if (rc == 0 && rename(tmp, path) != 0)
            rc = -1, snprintf(err, sizeof err, "cannot rename into place: %s", strerror(errno));
        if (rc != 0)
            unlink(tmp);
    }
    sqlite3_finalize(st);
    if (rc != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", path, err);
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)rows);
    return 1;
}

static const luaL_Reg reader_meta[] = {
    {"__close", reader_close},
    {"__gc", reader_close},
    {NULL, NULL},
};

static const luaL_Reg reader_methods[] = {
    {"close", reader_close},
    {NULL, NULL},
};

static const luaL_Reg writer_meta[] = {
    {"__close", writer_close},
    {"__gc", writer_gc},
    {NULL, NULL},
};

static const luaL_Reg writer_methods[] = {
    {"write", writer_write},
    {"close", writer_close},
    {NULL, NULL},
};

static const luaL_Reg csv_funcs[] = {
    {"rows", csv_rows},
    {"read", csv_read},
    {"writer", csv_writer},
    {"write", csv_write},
    {"export", csv_export},
    {NULL, NULL},
};

/* Creates the metatable tname with metamethods meta and methods meth as __index. */
static void create_meta(lua_State *L, const char *tname, const luaL_Reg *meta,
                        const luaL_Reg *meth)
{
    luaL_newmetatable(L, tname);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, meth, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/* require "vigil.csv" -> the module table. */
int luaopen_vigil_csv(lua_State *L)
{
    create_meta(L, READER_META, reader_meta, reader_methods);
    create_meta(L, WRITER_META, writer_meta, writer_methods);
    luaL_newlib(L, csv_funcs);
    return 1;
}
