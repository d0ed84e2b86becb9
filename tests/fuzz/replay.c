/* replay.c - run a fuzz target once on every file of its corpus (make check).
 *
 * Linked with a fuzz-TARGET.c instead of libFuzzer, so that any compiler
 * builds it and make check replays tests/fuzz/corpus/TARGET/ (or the files
 * and folders given as arguments) in seconds, under ASan and UBSan when
 * configured with --enable-asan.  One TAP line per input; a crash or a
 * sanitizer report ends the program, and the log names the input it was
 * replaying.  Adding a reproducer is adding a file to the corpus folder. */
#include "config.h"

#include "fuzz.h"
#include "util.h"

#include <stdio.h>

static guint count;

static void
replay_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;

  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  /* on stderr too: that is where a sanitizer report follows */
  fprintf (stderr, "replaying %s\n", path);
  fflush (stderr);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  printf ("ok %u - %s\n", ++count, path);
  fflush (stdout);
}

static void
replay (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      replay_file (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    g_error ("cannot read the corpus folder '%s'", path);
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, sgplan_compare_strings);
  for (guint i = 0; i < names->len; i++)
    replay_file (names->pdata[i]);
}

int
main (int argc, char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      replay (argv[i]);
  else
    {
      g_autofree char *corpus = g_strconcat ("tests/fuzz/corpus/", fuzz_target_name, NULL);
      g_autofree char *dir = fuzz_source_path (corpus);

      replay (dir);
    }
  if (count == 0)
    {
      printf ("not ok 1 - the corpus has no inputs\n1..1\n");
      return 1;
    }
  printf ("1..%u\n", count);
  return 0;
}
