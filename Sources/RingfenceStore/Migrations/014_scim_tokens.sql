-- SCIM bearer tokens (issue 16) are API keys of kind 'scim': stored hashed, revocable, with
-- the provider they belong to as their label. Like admin keys they name no host.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_kind_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('agent', 'admin', 'scim'));
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_check CHECK (kind <> 'agent' OR host_id IS NOT NULL);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scim_provider CHECK (kind <> 'scim' OR label IS NOT NULL);
