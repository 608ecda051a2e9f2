-- Key rotations of the secrets at rest (`barongctl keys rotate`,
-- lib/rekey.c).  A row is written before its version is appended to the
-- keyring file, and finished once no sealed column holds a value under a
-- lower version.  An unfinished row is a rotation under way: running the
-- command again resumes it instead of adding yet another version.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE TABLE key_rotations (
	version		integer PRIMARY KEY,
	started_at	timestamptz NOT NULL DEFAULT now(),
	finished_at	timestamptz,
	-- values re-sealed under this version, over every run
	resealed	bigint NOT NULL DEFAULT 0,
	CONSTRAINT key_rotations_version_check
	    CHECK (version BETWEEN 1 AND 999999999),
	CONSTRAINT key_rotations_resealed_check CHECK (resealed >= 0)
);
