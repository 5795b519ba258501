/* The REPL: on a terminal, line editing, history, completion, SQL after a prefix,
 * dot-commands and readable values; otherwise the plain `lua -i` loop. */
#ifndef VIGIL_REPL_H
#define VIGIL_REPL_H

#include "lua.h"

/* Reads inputs from stdin until end of file (or .quit), running each and printing its
 * values; errors are printed and the loop goes on.  Uses libedit only when stdin is
 * a terminal; otherwise behaves exactly as lua5.4 -i. */
void repl_run(lua_State *L);

#endif
