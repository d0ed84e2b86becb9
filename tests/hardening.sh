#!/bin/sh
# hardening.sh - hostile and unusual inputs and outputs: special files never
# block or get replaced, '-' is standard input or output, nothing is written
# into an export being read, JSON that other tools read differently is
# refused with its position, other platforms' encodings are handled or
# explained, and no message echoes a huge value.
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"
ex="$fixtures/referenced"
py=/usr/bin/python3
date=--date=2026-01-01

# A copy of the referenced fixture, to change or to write next to.
copy_export () {
  mkdir -p exp
  cp "$ex/security-groups.json" "$ex/network-interfaces.json" exp/
}

# The referenced fixture's groups with the first rule's text replaced: $1.
groups_with () {
  $py - "$ex/security-groups.json" "$1" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(text.replace('"IpProtocol": "-1"', sys.argv[2], 1))
EOF
}

# sgplan must give up at once, never wait for a writer.
quick () {
  timeout 20 $SGPLAN "$@"
}

# --- 1. inputs that are not regular files --------------------------------

test_expect 'check, show, script, validate, apply and plan --exceptions refuse a FIFO at once (exit 2)' '
  mkfifo fifo
  for cmd in "check fifo" "show fifo" "script fifo" "validate fifo $ex" "apply fifo $ex -o out" \
             "plan --exceptions fifo $ex"; do
    status=0; quick $cmd >out.txt 2>err.txt || status=$?
    test "$status" = 2 || { echo "$cmd: exit $status"; cat err.txt; exit 1; }
    test "$(cat err.txt)" = "sgplan: error: cannot read '"'"'fifo'"'"': not a regular file (a FIFO); sgplan reads regular files, or standard input given as '"'"'-'"'"'"
    test ! -s out.txt
  done
'
test_expect 'a FIFO named *.json inside an export folder is refused, not skipped or waited on' '
  copy_export
  mkfifo exp/zz.json
  status=0; quick check exp 2>err.txt || status=$?
  test "$status" = 2
  grep -qF "cannot read '"'"'exp/zz.json'"'"': not a regular file (a FIFO)" err.txt
'
test_expect 'devices are refused by kind: /dev/null and /dev/zero' '
  status=0; quick check /dev/zero 2>err.txt || status=$?
  test "$status" = 2
  grep -qF "cannot read '"'"'/dev/zero'"'"': not a regular file (a character device)" err.txt
  status=0; quick show /dev/null 2>err.txt || status=$?
  test "$status" = 2
  grep -qF "(a character device)" err.txt
'
test_expect 'a dangling *.json link in an export folder is an error, not a silently smaller export' '
  copy_export
  ln -s missing.json exp/zz.json
  run_sgplan check exp
  expect_status 2
  grep -qF "cannot read '"'"'exp/zz.json'"'"': No such file or directory" "$TMP/stderr"
'
test_expect 'a symlink to a regular export file reads like the file' '
  ln -s "$ex/security-groups.json" sg.json
  ln -s "$ex/network-interfaces.json" eni.json
  sgplan plan $date --region us-east-1 "$ex/security-groups.json" "$ex/network-interfaces.json" >direct.yaml
  sgplan plan $date --region us-east-1 sg.json eni.json >linked.yaml
  grep -v "file:\|path:\|sha256\|fingerprint" direct.yaml >a
  grep -v "file:\|path:\|sha256\|fingerprint" linked.yaml >b
  compare a b
'

# --- 1. "-" is standard input ----------------------------------------------

test_expect 'check - reads the export from standard input (documents one after another)' '
  cat "$ex/security-groups.json" "$ex/network-interfaces.json" | sgplan check --region us-east-1 --format json - >piped.json || test $? = 1
  sgplan check --region us-east-1 --format json "$ex/security-groups.json" "$ex/network-interfaces.json" >files.json || test $? = 1
  $py -c "import json,sys; a=json.load(open(\"piped.json\")); b=json.load(open(\"files.json\")); assert [g[\"group_id\"] for g in a[\"default_groups\"]] == [g[\"group_id\"] for g in b[\"default_groups\"]] and a[\"default_groups\"], (a, b)"
'
test_expect 'show -, script - and validate - read the change set from standard input' '
  sgplan plan $date "$ex" >cs.yaml
  sgplan show cs.yaml >want.txt
  sgplan show - <cs.yaml >got.txt
  compare want.txt got.txt
  sgplan script cs.yaml >want.sh
  cat cs.yaml | sgplan script - >got.sh
  compare want.sh got.sh
  sgplan validate $date --format json - "$ex" <cs.yaml >v.json
  grep -q "\"valid\": true" v.json
