#!/bin/sh
# source-rules.sh - rules of the source code that a compiler does not enforce
# and a sanitizer catches only on the inputs that reach the line.
. "$srcdir/tests/lib.sh"

src="$srcdir/src"

# qsort (NULL, 0, ...) is undefined behaviour (issue 9, item 10), and our
# empty arrays are often NULL; sgplan_qsort (src/sort.h) sorts only 2 or more.
test_expect 'every qsort of a plain array goes through sgplan_qsort' "
  ! grep -n '\\(^\\|[^_a-z]\\)qsort *(' '$src'/*.c '$src'/*.h | grep -v '^$src/sort.h:'
"

test_done
