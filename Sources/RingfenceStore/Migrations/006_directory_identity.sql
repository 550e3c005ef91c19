-- Stable directory identity: entryUUID (OpenLDAP) or objectGUID (Active Directory), so a
-- renamed or moved entry (new DN) is recognised as the same user or group. Also records
-- entries a sync run rejected (hostile or malformed values) and its warnings.

ALTER TABLE directory_users ADD COLUMN external_id text;
ALTER TABLE directory_groups ADD COLUMN external_id text;
CREATE UNIQUE INDEX directory_users_external_id ON directory_users (external_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX directory_groups_external_id ON directory_groups (external_id) WHERE deleted_at IS NULL;

ALTER TABLE sync_runs ADD COLUMN entries_rejected integer NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE sync_runs ADD COLUMN roles_changed integer NOT NULL DEFAULT 0;

-- Effective memberships are derived data, rebuilt in bulk by each sync in the same
-- transaction as the rows they derive from; per-row foreign-key checks would make the
-- rebuild of millions of rows slow without protecting anything.
ALTER TABLE effective_memberships DROP CONSTRAINT effective_memberships_user_id_fkey;
ALTER TABLE effective_memberships DROP CONSTRAINT effective_memberships_group_id_fkey;
