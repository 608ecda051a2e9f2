-- Activities (the audit trail) and admin comments on users.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

-- activities.user_id deliberately has no foreign key: the rows are an
-- immutable audit trail that must survive the deletion of the user who
-- acted (Barong keeps them too: the admin API lists only "activities whose
-- user still exists", it does not lose the others).  ON DELETE CASCADE
-- would erase the evidence and SET NULL is impossible (NOT NULL).
CREATE TABLE activities (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL,
	target_uid	varchar,
	category	varchar,
	user_ip		varchar NOT NULL,
	user_ip_country	varchar,
	user_agent	varchar NOT NULL,
	topic		varchar NOT NULL,
	action		varchar NOT NULL,
	result		varchar NOT NULL,
	data		text,
	-- no updated_at: rows are never changed
	created_at	timestamp DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT activities_category_check
	    CHECK (category IN ('user', 'admin')),
	CONSTRAINT activities_result_check
	    CHECK (result IN ('succeed', 'failed', 'denied'))
);
CREATE INDEX index_activities_on_user_id ON activities (user_id);
CREATE INDEX index_activities_on_target_uid ON activities (target_uid);

CREATE TABLE comments (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	author_uid	varchar(16) NOT NULL,
	title		varchar(64) NOT NULL,
	data		text NOT NULL,
	created_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at	timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX index_comments_on_user_id ON comments (user_id);
