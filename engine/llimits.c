/* The Lua module vigil.limits: the memory cap, time limit and watchdog of a sandboxed
 * run (engine/limits.c does the work; engine/lua/vigil/sandbox.lua uses it). */
#include <math.h>
#include <stdio.h>

#include "lauxlib.h"
#include "limits.h"
#include "lua.h"
#include "modules.h"

/* The accounting of the one limited state of this process (it must outlive the
 * state, whose lua_close frees through limits_alloc). */
static struct mem_limit state_memory;

/* Count hook: once the deadline has passed, raises at every call, so a pcall that
 * swallows the error is interrupted again a few instructions later. */
static void deadline_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (limits_deadline_passed()) {
        char message[64];
        snprintf(message, sizeof message, "stopped: time limit of %g s exceeded", limits_deadline_seconds());
        luaL_error(L, "%s", message);
    }
}

/* limits.set{memory = bytes, seconds = n} -> true
 * Caps the memory of this state (its allocator counts every byte from now on, starting
 * from what is in use), raises "stopped: time limit of N s exceeded" at every
 * instruction-count hook once n seconds have passed (SQL statements of guarded
 * connections are interrupted too), and arms a watchdog outside the VM that ends the
 * process 2 s after the deadline with the same message.  Either may be omitted. */
static int limits_set(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer memory = (lua_getfield(L, 1, "memory"), luaL_optinteger(L, -1, 0));
    lua_Number seconds = (lua_getfield(L, 1, "seconds"), luaL_optnumber(L, -1, 0));
    luaL_argcheck(L, memory >= 0, 1, "memory must be a number of bytes >= 0");
    luaL_argcheck(L, seconds >= 0 && seconds < 1e7, 1, "seconds must be >= 0");
    if (memory > 0) {
        void *ud;
        if (lua_getallocf(L, &ud) != limits_alloc) {
            state_memory.used = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
            lua_setallocf(L, limits_alloc, &state_memory);
        }
        state_memory.cap = (size_t)memory;
        state_memory.tripped = 0;
    }
    if (seconds > 0) {
        limits_set_deadline(seconds);
        lua_sethook(L, deadline_hook, LUA_MASKCOUNT, 1000);
        char message[96];
        snprintf(message, sizeof message, "vigil: stopped: time limit of %g s exceeded (watchdog)", seconds);
        limits_arm_watchdog((unsigned)ceil(seconds) + 2, message);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* limits.memory_exceeded() -> boolean: whether an allocation was refused by the cap. */
static int limits_memory_exceeded(lua_State *L)
{
    lua_pushboolean(L, state_memory.tripped);
    return 1;
}

/* limits.deadline_passed() -> boolean, seconds: whether the time limit has passed,
 * and the limit (0 when none was set). */
static int limits_deadline(lua_State *L)
{
    lua_pushboolean(L, limits_deadline_passed());
    lua_pushnumber(L, limits_deadline_seconds());
    return 2;
}

/* limits.memory_in_use() -> bytes counted by the capped allocator (0 before a cap). */
static int limits_memory_in_use(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)state_memory.used);
    return 1;
}

/* require "vigil.limits" -> { set, memory_exceeded, memory_in_use, deadline_passed } */
int luaopen_vigil_limits(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"set", limits_set},
        {"memory_exceeded", limits_memory_exceeded},
        {"memory_in_use", limits_memory_in_use},
        {"deadline_passed", limits_deadline},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);
    return 1;
}
