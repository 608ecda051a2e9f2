-- Gateway authorization data: RBAC permissions and restrictions, and the
-- notification that tells every barong-authorize process to reload them.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE permissions (
	id		bigserial PRIMARY KEY,
	action		varchar NOT NULL,
	role		varchar NOT NULL,
	verb		varchar NOT NULL,
	path		varchar NOT NULL,
	topic		varchar,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	-- stored upper-case; Barong's admin API accepts these values only
	CONSTRAINT permissions_action_check
	    CHECK (action IN ('ACCEPT', 'DROP', 'AUDIT')),
	CONSTRAINT permissions_verb_check
	    CHECK (verb IN ('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD',
	    'ALL'))
);
CREATE INDEX index_permissions_on_topic ON permissions (topic);
-- users.role must name a role of some permission row (checked by the
-- application: roles are not unique here, so no foreign key).
CREATE INDEX index_permissions_on_role ON permissions (role);

CREATE TABLE restrictions (
	id		bigserial PRIMARY KEY,
	category	varchar NOT NULL,
	scope		varchar(64) NOT NULL,
	value		varchar(64) NOT NULL,
	code		integer,
	state		varchar(16) NOT NULL DEFAULT 'enabled',
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT restrictions_category_check CHECK (category IN
	    ('whitelist', 'maintenance', 'blacklist', 'blocklogin')),
	CONSTRAINT restrictions_scope_check CHECK (scope IN
	    ('continent', 'country', 'ip', 'ip_subnet', 'all')),
	CONSTRAINT restrictions_state_check CHECK (state IN
	    ('enabled', 'disabled'))
);
-- Barong validates value unique per (scope, category) (value.taken).
CREATE UNIQUE INDEX index_restrictions_on_category_and_scope_and_value
    ON restrictions (category, scope, value);

-- Any change to permissions or restrictions, by whatever means (admin API,
-- barongctl, psql), sends NOTIFY barong_authz with the table name as
-- payload once per statement; PostgreSQL delivers it at commit and folds
-- duplicates within one transaction.  Listeners reload the table.
CREATE FUNCTION barong_authz_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('barong_authz', TG_TABLE_NAME);
	RETURN NULL;
END;
$$;

CREATE TRIGGER permissions_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions
    FOR EACH STATEMENT EXECUTE FUNCTION barong_authz_notify();
CREATE TRIGGER restrictions_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON restrictions
    FOR EACH STATEMENT EXECUTE FUNCTION barong_authz_notify();
