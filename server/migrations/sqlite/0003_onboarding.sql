-- Onboarding: the three consents signed at the front desk, invitations, and the one-time
-- verification codes of "Registration / change password".

-- One row per card and consent; a re-signed consent replaces the row (the audit journal keeps
-- the history). The cabinet opens only when all three kinds are present.
CREATE TABLE consent (
    card_id       INTEGER NOT NULL REFERENCES patient_card (id),
    kind          TEXT NOT NULL CHECK (kind IN ('telemedicine', 'email_results', 'pd_processing')),
    signed_on     TEXT NOT NULL,
    text_version  TEXT NOT NULL,
    -- For 'email_results': the address results go to.
    email         TEXT,
    recorded_by   INTEGER REFERENCES account (id),
    recorded_at   INTEGER NOT NULL,
    CONSTRAINT consent_pk PRIMARY KEY (card_id, kind)
);

ALTER TABLE patient_card ADD COLUMN invited_at INTEGER;
-- Lower-case "surname name patronymic" with ё as е, written by the application (SQLite's
-- lower() knows only ASCII), for the front desk's search by the start of a name.
ALTER TABLE patient_card ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
CREATE INDEX patient_card_search_idx ON patient_card (search_key, birth_date);

-- A code is kept only as an argon2id hash. Issuing a new code for a card voids the older ones;
-- a code is spent once, expires, and dies after too many wrong tries.
CREATE TABLE verification_code (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES patient_card (id),
    email       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    spent_at    INTEGER,
    voided_at   INTEGER
);
CREATE INDEX verification_code_email_idx ON verification_code (email, created_at);
CREATE INDEX verification_code_card_idx ON verification_code (card_id);
