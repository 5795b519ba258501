/* Limits of a sandboxed run: a memory cap through the Lua allocator, a deadline, and
 * a watchdog outside the VM.  Pure C; no Lua (the allocator has lua_Alloc's shape). */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

#include <stddef.h>

/* Memory accounting of one Lua state: bytes in use and the cap (0 = none). */
struct mem_limit {
    size_t used;
    size_t cap;
    int tripped;  /* an allocation was refused because of the cap */
};

/* An allocator with lua_Alloc's signature over realloc/free that counts the bytes in
 * use in the struct mem_limit at ud and refuses (returns NULL) a growth past the cap.
 * Frees and shrinks always succeed. */
void *limits_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* Sets the deadline to seconds from now (monotonic clock); 0 clears it. */
void limits_set_deadline(double seconds);

/* Returns 1 once the deadline is set and has passed, else 0. */
int limits_deadline_passed(void);

/* The seconds the deadline was set to (0 when none). */
double limits_deadline_seconds(void);

/* Arms a watchdog outside the VM: after seconds (rounded up), a SIGALRM handler writes
 * message and a newline to stderr and ends the process with status 1.  0 disarms it. */
void limits_arm_watchdog(unsigned seconds, const char *message);

/* Makes the SQLite connection db safe for untrusted SQL on a read-only database:
 * defensive mode, no extension loading, no fts3_tokenizer, untrusted schema, no
 * ATTACH (limit 0 and the authorizer), an authorizer that refuses writes, DETACH,
 * VACUUM and pragmas other than read-only introspection, and a progress handler that
 * interrupts statements once the deadline has passed.  Returns 0 or an SQLite code. */
struct sqlite3;
int limits_guard_db(struct sqlite3 *db);

#endif
