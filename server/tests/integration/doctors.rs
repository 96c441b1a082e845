//! «Врачи»: the front desk adds a doctor with a specialty from the reference list, branches and
//! a portrait (a JPEG with GPS in its EXIF becomes a 400-pixel WEBP without it); bad input
//! changes nothing and comes back named; a doctor with history is not deleted; the
//! specialties' list grows and withdraws entries; patients may not.

use crate::support::{error_of, spawn_app, TestApp};
use app::features::clinic::doctor_rules::DoctorsAdmin;
use app::kernel::error::{AppError, Problem};
use reqwest::multipart::{Form, Part};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

async fn save(app: &TestApp, c: &reqwest::Client, form: Form) -> reqwest::Response {
    c.post(format!("{}/staff/doctors/save", app.base)).header("Origin", &app.base).multipart(form).send().await.unwrap()
}

async fn admin(app: &TestApp, c: &reqwest::Client) -> DoctorsAdmin {
    app.rpc(c, "doctors_admin", &[]).await.json().await.unwrap()
}

/// The error a refused form came back with, from the redirect's address.
fn returned(res: &reqwest::Response) -> AppError {
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap();
    let raw = to.split("doctor_error=").nth(1).unwrap_or_else(|| panic!("an error: {to}"));
    let json: String = url_decode(raw);
    serde_json::from_str(&json).unwrap()
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The width of a lossy or lossless WEBP (VP8 / VP8L / VP8X headers).
fn webp_width(b: &[u8]) -> u32 {
    assert_eq!((&b[0..4], &b[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    match &b[12..16] {
        b"VP8 " => u32::from(u16::from_le_bytes([b[26], b[27]]) & 0x3FFF),
        b"VP8L" => 1 + ((u32::from(b[21]) | (u32::from(b[22]) << 8)) & 0x3FFF),
        b"VP8X" => 1 + (u32::from(b[24]) | (u32::from(b[25]) << 8) | (u32::from(b[26]) << 16)),
        other => panic!("not a WEBP chunk: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_keeps_the_doctors_with_specialties_branches_and_portraits() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let page = app.get(&desk, "/staff/doctors").await.text().await.unwrap();
    for label in [
        "Врачи",
        "Добавить врача",
        "Специальность",
        "Учёная степень (необязательно)",
        "Филиалы",
        "Показывать в онлайн-записи",
        "Специальности",
        "Добавить специальность",
    ] {
        assert!(page.contains(label), "{label}");
    }
    let before = admin(&app, &desk).await;
    assert!(before.doctors.iter().any(|d| d.specialty.as_deref() == Some("Терапевт") && !d.branches.is_empty()));
    assert!(
        before.specialties.iter().any(|s| s.name == "Терапевт" && s.doctors >= 1),
        "the demo's specialties are listed"
    );
    let branch = before.branches[0].id;
    let doctors = || async { app.scalar("SELECT COUNT(*) FROM staff").await };
    let count = doctors().await;

    // Bad input: named, nothing saved, the photo not kept.
    let bad = Form::new()
        .text("full_name", "Орлова")
        .text("specialty", "Астролог")
        .text("degree", "")
        .part("photo", Part::bytes(std::fs::read(format!("{FIXTURES}/photo-gps.jpg")).unwrap()).file_name("me.jpg"));
    let AppError::Validation(problems) = returned(&save(&app, &desk, bad).await) else { panic!("validation") };
    let fields: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.problem)).collect();
    assert_eq!(
        fields,
        [("full_name", Problem::FullName), ("specialty", Problem::Choice), ("branches", Problem::Required)]
    );
    assert_eq!(doctors().await, count);
    // A file that is not a photo.
    let not_photo = Form::new()
        .text("full_name", "Орлова Мария Ивановна")
        .text("specialty", "Терапевт")
        .text(format!("branch_{branch}"), "on")
        .part("photo", Part::bytes(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec()).file_name("cv.pdf"));
    assert_eq!(returned(&save(&app, &desk, not_photo).await), AppError::field("files", Problem::FileType));
    assert_eq!(doctors().await, count);

    // A new specialty, then the doctor with it and a portrait.
    assert_eq!(app.rpc(&desk, "add_specialty", &[("specialty_name", "Врач-генетик")]).await.status(), 200);
    let again = app.rpc(&desk, "add_specialty", &[("specialty_name", "Врач-генетик")]).await;
    assert_eq!(error_of(again).await, AppError::field("specialty_name", Problem::Taken));
    let good = Form::new()
        .text("full_name", "Орлова Мария Ивановна")
        .text("specialty", "Врач-генетик")
        .text("degree", "к.м.н.")
        .text(format!("branch_{branch}"), "on")
        .text("online", "on")
        .part("photo", Part::bytes(std::fs::read(format!("{FIXTURES}/photo-gps.jpg")).unwrap()).file_name("me.jpg"));
    let res = save(&app, &desk, good).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/staff/doctors?saved="));
    let list = admin(&app, &desk).await;
    let orlova = list.doctors.iter().find(|d| d.surname == "Орлова").expect("added");
    assert_eq!(
        (
            orlova.specialty.as_deref(),
            orlova.degree.as_str(),
            orlova.branches.clone(),
            orlova.online,
            orlova.has_photo,
            orlova.has_account,
            orlova.in_use
        ),
        (Some("Врач-генетик"), "к.м.н.", vec![branch], true, true, false, false)
    );
    let photo = app.get(&desk, &format!("/doctors/{}/photo", orlova.id)).await;
    assert_eq!(photo.headers()["content-type"], "image/webp");
    let bytes = photo.bytes().await.unwrap();
    assert_eq!(webp_width(&bytes), 400, "resized");
    for marker in [&b"Exif"[..], b"GPS", b"FixtureCam"] {
        assert!(!bytes.windows(marker.len()).any(|w| w == marker), "no metadata: {}", String::from_utf8_lossy(marker));
    }
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.get(&patient, &format!("/doctors/{}/photo", orlova.id)).await.status(), 200, "booking shows it");
    assert_eq!(
        app.get(&app.client(), &format!("/doctors/{}/photo", orlova.id)).await.status(),
        303,
        "strangers: sign in"
    );

    // A withdrawn specialty is not offered to others, but stays with her.
    let cardio = list.specialties.iter().find(|s| s.name == "Врач-генетик").unwrap().id.to_string();
    assert_eq!(app.rpc(&desk, "set_specialty_active", &[("id", &cardio)]).await.status(), 200);
    let id = orlova.id.to_string();
    let keep = Form::new()
        .text("id", id.clone())
        .text("full_name", "Орлова Мария Ивановна")
        .text("specialty", "Врач-генетик")
        .text("degree", "д.м.н.")
        .text(format!("branch_{branch}"), "on");
    assert_eq!(save(&app, &desk, keep).await.status(), 303);
    let other = Form::new()
        .text("full_name", "Белов Игорь")
        .text("specialty", "Врач-генетик")
        .text(format!("branch_{branch}"), "on");
    let AppError::Validation(p) = returned(&save(&app, &desk, other).await) else { panic!() };
    assert_eq!((p[0].field.as_str(), p[0].problem), ("specialty", Problem::Choice));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'doctor.save' AND detail LIKE '%degree: к.м.н. → д.м.н.%online: true → false%'").await,
        1
    );

    // The demo's therapist has history: refused with the reason. Ours has none: deleted.
    let sokolov = list.doctors.iter().find(|d| d.surname == "Соколов").unwrap().id.to_string();
    let res = app.rpc(&desk, "delete_doctor", &[("id", &sokolov)]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_of(res).await, AppError::DoctorInUse);
    assert_eq!(app.rpc(&desk, "delete_doctor", &[("id", &id)]).await.status(), 200);
    assert_eq!(doctors().await, count);

    // Patients may not.
    assert_eq!(app.rpc(&patient, "doctors_admin", &[]).await.status(), 403);
    let form = Form::new().text("full_name", "Белов Игорь").text("specialty", "Терапевт");
    assert_eq!(save(&app, &patient, form).await.status(), 403);
}
