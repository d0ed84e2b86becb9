/* arena.c - a bump allocator: a list of blocks, reused from the first after a reset. */
#include "config.h"

#include "arena.h"

#include <string.h>

#define ARENA_BLOCK (256 * 1024)

typedef struct ArenaBlock ArenaBlock;
struct ArenaBlock {
  ArenaBlock *next;
  gsize size;
  gsize used;
  char data[];
};

struct SgplanArena {
  ArenaBlock *first;
  ArenaBlock *current;
  gsize used;      /* bytes handed out since the last reset */
};

SgplanArena *
sgplan_arena_new (void)
{
  return g_new0 (SgplanArena, 1);
}

void
sgplan_arena_free (SgplanArena *arena)
{
  ArenaBlock *b, *next;

  if (arena == NULL)
    return;
  for (b = arena->first; b != NULL; b = next)
    {
      next = b->next;
      g_free (b);
    }
  g_free (arena);
}

void
sgplan_arena_reset (SgplanArena *arena)
{
  for (ArenaBlock *b = arena->first; b != NULL; b = b->next)
    b->used = 0;
  arena->current = arena->first;
  arena->used = 0;
}

gsize
sgplan_arena_used (const SgplanArena *arena)
{
  return arena->used;
}

gpointer
sgplan_arena_alloc (SgplanArena *arena, gsize n)
{
  ArenaBlock *b = arena->current;

  n = (n + 15) & ~(gsize) 15;
  while (b != NULL && b->size - b->used < n)
    {
      /* blocks after the current one are free since the last reset */
      b = b->next;
      if (b != NULL)
        b->used = 0;
    }
  if (b == NULL)
    {
      gsize size = MAX (n, ARENA_BLOCK);

      b = g_malloc (sizeof *b + size);
      b->size = size;
      b->used = 0;
      b->next = NULL;
      if (arena->current == NULL)
        arena->first = b;
      else
        {
          ArenaBlock *last = arena->current;

          while (last->next != NULL)
            last = last->next;
          last->next = b;
        }
    }
  arena->current = b;
  b->used += n;
  arena->used += n;
  return b->data + b->used - n;
}

gpointer
sgplan_arena_alloc0 (SgplanArena *arena, gsize n)
{
  return memset (sgplan_arena_alloc (arena, n), 0, n);
}

char *
sgplan_arena_strndup (SgplanArena *arena, const char *s, gsize n)
{
  char *copy = sgplan_arena_alloc (arena, n + 1);

  memcpy (copy, s, n);
  copy[n] = '\0';
  return copy;
}

char *
sgplan_arena_strdup (SgplanArena *arena, const char *s)
{
  return sgplan_arena_strndup (arena, s, strlen (s));
}
