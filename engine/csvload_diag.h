/* Explaining a rejected CSV record: every field SQLite would refuse and why, in words a
 * person fixing the file can act on.  Used by csvload.c.  Pure C (SQLite); no Lua.
 *
 * SQLite stops at the first failing constraint of a row; the diagnosis checks them all:
 * each CHECK constraint of the table is evaluated alone against the record's values, each
 * NOT NULL column and each foreign key (when foreign keys are on) is looked at, and
 * SQLite's own message is explained when it is none of these (UNIQUE, a STRICT type). */
#ifndef VIGIL_CSVLOAD_DIAG_H
#define VIGIL_CSVLOAD_DIAG_H

#include <stddef.h>

#include <sqlite3.h>

/* A value as it is bound to the INSERT. */
struct csvval {
    int type;               /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, or
                             * CSVVAL_DEFAULT (the column's default value, dflt) */
    sqlite3_int64 i;
    double d;
    const char *s;          /* SQLITE_TEXT: the bytes (len of them, then a NUL, with
                             * none inside) */
    int len;
    sqlite3_value *dflt;    /* CSVVAL_DEFAULT: the value (borrowed) */
};
#define CSVVAL_DEFAULT 100

/* Binds v to parameter idx of st.  Returns SQLite's result code. */
int csvval_bind(sqlite3_stmt *st, int idx, const struct csvval *v);

/* How a column's values are checked: SQLite's affinity of its declared type. */
enum csvkind { CSVK_TEXT, CSVK_INTEGER, CSVK_REAL, CSVK_NUMERIC, CSVK_OTHER };

/* One column of the table, as the loader and the diagnosis see it. */
struct csvcol {
    char *name;
    enum csvkind kind;
    int is_date;            /* a date() CHECK or a DATE type */
    int notnull;            /* NOT NULL, and not the rowid alias */
    int required;           /* notnull without a default */
    int rowid;              /* the INTEGER PRIMARY KEY (rowid alias) */
    sqlite3_value *dflt;    /* the DEFAULT, evaluated once; NULL when none */
};

/* One record as the loader holds it. */
struct csvrec {
    int n;                      /* number of fields */
    const char *const *names;   /* the header's column name of each field */
    const int *colidx;          /* the table column of each field */
    const char *const *vals;    /* each value as read, NULL for an empty field */
    const size_t *lens;         /* each value's length in bytes */
    const struct csvval *bound; /* each value as bound (converted); NULL: vals as text */
    const unsigned char *bad;   /* per field: already refused (constraints on it are not
                                 * checked); may be NULL */
};

/* Receives one complaint: field is the 0-based field to blame, or -1 for the record;
 * text is "field 'x': VALUE rejected: ..." or "record rejected: ...". */
typedef void (*csvdiag_fn)(void *ud, int field, const char *text);

struct csvdiag;

/* A diagnosis for table of db, whose ncols columns are cols (borrowed: they must
 * outlive it).  The table's CHECK constraints are read now, their probes prepared on
 * first use.  Returns NULL when memory runs out. */
struct csvdiag *csvdiag_new(sqlite3 *db, const char *table, const struct csvcol *cols,
                            int ncols);

/* Frees the diagnosis.  Accepts NULL. */
void csvdiag_free(struct csvdiag *d);

/* Finds every reason the record cannot be inserted and passes each to say.  rc and msg
 * are SQLite's extended result code and message when the insert failed, or 0 and NULL
 * when it was not tried (some field was refused already).  Returns the count said. */
int csvdiag_explain(struct csvdiag *d, const struct csvrec *rec, int rc, const char *msg,
                    csvdiag_fn say, void *ud);

/* Writes into buf a printable form of a value: NULL, or the value in single quotes,
 * cut after about 60 bytes (at a character boundary, marked "..."), with control
 * characters, backslash and quote escaped. */
void csvdiag_value(char *buf, size_t size, const char *val, size_t len);

#endif
