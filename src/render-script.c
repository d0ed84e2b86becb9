/* render-script.c - the AWS CLI scripts of a change set.
 *
 * A forward script runs the steps in order; the rollback script undoes the
 * steps its journal records as done, newest first.  Both share a journal
 * (one line per completed step, and the real ID of every group created), so
 * a forward run resumes where it stopped and a rollback undoes exactly what
 * ran.  Before the first change the forward script compares the live
 * account with the state the plan was made from and stops on drift.
 *
 * Every value from the export reaches the shell as one single-quoted word,
 * or inside single-quoted JSON: nothing in an export is ever interpreted.
 * Only IDs (checked to be AWS-shaped when the export was read) are used
 * unquoted-safe in messages and journal lines. */
#include "config.h"

#include "render-script.h"
#include "util.h"

#include <string.h>

/* 'text' with every ' written as '\'' */
static void
sh_quote (GString *out, const char *s)
{
  g_string_append_c (out, '\'');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

static char *
quoted (const char *s)
{
  GString *out = g_string_new (NULL);

  sh_quote (out, s);
  return g_string_free (out, FALSE);
}

/* A comment line: newlines and control characters escaped. */
static void
comment (GString *out, const char *indent, const char *text)
{
  g_string_append_printf (out, "%s# ", indent);
  sgplan_append_printable (out, text);
  g_string_append_c (out, '\n');
}

static gboolean
has_ports (const Rule *r)
{
  return r->from_port != SGPLAN_PORT_NONE;
}

/* The rules as the --ip-permissions JSON of the EC2 API: atomic rules with
 * the same protocol and ports share one IpPermission. */
static char *
ip_permissions_json (const Rule *rules, guint n)
{
  g_autoptr (cJSON) perms = cJSON_CreateArray ();
  cJSON *perm = NULL;
  const Rule *prev = NULL;
  char *text;

  for (guint i = 0; i < n; i++)
    {
      const Rule *r = &rules[i];
      static const char *const lists[] = { "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs" };
      static const char *const keys[] = { "CidrIp", "CidrIpv6", "PrefixListId", "GroupId" };
      cJSON *list, *peer;

      if (prev == NULL || strcmp (prev->protocol, r->protocol) != 0 || prev->from_port != r->from_port
          || prev->to_port != r->to_port)
        {
          perm = cJSON_CreateObject ();
          cJSON_AddStringToObject (perm, "IpProtocol", r->protocol);
          if (has_ports (r))
            {
              cJSON_AddNumberToObject (perm, "FromPort", r->from_port);
              cJSON_AddNumberToObject (perm, "ToPort", r->to_port);
            }
          cJSON_AddItemToArray (perms, perm);
        }
      prev = r;
      list = cJSON_GetObjectItemCaseSensitive (perm, lists[r->peer_kind]);
      if (list == NULL)
        list = cJSON_AddArrayToObject (perm, lists[r->peer_kind]);
      peer = cJSON_CreateObject ();
      cJSON_AddStringToObject (peer, keys[r->peer_kind], r->peer);
      if (r->peer_kind == PEER_GROUP)
        {
          if (r->peer_owner != NULL)
            cJSON_AddStringToObject (peer, "UserId", r->peer_owner);
          if (r->peering_id != NULL)
            {
              if (r->peer_vpc != NULL)
                cJSON_AddStringToObject (peer, "VpcId", r->peer_vpc);
              cJSON_AddStringToObject (peer, "VpcPeeringConnectionId", r->peering_id);
            }
        }
      if (r->description != NULL)
        cJSON_AddStringToObject (peer, "Description", r->description);
      cJSON_AddItemToArray (list, peer);
    }
  text = cJSON_PrintUnformatted (perms);
  {
    char *copy = g_strdup (text);
    cJSON_free (text);
    return copy;
  }
}

/* Placeholders (new:sg-...) a step needs, each once, in order of use. */
static GPtrArray *
placeholders (const Step *step)
{
  GPtrArray *out = g_ptr_array_new ();

#define NOTE_ID(id)                                                                                 \
  G_STMT_START                                                                                      \
  {                                                                                                 \
    const char *id_ = (id);                                                                         \
    if (id_ != NULL && g_str_has_prefix (id_, STEP_NEW_GROUP_PREFIX)                                \
        && !g_ptr_array_find_with_equal_func (out, id_, g_str_equal, NULL))                         \
      g_ptr_array_add (out, (gpointer) id_);                                                        \
  }                                                                                                 \
  G_STMT_END

  if (step->action != ACTION_CREATE_GROUP)
    NOTE_ID (step->group_id);
  for (guint i = 0; i < step->n_rules; i++)
    NOTE_ID (step->rules[i].peer);
  for (guint i = 0; i < step->n_after; i++)
    NOTE_ID (step->groups_after[i]);
  for (guint i = 0; i < step->n_before; i++)
    NOTE_ID (step->groups_before[i]);
#undef NOTE_ID
  return out;
}

/* "$g1" for the Nth placeholder, else the quoted ID. */
static void
group_word (GString *out, const char *id, GPtrArray *needed)
{
  guint index;

  if (g_ptr_array_find_with_equal_func (needed, id, g_str_equal, &index))
    g_string_append_printf (out, "\"$g%u\"", index + 1);
  else
    sh_quote (out, id);
}

static void
render_call_prefix (GString *out, const Step *step, const char *indent)
{
  g_autofree char *account = quoted (step->account);
  g_autofree char *region = quoted (step->region);

  g_string_append_printf (out, "%sec2_change %s %s %s", indent, account, region,
                          step_action_name (step->action));
}

/* The body of a function that makes STEP's change. */
static void
render_step_body (GString *out, const Step *step, const char *what)
{
  g_autoptr (GPtrArray) needed = placeholders (step);

  if (step->action == ACTION_CREATE_GROUP)
    {
      g_autofree char *placeholder = quoted (step->group_id);
      g_autoptr (cJSON) tags = cJSON_CreateArray ();
      cJSON *spec = cJSON_CreateObject ();
      cJSON *list;
      char *tags_text;

      cJSON_AddStringToObject (spec, "ResourceType", "security-group");
      list = cJSON_AddArrayToObject (spec, "Tags");
      for (guint t = 0; t < step->n_tags; t++)
        {
          cJSON *tag = cJSON_CreateObject ();

          cJSON_AddStringToObject (tag, "Key", step->tags[t].key);
          cJSON_AddStringToObject (tag, "Value", step->tags[t].value);
          cJSON_AddItemToArray (list, tag);
        }
      cJSON_AddItemToArray (tags, spec);
      tags_text = cJSON_PrintUnformatted (tags);
      g_string_append_printf (out, "  if [[ -n ${new_ids[%s]:-} ]]; then\n"
                                   "    note \"%s: already created as ${new_ids[%s]}\"\n"
                                   "    return 0\n"
                                   "  fi\n"
                                   "  local id\n"
                                   "  id=$(",
                              placeholder, what, placeholder);
      render_call_prefix (out, step, "");
      g_string_append (out, " \\\n    --vpc-id ");
      sh_quote (out, step->vpc_id);
      g_string_append (out, " \\\n    --group-name ");
      sh_quote (out, step->group_name);
      g_string_append (out, " \\\n    --description ");
      sh_quote (out, step->description);
      g_string_append (out, " \\\n    --tag-specifications ");
      sh_quote (out, tags_text);
      g_string_append (out, " \\\n    --query GroupId --output text)\n");
      g_string_append_printf (out, "  if dry_run; then return 0; fi\n  record_group %s \"$id\"\n",
                              placeholder);
      cJSON_free (tags_text);
      return;
    }
  /* a dry run cannot use groups that only a real run creates */
  for (guint i = 0; i < needed->len; i++)
    {
      g_autofree char *p = quoted (needed->pdata[i]);
      g_string_append_printf (out, "  needs_group %s || return 0\n", p);
    }
  if (needed->len > 0)
    {
      g_string_append (out, "  local");
      for (guint i = 0; i < needed->len; i++)
        g_string_append_printf (out, " g%u", i + 1);
      g_string_append_c (out, '\n');
      for (guint i = 0; i < needed->len; i++)
        {
          g_autofree char *p = quoted (needed->pdata[i]);
          g_string_append_printf (out, "  g%u=$(gid %s)\n", i + 1, p);
        }
    }
  if (step_action_is_rules (step->action))
    {
      g_autofree char *json = ip_permissions_json (step->rules, step->n_rules);

      g_string_append (out, "  local perms=");
      sh_quote (out, json);
      g_string_append_c (out, '\n');
      /* only where the placeholder is a group ID: in the JSON text a quote
       * inside a value is escaped, so '"GroupId":"' is never in a value */
      for (guint i = 0; i < needed->len; i++)
        {
          g_autofree char *key = g_strdup_printf ("\"GroupId\":\"%s\"", (const char *) needed->pdata[i]);
          g_autofree char *p = quoted (key);
          g_string_append_printf (out, "  perms=${perms//%s/\"\\\"GroupId\\\":\\\"$g%u\\\"\"}\n", p, i + 1);
        }
      render_call_prefix (out, step, "  ");
      g_string_append (out, " \\\n    --group-id ");
      group_word (out, step->group_id, needed);
      g_string_append (out, " \\\n    --ip-permissions \"$perms\" >/dev/null\n");
    }
  else if (step->action == ACTION_MODIFY_ENI_GROUPS)
    {
      render_call_prefix (out, step, "  ");
      g_string_append (out, " \\\n    --network-interface-id ");
      sh_quote (out, step->eni_id);
      g_string_append (out, " \\\n    --groups");
      for (guint i = 0; i < step->n_after; i++)
        {
          g_string_append_c (out, ' ');
          group_word (out, step->groups_after[i], needed);
        }
      g_string_append (out, " >/dev/null\n");
    }
  else /* delete */
    {
      render_call_prefix (out, step, "  ");
      g_string_append (out, " \\\n    --group-id ");
      group_word (out, step->group_id, needed);
      g_string_append (out, " >/dev/null\n");
    }
}

/* What the preflight's describe-security-group-rules query (RULES_QUERY in
 * the script) prints for a group with RULES: one string per rule, fields in
 * a fixed order with "null" for absent ones, sorted, joined by '|'.  The
 * JMESPath sort() orders by code point, which is strcmp's order on UTF-8. */
static char *
expected_rules_text (const Rule *rules, guint n)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const Rule *r = &rules[i];
      const char *fields[4] = { "null", "null", "null", "null" };

      fields[r->peer_kind] = r->peer;
      g_ptr_array_add (lines, g_strdup_printf (
        "%s %s %d %d %s %s %s %s %s %s end", r->direction == RULE_EGRESS ? "true" : "false",
        r->protocol, r->from_port == SGPLAN_PORT_NONE ? -1 : r->from_port,
        r->to_port == SGPLAN_PORT_NONE ? -1 : r->to_port, fields[0], fields[1], fields[2], fields[3],
        r->peer_kind == PEER_GROUP && r->peer_owner != NULL ? r->peer_owner : "null",
        r->description != NULL ? r->description : "null"));
    }
  g_ptr_array_sort (lines, sgplan_compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", (const char *) lines->pdata[i]);
  return g_string_free (out, FALSE);
}

