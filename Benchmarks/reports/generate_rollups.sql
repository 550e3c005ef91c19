-- The daily event rollups of a week of :events audit events, written directly (without the
-- raw events) for the reports benchmark at sizes raw generation cannot reach on one
-- machine (scripts/bench-reports with ROLLUPS=1). Run after generate_week.sql with
-- events=0, which creates the same users, groups and hosts. The rollup rows have the
-- shape generate_week.sql's events produce — each user on each of the 7 days, in each of
-- the 7 event shapes (surface, pack, rule, verdict) and the 5 repositories — and their
-- counts add up to :events exactly. Deterministic. psql variables: users, events.
\set ON_ERROR_STOP on
INSERT INTO event_rollups (day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict,
                           detail, events, example)
SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') + d * interval '1 day')::date,
       md5('host' || u)::uuid, 'u' || u, 'claude-code', '',
       (ARRAY['risky_shell', 'risky_shell', 'risky_shell', 'sensitive_path_read', 'sensitive_path_read', 'mcp_tool', 'credential_exfiltration'])[1 + s],
       (ARRAY['', 'shell-baseline', 'shell-baseline', 'secrets-baseline', '', 'mcp-governance', 'secrets-baseline'])[1 + s],
       (ARRAY['', 'RS-2', 'RS-1', 'SP-1', '', 'MCP-1', 'CE-1'])[1 + s],
       (ARRAY['payments/api', 'payments/web', 'platform/infra', 'data/pipelines', 'mobile/app'])[1 + r],
       (ARRAY['pass', 'warn-candidate', 'block-candidate', 'block-candidate', 'pass', 'warn-candidate', 'block-candidate'])[1 + s],
       '',
       :events / (:users * 245)
         + CASE WHEN ((u * 7 + d) * 7 + s) * 5 + r < :events % (:users * 245) THEN 1 ELSE 0 END,
       'action ' || ((u + d + s + r) % 1000)
FROM generate_series(0, :users - 1) u, generate_series(0, 6) d, generate_series(0, 6) s, generate_series(0, 4) r
WHERE :events / (:users * 245) > 0 OR ((u * 7 + d) * 7 + s) * 5 + r < :events % (:users * 245);
ANALYZE event_rollups;
