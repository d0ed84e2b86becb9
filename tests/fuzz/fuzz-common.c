/* fuzz-common.c - temporary input files for the fuzz targets (see fuzz.h). */
#include "config.h"

#include "fuzz.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

static char *tmp_dir;
static GHashTable *paths; /* (element-type utf8 filename) relative name -> full path */

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
remove_inputs (void)
{
  remove_tree (tmp_dir);
  g_clear_pointer (&paths, g_hash_table_unref);
  g_clear_pointer (&tmp_dir, g_free);
}

const char *
fuzz_write_input (const char *relative, const uint8_t *data, size_t size)
{
  char *path;
  int fd;

  if (tmp_dir == NULL)
    {
      g_autoptr (GError) error = NULL;

      tmp_dir = g_dir_make_tmp ("sgplan-fuzz-XXXXXX", &error);
      if (tmp_dir == NULL)
        g_error ("cannot make a temporary folder: %s", error->message);
      paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      atexit (remove_inputs);
    }
  path = g_hash_table_lookup (paths, relative);
  if (path == NULL)
    {
      g_autofree char *parent = NULL;

      path = g_build_filename (tmp_dir, relative, NULL);
      parent = g_path_get_dirname (path);
      if (g_mkdir_with_parents (parent, 0700) != 0)
        g_error ("cannot make '%s': %s", parent, g_strerror (errno));
      g_hash_table_insert (paths, g_strdup (relative), path);
    }
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    g_error ("cannot write '%s': %s", path, g_strerror (errno));
  for (size_t done = 0; done < size;)
    {
      ssize_t n = write (fd, data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("cannot write '%s': %s", path, g_strerror (errno));
      done += (size_t) n;
    }
  if (close (fd) != 0)
    g_error ("cannot write '%s': %s", path, g_strerror (errno));
  return path;
}

char *
fuzz_source_path (const char *relative)
{
  const char *srcdir = g_getenv ("srcdir");

  return g_build_filename (srcdir != NULL ? srcdir : SGPLAN_FUZZ_SRCDIR, relative, NULL);
}

void
fuzz_expect_reportable (const GError *error, const char *what)
{
  if (error == NULL || error->domain != SGPLAN_ERROR || error->message[0] == '\0')
    g_error ("%s failed without an sgplan error", what);
  if (strlen (error->message) > FUZZ_MESSAGE_MAX)
    g_error ("%s failed with a message of %" G_GSIZE_FORMAT " bytes, more than %d", what,
             strlen (error->message), FUZZ_MESSAGE_MAX);
}
