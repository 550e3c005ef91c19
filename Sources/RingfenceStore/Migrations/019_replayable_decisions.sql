-- Replayable decisions (docs/reliability.md "Replaying a decision"): each audit event names
-- the policy revision its agent decided with, next to the etag it already carried; roles
-- keep a history as memberships do, so `ringfence events explain` and `explain --at` can
-- rebuild the directory as it was at a moment.
ALTER TABLE audit_events ADD COLUMN policy_revision bigint;

-- The agent kind and repository a stored resolution was served for: with them (and the
-- host, etag and revision an event names) an event finds the policy its agent held.
ALTER TABLE resolutions ADD COLUMN agent_kind text NOT NULL DEFAULT '';
ALTER TABLE resolutions ADD COLUMN repo text NOT NULL DEFAULT '';
CREATE INDEX resolutions_host_etag ON resolutions (host_id, etag, revision);

-- Replaying nesting reads every group-in-group change after a moment.
CREATE INDEX membership_history_nesting ON membership_history (at) WHERE member_kind = 'group';

-- Never written (reports re-evaluate a week through the impact preview instead).
ALTER TABLE audit_events DROP COLUMN level_by_ring;

-- One row per role a user gained or lost, written by the trigger below whatever wrote
-- user_roles (an LDAP sync, a SCIM provider). Append-only.
CREATE TABLE role_history (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    change   text NOT NULL CHECK (change IN ('added', 'removed')),
    user_id  bigint NOT NULL,
    role     text NOT NULL,
    source   text NOT NULL
);
CREATE INDEX role_history_user ON role_history (user_id, at);

CREATE FUNCTION ringfence_note_role_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO role_history (change, user_id, role, source) VALUES ('added', NEW.user_id, NEW.role, NEW.source);
        RETURN NEW;
    END IF;
    INSERT INTO role_history (change, user_id, role, source) VALUES ('removed', OLD.user_id, OLD.role, OLD.source);
    RETURN OLD;
END;
$$;
CREATE TRIGGER user_roles_history AFTER INSERT OR DELETE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION ringfence_note_role_change();
CREATE TRIGGER role_history_append_only BEFORE UPDATE OR DELETE ON role_history
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
