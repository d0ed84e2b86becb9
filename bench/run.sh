#!/bin/sh
# run.sh [SCALE] - sgplan against the tools a user would otherwise write.
#
# Generates the organisation export (bench/gen-export.py: 10 accounts x 4
# regions x 5 VPCs, 50 groups and 2,500 ENIs per VPC at SCALE 1, about 700 MB;
# SCALE multiplies groups and ENIs), then measures, one run each, CPU time
# (user+sys), wall time and peak RSS of: sgplan check, plan, show, script,
# apply and validate; the Python peer (bench/peer.py) and the jq peer
# (bench/peer.jq), which compute the same EC2.2 facts; and a bare cJSON parse
# of the same files (bench/cjson-parse.c).  Prints the table and the ratios
# issue targets are stated in.  Measures, asserts nothing; not in make check.
#
# Run from the build tree (or set SGPLAN=/path/to/sgplan).  BENCH_DIR (default
# /tmp/sgplan-bench) keeps the generated export between runs.
set -eu

SCALE=${1:-1}
SGPLAN=${SGPLAN:-./sgplan}
BENCH=$(cd "$(dirname "$0")" && pwd)
DIR=${BENCH_DIR:-/tmp/sgplan-bench}
TIME=/usr/bin/time
for tool in python3 jq cc pkg-config; do
  command -v $tool >/dev/null || { echo "$tool is needed (apt-get install python3 jq build-essential pkg-config)" >&2; exit 2; }
done
[ -x "$TIME" ] || { echo "$TIME is needed (apt-get install time)" >&2; exit 2; }

export_dir="$DIR/org-$SCALE"
if [ ! -e "$export_dir/.complete" ]; then
  rm -rf "$export_dir"
  echo "generating the organisation export at scale $SCALE in $export_dir ..." >&2
  python3 "$BENCH/gen-export.py" --scale "$SCALE" "$export_dir"
  touch "$export_dir/.complete"
fi
# one describe-network-interfaces file of about 340 MB (one default group on
# 227,000 ENIs), for the memory of a single large file
big_dir="$DIR/one-file-340mb"
if [ ! -e "$big_dir/.complete" ]; then
  rm -rf "$big_dir"
  echo "generating a 340 MB network-interfaces file in $big_dir ..." >&2
  python3 "$BENCH/gen-export.py" --shape one-default-enis -n 227000 "$big_dir"
  touch "$big_dir/.complete"
fi
files=$(find "$export_dir" -name '*.json' | sort)
size=$(du -sm "$export_dir" | cut -f1)
cc -O2 -o "$DIR/cjson-parse" "$BENCH/cjson-parse.c" $(pkg-config --cflags --libs libcjson)

# measure NAME COMMAND...: one line "NAME cpu wall rss_kb" into $DIR/results
measure () {
  name=$1; shift
  status=0
  $TIME -f "%U %S %e %M" -o "$DIR/time.out" "$@" >"$DIR/out" 2>"$DIR/err" || status=$?
  # check exits 1 when a default group FAILED; validate 5 when groups stay blocked
  case "$name:$status" in
    *:0|check:1|check-340mb-file:1|validate:5) ;;
    *) echo "$name failed ($status):" >&2; cat "$DIR/err" >&2; exit 1 ;;
  esac
  tail -1 "$DIR/time.out" | awk -v n="$name" '{ printf "%s %.2f %.2f %d\n", n, $1 + $2, $3, $4 }' >>"$DIR/results"
}

: >"$DIR/results"
measure cjson-parse "$DIR/cjson-parse" $files
measure python3 python3 "$BENCH/peer.py" "$export_dir"
measure jq jq -n -f "$BENCH/peer.jq" $files
measure check "$SGPLAN" check "$export_dir"
measure plan "$SGPLAN" plan --date 2026-01-01 -o "$DIR/plan.yaml" "$export_dir"
measure show "$SGPLAN" show "$DIR/plan.yaml"
measure script "$SGPLAN" script -o "$DIR/plan.sh" "$DIR/plan.yaml"
rm -rf "$DIR/after"
measure apply "$SGPLAN" apply "$DIR/plan.yaml" "$export_dir" -o "$DIR/after"
measure validate "$SGPLAN" validate --date 2026-01-01 "$DIR/plan.yaml" "$export_dir"
measure check-340mb-file "$SGPLAN" check "$big_dir"

echo "organisation export, scale $SCALE: $(echo $files | wc -w) files, $size MB;" \
  "check-340mb-file: one $(du -m "$big_dir"/*/*/network-interfaces.json | cut -f1) MB file;" \
  "SGPLAN_THREADS=${SGPLAN_THREADS:-(unset: one per processor)}, $(nproc) processors"
printf '%-12s %9s %9s %11s\n' command "cpu (s)" "wall (s)" "peak RSS"
awk '{ printf "%-12s %9.2f %9.2f %8d MB\n", $1, $2, $3, $4 / 1024 }' "$DIR/results"
awk '{ cpu[$1] = $2; wall[$1] = $3; rss[$1] = $4 }
     END {
       printf "\nratios (targets from issue 10 in brackets)\n"
       for (c = 0; c < 2; c++) {
         n = c == 0 ? "check" : "plan"
         printf "%-6s python3 wall / sgplan wall  %6.2f  [>= 3]\n", n, wall["python3"] / wall[n]
         printf "%-6s jq wall / sgplan wall       %6.2f  [>= 10]\n", n, wall["jq"] / wall[n]
         printf "%-6s sgplan cpu / cJSON parse    %6.2f  [<= 1.25]\n", n, cpu[n] / cpu["cjson-parse"]
       }
       printf "validate wall / plan wall        %6.2f  [<= 2]\n", wall["validate"] / wall["plan"]
       printf "apply wall / plan wall           %6.2f  [<= 1.5]\n", wall["apply"] / wall["plan"]
       printf "check peak RSS (MB)              %6d  [<= 120 at scale 1]\n", rss["check"] / 1024
       printf "plan peak RSS (MB)               %6d  [<= 200 at scale 1]\n", rss["plan"] / 1024
       printf "340 MB file: check peak RSS (MB) %6d  [<= 150]\n", rss["check-340mb-file"] / 1024
     }' "$DIR/results"