/* One preflight call: FUNCTION ACCOUNT REGION WHAT EXPECTED || drift=1 */
static void
drift_check (GString *out, const char *function, const char *account, const char *region,
             const char *what, const char *expected)
{
  g_string_append_printf (out, "  %s ", function);
  sh_quote (out, account);
  g_string_append_c (out, ' ');
  sh_quote (out, region);
  g_string_append_c (out, ' ');
  sh_quote (out, what);
  g_string_append (out, " \\\n    ");
  sh_quote (out, expected);
  g_string_append (out, " || drift=1\n");
}

static cJSON *
name_filter (const char *name, const char *value)
{
  cJSON *filter = cJSON_CreateObject ();
  const char *values[] = { value };

  cJSON_AddStringToObject (filter, "Name", name);
  cJSON_AddItemToObject (filter, "Values", cJSON_CreateStringArray (values, 1));
  return filter;
}

static void
render_preflight (GString *out, const ChangeSet *cs)
{
  g_string_append (out, "preflight() {\n"
                        "  if [[ ${SGPLAN_SKIP_PREFLIGHT:-0} == 1 ]]; then\n"
                        "    note 'preflight skipped (SGPLAN_SKIP_PREFLIGHT=1)'\n"
                        "    return 0\n"
                        "  fi\n");
  g_string_append_printf (out, "  note 'preflight: comparing %u groups and %u network interfaces with the export'\n",
                          cs->expected_groups->len, cs->expected_enis->len);
  g_string_append (out, "  local drift=0\n");
  for (guint i = 0; i < cs->expected_groups->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_groups->pdata[i];
      g_autofree char *text = expected_rules_text (e->rules, e->n_rules);

      drift_check (out, "check_rules", e->account, e->region, e->id, text);
    }
  for (guint i = 0; i < cs->expected_enis->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_enis->pdata[i];
      g_autofree char *groups = g_strjoinv ("\t", (char **) e->groups);

      drift_check (out, "check_eni_groups", e->account, e->region, e->id, groups);
    }
  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];
      g_autoptr (cJSON) filters = NULL;
      char *text;

      if (step->action != ACTION_CREATE_GROUP)
        continue;
      /* JSON filters: the CLI's shorthand syntax cannot carry every name */
      filters = cJSON_CreateArray ();
      cJSON_AddItemToArray (filters, name_filter ("vpc-id", step->vpc_id));
      cJSON_AddItemToArray (filters, name_filter ("group-name", step->group_name));
      text = cJSON_PrintUnformatted (filters);
      drift_check (out, "check_name_free", step->account, step->region, text, step->group_name);
      cJSON_free (text);
    }
  g_string_append (out, "  if (( drift )); then\n"
                        "    die 'the account is not as the export says (see above): export it again and plan again, or set SGPLAN_SKIP_PREFLIGHT=1 to go on anyway'\n"
                        "  fi\n"
                        "  note 'preflight: the account matches the export'\n"
                        "}\n\n");
}

