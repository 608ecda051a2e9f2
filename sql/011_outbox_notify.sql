-- Wake `barongctl mailer --daemon` when mail is queued: one NOTIFY
-- barong_outbox per INSERT statement, delivered at its commit (and not at
-- all if the transaction rolls back).  The payload is empty: the mailer
-- looks for due rows itself, so coalesced or lost notifications cost at
-- most its one-second poll.
--
-- Also an index for the mailer's claim (pending rows in id order), which
-- stays small however many sent and failed rows the table keeps.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE FUNCTION outbox_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('barong_outbox', '');
	RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify
    AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE INDEX outbox_pending_id_idx ON outbox (id) WHERE state = 'pending';
