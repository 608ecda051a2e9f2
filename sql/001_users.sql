-- Users and what hangs directly off them: levels, labels, data storages.
--
-- Applied by `barongctl migrate` inside one transaction together with its
-- schema_migrations row: no BEGIN/COMMIT here.  Forward-only; never edit a
-- shipped migration, add a new one.
--
-- Barong's tables keep Barong's names, columns and index names
-- (db/schema.rb of 2.7) so that a Barong database can be imported.  Their
-- timestamps are "timestamp without time zone" holding UTC, as Rails
-- writes them.  Unlike Barong we declare foreign keys and CHECK
-- constraints: integrity is the database's job.

CREATE TABLE users (
	id		bigserial PRIMARY KEY,
	uid		varchar NOT NULL,
	username	varchar,
	email		varchar NOT NULL,
	password_digest	varchar NOT NULL,
	role		varchar NOT NULL DEFAULT 'member',
	data		text,
	level		integer NOT NULL DEFAULT 0,
	otp		boolean DEFAULT false,
	state		varchar NOT NULL DEFAULT 'pending',
	-- users.id of the referrer; a deleted referrer leaves no dangling id
	referral_id	bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT users_level_check CHECK (level >= 0)
);
CREATE UNIQUE INDEX index_users_on_uid ON users (uid);
CREATE UNIQUE INDEX index_users_on_email ON users (email);
CREATE UNIQUE INDEX index_users_on_username ON users (username)
    WHERE username IS NOT NULL;
CREATE INDEX index_users_on_referral_id ON users (referral_id);

-- Levels are seeded with explicit ids (1, 2, 3 = position in seeds.yml).
CREATE TABLE levels (
	id		bigserial PRIMARY KEY,
	key		varchar NOT NULL,
	value		varchar,
	description	varchar,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
-- Barong validates value unique per key.
CREATE UNIQUE INDEX index_levels_on_key_and_value ON levels (key, value);

CREATE TABLE labels (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key		varchar NOT NULL,
	value		varchar NOT NULL,
	scope		varchar NOT NULL DEFAULT 'public',
	description	varchar,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT labels_scope_check CHECK (scope IN ('public', 'private'))
);
CREATE INDEX index_labels_on_user_id ON labels (user_id);
CREATE UNIQUE INDEX index_labels_on_user_id_and_key_and_scope
    ON labels (user_id, key, scope);

CREATE TABLE data_storages (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title		varchar(64) NOT NULL,
	data		text NOT NULL,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
-- Barong's index is on (user_id, title) and its model compares titles
-- case-insensitively; the expression index makes the database agree.
CREATE UNIQUE INDEX index_data_storages_on_user_id_and_title
    ON data_storages (user_id, lower(title));
