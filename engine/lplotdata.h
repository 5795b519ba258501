/* The numeric fast paths of vigil.gnuplot (engine/lplotdata.c), registered in the
 * function table of engine/lgnuplot.c. */
#ifndef VIGIL_LPLOTDATA_H
#define VIGIL_LPLOTDATA_H

#include "lua.h"

int plotdata_scan(lua_State *L);
int plotdata_datablock(lua_State *L);
int plotdata_reduce_xy(lua_State *L);

#endif
