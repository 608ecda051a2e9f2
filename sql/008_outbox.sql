-- Mail and event outbox.  A request inserts a row in the same transaction
-- as the change it reports; `barongctl mailer` delivers and retries.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	event		text NOT NULL,
	-- kept (as NULL) if the user is deleted: nothing queued is dropped
	user_id		bigint REFERENCES users (id) ON DELETE SET NULL,
	payload		jsonb NOT NULL,
	language	text,
	state		text NOT NULL DEFAULT 'pending',
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	sent_at		timestamptz,
	CONSTRAINT outbox_state_check
	    CHECK (state IN ('pending', 'sent', 'failed')),
	CONSTRAINT outbox_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX outbox_state_next_attempt_at_idx
    ON outbox (state, next_attempt_at);
CREATE INDEX outbox_user_id_idx ON outbox (user_id);
