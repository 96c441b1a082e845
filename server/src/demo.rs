//! The demo clinic: what `kabinet demo` loads so that a newcomer can sign in as every kind of
//! user. Names and services are realistic; e-mails are under the reserved `.example` domain.

use app::features::booking::rules::VisitMode;
use app::features::prices::rules::Funding;
use app::features::record::document_rules::Category;
use app::features::record::rules::RecordKind;
use app::kernel::account::Role;
use app::kernel::email::Email;
use app::kernel::person::{PhoneNumber, Sex};
use app::platform::auth::hash_password_blocking;
use app::platform::store::*;
use time::macros::date;

pub const PASSWORD: &str = "kabinet-demo";

/// (e-mail, who it is) for the README and the `demo` command's output.
pub const ACCOUNTS: [(&str, &str); 6] = [
    ("patient@kabinet.example", "пациент: Иванова Анна Петровна"),
    ("guardian@kabinet.example", "опекун: Петров Дмитрий Сергеевич, подопечные Петрова Мария и Петров Иван"),
    ("doctor@kabinet.example", "врач-терапевт: Соколов Андрей Викторович"),
    ("registrar@kabinet.example", "регистратор: Никитина Марина Алексеевна"),
    ("editor@kabinet.example", "редактор новостей: Фёдорова Наталья Игоревна"),
    ("head@kabinet.example", "главный врач: Волков Сергей Анатольевич"),
];

fn email(s: &str) -> Email {
    Email::parse(s).expect("demo e-mail is valid")
}

fn phone(s: &str) -> Option<PhoneNumber> {
    Some(PhoneNumber::parse(s).expect("demo phone is valid"))
}

fn staff(key: &str, fio: [&str; 3], specialty: Option<&str>, branch: &str, roles: &[Role]) -> SeedStaff {
    SeedStaff {
        key: key.into(),
        surname: fio[0].into(),
        name: fio[1].into(),
        patronymic: fio[2].into(),
        specialty: specialty.map(Into::into),
        branch: Some(branch.into()),
        roles: roles.to_vec(),
    }
}

fn account(mail: &str, hash: &str, card: Option<&str>, staff: Option<&str>) -> SeedAccount {
    SeedAccount {
        email: email(mail),
        password_hash: hash.into(),
        card: card.map(Into::into),
        staff: staff.map(Into::into),
    }
}

/// Price in roubles under the base and the insurance plan (the corporate plan, hidden from the
/// cabinet, costs 10 % less than base).
fn svc(code: &str, name: &str, rub: i64) -> SeedService {
    let base = rub * 100;
    SeedService {
        code: code.into(),
        name: name.into(),
        prices: vec![("base".into(), base), ("dms".into(), base * 6 / 5), ("corporate".into(), base * 9 / 10)],
    }
}

