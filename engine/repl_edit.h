/* Line editing for the terminal REPL through libedit (BSD licence): emacs keys, a
 * persistent history file, Tab completion through a callback.  Pure C; no Lua. */
#ifndef VIGIL_REPL_EDIT_H
#define VIGIL_REPL_EDIT_H

#include <stddef.h>

/* Completion callback: text (len bytes) is the line up to the cursor.  Returns a
 * malloc'd, NULL-terminated array of malloc'd candidates, each to replace text from
 * byte *start to its end, or NULL when there are none.  The editor frees them. */
typedef char **(*repl_complete_fn)(void *ctx, const char *text, size_t len, size_t *start);

/* What repl_edit_read got. */
enum repl_read { REPL_READ_LINE, REPL_READ_EOF, REPL_READ_INTERRUPT };

struct repl_edit;

/* Opens the line editor on stdin and stdout; loads history_path (may be NULL: no
 * history file).  Returns NULL when libedit cannot start. */
struct repl_edit *repl_edit_open(const char *progname, const char *history_path,
                                 repl_complete_fn complete, void *ctx);

/* Reads one line after prompt.  REPL_READ_LINE: *line is the line without its newline
 * (valid until the next call); REPL_READ_EOF: Ctrl-D on an empty line or end of input;
 * REPL_READ_INTERRUPT: Ctrl-C dropped the line. */
enum repl_read repl_edit_read(struct repl_edit *e, const char *prompt, const char **line);

/* Adds a line to the history and writes the history file. */
void repl_edit_remember(struct repl_edit *e, const char *line);

/* Writes the history file and closes the editor (NULL is fine). */
void repl_edit_close(struct repl_edit *e);

/* Writes the path of the history file into buf: $XDG_STATE_HOME/vigil/history, else
 * $HOME/.local/state/vigil/history, making the folders.  Returns 0, or -1 when there
 * is no such place or it does not fit. */
int repl_history_path(char *buf, size_t size);

#endif
