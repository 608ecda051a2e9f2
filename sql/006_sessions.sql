-- Our own tables (Barong keeps these in Redis): login sessions and the
-- brute-force throttle.  They use timestamptz; the connection runs in UTC.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

-- The cookie carries a random 256-bit token; only its SHA-256 is stored.
CREATE TABLE sessions (
	id		bigserial PRIMARY KEY,
	token_sha256	bytea NOT NULL,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token	text NOT NULL,
	user_ip		text,
	user_agent	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	last_seen_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT sessions_token_sha256_key UNIQUE (token_sha256),
	CONSTRAINT sessions_token_sha256_check
	    CHECK (octet_length(token_sha256) = 32)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed logins per key, e.g. 'email:<address>' or 'ip:<address>'.
CREATE TABLE login_failures (
	key		text PRIMARY KEY,
	failures	integer NOT NULL DEFAULT 0,
	window_start	timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz,
	CONSTRAINT login_failures_failures_check CHECK (failures >= 0)
);
