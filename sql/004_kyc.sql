-- KYC data: profiles, phones, documents.  Personal fields (*_encrypted)
-- hold AES-256-GCM ciphertexts; the *_index columns are keyed hashes used
-- for equality search (see DESIGN.md, "Secrets at rest").
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE profiles (
	id			bigserial PRIMARY KEY,
	user_id			bigint REFERENCES users (id) ON DELETE CASCADE,
	author			varchar,
	applicant_id		varchar,
	first_name_encrypted	varchar(1024),
	last_name_encrypted	varchar(1024),
	dob_encrypted		varchar,
	address_encrypted	varchar(1024),
	postcode		varchar,
	city			varchar,
	country			varchar,
	-- 0 drafted, 1 submitted, 3 verified, 4 rejected (2 is unused)
	state			smallint DEFAULT 0,
	metadata		text,
	created_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	CONSTRAINT profiles_state_check CHECK (state IN (0, 1, 3, 4))
);
CREATE INDEX index_profiles_on_user_id ON profiles (user_id);

CREATE TABLE phones (
	id			bigserial PRIMARY KEY,
	-- integer in Barong; bigint here to match users.id
	user_id			bigint NOT NULL
	    REFERENCES users (id) ON DELETE CASCADE,
	country			varchar NOT NULL,
	code			varchar(5),
	number_encrypted	varchar NOT NULL,
	number_index		bigint NOT NULL,
	validated_at		timestamp,
	created_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX index_phones_on_user_id ON phones (user_id);
CREATE INDEX index_phones_on_number_index ON phones (number_index);

CREATE TABLE documents (
	id			bigserial PRIMARY KEY,
	user_id			bigint NOT NULL
	    REFERENCES users (id) ON DELETE CASCADE,
	upload			varchar,
	doc_type		varchar,
	doc_expire		date,
	doc_number_encrypted	varchar,
	doc_number_index	bigint,
	doc_issue		date,
	doc_category		varchar,
	identificator		varchar,
	metadata		text,
	created_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc'),
	updated_at		timestamp NOT NULL
	    DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX index_documents_on_user_id ON documents (user_id);
CREATE INDEX index_documents_on_doc_number_index
    ON documents (doc_number_index);
