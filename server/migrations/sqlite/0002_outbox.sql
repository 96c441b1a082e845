-- Durable outbox for mail (and later SMS): written in the same transaction as the change that
-- causes the message, sent by a background worker with retries. A row is sent at most once:
-- it is leased before sending and marked sent after.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    leased_until     INTEGER,
    sent_at          INTEGER,
    last_error       TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);