pub fn seed() -> Seed {
    let now = crate::now();
    let day = 24 * 60 * 60;
    // One hash per account: each gets its own salt.
    let hash = || hash_password_blocking(PASSWORD);
    Seed {
        // The demo's staff accounts have no second factor; the head may require it again.
        relax_staff_totp: true,
        clinic: Some(Clinic {
            name: "Клиника «Северная звезда»".into(),
            utc_offset_minutes: 180,
            address: "Москва, Ленинский проспект, 42".into(),
            phone: "+7 495 123-45-67".into(),
        }),
        branches: vec![
            SeedBranch { key: "lenin".into(), name: "Филиал на Ленинском".into(), address: "Москва, Ленинский проспект, 45".into() },
            SeedBranch { key: "sad".into(), name: "Филиал на Садовой".into(), address: "Москва, ул. Садовая-Кудринская, 12".into() },
        ],
        staff: vec![
            staff("sokolov", ["Соколов", "Андрей", "Викторович"], Some("Терапевт"), "lenin", &[Role::Clinician]),
            staff("kuznetsova", ["Кузнецова", "Елена", "Сергеевна"], Some("Педиатр"), "sad", &[Role::Clinician]),
            staff("morozov", ["Морозов", "Игорь", "Павлович"], Some("Кардиолог"), "lenin", &[Role::Clinician]),
            staff("belova", ["Белова", "Ольга", "Николаевна"], Some("Врач ультразвуковой диагностики"), "sad", &[Role::Clinician]),
            staff("nikitina", ["Никитина", "Марина", "Алексеевна"], None, "lenin", &[Role::Registrar]),
            staff("fedorova", ["Фёдорова", "Наталья", "Игоревна"], None, "lenin", &[Role::Editor]),
            staff("volkov", ["Волков", "Сергей", "Анатольевич"], Some("Главный врач"), "lenin", &[Role::Clinician, Role::Head]),
        ],
        cards: vec![
            SeedCard {
                key: "ivanova".into(),
                surname: "Иванова".into(),
                name: "Анна".into(),
                patronymic: Some("Петровна".into()),
                birth_date: date!(1985 - 04 - 12),
                sex: Sex::Female,
                phone: phone("+7 916 123-45-67"),
                phone_confirmed: true,
                email: Some(email("patient@kabinet.example")),
                incapacitated: false,
                consents_signed: true,
            },
            SeedCard {
                key: "petrov".into(),
                surname: "Петров".into(),
                name: "Дмитрий".into(),
                patronymic: Some("Сергеевич".into()),
                birth_date: date!(1980 - 09 - 03),
                sex: Sex::Male,
                phone: phone("+7 903 765-43-21"),
                phone_confirmed: true,
                email: Some(email("guardian@kabinet.example")),
                incapacitated: false,
                consents_signed: true,
            },
            SeedCard {
                key: "petrova-maria".into(),
                surname: "Петрова".into(),
                name: "Мария".into(),
                patronymic: Some("Дмитриевна".into()),
                birth_date: date!(2016 - 05 - 20),
                sex: Sex::Female,
                phone: None,
                phone_confirmed: false,
                email: None,
                incapacitated: false,
                consents_signed: true,
            },
            SeedCard {
                key: "petrov-ivan".into(),
                surname: "Петров".into(),
                name: "Иван".into(),
                patronymic: Some("Дмитриевич".into()),
                birth_date: date!(2019 - 10 - 07),
                sex: Sex::Male,
                phone: None,
                phone_confirmed: false,
                email: None,
                incapacitated: false,
                consents_signed: true,
            },
            // Not registered yet: try "Registration / change password" with this card.
            SeedCard {
                key: "novikova".into(),
                surname: "Новикова".into(),
                name: "Ольга".into(),
                patronymic: Some("Игоревна".into()),
                birth_date: date!(1992 - 02 - 17),
                sex: Sex::Female,
                phone: phone("+7 925 555-01-02"),
                phone_confirmed: false,
                email: Some(email("new.patient@kabinet.example")),
                incapacitated: false,
                consents_signed: true,
            },
        ],
        guardianships: vec![
            ("petrov".into(), "petrova-maria".into()),
            ("petrov".into(), "petrov-ivan".into()),
        ],
        accounts: vec![
            account("patient@kabinet.example", &hash(), Some("ivanova"), None),
            account("guardian@kabinet.example", &hash(), Some("petrov"), None),
            account("doctor@kabinet.example", &hash(), None, Some("sokolov")),
            account("registrar@kabinet.example", &hash(), None, Some("nikitina")),
            account("editor@kabinet.example", &hash(), None, Some("fedorova")),
            account("head@kabinet.example", &hash(), None, Some("volkov")),
        ],
        news: vec![
            SeedNews {
                title: "Открылся филиал на Садовой".into(),
                body: "Мы открыли второй филиал: **Москва, ул. Садовая-Кудринская, 12**.\n\nВ филиале принимают педиатр и врач ультразвуковой диагностики. Записаться можно по телефону или в регистратуре.".into(),
                publish_at: Some(now - 20 * day),
                author_staff: "fedorova".into(),
            },
            SeedNews {
                title: "Вакцинация от гриппа".into(),
                body: "Начался сезон вакцинации от гриппа.\n\n- взрослые и дети с 6 месяцев;\n- перед прививкой — осмотр терапевта или педиатра;\n- вакцина отечественная, сертифицированная.".into(),
                publish_at: Some(now - 9 * day),
                author_staff: "fedorova".into(),
            },
            SeedNews {
                title: "График работы в праздничные дни".into(),
                body: "4 ноября клиника работает с 9:00 до 15:00. В остальные дни — по обычному расписанию.".into(),
                publish_at: Some(now - 3 * day),
                author_staff: "fedorova".into(),
            },
            SeedNews {
                title: "Онлайн-консультации врачей".into(),
                body: "Скоро в личном кабинете появится запись на *онлайн-консультации* с терапевтом и педиатром.".into(),
                publish_at: None,
                author_staff: "fedorova".into(),
            },
        ],
        plans: vec![
            SeedPlan { key: "base".into(), name: "Базовый прайс".into(), funding: Funding::Paid, visible_in_cabinet: true },
            SeedPlan { key: "dms".into(), name: "ДМС".into(), funding: Funding::Dms, visible_in_cabinet: true },
            SeedPlan { key: "corporate".into(), name: "Корпоративный".into(), funding: Funding::Paid, visible_in_cabinet: false },
        ],
        sections: vec![
            SeedSection {
                name: "Терапия".into(),
                services: vec![
                    svc("B01.047.001", "Приём (осмотр, консультация) врача-терапевта первичный", 2200),
                    svc("B01.047.002", "Приём (осмотр, консультация) врача-терапевта повторный", 1800),
                ],
            },
            SeedSection {
                name: "Педиатрия".into(),
                services: vec![
                    svc("B01.031.001", "Приём (осмотр, консультация) врача-педиатра первичный", 2300),
                    svc("B01.031.002", "Приём (осмотр, консультация) врача-педиатра повторный", 1900),
                ],
            },
            SeedSection {
                name: "Кардиология".into(),
                services: vec![
                    svc("B01.015.001", "Приём (осмотр, консультация) врача-кардиолога первичный", 2800),
                    svc("A05.10.006", "Регистрация электрокардиограммы", 900),
                    svc("A05.10.008", "Холтеровское мониторирование сердечного ритма", 3500),
                ],
            },
            SeedSection {
                name: "Ультразвуковая диагностика".into(),
                services: vec![
                    svc("A04.22.001", "Ультразвуковое исследование щитовидной железы", 1600),
                    svc("A04.16.001", "Ультразвуковое исследование органов брюшной полости (комплексное)", 2900),
                    svc("A04.10.002", "Эхокардиография", 3200),
                ],
            },
            SeedSection {
                name: "Онлайн-консультации".into(),
                services: vec![
                    svc("B01.047.901", "Онлайн-консультация врача-терапевта", 1500),
                    svc("B01.031.901", "Онлайн-консультация врача-педиатра", 1600),
                ],
            },
            SeedSection {
                name: "Лабораторные исследования".into(),
                services: vec![
                    svc("B03.016.003", "Общий (клинический) анализ крови развёрнутый", 650),
                    svc("A09.05.023", "Исследование уровня глюкозы в крови", 300),
                    svc("B03.016.004", "Анализ крови биохимический общетерапевтический", 2100),
                ],
            },
        ],
        booking: booking(),
        records: records(),
        cabinet_module: true,
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    card: &str,
    kind: RecordKind,
    days_ago: i64,
    staff: Option<&str>,
    icd: Option<(&str, &str)>,
    title: &str,
    body: &str,
    category: Option<Category>,
) -> SeedRecord {
    SeedRecord {
        card: card.into(),
        kind,
        days_ago,
        staff: staff.map(Into::into),
        icd: icd.map(|(c, t)| (c.into(), t.into())),
        title: title.into(),
        body: body.into(),
        category,
    }
}

/// The demo patient's record (visits, a hospital stay, analyses, a telemedicine consultation,
/// a document she entered herself) and the demo child's.
fn records() -> Vec<SeedRecord> {
    vec![
        record(
            "ivanova",
            RecordKind::Outpatient,
            200,
            Some("sokolov"),
            Some(("J06.9", "Острая инфекция верхних дыхательных путей неуточнённая")),
            "Приём врача-терапевта первичный",
            "Жалобы: насморк, першение в горле, температура до 37,8 °C в течение двух дней.\nОбъективно: зев гиперемирован, дыхание везикулярное, хрипов нет.\nРекомендовано: обильное питьё, полоскания, контроль температуры; повторный приём при ухудшении.",
            None,
        ),
        record(
            "ivanova",
            RecordKind::Outpatient,
            120,
            Some("sokolov"),
            Some(("K29.5", "Хронический гастрит неуточнённый")),
            "Приём врача-терапевта повторный",
            "Жалобы: боли в эпигастрии после еды, изжога.\nНазначено: ФГДС, общий анализ крови, диета.\nДиагноз: хронический гастрит, обострение.",
            None,
        ),
        record(
            "ivanova",
            RecordKind::Outpatient,
            118,
            None,
            None,
            "Общий (клинический) анализ крови развёрнутый",
            "Гемоглобин 128 г/л (норма 120–140), эритроциты 4,3 × 10¹²/л, лейкоциты 6,1 × 10⁹/л, СОЭ 12 мм/ч.\nПоказатели в пределах нормы.",
            Some(Category::Analyses),
        ),
        record(
            "ivanova",
            RecordKind::Inpatient,
            90,
            Some("morozov"),
            Some(("I20.8", "Другие формы стенокардии")),
            "Выписной эпикриз: кардиологическое отделение",
            "Находилась на лечении 5 дней. Проведены ЭКГ, холтеровское мониторирование, эхокардиография.\nВыписана в удовлетворительном состоянии под наблюдение кардиолога.",
            Some(Category::Conclusion),
        ),
        record(
            "ivanova",
            RecordKind::Telemedicine,
            30,
            Some("sokolov"),
            Some(("K29.5", "Хронический гастрит неуточнённый")),
            "Телемедицинская консультация врача-терапевта",
            "Консультация по результатам лечения. Самочувствие улучшилось, боли не беспокоят.\nРекомендовано продолжить диету ещё 2 недели.",
            None,
        ),
        record(
            "ivanova",
            RecordKind::Patient,
            10,
            None,
            None,
            "Результаты анализов из другой лаборатории",
            "Глюкоза натощак 5,1 ммоль/л; холестерин общий 4,9 ммоль/л.",
            None,
        ),
        record(
            "petrova-maria",
            RecordKind::Outpatient,
            45,
            Some("kuznetsova"),
            Some(("J02.9", "Острый фарингит неуточнённый")),
            "Приём врача-педиатра первичный",
            "Жалобы: боль в горле, температура 38,1 °C.\nНазначено: полоскания, жаропонижающее при температуре выше 38,5 °C.",
            None,
        ),
    ]
}

fn link(staff: &str, code: &str, mode: VisitMode, rub: i64) -> SeedLink {
    SeedLink {
        staff: staff.into(),
        service_code: code.into(),
        mode,
        show_price: true,
        price: Some(rub * 100),
        prepayment: None,
        prepayment_discount: None,
        round_to_roubles: false,
    }
}

/// Online booking: four doctors open, a 5 % online discount, service links (one with
/// prepayment), and working days from this week's Monday for five weeks, in the clinic's time.
fn booking() -> SeedBooking {
    let monday = app::features::booking::rules::week_start(app::kernel::time_fmt::local_date(crate::now(), 180));
    let mut schedule = Vec::new();
    for i in 0..35 {
        let day = monday + time::Duration::days(i);
        let weekday = day.weekday().number_days_from_monday();
        let mut add = |staff: &str, branch: &str, start: u16, end: u16, step: u16, breaks: &str| {
            schedule.push(SeedScheduleDay {
                staff: staff.into(),
                branch: branch.into(),
                day,
                start_min: start * 60,
                end_min: end * 60,
                step_min: step,
                breaks: breaks.into(),
            })
        };
        if weekday < 5 {
            add("sokolov", "lenin", 9, 17, 30, "13:00-14:00");
            add("kuznetsova", "sad", 10, 18, 20, "14:00-14:40");
        }
        if weekday < 6 {
            add("morozov", "lenin", 8, 14, 30, "");
        }
        if matches!(weekday, 1 | 3 | 5) {
            add("belova", "sad", 9, 15, 30, "12:00-12:30");
        }
    }
    let mut prepaid = link("sokolov", "B01.047.001", VisitMode::InClinic, 2200);
    prepaid.prepayment = Some(50_000);
    prepaid.prepayment_discount = Some(15_050);
    prepaid.round_to_roubles = true;
    SeedBooking {
        online_discount_percent: 5,
        online_doctors: vec![
            ("sokolov".into(), Some("Кандидат медицинских наук".into())),
            ("kuznetsova".into(), None),
            ("morozov".into(), Some("Доктор медицинских наук".into())),
            ("belova".into(), None),
        ],
        links: vec![
            prepaid,
            link("sokolov", "B01.047.002", VisitMode::InClinic, 1800),
            link("sokolov", "B01.047.901", VisitMode::Online, 1500),
            link("kuznetsova", "B01.031.001", VisitMode::InClinic, 2300),
            link("kuznetsova", "B01.031.901", VisitMode::Online, 1600),
            link("morozov", "B01.015.001", VisitMode::InClinic, 2800),
            link("morozov", "A05.10.006", VisitMode::InClinic, 900),
        ],
        schedule,
    }
}

/// The demo's conversations, written after the clinic by the same store functions the
/// messages pages use: the patient's visit to the therapist two weeks ago, her question about
/// results and the doctor's answer (unread by her), the guardian's question to the front desk
/// for his daughter (unread by the desk), and an informational broadcast to every patient.
pub async fn conversations(store: &dyn Store) -> anyhow::Result<()> {
    use app::features::booking::rules::{AppointmentSource, AppointmentStatus};
    use app::features::booking::store::{BookOutcome, NewAppointment, SlotPlace};
    use app::features::messages::rules::{Audience, Side, Subject};
    use app::features::messages::store::{NewBroadcast, NewMessage, Posted, Thread};
    let now = crate::now();
    let system = Actor::system("demo");
    let account = |mail: &'static str| async move {
        store.sign_in_record(&email(mail)).await?.ok_or_else(|| anyhow::anyhow!("demo account {mail} missing"))
    };
    let patient = account("patient@kabinet.example").await?;
    let guardian = account("guardian@kabinet.example").await?;
    let doctor = account("doctor@kabinet.example").await?;
    let (sokolov, _) =
        store.staff_of_account(doctor.account_id).await?.ok_or_else(|| anyhow::anyhow!("demo doctor"))?;
    let card = patient.own_card_id.ok_or_else(|| anyhow::anyhow!("demo patient's card"))?;
    let ward = store
        .account_overview(guardian.account_id)
        .await?
        .wards
        .iter()
        .find(|w| w.name == "Мария")
        .map(|w| w.card_id)
        .ok_or_else(|| anyhow::anyhow!("demo ward"))?;
    // The visit the patient writes about, two weeks ago at 10:00 clinic time, completed.
    let branch = store.branches().await?.first().map(|b| b.0).ok_or_else(|| anyhow::anyhow!("demo branch"))?;
    let day = app::kernel::time_fmt::local_date(now, 180) - time::Duration::days(14);
    let starts_at = day.midnight().assume_utc().unix_timestamp() + 10 * 3600 - 180 * 60;
    let place = SlotPlace { branch_id: branch, day, start_min: 600, duration_min: 30, starts_at };
    let visit = NewAppointment {
        staff_id: sokolov,
        card_id: card,
        service_id: None,
        place,
        mode: VisitMode::InClinic,
        room: None,
        price: None,
        source: AppointmentSource::Desk,
        max_future: None,
    };
    if let BookOutcome::Booked(id) = store.book(visit, &system, now).await? {
        store.change_status(id, AppointmentStatus::Booked, AppointmentStatus::Completed, None, &system, now).await?;
    }
    let post = |thread: Thread, from: Side, author: i64, body: &str, at: i64, card: i64| NewMessage {
        thread,
        from,
        author_account_id: author,
        body: body.into(),
        files: Vec::new(),
        now: at,
        audit: AuditEntry::by(&system, at, if from == Side::Patient { "message.send" } else { "message.answer" })
            .card(card),
        hourly_limit: None,
    };
    let asked = Thread::New { card_id: card, staff_id: Some(sokolov), subject: Subject::Results };
    let text = "Здравствуйте, Андрей Викторович! Пришли результаты анализа крови. Нужно ли что-то менять в лечении?";
    if let Posted::Yes(dialogue, _) =
        store.post_message(post(asked, Side::Patient, patient.account_id, text, now - 2 * 86400, card)).await?
    {
        let answer = "Здравствуйте, Анна Петровна! Показатели в норме, лечение продолжайте как прежде. \
                      Контрольный анализ — через три месяца; памятка: https://www.who.int/ru";
        store
            .post_message(post(Thread::Existing(dialogue), Side::Clinic, doctor.account_id, answer, now - 86400, card))
            .await?;
    }
    let to_desk = Thread::New { card_id: ward, staff_id: None, subject: Subject::Documents };
    let text = "Добрый день! Подскажите, когда будет готова справка для школы для Марии?";
    store.post_message(post(to_desk, Side::Patient, guardian.account_id, text, now - 3 * 3600, ward)).await?;
    let news = NewBroadcast {
        title: "Открыт новый кабинет УЗИ на Садовой".into(),
        body: "С понедельника на **Садовой** принимает врач ультразвуковой диагностики. Записаться можно в кабинете, \
               на вкладке «Запись к врачу»."
            .into(),
        advertising: false,
        audience: Audience::All,
        author_account_id: doctor.account_id,
        now,
    };
    let id = store.broadcast_create(news, AuditEntry::by(&system, now, "broadcast.create")).await?;
    store.broadcast_schedule(id, now, AuditEntry::by(&system, now, "broadcast.send")).await?;
    store.release_broadcasts(now, app::kernel::time_fmt::local_date(now, 180)).await?;
    Ok(())
}

