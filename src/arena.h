/* arena.h - a bump allocator for many small objects that die together.
 *
 * Used for parse trees read and dropped one element at a time (reset
 * between them keeps the memory for the next), for change-set trees that are
 * only read, and for the model's ENIs: one allocation per block instead of
 * one per object, and no allocator overhead per object.  Memory from an
 * arena is never freed alone (not with g_free, not with cJSON_Delete). */
#pragma once

#include <glib.h>

typedef struct SgplanArena SgplanArena;

SgplanArena *sgplan_arena_new (void);
void sgplan_arena_free (SgplanArena *arena);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SgplanArena, sgplan_arena_free)
/* Everything allocated so far is gone; the blocks are kept for reuse. */
void sgplan_arena_reset (SgplanArena *arena);
/* Bytes handed out since the last reset. */
gsize sgplan_arena_used (const SgplanArena *arena);
/* N bytes aligned for any object (uninitialised, or zeroed: _alloc0). */
gpointer sgplan_arena_alloc (SgplanArena *arena, gsize n);
gpointer sgplan_arena_alloc0 (SgplanArena *arena, gsize n);
/* A copy of S, and of the N bytes at S with a NUL after them. */
char *sgplan_arena_strdup (SgplanArena *arena, const char *s);
char *sgplan_arena_strndup (SgplanArena *arena, const char *s, gsize n);
