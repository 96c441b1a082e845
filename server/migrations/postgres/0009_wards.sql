-- Care a minor of 15 or more consented to alone (323-FZ art. 54), marked by the clinician: the
-- guardian's view of the ward never lists, opens or exports it, and its files are never sent
-- to a guardian's card.
ALTER TABLE medical_record ADD COLUMN own_consent BOOLEAN NOT NULL DEFAULT FALSE;
