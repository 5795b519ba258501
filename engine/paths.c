/* Where vigil finds its files: the database, the shipped datasets and scripts. */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Picks the default database: --db, else $VIGIL_DB, else ./vigil.db. */
const char *paths_default_db(const char *option, const char *env, enum db_path_source *source)
{
    if (option && *option) {
        *source = DB_FROM_OPTION;
        return option;
    }
    if (env && *env) {
        *source = DB_FROM_ENV;
        return env;
    }
    *source = DB_FROM_DEFAULT;
    return "vigil.db";
}

/* Writes the folder of the running executable into buf. */
int paths_exe_dir(char *buf, size_t size)
{
    if (size < 2)
        return -1;
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    if (slash == buf)
        slash[1] = '\0';
    else
        *slash = '\0';
    return 0;
}

/* Joins dir and name with one '/' into buf. */
int paths_join(char *buf, size_t size, const char *dir, const char *name)
{
    size_t dirlen = strlen(dir);
    while (dirlen > 1 && dir[dirlen - 1] == '/')
        dirlen--;
    int n = snprintf(buf, size, "%.*s/%s", (int)dirlen, dir, name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Returns 1 when path names an existing regular file. */
int paths_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Returns 1 when dir holds datasets/schema.sql. */
static int holds_datasets(const char *dir)
{
    char schema[4096];
    return paths_join(schema, sizeof schema, dir, "datasets/schema.sql") == 0 && paths_is_file(schema);
}

/* Copies src into buf; returns 0, or -1 when it does not fit. */
static int copy_path(char *buf, size_t size, const char *src)
{
    size_t len = strlen(src);
    if (len >= size)
        return -1;
    memcpy(buf, src, len + 1);
    return 0;
}

/* Finds the share folder: $VIGIL_HOME, the build tree beside the executable, or the
 * installed folder. */
int paths_share_dir(const char *env_home, const char *exe_dir, const char *installed_dir,
                    char *buf, size_t size)
{
    if (env_home && *env_home)
        return holds_datasets(env_home) ? copy_path(buf, size, env_home) : -1;
    if (exe_dir && *exe_dir) {
        char parent[4096];
        if (paths_join(parent, sizeof parent, exe_dir, "..") == 0 && holds_datasets(parent)) {
            char *real = realpath(parent, NULL);
            int rc = real ? copy_path(buf, size, real) : copy_path(buf, size, parent);
            free(real);
            return rc;
        }
    }
    if (installed_dir && holds_datasets(installed_dir))
        return copy_path(buf, size, installed_dir);
    return -1;
}
