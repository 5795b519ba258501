/* The C helpers of vigil report, a Lua module that `vigil report` and `vigil list`
 * preload as "vigil.report.core" (trusted code only; never given to report scripts). */
#ifndef VIGIL_LREPORT_H
#define VIGIL_LREPORT_H

#include "lua.h"

/* require "vigil.report.core" -> {sha256, sha256_file, mkdir, is_dir, list_dir, lock, pid} */
int luaopen_vigil_report_core(lua_State *L);

/* Puts luaopen_vigil_report_core into package.preload of L. */
void report_core_preload(lua_State *L);

/* Preloads vigil.report.core, then pushes require(module).run, the entry point of one of
 * the report commands' Lua modules (vigil.report.runner, .list, .help). */
void report_push_run(lua_State *L, const char *module);

#endif
