//! `SeedStore` (with `Store::ping` and `Store::clinic`): the initial data loads in one
//! transaction, once.

use super::{account, rows};
use crate::support::demo_seed;
use app::features::record::rules::RecordKind;
use app::platform::store::StoreError;
use app::platform::store::{Clinic, SeedRecord};

pub async fn story(url: &str) {
    let store = kabinet_server::db::open(url).await.expect("open");
    store.ping().await.expect("ping");
    assert_eq!(store.clinic().await.unwrap(), None, "a new database holds no clinic");

    // All or nothing: a seed that fails at its last step leaves nothing of its earlier ones.
    let mut broken = demo_seed();
    broken.records.push(SeedRecord {
        card: "nobody".into(),
        kind: RecordKind::Outpatient,
        days_ago: 1,
        staff: None,
        icd: None,
        title: "t".into(),
        body: "b".into(),
        category: None,
    });
    let failed = store.load_seed(&broken).await;
    assert!(matches!(failed, Err(StoreError::Corrupt(_))), "an unknown card key: {failed:?}");
    assert_eq!(store.clinic().await.unwrap(), None, "the failed seed left no clinic");
    for table in
        ["branch", "staff", "patient_card", "account", "news", "price_service", "schedule_day", "medical_record"]
    {
        assert_eq!(rows(url, table).await, 0, "the failed seed left nothing in {table}");
    }

    assert!(store.load_seed(&demo_seed()).await.unwrap(), "first load fills the database");
    assert!(!store.load_seed(&demo_seed()).await.unwrap(), "a second load changes nothing");
    let mut other = demo_seed();
    other.clinic = Some(Clinic {
        name: "Другая клиника".into(),
        utc_offset_minutes: 0,
        address: String::new(),
        phone: String::new(),
    });
    assert!(!store.load_seed(&other).await.unwrap(), "nor does another seed");
    assert_eq!(
        store.clinic().await.unwrap(),
        Some(Clinic {
            name: "Клиника «Северная звезда»".into(),
            utc_offset_minutes: 180,
            address: "Москва, Ленинский проспект, 42".into(),
            phone: "+7 495 123-45-67".into(),
        })
    );

    // What the seed holds reads back through the stores.
    let seed = demo_seed();
    assert_eq!(rows(url, "patient_card").await, seed.cards.len() as i64);
    assert_eq!(rows(url, "account").await, seed.accounts.len() as i64);
    assert_eq!(rows(url, "schedule_day").await, seed.booking.schedule.len() as i64);
    assert_eq!(rows(url, "medical_record").await, seed.records.len() as i64);
    assert_eq!(rows(url, "guardianship").await, 2);
    assert_eq!(rows(url, "consent").await, 15, "three consents on each of five cards");
    assert_eq!(rows(url, "staff_role").await, 8);
    assert_eq!(rows(url, "outbox").await, 0, "seeding sends nothing");
    assert_eq!(rows(url, "audit_log").await, 0, "seeding journals nothing");
    assert!(!store.staff_totp_required().await.unwrap(), "the demo relaxes the staff's second factor");
    assert!(store.document_settings().await.unwrap().module_enabled_at.is_some(), "the cabinet module is on");
    assert_eq!(store.booking_settings().await.unwrap().online_discount_percent, 5);
    assert_eq!(store.doctors(true).await.unwrap().len(), 4);
    assert_eq!(store.service_links(None).await.unwrap().len(), seed.booking.links.len());
    assert_eq!(store.news_all().await.unwrap().len(), 4);
    let patient = account(&*store, "patient@kabinet.example").await;
    assert!(patient.own_card_id.is_some() && !patient.is_staff && !patient.totp_enabled);
    assert!(account(&*store, "head@kabinet.example").await.is_staff);

    // Opening again applies nothing twice and keeps the data.
    let again = kabinet_server::db::open(url).await.expect("reopen");
    assert_eq!(again.clinic().await.unwrap().unwrap().utc_offset_minutes, 180);
    assert_eq!(rows(url, "patient_card").await, seed.cards.len() as i64);
}
