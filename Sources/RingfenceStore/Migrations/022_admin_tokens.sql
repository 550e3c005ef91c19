-- Admin API tokens (docs/admin-api.md): an admin key now carries the role it acts with and
-- who made it. The label is the person or automation the token speaks for, recorded as
-- the actor of every change made with it. Keys made before this migration act as admins,
-- as they did.
ALTER TABLE api_keys ADD COLUMN role text;
ALTER TABLE api_keys ADD COLUMN created_by text;
UPDATE api_keys SET role = 'admin' WHERE kind = 'admin';
UPDATE api_keys SET label = 'admin' WHERE kind = 'admin' AND label IS NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_admin_role
    CHECK (kind <> 'admin' OR (role IN ('admin', 'operator', 'viewer', 'manager') AND label IS NOT NULL));

-- Pages of the admin API and the console, in their order: live hosts by name, live groups by
-- name (docs/performance.md "Admin API pages").
CREATE INDEX hosts_page ON hosts (hostname, id) WHERE retired_at IS NULL;
CREATE INDEX directory_groups_page ON directory_groups (lower(name), id) WHERE deleted_at IS NULL;
