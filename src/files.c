/* files.c - opening inputs and writing outputs without hanging, clobbering
 * special files, or writing into an export that is being read.  See files.h
 * for the rules and sgplan(1), FILES, for what users are told. */
#include "config.h"

#include "files.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define TMP_MARK ".sgplan-tmp."
#define MAX_LINKS 40 /* as the kernel's limit on nested symlinks */

static gboolean stdin_read;

const char *
sgplan_display_path (const char *path)
{
  return strcmp (path, SGPLAN_STDIO) == 0 ? "standard input" : path;
}

static const char *
file_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a folder";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

static gboolean
refuse_kind (const char *path, mode_t mode, GError **error)
{
  if (S_ISDIR (mode))
    g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", path,
                 g_strerror (EISDIR));
  else
    g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO,
                 "cannot read '%s': not a regular file (%s); sgplan reads regular files, "
                 "or standard input given as '-'", path, file_kind (mode));
  return FALSE;
}

int
sgplan_open_input (const char *path, GError **error)
{
  struct stat st;
  int fd;

  /* stat first: opening some devices has effects of its own. */
  if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    return refuse_kind (path, st.st_mode, error), -1;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", path,
                   g_strerror (saved));
      return -1;
    }
  /* The file may have been replaced between stat and open. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return refuse_kind (path, st.st_mode, error), -1;
    }
  return fd;
}

static gboolean
read_fd (int fd, const char *path, gsize hint, char **contents, gsize *len, GError **error)
{
  GString *buf = g_string_sized_new (hint + 1);

  for (;;)
    {
      ssize_t n;

      g_string_set_size (buf, buf->len + 65536);
      buf->len -= 65536;
      n = read (fd, buf->str + buf->len, 65536);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_string_free (buf, TRUE);
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s",
                       sgplan_display_path (path), g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      buf->len += (gsize) n;
    }
  buf->str[buf->len] = '\0';
  *len = buf->len;
  *contents = g_string_free (buf, FALSE);
  return TRUE;
}

gboolean
sgplan_read_file (const char *path, char **contents, gsize *len, GError **error)
{
  struct stat st;
  gboolean ok;
  int fd;

  if (strcmp (path, SGPLAN_STDIO) == 0)
    {
      if (stdin_read)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "standard input ('-') can be read only once");
          return FALSE;
        }
      stdin_read = TRUE;
      return read_fd (STDIN_FILENO, path, 0, contents, len, error);
    }
  fd = sgplan_open_input (path, error);
  if (fd < 0)
    return FALSE;
  /* Regular files never block; reading with O_NONBLOCK is the same. */
  ok = read_fd (fd, path, fstat (fd, &st) == 0 ? (gsize) st.st_size : 0, contents, len, error);
  close (fd);
  return ok;
}

