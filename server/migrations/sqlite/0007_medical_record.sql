-- The medical record: one row per record of a card (a visit's protocol, a hospital stay, a
-- telemedicine consultation, a document the clinic sent, or one the patient entered).
-- `search_text` is the lower-cased title, text, diagnosis and doctor, for the text filter.
CREATE TABLE medical_record (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES patient_card (id),
    kind        TEXT NOT NULL CHECK (kind IN ('outpatient', 'inpatient', 'patient', 'telemedicine')),
    visit_date  TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff (id),
    specialty   TEXT,
    icd_code    TEXT,
    icd_text    TEXT,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    category    TEXT CHECK (category IN ('analyses', 'examinations', 'conclusion', 'other')),
    search_text TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX medical_record_card_idx ON medical_record (card_id, visit_date);
