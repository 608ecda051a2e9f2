-- Tell every barong-authorize that a session, user, API key or service
-- account it may hold in memory changed: one NOTIFY barong_subjects per
-- statement, delivered at its commit, whoever made the change (another
-- host, barongctl, psql).  The processes of the writer's own host learn
-- it sooner, through the shared state file (lib/shared.h); these
-- triggers are what reaches the others.  The rules are those of
-- shared_classify(): an INSERT adds nothing a cache holds, and the only
-- UPDATE of sessions is a renewal, which only lengthens a session.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE FUNCTION barong_subjects_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('barong_subjects', TG_TABLE_NAME);
	RETURN NULL;
END;
$$;

CREATE TRIGGER users_subjects_notify
    AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION barong_subjects_notify();
CREATE TRIGGER sessions_subjects_notify
    AFTER DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION barong_subjects_notify();
CREATE TRIGGER apikeys_subjects_notify
    AFTER UPDATE OR DELETE OR TRUNCATE ON apikeys
    FOR EACH STATEMENT EXECUTE FUNCTION barong_subjects_notify();
CREATE TRIGGER service_accounts_subjects_notify
    AFTER UPDATE OR DELETE OR TRUNCATE ON service_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION barong_subjects_notify();
