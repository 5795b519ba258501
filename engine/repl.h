/* The interactive loop (lua -i behaviour): read a line, run it, print the results. */
#ifndef VIGIL_REPL_H
#define VIGIL_REPL_H

#include "lua.h"

/* Reads chunks from stdin until end of file, running each and printing its values;
 * errors are printed and the loop goes on. */
void repl_run(lua_State *L);

#endif
