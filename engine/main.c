/* vigil's command line: a superset of the lua 5.4 interpreter (-e, -l, -i, -v, -E, -W,
 * -, --, LUA_INIT) plus --db and the subcommands (vigil init ...).
 * Exit status: 0 success, 1 a failure of the work, 2 a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "host.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "paths.h"
#include "repl.h"


/* What the lua-compatible part of the command line asked for. */
struct cli {
    int argc;
    char **argv;
    int script;          /* index of the script in argv, 0 when there is none */
    int has_e;           /* some -e */
    int has_i;           /* -i */
    int has_v;           /* -v (or -i) */
    int ignore_env;      /* -E */
    const char *db;      /* --db PATH */
    int sandbox;         /* --sandbox: run the script sandboxed */
    lua_Integer max_memory_mib;  /* --max-memory MiB (sandbox) */
    lua_Number max_seconds;      /* --max-seconds S (sandbox) */
};

/* Prints the usage of vigil on f. */
static void print_usage(FILE *f)
{
    fprintf(f,
        "usage: vigil [options] [script [args]]\n"
        "       vigil COMMAND [options]\n"
        "Options (those of lua 5.4, plus vigil's):\n"
        "  -e stat      execute string 'stat'\n"
        "  -i           enter interactive mode after executing 'script'\n"
        "  -l mod       require library 'mod' into global 'mod'\n"
        "  -l g=mod     require library 'mod' into global 'g'\n"
        "  -v           show version information\n"
        "  -E           ignore environment variables (LUA_INIT, LUA_PATH, LUA_CPATH)\n"
        "  -W           turn warnings on\n"
        "  --           stop handling options\n"
        "  -            stop handling options and execute stdin\n"
        "  --db PATH    the default database `db` (else $VIGIL_DB, else ./vigil.db)\n"
        "  --sandbox    run the script sandboxed: safe globals only, read-only database,\n"
        "               memory and time limits (no -e, -l, -i; LUA_INIT is not run)\n"
        "  --max-memory MiB, --max-seconds S   the sandbox's limits (512 MiB, 300 s)\n"
        "  --help       show this help\n"
        "  --version    show the versions of vigil, Lua and SQLite\n"
        "Commands (vigil COMMAND --help for each):\n"
        "  init [--db PATH] [--datasets DIR] [--force] [--quiet]\n"
        "               build the database from the shipped datasets (schema + CSV)\n"
        "  import TABLE FILE.csv [options]   validated, all-or-nothing CSV import\n"
        "  export SQL FILE.csv|- [options]   a query to CSV (spreadsheet-safe)\n"
        "  report NAME|FILE [--period P] [--out DIR] [--lang vi|en] [options]\n"
        "               a self-contained HTML report (sandboxed; for people and cron)\n"
        "  list         the scripts and reports, with their descriptions and arguments\n"
        "  help NAME    the usage of a script or report, from its metadata\n"
        "With no script, vigil reads Lua from stdin, or starts a REPL on a terminal.\n"
        "Reference: docs/reference.md\n");
}

/* Prints a usage error ("vigil: msg") and the usage on stderr; returns EXIT_USAGE. */
static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", host_progname);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    print_usage(stderr);
    return EXIT_USAGE;
}

/* Returns 1 when an -l option comes before the script. */
static int has_library(const struct cli *cli)
{
    for (int i = 1; i < cli->script; i++)
        if (strncmp(cli->argv[i], "-l", 2) == 0)
            return 1;
    return 0;
}

/* Parses the lua-style options into cli.  Returns -1 to go on, or an exit status
 * (usage error, --help, --version). */
