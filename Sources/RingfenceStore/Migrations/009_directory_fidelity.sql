-- Directory fidelity (issue 15): DNs compared as DNs, and what a run could not map.
-- dn_key is the DN's normalized RFC 4514 form (DistinguishedName.key): equal DNs have
-- equal keys, whatever their escaping or case. Written by the next sync (rows from
-- before this migration have NULL and are rewritten by it).

ALTER TABLE directory_users ADD COLUMN dn_key text;
ALTER TABLE directory_groups ADD COLUMN dn_key text;
CREATE INDEX directory_users_dn_key ON directory_users (dn_key) WHERE deleted_at IS NULL;
CREATE INDEX directory_groups_dn_key ON directory_groups (dn_key) WHERE deleted_at IS NULL;

-- Member values that matched no synced user or group (named in warnings), and the
-- direct memberships found through each member attribute ({"member": 120, "memberUid": 4}).
ALTER TABLE sync_runs ADD COLUMN members_unresolved integer NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN memberships_by_attribute jsonb NOT NULL DEFAULT '{}';
