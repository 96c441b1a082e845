//! `OnboardingStore`: registration, invitations, attach codes, consents and family profiles.

use super::base::*;
use super::sql::{query, Db, Row, Tx};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::onboarding::rules::{normalize_name, ConsentKind};
use app::features::onboarding::store::*;
use app::kernel::email::Email;
use app::kernel::person::Sex;
use app::platform::store::Channel;
use app::platform::store::{AuditEntry, NewMail, StoreError, StoreResult};
use async_trait::async_trait;

async fn consent_kinds(db: &Db, card_id: i64) -> StoreResult<Vec<ConsentKind>> {
    let rows =
        query("SELECT kind FROM consent WHERE card_id = $1").bind(card_id).fetch_all(db).await.map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let k: String = r.try_get("kind").map_err(db_err)?;
            ConsentKind::parse(&k).ok_or_else(|| StoreError::Corrupt(format!("consent kind {k}")))
        })
        .collect()
}

/// Cards as lists show them, from rows with id, surname, name, patronymic, birth_date,
/// email and an `accounts` count; their consents in one more query.
async fn card_summaries(db: &Db, rows: &[Row]) -> StoreResult<Vec<CardSummaryRecord>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>().map_err(db_err)?;
    let mut consents: std::collections::HashMap<i64, Vec<ConsentKind>> = std::collections::HashMap::new();
    if !ids.is_empty() {
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT card_id, kind FROM consent WHERE card_id IN ({})", placeholders.join(", "));
        let mut query = query(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        for r in query.fetch_all(db).await.map_err(db_err)? {
            let card_id: i64 = r.try_get("card_id").map_err(db_err)?;
            let kind: String = r.try_get("kind").map_err(db_err)?;
            let kind = ConsentKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("consent kind {kind}")))?;
            consents.entry(card_id).or_default().push(kind);
        }
    }
    rows.iter()
        .map(|r| {
            let card_id: i64 = r.try_get("id").map_err(db_err)?;
            let birth: String = r.try_get("birth_date").map_err(db_err)?;
            let accounts: i64 = r.try_get("accounts").map_err(db_err)?;
            Ok(CardSummaryRecord {
                card_id,
                surname: r.try_get("surname").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                patronymic: r.try_get("patronymic").map_err(db_err)?,
                birth_date: parse_date(&birth)?,
                email: r.try_get("email").map_err(db_err)?,
                consents: consents.remove(&card_id).unwrap_or_default(),
                has_account: accounts > 0,
            })
        })
        .collect()
}

pub(crate) fn search_key(surname: &str, name: &str, patronymic: Option<&str>) -> String {
    normalize_name(&format!("{surname} {name} {}", patronymic.unwrap_or("")))
}