static int collect_args(struct cli *cli)
{
    char **argv = cli->argv;
    int i;
    for (i = 1; i < cli->argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-')
            break;                       /* the script */
        if (strcmp(a, "-") == 0)
            break;                       /* stdin as the script */
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0) {
            print_usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("vigil %s (%s, SQLite %s)\n", VIGIL_VERSION, LUA_RELEASE, sqlite3_libversion());
            return EXIT_OK;
        }
        if (strcmp(a, "--sandbox") == 0) {
            cli->sandbox = 1;
            continue;
        }
        if (strcmp(a, "--max-memory") == 0 || strcmp(a, "--max-seconds") == 0) {
            char *end;
            if (i + 1 >= cli->argc)
                return usage_error("'%s' needs argument", a);
            double value = strtod(argv[++i], &end);
            if (*end != '\0' || end == argv[i] || !(value > 0) || value > 1e7 ||
                (a[6] == 'm' && value < 1))
                return usage_error("'%s' needs a positive number (at least 1 MiB of memory)", a);
            if (a[6] == 'm')
                cli->max_memory_mib = (lua_Integer)value;
            else
                cli->max_seconds = value;
            continue;
        }
        if (strcmp(a, "--db") == 0 || strncmp(a, "--db=", 5) == 0) {
            if (a[4] == '=')
                cli->db = a + 5;
            else if (i + 1 < cli->argc)
                cli->db = argv[++i];
            else
                return usage_error("'%s' needs argument", a);
            continue;
        }
        switch (a[1]) {
        case 'E':
        case 'W':
        case 'i':
        case 'v':
            if (a[2] != '\0')
                return usage_error("unrecognized option '%s'", a);
            if (a[1] == 'E')
                cli->ignore_env = 1;
            else if (a[1] == 'i')
                cli->has_i = cli->has_v = 1;
            else if (a[1] == 'v')
                cli->has_v = 1;
            break;
        case 'e':
        case 'l':
            if (a[1] == 'e')
                cli->has_e = 1;
            if (a[2] == '\0') {
                i++;
                if (i >= cli->argc || argv[i][0] == '-')
                    return usage_error("'%s' needs argument", a);
            }
            break;
        default:
            return usage_error("unrecognized option '%s'", a);
        }
    }
    cli->script = i < cli->argc ? i : 0;
    if (cli->sandbox && (cli->has_e || cli->has_i || cli->script == 0 || has_library(cli)))
        return usage_error("%s", "--sandbox runs one script: give it, without -e, -l or -i");
    return -1;
}

/* Creates the global `arg`: the script at 0, its arguments at 1.., the interpreter and
 * its options at negative indices (at 0 and up when there is no script). */
static void create_arg_table(lua_State *L, const struct cli *cli)
{
    int script = cli->script;
    lua_createtable(L, cli->argc - script - 1 > 0 ? cli->argc - script - 1 : 0, script + 1);
    for (int i = 0; i < cli->argc; i++) {
        lua_pushstring(L, cli->argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

/* Runs LUA_INIT_5_4 or LUA_INIT: "@file" runs a file, anything else is a chunk. */
static int run_lua_init(lua_State *L)
{
    const char *name = "=LUA_INIT_5_4";
    const char *init = getenv(name + 1);
    if (init == NULL) {
        name = "=LUA_INIT";
        init = getenv(name + 1);
    }
    if (init == NULL)
        return LUA_OK;
    if (init[0] == '@') {
        int status = luaL_loadfile(L, init + 1);
        if (status == LUA_OK)
            status = host_docall(L, 0, 0);
        return host_report(L, status);
    }
    return host_dostring(L, init, name);
}

/* Runs -e, -l and -W in their order on the command line. */
static int run_options(lua_State *L, const struct cli *cli)
{
    int last = cli->script ? cli->script : cli->argc;
    for (int i = 1; i < last; i++) {
        const char *a = cli->argv[i];
        if (strcmp(a, "--db") == 0 || strcmp(a, "--max-memory") == 0 || strcmp(a, "--max-seconds") == 0) {
            i++;
            continue;
        }
        if (a[0] != '-' || (a[1] != 'e' && a[1] != 'l' && a[1] != 'W'))
            continue;
        if (a[1] == 'W') {
            lua_warning(L, "@on", 0);
            continue;
        }
        const char *extra = a[2] ? a + 2 : cli->argv[++i];
        int status;
        if (a[1] == 'e') {
            status = host_dostring(L, extra, "=(command line)");
        } else {
            /* -l mod, -l g=mod; as lua 5.4, "mod-suffix" goes into global "mod" */
            char *spec = strdup(extra);
            if (spec == NULL)
                return luaL_error(L, "not enough memory");
            char *mod = strchr(spec, '=');
            char *glob = spec;
            if (mod) {
                *mod++ = '\0';
            } else {
                mod = spec;
                glob = strdup(spec);
                char *suffix = glob ? strchr(glob, '-') : NULL;
                if (suffix)
                    *suffix = '\0';
            }
            status = glob ? host_dolibrary(L, glob, mod) : LUA_ERRMEM;
            if (glob != spec)
                free(glob);
            free(spec);
        }
        if (status != LUA_OK)
            return status;
    }
    return LUA_OK;
}

/* Runs the script (a file, or stdin for "-") with its arguments as varargs. */
static int run_script(lua_State *L, const struct cli *cli)
{
    const char *fname = cli->argv[cli->script];
    if (strcmp(fname, "-") == 0 && strcmp(cli->argv[cli->script - 1], "--") != 0)
        fname = NULL;
    int status = luaL_loadfile(L, fname);
    if (status == LUA_OK) {
        int n = cli->argc - cli->script - 1;
        luaL_checkstack(L, n + 3, "too many arguments to script");
        for (int i = 1; i <= n; i++)
            lua_pushstring(L, cli->argv[cli->script + i]);
        status = host_docall(L, n, LUA_MULTRET);
    }
    return host_report(L, status);
}

/* Runs the script sandboxed through vigil.sandbox.run(path, args, limits). */
static int run_sandboxed(lua_State *L, const struct cli *cli)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "vigil.sandbox");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "run");
    lua_remove(L, -2);
    lua_pushstring(L, cli->argv[cli->script]);
    int n = cli->argc - cli->script - 1;
    lua_createtable(L, n, 1);
    for (int i = 1; i <= n; i++) {
        lua_pushstring(L, cli->argv[cli->script + i]);
        lua_rawseti(L, -2, i);
    }
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, (cli->max_memory_mib ? cli->max_memory_mib : 512) * 1024 * 1024);
    lua_setfield(L, -2, "memory");
    lua_pushnumber(L, cli->max_seconds > 0 ? cli->max_seconds : 300);
    lua_setfield(L, -2, "seconds");
    return host_report(L, host_docall(L, 3, 0));
}

