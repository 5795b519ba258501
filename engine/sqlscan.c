/* A small SQL scanner; see sqlscan.h.
 *
 * Tokens follow SQLite's lexical rules closely enough for reading schemas: a word is a
 * run of letters, digits, '_', '$' and bytes >= 0x80 not starting with a digit; '...' is
 * a string with '' inside; "...", `...` and [...] are quoted identifiers; -- and C
 * comments are spaces. */
#include "sqlscan.h"

#include <stdlib.h>
#include <string.h>

/* True for a byte that may be part of a word. */
static int word_byte(unsigned char c)
{
    return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The ASCII lower case of c. */
static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Skips spaces and comments at s; see sqlscan.h. */
const char *sqlscan_skip_space(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') {
            s++;
        } else if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            s = end ? end + 2 : s + strlen(s);
        } else {
            return s;
        }
    }
}

/* Reads the next token; see sqlscan.h. */
const char *sqlscan_next(const char *s, struct sqltok *t)
{
    unsigned char c;
    s = sqlscan_skip_space(s);
    t->start = s;
    c = (unsigned char)*s;
    if (c == '\0') {
        t->kind = SQLTOK_END;
        t->len = 0;
        return s;
    }
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
        char close = c == '[' ? ']' : (char)c;
        for (s++; *s; s++) {
            if (*s == close) {
                if (close != ']' && s[1] == close) {
                    s++;        /* a doubled quote stands for one */
                    continue;
                }
                s++;
                break;
            }
        }
        t->kind = c == '\'' ? SQLTOK_STRING : SQLTOK_QUOTED;
    } else if (c >= '0' && c <= '9') {
        while (word_byte((unsigned char)*s) || *s == '.')
            s++;
        t->kind = SQLTOK_NUMBER;
    } else if (word_byte(c)) {
        while (word_byte((unsigned char)*s))
            s++;
        t->kind = SQLTOK_WORD;
    } else {
        s++;
        t->kind = SQLTOK_PUNCT;
    }
    t->len = (size_t)(s - t->start);
    return s;
}

/* True when t is the identifier name; see sqlscan.h. */
int sqlscan_ident_is(const struct sqltok *t, const char *name, size_t len)
{
    size_t i, k = 0;
    if (t->kind == SQLTOK_WORD) {
        if (t->len != len)
            return 0;
        for (i = 0; i < len; i++)
            if (lower((unsigned char)t->start[i]) != lower((unsigned char)name[i]))
                return 0;
        return 1;
    }
    if (t->kind != SQLTOK_QUOTED || t->len < 2)
        return 0;
    for (i = 1; i + 1 < t->len; i++) {
        char c = t->start[i];
        if (t->start[0] != '[' && c == t->start[0])
            i++;        /* the second of a doubled quote */
        if (k >= len || lower((unsigned char)c) != lower((unsigned char)name[k]))
            return 0;
        k++;
    }
    return k == len;
}

/* True when t is the word w (lower case), ignoring case. */
static int is_word(const struct sqltok *t, const char *w)
{
    return t->kind == SQLTOK_WORD && sqlscan_ident_is(t, w, strlen(w));
}

/* Writes the identifier token t, unquoted, into a new string (malloc).  NULL when
 * memory runs out. */
static char *ident_text(const struct sqltok *t)
{
    char *out = malloc(t->len + 1);
    size_t i, k = 0;
    if (!out)
        return NULL;
    if (t->kind != SQLTOK_QUOTED) {
        memcpy(out, t->start, t->len);
        out[t->len] = '\0';
        return out;
    }
    for (i = 1; i + 1 < t->len; i++) {
        if (t->start[0] != '[' && t->start[i] == t->start[0])
            i++;
        out[k++] = t->start[i];
    }
    out[k] = '\0';
    return out;
}

/* Calls fn with each CHECK constraint; see sqlscan.h. */
int sqlscan_checks(const char *create_sql,
                   void (*fn)(void *ud, const char *expr, const char *name), void *ud)
{
    struct sqltok t, prev1 = { SQLTOK_END, "", 0 }, prev2 = prev1;
    const char *s = create_sql;
    int count = 0;
    for (s = sqlscan_next(s, &t); t.kind != SQLTOK_END; s = sqlscan_next(s, &t)) {
        if (is_word(&t, "check")) {
            struct sqltok p;
            const char *open, *after = sqlscan_next(s, &p);
            int depth = 1;
            if (p.kind != SQLTOK_PUNCT || *p.start != '(')
                goto next;
            open = after;
            for (s = after; depth > 0; ) {
                s = sqlscan_next(s, &p);
                if (p.kind == SQLTOK_END)
                    return count;
                if (p.kind == SQLTOK_PUNCT && *p.start == '(')
                    depth++;
                else if (p.kind == SQLTOK_PUNCT && *p.start == ')' && --depth == 0) {
                    size_t n = (size_t)(p.start - open);
                    char *expr = malloc(n + 1), *name = NULL;
                    if (expr && is_word(&prev2, "constraint") &&
                        (prev1.kind == SQLTOK_WORD || prev1.kind == SQLTOK_QUOTED))
                        name = ident_text(&prev1);
                    if (!expr) {
                        free(name);
                        return -1;
                    }
                    memcpy(expr, open, n);
                    while (n > 0 && (expr[n - 1] == ' ' || expr[n - 1] == '\n' ||
                                     expr[n - 1] == '\r' || expr[n - 1] == '\t'))
                        n--;
                    expr[n] = '\0';
                    fn(ud, expr + strspn(expr, " \t\r\n"), name);
                    free(expr);
                    free(name);
                    count++;
                }
            }
            t.kind = SQLTOK_PUNCT;   /* the ')' */
        }
next:
        prev2 = prev1;
        prev1 = t;
    }
    return count;
}

/* True when sql calls date() on column name; see sqlscan.h. */
int sqlscan_calls_date(const char *sql, const char *name)
{
    struct sqltok t, p, a;
    const char *s = sql;
    size_t nlen = strlen(name);
    for (s = sqlscan_next(s, &t); t.kind != SQLTOK_END; s = sqlscan_next(s, &t)) {
        const char *after;
        if (!is_word(&t, "date"))
            continue;
        after = sqlscan_next(s, &p);
        if (p.kind != SQLTOK_PUNCT || *p.start != '(')
            continue;
        sqlscan_next(after, &a);
        if (sqlscan_ident_is(&a, name, nlen))
            return 1;
    }
    return 0;
}

/* Writes name as a quoted identifier; see sqlscan.h. */
size_t sqlscan_quote(char *buf, size_t size, const char *name)
{
    size_t n = 0;
    const char *s;
#define PUT(c) do { if (n + 1 < size) buf[n] = (c); n++; } while (0)
    PUT('"');
    for (s = name; *s; s++) {
        if (*s == '"')
            PUT('"');
        PUT(*s);
    }
    PUT('"');
#undef PUT
    if (size > 0)
        buf[n < size ? n : size - 1] = '\0';
    return n;
}

/* True when the SQL text has an ON CONFLICT clause; see sqlscan.h. */
int sqlscan_has_on_conflict(const char *sql)
{
    struct sqltok t;
    int after_on = 0;
    const char *s = sqlscan_next(sql, &t);
    while (t.kind != SQLTOK_END) {
        if (after_on && sqlscan_ident_is(&t, "conflict", 8) && t.kind == SQLTOK_WORD)
            return 1;
        after_on = t.kind == SQLTOK_WORD && sqlscan_ident_is(&t, "on", 2);
        s = sqlscan_next(s, &t);
    }
    return 0;
}
