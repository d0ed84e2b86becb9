#!/bin/sh
# graph.sh - `sgplan graph`: Graphviz renders its DOT for every fixture's
# plan and shows what depends on each default group; its Mermaid passes a
# structural check (tests/graph-check.py); one golden picture; the output is
# the same every time; --group and --max-* draw what they say; hostile names
# cannot break out of a label in either language; bad input is refused.
#
# After an intended change: SGPLAN_UPDATE_GOLDEN=1 make check, then review
# `git diff tests/golden/graph` line by line before committing.
. "$srcdir/tests/lib.sh"

golden="$srcdir/tests/golden/graph"
py=/usr/bin/python3
check="$py $srcdir/tests/graph-check.py"
have_dot=no
if command -v dot >/dev/null; then have_dot=yes; fi

# plan_of FIXTURE: its change set, made once, in $TMP/FIXTURE.yaml
plan_of () {
  [ -f "$TMP/$1.yaml" ] || (cd "$srcdir/fixtures" && sgplan plan "$1" >"$TMP/$1.yaml")
}

# svg_has FILE TEXT...: the SVG shows each TEXT as a line of a label (a
# <text> element, XML entities decoded)
cat >"$TMP/svg-texts.py" <<'EOF'
import html, re, sys
for t in re.findall(r"<text[^>]*>(.*?)</text>", open(sys.argv[1], encoding="utf-8").read()):
    print(html.unescape(t))
EOF
svg_has () {
  $py "$TMP/svg-texts.py" "$1" >"$1.texts"
  svg=$1
  shift
  for t in "$@"; do
    grep -qxF -- "$t" "$svg.texts" || { echo "the SVG does not show '$t'"; return 1; }
  done
}

