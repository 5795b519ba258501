/* vigil init: builds the database from the shipped datasets (engine/dbinit.c). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dbinit.h"
#include "host.h"
#include "paths.h"

/* vigil init [--db PATH] [--datasets DIR] [--force] [--quiet] */
int command_init(int argc, char **argv)
{
    const char *db_option = NULL, *datasets = NULL;
    struct dbinit_options opt = {0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--force") == 0)
            opt.force = 1;
        else if (strcmp(a, "--quiet") == 0)
            opt.quiet = 1;
        else if (strcmp(a, "--help") == 0) {
            printf("usage: vigil init [--db PATH] [--datasets DIR] [--force] [--quiet]\n"
                   "Builds the database (default: --db, $VIGIL_DB, ./vigil.db) from DIR/schema.sql\n"
                   "and DIR/TABLE.csv (default DIR: the shipped datasets), all or nothing.\n");
            return EXIT_OK;
        } else if ((strcmp(a, "--db") == 0 || strcmp(a, "--datasets") == 0) && i + 1 < argc) {
            if (a[2] == 'd' && a[3] == 'b')
                db_option = argv[++i];
            else
                datasets = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0)
            db_option = a + 5;
        else if (strncmp(a, "--datasets=", 11) == 0)
            datasets = a + 11;
        else {
            fprintf(stderr, "%s init: unrecognized or incomplete option '%s'\n"
                            "usage: vigil init [--db PATH] [--datasets DIR] [--force] [--quiet]\n",
                    host_progname, a);
            return EXIT_USAGE;
        }
    }
    char share[4096], dir[4096];
    struct host_config config;
    host_default_config(&config, db_option, 0, share, sizeof share);
    if (datasets == NULL) {
        if (config.share_dir == NULL || paths_join(dir, sizeof dir, config.share_dir, "datasets") != 0) {
            host_message("init: the shipped datasets were not found (give --datasets DIR or set VIGIL_HOME)");
            return EXIT_WORK;
        }
        datasets = dir;
    }
    opt.db_path = config.db_path;
    opt.datasets_dir = datasets;
    char err[1024] = "";
    int rc = dbinit_build(&opt, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "%s init: %s\n", host_progname, err);
        return rc == 2 ? EXIT_USAGE : EXIT_WORK;
    }
    if (!opt.quiet)
        fprintf(stderr, "%s init: built %s from %s\n", host_progname, opt.db_path, datasets);
    return EXIT_OK;
}
