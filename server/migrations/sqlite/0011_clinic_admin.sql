-- Clinic administration.

-- One-time links that let a staff member without a password set one: the head that
-- `kabinet create-head` makes (later, staff the head invites). The link's token is kept as
-- SHA-256 of 256 random bits; it works once, until `expires_at`.
CREATE TABLE staff_invite (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    CONSTRAINT staff_invite_token_key UNIQUE (token_hash)
);
CREATE INDEX staff_invite_account_idx ON staff_invite (account_id);

-- The clinic's details, set by the head on first sign-in (an empty name: not yet set).
ALTER TABLE clinic ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE clinic ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- What one person did, newest last: the staff list's latest sign-in, the admin journal.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account_id, at);

-- A branch's phone, and whether it still takes new schedule days (a branch with history is
-- deactivated, not deleted).
ALTER TABLE branch ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE branch ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

-- Clinic settings the head sets; NULL: the installation's default (KABINET_ATTACH_CODE_TTL_HOURS,
-- KABINET_CONTACT_PRIORITY).
ALTER TABLE clinic ADD COLUMN attach_code_ttl_hours INTEGER;
ALTER TABLE clinic ADD COLUMN contact_priority TEXT CHECK (contact_priority IN ('phone', 'email'));
