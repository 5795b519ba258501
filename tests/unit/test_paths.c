/* Unit tests of engine/paths.c. */
#include "paths.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes dir/datasets/schema.sql under a fresh temporary folder; returns the folder. */
static char *make_share_tree(char *tmpl)
{
    if (!mkdtemp(tmpl))
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/datasets", tmpl);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/datasets/schema.sql", tmpl);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/bin", tmpl);
    mkdir(path, 0755);
    return tmpl;
}

/* Removes what make_share_tree made. */
static void remove_share_tree(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/datasets/schema.sql", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/datasets", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/bin", dir);
    rmdir(path);
    rmdir(dir);
}

void test_paths(void)
{
    enum db_path_source src;
    unit_is_str(paths_default_db("a.db", "b.db", &src), "a.db", "paths: --db wins over $VIGIL_DB");
    unit_ok(src == DB_FROM_OPTION, "paths: source is the option");
    unit_is_str(paths_default_db(NULL, "b.db", &src), "b.db", "paths: $VIGIL_DB when no --db");
    unit_ok(src == DB_FROM_ENV, "paths: source is the environment");
    unit_is_str(paths_default_db(NULL, "", &src), "vigil.db", "paths: empty $VIGIL_DB is ignored");
    unit_ok(src == DB_FROM_DEFAULT, "paths: source is the default");

    char buf[64];
    unit_ok(paths_join(buf, sizeof buf, "/a/b/", "c") == 0 && strcmp(buf, "/a/b/c") == 0,
            "paths: join drops a trailing slash");
    unit_ok(paths_join(buf, 4, "/abc", "def") == -1, "paths: join refuses what does not fit");

    char exe[4096];
    unit_ok(paths_exe_dir(exe, sizeof exe) == 0 && exe[0] == '/', "paths: exe dir is absolute (%s)", exe);

    char tmpl[] = "/tmp/vigil-paths-XXXXXX";
    char *root = make_share_tree(tmpl);
    unit_ok(root != NULL, "paths: temporary share tree made");
    if (!root)
        return;
    char bin[4096], share[4096];
    snprintf(bin, sizeof bin, "%s/bin", root);
    unit_ok(paths_share_dir(NULL, bin, "/nonexistent", share, sizeof share) == 0 &&
            strcmp(share, root) == 0, "paths: build tree beside the executable is found");
    unit_ok(paths_share_dir(NULL, "/nonexistent/bin", root, share, sizeof share) == 0 &&
            strcmp(share, root) == 0, "paths: installed folder is the fallback");
    unit_ok(paths_share_dir("/nonexistent", bin, root, share, sizeof share) == -1,
            "paths: a wrong $VIGIL_HOME is an error, not silently skipped");
    unit_ok(paths_share_dir(root, NULL, NULL, share, sizeof share) == 0 && strcmp(share, root) == 0,
            "paths: $VIGIL_HOME wins");
    unit_ok(paths_share_dir(NULL, "/nonexistent/bin", "/nonexistent", share, sizeof share) == -1,
            "paths: nothing found is -1");
    remove_share_tree(root);
}
