/* Internals shared by the files of the REPL (engine/repl*.c) only. */
#ifndef VIGIL_REPL_INT_H
#define VIGIL_REPL_INT_H

#include "lua.h"

/* repl_plain.c: the loop of `lua -i` on input that is not a terminal: prompts written
 * to stdout, lines read with fgets, values printed with the global print. */
void repl_plain(lua_State *L);

/* repl_native.c: pushes the table of C functions given to vigil.repl's start():
 * format, width, columns, now, sql_complete. */
void repl_push_native(lua_State *L);

/* repl_signal.c: from begin to end of a terminal session, Ctrl-C between inputs is
 * ignored (the line editor and repl_pcall install their own handlers meanwhile). */
void repl_signals_begin(void);
void repl_signals_end(void);

/* repl_signal.c: lua_pcall (no message handler) during which Ctrl-C stops Lua code
 * and the running SQL (db_interrupt_all); returns the status. */
int repl_pcall(lua_State *L, int narg, int nres);

#endif