'
test_expect 'plan --exceptions - reads the exceptions from standard input' '
  printf "exceptions:\n  - id: vpc-00f374141b7a99b66\n    reason: test\n" | sgplan plan $date --exceptions - "$ex" >cs.yaml
  grep -q "decision: \"excepted\"" cs.yaml
'
test_expect 'standard input is read only once: two "-" are a usage error (exit 2)' '
  sgplan plan $date "$ex" >cs.yaml
  run_sgplan validate - - <cs.yaml
  expect_status 2
  run_sgplan check - - <"$ex/security-groups.json"
  expect_status 2
  run_sgplan plan --exceptions - - <"$ex/security-groups.json"
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: standard input ('"'"'-'"'"') can be read only once"
  test "$(cat "$TMP/stderr")" = "sgplan: error: standard input ('"'"'-'"'"') can be read only once"
'
test_expect 'errors in standard input name it' '
  printf "{\"SecurityGroups\": [}" >in.json
  run_sgplan check - <in.json
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'standard input'"'"':1:21: expected a value (object, array, string, number, true, false or null)"
'

# --- 2. -o writes through symlinks and into devices and pipes --------------

test_expect 'plan -o LINK replaces the target, next to it, and keeps the link' '
  mkdir real
  echo old >real/cs.yaml
  ln -s real/cs.yaml link.yaml
  sgplan plan $date -o link.yaml "$ex"
  test -L link.yaml
  test "$(readlink link.yaml)" = real/cs.yaml
  sgplan plan $date "$ex" >want.yaml
  compare want.yaml real/cs.yaml
  test -z "$(ls -A real | grep -v "^cs.yaml$")"
'
test_expect 'plan -o to a dangling link creates its target' '
  mkdir real
  ln -s real/new.yaml link.yaml
  sgplan plan $date -o link.yaml "$ex"
  test -L link.yaml
  test -s real/new.yaml
'
test_expect 'script -o LINK keeps the link and makes the target executable' '
  sgplan plan $date "$ex" >cs.yaml
  echo old >target.sh
  chmod 600 target.sh
  ln -s target.sh run.sh
  sgplan script -o run.sh cs.yaml
  test -L run.sh
  test -x target.sh
  head -1 target.sh | grep -q "^#!"
'
test_expect '-o /dev/stdout writes to standard output, whether a pipe or a file, and replaces nothing' '
  sgplan plan $date "$ex" >want.yaml
  sgplan plan $date -o /dev/stdout "$ex" | cat >piped.yaml
  compare want.yaml piped.yaml
  sgplan plan $date -o /dev/stdout "$ex" >file.yaml
  compare want.yaml file.yaml
  test -L /dev/stdout || test -c /dev/stdout
'
test_expect '-o - writes to standard output' '
  sgplan plan $date "$ex" >want.yaml
  sgplan plan $date -o - "$ex" >got.yaml
  compare want.yaml got.yaml
  sgplan plan $date "$ex" >cs.yaml
  sgplan script -o - cs.yaml >got.sh
  sgplan script cs.yaml >want.sh
  compare want.sh got.sh
'
test_expect '-o /dev/null writes into the device and leaves it a device' '
  sgplan plan $date -o /dev/null "$ex"
  test -c /dev/null
'
test_expect '-o FIFO writes into the pipe for its reader and leaves it a FIFO' '
  mkfifo pipe
  cat pipe >got.yaml &
  reader=$!
  sgplan plan $date -o pipe "$ex"
  wait $reader
  test -p pipe
  sgplan plan $date "$ex" >want.yaml
  compare want.yaml got.yaml
'
test_expect '-o FOLDER is refused (exit 2) and the folder stays' '
  mkdir out
  run_sgplan plan $date -o out "$ex"
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: refusing to write '"'"'out'"'"': it is a folder"
  test -d out
'

# --- 3. never inside an export being read ----------------------------------

test_expect 'apply -o refuses a new folder inside an input export folder, and the export still loads' '
  copy_export
  sgplan plan $date exp >cs.yaml
  run_sgplan apply cs.yaml exp -o exp/after
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: refusing to write '"'"'exp/after'"'"': it is inside the export folder '"'"'exp'"'"', which this command reads (a new file there would become part of the export)"
  test ! -e exp/after
  test -z "$(ls -A exp | grep -v "json$")"
  sgplan plan $date exp >again.yaml
  compare cs.yaml again.yaml
