-- «Специальности» for a clinic that starts empty: the common medical specialties (after the
-- Ministry of Health's nomenclature), so that the first doctor can be added at once. The clinic
-- adds its own and stops offering those it does not need; nothing here is ever deleted. A clinic
-- that already keeps its list is left as it is.
INSERT INTO specialty (name)
SELECT column1 FROM (VALUES
    ('Акушер-гинеколог'),
    ('Аллерголог-иммунолог'),
    ('Врач общей практики'),
    ('Врач ультразвуковой диагностики'),
    ('Врач функциональной диагностики'),
    ('Гастроэнтеролог'),
    ('Дерматовенеролог'),
    ('Кардиолог'),
    ('Невролог'),
    ('Нефролог'),
    ('Онколог'),
    ('Оториноларинголог'),
    ('Офтальмолог'),
    ('Педиатр'),
    ('Психиатр'),
    ('Психотерапевт'),
    ('Пульмонолог'),
    ('Рентгенолог'),
    ('Ревматолог'),
    ('Стоматолог'),
    ('Терапевт'),
    ('Травматолог-ортопед'),
    ('Уролог'),
    ('Физиотерапевт'),
    ('Хирург'),
    ('Эндокринолог')
) AS v
WHERE NOT EXISTS (SELECT 1 FROM specialty);
