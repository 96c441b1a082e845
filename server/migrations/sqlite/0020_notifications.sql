-- Notifications («Уведомления»): the clinic's sending schedules and the notifications they
-- make. A notification is unique per schedule, card, subject and occurrence (a moved appointment is a
-- new occurrence), so evaluating twice — or in two replicas at once — queues it once. Sending
-- writes its outbox row in the same transaction that marks it sent.
CREATE TABLE notify_schedule (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('days_before', 'minutes_before', 'after_status',
                           'days_after_service', 'result_ready', 'birthday', 'document_delivered', 'new_message')),
    enabled            INTEGER NOT NULL DEFAULT 0,
    via                TEXT NOT NULL CHECK (via IN ('sms', 'email', 'either')),
    marketing          INTEGER NOT NULL DEFAULT 0,
    days               INTEGER NOT NULL DEFAULT 0,
    minutes            INTEGER NOT NULL DEFAULT 0,
    -- Time of day to send, minutes after the clinic's midnight.
    send_at_min        INTEGER NOT NULL DEFAULT 0,
    -- The appointment status an after-status schedule waits for.
    status             TEXT,
    working_days_only  INTEGER NOT NULL DEFAULT 0,
    include_same_day   INTEGER NOT NULL DEFAULT 1,
    -- Price-list service ids, comma-separated (days after services).
    services           TEXT NOT NULL DEFAULT '',
    hourly             INTEGER NOT NULL DEFAULT 0,
    sms_text           TEXT NOT NULL DEFAULT '',
    email_subject      TEXT NOT NULL DEFAULT '',
    email_body         TEXT NOT NULL DEFAULT '',
    -- Since when it fires: set when it is switched on; nothing due before is sent.
    active_since       INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE notification (
    id            INTEGER PRIMARY KEY,
    schedule_id   INTEGER NOT NULL REFERENCES notify_schedule (id),
    card_id       INTEGER NOT NULL REFERENCES patient_card (id),
    -- appointment | birthday | upload | upload_hour | dialogue | broadcast
    subject_kind  TEXT NOT NULL,
    subject_id    INTEGER NOT NULL,
    occurrence    INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    reason        TEXT,
    due_at        INTEGER NOT NULL,
    outbox_id     INTEGER REFERENCES outbox (id),
    created_at    INTEGER NOT NULL,
    settled_at    INTEGER,
    CONSTRAINT notification_key UNIQUE (schedule_id, card_id, subject_kind, subject_id, occurrence)
);
CREATE INDEX notification_due_idx ON notification (status, due_at);
CREATE INDEX notification_card_idx ON notification (card_id, due_at);
CREATE INDEX notification_log_idx ON notification (due_at);
-- The outbox asks, before sending a row, whether it is a notification that must not go any more.
CREATE INDEX notification_outbox_idx ON notification (outbox_id);

-- The clinic's quiet hours (local time): 21:00 to 09:00 unless the head changes them.
ALTER TABLE clinic ADD COLUMN quiet_from_min INTEGER NOT NULL DEFAULT 1260;
ALTER TABLE clinic ADD COLUMN quiet_to_min INTEGER NOT NULL DEFAULT 540;

-- When the patient's side of a dialogue became unread (NULL: read): «Новое сообщение» fires
-- once per such stretch.
ALTER TABLE dialogue ADD COLUMN patient_unread_since INTEGER;
CREATE INDEX dialogue_unread_idx ON dialogue (patient_unread_since);

-- What the evaluator reads by time.
CREATE INDEX appointment_starts_idx ON appointment (starts_at);
CREATE INDEX appointment_changed_idx ON appointment (status, updated_at);
CREATE INDEX document_file_delivered_idx ON document_file (delivered_at);
CREATE INDEX patient_card_birthday_idx ON patient_card (substr(birth_date, 6));
