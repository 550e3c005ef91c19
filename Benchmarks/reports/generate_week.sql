-- A generated week for the reports benchmark (scripts/bench-reports): :users users in
-- :groups groups (each user in two), one host per user, and :events audit events spread
-- over the current ISO week (the policy is published now, so it is in force for this week). Deterministic. psql variables: users, groups, events.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO directory_users (id, dn, username, email)
SELECT i, 'uid=u' || i || ',ou=people,dc=example,dc=com', 'u' || i, 'u' || i || '@example.com'
FROM generate_series(0, :users - 1) i;
INSERT INTO directory_groups (id, dn, name, owners)
SELECT i, 'cn=g' || i || ',ou=groups,dc=example,dc=com', 'g' || i, ARRAY['uid=u' || i || ',ou=people,dc=example,dc=com']
FROM generate_series(0, :groups - 1) i;
INSERT INTO effective_memberships (user_id, group_id, depth)
SELECT i, i % :groups, 0 FROM generate_series(0, :users - 1) i
UNION
SELECT i, (i * 7 + 3) % :groups, 0 FROM generate_series(0, :users - 1) i;
INSERT INTO hosts (id, machine_id, hostname, installer_version, users, last_heartbeat_at)
SELECT md5('host' || i)::uuid, 'm' || i, 'h' || i || '.example.com', CASE WHEN i % 10 = 0 THEN '1.3.2' ELSE '1.4.0' END,
       ARRAY['u' || i], CASE WHEN i % 20 = 0 THEN NULL ELSE now() - (i % 48) * interval '1 hour' END
FROM generate_series(0, :users - 1) i;
INSERT INTO host_agents (host_id, kind, version, hook_state)
SELECT md5('host' || i)::uuid, 'claude-code', '2.0.' || (i % 3), CASE WHEN i % 7 = 0 THEN 'missing' ELSE 'installed' END
FROM generate_series(0, :users - 1) i;
COMMIT;

SELECT ringfence_ensure_event_partition(date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC');

-- Shapes: surface, verdict, pack, rule (index 1 + g % 7).
INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, agent_version, surface, pack, pack_version,
                          rule_id, repo, verdict, applied_level, uncapped_level, summary)
SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + (g % 604000) * interval '1 second',
       md5('host' || (g % :users))::uuid, 'e' || g, 'u' || (g % :users), 'claude-code', '2.0.1',
       (ARRAY['risky_shell', 'risky_shell', 'risky_shell', 'sensitive_path_read', 'sensitive_path_read', 'mcp_tool', 'credential_exfiltration'])[1 + g % 7],
       (ARRAY[NULL, 'shell-baseline', 'shell-baseline', 'secrets-baseline', NULL, 'mcp-governance', 'secrets-baseline'])[1 + g % 7],
       CASE WHEN g % 7 IN (0, 4) THEN NULL ELSE 1 END,
       (ARRAY[NULL, 'RS-2', 'RS-1', 'SP-1', NULL, 'MCP-1', 'CE-1'])[1 + g % 7],
       (ARRAY['payments/api', 'payments/web', 'platform/infra', 'data/pipelines', 'mobile/app'])[1 + (g / 7) % 5],
       (ARRAY['pass', 'warn-candidate', 'block-candidate', 'block-candidate', 'pass', 'warn-candidate', 'block-candidate'])[1 + g % 7],
       'observe',
       (ARRAY['off', 'warn', 'block', 'block', 'off', 'warn', 'block'])[1 + g % 7],
       'action ' || (g % 1000)
FROM generate_series(1, :events) g;
ANALYZE audit_events;
