/* The C modules compiled into vigil; only host.c preloads them. */
#ifndef VIGIL_MODULES_H
#define VIGIL_MODULES_H

#include "lua.h"

int luaopen_vigil_db(lua_State *L);    /* engine/ldb.c: require "vigil.db" */
int luaopen_vigil_core(lua_State *L);  /* engine/lcore.c: require "vigil.core" */
int luaopen_vigil_gnuplot(lua_State *L); /* engine/lgnuplot.c: require "vigil.gnuplot" */
int luaopen_vigil_csv(lua_State *L);    /* engine/lcsv.c: require "vigil.csv" */
int luaopen_vigil_limits(lua_State *L);  /* engine/llimits.c: require "vigil.limits" */

#endif