/* Shell functions every script shares. */
static const char script_library[] =
  "note() { printf 'sgplan: %s\\n' \"$*\" >&2; }\n"
  "die() { printf 'sgplan: error: %s\\n' \"$*\" >&2; exit 1; }\n"
  "dry_run() { [[ ${DRY_RUN:-0} == 1 ]]; }\n"
  "\n"
  "# The AWS CLI for one account and region: SGPLAN_PROFILE_<ACCOUNT> names the\n"
  "# profile (unset: the default credentials); SGPLAN_ENDPOINT_URL, for tests\n"
  "# against a local endpoint, is passed as --endpoint-url.\n"
  "aws_call() {\n"
  "  local account=$1 region=$2\n"
  "  shift 2\n"
  "  local profile_var=\"SGPLAN_PROFILE_$account\"\n"
  "  local -a extra=()\n"
  "  if [[ -n ${!profile_var:-} ]]; then extra+=(--profile \"${!profile_var}\"); fi\n"
  "  if [[ -n ${SGPLAN_ENDPOINT_URL:-} ]]; then extra+=(--endpoint-url \"$SGPLAN_ENDPOINT_URL\"); fi\n"
  "  \"${SGPLAN_AWS:-aws}\" \"${extra[@]}\" --region \"$region\" \"$@\"\n"
  "}\n"
  "\n"
  "# An EC2 call that changes something.  With DRY_RUN=1 it gets --dry-run, and\n"
  "# the DryRunOperation error (the CLI exits non-zero with it) means success.\n"
  "ec2_change() {\n"
  "  local account=$1 region=$2 command=$3\n"
  "  shift 3\n"
  "  if dry_run; then\n"
  "    local err\n"
  "    if err=$(aws_call \"$account\" \"$region\" ec2 \"$command\" --dry-run \"$@\" 2>&1 >/dev/null); then\n"
  "      note \"dry run: $command answered without DryRunOperation\"\n"
  "      return 0\n"
  "    fi\n"
  "    if [[ $err == *DryRunOperation* ]]; then\n"
  "      note \"dry run: $command would succeed\"\n"
  "      return 0\n"
  "    fi\n"
  "    printf '%s\\n' \"$err\" >&2\n"
  "    return 1\n"
  "  fi\n"
  "  aws_call \"$account\" \"$region\" ec2 \"$command\" \"$@\"\n"
  "}\n"
  "\n"
  "# The journal: a header naming the plan, then \"done N\" / \"undone N\" for each\n"
  "# step and \"group new:sg-... sg-...\" for each group created.\n"
  "declare -A step_state=() new_ids=()\n"
  "load_journal() {\n"
  "  [[ -f $journal ]] || return 0\n"
  "  local line first=1 kind key value\n"
  "  while IFS= read -r line; do\n"
  "    if (( first )); then\n"
  "      first=0\n"
  "      [[ $line == \"# sgplan journal $SGPLAN_FINGERPRINT\" ]] || die \"$journal is not the journal of this plan\"\n"
  "      continue\n"
  "    fi\n"
  "    read -r kind key value <<<\"$line\"\n"
  "    case $kind in\n"
  "      done|undone) [[ $key =~ ^[0-9]+$ ]] || die \"bad journal line: $line\"; step_state[$key]=$kind ;;\n"
  "      group) [[ $key == new:sg-* && $value =~ ^sg-[0-9a-f]+$ ]] || die \"bad journal line: $line\"; new_ids[$key]=$value ;;\n"
  "      *) die \"bad journal line: $line\" ;;\n"
  "    esac\n"
  "  done <\"$journal\"\n"
  "}\n"
  "journal_add() {\n"
  "  if [[ ! -e $journal ]]; then printf '# sgplan journal %s\\n' \"$SGPLAN_FINGERPRINT\" >\"$journal\"; fi\n"
  "  printf '%s\\n' \"$1\" >>\"$journal\"\n"
  "}\n"
  "record_group() {\n"
  "  [[ $2 =~ ^sg-[0-9a-f]+$ ]] || die \"create-security-group returned '$2', not a group ID\"\n"
  "  new_ids[$1]=$2\n"
  "  journal_add \"group $1 $2\"\n"
  "  note \"created $2 for $1\"\n"
  "}\n"
  "# The real ID of a group this plan created.\n"
  "gid() {\n"
  "  [[ -n ${new_ids[$1]:-} ]] || die \"no group was recorded for $1 in $journal\"\n"
  "  printf '%s' \"${new_ids[$1]}\"\n"
  "}\n"
  "# A dry run cannot use a group that only a real run creates: skip the step.\n"
  "needs_group() {\n"
  "  if dry_run && [[ -z ${new_ids[$1]:-} ]]; then\n"
  "    note \"dry run: not run, it needs $1, which a real run creates\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "\n"
  "readonly RULES_QUERY=\"join('|', sort(SecurityGroupRules[].join(' ', [to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), to_string(CidrIpv4), to_string(CidrIpv6), to_string(PrefixListId), to_string(ReferencedGroupInfo.GroupId), to_string(ReferencedGroupInfo.UserId), to_string(Description), 'end'])))\"\n"
  "check_rules() {\n"
  "  local found\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-security-group-rules --filters \"Name=group-id,Values=$3\" --query \"$RULES_QUERY\" --output text); then\n"
  "    note \"drift: cannot read the rules of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$4\" ]]; then\n"
  "    note \"drift: the rules of $3 are not those of the export\"\n"
  "    note \"  expected: $4\"\n"
  "    note \"  found:    $found\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "check_eni_groups() {\n"
  "  local found\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-network-interfaces --network-interface-ids \"$3\" --query 'NetworkInterfaces[0].Groups[].GroupId' --output text); then\n"
  "    note \"drift: cannot read the groups of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$4\" ]]; then\n"
  "    note \"drift: $3 has groups $found, the export says $4\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "check_name_free() {\n"
  "  local found\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-security-groups --filters \"$3\" --query 'length(SecurityGroups)' --output text); then\n"
  "    note \"drift: cannot list the security groups named $4\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != 0 ]]; then\n"
  "    note \"drift: a security group named $4 already exists in its VPC\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "\n"
  "current=''\n"
  "on_exit() {\n"
  "  local status=$?\n"
  "  if (( status != 0 )) && [[ -n $current ]]; then\n"
  "    printf 'sgplan: error: %s failed (exit %s); the journal %s records what is done:\\n' \"$current\" \"$status\" \"$journal\" >&2\n"
  "    printf 'sgplan: error: fix the cause and run this script again to go on, or run the rollback script to undo\\n' >&2\n"
  "  fi\n"
  "}\n"
  "trap on_exit EXIT\n"
  "\n";

static void
render_header (GString *out, const ChangeSet *cs, gboolean rollback)
{
  g_autofree char *fp = g_strndup (cs->fingerprint, 16);

  g_string_append (out, "#!/usr/bin/env bash\n");
  g_string_append_printf (out, "# sgplan %s script: %s AWS Security Hub EC2.2 (VPC default security groups\n"
                               "# allow no traffic) as planned in a change set, with the AWS CLI v2.\n",
                          rollback ? "rollback" : "remediation",
                          rollback ? "undoes the remediation of" : "remediates");
  g_string_append_printf (out, "#\n# Plan fingerprint: %s\n", cs->fingerprint);
  g_string_append_printf (out, "# Plan: %u to migrate, %u to revoke, %u blocked, %u excepted, %u compliant;"
                               " %u steps.\n",
                          cs->counts[DECISION_MIGRATE], cs->counts[DECISION_REVOKE],
                          cs->counts[DECISION_BLOCKED], cs->counts[DECISION_EXCEPTED],
                          cs->counts[DECISION_COMPLIANT], cs->steps->len);
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *g = cs->groups->pdata[i];
      g_autofree char *line = g_strdup_printf ("  %s (%s, %s): %s", g->group_id, g->owner_id, g->region,
                                               decision_name (g->decision));
      comment (out, "", line);
    }
  for (guint i = 0; i < cs->warnings->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("  warning: %s", (const char *) cs->warnings->pdata[i]);
      comment (out, "", line);
    }
  g_string_append_printf (out,
    "#\n"
    "# Needs bash, the AWS CLI v2 (aws, or SGPLAN_AWS) and coreutils.\n"
    "# Credentials: the calls for account N use the profile named by\n"
    "#   SGPLAN_PROFILE_N (for example SGPLAN_PROFILE_111122223333=prod-admin);\n"
    "#   when it is unset, the default credentials.\n"
    "# Dry run:   DRY_RUN=1 %s\n"
    "#   adds --dry-run to every EC2 call; nothing changes and the journal is not\n"
    "#   written.  Steps that need a group only a real run creates are listed.\n"
    "# Journal:   SGPLAN_JOURNAL, by default sgplan-%s.journal next to this\n"
    "#   script: each completed step and the ID of each group created.\n",
    rollback ? "./rollback.sh" : "./remediate.sh", fp);
  if (rollback)
    g_string_append (out,
      "# Rollback:  undoes, newest first, exactly the steps the journal records as\n"
      "#   done, also after a forward run that stopped half-way; run it again to\n"
      "#   go on after a failure.\n");
  else
    g_string_append (out,
      "# Preflight: before the first change, the live rules of every group and the\n"
      "#   groups of every network interface the plan touches are compared with the\n"
      "#   export; any difference stops the script.  SGPLAN_SKIP_PREFLIGHT=1 skips it.\n"
      "# Resume:    run it again: steps in the journal are skipped.\n"
      "# Roll back: sgplan script --rollback PLAN -o rollback.sh, next to this\n"
      "#   script (same journal), then ./rollback.sh.\n");
  g_string_append (out,
    "#\n"
    "# Values from the export are single-quoted shell words or inside\n"
    "# single-quoted JSON; they are never interpreted.\n"
    "# shellcheck disable=SC2016 # quoted values may contain $ and backticks on purpose\n"
    "\n"
    "set -euo pipefail\n"
    "export AWS_PAGER=''\n");
  g_string_append_printf (out, "readonly SGPLAN_FINGERPRINT='%s'\n", cs->fingerprint);
  g_string_append_printf (out, "journal=${SGPLAN_JOURNAL:-$(cd -- \"$(dirname -- \"${BASH_SOURCE[0]}\")\" && pwd)/sgplan-%s.journal}\n\n",
                          fp);
}

char *
render_script (const ChangeSet *cs, gboolean rollback)
{
  GString *out = g_string_new (NULL);

  render_header (out, cs, rollback);
  g_string_append (out, script_library);
  if (!rollback)
    render_preflight (out, cs);
  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];
      g_autoptr (Step) inverse = step_inverse (step);
      g_autofree char *what = g_strdup_printf ("%s %u", rollback ? "undo of step" : "step", i + 1);
      g_autofree char *purpose = g_strdup_printf ("%s%s", rollback ? "undo: " : "", step->purpose);

      g_string_append_printf (out, "%s_%u() {\n", rollback ? "undo" : "step", i + 1);
      comment (out, "  ", purpose);
      render_step_body (out, rollback ? inverse : step, what);
      g_string_append (out, "}\n\n");
    }
  g_string_append (out, "run() {\n"
                        "  local n=$1 purpose=$2\n");
  if (rollback)
    g_string_append (out, "  if [[ ${step_state[$n]:-} != 'done' ]]; then return 0; fi\n"
                          "  current=\"undo of step $n\"\n"
                          "  note \"undo step $n: $purpose\"\n"
                          "  \"undo_$n\"\n"
                          "  current=''\n"
                          "  if ! dry_run; then step_state[$n]='undone'; journal_add \"undone $n\"; fi\n"
                          "}\n\n");
  else
    g_string_append_printf (out, "  if [[ ${step_state[$n]:-} == 'done' ]]; then note \"step $n: done before\"; return 0; fi\n"
                                 "  current=\"step $n\"\n"
                                 "  note \"step $n/%u: $purpose\"\n"
                                 "  \"step_$n\"\n"
                                 "  current=''\n"
                                 "  if ! dry_run; then step_state[$n]='done'; journal_add \"done $n\"; fi\n"
                                 "}\n\n",
                            cs->steps->len);
  g_string_append (out, "main() {\n  load_journal\n");
  if (rollback)
    g_string_append (out, "  if [[ ! -e $journal ]]; then note \"no journal at $journal: nothing ran, nothing to undo\"; return 0; fi\n");
  else
    g_string_append (out, "  if (( ${#step_state[@]} == 0 )); then preflight; else note \"resuming from $journal (no preflight: the account has changed since the export)\"; fi\n");
  for (guint k = 0; k < cs->steps->len; k++)
    {
      guint i = rollback ? cs->steps->len - 1 - k : k;
      const Step *step = cs->steps->pdata[i];

      g_string_append_printf (out, "  run %u ", i + 1);
      sh_quote (out, step->purpose);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "  note '%s'\n}\n\nmain \"$@\"\n",
                          rollback ? "rollback complete" : "all steps done");
  return g_string_free (out, FALSE);
}
