/* fuzz-validate.c - fuzz target: `sgplan validate` of a change set against an export.
 *
 * The export is fixed, fixtures/example (two accounts' worth of defaults,
 * references and ENIs), loaded once; the input is the change set.  Seeds are
 * plans of that export, so mutations stay close to a change set that passes
 * and reach every check, not just the reader.  A change set that validates
 * is validated once more with the export as its own --after state, which
 * runs the prediction of the state after the change. */
#include "config.h"

#include "fuzz.h"

#include "export.h"
#include "util.h"
#include "verify.h"

#include <stdlib.h>

const char fuzz_target_name[] = "validate";

static Model *fixture;

static void
free_fixture (void)
{
  g_clear_pointer (&fixture, model_free);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *dir = fuzz_source_path ("fixtures/example");
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;

  fixture = export_load (paths, 1, NULL, &error);
  if (fixture == NULL)
    g_error ("cannot load the export the change sets are checked against: %s", error->message);
  atexit (free_fixture);
  return 0;
}

static Validation *
validate (const char *path, const Model *after)
{
  VerifyOptions options = { FUZZ_DATE };
  g_autoptr (GError) error = NULL;
  Validation *v = verify_changeset (path, fixture, after, &options, &error);
  g_autofree char *text = NULL, *json = NULL;

  if (v == NULL)
    {
      fuzz_expect_reportable (error, "validate");
      g_debug ("not validated: %s", error->message);
      return NULL;
    }
  text = verify_render_text (path, v);
  json = verify_render_json (path, v);
  g_debug ("%s%s", after != NULL ? "with --after: " : "", verify_verdict (v));
  return v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_input ("plan", data, size);
  g_autoptr (Validation) v = validate (path, NULL);

  if (v != NULL && v->valid)
    {
      g_autoptr (Validation) again = validate (path, fixture);
    }
  return 0;
}
