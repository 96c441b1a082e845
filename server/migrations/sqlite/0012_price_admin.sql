-- The price list in the clinic's hands (issue 12): funding sources, imports, a journal that
-- says what changed.

-- Each tariff plan belongs to one funding source: ОМС ('oms'), ДМС ('dms') or paid ('paid').
ALTER TABLE tariff_plan ADD COLUMN funding TEXT NOT NULL DEFAULT 'paid'
    CHECK (funding IN ('oms', 'dms', 'paid'));

-- A price-list file read and waiting for the staff member's confirmation: its cells as JSON
-- (an array of rows, each an array of strings). Nothing in the price list changes until it is
-- applied; applying sets `applied_at` in the same transaction, so a repeated click applies once.
CREATE TABLE price_import (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    file_name   TEXT NOT NULL,
    cells       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    applied_at  INTEGER
);

-- What an administrative change changed, as "before → after" text for the admin journal.
ALTER TABLE audit_log ADD COLUMN detail TEXT;
