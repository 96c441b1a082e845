-- «Причины отмены записи на приём»: the clinic's reference list a cancellation's reason is
-- chosen from (besides «Другая причина», typed in words). A reason is hidden, never deleted:
-- cancellations keep its words.
CREATE TABLE cancel_reason (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    active  INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT cancel_reason_name_key UNIQUE (name)
);
INSERT INTO cancel_reason (name) VALUES
    ('Изменились планы'),
    ('Записался(-ась) по ошибке'),
    ('Самочувствие улучшилось'),
    ('Записался(-ась) к другому врачу');