'
test_expect 'plan -o refuses a file inside an input export folder, also through a symlink' '
  copy_export
  run_sgplan plan $date --format json -o exp/plan.json exp
  expect_status 2
  grep -qF "refusing to write '"'"'exp/plan.json'"'"': it is inside the export folder '"'"'exp'"'"'" "$TMP/stderr"
  test ! -e exp/plan.json
  ln -s exp/plan.yaml sneaky.yaml
  run_sgplan plan $date -o sneaky.yaml "$PWD/exp"
  expect_status 2
  test ! -e exp/plan.yaml
  ln -s exp here
  run_sgplan plan $date -o here/plan.yaml exp
  expect_status 2
'
test_expect 'an output that is an input file is refused: plan, script, apply' '
  copy_export
  cp exp/security-groups.json sg.json
  run_sgplan plan $date --region us-east-1 -o sg.json sg.json exp/network-interfaces.json
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: refusing to write '"'"'sg.json'"'"': it is an input, '"'"'sg.json'"'"'"
  cmp sg.json exp/security-groups.json
  sgplan plan $date exp >cs.yaml
  cp cs.yaml keep.yaml
  run_sgplan script -o cs.yaml cs.yaml
  expect_status 2
  ln -s cs.yaml alias.yaml
  run_sgplan script -o alias.yaml cs.yaml
  expect_status 2
  cmp cs.yaml keep.yaml
  run_sgplan apply cs.yaml exp -o -
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: apply writes an export folder: -o needs a folder, not '"'"'-'"'"'"
'

# --- 12. temporary files -----------------------------------------------------

test_expect 'temporary files are named .NAME.sgplan-tmp.PID.*; stale ones are removed on the next write' '
  mkdir out
  echo stale >out/.cs.yaml.sgplan-tmp.2147483647.AbC123
  echo live >out/.cs.yaml.sgplan-tmp.$$.XyZ789
  echo other >out/.cs.yaml.keep
  sgplan plan $date -o out/cs.yaml "$ex"
  test ! -e out/.cs.yaml.sgplan-tmp.2147483647.AbC123
  test -e out/.cs.yaml.sgplan-tmp.$$.XyZ789
  test -e out/.cs.yaml.keep
  test -s out/cs.yaml
'
test_expect 'apply stages in .DIR.sgplan-tmp.PID.*; a stale staging folder is removed' '
  sgplan plan $date "$ex" >cs.yaml
  mkdir -p .after.sgplan-tmp.2147483647.AbC123/111122223333/us-east-1
  echo "{}" >.after.sgplan-tmp.2147483647.AbC123/111122223333/us-east-1/security-groups.json
  sgplan apply --region us-east-1 cs.yaml "$ex" -o after
  test ! -e .after.sgplan-tmp.2147483647.AbC123
  test -z "$(ls -A | grep sgplan-tmp)"
  sgplan check --region us-east-1 after >/dev/null
'

# --- 4. duplicate keys ---------------------------------------------------------

test_expect 'an export with a member twice is refused with its position (exit 3): IpPermissions' '
  $py - "$ex/security-groups.json" >sg.json <<EOF
import sys
text = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(text.replace("\"IpPermissions\": [", "\"IpPermissions\": [],\n            \"IpPermissions\": [", 1))
EOF
  run_sgplan check --region us-east-1 sg.json "$ex/network-interfaces.json"
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'sg.json'"'"':7:13: duplicate member \"IpPermissions\": each name may appear only once in an object (other tools would read the last one, sgplan the first)"
'
test_expect 'a JSON change set with "decision" twice is refused with its position (exit 3)' '
  sgplan plan $date --format json "$ex" >cs.json
  sed "0,/\"decision\": \"migrate\",/s//\"decision\": \"migrate\", \"decision\": \"blocked\",/" cs.json >dup.json
  run_sgplan show dup.json
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'dup.json'"'"':36:30: duplicate member \"decision\": each name may appear only once in an object (other tools would read the last one, sgplan the first)"
  run_sgplan validate $date dup.json "$ex"
  expect_status 1
  grep -qF "FAIL  schema          '"'"'dup.json'"'"':36:30: duplicate member" "$TMP/stdout"
  run_sgplan script dup.json
  expect_status 3
