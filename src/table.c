/* table.c - aligned text columns for terminal reports. */
#include "config.h"

#include "table.h"
#include "util.h"

#include <stdarg.h>

struct Table {
  guint columns;
  GPtrArray *cells; /* (element-type utf8) row-major, already printable */
};

Table *
table_new (guint columns)
{
  Table *table = g_new0 (Table, 1);

  table->columns = columns;
  table->cells = g_ptr_array_new_with_free_func (g_free);
  return table;
}

void
table_free (Table *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->cells);
  g_free (table);
}

void
table_add (Table *table, ...)
{
  va_list args;

  va_start (args, table);
  for (guint c = 0; c < table->columns; c++)
    {
      const char *cell = va_arg (args, const char *);

      g_ptr_array_add (table->cells, sgplan_printable (cell != NULL ? cell : "-"));
    }
  va_end (args);
}

void
table_render (const Table *table, GString *out, guint indent)
{
  g_autofree glong *widths = g_new0 (glong, table->columns);

  for (guint i = 0; i < table->cells->len; i++)
    {
      glong w = g_utf8_strlen (table->cells->pdata[i], -1);
      guint c = i % table->columns;

      widths[c] = MAX (widths[c], w);
    }
  for (guint i = 0; i < table->cells->len; i++)
    {
      const char *cell = table->cells->pdata[i];
      guint c = i % table->columns;

      if (c == 0)
        g_string_append_printf (out, "%*s", (int) indent, "");
      g_string_append (out, cell);
      if (c + 1 < table->columns)
        {
          glong pad = widths[c] - g_utf8_strlen (cell, -1) + 2;

          for (glong p = 0; p < pad; p++)
            g_string_append_c (out, ' ');
        }
      else
        {
          /* no trailing blanks when the last cells are empty */
          while (out->len > 0 && out->str[out->len - 1] == ' ')
            g_string_truncate (out, out->len - 1);
          g_string_append_c (out, '\n');
        }
    }
}
