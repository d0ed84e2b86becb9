#!/bin/sh
# golden-plan.sh - `sgplan plan` and `sgplan show` on every fixture and on
# option variants, against golden files reviewed line by line when made;
# every change set is valid against schemas/changeset.schema.json, passes
# yamllint, and its JSON form holds the same tree as its YAML form.
#
# After an intended change: SGPLAN_UPDATE_GOLDEN=1 make check, then review
# `git diff tests/golden` line by line before committing.
. "$srcdir/tests/lib.sh"

golden="$srcdir/tests/golden/plan"
py=/usr/bin/python3
have_py=no
if [ -x $py ] && $py -c 'import jsonschema, yaml' 2>/dev/null; then have_py=yes; fi

# golden_case LABEL GOLDEN-STEM ARGS...: plan (YAML and JSON) and show.
golden_case () {
  label=$1 stem=$2
  shift 2
  test_expect "plan $label matches tests/golden/plan/$stem.plan.yaml" "
    cd '$srcdir/fixtures'
    run_sgplan plan $*
    expect_status 0
    test ! -s \"\$TMP/stderr\"
    if [ -n \"\${SGPLAN_UPDATE_GOLDEN:-}\" ]; then cp \"\$TMP/stdout\" '$golden/$stem.plan.yaml'; fi
    compare '$golden/$stem.plan.yaml' \"\$TMP/stdout\"
  "
  test_expect "plan --format=json $label holds the same tree as the YAML" "
    cd '$srcdir/fixtures'
    run_sgplan plan --format=json $*
    expect_status 0
    cp \"\$TMP/stdout\" \"\$TMP/$stem.json\"
    if [ $have_py = yes ]; then $py '$srcdir/tests/same-tree.py' '$golden/$stem.plan.yaml' \"\$TMP/$stem.json\"; fi
    $py -m json.tool \"\$TMP/$stem.json\" >/dev/null
  "
  test_expect "show of $label matches tests/golden/plan/$stem.show.txt" "
    run_sgplan show '$golden/$stem.plan.yaml'
    expect_status 0
    if [ -n \"\${SGPLAN_UPDATE_GOLDEN:-}\" ]; then cp \"\$TMP/stdout\" '$golden/$stem.show.txt'; fi
    compare '$golden/$stem.show.txt' \"\$TMP/stdout\"
  "
}

for dir in "$srcdir"/fixtures/*/; do
  name=$(basename "$dir")
  golden_case "$name" "$name" "$name"
done

# Options, each against a fixture that shows its effect.
golden_case '--except (a group)' example-except-group --except sg-0f952ef42c1d0286c example
golden_case '--exceptions FILE (expired, live, account-wide)' example-exceptions-file \
  --exceptions ../tests/plan/exceptions.yaml --date 2026-11-30 example peering
golden_case '--replacement-name TEMPLATE' rule-kinds-name-template \
  --replacement-name "'sgplan {region} {group_id}'" plan-rule-kinds
golden_case '--max-rules-per-group 5' rule-kinds-rules-quota --max-rules-per-group 5 plan-rule-kinds
golden_case '--max-groups-per-eni 6' quotas-six-groups --max-groups-per-eni 6 plan-quotas

for stem in example service-enis eni-kinds; do
  test_expect "show --format=markdown of $stem matches tests/golden/plan/$stem.show.md" "
    run_sgplan show --format=markdown '$golden/$stem.plan.yaml'
    expect_status 0
    if [ -n \"\${SGPLAN_UPDATE_GOLDEN:-}\" ]; then cp \"\$TMP/stdout\" '$golden/$stem.show.md'; fi
    compare '$golden/$stem.show.md' \"\$TMP/stdout\"
  "
done
test_expect 'show reads the JSON form the same as the YAML form' "
  cd '$srcdir/fixtures'
  sgplan plan --format=json example >\"\$TMP/example.json\"
  sgplan show \"\$TMP/example.json\" >\"\$TMP/from-json\"
  compare '$golden/example.show.txt' \"\$TMP/from-json\"
"

if [ $have_py = yes ]; then
  test_expect 'every golden change set is valid against schemas/changeset.schema.json' "
    $py '$srcdir/tests/validate-json.py' '$srcdir/schemas/changeset.schema.json' '$golden'/*.plan.yaml
  "
else
  test_skip 'every golden change set is valid against schemas/changeset.schema.json' 'python3-jsonschema or python3-yaml missing'
fi
if command -v yamllint >/dev/null; then
  test_expect 'yamllint finds nothing in any golden change set' "
    yamllint --strict -c '$srcdir/.yamllint' '$golden'/*.plan.yaml '$srcdir/tests/plan/exceptions.yaml'
  "
else
  test_skip 'yamllint finds nothing in any golden change set' 'yamllint is not installed'
fi

test_done
