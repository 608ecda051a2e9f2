-- Service accounts and API keys.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE service_accounts (
	id		bigserial PRIMARY KEY,
	uid		varchar NOT NULL,
	owner_id	bigint REFERENCES users (id) ON DELETE CASCADE,
	email		varchar NOT NULL,
	role		varchar NOT NULL DEFAULT 'service_account',
	level		integer NOT NULL DEFAULT 0,
	state		varchar NOT NULL DEFAULT 'pending',
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
-- Barong checks these in the model only.  (Uniqueness of a uid across
-- users and service accounts stays the application's job.)
CREATE UNIQUE INDEX index_service_accounts_on_uid ON service_accounts (uid);
CREATE UNIQUE INDEX index_service_accounts_on_email
    ON service_accounts (email);
CREATE INDEX index_service_accounts_on_owner_id
    ON service_accounts (owner_id);

CREATE TABLE apikeys (
	id			bigserial PRIMARY KEY,
	key_holder_account_id	bigint NOT NULL,
	key_holder_account_type	varchar NOT NULL DEFAULT 'User',
	kid			varchar NOT NULL,
	algorithm		varchar NOT NULL,
	-- YAML-serialised array as Barong writes it, NULL for no scopes
	scope			varchar,
	-- AES-256-GCM ciphertext with a key-version prefix (not Vault)
	secret_encrypted	varchar(1024),
	state			varchar NOT NULL DEFAULT 'active',
	created_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT apikeys_key_holder_account_type_check
	    CHECK (key_holder_account_type IN ('User', 'ServiceAccount'))
);
CREATE UNIQUE INDEX index_apikeys_on_kid ON apikeys (kid);
CREATE INDEX idx_apikey_on_account
    ON apikeys (key_holder_account_type, key_holder_account_id);

-- The key holder is polymorphic (users or service_accounts), which a
-- foreign key cannot express; these triggers give the same ON DELETE
-- CASCADE so that no key outlives its holder.
CREATE FUNCTION barong_apikeys_holder_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM apikeys
	    WHERE key_holder_account_type = TG_ARGV[0]
	    AND key_holder_account_id = OLD.id;
	RETURN NULL;
END;
$$;

CREATE TRIGGER users_apikeys_cascade
    AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION barong_apikeys_holder_deleted('User');
CREATE TRIGGER service_accounts_apikeys_cascade
    AFTER DELETE ON service_accounts
    FOR EACH ROW EXECUTE FUNCTION
    barong_apikeys_holder_deleted('ServiceAccount');
