/* manifest.h - the manifest sgplan-collect writes next to an export.
 *
 * sgplan-collect writes OUT/sgplan-collect.json: which accounts and
 * regions it set out to collect, and which of them it finished.  A region
 * it did not finish is missing from the export, and nothing else would say
 * so: export_load reads the manifest (by its file name, wherever it is
 * among the paths) and `check` reports every such region as a gap. */
#pragma once

#include <glib.h>

#define MANIFEST_FILE_NAME "sgplan-collect.json"

typedef struct {
  char *account; /* "*" for an account not reached whose ID is unknown */
  char *region;  /* "*" for an account not reached */
  char *status;  /* "complete", "failed", "pending" */
  char *error;   /* why it failed, or NULL */
  char *profile; /* an account not reached: the named profile that failed, or NULL */
} ManifestRegion;

typedef struct {
  char *file;          /* display path */
  char *version;       /* of sgplan-collect */
  char *cli_version;   /* of the AWS CLI, or NULL */
  char *started_at, *finished_at; /* finished_at: NULL when the run did not end */
  guint n_accounts;
  GPtrArray *regions;  /* (element-type ManifestRegion) in the manifest's order */
  guint n_incomplete;  /* regions whose status is not "complete" */
  GPtrArray *unreached; /* (element-type ManifestRegion) "Unreached": accounts whose
                         * credentials or region list could not be had */
} Manifest;

/* Is PATH a manifest (by its file name)? */
gboolean manifest_is_manifest (const char *path);

/* Read and check the manifest at PATH; errors are SGPLAN_ERROR_IO or
 * SGPLAN_ERROR_INPUT with 'FILE':LINE:COL:. */
Manifest *manifest_read (const char *path, GError **error);
void manifest_free (Manifest *manifest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manifest, manifest_free)

/* "collected by sgplan-collect 0.1.0 at 2026-12-01T10:00:00Z, 2 accounts,
 * 8 regions, complete" (or "3 regions not collected", "1 account not
 * reached", "unfinished"). */
char *manifest_describe (const Manifest *manifest);
