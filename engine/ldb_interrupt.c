/* vigil.db: the list of open connections, so that Ctrl-C can interrupt whatever SQL
 * runs (db_interrupt_all, called from SIGINT handlers).  The list changes only outside
 * the handlers, with SIGINT blocked meanwhile, so a handler always walks a whole list;
 * sqlite3_interrupt is safe to call from a signal handler. */
#include <signal.h>
#include <stdlib.h>

#include "ldb.h"
#include "ldb_int.h"

/* One open connection. */
struct open_db {
    sqlite3 *handle;
    struct open_db *next;
};

static struct open_db *volatile open_dbs;

/* Blocks SIGINT (into *old) while the list changes. */
static void block_sigint(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* Adds handle to the open connections.  Returns 0, or -1 when memory runs out (the
 * connection then works but Ctrl-C does not interrupt it). */
int db_track(sqlite3 *handle)
{
    struct open_db *node = malloc(sizeof *node);
    if (node == NULL)
        return -1;
    node->handle = handle;
    sigset_t old;
    block_sigint(&old);
    node->next = open_dbs;
    open_dbs = node;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
}

/* Removes handle from the open connections (nothing when it is not there). */
void db_untrack(sqlite3 *handle)
{
    sigset_t old;
    block_sigint(&old);
    struct open_db *node = NULL;
    for (struct open_db *volatile *p = &open_dbs; *p; p = &(*p)->next)
        if ((*p)->handle == handle) {
            node = *p;
            *p = node->next;
            break;
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(node);
}

/* sqlite3_interrupt on every open connection. */
void db_interrupt_all(void)
{
    for (struct open_db *node = open_dbs; node; node = node->next)
        sqlite3_interrupt(node->handle);
}
