-- Doctors in the clinic's hands (issue 12): specialties from a reference list, the branches a
-- doctor works in, a portrait.

-- «Специальности»: the reference list a doctor's specialty is chosen from. A specialty in use
-- is deactivated (no longer offered), never deleted.
CREATE TABLE specialty (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    active  INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT specialty_name_key UNIQUE (name)
);
INSERT INTO specialty (name)
    SELECT DISTINCT specialty FROM staff WHERE specialty IS NOT NULL AND specialty <> '' ORDER BY specialty;

-- The branches a doctor works in (their schedule days are in one of them).
CREATE TABLE doctor_branch (
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    branch_id  INTEGER NOT NULL REFERENCES branch (id),
    CONSTRAINT doctor_branch_pk PRIMARY KEY (staff_id, branch_id)
);
INSERT INTO doctor_branch (staff_id, branch_id)
    SELECT id, branch_id FROM staff WHERE branch_id IS NOT NULL;

-- The doctor's portrait: a WEBP under the files folder (converted, resized, without metadata).
ALTER TABLE staff ADD COLUMN photo TEXT;
