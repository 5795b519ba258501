/* vigil.report.core: what the report runner needs beyond Lua's io and os — SHA-256,
 * directories, an exclusive lock file and the process id.  Trusted code only. */
#include "lreport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lauxlib.h"
#include "sha256.h"

#define LOCK_META "vigil.report.Lock"
#define DIR_META "vigil.report.Dir"

/* A lock file held with flock; fd is -1 once released. */
struct lock {
    int fd;
};

/* core.sha256(s) -> hex: the SHA-256 of the string s as 64 hex digits. */
static int core_sha256(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char hex[SHA256_HEX_SIZE];
    sha256_hex(s, n, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* core.sha256_file(path) -> hex | fail, msg: the SHA-256 of a file's bytes. */
static int core_sha256_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return luaL_fileresult(L, 0, path);
    struct sha256 s;
    unsigned char buf[8192], digest[SHA256_DIGEST_SIZE];
    size_t n;
    sha256_init(&s);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&s, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        errno = EIO;
        return luaL_fileresult(L, 0, path);
    }
    sha256_final(&s, digest);
    char hex[SHA256_HEX_SIZE];
    sha256_to_hex(digest, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* core.mkdir(path) -> true | fail, msg: makes one directory (mode 0755); an existing
 * directory is success. */
static int core_mkdir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct stat st;
    if (mkdir(path, 0755) == 0 || (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        lua_pushboolean(L, 1);
        return 1;
    }
    return luaL_fileresult(L, 0, path);
}

/* core.is_dir(path) -> boolean: path is a directory itself (a symbolic link is not). */
static int core_is_dir(lua_State *L)
{
    struct stat st;
    lua_pushboolean(L, lstat(luaL_checkstring(L, 1), &st) == 0 && S_ISDIR(st.st_mode));
    return 1;
}

/* __gc of a directory box: closes the DIR when a raise left it open. */
static int dir_gc(lua_State *L)
{
    DIR **box = luaL_checkudata(L, 1, DIR_META);
    if (*box) {
        closedir(*box);
        *box = NULL;
    }
    return 0;
}

/* core.list_dir(path) -> {name, ...} sorted, without "." and "..", | fail, msg.  The
 * DIR lives in a box with __gc, so a memory error while listing cannot leak it. */
static int core_list_dir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    DIR **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, DIR_META);
    *box = opendir(path);
    if (*box == NULL)
        return luaL_fileresult(L, 0, path);
    lua_newtable(L);
    lua_Integer n = 0;
    struct dirent *entry;
    while ((entry = readdir(*box)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        lua_pushstring(L, entry->d_name);
        lua_rawseti(L, -2, ++n);
    }
    closedir(*box);
    *box = NULL;
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    return 1;
}

/* Releases the lock (idempotent): closing the descriptor drops the flock. */
static void lock_release(struct lock *lk)
{
    if (lk->fd >= 0) {
        close(lk->fd);
        lk->fd = -1;
    }
}

/* core.lock(path) -> Lock | fail, msg, "busy"?: opens (creating) path and takes an
 * exclusive flock without waiting.  When another process holds it: nil, msg, "busy". */
static int core_lock(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct lock *lk = lua_newuserdatauv(L, sizeof *lk, 0);
    lk->fd = -1;
    luaL_setmetatable(L, LOCK_META);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return luaL_fileresult(L, 0, path);
    lk->fd = fd;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        int saved = errno;
        lock_release(lk);
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", path, busy ? "held by another run" : strerror(saved));
        lua_pushstring(L, busy ? "busy" : "error");
        return 3;
    }
    return 1;
}

/* lock:release() -> true (also __gc and __close) */
static int lock_close(lua_State *L)
{
    lock_release(luaL_checkudata(L, 1, LOCK_META));
    lua_pushboolean(L, 1);
    return 1;
}

/* core.pid() -> integer: this process's id. */
static int core_pid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)getpid());
    return 1;
}

/* Opens the module: its functions and the Lock metatable. */
int luaopen_vigil_report_core(lua_State *L)
{
    static const luaL_Reg lock_methods[] = {{"release", lock_close}, {NULL, NULL}};
    static const luaL_Reg lock_meta[] = {
        {"__gc", lock_close}, {"__close", lock_close}, {"__index", NULL}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"sha256", core_sha256}, {"sha256_file", core_sha256_file}, {"mkdir", core_mkdir},
        {"is_dir", core_is_dir}, {"list_dir", core_list_dir},       {"lock", core_lock},
        {"pid", core_pid},       {NULL, NULL}};
    if (luaL_newmetatable(L, LOCK_META)) {
        luaL_setfuncs(L, lock_meta, 0);
        luaL_newlib(L, lock_methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, DIR_META)) {
        lua_pushcfunction(L, dir_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}

/* Registers the module in package.preload. */
void report_core_preload(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_vigil_report_core);
    lua_setfield(L, -2, "vigil.report.core");
    lua_pop(L, 1);
}

/* Preloads vigil.report.core and pushes require(module).run. */
void report_push_run(lua_State *L, const char *module)
{
    report_core_preload(L);
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "run");
    lua_remove(L, -2);
}
