#!/bin/sh
# golden-check.sh - `sgplan check` on every fixture, text and JSON, against
# golden files that were reviewed line by line when they were made.
#
# To review a change of output: SGPLAN_UPDATE_GOLDEN=1 make check, then read
# `git diff tests/golden` line by line before committing it.
. "$srcdir/tests/lib.sh"

golden="$srcdir/tests/golden"
for dir in "$srcdir"/fixtures/*/; do
  name=$(basename "$dir")
  for format in text json; do
    case $format in text) ext=txt ;; json) ext=json ;; esac
    test_expect "check --format=$format fixtures/$name matches tests/golden/$name.check.$ext" "
      cd '$srcdir/fixtures'
      run_sgplan check --format=$format '$name'
      # exit 1 exactly when the golden report has a FAILED group
      if grep -qE '^sg-[0-9a-f]+ +FAILED|\"status\": \"FAILED\"' '$golden/$name.check.$ext'; then expect_status 1; else expect_status 0; fi
      test ! -s \"\$TMP/stderr\"
      if [ -n \"\${SGPLAN_UPDATE_GOLDEN:-}\" ]; then cp \"\$TMP/stdout\" '$golden/$name.check.$ext'; fi
      compare '$golden/$name.check.$ext' \"\$TMP/stdout\"
    "
  done
done

if command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  test_expect 'every JSON check report is valid against schemas/check.schema.json' "
    /usr/bin/python3 '$srcdir/tests/validate-json.py' '$srcdir/schemas/check.schema.json' '$golden'/*.check.json
  "
else
  test_skip 'every JSON check report is valid against schemas/check.schema.json' 'python3-jsonschema is not installed'
fi

test_done
