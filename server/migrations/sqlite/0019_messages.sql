-- Messages («Сообщения»): a patient's dialogues with a doctor or the front desk (staff_id NULL),
-- their messages and attachments, the video call open in a dialogue, and the clinic's
-- broadcasts with the cards each one reached.
--
-- Unread counts are kept on the dialogue (one number per side), so the tab's badge and the
-- inbox read one row per dialogue instead of counting messages.
CREATE TABLE dialogue (
    id               INTEGER PRIMARY KEY,
    card_id          INTEGER NOT NULL REFERENCES patient_card (id),
    -- The doctor it is addressed to; NULL: the front desk («Регистратура»).
    staff_id         INTEGER REFERENCES staff (id),
    subject          TEXT NOT NULL CHECK (subject IN ('treatment', 'results', 'booking', 'documents', 'other')),
    closed           INTEGER NOT NULL DEFAULT 0,
    -- The last message is the patient's: the clinic owes an answer.
    waiting          INTEGER NOT NULL DEFAULT 1,
    patient_unread   INTEGER NOT NULL DEFAULT 0,
    staff_unread     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    last_at          INTEGER NOT NULL,
    -- An open video call: its room id (128 random bits, hex) and when it ends by itself.
    video_room       TEXT,
    video_until      INTEGER
);
CREATE INDEX dialogue_card_idx ON dialogue (card_id, last_at);
-- A doctor's (or the front desk's) inbox: open or closed, newest activity first; the count of
-- a filter reads the index alone.
CREATE INDEX dialogue_staff_idx ON dialogue (staff_id, closed, last_at);

CREATE TABLE message (
    id                 INTEGER PRIMARY KEY,
    dialogue_id        INTEGER NOT NULL REFERENCES dialogue (id),
    from_patient       INTEGER NOT NULL,
    author_account_id  INTEGER NOT NULL REFERENCES account (id),
    body               TEXT NOT NULL,
    created_at         INTEGER NOT NULL
);
CREATE INDEX message_dialogue_idx ON message (dialogue_id, id);
-- A patient's messages in the last hour (the limit of 20).
CREATE INDEX message_author_idx ON message (author_account_id, created_at);

-- An attachment: the original as sent, and the copy the portal serves (an image re-encoded
-- as WEBP without its metadata; a PDF as it came).
CREATE TABLE message_file (
    id             INTEGER PRIMARY KEY,
    message_id     INTEGER NOT NULL REFERENCES message (id),
    position       INTEGER NOT NULL,
    original_name  TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           INTEGER NOT NULL,
    stored_name    TEXT NOT NULL,
    served_name    TEXT NOT NULL,
    served_type    TEXT NOT NULL
);
CREATE INDEX message_file_message_idx ON message_file (message_id, position);

CREATE TABLE broadcast (
    id                 INTEGER PRIMARY KEY,
    title              TEXT NOT NULL,
    body               TEXT NOT NULL,
    advertising        INTEGER NOT NULL DEFAULT 0,
    -- all | branch | doctor | age
    audience           TEXT NOT NULL CHECK (audience IN ('all', 'branch', 'doctor', 'age')),
    branch_id          INTEGER REFERENCES branch (id),
    staff_id           INTEGER REFERENCES staff (id),
    age_min            INTEGER,
    age_max            INTEGER,
    -- When it goes out (NULL: a draft).
    send_at            INTEGER,
    -- When its recipients were written (NULL: waiting for send_at).
    sent_at            INTEGER,
    recipients         INTEGER NOT NULL DEFAULT 0,
    author_account_id  INTEGER NOT NULL REFERENCES account (id),
    created_at         INTEGER NOT NULL
);
CREATE INDEX broadcast_due_idx ON broadcast (sent_at, send_at);

CREATE TABLE broadcast_delivery (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcast (id),
    card_id       INTEGER NOT NULL REFERENCES patient_card (id),
    read_at       INTEGER,
    CONSTRAINT broadcast_delivery_pk PRIMARY KEY (card_id, broadcast_id)
);
