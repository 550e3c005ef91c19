-- Console sign-ins through OpenID Connect (docs/console.md): between the redirect to the
-- provider and the browser's return, the sign-in's nonce and PKCE verifier wait here, under
-- the SHA-256 of its `state`, so that any replica can finish it. Each is taken once and
-- lives ten minutes at most.
CREATE TABLE console_oidc_flows (
    state_hash  bytea PRIMARY KEY,
    nonce       text NOT NULL,
    verifier    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX console_oidc_flows_expiry ON console_oidc_flows (expires_at);

-- How a person signed in: 'password' (a directory bind) or 'oidc'; why a single sign-on
-- was refused (the ID token's fault, the provider's answer), never a token or a secret.
ALTER TABLE console_sign_ins ADD COLUMN method text NOT NULL DEFAULT 'password';
ALTER TABLE console_sign_ins ADD COLUMN detail text;