/// The demo's sending schedules, saved as the head saves them: a reminder the day before a
/// visit at 10:00, and a notice of a message unread for 30 minutes (both SMS or e-mail by the
/// contact priority), and a birthday greeting (marketing, off until the head turns it on).
pub async fn notification_schedules(store: &dyn Store) -> anyhow::Result<()> {
    use app::features::notifications::rules::{check_schedule, ScheduleForm};
    let now = crate::now();
    let forms = [
        ScheduleForm {
            name: "Напоминание за день до приёма".into(),
            kind: "days_before".into(),
            enabled: true,
            via: "either".into(),
            days: "1".into(),
            send_at: "10:00".into(),
            include_same_day: true,
            sms_text: "{имя}, ждём Вас {дата} в {время}. {клиника}".into(),
            email_subject: "Напоминание о приёме {дата}".into(),
            email_body: "{имя_отчество}, здравствуйте!\n\nНапоминаем о приёме {дата} в {время}: врач {врач} \
                         ({специальность}), {филиал}, {адрес}.\n{ссылка_на_видео}\n\nОтменить или перенести запись: \
                         {ссылка_на_запись}\n\n{клиника}"
                .into(),
            ..Default::default()
        },
        ScheduleForm {
            name: "Новое сообщение".into(),
            kind: "new_message".into(),
            enabled: true,
            via: "either".into(),
            minutes: "30".into(),
            sms_text: "{имя}, для Вас новое сообщение в личном кабинете. {клиника}".into(),
            email_subject: "Новое сообщение в личном кабинете".into(),
            email_body: "{имя_отчество}, здравствуйте!\n\nДля Вас новое сообщение в личном кабинете.\n\n{клиника}"
                .into(),
            ..Default::default()
        },
        ScheduleForm {
            name: "С днём рождения".into(),
            kind: "birthday".into(),
            enabled: false,
            via: "either".into(),
            marketing: true,
            days: "0".into(),
            send_at: "12:00".into(),
            sms_text: "{имя}, поздравляем с днём рождения! {клиника}".into(),
            email_subject: "С днём рождения!".into(),
            email_body: "{имя_отчество}, поздравляем Вас с днём рождения!\n\n{клиника}".into(),
            ..Default::default()
        },
    ];
    for form in forms {
        let schedule = check_schedule(&form).map_err(|e| anyhow::anyhow!("demo schedule {}: {e:?}", form.name))?;
        let audit = AuditEntry::by(&Actor::system("demo"), now, "notify_schedule.create").detail(schedule.name.clone());
        store.notify_schedule_save(None, &schedule, now, audit).await?;
    }
    Ok(())
}
