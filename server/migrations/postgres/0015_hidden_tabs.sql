-- The cabinet's tabs the clinic hides («Какие вкладки показывать»): keys as "booking,news".
ALTER TABLE clinic ADD COLUMN hidden_tabs TEXT NOT NULL DEFAULT '';
