/* The numeric fast paths of vigil.gnuplot (engine/lplotdata.c): four functions of the
 * function table of engine/lgnuplot.c, and plotdata_register, which adds the Column
 * type, vigil.gnuplot.column and vigil.gnuplot.inline_data to the module table on top
 * of the stack. */
#ifndef VIGIL_LPLOTDATA_H
#define VIGIL_LPLOTDATA_H

#include "lua.h"

int plotdata_scan(lua_State *L);
int plotdata_datablock(lua_State *L);
int plotdata_reduce_xy(lua_State *L);
int plotdata_reduce_line(lua_State *L);
void plotdata_register(lua_State *L);

/* Where plotdata_write_part sends its text, piece by piece. */
typedef void (*plotdata_put)(void *ctx, const char *p, size_t n);

/* Writes the datablock part at idx, {block = "$name", x = Column, y = Column [, plan =
 * {lo =, hi =, columns =}]}, as vigil.gnuplot.datablock(block, x, y, plan) returns it
 * (no newline after the terminator), through put; returns how many lines that is.
 * A stream part, {x = array, y = array, stream = true}, is written as
 * vigil.gnuplot.inline_data(x, y) returns it (inline data for a plot command's '-',
 * ended by the line "e"), read from the arrays while it is written; when they break
 * what it assumes (numbers alone, x in order, some y finite), 0 is returned, the lines
 * put so far being then inline data cut short.  Raises on a
 * malformed part (before anything is written). */
size_t plotdata_write_part(lua_State *L, int idx, plotdata_put put, void *ctx);

#endif
