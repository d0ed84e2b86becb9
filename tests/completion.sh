#!/bin/sh
# completion.sh - bash and zsh completion (completions/): they load, complete
# commands, options and values, and know every option that `sgplan CMD
# --help` lists, so that they cannot drift apart from the program.
. "$srcdir/tests/lib.sh"

comp="$srcdir/completions"
commands="check plan show graph script apply validate"

# bash_complete WORD...: the candidates bash completion offers for the last
# word of "sgplan WORD...", one per line, sorted
bash_complete () {
  bash --norc --noprofile -c '
    . "$1"; shift
    COMP_WORDS=(sgplan "$@"); COMP_CWORD=$#
    _sgplan
    printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$comp/sgplan" "$@"
}

# long options that `sgplan CMD --help` lists, sorted
help_options () {
  sgplan "$1" --help | sed -n "s/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p" | sort
}

test_expect 'the bash completion loads and registers itself for sgplan' '
  bash --norc --noprofile -c ". \"$comp/sgplan\" && complete -p sgplan" >out
  grep -q "_sgplan sgplan" out
'
test_expect 'bash completes commands, options, formats, regions and help' '
  test "$(bash_complete che)" = check
  test "$(bash_complete "" | tr "\n" " ")" = "apply check graph help plan script show validate version "
  test "$(bash_complete check --fo)" = --format
  test "$(bash_complete check --format "" | tr "\n" " ")" = "asff json sarif text "
  test "$(bash_complete check --format = "" | tr "\n" " ")" = "asff json sarif text "
  test "$(bash_complete show -f m)" = markdown
  test "$(bash_complete show -f j)" = json
  test "$(bash_complete show --max)" = --max-size
  test "$(bash_complete plan --region eu-west-)" = "$(printf "eu-west-1\neu-west-2\neu-west-3")"
  test "$(bash_complete help va)" = validate
  test "$(bash_complete plan --detailed)" = --detailed-exitcode
'
test_expect 'bash completes files after a command and folders after apply -o' '
  mkdir -p exp/sub; touch exp/cs.yaml
  cd exp
  test "$(bash_complete show c)" = cs.yaml
  test "$(bash_complete apply -o "")" = sub
'
for cmd in $commands; do
  test_expect "bash completes every option of sgplan $cmd --help" "
    help_options $cmd >want
    bash_complete $cmd -- | grep -v '^--\$' >got || true
    bash_complete $cmd --h >>got
    sort -u got >got.sorted
    compare want got.sorted
  "
done
test_expect 'the format values bash completes are those each command accepts' '
  for cmd in check plan show graph validate; do
    for f in $(bash_complete $cmd --format ""); do
      sgplan $cmd --format "$f" --help >/dev/null
    done
    run_sgplan $cmd --format no-such-format x
    expect_status 2
    want=$(sed -n "s/.*(expected \(.*\))$/\1/p" "$TMP/stderr" | sed "s/,//g; s/ or / /" | tr " " "\n" | sort | tr "\n" " ")
    test "$(bash_complete $cmd --format "" | tr "\n" " ")" = "$want"
  done
'
test_expect 'the zsh completion parses and autoloads' '
  zsh -n "$comp/_sgplan"
  zsh -f -c "fpath=($comp \$fpath); autoload -Uz _sgplan; autoload +X _sgplan; (( \$+functions[_sgplan] ))"
  head -1 "$comp/_sgplan" | grep -qx "#compdef sgplan"
'
# zsh_complete WORDS: the command line after one TAB in an interactive zsh
zsh_complete () {
  timeout 20 zsh -f "$srcdir/tests/zsh-complete.zsh" "$comp" "$1"
}
test_expect 'zsh completes commands, options, formats, regions and help' '
  test "$(zsh_complete "sgplan che")" = "sgplan check "
  test "$(zsh_complete "sgplan check --fo")" = "sgplan check --format="
  test "$(zsh_complete "sgplan show --format=mar")" = "sgplan show --format=markdown "
  test "$(zsh_complete "sgplan show --format=j")" = "sgplan show --format=json "
  test "$(zsh_complete "sgplan show --max")" = "sgplan show --max-size="
  test "$(zsh_complete "sgplan plan --detailed")" = "sgplan plan --detailed-exitcode "
  test "$(zsh_complete "sgplan validate --structure")" = "sgplan validate --structure-only "
  test "$(zsh_complete "sgplan check --region ap-southeast-")" = "sgplan check --region ap-southeast-"
  test "$(zsh_complete "sgplan help scr")" = "sgplan help script "
'
for cmd in $commands; do
  test_expect "zsh knows every option of sgplan $cmd --help" "
    help_options $cmd >want
    # the options of the command: its own branch, and the scope for check and plan
    sed -n '/^        $cmd)\$/,/;;\$/p' '$comp/_sgplan' >branch
    if grep -q _sgplan_scope branch; then sed -n '/^  _sgplan_scope=(/,/^  )/p' '$comp/_sgplan' >>branch; fi
    for o in \$(cat want); do
      grep -q -e \"\$o[=[]\" -e \"\$o}\" -e \",\$o=}\" branch || { echo \"zsh: $cmd has no \$o\"; false; }
    done
  "
done
test_expect 'sgplan-collect: bash and zsh complete every option its --help lists' '
  "$SGPLAN_COLLECT" --help | sed -n "s/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p" | sort >help
  test -s help
  bash --norc --noprofile -c ". \"$comp/sgplan-collect\" && complete -p sgplan-collect" | grep -q "_sgplan_collect sgplan-collect"
  bash --norc --noprofile -c ". \"\$1\"; COMP_WORDS=(sgplan-collect --); COMP_CWORD=1; _sgplan_collect; printf \"%s\n\" \"\${COMPREPLY[@]}\" | sort" bash "$comp/sgplan-collect" >bash
  diff -u help bash
  zsh -n "$comp/_sgplan-collect"
  sed -n "s/.*\(--[a-z-]*\)\[.*/\1/p; s/.*,\(--[a-z-]*\)}.*/\1/p" "$comp/_sgplan-collect" | sort -u >zsh
  diff -u help zsh
'
test_done