/// Records consents on a card (each replacing the earlier one of its kind): the front desk's
/// «Сохранить согласия» and the demo clinic's cards.
pub(super) async fn consents_in(
    tx: &mut Tx,
    card_id: i64,
    consents: &[NewConsent],
    recorded_by: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    for c in consents {
        query("DELETE FROM consent WHERE card_id = $1 AND kind = $2")
            .bind(card_id)
            .bind(c.kind.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        query(
            "INSERT INTO consent (card_id, kind, signed_on, text_version, email, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(card_id)
        .bind(c.kind.as_str())
        .bind(format_date(c.signed_on))
        .bind(&c.text_version)
        .bind(c.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Makes (or revives) the guardianship of `guardian` over `ward` from `now`: an attach code
/// for a ward and the demo clinic's families.
pub(super) async fn guardianship_in(tx: &mut Tx, guardian: i64, ward: i64, now: i64) -> StoreResult<()> {
    let revived = query(
        "UPDATE guardianship SET revoked_at = NULL, granted_at = $3
         WHERE guardian_card_id = $1 AND ward_card_id = $2",
    )
    .bind(guardian)
    .bind(ward)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if revived.rows_affected() == 0 {
        query("INSERT INTO guardianship (guardian_card_id, ward_card_id, granted_at) VALUES ($1, $2, $3)")
            .bind(guardian)
            .bind(ward)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// A new patient card's row: «Новая карта» at the front desk and the demo clinic's cards.
pub(super) async fn insert_card(tx: &mut Tx, c: &NewCard, now: i64) -> StoreResult<i64> {
    query(
        "INSERT INTO patient_card (surname, name, patronymic, birth_date, sex, phone, phone_kind,
             email, created_at, search_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&c.surname)
    .bind(&c.name)
    .bind(&c.patronymic)
    .bind(format_date(c.birth_date))
    .bind(c.sex.as_str())
    .bind(c.phone.as_ref().map(|p| p.e164().to_string()))
    .bind(c.phone.as_ref().map(|p| p.kind().as_str()))
    .bind(c.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(now)
    .bind(search_key(&c.surname, &c.name, c.patronymic.as_deref()))
    .fetch_one(&mut *tx)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_err)
}

#[async_trait]
impl OnboardingStore for SqlStore {
    async fn card_search(
        &self,
        name_prefix: &str,
        birth_date: Option<time::Date>,
        limit: i64,
    ) -> StoreResult<Vec<CardSummaryRecord>> {
        let escaped = name_prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let rows = query(
            "SELECT c.id, c.surname, c.name, c.patronymic, c.birth_date, c.email,
                    (SELECT COUNT(*) FROM account a WHERE a.card_id = c.id) AS accounts
             FROM patient_card c
             WHERE c.search_key LIKE $1 ESCAPE '\\' AND ($2 IS NULL OR c.birth_date = $2)
             ORDER BY c.search_key, c.birth_date, c.id LIMIT $3",
        )
        .bind(format!("{escaped}%"))
        .bind(birth_date.map(format_date))
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        card_summaries(&self.db, &rows).await
    }

    async fn card_create(&self, c: NewCard, now: i64, mut audit: AuditEntry) -> StoreResult<i64> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let id = insert_card(&mut tx, &c, now).await?;
        audit.card_id = Some(id);
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn card_get(&self, card_id: i64) -> StoreResult<Option<CardRecord>> {
        let row = query(
            "SELECT c.id, c.surname, c.name, c.patronymic, c.birth_date, c.sex, c.phone, c.email,
                    c.refused_pd_processing, c.refused_notifications, c.refused_advertising, c.invited_at,
                    (SELECT a.email FROM account a WHERE a.card_id = c.id) AS account_email
             FROM patient_card c WHERE c.id = $1",
        )
        .bind(card_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let birth: String = r.try_get("birth_date").map_err(db_err)?;
        let sex: String = r.try_get("sex").map_err(db_err)?;
        let consents = query(
            "SELECT kind, signed_on, text_version, email, recorded_at FROM consent
             WHERE card_id = $1 ORDER BY kind",
        )
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|c| {
            let kind: String = c.try_get("kind").map_err(db_err)?;
            let signed: String = c.try_get("signed_on").map_err(db_err)?;
            Ok(ConsentRecord {
                kind: ConsentKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(kind.clone()))?,
                signed_on: parse_date(&signed)?,
                text_version: c.try_get("text_version").map_err(db_err)?,
                email: c.try_get("email").map_err(db_err)?,
                recorded_at: c.try_get("recorded_at").map_err(db_err)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(CardRecord {
            card_id,
            surname: r.try_get("surname").map_err(db_err)?,
            name: r.try_get("name").map_err(db_err)?,
            patronymic: r.try_get("patronymic").map_err(db_err)?,
            birth_date: parse_date(&birth)?,
            sex: Sex::parse(&sex).ok_or_else(|| StoreError::Corrupt(format!("sex {sex}")))?,
            phone: r.try_get("phone").map_err(db_err)?,
            email: r.try_get("email").map_err(db_err)?,
            refusals: Refusals {
                pd_processing: r.try_get("refused_pd_processing").map_err(db_err)?,
                notifications: r.try_get("refused_notifications").map_err(db_err)?,
                advertising: r.try_get("refused_advertising").map_err(db_err)?,
            },
            consents,
            invited_at: r.try_get("invited_at").map_err(db_err)?,
            account_email: r.try_get("account_email").map_err(db_err)?,
        }))
    }

    async fn consents_record(
        &self,
        card_id: i64,
        consents: &[NewConsent],
        recorded_by: i64,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        consents_in(&mut tx, card_id, consents, Some(recorded_by), now).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn refusals_set(&self, card_id: i64, r: Refusals, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query(
            "UPDATE patient_card SET refused_pd_processing = $2, refused_notifications = $3,
                 refused_advertising = $4 WHERE id = $1",
        )
        .bind(card_id)
        .bind(r.pd_processing)
        .bind(r.notifications)
        .bind(r.advertising)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn invite(&self, card_id: i64, mail: NewMail, now: i64, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("UPDATE patient_card SET invited_at = $2 WHERE id = $1")
            .bind(card_id)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        enqueue_in(&mut tx, Channel::Email, &mail, now).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn card_consents(&self, card_id: i64) -> StoreResult<Vec<ConsentKind>> {
        consent_kinds(&self.db, card_id).await
    }

    async fn card_contacts(&self, card_id: i64) -> StoreResult<Option<Contacts>> {
        let row = query("SELECT phone, phone_kind, email FROM patient_card WHERE id = $1")
            .bind(card_id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let kind: Option<String> = r.try_get("phone_kind").map_err(db_err)?;
        Ok(Some(Contacts {
            phone: r.try_get("phone").map_err(db_err)?,
            phone_kind: kind.as_deref().and_then(app::kernel::person::PhoneKind::parse),
            email: r.try_get("email").map_err(db_err)?,
        }))
    }

    async fn attach_code_issue(&self, c: NewAttachCode) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query(
            "INSERT INTO attach_code (card_id, guardian_card_id, code_hash, channel, issued_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.card_id)
        .bind(c.guardian_card_id)
        .bind(&c.code_hash)
        .bind(c.channel.as_str())
        .bind(c.audit.actor_account_id)
        .bind(c.now)
        .bind(c.expires_at)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        enqueue_in(&mut tx, c.channel, &c.message, c.now).await?;
        audit_in(&mut tx, &c.audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn attach_code_live(&self, code_hash: &str, now: i64) -> StoreResult<Option<AttachCodeRecord>> {
        let row = query(
            "SELECT id, card_id, guardian_card_id FROM attach_code
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
             ORDER BY id DESC LIMIT 1",
        )
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(AttachCodeRecord {
                id: r.try_get("id")?,
                card_id: r.try_get("card_id")?,
                guardian_card_id: r.try_get("guardian_card_id")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn attach_code_redeem(
        &self,
        code: &AttachCodeRecord,
        account_id: i64,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<AttachOutcome> {
        // Every refusal returns before the commit: the code then stays unspent.
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let spent = query(
            "UPDATE attach_code SET used_at = $2, used_by = $3
             WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(code.id)
        .bind(now)
        .bind(account_id)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        if spent.rows_affected() != 1 {
            return Ok(AttachOutcome::Refused);
        }
        let own: Option<i64> = query("SELECT card_id FROM account WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("card_id"))
            .map_err(db_err)?;
        match code.guardian_card_id {
            Some(guardian) => {
                if own != Some(guardian) || guardian == code.card_id {
                    return Ok(AttachOutcome::Refused);
                }
                guardianship_in(&mut tx, guardian, code.card_id, now).await?;
            }
            None => {
                let taken = query("SELECT id FROM account WHERE card_id = $1")
                    .bind(code.card_id)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(db_err)?
                    .is_some();
                if own.is_some() || taken {
                    return Ok(AttachOutcome::Refused);
                }
                query("UPDATE account SET card_id = $2 WHERE id = $1 AND card_id IS NULL")
                    .bind(account_id)
                    .bind(code.card_id)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(AttachOutcome::Attached)
    }

    async fn registration_candidates(&self, email: &Email) -> StoreResult<Vec<RegistrationCandidate>> {
        let owner = query("SELECT id, card_id FROM account WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get::<i64, _>("id")?, r.try_get::<Option<i64>, _>("card_id")?)))
            .transpose()
            .map_err(db_err)?;
        let rows = query("SELECT id, surname, name, birth_date FROM patient_card WHERE email = $1 ORDER BY id")
            .bind(email.as_str())
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let card_id: i64 = r.try_get("id").map_err(db_err)?;
            let birth: String = r.try_get("birth_date").map_err(db_err)?;
            out.push(RegistrationCandidate {
                card_id,
                surname: r.try_get("surname").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                birth_date: parse_date(&birth)?,
                consents: consent_kinds(&self.db, card_id).await?,
                email_account: owner,
            });
        }
        Ok(out)
    }

    async fn verification_code_issue(&self, code: NewVerificationCode, mail: NewMail) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query(
            "UPDATE verification_code SET voided_at = $2
             WHERE card_id = $1 AND spent_at IS NULL AND voided_at IS NULL",
        )
        .bind(code.card_id)
        .bind(code.now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        query(
            "INSERT INTO verification_code (card_id, email, code_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code.card_id)
        .bind(code.email.as_str())
        .bind(&code.code_hash)
        .bind(code.now)
        .bind(code.expires_at)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        enqueue_in(&mut tx, Channel::Email, &mail, code.now).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn verification_code_live(&self, email: &Email, now: i64) -> StoreResult<Option<VerificationCodeRecord>> {
        let row = query(
            "SELECT id, card_id, code_hash, failures FROM verification_code
             WHERE email = $1 AND spent_at IS NULL AND voided_at IS NULL AND expires_at > $2
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(email.as_str())
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(VerificationCodeRecord {
                id: r.try_get("id")?,
                card_id: r.try_get("card_id")?,
                code_hash: r.try_get("code_hash")?,
                failures: r.try_get("failures")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn verification_code_failed(&self, code_id: i64, max_failures: i64, now: i64) -> StoreResult<i64> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let failures: i64 =
            query("UPDATE verification_code SET failures = failures + 1 WHERE id = $1 RETURNING failures")
                .bind(code_id)
                .fetch_one(&mut tx)
                .await
                .and_then(|r| r.try_get("failures"))
                .map_err(db_err)?;
        if failures >= max_failures {
            query("UPDATE verification_code SET voided_at = $2 WHERE id = $1 AND voided_at IS NULL")
                .bind(code_id)
                .bind(now)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(failures)
    }

    async fn registration_complete(&self, d: CompleteRegistration) -> StoreResult<Option<i64>> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        // Spending first: of two concurrent submissions of one code, one changes the row.
        let spent = query(
            "UPDATE verification_code SET spent_at = $2
             WHERE id = $1 AND spent_at IS NULL AND voided_at IS NULL AND expires_at > $2",
        )
        .bind(d.code_id)
        .bind(d.now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        if spent.rows_affected() != 1 {
            return Ok(None);
        }
        let existing: Option<i64> = query("SELECT id FROM account WHERE card_id = $1")
            .bind(d.card_id)
            .fetch_optional(&mut tx)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get("id"))
            .transpose()
            .map_err(db_err)?;
        let account_id = match existing {
            Some(id) => {
                query("UPDATE account SET password_hash = $2, email = $3 WHERE id = $1")
                    .bind(id)
                    .bind(&d.password_hash)
                    .bind(d.email.as_str())
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
                // A new password ends every session of the account.
                query("DELETE FROM session WHERE account_id = $1").bind(id).execute(&mut tx).await.map_err(db_err)?;
                id
            }
            None => query(
                "INSERT INTO account (email, password_hash, card_id, created_at) VALUES ($1, $2, $3, $4)
                 RETURNING id",
            )
            .bind(d.email.as_str())
            .bind(&d.password_hash)
            .bind(d.card_id)
            .bind(d.now)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(db_err)?,
        };
        enqueue_in(&mut tx, Channel::Email, &d.notice, d.now).await?;
        let mut audit = d.audit;
        audit.actor_account_id = Some(account_id);
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(account_id))
    }
}
