//! «Филиалы»: the front desk and the head add, change, deactivate and delete branches; a branch
//! with history is refused deletion with the reason; a deactivated one takes no new schedule
//! days; patients may not touch them.

use crate::support::{error_of, spawn_app};
use app::kernel::error::{AppError, Problem};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branches_are_kept_by_the_front_desk_and_those_with_history_are_only_deactivated() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let page = app.get(&desk, "/staff/branches").await.text().await.unwrap();
    for label in ["Филиалы", "Добавить филиал", "Название филиала", "Адрес", "Телефон (необязательно)"]
    {
        assert!(page.contains(label), "{label}");
    }
    let demo: Vec<app::features::clinic::rules::BranchRecord> =
        app.rpc(&desk, "branches", &[]).await.json().await.unwrap();
    assert!(!demo.is_empty() && demo.iter().all(|b| b.active && b.in_use), "the demo's branches have schedules");

    // Bad input: named field by field, nothing added.
    let res = app.rpc(&desk, "save_branch", &[("name", " "), ("address", ""), ("phone", "x")]).await;
    let AppError::Validation(problems) = error_of(res).await else { panic!("validation") };
    let fields: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.problem)).collect();
    assert_eq!(fields, [("name", Problem::Required), ("address", Problem::Required), ("phone", Problem::Phone)]);
    let count = || async { app.scalar("SELECT COUNT(*) FROM branch").await };
    assert_eq!(count().await, demo.len() as i64);

    // Added, changed, listed.
    let res = app
        .rpc(&desk, "save_branch", &[("name", "Филиал на Ленина"), ("address", "ул. Ленина, 1"), ("phone", "")])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let id = app.scalar("SELECT id FROM branch WHERE name = 'Филиал на Ленина'").await.to_string();
    let res = app
        .rpc(
            &desk,
            "save_branch",
            &[("id", &id), ("name", "Филиал на Ленина"), ("address", "ул. Ленина, 3"), ("phone", "+7 3822 12-34-56")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let list: Vec<app::features::clinic::rules::BranchRecord> =
        app.rpc(&desk, "branches", &[]).await.json().await.unwrap();
    let ours = list.iter().find(|b| b.id.to_string() == id).unwrap();
    assert_eq!((ours.address.as_str(), ours.phone.as_str(), ours.in_use), ("ул. Ленина, 3", "+7 3822 12-34-56", false));

    // A branch with history: refused with the reason; deactivated instead, it leaves the
    // schedule's choice of branches.
    let busy = demo[0].id.to_string();
    let res = app.rpc(&desk, "delete_branch", &[("id", &busy)]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_of(res).await, AppError::BranchInUse);
    let schedule_branches =
        || async { app.store.branches().await.unwrap().into_iter().map(|(id, _)| id).collect::<Vec<_>>() };
    assert!(schedule_branches().await.contains(&demo[0].id));
    assert_eq!(app.rpc(&desk, "set_branch_active", &[("id", &busy)]).await.status(), 200);
    assert!(!schedule_branches().await.contains(&demo[0].id), "no new schedule days there");
    assert_eq!(app.rpc(&desk, "set_branch_active", &[("id", &busy), ("active", "on")]).await.status(), 200);
    assert!(schedule_branches().await.contains(&demo[0].id));

    // Patients may not; an unused branch is deleted, journalled.
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.rpc(&patient, "delete_branch", &[("id", &id)]).await.status(), 403);
    assert_eq!(app.rpc(&desk, "delete_branch", &[("id", &id)]).await.status(), 200);
    assert_eq!(count().await, demo.len() as i64);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'branch.%'").await,
        5,
        "add, change, off, on, delete"
    );
    assert_eq!(error_of(app.rpc(&desk, "delete_branch", &[("id", &id)]).await).await, AppError::NotFound);
}
