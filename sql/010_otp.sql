-- TOTP secrets for two-factor authentication (user-api.md 6.6).  Barong
-- keeps them in Vault's TOTP engine; we keep them here, sealed by the
-- keyring (lib/totp.c).  Service accounts have no TOTP.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE otp_secrets (
	user_id		bigint PRIMARY KEY
	    REFERENCES users (id) ON DELETE CASCADE,
	-- crypto_seal() of the 20-byte secret, aad "otp_secrets:<uid>"
	secret_encrypted text NOT NULL,
	-- The last accepted time step (unix time / 30): a code of this step
	-- or an older one is refused (replay protection).  0 for a new secret.
	last_step	bigint NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT otp_secrets_last_step_check CHECK (last_step >= 0)
);
