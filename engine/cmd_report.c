/* vigil report NAME|FILE [options] [--ARG=VALUE ...]: runs a report script in the
 * sandbox and writes its outputs atomically (engine/lua/vigil/report/runner.lua). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "host.h"
#include "lauxlib.h"
#include "lreport.h"
#include "lua.h"

/* The usage line of the command. */
static const char report_usage[] =
    "usage: vigil report NAME|FILE [--period P] [--today YYYY-MM-DD] [--out DIR]\n"
    "                    [--lang vi|en] [--format html,md,csv,png] [--min-cell N]\n"
    "                    [--db PATH] [--time-limit S] [--memory-limit MIB] [--ARG=VALUE ...]\n";

/* The options that take a value, as the runner's field names. */
static const char *const value_options[] = {"period", "today", "out", "lang", "format",
                                            "min-cell", "db", "time-limit",
                                            "memory-limit", NULL};

/* Returns the index in value_options of option a ("--name" or "--name=v"), else -1;
 * *value receives the text after '=' or NULL. */
static int find_option(const char *a, const char **value)
{
    *value = NULL;
    if (strncmp(a, "--", 2) != 0)
        return -1;
    for (int i = 0; value_options[i]; i++) {
        size_t n = strlen(value_options[i]);
        if (strncmp(a + 2, value_options[i], n) == 0 && (a[2 + n] == '\0' || a[2 + n] == '=')) {
            if (a[2 + n] == '=')
                *value = a + 3 + n;
            return i;
        }
    }
    return -1;
}

/* The command line of vigil report, handed to report_main. */
struct report_args {
    int argc;
    char **argv;
};

/* Builds the runner's argument table from argv inside a protected call, calls
 * require("vigil.report.runner").run(t), prints the output path on stdout when the
 * report was made, and returns the exit status.  Argument 1: the report_args as light
 * userdata. */
static int report_main(lua_State *L)
{
    const struct report_args *args = lua_touserdata(L, 1);
    char **argv = args->argv;
    int argc = args->argc;
    report_push_run(L, "vigil.report.runner");
    lua_createtable(L, 0, 12);
    lua_createtable(L, argc, 0);   /* the words not known here */
    int nargs = 0;
    for (int i = 2; i < argc; i++) {
        const char *value;
        int k = find_option(argv[i], &value);
        if (k >= 0) {
            if (value == NULL && i + 1 < argc)
                value = argv[++i];
            if (value == NULL)
                return luaL_error(L, "usage: option --%s needs a value", value_options[k]);
            lua_pushstring(L, value);
            lua_setfield(L, -3, value_options[k]);
        } else {
            lua_pushstring(L, argv[i]);   /* NAME|FILE, then the script's own --ARG=VALUE */
            lua_rawseti(L, -2, ++nargs);
        }
    }
    lua_setfield(L, -2, "argv");
    lua_pushliteral(L, VIGIL_VERSION);
    lua_setfield(L, -2, "version");
    lua_call(L, 1, 2);
    const char *path = lua_tostring(L, -1);
    if (lua_tointeger(L, -2) == EXIT_OK && path)
        printf("%s\n", path);
    lua_pop(L, 1);
    return 1;
}

/* vigil report: see report_usage.  Exit 0 (the output path on stdout), 1 the report
 * failed (the previous one stays), 2 a usage error. */
int command_report(int argc, char **argv)
{
    const char *db_option = NULL;
    for (int i = 2; i < argc; i++) {
        const char *value;
        int k = find_option(argv[i], &value);
        if (strcmp(argv[i], "--") == 0)
            break;
        if (k >= 0 && value == NULL)
            value = i + 1 < argc ? argv[++i] : NULL;
        if (k >= 0 && strcmp(value_options[k], "db") == 0)
            db_option = value;
    }
    if (argc < 3) {
        fputs(report_usage, stderr);
        return EXIT_USAGE;
    }
    struct report_args args = {argc, argv};
    return host_run(db_option, report_main, &args);
}
