-- The model provider each agent's configuration selects (issue 17: true inventory), as the
-- heartbeat reports it; NULL when the agent's files do not say.
ALTER TABLE host_agents ADD COLUMN provider text;
