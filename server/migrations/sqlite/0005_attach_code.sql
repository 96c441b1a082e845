-- Attach codes: nine digits that link an existing card to the account that enters them, either
-- as the account's own card or as a ward of the guardian named at issue. Stored as SHA-256;
-- single use, expiring, and guarded by attempt limits in the application.
CREATE TABLE attach_code (
    id                INTEGER PRIMARY KEY,
    card_id           INTEGER NOT NULL REFERENCES patient_card (id),
    guardian_card_id  INTEGER REFERENCES patient_card (id),
    code_hash         TEXT NOT NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    issued_by         INTEGER REFERENCES account (id),
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    used_at           INTEGER,
    used_by           INTEGER REFERENCES account (id)
);
CREATE INDEX attach_code_hash_idx ON attach_code (code_hash);
