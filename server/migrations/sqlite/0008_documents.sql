-- Documents the clinic sends to the cabinet and the patient's own uploads: one upload (a batch
-- of at most 9 files) shows as one record of the card the files land in; each file is
-- delivered on its own through the durable queue (`status = 'queued'` rows, leased by the
-- worker), converted first where its type asks for it. The original is always kept.

-- When the head enabled the cabinet module (NULL: not enabled), and how long a clinician's
-- protocol stays editable.
ALTER TABLE clinic ADD COLUMN cabinet_module_enabled_at INTEGER;
ALTER TABLE clinic ADD COLUMN protocol_edit_hours INTEGER NOT NULL DEFAULT 24;

-- The cabinet shows a record once it was sent (records before this migration were all shown).
-- `dob_gate`: sent while the card's phone was unconfirmed, so the date of birth opens it.
ALTER TABLE medical_record ADD COLUMN sent_at INTEGER;
UPDATE medical_record SET sent_at = created_at;
ALTER TABLE medical_record ADD COLUMN author_account_id INTEGER REFERENCES account (id);
ALTER TABLE medical_record ADD COLUMN updated_at INTEGER;
ALTER TABLE medical_record ADD COLUMN dob_gate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE medical_record ADD COLUMN dob_unlocked_at INTEGER;

CREATE TABLE document_upload (
    id               INTEGER PRIMARY KEY,
    -- The card it was sent from (a ward's, when the files land with a guardian).
    card_id          INTEGER NOT NULL REFERENCES patient_card (id),
    record_id        INTEGER NOT NULL REFERENCES medical_record (id),
    source           TEXT NOT NULL CHECK (source IN ('clinic', 'patient')),
    uploaded_by      INTEGER NOT NULL REFERENCES account (id),
    anonymous_visit  INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    CONSTRAINT document_upload_record_key UNIQUE (record_id)
);
CREATE INDEX document_upload_card_idx ON document_upload (card_id, created_at);

CREATE TABLE document_file (
    id                   INTEGER PRIMARY KEY,
    upload_id            INTEGER NOT NULL REFERENCES document_upload (id),
    position             INTEGER NOT NULL,
    original_name        TEXT NOT NULL,
    media_type           TEXT NOT NULL,
    size                 INTEGER NOT NULL,
    stored_name          TEXT NOT NULL,
    converted_name       TEXT,
    converted_type       TEXT,
    status               TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'not_sent', 'cannot_send')),
    -- Why it was not sent: refusal codes, comma-separated.
    reasons              TEXT NOT NULL DEFAULT '',
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      INTEGER NOT NULL,
    lease_until          INTEGER NOT NULL DEFAULT 0,
    delivered_at         INTEGER,
    resend_requested_at  INTEGER,
    CONSTRAINT document_file_position_key UNIQUE (upload_id, position),
    CONSTRAINT document_file_stored_key UNIQUE (stored_name)
);
CREATE INDEX document_file_due_idx ON document_file (status, next_attempt_at);
