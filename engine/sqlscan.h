/* A small SQL scanner: enough of SQLite's tokens to find the CHECK constraints of a
 * CREATE TABLE statement and the columns an expression names, with string literals,
 * quoted identifiers ("x", `x`, [x]) and comments understood.  Pure C; no SQLite. */
#ifndef VIGIL_SQLSCAN_H
#define VIGIL_SQLSCAN_H

#include <stddef.h>

enum sqltok_kind { SQLTOK_END, SQLTOK_WORD, SQLTOK_QUOTED, SQLTOK_STRING, SQLTOK_NUMBER,
                   SQLTOK_PUNCT };

/* One token: its kind and its text (quotes included). */
struct sqltok {
    enum sqltok_kind kind;
    const char *start;
    size_t len;
};

/* Skips spaces and SQL comments (line and block comments) at s.  Returns
 * the first byte of something else (the terminating NUL at the end). */
const char *sqlscan_skip_space(const char *s);

/* Reads the token at s (spaces and comments skipped) into t.  Returns the position
 * after it; at the end, t->kind is SQLTOK_END. */
const char *sqlscan_next(const char *s, struct sqltok *t);

/* True when t is an identifier (a word or a quoted one, "" inside undone) equal to the
 * len bytes of name, ignoring ASCII case as SQLite does. */
int sqlscan_ident_is(const struct sqltok *t, const char *name, size_t len);

/* Calls fn with each CHECK constraint of a CREATE TABLE statement: its expression (the
 * text inside its parentheses) and its name (NULL when unnamed), NUL-terminated copies
 * valid during the call.  Returns the count found, or -1 when memory ran out. */
int sqlscan_checks(const char *create_sql,
                   void (*fn)(void *ud, const char *expr, const char *name), void *ud);

/* True when the SQL text calls date() with column name as its first argument, as the
 * CHECK (x IS date(x, '+0 days')) does. */
int sqlscan_calls_date(const char *sql, const char *name);

/* True when the SQL text has an ON CONFLICT clause (a constraint that may FAIL or
 * ROLLBACK rather than undo only the statement). */
int sqlscan_has_on_conflict(const char *sql);

/* Writes name into buf as an SQL identifier in double quotes ("" for a quote).
 * Returns the length it needs (as snprintf). */
size_t sqlscan_quote(char *buf, size_t size, const char *name);

#endif
