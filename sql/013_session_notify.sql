-- Tell barong-authorize's session cache (lib/authz.c) what to forget, on
-- channel barong_sessions, at commit: the hex SHA-256 of a session token
-- when its row is deleted or changed, 'user:<id>' when a user is deleted
-- or a column the authorize decision reads changes.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE FUNCTION session_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('barong_sessions', encode(OLD.token_sha256, 'hex'));
	RETURN NULL;
END;
$$;

CREATE TRIGGER session_notify
    AFTER DELETE OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION session_notify();

CREATE FUNCTION session_user_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('barong_sessions', 'user:' || OLD.id);
	RETURN NULL;
END;
$$;

CREATE TRIGGER session_user_notify
    AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR
	OLD.role IS DISTINCT FROM NEW.role OR
	OLD.level IS DISTINCT FROM NEW.level OR
	OLD.email IS DISTINCT FROM NEW.email OR
	OLD.username IS DISTINCT FROM NEW.username OR
	OLD.referral_id IS DISTINCT FROM NEW.referral_id OR
	OLD.otp IS DISTINCT FROM NEW.otp OR
	OLD.uid IS DISTINCT FROM NEW.uid)
    EXECUTE FUNCTION session_user_notify();

CREATE TRIGGER session_user_delete_notify
    AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION session_user_notify();
