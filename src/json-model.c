/* json-model.c - model objects as JSON, shared by check reports and change sets.
 *
 * One representation of a rule, an ENI and a finding wherever sgplan writes
 * them, so a reviewer reads the same keys in every output. */
#include "config.h"

#include "json-model.h"
#include "eni-kind.h"

#include <string.h>

void
json_add_string (cJSON *obj, const char *key, const char *value)
{
  if (value != NULL)
    cJSON_AddStringToObject (obj, key, value);
}

cJSON *
json_from_strings (const GPtrArray *strings)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; i < strings->len; i++)
    cJSON_AddItemToArray (array, cJSON_CreateString (strings->pdata[i]));
  return array;
}

static void
add_ports (cJSON *obj, const Rule *rule)
{
  if (rule->from_port != SGPLAN_PORT_NONE)
    cJSON_AddNumberToObject (obj, "from_port", rule->from_port);
  if (rule->to_port != SGPLAN_PORT_NONE)
    cJSON_AddNumberToObject (obj, "to_port", rule->to_port);
}

cJSON *
json_from_rule (const Rule *rule)
{
  cJSON *obj = cJSON_CreateObject ();

  cJSON_AddStringToObject (obj, "direction", rule_direction_name (rule));
  cJSON_AddStringToObject (obj, "protocol", rule->protocol);
  add_ports (obj, rule);
  cJSON_AddStringToObject (obj, "peer_kind", rule_peer_kind_name (rule));
  cJSON_AddStringToObject (obj, "peer", rule->peer);
  json_add_string (obj, "peer_owner_id", rule->peer_owner);
  json_add_string (obj, "peer_vpc_id", rule->peer_vpc);
  json_add_string (obj, "peering_id", rule->peering_id);
  json_add_string (obj, "peering_status", rule->peering_status);
  json_add_string (obj, "description", rule->description);
  json_add_string (obj, "rule_id", rule->rule_id);
  return obj;
}

cJSON *
json_from_eni (const Eni *eni)
{
  cJSON *obj = cJSON_CreateObject ();

  cJSON_AddStringToObject (obj, "id", eni->id);
  json_add_string (obj, "interface_type", eni->common->interface_type);
  cJSON_AddStringToObject (obj, "owner_id", eni->common->owner_id);
  json_add_string (obj, "description", eni->description);
  json_add_string (obj, "instance_id", eni->instance_id);
  cJSON_AddBoolToObject (obj, "requester_managed", eni->common->requester_managed);
  json_add_string (obj, "requester_id", eni->common->requester_id);
  json_add_string (obj, "availability_zone", eni->common->availability_zone);
  return obj;
}

void
json_add_eni_kind (cJSON *obj, const Eni *eni)
{
  EniClass c = eni_kind_classify_eni (eni);
  g_autofree char *resource = eni_class_resource (&c);
  g_autofree char *file_system = eni_class_file_system (&c);
  g_autofree char *arn = eni_class_load_balancer_arn (&c, eni->common->owner_id, eni->common->region);

  cJSON_AddStringToObject (obj, "kind", eni_kind_name (c.kind));
  cJSON_AddStringToObject (obj, "kind_label", eni_kind_label (c.kind));
  json_add_string (obj, "resource", resource);
  json_add_string (obj, "file_system_id", file_system);
  json_add_string (obj, "load_balancer_arn", arn);
}

static cJSON *
json_from_reference (const Reference *ref)
{
  cJSON *obj = cJSON_CreateObject ();

  cJSON_AddStringToObject (obj, "group_id", ref->group->id);
  cJSON_AddStringToObject (obj, "group_name", ref->group->name);
  cJSON_AddStringToObject (obj, "owner_id", ref->group->owner_id);
  json_add_string (obj, "vpc_id", ref->group->vpc_id);
  cJSON_AddItemToObject (obj, "rule", json_from_rule (ref->rule));
  cJSON_AddBoolToObject (obj, "cross_account", ref->cross_account);
  cJSON_AddBoolToObject (obj, "peered", ref->peered);
  return obj;
}

cJSON *
json_from_finding (const Finding *finding)
{
  const Group *group = finding->group;
  cJSON *obj = cJSON_CreateObject ();
  cJSON *rules, *enis, *refs, *outside;

  cJSON_AddStringToObject (obj, "group_id", group->id);
  cJSON_AddStringToObject (obj, "group_name", group->name);
  json_add_string (obj, "description", group->description);
  cJSON_AddStringToObject (obj, "vpc_id", group->vpc_id);
  cJSON_AddStringToObject (obj, "owner_id", group->owner_id);
  cJSON_AddStringToObject (obj, "region", group->region);
  cJSON_AddStringToObject (obj, "status", finding->failed ? "FAILED" : "PASSED");
  rules = cJSON_AddArrayToObject (obj, "rules");
  for (guint i = 0; i < group->n_rules; i++)
    cJSON_AddItemToArray (rules, json_from_rule (&group->rules[i]));
  enis = cJSON_AddArrayToObject (obj, "attached_interfaces");
  for (guint i = 0; i < finding->enis->len; i++)
    cJSON_AddItemToArray (enis, json_from_eni (finding->enis->pdata[i]));
  refs = cJSON_AddArrayToObject (obj, "references");
  for (guint i = 0; i < finding->references->len; i++)
    cJSON_AddItemToArray (refs, json_from_reference (finding->references->pdata[i]));
  outside = cJSON_AddArrayToObject (obj, "outside_references");
  for (guint i = 0; i < finding->outside->len; i++)
    {
      const GroupReference *gr = finding->outside->pdata[i];
      cJSON *o = cJSON_CreateObject ();

      cJSON_AddStringToObject (o, "referencing_vpc_id", gr->referencing_vpc);
      json_add_string (o, "peering_id", gr->peering_id);
      json_add_string (o, "transit_gateway_id", gr->transit_gateway_id);
      cJSON_AddItemToArray (outside, o);
    }
  return obj;
}

