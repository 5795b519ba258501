/* Limits of a sandboxed run: memory cap, deadline, watchdog, and a guarded SQLite
 * connection. */
#include "limits.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* Counts bytes in use and refuses growth past the cap. */
void *limits_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct mem_limit *m = ud;
    size_t old = ptr ? osize : 0;  /* with ptr NULL, osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        m->used = m->used > old ? m->used - old : 0;
        return NULL;
    }
    if (nsize > old && m->cap && (nsize - old > m->cap || m->used + (nsize - old) > m->cap)) {
        m->tripped = 1;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL)
        return NULL;
    m->used = m->used - (m->used < old ? m->used : old) + nsize;
    return block;
}

static struct timespec deadline_at;
static double deadline_span;

/* Sets the deadline to seconds from now. */
void limits_set_deadline(double seconds)
{
    deadline_span = seconds > 0 ? seconds : 0;
    if (deadline_span == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &deadline_at);
    double whole = (double)(time_t)seconds;
    deadline_at.tv_sec += (time_t)whole;
    deadline_at.tv_nsec += (long)((seconds - whole) * 1e9);
    if (deadline_at.tv_nsec >= 1000000000L) {
        deadline_at.tv_sec++;
        deadline_at.tv_nsec -= 1000000000L;
    }
}

/* Returns 1 once the deadline has passed. */
int limits_deadline_passed(void)
{
    if (deadline_span == 0)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline_at.tv_sec ||
           (now.tv_sec == deadline_at.tv_sec && now.tv_nsec >= deadline_at.tv_nsec);
}

/* The seconds the deadline was set to. */
double limits_deadline_seconds(void)
{
    return deadline_span;
}

static char watchdog_message[256];
static size_t watchdog_length;

/* SIGALRM handler: says why and ends the process (async-signal-safe calls only). */
static void on_watchdog(int sig)
{
    (void)sig;
    ssize_t ignored = write(STDERR_FILENO, watchdog_message, watchdog_length);
    (void)ignored;
    _exit(1);
}

/* Arms (or with 0 disarms) the watchdog. */
void limits_arm_watchdog(unsigned seconds, const char *message)
{
    if (seconds == 0) {
        alarm(0);
        signal(SIGALRM, SIG_DFL);
        return;
    }
    size_t len = strlen(message);
    if (len > sizeof watchdog_message - 2)
        len = sizeof watchdog_message - 2;
    memcpy(watchdog_message, message, len);
    watchdog_message[len] = '\n';
    watchdog_length = len + 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watchdog;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(seconds);
}

/* Progress handler: non-zero interrupts the running statement. */
static int progress_check(void *unused)
{
    (void)unused;
    return limits_deadline_passed();
}

/* Pragmas that only read the schema or settings (without an argument). */
static int is_read_only_pragma(const char *name, const char *arg)
{
    static const char *const allowed[] = {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "collation_list", "function_list", "pragma_list",
        "database_list", "compile_options", "user_version", "schema_version",
        "page_count", "page_size", "encoding", "foreign_keys", "query_only", NULL,
    };
    int takes_table = strcmp(name, "table_info") == 0 || strcmp(name, "table_xinfo") == 0 ||
                      strcmp(name, "table_list") == 0 || strncmp(name, "index_", 6) == 0 ||
                      strcmp(name, "foreign_key_list") == 0;
    if (arg && !takes_table)
        return 0;  /* setting a pragma */
    for (int i = 0; allowed[i]; i++)
        if (sqlite3_stricmp(name, allowed[i]) == 0)
            return 1;
    return 0;
}

/* Authorizer of a guarded connection: reads are fine; anything that writes, attaches,
 * changes settings or loads code is refused. */
static int authorize(void *unused, int action, const char *a, const char *b, const char *db,
                     const char *trigger)
{
    (void)unused, (void)db, (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        if (b && (sqlite3_stricmp(b, "load_extension") == 0 ||
                  sqlite3_stricmp(b, "fts3_tokenizer") == 0 || sqlite3_stricmp(b, "readfile") == 0 ||
                  sqlite3_stricmp(b, "writefile") == 0 || sqlite3_stricmp(b, "edit") == 0))
            return SQLITE_DENY;
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        return is_read_only_pragma(a, b) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_UPDATE:
        /* SQLite asks this when it makes an eponymous virtual table such as
         * pragma_table_info(); nothing is written (the connection is read-only and
         * query_only) but the check must pass for the read to run. */
        return a && strcmp(a, "sqlite_master") == 0 ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return SQLITE_OK;  /* harmless on a read-only connection; db:transaction uses them */
    default:
        return SQLITE_DENY;  /* writes, DDL, ATTACH, DETACH, ANALYZE, VACUUM, ... */
    }
}

/* Makes db safe for untrusted SQL. */
int limits_guard_db(struct sqlite3 *db)
{
    int rc = SQLITE_OK;
    int off = 0, on = 1;
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, (int *)0);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, off, (int *)0);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, off, (int *)0);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, (int *)0);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 100 * 1000 * 1000);
    sqlite3_progress_handler(db, 10000, progress_check, NULL);
    return sqlite3_set_authorizer(db, authorize, NULL);
}
