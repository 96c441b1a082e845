-- How many days ahead the cabinet offers times: a clinic setting now (issue 12), 21 as before.
ALTER TABLE clinic ADD COLUMN booking_horizon_days INTEGER NOT NULL DEFAULT 21
    CHECK (booking_horizon_days BETWEEN 1 AND 180);
