/* c_loop: the baseline of the row-iteration benchmark of `make bench`.  Steps through
 * every row of incidents reading category, detected_on and victims with sqlite3_column_*,
 * sums victims per category, and prints "category<TAB>sum<TAB>rows" lines sorted by
 * category, the same lines every contestant prints.
 *
 *   c_loop [--single-thread] DATABASE
 * --single-thread configures SQLite with SQLITE_CONFIG_SINGLETHREAD and MEMSTATUS off
 * before it starts, to show what the default serialized mode and memory statistics cost. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CATEGORIES 64
#define MAX_NAME 64

/* One category's running totals. */
struct category_total {
    char name[MAX_NAME];
    long long victims;
    long long rows;
};

/* Returns the totals of category NAME, adding it to TOTALS (of *COUNT) when new, or
 * NULL when the table is full or the name too long. */
static struct category_total *find_category(struct category_total *totals, int *count,
                                            const char *name)
{
    for (int i = 0; i < *count; i++)
        if (strcmp(totals[i].name, name) == 0)
            return &totals[i];
    if (*count == MAX_CATEGORIES || strlen(name) >= MAX_NAME)
        return NULL;
    struct category_total *added = &totals[(*count)++];
    strcpy(added->name, name);
    added->victims = 0;
    added->rows = 0;
    return added;
}

/* qsort comparison of two category totals by name (byte order, as SQLite's BINARY). */
static int compare_names(const void *a, const void *b)
{
    return strcmp(((const struct category_total *)a)->name,
                  ((const struct category_total *)b)->name);
}

/* Configures SQLite for one thread without memory statistics; returns 0 on success. */
static int configure_single_thread(void)
{
    if (sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK)
        return 1;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        return 1;
    return 0;
}

/* Runs the loop over PATH and prints the totals; returns the exit status. */
static int sum_by_category(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "c_loop: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return 1;
    }
    sqlite3_stmt *stmt = NULL;
    const char *sql = "select category, detected_on, victims from incidents";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "c_loop: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    struct category_total totals[MAX_CATEGORIES];
    int count = 0;
    size_t date_bytes = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *category = (const char *)sqlite3_column_text(stmt, 0);
        const unsigned char *detected_on = sqlite3_column_text(stmt, 1);
        long long victims = sqlite3_column_int64(stmt, 2);
        if (detected_on)
            date_bytes += (size_t)sqlite3_column_bytes(stmt, 1);
        struct category_total *total = find_category(totals, &count, category ? category : "");
        if (!total) {
            fputs("c_loop: too many categories\n", stderr);
            sqlite3_finalize(stmt);
            sqlite3_close(db);
            return 1;
        }
        total->victims += victims;
        total->rows++;
    }
    int status = 0;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "c_loop: %s\n", sqlite3_errmsg(db));
        status = 1;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (status == 0 && date_bytes == 0 && count > 0)
        fputs("c_loop: note: detected_on was empty in every row\n", stderr);
    qsort(totals, (size_t)count, sizeof totals[0], compare_names);
    for (int i = 0; i < count && status == 0; i++)
        printf("%s\t%lld\t%lld\n", totals[i].name, totals[i].victims, totals[i].rows);
    return status;
}

/* Parses the command line and runs the loop. */
int main(int argc, char **argv)
{
    int single = argc == 3 && strcmp(argv[1], "--single-thread") == 0;
    if (argc != 2 && !single) {
        fputs("usage: c_loop [--single-thread] DATABASE\n", stderr);
        return 2;
    }
    if (single && configure_single_thread() != 0) {
        fputs("c_loop: sqlite3_config failed\n", stderr);
        return 1;
    }
    int status = sum_by_category(argv[argc - 1]);
    if (fclose(stdout) != 0)
        status = 1;
    return status;
}
