//! The whole medical record of the active profile as one printable HTML document, which the
//! server crate turns into PDF. Everything the patient wrote or the clinic typed is escaped;
//! records behind the date-of-birth gate show only their title. It holds exactly what the
//! reader's record list holds (`profiles::reader_view`).

use crate::features::record::delivery::FileStatus;
use crate::features::record::document_rules::Category;
use crate::features::record::rules::RecordKind;
use crate::features::record::store::{ReaderView, RecordQuery};
use crate::i18n::{Lang, Texts};
use crate::kernel::error::AppError;
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::fmt::Write as _;
use std::net::IpAddr;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn kind_label(t: &Texts, k: RecordKind) -> &'static str {
    match k {
        RecordKind::Outpatient => t.record().record_outpatient,
        RecordKind::Inpatient => t.record().record_inpatient,
        RecordKind::Patient => t.record().record_by_patient,
        RecordKind::Telemedicine => t.record().record_telemedicine,
    }
}

fn category_label(t: &Texts, c: Category) -> &'static str {
    match c {
        Category::Analyses => t.record().category_analyses,
        Category::Examinations => t.record().category_examinations,
        Category::Conclusion => t.record().category_conclusion,
        Category::Other => t.record().category_other,
    }
}

/// The most records one export holds (a longer record is cut, and says so).
const EXPORT_MAX: i64 = 1000;

/// The record as an HTML document in `lang`; the export is journalled.
pub async fn record_html(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    lang: Lang,
) -> Result<String, AppError> {
    let t = lang.texts();
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::Forbidden)?.clone();
    // The same records the reader's list shows: never the minor's own-consent care in the
    // guardian's view, nor what landed for a ward whose guardianship ended.
    let reader = ReaderView::of(&me, &profile);
    let q = RecordQuery { sent_only: true, reader: Some(reader), ..Default::default() };
    let (rows, total) = state.store.records(profile.card_id, &q, 0, EXPORT_MAX).await?;
    let offset = state.utc_offset();
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:'DejaVu Sans',sans-serif;font-size:11pt}} h2{{font-size:13pt;margin-top:14pt}} \
         .meta{{color:#444}}</style></head><body><h1>{}</h1><p class=\"meta\">{}</p>",
        lang.code(),
        esc(t.nav_record),
        esc(&(t.record().record_of)(&profile.name)),
        esc(&format_datetime(state.now(), offset, lang)),
    );
    for r in &rows {
        let _ = write!(
            html,
            "<h2>{}</h2><p class=\"meta\">{} · {}",
            esc(&r.title),
            esc(&format_date(r.visit_date, lang)),
            esc(kind_label(t, r.kind))
        );
        if let Some(c) = r.category {
            let _ = write!(html, " · {}", esc(category_label(t, c)));
        }
        if let Some(d) = &r.doctor_name {
            let _ = write!(html, " · {}", esc(d));
            if let Some(s) = &r.specialty {
                let _ = write!(html, ", {}", esc(s));
            }
        }
        html.push_str("</p>");
        if r.dob_gate && r.dob_unlocked_at.is_none() {
            let _ = write!(html, "<p>{}</p>", esc(t.docs().gate_locked_badge));
            continue;
        }
        if let Some(code) = &r.icd_code {
            let _ = write!(
                html,
                "<p>{}: {} — {}</p>",
                esc(t.record().record_diagnosis),
                esc(code),
                esc(r.icd_text.as_deref().unwrap_or(""))
            );
        }
        for para in r.body.split('\n').filter(|p| !p.trim().is_empty()) {
            let _ = write!(html, "<p>{}</p>", esc(para));
        }
        let files = state.store.record_files(r.id).await?;
        let delivered: Vec<_> = files.iter().filter(|f| f.status == FileStatus::Delivered).collect();
        if !delivered.is_empty() {
            let _ = write!(html, "<p>{}:</p><ul>", esc(t.docs().files));
            for f in delivered {
                let _ = write!(html, "<li>{}</li>", esc(&f.original_name));
            }
            html.push_str("</ul>");
        }
    }
    if total > EXPORT_MAX {
        let _ = write!(html, "<p>… ({total})</p>");
    }
    html.push_str("</body></html>");
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "record.export")
        .card(profile.card_id)
        .object("pdf");
    state.store.audit(audit).await?;
    Ok(html)
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_people_wrote_is_escaped() {
        assert_eq!(super::esc("<script>\"&\"</script>"), "&lt;script&gt;&quot;&amp;&quot;&lt;/script&gt;");
    }
}
