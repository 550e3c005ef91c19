-- SCIM provisioning (issue 16): users and groups pushed by an identity provider live in the
-- same mirror as LDAP's. `origin` says where a row comes from ('ldap', or 'scim:<provider>'
-- for a SCIM token's provider); an LDAP sync reads and changes only its own rows, a
-- provider only its own. SCIM rows carry the id the service gave them (`scim_id`, never
-- reused) and the resource as last written (`scim_resource`: the attributes Ringfence
-- keeps; members live in group_members).
ALTER TABLE directory_users ADD COLUMN origin text NOT NULL DEFAULT 'ldap';
ALTER TABLE directory_groups ADD COLUMN origin text NOT NULL DEFAULT 'ldap';
ALTER TABLE directory_users ADD COLUMN scim_id uuid;
ALTER TABLE directory_groups ADD COLUMN scim_id uuid;
ALTER TABLE directory_users ADD COLUMN scim_resource jsonb;
ALTER TABLE directory_groups ADD COLUMN scim_resource jsonb;
ALTER TABLE directory_users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE directory_groups ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX directory_users_scim_id ON directory_users (scim_id) WHERE scim_id IS NOT NULL;
CREATE UNIQUE INDEX directory_groups_scim_id ON directory_groups (scim_id) WHERE scim_id IS NOT NULL;
CREATE INDEX directory_users_origin ON directory_users (origin) WHERE deleted_at IS NULL;
CREATE INDEX directory_groups_origin ON directory_groups (origin) WHERE deleted_at IS NULL;
CREATE INDEX directory_groups_display_name ON directory_groups (origin, lower(name)) WHERE deleted_at IS NULL;

-- A provider's change is not a sync run: its history rows name the origin instead.
ALTER TABLE membership_history ALTER COLUMN sync_run_id DROP NOT NULL;
ALTER TABLE membership_history ADD COLUMN origin text NOT NULL DEFAULT 'ldap';
