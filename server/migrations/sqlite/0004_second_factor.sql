-- Second factor (TOTP), recovery codes, the pending half of a two-step sign-in, and what the
-- account page shows of sessions.

-- The confirmed secret (base32) and the last accepted time step: a code works once.
ALTER TABLE account ADD COLUMN totp_secret TEXT;
ALTER TABLE account ADD COLUMN totp_last_step INTEGER;
-- A secret being enrolled, until the first code confirms it.
ALTER TABLE account ADD COLUMN totp_pending_secret TEXT;

-- Staff must have a second factor; only the head of a demo installation can relax that.
ALTER TABLE clinic ADD COLUMN staff_totp_required INTEGER NOT NULL DEFAULT 1;

-- One-time recovery codes, stored as SHA-256 of 80 random bits.
CREATE TABLE recovery_code (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    code_hash   TEXT NOT NULL,
    used_at     INTEGER,
    CONSTRAINT recovery_code_key UNIQUE (account_id, code_hash)
);

-- Fresh recovery codes, kept in clear only until the person who made them dismisses them (at
-- most ten minutes), so that they can be shown once with or without JavaScript.
CREATE TABLE recovery_reveal (
    session_id  INTEGER PRIMARY KEY REFERENCES session (id) ON DELETE CASCADE,
    codes       TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- Password accepted, second factor still to come.
CREATE TABLE pending_sign_in (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT pending_sign_in_token_key UNIQUE (token_hash)
);

-- Where a session came from, for the account page.
ALTER TABLE session ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
