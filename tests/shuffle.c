/* shuffle.c - rewrite an export with its files and elements in a random
 * (seeded) order, for tests that prove outputs depend on the state only. */
#include "config.h"

#include "shuffle.h"
#include "export.h"
#include "util.h"

#include <string.h>
#include <glib/gstdio.h>

/* Whether ARRAY lists a network interface's or a service resource's
 * security groups, whose order is state that the plan keeps: an ENI's and a
 * VPC endpoint's "Groups", Lambda's "SecurityGroupIds", RDS's
 * "VpcSecurityGroups", the load balancers' and ElastiCache's
 * "SecurityGroups" (strings, or objects with a SecurityGroupId), but not
 * describe-security-groups' list of groups. */
static gboolean
is_group_list (const cJSON *array)
{
  const char *name = array->string;

  if (name == NULL)
    return FALSE;
  if (strcmp (name, "Groups") == 0 || strcmp (name, "SecurityGroupIds") == 0
      || strcmp (name, "VpcSecurityGroups") == 0)
    return TRUE;
  return strcmp (name, "SecurityGroups") == 0 && array->child != NULL
         && (cJSON_IsString (array->child) || cJSON_GetObjectItemCaseSensitive (array->child, "SecurityGroupId") != NULL);
}

/* Shuffle every array below NODE, except the lists of groups. */
static void
shuffle_arrays (cJSON *node, GRand *rand)
{
  cJSON *child;

  if (cJSON_IsArray (node) && !is_group_list (node))
    {
      int n = cJSON_GetArraySize (node);
      g_autoptr (GPtrArray) items = g_ptr_array_new ();

      while (n-- > 0)
        g_ptr_array_add (items, cJSON_DetachItemFromArray (node, 0));
      for (guint i = items->len; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, (gint32) i);
          gpointer tmp = items->pdata[i - 1];

          items->pdata[i - 1] = items->pdata[j];
          items->pdata[j] = tmp;
        }
      for (guint i = 0; i < items->len; i++)
        cJSON_AddItemToArray (node, items->pdata[i]);
    }
  cJSON_ArrayForEach (child, node)
    shuffle_arrays (child, rand);
}

/* Every element of every document kind in FILES, grouped by kind. */
static cJSON *
collect_elements (GPtrArray *files)
{
  cJSON *all = cJSON_CreateObject ();

  for (guint f = 0; f < files->len; f++)
    {
      g_autofree char *text = NULL;
      gsize len;
      const char *at, *end;

      g_assert_true (g_file_get_contents (files->pdata[f], &text, &len, NULL));
      at = text;
      while (at < text + len)
        {
          g_autoptr (cJSON) doc = cJSON_ParseWithLengthOpts (at, len - (gsize) (at - text), &end, FALSE);
          cJSON *member;

          g_assert_nonnull (doc);
          cJSON_ArrayForEach (member, doc)
            {
              cJSON *item, *list;

              if (!cJSON_IsArray (member))
                continue;
              list = cJSON_GetObjectItemCaseSensitive (all, member->string);
              if (list == NULL)
                list = cJSON_AddArrayToObject (all, member->string);
              cJSON_ArrayForEach (item, member)
                cJSON_AddItemToArray (list, cJSON_Duplicate (item, TRUE));
            }
          at = end;
          while (at < text + len && g_ascii_isspace (*at))
            at++;
        }
    }
  return all;
}

/* Write ELEMENTS shuffled into 1-4 randomly named files in DIR. */
static void
write_shuffled (cJSON *elements, const char *dir, GRand *rand)
{
  guint n_files = (guint) g_rand_int_range (rand, 1, 5);
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) cJSON_Delete);
  cJSON *kind;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (docs, cJSON_CreateObject ());
  shuffle_arrays (elements, rand);
  cJSON_ArrayForEach (kind, elements)
    {
      cJSON *item;

      /* an empty list still says what was exported (coverage is state) */
      if (cJSON_GetArraySize (kind) == 0)
        {
          cJSON *doc = docs->pdata[g_rand_int_range (rand, 0, (gint32) n_files)];

          if (cJSON_GetObjectItemCaseSensitive (doc, kind->string) == NULL)
            cJSON_AddArrayToObject (doc, kind->string);
        }
      cJSON_ArrayForEach (item, kind)
        {
          cJSON *doc = docs->pdata[g_rand_int_range (rand, 0, (gint32) n_files)];
          cJSON *list = cJSON_GetObjectItemCaseSensitive (doc, kind->string);

          if (list == NULL)
            list = cJSON_AddArrayToObject (doc, kind->string);
          cJSON_AddItemToArray (list, cJSON_Duplicate (item, TRUE));
        }
    }
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("%08x.json", g_rand_int (rand));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char *text;

      /* a file needs a document: an empty list of a kind the folder has anyway */
      if (cJSON_GetArraySize (docs->pdata[i]) == 0)
        cJSON_AddArrayToObject (docs->pdata[i], elements->child->string);
      text = cJSON_PrintUnformatted (docs->pdata[i]);
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      cJSON_free (text);
    }
}

/* Rewrite the export below SRC into OUT: the files of each folder are
 * merged, shuffled and split anew in the same folder (folders name regions,
 * which are state). */
void
write_shuffled_export (const char *src, const char *out, GRand *rand)
{
  const char *paths[] = { src };
  g_autoptr (GPtrArray) files = export_expand_paths (paths, 1, NULL);
  g_autoptr (GHashTable) by_dir = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GList) dirs = NULL;

  g_assert_nonnull (files);
  for (guint i = 0; i < files->len; i++)
    {
      char *dir = g_path_get_dirname (files->pdata[i]);
      GPtrArray *list = g_hash_table_lookup (by_dir, dir);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_dir, dir, list);
        }
      else
        g_free (dir);
      g_ptr_array_add (list, files->pdata[i]);
    }
  dirs = g_list_sort (g_hash_table_get_keys (by_dir), (GCompareFunc) strcmp);
  for (GList *d = dirs; d != NULL; d = d->next)
    {
      const char *dir = d->data;
      g_autoptr (cJSON) elements = collect_elements (g_hash_table_lookup (by_dir, dir));
      g_autofree char *target = g_build_filename (out, dir + strlen (src), NULL);

      write_shuffled (elements, target, rand);
    }
}

void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

