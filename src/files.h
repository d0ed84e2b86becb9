/* files.h - how sgplan opens its inputs and writes its outputs.
 *
 * Inputs are regular files (a symlink to one is fine) or "-", standard
 * input, read at most once per run.  Anything else (a FIFO, a device, a
 * socket) is refused at once, without blocking in open(2).
 *
 * Outputs: "-" is standard output.  A regular file is replaced atomically
 * by a temporary file written next to it and renamed over it; through a
 * symlink that happens next to the link's target and the link stays.  A
 * character device or a FIFO is written to directly, never replaced.
 * Temporary files are named ".NAME.sgplan-tmp.PID.XXXXXX"; ones whose process
 * is gone (killed before it could clean up) are removed the next time
 * sgplan writes NAME. */
#pragma once

#include <glib.h>

#define SGPLAN_STDIO "-"

/* PATH as messages show it: "standard input" for "-". */
const char *sgplan_display_path (const char *path);

/* Open PATH for reading (O_NONBLOCK, so that a FIFO cannot block) and
 * refuse it unless it is a regular file; returns the descriptor, or -1 with
 * ERROR (SGPLAN_ERROR_IO: "cannot read 'PATH': not a regular file (a FIFO)").
 * Not for "-". */
int sgplan_open_input (const char *path, GError **error);

/* Read all of PATH, or of standard input for "-". */
gboolean sgplan_read_file (const char *path, char **contents, gsize *len, GError **error);

/* Refuse (usage error) more than one "-" among PATHS, before any is read. */
gboolean sgplan_stdin_once (const char *const *paths, guint n_paths, GError **error);

/* Write CONTENTS to PATH as described above.  MODE is for a new regular file
 * (0644, or 0755 for a script; the umask applies); a replaced file keeps its
 * own mode unless FORCE_MODE. */
gboolean sgplan_write_output (const char *path, const char *contents, gsize len, guint mode,
                              gboolean force_mode, GError **error);

/* Refuse to write OUTPUT (a file, or apply's folder) when it is one of
 * INPUTS, or lies in a folder among INPUTS: writing there would change the
 * export being read, or make it unreadable.  Symlinks are followed. */
gboolean sgplan_check_output (const char *output, const char *const *inputs, guint n_inputs,
                              GError **error);

/* The folder that OUTPUT (a folder, new or existing) really is: symlinks
 * along it resolved.  g_free. */
char *sgplan_resolve_output (const char *output);

/* Create a private staging folder for writing TARGET (a folder) next to it,
 * after removing stale ones; returns its path (g_free) or NULL with ERROR. */
char *sgplan_make_staging_dir (const char *target, GError **error);

/* Remove the folder PATH and everything in it (never following symlinks). */
void sgplan_remove_tree (const char *path);