# every default group of the plan is drawn, in DOT (through Graphviz) and Mermaid
for dir in "$srcdir"/fixtures/*/; do
  name=$(basename "$dir")
  if [ $have_dot = yes ]; then
    test_expect "dot -Tsvg renders the graph of $name, with every default group" "
      plan_of $name
      sgplan graph \"\$TMP/$name.yaml\" >g.dot
      dot -Tsvg g.dot >g.svg
      for id in \$(sed -n 's/^- group_id: \"\\(.*\\)\"\$/\\1/p' \"\$TMP/$name.yaml\"); do
        svg_has g.svg \"default group \$id\"
      done
    "
  else
    test_skip "dot -Tsvg renders the graph of $name, with every default group" 'graphviz (dot) is not installed'
  fi
  test_expect "the Mermaid graph of $name is well-formed, with every default group" "
    plan_of $name
    sgplan graph --format mermaid \"\$TMP/$name.yaml\" >g.mmd
    $check g.mmd
    $check --labels g.mmd >labels
    for id in \$(sed -n 's/^- group_id: \"\\(.*\\)\"\$/\\1/p' \"\$TMP/$name.yaml\"); do
      grep -q \"^default group \$id / \" labels
    done
  "
done

if [ $have_dot = yes ]; then
  test_expect 'the graph shows referencing groups and how the plan re-points their rules' '
    plan_of referenced
    sgplan graph "$TMP/referenced.yaml" | dot -Tsvg >g.svg
    svg_has g.svg "group app" "group db" "sg-034ccefc34f475444" "revoked (step 8)" "added (step 4)" \
      "inbound tcp 8080" "removed (step 7)" "added (step 3)" "ec2 instance i-0a8b3ffef97d791c0" \
      "replacement new:sg-002f2be7dd2566981" "2 rules revoked (steps 11-12)" "legend"
  '
  test_expect 'the graph shows peered VPCs, other accounts and VPCs outside the export' '
    plan_of peering
    sgplan graph "$TMP/peering.yaml" | dot -Tsvg >g.svg
    svg_has g.svg "VPC vpc-0a8a83a5683347bac" "account 444455556666, us-east-1" \
      "account 111122223333, us-east-1" "group partner-api" \
      "inbound tcp 443 via pcx-06172587bbee263bc" "VPC vpc-06d3ee814bd6bdf80" "not in the export" \
      "via pcx-086cba961cc2a9f89" "FAILED, blocked"
  '
  test_expect 'the graph shows the resources behind network interfaces, from the plan'\''s steps' '
    plan_of service-resources
    sgplan graph --max-interfaces 0 "$TMP/service-resources.yaml" | dot -Tsvg >g.svg
    svg_has g.svg "lambda-function orders-api" "elbv2-load-balancer web-alb" "rds-db-instance orders-db" \
      "rds-db-cluster reports-aurora" "efs-mount-target fsmt-0a9b8c7d6e5f4a3b2" \
      "elasticache-replication-group orders-cache" "vpc-endpoint vpce-0c4d5e6f7a8b9c0d1" \
      "eni-01a9f1c3e5b7d8f0a" "lambda function" "removed (step 15)"
  '
  test_expect 'default groups that reference each other point at each other' '
    plan_of plan-cross-default
    sgplan graph "$TMP/plan-cross-default.yaml" >g.dot
    dot -Tsvg g.dot >/dev/null
    # no node for a referencing group that is a default group drawn already
    test "$(grep -c "label=\"default group " g.dot)" = "$(grep -c "^- group_id: " "$TMP/plan-cross-default.yaml")"
    ! grep -q "label=\"group default" g.dot
  '
fi

# golden pictures of a small estate: reviewed line by line when made
for format in dot mermaid; do
  ext=$format; [ $format = mermaid ] && ext=mmd
  test_expect "graph --format $format of peering matches tests/golden/graph/peering.$ext" "
    plan_of peering
    run_sgplan graph --format $format \"\$TMP/peering.yaml\"
    expect_status 0
    test ! -s \"\$TMP/stderr\"
    if [ -n \"\${SGPLAN_UPDATE_GOLDEN:-}\" ]; then cp \"\$TMP/stdout\" '$golden/peering.$ext'; fi
    compare '$golden/peering.$ext' \"\$TMP/stdout\"
  "
done

test_expect 'the graph is the same every time, from YAML or JSON, and -o writes what stdout gets' '
  plan_of multi-account
  (cd "$srcdir/fixtures" && sgplan plan --format json multi-account) >plan.json
  for f in dot mermaid; do
    sgplan graph -f $f "$TMP/multi-account.yaml" >a
    SGPLAN_THREADS=1 sgplan graph -f $f "$TMP/multi-account.yaml" >b
    sgplan graph -f $f plan.json >c
    sgplan graph -f $f -o d "$TMP/multi-account.yaml"
    cmp a b; cmp a c; cmp a d
  done
'
test_expect '-o replaces a file atomically, leaves no temporary file and never writes over the plan' '
  plan_of referenced
  cp "$TMP/referenced.yaml" plan.yaml
  echo old >out.dot
  sgplan graph -o out.dot plan.yaml
  head -1 out.dot | grep -qx "digraph \"sgplan\" {"
  test -z "$(ls -A | grep sgplan-tmp)"
  run_sgplan graph -o plan.yaml plan.yaml; expect_status 2
  grep -q "^sgplan: error: refusing to write '\''plan.yaml'\'': it is an input" "$TMP/stderr"
  cmp plan.yaml "$TMP/referenced.yaml"
'

test_expect '--group draws only the default groups named' '
  plan_of multi-account
  sgplan graph --group sg-01bc280ef3adef8d8 "$TMP/multi-account.yaml" >one.dot
  test "$(grep -c "label=\"default group " one.dot)" = 1
  grep -q "default group sg-01bc280ef3adef8d8" one.dot
  grep -q "sg-0915cd900fb7fc182" one.dot
  ! grep -q "eni-09bb9d08da6d0d4d2" one.dot
  sgplan graph --group sg-01bc280ef3adef8d8 --group sg-0997887146fb6e01d -f mermaid "$TMP/multi-account.yaml" >two.mmd
  $check two.mmd
  test "$($check --labels two.mmd | grep -c "^default group ")" = 2
'
test_expect '--group that the change set does not have is invalid input (exit 3), a malformed one a usage error (exit 2)' '
  plan_of referenced
  run_sgplan graph --group sg-0123456789abcdef0 "$TMP/referenced.yaml"; expect_status 3
  grep -q "no default group '\''sg-0123456789abcdef0'\'' in this change set" "$TMP/stderr"
  test ! -s "$TMP/stdout"
  run_sgplan graph --group vpc-0123456789abcdef0 "$TMP/referenced.yaml"; expect_status 2
  grep -q "^sgplan: error: --group '\''vpc-0123456789abcdef0'\'' is not a security group ID" "$TMP/stderr"
'
test_expect '--max-interfaces collapses the rest into one node; 0 draws them all' '
  plan_of service-resources
  sgplan graph --max-interfaces 3 -f mermaid "$TMP/service-resources.yaml" >three.mmd
  $check three.mmd
  $check --labels three.mmd >labels
  test "$(grep -c "^eni-" labels)" = 3
  grep -qx "… and 7 more network interfaces" labels
  sgplan graph --max-interfaces 0 -f mermaid "$TMP/service-resources.yaml" >all.mmd
  test "$($check --labels all.mmd | grep -c "^eni-")" = 10
  ! grep -q "more network interface" all.mmd
  sgplan graph -f mermaid "$TMP/service-resources.yaml" >default.mmd
  cmp all.mmd default.mmd
  sgplan graph --max-interfaces 9 "$TMP/service-resources.yaml" >nine.dot
  grep -q "… and 1 more network interface\"" nine.dot
'
test_expect '--max-referencing collapses the referencing groups past N into one node' '
  plan_of referenced
  sgplan graph --max-referencing 1 "$TMP/referenced.yaml" >one.dot
  grep -q "label=\"group app" one.dot
  ! grep -q "label=\"group db" one.dot
  grep -q "… and 1 more referencing group\"" one.dot
  grep -q "label=\"revoked.n1 rule\"" one.dot
  grep -q "label=\"added.n1 rule\"" one.dot
  if [ "$have_dot" = yes ]; then dot -Tsvg one.dot >/dev/null; fi
  plan_of peering
  sgplan graph --max-referencing 0 "$TMP/peering.yaml" >all.dot
  sgplan graph --max-referencing 1 "$TMP/peering.yaml" >one.dot
  cmp all.dot one.dot
'
test_expect 'a negative --max-* or an unknown format is a usage error (exit 2)' '
  plan_of referenced
  run_sgplan graph --max-interfaces -1 "$TMP/referenced.yaml"; expect_status 2
  grep -q "must be 0 (no limit) or more" "$TMP/stderr"
  run_sgplan graph --max-referencing=-5 "$TMP/referenced.yaml"; expect_status 2
  run_sgplan graph --format svg "$TMP/referenced.yaml"; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: unknown format '\''svg'\'' (expected dot or mermaid)"
'

# Hostile names: every string the graph shows from the change set, made as
# hostile for DOT and Mermaid as can be.  The picture must keep the shape of
# the harmless one (same nodes, edges and clusters) and show the text.
cat >"$TMP/hostile.py" <<'EOF'
import json, sys
hostile = ['x"]; evil1 --> y', 'a\\" evil2 \\', 'line1\nline2 evil3', '}}]])) evil4 |"|',
           '#quot; <br> %% evil5 &lt; <b>', '\u202e evil6 \u0007 \u00e9', 'end', 'subgraph evil8',
           '-->|"evil9"| x', 'a\\nb \\l evil10 \\N', "graph [label=evil11]; \"", '\u2028evil12\u2029']
plan = json.load(open(sys.argv[1]))
n = 0
vpcs = {}
def vpc(old):
    return vpcs.setdefault(old, "vpc-" + hostile[len(vpcs) % len(hostile)])
def pick():
    global n
    n += 1
    return hostile[(n - 1) % len(hostile)]
for g in plan["default_groups"]:
    g["vpc_id"] = vpc(g["vpc_id"])
for g in plan["default_groups"]:
    f = g["findings"]
    renamed = {}
    for ref in f["references"]:
        ref["group_name"] = pick()
        renamed.setdefault(ref["group_id"], "sg-" + pick())
        ref["group_id"] = renamed[ref["group_id"]]
        if "vpc_id" in ref:
            ref["vpc_id"] = vpc(ref["vpc_id"])
        ref["rule"]["description"] = pick()
        ref["rule"]["peering_id"] = pick()
    for eni in f["attached_interfaces"]:
        eni["description"] = pick()
    for ext in f["outside_references"]:
        ext["referencing_vpc_id"] = "vpc-" + pick()
        ext["peering_id"] = pick()
    if "replacement" in g:
        g["replacement"]["group_name"] = pick()
    if "reason" in g:
        g["reason"] = pick()
json.dump(plan, open(sys.argv[2], "w"), ensure_ascii=False)
EOF
# the same nodes (by kind: the prefix of their IDs), edges and clusters; IDs
# are plain identifiers whatever the names
cat >"$TMP/dot-shape.py" <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
def shape(g):
    objects = g.get("objects", [])
    return len(objects), len(g.get("edges", [])), sorted(o["name"].split("_")[0] for o in objects)
assert shape(a) == shape(b), (shape(a), shape(b))
names = [o["name"] for o in b.get("objects", [])]
assert all(n.replace("_", "").isalnum() for n in names), names
EOF
for fixture in referenced peering hostile-values; do
  test_expect "hostile names in the change set of $fixture cannot break the DOT or Mermaid syntax" "
    (cd '$srcdir/fixtures' && sgplan plan --format json $fixture) >plan.json
    $py \"\$TMP/hostile.py\" plan.json hostile.json
    sgplan graph -f mermaid plan.json >plain.mmd
    sgplan graph -f mermaid hostile.json >hostile.mmd
    test \"\$($check plain.mmd)\" = \"\$($check hostile.mmd)\"
    $check --labels hostile.mmd >labels
    for m in evil1 evil2 evil3 evil4; do grep -q \$m labels; done
    grep -qF 'x\"]; evil1 --> y' labels
    grep -qF 'a\\\\\" evil2 \\\\' labels
    grep -qF 'line1\\nline2 evil3' labels
    if [ $have_dot = yes ]; then
      sgplan graph plan.json >plain.dot
      sgplan graph hostile.json >hostile.dot
      dot -Tjson plain.dot >plain.out
      dot -Tjson hostile.dot >hostile.out
      $py \"\$TMP/dot-shape.py\" plain.out hostile.out
      grep -qF 'evil3' hostile.out
    fi
  "
done

test_expect 'a damaged change set is invalid input (exit 3) with file:line:column' '
  printf "format: sgplan-changeset\nversion: 1\nfingerprint: [\n" >bad.yaml
  run_sgplan graph bad.yaml; expect_status 3
  grep -q "^sgplan: error: '\''bad.yaml'\'':[0-9]*:[0-9]*: " "$TMP/stderr"
  test ! -s "$TMP/stdout"
  run_sgplan graph "$srcdir/tests/bad-changeset/bad-fingerprint.yaml"; expect_status 3
  grep -q "bad-fingerprint.yaml'\'':[0-9]*:[0-9]*: " "$TMP/stderr"
'
test_expect 'no change set, two, or a missing file are usage or I/O errors (exit 2)' '
  run_sgplan graph; expect_status 2
  grep -q "graph needs exactly one change set" "$TMP/stderr"
  run_sgplan graph a.yaml b.yaml; expect_status 2
  run_sgplan graph no-such.yaml; expect_status 2
  grep -q "no-such.yaml" "$TMP/stderr"
  test ! -s "$TMP/stdout"
'
test_expect 'sgplan graph --help lists every option' '
  run_sgplan graph --help; expect_status 0
  for o in --format --output --group --max-interfaces --max-referencing; do
    grep -q -- "$o" "$TMP/stdout"
  done
'
test_done
