//! `SeedStore`: the initial data, loaded in one transaction.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::{db_err, format_date};
use app::features::clinic::doctor_rules::DoctorInput;
use app::features::clinic::rules::BranchInput;
use app::features::onboarding::store::{NewCard, NewConsent};
use app::features::prices::import_rules::ImportRow;
use app::features::prices::rules::Kopecks;
use app::features::prices::store::PlanInput;
use app::kernel::account::Roles;
use app::kernel::person::FullName;
use app::platform::store::*;
use async_trait::async_trait;
use std::collections::HashMap;

#[async_trait]
impl SeedStore for SqlStore {
    async fn load_seed(&self, seed: &Seed) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let exists = query("SELECT id FROM clinic").fetch_optional(&mut tx).await.map_err(db_err)?.is_some();
        if exists {
            return Ok(false);
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if let Some(c) = &seed.clinic {
            query(
                "INSERT INTO clinic (id, name, utc_offset_minutes, staff_totp_required, address, phone)
                 VALUES (1, $1, $2, $3, $4, $5)",
            )
            .bind(&c.name)
            .bind(c.utc_offset_minutes as i64)
            .bind(!seed.relax_staff_totp)
            .bind(&c.address)
            .bind(&c.phone)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        }
        let mut ids: HashMap<String, i64> = HashMap::new();
        // Branches, staff, doctors and cards are written by the same functions as the admin
        // pages' («Филиалы», «Сотрудники», «Врачи», «Новая карта»); the price list below by
        // the import's.
        for b in &seed.branches {
            let input = BranchInput { name: b.name.clone(), address: b.address.clone(), phone: String::new() };
            let id = super::clinic::insert_branch(&mut tx, &input).await?;
            ids.insert(format!("branch:{}", b.key), id);
        }
        for s in &seed.staff {
            let branch = match &s.branch {
                Some(k) => Some(id_of(&ids, format!("branch:{k}"))?),
                None => None,
            };
            let name = FullName {
                surname: s.surname.clone(),
                name: s.name.clone(),
                patronymic: Some(s.patronymic.clone()).filter(|p| !p.is_empty()),
            };
            let id = super::clinic::new_staff(&mut tx, &name, &Roles(s.roles.clone())).await?;
            if let Some(specialty) = s.specialty.as_deref().filter(|x| !x.is_empty()) {
                query("INSERT INTO specialty (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                    .bind(specialty)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
            }
            let details = DoctorInput {
                name,
                specialty: s.specialty.clone().unwrap_or_default(),
                degree: String::new(),
                branches: branch.into_iter().collect(),
                online: false,
            };
            super::clinic::doctors::write_details(&mut tx, id, &details).await?;
            ids.insert(format!("staff:{}", s.key), id);
        }
        for c in &seed.cards {
            let card = NewCard {
                surname: c.surname.clone(),
                name: c.name.clone(),
                patronymic: c.patronymic.clone(),
                birth_date: c.birth_date,
                sex: c.sex,
                phone: c.phone.clone(),
                email: c.email.clone(),
            };
            let id = super::onboarding::insert_card(&mut tx, &card, now).await?;
            // What the front desk records later (a confirmed phone, legal incapacity).
            query("UPDATE patient_card SET phone_confirmed = $2, incapacitated = $3 WHERE id = $1")
                .bind(id)
                .bind(c.phone_confirmed)
                .bind(c.incapacitated)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
            ids.insert(format!("card:{}", c.key), id);
            if c.consents_signed {
                // As the front desk records them («Сохранить согласия»), signed on the seeding day.
                use app::features::onboarding::rules::{ConsentKind, CONSENT_TEXT_VERSION};
                let signed_on = time::OffsetDateTime::from_unix_timestamp(now)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .date();
                let consents: Vec<NewConsent> = ConsentKind::ALL
                    .into_iter()
                    .map(|kind| NewConsent {
                        kind,
                        signed_on,
                        text_version: CONSENT_TEXT_VERSION.to_string(),
                        email: c.email.clone().filter(|_| kind == ConsentKind::EmailResults),
                    })
                    .collect();
                super::onboarding::consents_in(&mut tx, id, &consents, None, now).await?;
            }
        }
        for (guardian, ward) in &seed.guardianships {
            let (guardian, ward) = (id_of(&ids, format!("card:{guardian}"))?, id_of(&ids, format!("card:{ward}"))?);
            super::onboarding::guardianship_in(&mut tx, guardian, ward, now).await?;
        }
        for a in &seed.accounts {
            let card = match &a.card {
                Some(k) => Some(id_of(&ids, format!("card:{k}"))?),
                None => None,
            };
            let staff = match &a.staff {
                Some(k) => Some(id_of(&ids, format!("staff:{k}"))?),
                None => None,
            };
            let id: i64 = query(
                "INSERT INTO account (email, password_hash, card_id, staff_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(a.email.as_str())
            .bind(&a.password_hash)
            .bind(card)
            .bind(staff)
            .bind(now)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(db_err)?;
            if let Some(k) = &a.staff {
                ids.insert(format!("account-of-staff:{k}"), id);
            }
        }
        for n in &seed.news {
            // Written as the editor writes news: a draft, then published (now, earlier or later).
            let author = id_of(&ids, format!("account-of-staff:{}", n.author_staff))?;
            let written = n.publish_at.unwrap_or(now).min(now);
            let id = super::news::insert_news(&mut tx, &n.title, &n.body, author, written).await?;
            if let Some(at) = n.publish_at {
                super::news::publish_news(&mut tx, id, at, written).await?;
            }
        }
        for p in &seed.plans {
            let input = PlanInput { name: p.name.clone(), funding: p.funding, visible: p.visible_in_cabinet };
            let id = super::prices::insert_plan(&mut tx, &input).await?;
            ids.insert(format!("plan:{}", p.key), id);
        }
        // The price list goes in as an import's rows, through the same writer as «Применить».
        let plan_ids =
            seed.plans.iter().map(|p| id_of(&ids, format!("plan:{}", p.key))).collect::<StoreResult<Vec<_>>>()?;
        let rows: Vec<ImportRow> = seed
            .sections
            .iter()
            .flat_map(|s| s.services.iter().map(move |service| (s, service)))
            .enumerate()
            .map(|(line, (s, service))| ImportRow {
                line: line + 1,
                section: s.name.clone(),
                code: service.code.clone(),
                name: service.name.clone(),
                prices: seed
                    .plans
                    .iter()
                    .map(|p| service.prices.iter().find(|(key, _)| *key == p.key).map(|(_, k)| Kopecks(*k)))
                    .collect(),
            })
            .collect();
        super::prices::write_price_rows(&mut tx, &rows, &plan_ids).await?;
        for r in query("SELECT id, code FROM price_service").fetch_all(&mut tx).await.map_err(db_err)? {
            let code: String = r.try_get("code").map_err(db_err)?;
            ids.insert(format!("service:{code}"), r.try_get("id").map_err(db_err)?);
        }
        let booking = &seed.booking;
        query("UPDATE clinic SET online_discount_percent = $1 WHERE id = 1")
            .bind(i64::from(booking.online_discount_percent))
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        for (staff, degree) in &booking.online_doctors {
            query("UPDATE staff SET online_booking = $2, degree = $3 WHERE id = $1")
                .bind(id_of(&ids, format!("staff:{staff}"))?)
                .bind(true)
                .bind(degree)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
        }
        for l in &booking.links {
            let link = app::features::booking::store::ServiceLinkRecord {
                staff_id: id_of(&ids, format!("staff:{}", l.staff))?,
                service_id: id_of(&ids, format!("service:{}", l.service_code))?,
                service_code: l.service_code.clone(),
                service_name: String::new(),
                mode: l.mode,
                show_price: l.show_price,
                price: l.price,
                prepayment: l.prepayment,
                prepayment_discount: l.prepayment_discount,
                round_to_roubles: l.round_to_roubles,
            };
            service_link_in(&mut tx, &link).await?;
        }
        for d in &booking.schedule {
            let day = app::features::booking::store::ScheduleDayRecord {
                staff_id: id_of(&ids, format!("staff:{}", d.staff))?,
                day: d.day,
                branch_id: id_of(&ids, format!("branch:{}", d.branch))?,
                branch_name: String::new(),
                start_min: d.start_min,
                end_min: d.end_min,
                step_min: d.step_min,
                breaks: d.breaks.clone(),
            };
            schedule_day_in(&mut tx, &day).await?;
        }
        let today = time::OffsetDateTime::now_utc().date();
        for r in &seed.records {
            let staff = match &r.staff {
                Some(k) => Some(id_of(&ids, format!("staff:{k}"))?),
                None => None,
            };
            let (icd_code, icd_text) = r.icd.clone().unzip();
            let search = app::features::record::rules::search_key(&format!(
                "{} {} {} {}",
                r.title,
                r.body,
                icd_code.as_deref().unwrap_or(""),
                icd_text.as_deref().unwrap_or("")
            ));
            query(
                "INSERT INTO medical_record (card_id, kind, visit_date, staff_id, specialty, icd_code, icd_text,
                     title, body, category, search_text, created_at, sent_at)
                 VALUES ($1, $2, $3, $4,
                     (SELECT specialty FROM staff WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(id_of(&ids, format!("card:{}", r.card))?)
            .bind(r.kind.as_str())
            .bind(format_date(today - time::Duration::days(r.days_ago)))
            .bind(staff)
            .bind(icd_code)
            .bind(icd_text)
            .bind(&r.title)
            .bind(&r.body)
            .bind(r.category.map(|c| c.as_str()))
            .bind(search)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        }
        if seed.cabinet_module {
            query("UPDATE clinic SET cabinet_module_enabled_at = $1")
                .bind(now)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }
}

/// The id the seed gave `key` earlier in the same load.
fn id_of(ids: &HashMap<String, i64>, key: String) -> StoreResult<i64> {
    ids.get(&key).copied().ok_or_else(|| StoreError::Corrupt(format!("seed key {key}")))
}