/* The interpreter's work inside a protected call.  Argument 1: the cli as light
 * userdata.  Returns true when everything succeeded. */
static int interpreter_main(lua_State *L)
{
    const struct cli *cli = lua_touserdata(L, 1);
    lua_settop(L, 0);
    luaL_checkversion(L);
    if (cli->has_v) {
        fputs(LUA_COPYRIGHT "\n", stdout);
        fflush(stdout);
    }
    if (cli->sandbox) {
        lua_pushboolean(L, run_sandboxed(L, cli) == LUA_OK);
        return 1;
    }
    create_arg_table(L, cli);
    if (!cli->ignore_env && run_lua_init(L) != LUA_OK)
        return 0;
    if (run_options(L, cli) != LUA_OK)
        return 0;
    if (cli->script && run_script(L, cli) != LUA_OK)
        return 0;
    if (cli->has_i) {
        repl_run(L);
    } else if (cli->script == 0 && !cli->has_e && !cli->has_v) {
        if (isatty(STDIN_FILENO)) {
            fputs(LUA_COPYRIGHT "\n", stdout);
            printf("vigil %s — type Lua; the database is `db`\n", VIGIL_VERSION);
            repl_run(L);
        } else {
            int status = luaL_loadfile(L, NULL);
            if (status == LUA_OK)
                status = host_docall(L, 0, 0);
            if (host_report(L, status) != LUA_OK)
                return 0;
        }
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* Runs vigil as the lua interpreter. */
static int run_interpreter(int argc, char **argv)
{
    struct cli cli = {.argc = argc, .argv = argv};
    int rc = collect_args(&cli);
    if (rc >= 0)
        return rc;
    char share[4096];
    struct host_config config;
    host_default_config(&config, cli.db, cli.ignore_env, share, sizeof share);
    lua_State *L = host_open(&config);
    if (L == NULL)
        return EXIT_WORK;
    lua_pushcfunction(L, interpreter_main);
    lua_pushlightuserdata(L, &cli);
    int status = lua_pcall(L, 1, 1, 0);
    int ok = status == LUA_OK && lua_toboolean(L, -1);
    host_report(L, status);
    lua_close(L);
    return ok ? EXIT_OK : EXIT_WORK;
}

/* A subcommand: vigil NAME ... */
struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"init", command_init},
    {"report", command_report},
    {"list", command_list},
    {"help", command_help},
    {"import", command_import},
    {"export", command_export},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    /* vigil's SQLite is used from one thread; no mutexes or memory statistics. */
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (argc < 1 || argv[0] == NULL) {
        static char *fallback[] = {"vigil", NULL};
        argc = 1;
        argv = fallback;
    }
    int rc;
    const struct command *cmd = NULL;
    if (argc > 1)
        for (const struct command *c = commands; c->name; c++)
            if (strcmp(argv[1], c->name) == 0)
                cmd = c;
    rc = cmd ? cmd->run(argc, argv) : run_interpreter(argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        host_message("error writing to stdout");
        rc = rc ? rc : EXIT_WORK;
    }
    return rc;
}
