/* Where vigil finds its files: the database, the shipped datasets and scripts.
 * Pure C; no Lua. */
#ifndef VIGIL_PATHS_H
#define VIGIL_PATHS_H

#include <stddef.h>

/* Where the default database path came from. */
enum db_path_source { DB_FROM_OPTION, DB_FROM_ENV, DB_FROM_DEFAULT };

/* Picks the default database: the --db option, else $VIGIL_DB (when not empty),
 * else "vigil.db" in the current folder.  Sets *source accordingly. */
const char *paths_default_db(const char *option, const char *env, enum db_path_source *source);

/* Writes into buf the folder holding the running executable (from /proc/self/exe).
 * Returns 0, or -1 when it cannot be known or does not fit. */
int paths_exe_dir(char *buf, size_t size);

/* Finds vigil's share folder, the one holding datasets/ and scripts/: $VIGIL_HOME when
 * set, else the parent of exe_dir when it holds datasets/schema.sql (a build tree:
 * build/vigil beside datasets/), else installed_dir (PREFIX/share/vigil).  Writes it into
 * buf; returns 0, or -1 when none of them holds datasets/schema.sql. */
int paths_share_dir(const char *env_home, const char *exe_dir, const char *installed_dir,
                    char *buf, size_t size);

/* Joins dir and name with one '/' into buf.  Returns 0, or -1 when it does not fit. */
int paths_join(char *buf, size_t size, const char *dir, const char *name);

/* Returns 1 when path names an existing regular file, else 0. */
int paths_is_file(const char *path);

#endif
