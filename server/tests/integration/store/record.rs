//! `RecordStore`: a card's records newest first, filtered and paged; one record; what the
//! cabinet shows a reader (own-consent care kept from the guardian, records routed to a
//! guardian's card); the doctors of those records; the journal objects of own-consent care.

use super::{account, card, new_upload, protocol, seeded, NOW};
use app::features::record::document_rules::Category;
use app::features::record::rules::RecordKind;
use app::features::record::store::*;
use app::kernel::account::{ActorRole, Role};
use app::platform::store::{Actor, AuditEntry};

fn ids(rows: &[RecordRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    let (ivanova, maria, petrov) =
        (card(store, "иванова").await, card(store, "петрова мария").await, card(store, "петров дмитрий").await);
    let doctor = account(store, "doctor@kabinet.example").await.account_id;
    let sokolov = store.staff_of_account(doctor).await.unwrap().unwrap().0;
    let doctors = store.doctors(false).await.unwrap();
    let staff = |surname: &str| doctors.iter().find(|d| d.surname == surname).unwrap().id;
    let (morozov, kuznetsova) = (staff("Морозов"), staff("Кузнецова"));
    let clinician =
        Actor { account_id: Some(doctor), role: ActorRole::Staff(Role::Clinician), origin: "10.0.0.5".into() };
    let audit = |card: i64| AuditEntry::by(&clinician, NOW, "record.create").card(card);

    // Everything, newest first, exactly as seeded.
    let all = RecordQuery::default();
    let (rows, total) = store.records(ivanova, &all, 0, 50).await.unwrap();
    assert_eq!(total, 6);
    let kinds: Vec<_> = rows.iter().map(|r| r.kind).collect();
    use RecordKind::*;
    assert_eq!(kinds, [Patient, Telemedicine, Inpatient, Outpatient, Outpatient, Outpatient]);
    assert!(rows.windows(2).all(|w| w[0].visit_date > w[1].visit_date), "newest first");
    assert_eq!((rows[0].staff_id, rows[0].doctor_name.as_deref(), rows[0].icd_code.as_deref()), (None, None, None));
    let tele = &rows[1];
    assert_eq!(
        (
            tele.staff_id,
            tele.doctor_name.as_deref(),
            tele.specialty.as_deref(),
            tele.icd_code.as_deref(),
            tele.category
        ),
        (Some(sokolov), Some("Соколов Андрей Викторович"), Some("Терапевт"), Some("K29.5"), None)
    );
    assert_eq!(tele.title, "Телемедицинская консультация врача-терапевта");
    assert!(tele.sent_at.is_some() && !tele.has_upload && !tele.own_consent && !tele.dob_gate);
    assert_eq!((tele.routed_from, tele.author_account_id, tele.dob_unlocked_at), (None, None, None));
    assert_eq!((rows[2].staff_id, rows[2].category), (Some(morozov), Some(Category::Conclusion)));
    assert_eq!(rows[3].category, Some(Category::Analyses));

    // Paging and filters.
    let page = |offset, limit| store.records(ivanova, &all, offset, limit);
    assert_eq!(page(0, 2).await.unwrap(), (rows[..2].to_vec(), 6));
    assert_eq!(page(4, 2).await.unwrap(), (rows[4..].to_vec(), 6));
    assert_eq!(page(6, 2).await.unwrap(), (vec![], 6));
    let find = |q: RecordQuery| async move { store.records(ivanova, &q, 0, 50).await.unwrap() };
    let (outpatient, n) = find(RecordQuery { kind: Some(Outpatient), ..Default::default() }).await;
    assert_eq!((ids(&outpatient), n), (ids(&rows[3..]), 3));
    let (between, n) =
        find(RecordQuery { from: Some(rows[2].visit_date), to: Some(rows[1].visit_date), ..Default::default() }).await;
    assert_eq!((ids(&between), n), (ids(&rows[1..3]), 2), "the dates are inclusive");
    let (by_sokolov, _) = find(RecordQuery { doctor: Some(sokolov), ..Default::default() }).await;
    assert_eq!(ids(&by_sokolov), [rows[1].id, rows[4].id, rows[5].id]);
    let (gastritis, n) = find(RecordQuery { text: Some("гастрит".into()), ..Default::default() }).await;
    assert_eq!((ids(&gastritis), n), (vec![rows[1].id, rows[4].id], 2));
    for literal in ["_", "%", "\\"] {
        assert_eq!(
            find(RecordQuery { text: Some(literal.into()), ..Default::default() }).await.1,
            0,
            "{literal} is literal"
        );
    }
    let (both, n) = find(RecordQuery {
        kind: Some(Outpatient),
        doctor: Some(sokolov),
        text: Some("гастрит".into()),
        ..Default::default()
    })
    .await;
    assert_eq!((ids(&both), n), (vec![rows[4].id], 1), "filters combine");

    // An unsent protocol: staff see it, the cabinet does not.
    let draft = store
        .create_protocol(ivanova, Some(sokolov), doctor, &protocol("Осмотр", false), NOW, audit(ivanova))
        .await
        .unwrap();
    assert_eq!(store.records(ivanova, &all, 0, 50).await.unwrap().1, 7);
    let sent_only = RecordQuery { sent_only: true, ..Default::default() };
    assert_eq!(store.records(ivanova, &sent_only, 0, 50).await.unwrap(), (rows.clone(), 6));
    assert_eq!(store.record(ivanova, draft, false).await.unwrap().map(|r| (r.id, r.sent_at)), Some((draft, None)));
    assert!(store.record(ivanova, draft, true).await.unwrap().is_none(), "not sent");
    assert_eq!(store.record(ivanova, rows[1].id, true).await.unwrap().as_ref(), Some(tele));
    assert!(store.record(maria, rows[1].id, false).await.unwrap().is_none(), "another card's");
    assert!(store.record(ivanova, 987_654, false).await.unwrap().is_none());

    let own = ReaderView::default();
    assert_eq!(store.reader_record(ivanova, tele.id, &own).await.unwrap().as_ref(), Some(tele));
    assert!(store.reader_record(ivanova, draft, &own).await.unwrap().is_none(), "unsent");
    assert!(store.reader_record(maria, tele.id, &own).await.unwrap().is_none(), "another card's");
    assert_eq!(
        store.record_doctors(ivanova, &own).await.unwrap(),
        [(morozov, "Морозов Игорь Павлович".to_string()), (sokolov, "Соколов Андрей Викторович".to_string())]
    );

    // A minor's own-consent care is kept from the guardian's view, and named for the journal.
    assert!(store.own_consent_objects(maria).await.unwrap().is_empty());
    let private = store
        .create_protocol(maria, Some(sokolov), doctor, &protocol("Консультация", true), NOW, audit(maria))
        .await
        .unwrap();
    assert!(store.send_protocol(maria, private, false, NOW + 1, audit(maria)).await.unwrap());
    let guardian = ReaderView { guardian: true, ..Default::default() };
    let in_view = |reader: ReaderView| async move {
        let q = RecordQuery { reader: Some(reader), sent_only: true, ..Default::default() };
        ids(&store.records(maria, &q, 0, 50).await.unwrap().0)
    };
    let seeded_maria =
        store.records(maria, &all, 0, 50).await.unwrap().0.into_iter().find(|r| r.id != private).unwrap().id;
    assert_eq!(in_view(own.clone()).await, [private, seeded_maria]);
    assert_eq!(in_view(guardian.clone()).await, [seeded_maria]);
    assert!(store.reader_record(maria, private, &guardian).await.unwrap().is_none());
    assert!(store.reader_record(maria, private, &own).await.unwrap().unwrap().own_consent);
    assert_eq!(
        store.record_doctors(maria, &guardian).await.unwrap(),
        [(kuznetsova, "Кузнецова Елена Сергеевна".to_string())]
    );
    assert_eq!(store.record_doctors(maria, &own).await.unwrap().len(), 2);
    let (upload, record) = store
        .create_upload(super::NewUpload {
            own_consent: true,
            shown_now: true,
            ..new_upload(maria, maria, doctor, "record-private")
        })
        .await
        .unwrap();
    let file = store.record_files(record).await.unwrap()[0].id;
    let mut objects = store.own_consent_objects(maria).await.unwrap();
    objects.sort();
    let mut expected = vec![
        format!("record:{private}"),
        format!("record:{record}"),
        format!("upload:{upload}"),
        format!("file:{file}"),
    ];
    expected.sort();
    assert_eq!(objects, expected);
    assert!(store.own_consent_objects(ivanova).await.unwrap().is_empty());

    // Files sent from a ward land in the guardian's card: shown there while the guardianship
    // holds, and to the ward's own reader as sent to a guardian.
    let (_, routed) = store
        .create_upload(super::NewUpload { shown_now: true, ..new_upload(maria, petrov, doctor, "record-routed") })
        .await
        .unwrap();
    let staff_view = store.record(petrov, routed, false).await.unwrap().unwrap();
    assert_eq!((staff_view.card_id, staff_view.routed_from, staff_view.has_upload), (petrov, Some(maria), true));
    let ward_reader = ReaderView { wards: vec![maria], ..Default::default() };
    let q = |reader: ReaderView| RecordQuery { reader: Some(reader), ..Default::default() };
    assert!(ids(&store.records(petrov, &q(ward_reader.clone()), 0, 50).await.unwrap().0).contains(&routed));
    assert!(
        !ids(&store.records(petrov, &q(own.clone()), 0, 50).await.unwrap().0).contains(&routed),
        "the guardianship ended"
    );
    assert!(store.reader_record(petrov, routed, &ward_reader).await.unwrap().is_some());
    assert!(store.reader_record(petrov, routed, &own).await.unwrap().is_none());
    let sender = ReaderView { sent_to_guardians: true, ..Default::default() };
    assert!(ids(&store.records(maria, &q(sender.clone()), 0, 50).await.unwrap().0).contains(&routed));
    assert!(store.reader_record(maria, routed, &sender).await.unwrap().is_some());
    assert!(!ids(&store.records(maria, &q(own), 0, 50).await.unwrap().0).contains(&routed));
}
