/* sha256.h - SHA-256 for file hashes and the state fingerprint.
 *
 * Nettle's implementation, not GLib's GChecksum: on a CPU with the SHA
 * extensions (and Debian builds nettle to pick them at run time) it hashes
 * about five times faster, and hashing every export file and the whole state
 * was close to a third of `check`.  The digests are the same SHA-256, so
 * recorded file hashes and fingerprints keep their values.  Updates are
 * buffered here so that the many small fields of the fingerprint cost one
 * call per block, not one per field. */
#pragma once

#include <glib.h>
#include <string.h>
#include <nettle/sha2.h>

typedef struct {
  struct sha256_ctx ctx;
  gsize used;
  guchar buf[4096];
} SgplanSha256;

static inline void
sgplan_sha256_init (SgplanSha256 *s)
{
  sha256_init (&s->ctx);
  s->used = 0;
}

static inline void
sgplan_sha256_update (SgplanSha256 *s, const void *data, gsize len)
{
  if (len > sizeof s->buf - s->used)
    {
      sha256_update (&s->ctx, s->used, s->buf);
      s->used = 0;
      if (len > sizeof s->buf / 2)
        {
          sha256_update (&s->ctx, len, data);
          return;
        }
    }
  memcpy (s->buf + s->used, data, len);
  s->used += len;
}

/* Finish and write the digest as 64 lowercase hex digits and a NUL. */
static inline void
sgplan_sha256_hex (SgplanSha256 *s, char out[65])
{
  static const char hex[] = "0123456789abcdef";
  guchar digest[SHA256_DIGEST_SIZE];

  sha256_update (&s->ctx, s->used, s->buf);
  s->used = 0;
  sha256_digest (&s->ctx, sizeof digest, digest);
  for (guint i = 0; i < sizeof digest; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 15];
    }
  out[64] = '\0';
}
