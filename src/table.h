/* table.h - aligned text columns for terminal reports. */
#pragma once

#include <glib.h>

typedef struct Table Table;

Table *table_new (guint columns);
void table_free (Table *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

/* Add a row of COLUMNS cells; NULL cells print as "-".  Cells are shown
 * with sgplan_append_printable, so untrusted text cannot drive the terminal. */
void table_add (Table *table, ...);
/* Append the rows to OUT, each indented by INDENT spaces, columns padded to
 * their widest cell and separated by two spaces; the last column is not padded. */
void table_render (const Table *table, GString *out, guint indent);
