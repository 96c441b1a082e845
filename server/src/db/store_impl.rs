//! The `Store` implementation shared by both backends: the same SQL, expanded once for SQLite
//! and once for PostgreSQL by `store_impl!`. Booleans are bound and read as `bool` (INTEGER
//! 0/1 in SQLite, BOOLEAN in PostgreSQL), ids and times as `i64`, dates as ISO text.

macro_rules! store_impl {
    ($store:ty, $db:ty) => {
        use app::kernel::account::{ActorRole, Role, Roles};
        use app::kernel::email::Email;
        use app::features::prices::rules::{Kopecks, PriceItem, PriceSection, TariffPlan};
        use app::server::store::*;
        use async_trait::async_trait;
        use sqlx::Row as _;
        use std::collections::HashMap;
        use $crate::db::{db_err, format_date, parse_date};

        type DbRow = <$db as sqlx::Database>::Row;
        type Tx<'a> = sqlx::Transaction<'a, $db>;

        /// Writes a journal line inside the caller's transaction.
        async fn audit_in(tx: &mut Tx<'_>, e: &AuditEntry) -> StoreResult<()> {
            insert_audit(&mut **tx, e).await
        }

        /// The journal's one INSERT: the role goes in by its stored name.
        async fn insert_audit<'c>(ex: impl sqlx::Executor<'c, Database = $db>, e: &AuditEntry) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_account_id, actor_role, card_id, action, object, origin)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(e.at)
            .bind(e.actor_account_id)
            .bind(e.actor_role.as_str())
            .bind(e.card_id)
            .bind(&e.action)
            .bind(&e.object)
            .bind(&e.origin)
            .execute(ex)
            .await
            .map_err(db_err)?;
            Ok(())
        }

        /// A text column as one of the domain's enums (`parse`). A value the domain does not know
        /// is corrupt data and is answered as such, never read as some default.
        fn known<T>(r: &DbRow, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<T> {
            let v: String = r.try_get(column).map_err(db_err)?;
            $crate::db::known(column, &v, parse)
        }

        /// `known` for a column that may be NULL.
        fn known_opt<T>(r: &DbRow, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<Option<T>> {
            let v: Option<String> = r.try_get(column).map_err(db_err)?;
            v.map(|v| $crate::db::known(column, &v, parse)).transpose()
        }

        /// Runs one change and its journal line in one transaction; returns the rows changed.
        async fn write_audited<'q>(
            pool: &sqlx::Pool<$db>,
            change: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            audit: &AuditEntry,
        ) -> StoreResult<u64> {
            let mut tx = pool.begin().await.map_err(db_err)?;
            let changed = change.execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            audit_in(&mut tx, audit).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(changed)
        }

        /// Queues a message inside the caller's transaction, so it stands or falls with the change.
        /// Secret parts marked in the body are kept only until the message is sent.
        async fn enqueue_in(tx: &mut Tx<'_>, channel: Channel, mail: &NewMail, now: i64) -> StoreResult<()> {
            let (body, after_send) = app::kernel::outbox::split_secrets(&mail.body);
            sqlx::query(
                "INSERT INTO outbox (channel, recipient, subject, body, body_after_send, created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(channel.as_str())
            .bind(&mail.recipient)
            .bind(&mail.subject)
            .bind(body)
            .bind(after_send)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(())
        }

        /// "Surname Name Patronymic" from the columns `{prefix}surname`, `{prefix}name` and
        /// `{prefix}patronymic`; empty when the row has none (a LEFT JOIN that found nothing).
        fn name_of(r: &DbRow, prefix: &str) -> StoreResult<String> {
            let get = |c: &str| r.try_get::<Option<String>, _>(format!("{prefix}{c}").as_str()).map_err(db_err);
            Ok(app::kernel::person::FullName {
                surname: get("surname")?.unwrap_or_default(),
                name: get("name")?.unwrap_or_default(),
                patronymic: get("patronymic")?.filter(|p| !p.is_empty()),
            }
            .full())
        }

        /// Adds or replaces a doctor–service link inside the caller's transaction.
        async fn service_link_in(tx: &mut Tx<'_>, l: &app::server::booking_store::ServiceLinkRecord) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO doctor_service (staff_id, service_id, mode, show_price, price_kopecks,
                     prepayment_kopecks, prepayment_discount_kopecks, round_to_roubles)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (staff_id, service_id) DO UPDATE SET mode = excluded.mode,
                     show_price = excluded.show_price, price_kopecks = excluded.price_kopecks,
                     prepayment_kopecks = excluded.prepayment_kopecks,
                     prepayment_discount_kopecks = excluded.prepayment_discount_kopecks,
                     round_to_roubles = excluded.round_to_roubles",
            )
            .bind(l.staff_id)
            .bind(l.service_id)
            .bind(l.mode.as_str())
            .bind(l.show_price)
            .bind(l.price)
            .bind(l.prepayment)
            .bind(l.prepayment_discount)
            .bind(l.round_to_roubles)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(())
        }

        /// Adds or replaces one day of a doctor's schedule inside the caller's transaction.
        async fn schedule_day_in(tx: &mut Tx<'_>, d: &app::server::booking_store::ScheduleDayRecord) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO schedule_day (staff_id, day, branch_id, start_min, end_min, step_min, breaks)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (staff_id, day) DO UPDATE SET branch_id = excluded.branch_id,
                     start_min = excluded.start_min, end_min = excluded.end_min,
                     step_min = excluded.step_min, breaks = excluded.breaks",
            )
            .bind(d.staff_id)
            .bind(format_date(d.day))
            .bind(d.branch_id)
            .bind(i64::from(d.start_min))
            .bind(i64::from(d.end_min))
            .bind(i64::from(d.step_min))
            .bind(&d.breaks)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(())
        }

        fn news_record(r: &DbRow) -> Result<NewsRecord, sqlx::Error> {
            Ok(NewsRecord {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
                publish_at: r.try_get("publish_at")?,
                withdrawn_at: r.try_get("withdrawn_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        fn card_brief(r: &DbRow) -> StoreResult<CardBrief> {
            let birth: String = r.try_get("birth_date").map_err(db_err)?;
            Ok(CardBrief {
                card_id: r.try_get("id").map_err(db_err)?,
                surname: r.try_get("surname").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                patronymic: r.try_get("patronymic").map_err(db_err)?,
                birth_date: parse_date(&birth)?,
                incapacitated: r.try_get("incapacitated").map_err(db_err)?,
            })
        }

        fn outbox_mail(r: &DbRow) -> StoreResult<OutboxMail> {
            Ok(OutboxMail {
                id: r.try_get("id").map_err(db_err)?,
                channel: known(r, "channel", Channel::parse)?,
                recipient: r.try_get("recipient").map_err(db_err)?,
                subject: r.try_get("subject").map_err(db_err)?,
                body: r.try_get("body").map_err(db_err)?,
                attempts: r.try_get("attempts").map_err(db_err)?,
                created_at: r.try_get("created_at").map_err(db_err)?,
                sent_at: r.try_get("sent_at").map_err(db_err)?,
                last_error: r.try_get("last_error").map_err(db_err)?,
            })
        }

        const OUTBOX_COLUMNS: &str = "id, channel, recipient, subject, body, attempts, created_at, sent_at, last_error";
        const NEWS_COLUMNS: &str = "id, title, body, publish_at, withdrawn_at, updated_at";
        const CARD_COLUMNS: &str = "c.id, c.surname, c.name, c.patronymic, c.birth_date, c.incapacitated";

        #[async_trait]
        impl Store for $store {
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
                Ok(())
            }

            async fn clinic(&self) -> StoreResult<Option<Clinic>> {
                let row = sqlx::query("SELECT name, utc_offset_minutes FROM clinic WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|r| {
                    Ok(Clinic {
                        name: r.try_get("name")?,
                        utc_offset_minutes: r.try_get::<i64, _>("utc_offset_minutes")? as i32,
                    })
                })
                .transpose()
                .map_err(db_err)
            }

            async fn sign_in_record(&self, email: &Email) -> StoreResult<Option<SignInRecord>> {
                let row = sqlx::query(
                    "SELECT id, password_hash, card_id, totp_secret, staff_id FROM account
                     WHERE email = $1 AND disabled_at IS NULL AND password_hash IS NOT NULL",
                )
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                row.map(|r| {
                    Ok(SignInRecord {
                        account_id: r.try_get("id")?,
                        password_hash: r.try_get("password_hash")?,
                        own_card_id: r.try_get("card_id")?,
                        totp_enabled: r.try_get::<Option<String>, _>("totp_secret")?.is_some(),
                        is_staff: r.try_get::<Option<i64>, _>("staff_id")?.is_some(),
                    })
                })
                .transpose()
                .map_err(db_err)
            }

            async fn create_session(&self, s: NewSession) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO session (token_hash, account_id, active_card_id, created_at, last_seen_at, expires_at,
                         origin, user_agent)
                     VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
                )
                .bind(&s.token_hash)
                .bind(s.account_id)
                .bind(s.active_card_id)
                .bind(s.now)
                .bind(s.expires_at)
                .bind(&s.origin)
                .bind(&s.user_agent)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now: i64, idle_cutoff: i64) -> StoreResult<Option<SessionRecord>> {
                let row = sqlx::query(
                    "SELECT s.id, s.account_id, s.active_card_id, s.last_seen_at, a.card_id, a.totp_secret,
                            (SELECT c.staff_totp_required FROM clinic c WHERE c.id = 1) AS staff_totp_required
                     FROM session s JOIN account a ON a.id = s.account_id
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3
                       AND a.disabled_at IS NULL",
                )
                .bind(token_hash)
                .bind(now)
                .bind(idle_cutoff)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                let Some(r) = row else { return Ok(None) };
                let session_id: i64 = r.try_get("id").map_err(db_err)?;
                let account_id: i64 = r.try_get("account_id").map_err(db_err)?;
                let last_seen: i64 = r.try_get("last_seen_at").map_err(db_err)?;
                let totp_enabled = r.try_get::<Option<String>, _>("totp_secret").map_err(db_err)?.is_some();
                let staff_totp_required =
                    r.try_get::<Option<bool>, _>("staff_totp_required").map_err(db_err)?.unwrap_or(true);
                let roles = sqlx::query(
                    "SELECT r.role FROM staff_role r JOIN account a ON a.staff_id = r.staff_id
                     WHERE a.id = $1 ORDER BY r.role",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| known(r, "role", Role::parse))
                .collect::<StoreResult<_>>()?;
                // Refresh the idle timer at most once a minute: reads stay reads.
                if now - last_seen >= 60 {
                    sqlx::query("UPDATE session SET last_seen_at = $2 WHERE id = $1")
                        .bind(session_id)
                        .bind(now)
                        .execute(&self.pool)
                        .await
                        .map_err(db_err)?;
                }
                Ok(Some(SessionRecord {
                    session_id,
                    account_id,
                    own_card_id: r.try_get("card_id").map_err(db_err)?,
                    active_card_id: r.try_get("active_card_id").map_err(db_err)?,
                    roles: Roles(roles),
                    totp_enabled,
                    staff_totp_required,
                }))
            }

            async fn delete_session(&self, session_id: i64) -> StoreResult<()> {
                sqlx::query("DELETE FROM session WHERE id = $1")
                    .bind(session_id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn set_active_card(&self, session_id: i64, card_id: i64) -> StoreResult<()> {
                sqlx::query("UPDATE session SET active_card_id = $2 WHERE id = $1")
                    .bind(session_id)
                    .bind(card_id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn account_overview(&self, account_id: i64) -> StoreResult<AccountOverview> {
                let staff_name = sqlx::query(
                    "SELECT s.surname, s.name, s.patronymic FROM staff s JOIN account a ON a.staff_id = s.id
                     WHERE a.id = $1",
                )
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .map(|r| -> Result<String, sqlx::Error> {
                    let (s, n, p): (String, String, String) =
                        (r.try_get("surname")?, r.try_get("name")?, r.try_get("patronymic")?);
                    Ok(format!("{n} {p} {s}").split_whitespace().collect::<Vec<_>>().join(" "))
                })
                .transpose()
                .map_err(db_err)?;
                let own_card = sqlx::query(&format!(
                    "SELECT {CARD_COLUMNS} FROM patient_card c JOIN account a ON a.card_id = c.id WHERE a.id = $1"
                ))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .map(|r| card_brief(&r))
                .transpose()?;
                let wards = sqlx::query(&format!(
                    "SELECT {CARD_COLUMNS} FROM patient_card c
                     JOIN guardianship g ON g.ward_card_id = c.id
                     JOIN account a ON a.card_id = g.guardian_card_id
                     WHERE a.id = $1 AND g.revoked_at IS NULL
                     ORDER BY c.birth_date, c.id"
                ))
                .bind(account_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(card_brief)
                .collect::<StoreResult<Vec<_>>>()?;
                Ok(AccountOverview { staff_name, own_card, wards })
            }

            async fn throttle_locked_until(&self, key: &str, now: i64) -> StoreResult<Option<i64>> {
                let until: Option<i64> = sqlx::query("SELECT locked_until FROM throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                    .map(|r| r.try_get("locked_until"))
                    .transpose()
                    .map_err(db_err)?;
                Ok(until.filter(|u| *u > now))
            }

            async fn throttle_failure(&self, key: &str, now: i64, window: i64, limit: i64, lockout: i64) -> StoreResult<Option<i64>> {
                // One statement, so concurrent failures are all counted.
                let row = sqlx::query(
                    "INSERT INTO throttle (key, window_start, failures, locked_until)
                     VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $2 + $5 ELSE 0 END)
                     ON CONFLICT (key) DO UPDATE SET
                       failures = CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END,
                       window_start = CASE WHEN throttle.window_start <= $2 - $3 THEN $2 ELSE throttle.window_start END,
                       locked_until = CASE
                         WHEN (CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END) >= $4
                         THEN $2 + $5 ELSE throttle.locked_until END
                     RETURNING locked_until",
                )
                .bind(key)
                .bind(now)
                .bind(window)
                .bind(limit)
                .bind(lockout)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                let until: i64 = row.try_get("locked_until").map_err(db_err)?;
                Ok(Some(until).filter(|u| *u > now))
            }

            async fn throttle_count(&self, key: &str, now: i64, window: i64) -> StoreResult<i64> {
                // One statement, so concurrent failures are all counted.
                sqlx::query(
                    "INSERT INTO throttle (key, window_start, failures, locked_until) VALUES ($1, $2, 1, 0)
                     ON CONFLICT (key) DO UPDATE SET
                       failures = CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END,
                       window_start = CASE WHEN throttle.window_start <= $2 - $3 THEN $2 ELSE throttle.window_start END
                     RETURNING failures",
                )
                .bind(key)
                .bind(now)
                .bind(window)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get("failures"))
                .map_err(db_err)
            }

            async fn throttle_lock(&self, key: &str, until: i64) -> StoreResult<()> {
                sqlx::query("UPDATE throttle SET locked_until = $2 WHERE key = $1 AND locked_until < $2")
                    .bind(key)
                    .bind(until)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM throttle WHERE key = $1")
                    .bind(key)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn audit(&self, e: AuditEntry) -> StoreResult<()> {
                insert_audit(&self.pool, &e).await
            }

            async fn audit_for_card(&self, card_id: i64) -> StoreResult<Vec<AuditEntry>> {
                sqlx::query(
                    "SELECT at, actor_account_id, actor_role, card_id, action, object, origin
                     FROM audit_log WHERE card_id = $1 ORDER BY at DESC, id DESC",
                )
                .bind(card_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| {
                    Ok(AuditEntry {
                        at: r.try_get("at").map_err(db_err)?,
                        actor_account_id: r.try_get("actor_account_id").map_err(db_err)?,
                        actor_role: known(r, "actor_role", ActorRole::parse)?,
                        card_id: r.try_get("card_id").map_err(db_err)?,
                        action: r.try_get("action").map_err(db_err)?,
                        object: r.try_get("object").map_err(db_err)?,
                        origin: r.try_get("origin").map_err(db_err)?,
                    })
                })
                .collect()
            }

            async fn news_published_page(&self, now: i64, offset: i64, limit: i64) -> StoreResult<(Vec<NewsRecord>, i64)> {
                const VISIBLE: &str = "publish_at IS NOT NULL AND publish_at <= $1 AND withdrawn_at IS NULL";
                let items = sqlx::query(&format!(
                    "SELECT {NEWS_COLUMNS} FROM news WHERE {VISIBLE}
                     ORDER BY publish_at DESC, id DESC LIMIT $2 OFFSET $3"
                ))
                .bind(now)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(news_record)
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
                let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM news WHERE {VISIBLE}"))
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await
                    .and_then(|r| r.try_get("n"))
                    .map_err(db_err)?;
                Ok((items, total))
            }

            async fn news_published(&self, id: i64, now: i64) -> StoreResult<Option<NewsRecord>> {
                sqlx::query(&format!(
                    "SELECT {NEWS_COLUMNS} FROM news
                     WHERE id = $1 AND publish_at IS NOT NULL AND publish_at <= $2 AND withdrawn_at IS NULL"
                ))
                .bind(id)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .and_then(|r| r.as_ref().map(news_record).transpose())
                .map_err(db_err)
            }

            async fn news_all(&self) -> StoreResult<Vec<NewsRecord>> {
                sqlx::query(&format!("SELECT {NEWS_COLUMNS} FROM news ORDER BY updated_at DESC, id DESC"))
                    .fetch_all(&self.pool)
                    .await
                    .and_then(|rows| rows.iter().map(news_record).collect())
                    .map_err(db_err)
            }

            async fn news_get(&self, id: i64) -> StoreResult<Option<NewsRecord>> {
                sqlx::query(&format!("SELECT {NEWS_COLUMNS} FROM news WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .and_then(|r| r.as_ref().map(news_record).transpose())
                    .map_err(db_err)
            }

            async fn news_create(&self, title: &str, body: &str, author: i64, now: i64) -> StoreResult<i64> {
                sqlx::query(
                    "INSERT INTO news (title, body, author_account_id, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(title)
                .bind(body)
                .bind(author)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get("id"))
                .map_err(db_err)
            }

            async fn news_update(&self, id: i64, title: &str, body: &str, now: i64) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE news SET title = $2, body = $3, updated_at = $4 WHERE id = $1")
                    .bind(id)
                    .bind(title)
                    .bind(body)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn news_publish(&self, id: i64, publish_at: i64, now: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE news SET publish_at = $2, withdrawn_at = NULL, updated_at = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(publish_at)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn news_withdraw(&self, id: i64, now: i64) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE news SET withdrawn_at = $2, updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn cabinet_tariff_plans(&self) -> StoreResult<Vec<TariffPlan>> {
                sqlx::query("SELECT id, name FROM tariff_plan WHERE visible_in_cabinet = TRUE ORDER BY position, id")
                    .fetch_all(&self.pool)
                    .await
                    .and_then(|rows| {
                        rows.iter()
                            .map(|r| Ok(TariffPlan { id: r.try_get("id")?, name: r.try_get("name")? }))
                            .collect()
                    })
                    .map_err(db_err)
            }

            async fn price_list(&self, plan_id: i64) -> StoreResult<Vec<PriceSection>> {
                let rows = sqlx::query(
                    "SELECT s.id AS section_id, s.name AS section, v.code, v.name AS service, p.kopecks
                     FROM price p
                     JOIN price_service v ON v.id = p.service_id
                     JOIN price_section s ON s.id = v.section_id
                     WHERE p.plan_id = $1
                     ORDER BY s.position, s.id, v.position, v.id",
                )
                .bind(plan_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
                let mut sections: Vec<(i64, PriceSection)> = Vec::new();
                for r in &rows {
                    let section_id: i64 = r.try_get("section_id").map_err(db_err)?;
                    let item = PriceItem {
                        code: r.try_get("code").map_err(db_err)?,
                        service: r.try_get("service").map_err(db_err)?,
                        price: Kopecks(r.try_get("kopecks").map_err(db_err)?),
                    };
                    match sections.last_mut() {
                        Some((id, s)) if *id == section_id => s.items.push(item),
                        _ => sections.push((
                            section_id,
                            PriceSection { name: r.try_get("section").map_err(db_err)?, items: vec![item] },
                        )),
                    }
                }
                Ok(sections.into_iter().map(|(_, s)| s).collect())
            }

            async fn outbox_enqueue(&self, mail: NewMail, now: i64) -> StoreResult<i64> {
                let (body, after_send) = app::kernel::outbox::split_secrets(&mail.body);
                sqlx::query(
                    "INSERT INTO outbox (channel, recipient, subject, body, body_after_send, created_at, next_attempt_at)
                     VALUES ('email', $1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(&mail.recipient)
                .bind(&mail.subject)
                .bind(body)
                .bind(after_send)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get("id"))
                .map_err(db_err)
            }

            async fn outbox_lease_due(&self, channel: Channel, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<OutboxMail>> {
                // One statement: two workers never lease the same row.
                sqlx::query(&format!(
                    "UPDATE outbox SET leased_until = $2, attempts = attempts + 1
                     WHERE id IN (
                         SELECT id FROM outbox
                         WHERE sent_at IS NULL AND next_attempt_at <= $1 AND channel = $4
                           AND (leased_until IS NULL OR leased_until <= $1)
                         ORDER BY next_attempt_at, id LIMIT $3)
                     RETURNING {OUTBOX_COLUMNS}"
                ))
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .bind(channel.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(outbox_mail)
                .collect()
            }

            async fn outbox_mark_sent(&self, id: i64, now: i64, keep_secrets: bool) -> StoreResult<()> {
                let sql = if keep_secrets {
                    "UPDATE outbox SET sent_at = $2, leased_until = NULL, last_error = NULL WHERE id = $1"
                } else {
                    "UPDATE outbox SET sent_at = $2, leased_until = NULL, last_error = NULL,
                         body = COALESCE(body_after_send, body), body_after_send = NULL
                     WHERE id = $1"
                };
                sqlx::query(sql)
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn outbox_mark_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $2, leased_until = NULL, last_error = $3
                     WHERE id = $1 AND sent_at IS NULL",
                )
                .bind(id)
                .bind(next_attempt_at)
                .bind(error)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn outbox_recent(&self, limit: i64) -> StoreResult<Vec<OutboxMail>> {
                sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(outbox_mail)
                    .collect()
            }

            async fn load_seed(&self, seed: &Seed) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                let exists = sqlx::query("SELECT id FROM clinic")
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .is_some();
                if exists {
                    return Ok(false);
                }
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                if let Some(c) = &seed.clinic {
                    sqlx::query(
                        "INSERT INTO clinic (id, name, utc_offset_minutes, staff_totp_required) VALUES (1, $1, $2, $3)",
                    )
                    .bind(&c.name)
                    .bind(c.utc_offset_minutes as i64)
                    .bind(!seed.relax_staff_totp)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                let mut ids: HashMap<String, i64> = HashMap::new();
                macro_rules! id_of {
                    ($key:expr) => {
                        *ids.get($key.as_str()).ok_or_else(|| StoreError::Corrupt(format!("seed key {}", $key)))?
                    };
                }
                for b in &seed.branches {
                    let id: i64 = sqlx::query("INSERT INTO branch (name, address) VALUES ($1, $2) RETURNING id")
                        .bind(&b.name)
                        .bind(&b.address)
                        .fetch_one(&mut *tx)
                        .await
                        .and_then(|r| r.try_get("id"))
                        .map_err(db_err)?;
                    ids.insert(format!("branch:{}", b.key), id);
                }
                for s in &seed.staff {
                    let branch = match &s.branch {
                        Some(k) => Some(id_of!(format!("branch:{k}"))),
                        None => None,
                    };
                    let id: i64 = sqlx::query(
                        "INSERT INTO staff (surname, name, patronymic, specialty, branch_id)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(&s.surname)
                    .bind(&s.name)
                    .bind(&s.patronymic)
                    .bind(&s.specialty)
                    .bind(branch)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|r| r.try_get("id"))
                    .map_err(db_err)?;
                    for role in &s.roles {
                        sqlx::query("INSERT INTO staff_role (staff_id, role) VALUES ($1, $2)")
                            .bind(id)
                            .bind(role.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    }
                    ids.insert(format!("staff:{}", s.key), id);
                }
                for c in &seed.cards {
                    let id: i64 = sqlx::query(
                        "INSERT INTO patient_card (surname, name, patronymic, birth_date, sex, phone, phone_kind,
                             phone_confirmed, email, incapacitated, created_at, search_key)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    )
                    .bind(&c.surname)
                    .bind(&c.name)
                    .bind(&c.patronymic)
                    .bind(format_date(c.birth_date))
                    .bind(c.sex.as_str())
                    .bind(c.phone.as_ref().map(|p| p.e164().to_string()))
                    .bind(c.phone.as_ref().map(|p| p.kind().as_str()))
                    .bind(c.phone_confirmed)
                    .bind(c.email.as_ref().map(|e| e.as_str().to_string()))
                    .bind(c.incapacitated)
                    .bind(now)
                    .bind(app::features::onboarding::rules::normalize_name(&format!(
                        "{} {} {}",
                        c.surname,
                        c.name,
                        c.patronymic.as_deref().unwrap_or("")
                    )))
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|r| r.try_get("id"))
                    .map_err(db_err)?;
                    ids.insert(format!("card:{}", c.key), id);
                    if c.consents_signed {
                        for kind in app::features::onboarding::rules::ConsentKind::ALL {
                            let email = (kind == app::features::onboarding::rules::ConsentKind::EmailResults)
                                .then(|| c.email.as_ref().map(|e| e.as_str().to_string()))
                                .flatten();
                            sqlx::query(
                                "INSERT INTO consent (card_id, kind, signed_on, text_version, email, recorded_at)
                                 VALUES ($1, $2, $3, $4, $5, $6)",
                            )
                            .bind(id)
                            .bind(kind.as_str())
                            .bind(format_date(time::OffsetDateTime::from_unix_timestamp(now).map_err(|e| StoreError::Corrupt(e.to_string()))?.date()))
                            .bind(app::features::onboarding::rules::CONSENT_TEXT_VERSION)
                            .bind(email)
                            .bind(now)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        }
                    }
                }
                for (guardian, ward) in &seed.guardianships {
                    sqlx::query("INSERT INTO guardianship (guardian_card_id, ward_card_id, granted_at) VALUES ($1, $2, $3)")
                        .bind(id_of!(format!("card:{guardian}")))
                        .bind(id_of!(format!("card:{ward}")))
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                for a in &seed.accounts {
                    let card = match &a.card {
                        Some(k) => Some(id_of!(format!("card:{k}"))),
                        None => None,
                    };
                    let staff = match &a.staff {
                        Some(k) => Some(id_of!(format!("staff:{k}"))),
                        None => None,
                    };
                    let id: i64 = sqlx::query(
                        "INSERT INTO account (email, password_hash, card_id, staff_id, created_at)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(a.email.as_str())
                    .bind(&a.password_hash)
                    .bind(card)
                    .bind(staff)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|r| r.try_get("id"))
                    .map_err(db_err)?;
                    if let Some(k) = &a.staff {
                        ids.insert(format!("account-of-staff:{k}"), id);
                    }
                }
                for n in &seed.news {
                    sqlx::query(
                        "INSERT INTO news (title, body, author_account_id, created_at, updated_at, publish_at)
                         VALUES ($1, $2, $3, $4, $4, $5)",
                    )
                    .bind(&n.title)
                    .bind(&n.body)
                    .bind(id_of!(format!("account-of-staff:{}", n.author_staff)))
                    .bind(n.publish_at.unwrap_or(now).min(now))
                    .bind(n.publish_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                for (i, p) in seed.plans.iter().enumerate() {
                    let id: i64 = sqlx::query(
                        "INSERT INTO tariff_plan (name, visible_in_cabinet, position) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(&p.name)
                    .bind(p.visible_in_cabinet)
                    .bind(i as i64)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|r| r.try_get("id"))
                    .map_err(db_err)?;
                    ids.insert(format!("plan:{}", p.key), id);
                }
                for (i, s) in seed.sections.iter().enumerate() {
                    let section_id: i64 = sqlx::query("INSERT INTO price_section (name, position) VALUES ($1, $2) RETURNING id")
                        .bind(&s.name)
                        .bind(i as i64)
                        .fetch_one(&mut *tx)
                        .await
                        .and_then(|r| r.try_get("id"))
                        .map_err(db_err)?;
                    for (j, service) in s.services.iter().enumerate() {
                        let service_id: i64 = sqlx::query(
                            "INSERT INTO price_service (section_id, code, name, position) VALUES ($1, $2, $3, $4) RETURNING id",
                        )
                        .bind(section_id)
                        .bind(&service.code)
                        .bind(&service.name)
                        .bind(j as i64)
                        .fetch_one(&mut *tx)
                        .await
                        .and_then(|r| r.try_get("id"))
                        .map_err(db_err)?;
                        for (plan, kopecks) in &service.prices {
                            sqlx::query("INSERT INTO price (service_id, plan_id, kopecks) VALUES ($1, $2, $3)")
                                .bind(service_id)
                                .bind(id_of!(format!("plan:{plan}")))
                                .bind(*kopecks)
                                .execute(&mut *tx)
                                .await
                                .map_err(db_err)?;
                        }
                        ids.insert(format!("service:{}", service.code), service_id);
                    }
                }
                let booking = &seed.booking;
                sqlx::query("UPDATE clinic SET online_discount_percent = $1 WHERE id = 1")
                    .bind(i64::from(booking.online_discount_percent))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                for (staff, degree) in &booking.online_doctors {
                    sqlx::query("UPDATE staff SET online_booking = $2, degree = $3 WHERE id = $1")
                        .bind(id_of!(format!("staff:{staff}")))
                        .bind(true)
                        .bind(degree)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                for l in &booking.links {
                    let link = app::server::booking_store::ServiceLinkRecord {
                        staff_id: id_of!(format!("staff:{}", l.staff)),
                        service_id: id_of!(format!("service:{}", l.service_code)),
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
                    let day = app::server::booking_store::ScheduleDayRecord {
                        staff_id: id_of!(format!("staff:{}", d.staff)),
                        day: d.day,
                        branch_id: id_of!(format!("branch:{}", d.branch)),
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
                        Some(k) => Some(id_of!(format!("staff:{k}"))),
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
                    sqlx::query(
                        "INSERT INTO medical_record (card_id, kind, visit_date, staff_id, specialty, icd_code, icd_text,
                             title, body, category, search_text, created_at, sent_at)
                         VALUES ($1, $2, $3, $4,
                             (SELECT specialty FROM staff WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $11)",
                    )
                    .bind(id_of!(format!("card:{}", r.card)))
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
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                if seed.cabinet_module {
                    sqlx::query("UPDATE clinic SET cabinet_module_enabled_at = $1")
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)?;
                Ok(true)
            }
        }
    };
}
