#!/bin/sh
# make-corpus.sh - remake the seed corpora of the fuzz targets from fixtures/ and tests/.
#
#   SGPLAN=./sgplan sh tests/fuzz/make-corpus.sh    (from the top of the source tree)
#
# Only files named seed-* are remade; anything else in a corpus folder (a
# reproducer of a fixed bug, an input a fuzzing session found) is kept:
# adding a file to tests/fuzz/corpus/TARGET/ is all it takes to replay it in
# every make check.  Seeds stay small (libFuzzer mutates small inputs faster):
# plans over 20 KB are left out.
set -eu
: "${SGPLAN:?set SGPLAN to a built sgplan}"
corpus=tests/fuzz/corpus
mkdir -p "$corpus/export" "$corpus/changeset" "$corpus/validate"
rm -f "$corpus"/*/seed-*

# export: every folder of an export tree as one file, its documents one after
# another (the loader reads several documents of any kind from one file)
for dir in $(find fixtures tests/bad-input -name '*.json' -exec dirname {} \; | sort -u); do
  name=$(printf '%s' "$dir" | tr / -)
  case $dir in
    tests/bad-input)
      for f in "$dir"/*.json; do cp "$f" "$corpus/export/seed-bad-input-$(basename "$f")"; done ;;
    *)
      cat $(find "$dir" -maxdepth 1 -name '*.json' | sort) >"$corpus/export/seed-$name.json" ;;
  esac
done

# changeset: the reviewed plans of the fixtures, YAML and as sgplan writes
# them in JSON, and the damaged change sets of tests/bad-changeset
for f in tests/golden/plan/*.plan.yaml; do
  [ "$(wc -c <"$f")" -le 20480 ] || continue
  stem=$(basename "$f" .plan.yaml)
  cp "$f" "$corpus/changeset/seed-$stem.yaml"
  if [ -d "fixtures/$stem" ]; then
    json="$corpus/changeset/seed-$stem.json"
    (cd fixtures && $SGPLAN plan --date 2026-01-01 --format json "$stem") >"$json"
    [ "$(wc -c <"$json")" -le 20480 ] || rm "$json"
  fi
done
for f in tests/bad-changeset/*.yaml tests/bad-changeset/*.json; do
  cp "$f" "$corpus/changeset/seed-bad-$(basename "$f")"
done

# validate: change sets of fixtures/example, the export the target checks against
cp tests/golden/plan/example*.plan.yaml "$corpus/validate/"
for f in "$corpus"/validate/example*.plan.yaml; do
  mv "$f" "$corpus/validate/seed-$(basename "$f" .plan.yaml).yaml"
done
(cd fixtures && $SGPLAN plan --date 2026-01-01 --format json example) >"$corpus/validate/seed-example.json"
