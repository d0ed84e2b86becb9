/* sort.h - qsort for arrays that may be empty. */
#pragma once

#include <stdlib.h>

/* C declares qsort's BASE non-null even when NMEMB is 0, and our empty arrays
 * are often NULL (a group without tags, g_array_free of an empty GArray, the
 * data of a GArray that never grew).  qsort (NULL, 0, ...) is undefined
 * behaviour that UBSan reports and an optimising compiler may exploit, so
 * every sort of a plain C array goes through here instead. */
static inline void
sgplan_qsort (void *base, size_t nmemb, size_t size,
              int (*compare) (const void *, const void *))
{
  if (nmemb > 1)
    qsort (base, nmemb, size, compare);
}
