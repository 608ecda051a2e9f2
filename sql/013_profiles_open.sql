-- Profiles: at most one drafted (0) or submitted (1) profile per user
-- (user-api.md §6.8).  Barong checks this in the model before it inserts,
-- so two concurrent POST /resource/profiles can both pass; the partial
-- unique index makes the rule hold under concurrency, and an insert that
-- violates it is answered with Barong's state.exists.
--
-- The sealed personal columns lose their 1024-character bound: a
-- 255-character name of 4-byte characters is 1020 bytes, which seals to
-- about 1400 characters.  Lengths are bounded by the model rules instead.
--
-- Applied by `barongctl migrate` inside one transaction; no BEGIN/COMMIT.

CREATE UNIQUE INDEX index_profiles_open_on_user_id ON profiles (user_id)
    WHERE state IN (0, 1);

ALTER TABLE profiles
    ALTER COLUMN first_name_encrypted TYPE varchar,
    ALTER COLUMN last_name_encrypted TYPE varchar,
    ALTER COLUMN address_encrypted TYPE varchar;