'
test_expect 'a YAML change set with a key twice is refused with its position (exit 3)' '
  sgplan plan $date "$ex" >cs.yaml
  sed "0,/  decision: \"migrate\"/s//  decision: \"migrate\"\n  decision: \"blocked\"/" cs.yaml >dup.yaml
  run_sgplan show dup.yaml
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'dup.yaml'"'"':34:3: duplicate key \"decision\": each key may appear only once in a mapping"
'

# --- 5. NUL ------------------------------------------------------------------------

test_expect 'a \u0000 in an export value is refused with its position (exit 3)' '
  $py - "$ex/security-groups.json" >sg.json <<EOF
import sys
text = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(text.replace("\"default VPC security group\"", "\"a\\\\u0000b\"", 1))
EOF
  grep -qF "a\\u0000b" sg.json
  run_sgplan check --region us-east-1 sg.json "$ex/network-interfaces.json"
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'sg.json'"'"':4:30: a NUL character (U+0000) in a string: AWS never returns one, and it would cut the value short"
'
test_expect 'a NUL in a JSON or YAML change set value is refused (exit 3)' '
  sgplan plan $date --format json "$ex" >cs.json
  sed "0,/\"description\": \"/s//\"description\": \"x\\\\u0000/" cs.json >nul.json
  run_sgplan show nul.json
  expect_status 3
  grep -qF "a NUL character (U+0000) in a string" "$TMP/stderr"
  sgplan plan $date "$ex" >cs.yaml
  sed "0,/description: \"/s//description: \"x\\\\0/" cs.yaml >nul.yaml
  run_sgplan show nul.yaml
  expect_status 3
  grep -qF "NUL characters" "$TMP/stderr"
'

# --- 6. numbers -----------------------------------------------------------------

for port in -0 1e2 80.0 1e309 1.5 8E+1; do
  test_expect "port $port is refused: only plain integers, as the AWS CLI writes them (exit 3)" '
    groups_with "\"IpProtocol\": \"tcp\", \"FromPort\": '"$port"', \"ToPort\": 80" >sg.json
    run_sgplan check --region us-east-1 sg.json "$ex/network-interfaces.json"
    expect_status 3
    test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'sg.json'"'"':8:54: \"FromPort\" must be a plain integer from -1 to 65535, as the AWS CLI writes it: found '"$port"' (no fraction, exponent or -0)"
  '
done
for port in 65536 '\"80\"' -2 true; do
  test_expect "port $port is refused as out of range or not a number (exit 3)" '
    groups_with "\"IpProtocol\": \"tcp\", \"FromPort\": '"$port"', \"ToPort\": 80" >sg.json
    run_sgplan check --region us-east-1 sg.json "$ex/network-interfaces.json"
    expect_status 3
    test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'sg.json'"'"':8:54: \"FromPort\" must be an integer from -1 to 65535"
  '
done
# The first step rule's from_port as a float: 8080.0 in JSON and YAML.
float_port () {
  $py - "$1" "$2" <<'EOF'
import json, sys, yaml
cs = json.load(open(sys.argv[1]))
step = cs["default_groups"][0]["steps"][3]
step["rules"][0]["from_port"] = float(step["rules"][0]["from_port"])
if sys.argv[2] == "json":
    json.dump(cs, sys.stdout, indent=1)
else:
    yaml.safe_dump(cs, sys.stdout, sort_keys=False)
EOF
}
test_expect 'a change set port written 8080.0, in JSON or YAML, is refused (exit 3)' '
  sgplan plan $date --format json "$ex" >cs.json
  float_port cs.json json >f.json
  grep -q "\"from_port\": 8080.0," f.json
  run_sgplan show f.json
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'f.json'"'"':265:21: \"from_port\" must be a plain integer: found 8080.0 (no fraction, exponent or -0)"
  float_port cs.json yaml >f.yaml
  grep -q "from_port: 8080.0$" f.yaml
  run_sgplan show f.yaml
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'f.yaml'"'"':211:18: \"from_port\" must be an integer"
'

# --- 7. encodings ---------------------------------------------------------------

