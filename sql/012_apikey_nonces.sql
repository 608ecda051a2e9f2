-- API-key nonces already used (barong-authorize, lib/apikey.h).  Barong
-- accepts a signed request again for as long as its nonce is fresh; we
-- refuse a second use of the same (kid, nonce) with authz.nonce_reused.
--
-- UNLOGGED: the rows matter only for the few seconds of the nonce window,
-- writing them to the WAL would double the cost of every API-key request,
-- and a table emptied by a server crash reopens replays for one window at
-- most.  Not replicated: barong-authorize writes and reads it on the
-- primary only.  Rows are purged by barong-authorize once a minute.
--
-- nonce is the X-Auth-Nonce header as signed (the text, not its integer
-- value: two spellings of one number are two signed messages), or
-- 'sha256:<hex>' of it when longer than 64 characters.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE UNLOGGED TABLE apikey_nonces (
	kid		text NOT NULL,
	nonce		text NOT NULL,
	expires_at	timestamptz NOT NULL,
	CONSTRAINT apikey_nonces_pkey PRIMARY KEY (kid, nonce)
);
CREATE INDEX apikey_nonces_expires_at_idx ON apikey_nonces (expires_at);
