#!/bin/sh
# shapes.sh [FRACTION] - is sgplan linear on every shape?
#
# For each pathological shape of bench/gen-export.py, at N and 2N, measures
# CPU time (user+sys) and peak RSS of check, plan, show, script, apply and
# validate, and prints the 2N/N ratios (linear is about 2; issue 10 asks for
# at most 2.3).  The sizes N are those of issue 10 (one default group on
# 100,000 ENIs; 40,000 referencing rules; 4,000 default groups; 40,000 rules
# in one group; 50,000 ENIs on 5 groups each) times FRACTION (default 0.1).
# Measures, asserts nothing; not in make check.  Run from the build tree (or
# set SGPLAN).  BENCH_DIR (default /tmp/sgplan-bench) holds the exports.
set -eu

FRACTION=${1:-0.1}
SGPLAN=${SGPLAN:-./sgplan}
BENCH=$(cd "$(dirname "$0")" && pwd)
DIR=${BENCH_DIR:-/tmp/sgplan-bench}/shapes
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "$TIME is needed (apt-get install time)" >&2; exit 2; }
mkdir -p "$DIR"

# run NAME COMMAND...: prints "cpu rss_kb" of one run (exit 1 and 5 are answers, not failures)
run () {
  status=0
  $TIME -f "%U %S %M" -o "$DIR/time.out" "$@" >/dev/null 2>"$DIR/err" || status=$?
  case $status in 0|1|5) ;; *) echo "$* failed ($status):" >&2; cat "$DIR/err" >&2; exit 1 ;; esac
  tail -1 "$DIR/time.out" | awk '{ printf "%.2f %d", $1 + $2, $3 }'
}

# measure SHAPE N: one line per command, "command cpu rss"
measure () {
  ex="$DIR/$1-$2"
  [ -e "$ex/.complete" ] || { rm -rf "$ex"; python3 "$BENCH/gen-export.py" --shape "$1" -n "$2" "$ex"; touch "$ex/.complete"; }
  cs="$DIR/$1-$2.yaml"
  echo "check $(run "$SGPLAN" check "$ex")"
  echo "plan $(run "$SGPLAN" plan --date 2026-01-01 -o "$cs" "$ex")"
  echo "show $(run "$SGPLAN" show "$cs")"
  echo "script $(run "$SGPLAN" script -o "$DIR/run.sh" "$cs")"
  rm -rf "$DIR/after"
  echo "apply $(run "$SGPLAN" apply "$cs" "$ex" -o "$DIR/after")"
  echo "validate $(run "$SGPLAN" validate --date 2026-01-01 "$cs" "$ex")"
}

printf '%-22s %-9s %8s %8s %7s %9s %9s %7s\n' shape command "cpu N" "cpu 2N" ratio "RSS N" "RSS 2N" ratio
for spec in one-default-enis:100000 referencing-rules:40000 many-defaults:4000 big-group:40000 \
            multi-group-enis:50000; do
  shape=${spec%%:*}
  n=$(awk -v n="${spec#*:}" -v f="$FRACTION" 'BEGIN { printf "%d", n * f }')
  measure "$shape" "$n" >"$DIR/a"
  measure "$shape" $((2 * n)) >"$DIR/b"
  paste -d' ' "$DIR/a" "$DIR/b" | awk -v s="$shape $n" '{
    printf "%-22s %-9s %8.2f %8.2f %7.2f %7d MB %7d MB %7.2f\n", s, $1, $2, $5, ($2 > 0 ? $5 / $2 : 0),
           $3 / 1024, $6 / 1024, ($3 > 0 ? $6 / $3 : 0) }'
done
