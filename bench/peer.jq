# peer.jq - the EC2.2 analysis a user would write in jq, as the benchmark's
# second reference: jq -n -f peer.jq FILE...  (every export file, any order).
# For every VPC default security group: its status (FAILED when it has any
# rule), the network interfaces that carry it, and the rules of other groups
# that reference it, sorted by group ID.
[inputs] as $docs
| [$docs[] | .SecurityGroups // [] | .[]] as $groups
| [$docs[] | .NetworkInterfaces // [] | .[]] as $enis
| ([$groups[] | select(.GroupName == "default") | .GroupId] | map({(.): true}) | add // {}) as $is_default
| ([$enis[] | .NetworkInterfaceId as $id | .Groups[] | select($is_default[.GroupId]) | {g: .GroupId, id: $id}]
   | group_by(.g) | map({(.[0].g): (map(.id) | sort)}) | add // {}) as $on
| ([$groups[] | .GroupId as $gid
    | ((.IpPermissions // [])[] | {d: "inbound", p: .}), ((.IpPermissionsEgress // [])[] | {d: "outbound", p: .})
    | .d as $d | .p as $p | ($p.UserIdGroupPairs // [])[]
    | select($is_default[.GroupId] and .GroupId != $gid)
    | {g: .GroupId, rule: {group_id: $gid, direction: $d, protocol: $p.IpProtocol, from_port: $p.FromPort, to_port: $p.ToPort}}]
   | group_by(.g) | map({(.[0].g): map(.rule)}) | add // {}) as $refs
| {default_groups: [$groups[] | select(.GroupName == "default")
    | {group_id: .GroupId, vpc_id: .VpcId, account: .OwnerId,
       status: (if ((.IpPermissions // []) + (.IpPermissionsEgress // []) | length) > 0 then "FAILED" else "PASSED" end),
       network_interfaces: ($on[.GroupId] // []), referencing_rules: ($refs[.GroupId] // [])}]
    | sort_by(.group_id)}
