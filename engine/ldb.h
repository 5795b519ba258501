/* vigil.db, the SQLite binding, as seen by other C bindings.
 * The module itself is opened by luaopen_vigil_db (declared in modules.h). */
#ifndef VIGIL_LDB_H
#define VIGIL_LDB_H

#include <sqlite3.h>

#include "lua.h"

/* Returns the connection of the open vigil.db Db at stack index idx; raises a Lua
 * error when the value is not a Db ("bad argument") or the Db is closed.  The handle
 * is borrowed: the Db keeps owning it, and db:close() finalizes every statement
 * left on it, so a caller must finalize its own statements before returning to Lua. */
sqlite3 *db_check_handle(lua_State *L, int idx);

/* Makes the statement running on every open vigil.db connection fail with
 * "interrupted" (sqlite3_interrupt).  Safe to call from a SIGINT handler: the host's
 * and the REPL's call it on Ctrl-C (engine/ldb_interrupt.c). */
void db_interrupt_all(void);

#endif
