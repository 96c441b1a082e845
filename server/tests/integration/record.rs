//! The medical record through the real server: the active profile's records only, newest first,
//! filtered as the URL says; another card's record is not found, like a missing one; opening a
//! record is journalled, by the guardian for a ward.

use crate::support::{error_of, spawn_app, TestApp};
use app::features::record::rules::{RecordDetail, RecordKind, RecordList};
use app::kernel::account::ActorRole;
use app::kernel::error::AppError;

async fn list(app: &TestApp, c: &reqwest::Client, query: &[(&str, &str)]) -> RecordList {
    let mut form: Vec<(&str, &str)> = ["kind", "from", "to", "doctor", "q", "page"].iter().map(|k| (*k, "")).collect();
    for (k, v) in query {
        form.iter_mut().find(|(name, _)| name == k).expect("a filter").1 = v;
    }
    let res = app.rpc(c, "record_list", &form).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_reads_and_filters_her_own_record() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let all = list(&app, &patient, &[]).await;
    assert_eq!(all.total, 6);
    assert!(all.items.windows(2).all(|w| w[0].date >= w[1].date), "newest first");
    assert_eq!(all.patient_name, "Иванова Анна Петровна");
    for (kind, n) in [("outpatient", 3), ("inpatient", 1), ("patient", 1), ("telemedicine", 1)] {
        let l = list(&app, &patient, &[("kind", kind)]).await;
        assert_eq!(l.total, n, "{kind}");
        assert!(l.items.iter().all(|r| r.kind == RecordKind::parse(kind).unwrap()));
    }
    // Text search ignores case (Cyrillic too) and finds the diagnosis.
    let gastritis = list(&app, &patient, &[("q", "ГАСТРИТ")]).await;
    assert_eq!(gastritis.total, 2);
    // LIKE's own characters are text, not wildcards.
    assert_eq!(list(&app, &patient, &[("q", "%")]).await.total, 0);
    // By doctor, and by date range.
    let sokolov = all.doctors.iter().find(|(_, n)| n.starts_with("Соколов")).unwrap().0.to_string();
    assert_eq!(list(&app, &patient, &[("doctor", &sokolov)]).await.total, 3);
    let newest = all.items[0].date;
    let recent = list(&app, &patient, &[("from", &(newest - time::Duration::days(40)).to_string())]).await;
    assert_eq!(recent.total, 2);
    let older = list(&app, &patient, &[("to", &(newest - time::Duration::days(40)).to_string())]).await;
    assert_eq!(older.total, 4);
    // Bad filter values are dropped, not refused: a bookmark keeps working.
    assert_eq!(list(&app, &patient, &[("kind", "x"), ("from", "вчера"), ("page", "-1")]).await.total, 6);
    // One record, with its diagnosis.
    let id = gastritis.items.iter().find(|r| r.kind == RecordKind::Outpatient).unwrap().id;
    let r: RecordDetail = app.rpc(&patient, "record_get", &[("id", &id.to_string())]).await.json().await.unwrap();
    assert_eq!(r.icd_code.as_deref(), Some("K29.5"));
    assert!(r.body.contains("эпигастрии"));
    let card = app.store.card_search("иванова анна", None, 1).await.unwrap()[0].card_id;
    let journal = app.store.audit_for_card(card).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "record.open"
        && e.object.as_deref() == Some(&format!("record:{id}"))
        && e.actor_role == ActorRole::Patient));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_cards_record_is_not_found_like_a_missing_one_and_a_guardian_reads_the_ward_only() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let hers = list(&app, &patient, &[]).await.items[0].id;
    // The guardian's own card has no records; hers is not his, whatever id he tries.
    assert_eq!(list(&app, &guardian, &[]).await.total, 0);
    let theirs = app.rpc(&guardian, "record_get", &[("id", &hers.to_string())]).await;
    let missing = app.rpc(&guardian, "record_get", &[("id", "999999")]).await;
    assert_eq!((theirs.status().as_u16(), missing.status().as_u16()), (404, 404));
    assert_eq!(error_of(theirs).await, error_of(missing).await);
    // In the child's profile he reads the child's record, journalled as her guardian.
    let me: Option<app::kernel::account::Me> = app.rpc(&guardian, "current_user", &[]).await.json().await.unwrap();
    let ward = me.unwrap().profiles.into_iter().find(|p| p.is_ward).unwrap().card_id;
    assert_eq!(app.rpc(&guardian, "switch_profile", &[("card_id", &ward.to_string())]).await.status(), 200);
    let child = list(&app, &guardian, &[]).await;
    assert_eq!(child.total, 1);
    assert_eq!(child.patient_name, "Петрова Мария Дмитриевна");
    let id = child.items[0].id.to_string();
    assert_eq!(app.rpc(&guardian, "record_get", &[("id", &id)]).await.status(), 200);
    let journal = app.store.audit_for_card(ward).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "record.open" && e.actor_role == ActorRole::Guardian));
    // Still nothing of the patient's.
    assert_eq!(
        error_of(app.rpc(&guardian, "record_get", &[("id", &hers.to_string())]).await).await,
        AppError::NotFound
    );
    // Signed out, nothing at all.
    let anonymous = app.client();
    assert_eq!(app.rpc(&anonymous, "record_get", &[("id", &hers.to_string())]).await.status(), 401);
}