test_expect 'a UTF-8 byte-order mark works in exports, YAML and JSON change sets and exceptions' '
  copy_export
  printf "\357\273\277" >bom.json
  cat exp/security-groups.json >>bom.json
  mv bom.json exp/security-groups.json
  sgplan plan $date exp >cs.yaml
  sgplan show cs.yaml >want.txt
  { printf "\357\273\277"; cat cs.yaml; } >bom.yaml
  sgplan show bom.yaml >got.txt
  compare want.txt got.txt
  sgplan plan $date --format json exp >cs.json
  { printf "\357\273\277"; cat cs.json; } >bom.json
  sgplan show bom.json >got.txt
  compare want.txt got.txt
  printf "\357\273\277exceptions:\n  - id: vpc-00f374141b7a99b66\n    reason: test\n" >exc.yaml
  sgplan plan $date --exceptions exc.yaml exp | grep -q "decision: \"excepted\""
'
test_expect 'UTF-16 from Windows PowerShell 5.1 is refused with how to write UTF-8 (exit 3)' '
  $py -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding=\"utf-8\").read().encode(\"utf-16\"))" "$ex/security-groups.json" >sg.json
  run_sgplan check --region us-east-1 sg.json
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '"'"'sg.json'"'"':1:1: UTF-16 text (it starts with a UTF-16 byte-order mark); sgplan reads UTF-8. Windows PowerShell 5.1 writes UTF-16 when output is redirected with '"'"'>'"'"': write the file with '"'"'aws ... --output json | Out-File -Encoding utf8 FILE'"'"' instead, or convert it with '"'"'Get-Content FILE | Set-Content -Encoding utf8 NEWFILE'"'"'"
  sgplan plan $date "$ex" >cs.yaml
  $py -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding=\"utf-8\").read().encode(\"utf-16\"))" cs.yaml >u16.yaml
  run_sgplan show u16.yaml
  expect_status 3
  grep -qF "UTF-16 text (it starts with a UTF-16 byte-order mark)" "$TMP/stderr"
  $py -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding=\"utf-8\").read().encode(\"utf-16-le\"))" "$ex/security-groups.json" >le.json
  run_sgplan check --region us-east-1 le.json
  expect_status 3
  grep -qF "UTF-16 text (a NUL byte after every character)" "$TMP/stderr"
'
test_expect 'CRLF line ends work in exports and in YAML and JSON change sets' '
  copy_export
  sgplan plan $date exp >want.yaml
  for f in exp/*.json; do sed "s/\$/\r/" "$f" >tmp && mv tmp "$f"; done
  grep -q "$(printf "\r")" exp/security-groups.json
  sgplan plan $date exp >got.yaml
  grep -v "sha256\|fingerprint" want.yaml >a
  grep -v "sha256\|fingerprint" got.yaml >b
  compare a b
  sgplan show want.yaml >want.txt
  sed "s/\$/\r/" want.yaml >crlf.yaml
  sgplan show crlf.yaml >got.txt
  compare want.txt got.txt
  sgplan plan $date --format json exp | sed "s/\$/\r/" >crlf.json
  sgplan show crlf.json >got.txt
  compare want.txt got.txt
'

# --- 8. bounded echo -----------------------------------------------------------

test_expect 'a 1 MB value is quoted as a short prefix in every message about it' '
  sgplan plan $date --format json "$ex" >cs.json
  big=$($py -c "print(\"A\" * 1000000)")
  for field in format decision action; do
    $py - cs.json "$field" >big.json <<EOF
import json, sys
cs = json.load(open(sys.argv[1]))
field = sys.argv[2]
if field == "format":
    cs["format"] = "A" * 1000000
elif field == "decision":
    cs["default_groups"][0]["decision"] = "A" * 1000000
else:
    cs["default_groups"][0]["steps"][0]["action"] = "A" * 1000000
json.dump(cs, sys.stdout)
EOF
    run_sgplan show big.json
    expect_status 3
    test $(wc -c <"$TMP/stderr") -lt 400
    grep -qF "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"... (1000000 bytes)" "$TMP/stderr"
  done
'
test_expect 'a 1 MB group name in a precondition is cut in the message' '
  sgplan plan $date --format json "$ex" >cs.json
  $py - cs.json >big.json <<EOF
import json, sys
cs = json.load(open(sys.argv[1]))
for g in cs["default_groups"]:
    for s in g["steps"]:
        if s["action"] == "create-security-group":
            s["group_name"] = "N" * 1000000
            break
json.dump(cs, sys.stdout)
EOF
  run_sgplan show big.json
  expect_status 3
  test $(wc -c <"$TMP/stderr") -lt 600
  grep -qF "... (" "$TMP/stderr"
  run_sgplan validate $date big.json "$ex"
  expect_status 1
  test $(wc -c <"$TMP/stdout") -lt 2000
'

test_done
