//! `DocumentStore`: staff and card facts, the cabinet module, uploads and their files, the
//! delivery queue (lease, deliver, fail, retry, requeue, resend), the date-of-birth gate and
//! clinicians' protocols. Each change journals its line in the same transaction.

use super::{account, card, journal_lines, new_upload, protocol, rows, seeded, NOW};
use app::features::record::delivery::{FileStatus, Reason};
use app::features::record::document_rules::{Category, Refusal, UploadSource};
use app::features::record::document_store::*;
use app::features::record::rules::RecordKind;
use app::kernel::account::{ActorRole, Role};
use app::kernel::media::MediaType;
use app::kernel::person::PhoneKind;
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry};
use time::macros::date;

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    let (ivanova, maria, petrov) =
        (card(store, "иванова").await, card(store, "петрова мария").await, card(store, "петров дмитрий").await);
    let doctor = account(store, "doctor@kabinet.example").await.account_id;
    let patient = account(store, "patient@kabinet.example").await.account_id;
    let clinician =
        Actor { account_id: Some(doctor), role: ActorRole::Staff(Role::Clinician), origin: "10.0.0.5".into() };
    let worker = Actor::system("worker");

    // Who is who.
    let (sokolov, name) = store.staff_of_account(doctor).await.unwrap().unwrap();
    assert_eq!(name, "Соколов Андрей Викторович");
    assert!(store.staff_of_account(patient).await.unwrap().is_none(), "a patient is not staff");
    assert_eq!(
        store.card_facts(ivanova).await.unwrap(),
        Some(CardFactsRow {
            card_id: ivanova,
            surname: "Иванова".into(),
            name: "Анна".into(),
            patronymic: Some("Петровна".into()),
            birth_date: date!(1985 - 04 - 12),
            refused_pd_processing: false,
            phone_kind: Some(PhoneKind::Mobile),
            phone_confirmed: true,
            incapacitated: false,
        })
    );
    let maria_facts = store.card_facts(maria).await.unwrap().unwrap();
    assert_eq!((maria_facts.phone_kind, maria_facts.phone_confirmed), (None, false));
    assert!(store.card_facts(987_654).await.unwrap().is_none());
    assert_eq!(store.guardians_of(maria).await.unwrap(), [store.card_facts(petrov).await.unwrap().unwrap()]);
    assert!(store.guardians_of(ivanova).await.unwrap().is_empty());

    // The module is enabled once: a later call keeps the first date, and journals.
    let settings = store.document_settings().await.unwrap();
    let enabled = settings.module_enabled_at.expect("the demo enables the module");
    assert_eq!(settings.protocol_edit_hours, 24);
    let head = Actor {
        account_id: Some(account(store, "head@kabinet.example").await.account_id),
        role: ActorRole::Staff(Role::Head),
        origin: "10.0.0.1".into(),
    };
    store.enable_cabinet_module(enabled + 1000, AuditEntry::by(&head, NOW, "clinic.module")).await.unwrap();
    assert_eq!(store.document_settings().await.unwrap().module_enabled_at, Some(enabled));
    assert_eq!(journal_lines(url, "clinic.module").await, 1);

    // An upload from a ward that lands in the guardian's card: everything reads back.
    let pdf = |name: &str, status, reasons| NewFile {
        original_name: format!("{name}.pdf"),
        media_type: MediaType::Pdf,
        size: 2048,
        stored_name: format!("doc-{name}"),
        status,
        reasons,
    };
    let routed = NewUpload {
        kind: RecordKind::Inpatient,
        category: Some(Category::Conclusion),
        title: "Выписка".into(),
        visit_date: date!(2026 - 11 - 02),
        staff_id: Some(sokolov),
        icd_code: Some("J18.9".into()),
        icd_text: Some("Пневмония".into()),
        dob_gate: true,
        files: vec![
            pdf("a", FileStatus::Queued, vec![]),
            pdf("b", FileStatus::NotSent, vec![Reason::NotSelected]),
            pdf("c", FileStatus::Queued, vec![]),
        ],
        ..new_upload(maria, petrov, doctor, "unused")
    };
    let upload_line = AuditEntry::by(&clinician, NOW, "document.upload").card(maria);
    let (upload, record) =
        store.create_upload(NewUpload { audit: upload_line.clone(), ..routed.clone() }).await.unwrap();
    assert_eq!(
        store.audit_for_card(maria).await.unwrap()[0],
        upload_line.object(format!("upload:{upload}")),
        "the store names the upload"
    );
    let r = store.record(petrov, record, false).await.unwrap().unwrap();
    assert_eq!(
        (
            r.card_id,
            r.kind,
            r.category,
            r.visit_date,
            r.specialty.as_deref(),
            r.sent_at,
            r.dob_gate,
            r.routed_from,
            r.author_account_id
        ),
        (
            petrov,
            RecordKind::Inpatient,
            Some(Category::Conclusion),
            date!(2026 - 11 - 02),
            Some("Терапевт"),
            None,
            true,
            Some(maria),
            Some(doctor)
        )
    );
    let files = store.record_files(record).await.unwrap();
    assert_eq!(
        files.iter().map(|f| (f.position, f.original_name.as_str())).collect::<Vec<_>>(),
        [(0, "a.pdf"), (1, "b.pdf"), (2, "c.pdf")]
    );
    let (fa, fb, fc) = (files[0].id, files[1].id, files[2].id);
    assert_eq!(
        store.file(fb).await.unwrap().unwrap(),
        FileRow {
            id: fb,
            upload_id: upload,
            position: 1,
            original_name: "b.pdf".into(),
            media_type: MediaType::Pdf,
            size: 2048,
            stored_name: "doc-b".into(),
            converted_name: None,
            converted_type: None,
            status: FileStatus::NotSent,
            reasons: vec![Reason::NotSelected],
            attempts: 0,
            resend_requested_at: None,
            record_id: record,
            record_card_id: petrov,
            upload_card_id: maria,
            source: UploadSource::Clinic,
            dob_gate: true,
            dob_unlocked_at: None,
        }
    );
    assert!(store.file(987_654).await.unwrap().is_none());
    assert!(!store.upload_anonymous(upload).await.unwrap());
    assert!(!store.upload_anonymous(987_654).await.unwrap());

    // All or nothing: a file that cannot be stored (its name taken) leaves no record or upload.
    let (records, uploads, journal) =
        (rows(url, "medical_record").await, rows(url, "document_upload").await, rows(url, "audit_log").await);
    let clash = NewUpload {
        files: vec![pdf("d", FileStatus::Queued, vec![]), pdf("a", FileStatus::Queued, vec![])],
        ..routed.clone()
    };
    assert!(store.create_upload(clash).await.is_err(), "a stored name is unique");
    assert_eq!(
        (rows(url, "medical_record").await, rows(url, "document_upload").await, rows(url, "audit_log").await),
        (records, uploads, journal)
    );

    // The sender's page: newest first, clinic uploads only, with where they landed.
    let later = NewUpload {
        anonymous_visit: true,
        title: "Анализы".into(),
        category: Some(Category::Analyses),
        now: NOW + 5,
        ..new_upload(maria, maria, doctor, "doc-later")
    };
    let (later_upload, _) = store.create_upload(later).await.unwrap();
    assert!(store.upload_anonymous(later_upload).await.unwrap());
    let mut own = NewUpload {
        source: UploadSource::Patient,
        shown_now: true,
        category: None,
        ..new_upload(maria, maria, patient, "doc-own")
    };
    own.files[0].status = FileStatus::CannotSend;
    own.files[0].reasons = vec![Reason::Refused(Refusal::OtherBeforeModule)];
    let (_, own_record) = store.create_upload(own).await.unwrap();
    assert!(store.record(maria, own_record, true).await.unwrap().unwrap().sent_at.is_some(), "shown at once");
    let uploads = store.uploads_of_card(maria).await.unwrap();
    assert_eq!(
        uploads.iter().map(|u| u.id).collect::<Vec<_>>(),
        [later_upload, upload],
        "the patient's own is not listed"
    );
    assert_eq!(
        (
            uploads[1].record_card_id,
            uploads[1].landed_with.as_deref(),
            uploads[1].uploaded_by.as_str(),
            uploads[1].title.as_str(),
            uploads[1].category,
            uploads[1].created_at
        ),
        (
            petrov,
            Some("Петров Дмитрий Сергеевич"),
            "Соколов Андрей Викторович",
            "Выписка",
            Some(Category::Conclusion),
            NOW
        )
    );
    assert_eq!(uploads[1].files, files);
    assert_eq!(uploads[0].landed_with, None, "landed in the ward's own card");

    // The queue: due queued files, oldest first, once until the lease ends.
    let t = NOW + 100;
    let leased: Vec<_> = store.lease_files(t, t + 300, 10).await.unwrap().iter().map(|f| (f.id, f.attempts)).collect();
    let later_file = store.uploads_of_card(maria).await.unwrap()[0].files[0].id;
    assert_eq!(leased, [(fa, 1), (fc, 1), (later_file, 1)]);
    assert!(store.lease_files(t + 10, t + 310, 10).await.unwrap().is_empty(), "leased");
    store.retry_file(fc, t + 1000).await.unwrap();
    store.fail_file(later_file, &[Reason::ConversionFailed, Reason::Refused(Refusal::TooLarge)]).await.unwrap();
    assert_eq!(store.file(later_file).await.unwrap().unwrap().status, FileStatus::NotSent);
    assert_eq!(
        store.file(later_file).await.unwrap().unwrap().reasons,
        [Reason::ConversionFailed, Reason::Refused(Refusal::TooLarge)]
    );
    assert!(store.lease_files(t + 20, t + 320, 10).await.unwrap().is_empty(), "retried later, failed, or leased");
    assert_eq!(
        store.lease_files(t + 400, t + 700, 1).await.unwrap().iter().map(|f| f.id).collect::<Vec<_>>(),
        [fa],
        "a lease that ran out; the limit"
    );

    // Delivery shows the record, once; the second worker is told no.
    let delivered_line =
        AuditEntry::by(&worker, t + 401, "document.delivered").card(petrov).object(format!("file:{fa}"));
    assert!(store
        .deliver_file(fa, Some(("doc-a.converted".into(), MediaType::Jpeg)), t + 401, delivered_line.clone())
        .await
        .unwrap());
    let fa_row = store.file(fa).await.unwrap().unwrap();
    assert_eq!(
        (fa_row.status, fa_row.converted_name.as_deref(), fa_row.converted_type),
        (FileStatus::Delivered, Some("doc-a.converted"), Some(MediaType::Jpeg))
    );
    assert_eq!(store.record(petrov, record, false).await.unwrap().unwrap().sent_at, Some(t + 401));
    assert!(!store.deliver_file(fa, None, t + 402, delivered_line.clone()).await.unwrap(), "delivered already");
    assert_eq!(store.audit_for_card(petrov).await.unwrap().iter().filter(|e| **e == delivered_line).count(), 1);
    let fc_leased = store.lease_files(t + 1000, t + 1300, 10).await.unwrap();
    assert_eq!(fc_leased.iter().map(|f| (f.id, f.attempts)).collect::<Vec<_>>(), [(fc, 2)]);
    assert!(store
        .deliver_file(fc, None, t + 1001, AuditEntry::by(&worker, t + 1001, "document.delivered").card(petrov))
        .await
        .unwrap());
    assert_eq!(store.file(fc).await.unwrap().unwrap().converted_type, None);
    assert_eq!(
        store.record(petrov, record, false).await.unwrap().unwrap().sent_at,
        Some(t + 401),
        "shown when the first file arrived"
    );
    store.fail_file(fa, &[Reason::NotSelected]).await.unwrap();
    assert_eq!(store.file(fa).await.unwrap().unwrap().status, FileStatus::Delivered, "only a queued file fails");

    // Asking again and sending again.
    let asked = |at: i64, file: i64| {
        AuditEntry::by(
            &Actor { account_id: Some(patient), role: ActorRole::Guardian, origin: "10.0.0.8".into() },
            at,
            "document.resend_asked",
        )
        .card(maria)
        .object(format!("file:{file}"))
    };
    assert!(store.request_resend(fb, t + 2000, asked(t + 2000, fb)).await.unwrap());
    assert!(store.request_resend(fb, t + 2005, asked(t + 2005, fb)).await.unwrap());
    assert_eq!(store.file(fb).await.unwrap().unwrap().resend_requested_at, Some(t + 2000), "the first request counts");
    assert!(!store.request_resend(fa, t + 2010, asked(t + 2010, fa)).await.unwrap(), "delivered");
    assert_eq!(store.audit_for_card(maria).await.unwrap()[0], asked(t + 2005, fb));
    let resend = |at: i64| AuditEntry::by(&clinician, at, "document.resend").card(maria).object(format!("file:{fb}"));
    assert!(store
        .requeue_file(fb, FileStatus::CannotSend, &[Reason::Refused(Refusal::NoDiagnosis)], t + 2100, resend(t + 2100))
        .await
        .unwrap());
    let fb_row = store.file(fb).await.unwrap().unwrap();
    assert_eq!(
        (fb_row.status, fb_row.reasons.clone(), fb_row.attempts),
        (FileStatus::CannotSend, vec![Reason::Refused(Refusal::NoDiagnosis)], 0)
    );
    assert!(store.requeue_file(fb, FileStatus::Queued, &[], t + 2200, resend(t + 2200)).await.unwrap());
    assert!(
        !store.requeue_file(fb, FileStatus::Queued, &[], t + 2201, resend(t + 2201)).await.unwrap(),
        "queued already"
    );
    assert!(!store.requeue_file(fa, FileStatus::Queued, &[], t + 2202, resend(t + 2202)).await.unwrap(), "delivered");
    let journal = store.audit_for_card(maria).await.unwrap();
    let lines_about = |action: &str, file: i64| {
        journal.iter().filter(|e| e.action == action && e.object == Some(format!("file:{file}"))).count()
    };
    assert_eq!((lines_about("document.resend_asked", fb), lines_about("document.resend", fb)), (2, 2));
    assert_eq!(
        (lines_about("document.resend_asked", fa), lines_about("document.resend", fa)),
        (0, 0),
        "refusals journal nothing"
    );
    assert_eq!(store.lease_files(t + 2200, t + 2500, 10).await.unwrap().iter().map(|f| f.id).collect::<Vec<_>>(), [fb]);
    assert!(store
        .deliver_file(fb, None, t + 2300, AuditEntry::by(&worker, t + 2300, "document.delivered").card(petrov))
        .await
        .unwrap());
    let fb_row = store.file(fb).await.unwrap().unwrap();
    assert_eq!(
        (fb_row.status, fb_row.reasons, fb_row.resend_requested_at),
        (FileStatus::Delivered, vec![], None),
        "delivery clears the request"
    );

    // The date-of-birth gate opens once; confirming the phone is kept.
    let gate = |at: i64| {
        AuditEntry::by(
            &Actor { account_id: Some(patient), role: ActorRole::Guardian, origin: "10.0.0.8".into() },
            at,
            "document.gate",
        )
        .card(petrov)
        .object(format!("record:{record}"))
    };
    store.unlock_gate(record, t + 3000, gate(t + 3000)).await.unwrap();
    store.unlock_gate(record, t + 3100, gate(t + 3100)).await.unwrap();
    assert_eq!(store.record(petrov, record, false).await.unwrap().unwrap().dob_unlocked_at, Some(t + 3000));
    assert_eq!(store.file(fa).await.unwrap().unwrap().dob_unlocked_at, Some(t + 3000));
    assert_eq!(store.audit_for_card(petrov).await.unwrap()[0], gate(t + 3100));
    store.confirm_phone(maria, AuditEntry::by(&clinician, t + 3200, "card.phone_confirmed").card(maria)).await.unwrap();
    assert!(store.card_facts(maria).await.unwrap().unwrap().phone_confirmed);
    assert_eq!(store.audit_for_card(maria).await.unwrap()[0].action, "card.phone_confirmed");

    protocols(store, ivanova, maria, sokolov, doctor, &clinician).await;
}

