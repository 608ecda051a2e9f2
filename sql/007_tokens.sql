-- Short-lived tokens Barong keeps in Redis with a TTL.  Expired rows are
-- ignored by readers and purged by `barongctl` housekeeping.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

-- jti of confirmation and reset JWTs already used (single use).
CREATE TABLE used_tokens (
	jti		text PRIMARY KEY,
	expires_at	timestamptz NOT NULL
);
CREATE INDEX used_tokens_expires_at_idx ON used_tokens (expires_at);

-- The latest reset token per e-mail: only the newest link is valid.
CREATE TABLE reset_tokens (
	email		text PRIMARY KEY,
	token		text NOT NULL,
	expires_at	timestamptz NOT NULL
);
CREATE INDEX reset_tokens_expires_at_idx ON reset_tokens (expires_at);

-- Admin-issued whitelink tokens (POST /admin/restrictions/whitelink).
CREATE TABLE whitelink_tokens (
	token		text PRIMARY KEY,
	expires_at	timestamptz NOT NULL
);
CREATE INDEX whitelink_tokens_expires_at_idx ON whitelink_tokens (expires_at);
