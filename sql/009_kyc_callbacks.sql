-- KYC provider callbacks (POST /public/kyc with kyc_provider = kycaid),
-- kept whole for the verification worker instead of being answered and
-- dropped.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE kyc_callbacks (
	id		bigserial PRIMARY KEY,
	provider	text NOT NULL,
	payload		jsonb NOT NULL,
	state		text NOT NULL DEFAULT 'pending',
	received_at	timestamptz NOT NULL DEFAULT now(),
	processed_at	timestamptz,
	CONSTRAINT kyc_callbacks_state_check
	    CHECK (state IN ('pending', 'processed', 'failed'))
);
CREATE INDEX kyc_callbacks_state_idx ON kyc_callbacks (state, id);