static gboolean
write_all (int fd, const char *contents, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, contents, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      contents += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
write_fd (int fd, const char *name, const char *contents, gsize len, GError **error)
{
  if (!write_all (fd, contents, len))
    {
      int saved = errno;
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write to %s: %s", name,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": the caller's descriptor,
 * written in place as a shell redirection would; -1 for other paths. */
static int
named_descriptor (const char *path)
{
  const char *number = NULL;
  gint64 fd;

  if (strcmp (path, "/dev/stdout") == 0)
    return STDOUT_FILENO;
  if (strcmp (path, "/dev/stderr") == 0)
    return STDERR_FILENO;
  if (g_str_has_prefix (path, "/dev/fd/"))
    number = path + strlen ("/dev/fd/");
  else if (g_str_has_prefix (path, "/proc/self/fd/"))
    number = path + strlen ("/proc/self/fd/");
  if (number == NULL || !g_ascii_string_to_signed (number, 10, 0, G_MAXINT, &fd, NULL))
    return -1;
  return (int) fd;
}

/* Follow the symlinks at the end of PATH (not those in its folders), even
 * when the last one dangles. */
static char *
follow_links (const char *path)
{
  char *current = g_strdup (path);

  for (int i = 0; i < MAX_LINKS; i++)
    {
      struct stat st;
      g_autofree char *link = NULL;
      char *next;

      if (lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        break;
      link = g_file_read_link (current, NULL);
      if (link == NULL)
        break;
      if (g_path_is_absolute (link))
        next = g_steal_pointer (&link);
      else
        {
          g_autofree char *dir = g_path_get_dirname (current);
          next = g_build_filename (dir, link, NULL);
        }
      g_free (current);
      current = next;
    }
  return current;
}

char *
sgplan_resolve_output (const char *output)
{
  g_autofree char *followed = NULL;
  g_autofree char *dir = NULL, *base = NULL;
  char *real = realpath (output, NULL);

  if (real != NULL)
    {
      char *copy = g_strdup (real);
      free (real);
      return copy;
    }
  /* Not there yet: resolve its folder. */
  followed = follow_links (output);
  dir = g_path_get_dirname (followed);
  base = g_path_get_basename (followed);
  real = realpath (dir, NULL);
  if (real != NULL)
    {
      char *joined = g_build_filename (real, base, NULL);
      free (real);
      return joined;
    }
  return g_steal_pointer (&followed);
}

static gboolean
process_gone (const char *name, gsize prefix_len)
{
  guint64 pid;
  const char *dot = strchr (name + prefix_len, '.');
  g_autofree char *digits = NULL;

  if (dot == NULL)
    return FALSE;
  digits = g_strndup (name + prefix_len, (gsize) (dot - name) - prefix_len);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;
  return (pid_t) pid != getpid () && kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/* Remove DIR/.BASE.sgplan-tmp.PID.* whose process no longer runs. */
static void
remove_stale (const char *dir, const char *base)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (".", base, TMP_MARK, NULL);
  gsize prefix_len = strlen (prefix);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (!g_str_has_prefix (name, prefix) || !process_gone (name, prefix_len))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        sgplan_remove_tree (path);
      else if (S_ISREG (st.st_mode))
        g_unlink (path);
    }
}

static char *
temp_template (const char *target)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *name = g_strdup_printf (".%s" TMP_MARK "%d.XXXXXX", base, (int) getpid ());

  remove_stale (dir, base);
  return g_build_filename (dir, name, NULL);
}

static gboolean
write_atomic (const char *target, const char *contents, gsize len, guint mode, GError **error)
{
  g_autofree char *tmp = temp_template (target);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, (int) mode);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_autofree char *dir = g_path_get_dirname (target);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write '%s': cannot create a "
                   "file in '%s': %s", target, dir, g_strerror (saved));
      return FALSE;
    }
  if (fchmod (fd, mode) != 0 || !write_all (fd, contents, len) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write '%s': %s", target,
                   g_strerror (saved));
      return FALSE;
    }
  if (close (fd) != 0 || g_rename (tmp, target) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write '%s': %s", target,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
sgplan_write_output (const char *path, const char *contents, gsize len, guint mode,
                     gboolean force_mode, GError **error)
{
  g_autofree char *target = NULL;
  struct stat st;
  int fd;

  if (strcmp (path, SGPLAN_STDIO) == 0)
    return sgplan_write_stdout (contents, len, error);
  fd = named_descriptor (path);
  if (fd >= 0)
    {
      g_autofree char *name = g_strdup_printf ("'%s'", path);
      return write_fd (fd, name, contents, len, error);
    }
  if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_autofree char *name = g_strdup_printf ("'%s'", path);
      gboolean ok;

      if (S_ISDIR (st.st_mode) || S_ISBLK (st.st_mode))
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO,
                       "refusing to write '%s': it is %s", path, file_kind (st.st_mode));
          return FALSE;
        }
      /* A terminal, /dev/null or a FIFO: write to it, never replace it.
       * Opening a FIFO waits for a reader, as a shell redirection does. */
      fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        {
          int saved = errno;
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write '%s': %s", path,
                       g_strerror (saved));
          return FALSE;
        }
      ok = write_fd (fd, name, contents, len, error);
      close (fd);
      return ok;
    }
  /* A regular file, new or replaced, next to where symlinks lead. */
  target = sgplan_resolve_output (path);
  if (!force_mode && stat (target, &st) == 0)
    mode = st.st_mode & 07777;
  else if (!force_mode)
    {
      mode_t mask = umask (0);

      umask (mask);
      mode &= ~(guint) mask;
    }
  return write_atomic (target, contents, len, mode, error);
}

static gboolean
inside (const char *path, const char *folder)
{
  gsize n = strlen (folder);

  if (strcmp (folder, "/") == 0)
    return TRUE;
  return strncmp (path, folder, n) == 0 && (path[n] == '\0' || path[n] == G_DIR_SEPARATOR);
}

gboolean
sgplan_check_output (const char *output, const char *const *inputs, guint n_inputs,
                     GError **error)
{
  g_autofree char *resolved = NULL;
  struct stat out_st;
  gboolean out_exists;

  if (strcmp (output, SGPLAN_STDIO) == 0 || named_descriptor (output) >= 0)
    return TRUE;
  resolved = sgplan_resolve_output (output);
  out_exists = stat (output, &out_st) == 0;
  for (guint i = 0; i < n_inputs; i++)
    {
      struct stat in_st;
      char *real;
      gboolean hit;

      if (strcmp (inputs[i], SGPLAN_STDIO) == 0 || stat (inputs[i], &in_st) != 0)
        continue;
      if (out_exists && in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "refusing to write '%s': it is an input, '%s'", output, inputs[i]);
          return FALSE;
        }
      if (!S_ISDIR (in_st.st_mode) || (real = realpath (inputs[i], NULL)) == NULL)
        continue;
      hit = inside (resolved, real);
      free (real);
      if (hit)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "refusing to write '%s': it is inside the export folder '%s', which "
                       "this command reads (a new file there would become part of the export)",
                       output, inputs[i]);
          return FALSE;
        }
    }
  return TRUE;
}

char *
sgplan_make_staging_dir (const char *target, GError **error)
{
  char *tmp = temp_template (target);

  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      int saved = errno;
      g_autofree char *dir = g_path_get_dirname (target);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot create a folder in '%s': %s",
                   dir, g_strerror (saved));
      g_free (tmp);
      return NULL;
    }
  return tmp;
}

void
sgplan_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      struct stat st;

      if (lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        sgplan_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

gboolean
sgplan_stdin_once (const char *const *paths, guint n_paths, GError **error)
{
  guint seen = 0;

  for (guint i = 0; i < n_paths; i++)
    if (paths[i] != NULL && strcmp (paths[i], SGPLAN_STDIO) == 0 && seen++ > 0)
      {
        g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                     "standard input ('-') can be read only once");
        return FALSE;
      }
  return TRUE;
}