/// A protocol: written unsent, edited while unsent (only in its own card), sent once.
async fn protocols(store: &dyn Store, ivanova: i64, maria: i64, sokolov: i64, doctor: i64, clinician: &Actor) {
    let created = AuditEntry::by(clinician, NOW, "record.create").card(ivanova);
    let first = protocol("Осмотр терапевта", false);
    let id = store.create_protocol(ivanova, Some(sokolov), doctor, &first, NOW, created.clone()).await.unwrap();
    let object = format!("record:{id}");
    assert_eq!(store.audit_for_card(ivanova).await.unwrap()[0], created.object(&object), "the store names the record");
    let line = |action: &str, at: i64| AuditEntry::by(clinician, at, action).card(ivanova).object(&object);
    let r = store.record(ivanova, id, false).await.unwrap().unwrap();
    assert_eq!(
        (r.kind, r.visit_date, r.title.as_str(), r.icd_code.as_deref(), r.icd_text.as_deref(), r.body.as_str()),
        (
            RecordKind::Outpatient,
            date!(2026 - 11 - 20),
            "Осмотр терапевта",
            Some("J06.9"),
            Some("ОРВИ"),
            "Жалобы: кашель."
        )
    );
    assert_eq!(
        (r.staff_id, r.specialty.as_deref(), r.author_account_id, r.sent_at, r.has_upload, r.category),
        (Some(sokolov), Some("Терапевт"), Some(doctor), None, false, None)
    );

    let edited = ProtocolInput {
        kind: RecordKind::Telemedicine,
        visit_date: date!(2026 - 11 - 21),
        title: "Консультация".into(),
        icd_code: None,
        icd_text: None,
        body: "Здоров.".into(),
        search_text: "консультация".into(),
        own_consent: true,
    };
    assert!(store.update_protocol(ivanova, id, &edited, NOW + 10, line("record.update", NOW + 10)).await.unwrap());
    let r = store.record(ivanova, id, false).await.unwrap().unwrap();
    assert_eq!(
        (r.kind, r.visit_date, r.title.as_str(), r.icd_code, r.icd_text, r.body.as_str(), r.own_consent),
        (RecordKind::Telemedicine, date!(2026 - 11 - 21), "Консультация", None, None, "Здоров.", true)
    );
    assert!(
        !store.update_protocol(maria, id, &first, NOW + 11, line("record.update", NOW + 11)).await.unwrap(),
        "not that card's"
    );
    assert_eq!(store.record(ivanova, id, false).await.unwrap().unwrap().title, "Консультация");

    assert!(
        !store.send_protocol(maria, id, false, NOW + 19, line("record.send", NOW + 19)).await.unwrap(),
        "not that card's"
    );
    assert!(store.send_protocol(ivanova, id, true, NOW + 20, line("record.send", NOW + 20)).await.unwrap());
    let r = store.record(ivanova, id, true).await.unwrap().unwrap();
    assert_eq!((r.sent_at, r.dob_gate), (Some(NOW + 20), true));
    assert!(
        !store.send_protocol(ivanova, id, false, NOW + 30, line("record.send", NOW + 30)).await.unwrap(),
        "sent once"
    );
    assert!(
        !store.update_protocol(ivanova, id, &first, NOW + 31, line("record.update", NOW + 31)).await.unwrap(),
        "sent: no more edits"
    );
    assert_eq!(store.record(ivanova, id, true).await.unwrap().unwrap(), r, "the refusals changed nothing");
    let actions: Vec<_> = store
        .audit_for_card(ivanova)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.object.as_deref() == Some(object.as_str()))
        .map(|e| (e.at, e.action))
        .collect();
    let journalled = [
        (NOW + 20, "record.send".to_string()),
        (NOW + 10, "record.update".to_string()),
        (NOW, "record.create".to_string()),
    ];
    assert_eq!(actions, journalled, "each change journalled once; the four refusals not at all");
}
