-- Online booking: the clinic's booking settings, doctors' online switch and degree, doctor–
-- service links with their prices, schedules per doctor and day, appointments (one live
-- appointment per doctor and start time, enforced here), their history, and the waitlist.

ALTER TABLE clinic ADD COLUMN online_discount_percent INTEGER NOT NULL DEFAULT 0
    CHECK (online_discount_percent BETWEEN 0 AND 100);
ALTER TABLE clinic ADD COLUMN max_future_per_doctor INTEGER NOT NULL DEFAULT 2
    CHECK (max_future_per_doctor BETWEEN 1 AND 50);
ALTER TABLE clinic ADD COLUMN cancel_close_minutes INTEGER NOT NULL DEFAULT 120
    CHECK (cancel_close_minutes BETWEEN 0 AND 10080);

ALTER TABLE staff ADD COLUMN online_booking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN degree TEXT;

CREATE TABLE doctor_service (
    staff_id                     INTEGER NOT NULL REFERENCES staff (id),
    service_id                   INTEGER NOT NULL REFERENCES price_service (id),
    mode                         TEXT NOT NULL CHECK (mode IN ('in_clinic', 'online')),
    show_price                   INTEGER NOT NULL DEFAULT 1,
    price_kopecks                INTEGER CHECK (price_kopecks >= 0),
    prepayment_kopecks           INTEGER CHECK (prepayment_kopecks >= 0),
    prepayment_discount_kopecks  INTEGER CHECK (prepayment_discount_kopecks >= 0),
    round_to_roubles             INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT doctor_service_pk PRIMARY KEY (staff_id, service_id)
);

-- One working span per doctor and day, in one branch; breaks as "13:00-14:00, ...".
CREATE TABLE schedule_day (
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    day        TEXT NOT NULL,
    branch_id  INTEGER NOT NULL REFERENCES branch (id),
    start_min  INTEGER NOT NULL,
    end_min    INTEGER NOT NULL,
    step_min   INTEGER NOT NULL,
    breaks     TEXT NOT NULL DEFAULT '',
    CONSTRAINT schedule_day_pk PRIMARY KEY (staff_id, day),
    CONSTRAINT schedule_day_span CHECK (0 <= start_min AND start_min < end_min AND end_min <= 1440),
    CONSTRAINT schedule_day_step CHECK (step_min BETWEEN 5 AND 240)
);

CREATE TABLE appointment (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff (id),
    card_id        INTEGER NOT NULL REFERENCES patient_card (id),
    branch_id      INTEGER NOT NULL REFERENCES branch (id),
    service_id     INTEGER REFERENCES price_service (id),
    day            TEXT NOT NULL,
    start_min      INTEGER NOT NULL,
    duration_min   INTEGER NOT NULL,
    starts_at      INTEGER NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('in_clinic', 'online')),
    status         TEXT NOT NULL CHECK (status IN ('booked', 'confirmed', 'cancelled', 'completed', 'no_show')),
    cancel_reason  TEXT,
    room           TEXT,
    price_kopecks  INTEGER,
    source         TEXT NOT NULL CHECK (source IN ('cabinet', 'desk')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
-- No time is ever booked twice: one live appointment per doctor and start.
CREATE UNIQUE INDEX appointment_slot_key ON appointment (staff_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX appointment_card_idx ON appointment (card_id, starts_at);
CREATE INDEX appointment_day_idx ON appointment (staff_id, day);

-- Every change of an appointment, append-only.
CREATE TABLE appointment_event (
    id                INTEGER PRIMARY KEY,
    appointment_id    INTEGER NOT NULL REFERENCES appointment (id),
    at                INTEGER NOT NULL,
    actor_account_id  INTEGER REFERENCES account (id),
    actor_role        TEXT NOT NULL,
    action            TEXT NOT NULL,
    detail            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_event_idx ON appointment_event (appointment_id, id);
CREATE TRIGGER appointment_event_no_update BEFORE UPDATE ON appointment_event
BEGIN SELECT RAISE(ABORT, 'appointment_event is append-only'); END;
CREATE TRIGGER appointment_event_no_delete BEFORE DELETE ON appointment_event
BEGIN SELECT RAISE(ABORT, 'appointment_event is append-only'); END;

CREATE TABLE waitlist (
    id                     INTEGER PRIMARY KEY,
    staff_id               INTEGER NOT NULL REFERENCES staff (id),
    card_id                INTEGER NOT NULL REFERENCES patient_card (id),
    day                    TEXT,
    note                   TEXT NOT NULL DEFAULT '',
    created_at             INTEGER NOT NULL,
    created_by_account_id  INTEGER REFERENCES account (id),
    closed_at              INTEGER
);
CREATE INDEX waitlist_staff_idx ON waitlist (staff_id, closed_at);
