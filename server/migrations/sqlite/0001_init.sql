-- Kabinet schema, SQLite. Times are unix seconds (UTC); dates are 'YYYY-MM-DD'.

CREATE TABLE clinic (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    name                TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
);

CREATE TABLE branch (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    address  TEXT NOT NULL
);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    surname     TEXT NOT NULL,
    name        TEXT NOT NULL,
    patronymic  TEXT NOT NULL DEFAULT '',
    specialty   TEXT,
    branch_id   INTEGER REFERENCES branch (id)
);

CREATE TABLE staff_role (
    staff_id  INTEGER NOT NULL REFERENCES staff (id),
    role      TEXT NOT NULL CHECK (role IN ('clinician', 'registrar', 'editor', 'head')),
    CONSTRAINT staff_role_pk PRIMARY KEY (staff_id, role)
);

CREATE TABLE patient_card (
    id                     INTEGER PRIMARY KEY,
    surname                TEXT NOT NULL,
    name                   TEXT NOT NULL,
    patronymic             TEXT,
    birth_date             TEXT NOT NULL,
    sex                    TEXT NOT NULL CHECK (sex IN ('female', 'male')),
    phone                  TEXT,
    phone_kind             TEXT CHECK (phone_kind IN ('mobile', 'landline', 'foreign')),
    phone_confirmed        INTEGER NOT NULL DEFAULT 0,
    email                  TEXT,
    refused_pd_processing  INTEGER NOT NULL DEFAULT 0,
    refused_notifications  INTEGER NOT NULL DEFAULT 0,
    refused_advertising    INTEGER NOT NULL DEFAULT 0,
    incapacitated          INTEGER NOT NULL DEFAULT 0,
    created_at             INTEGER NOT NULL
);

CREATE TABLE guardianship (
    guardian_card_id  INTEGER NOT NULL REFERENCES patient_card (id),
    ward_card_id      INTEGER NOT NULL REFERENCES patient_card (id),
    granted_at        INTEGER NOT NULL,
    revoked_at        INTEGER,
    CONSTRAINT guardianship_pk PRIMARY KEY (guardian_card_id, ward_card_id),
    CONSTRAINT guardianship_not_self CHECK (guardian_card_id <> ward_card_id)
);

CREATE TABLE account (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    password_hash  TEXT,
    card_id        INTEGER REFERENCES patient_card (id),
    staff_id       INTEGER REFERENCES staff (id),
    created_at     INTEGER NOT NULL,
    disabled_at    INTEGER,
    CONSTRAINT account_email_key UNIQUE (email),
    CONSTRAINT account_card_key UNIQUE (card_id),
    CONSTRAINT account_staff_key UNIQUE (staff_id)
);

CREATE TABLE session (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL,
    account_id      INTEGER NOT NULL REFERENCES account (id),
    active_card_id  INTEGER REFERENCES patient_card (id),
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    CONSTRAINT session_token_key UNIQUE (token_hash)
);
CREATE INDEX session_account_idx ON session (account_id);

CREATE TABLE throttle (
    key           TEXT PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    failures      INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL
);

-- Append-only: the application never updates or deletes rows, and triggers refuse it.
CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY,
    at                INTEGER NOT NULL,
    actor_account_id  INTEGER,
    actor_role        TEXT NOT NULL,
    card_id           INTEGER,
    action            TEXT NOT NULL,
    object            TEXT,
    origin            TEXT NOT NULL
);
CREATE INDEX audit_log_card_idx ON audit_log (card_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE news (
    id                 INTEGER PRIMARY KEY,
    title              TEXT NOT NULL,
    body               TEXT NOT NULL,
    author_account_id  INTEGER NOT NULL REFERENCES account (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    publish_at         INTEGER,
    withdrawn_at       INTEGER
);
CREATE INDEX news_publish_idx ON news (publish_at);

CREATE TABLE tariff_plan (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    visible_in_cabinet  INTEGER NOT NULL DEFAULT 0,
    position            INTEGER NOT NULL
);

CREATE TABLE price_section (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL
);

CREATE TABLE price_service (
    id          INTEGER PRIMARY KEY,
    section_id  INTEGER NOT NULL REFERENCES price_section (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    CONSTRAINT price_service_code_key UNIQUE (code)
);

CREATE TABLE price (
    service_id  INTEGER NOT NULL REFERENCES price_service (id),
    plan_id     INTEGER NOT NULL REFERENCES tariff_plan (id),
    kopecks     INTEGER NOT NULL CHECK (kopecks >= 0),
    CONSTRAINT price_pk PRIMARY KEY (service_id, plan_id)
);
