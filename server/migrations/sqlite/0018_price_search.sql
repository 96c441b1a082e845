-- The Prices tab's search over a long list runs in the database: each service keeps its code,
-- name and section folded as the search folds what is typed (lower case, ё as е; Rust's
-- `prices::rules::search_text`, which SQL's lower() cannot do for Cyrillic on SQLite). Rows
-- written before this column existed are filled in when the portal opens the database.
ALTER TABLE price_service ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
