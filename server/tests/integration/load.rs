//! Many pages at once on a multi-threaded server: the pages a signed-in patient opens most,
//! 32 at a time through a 4-worker runtime, must all render. A lost wake-up between worker
//! threads (leptos-rs/leptos#4851) or a resource waiting on the route generation's flag
//! (#4773) shows here as a request that never ends; a render that fails shows as a 5xx.

use crate::support::spawn_app_on;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const REQUESTS: usize = 2_000;
const AT_ONCE: usize = 32;
const PAGES: [&str; 5] = ["/prices", "/record", "/news", "/account", "/booking"];

fn four_workers() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("4-worker runtime")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_pages_32_at_a_time_on_four_workers_all_render() {
    let app = spawn_app_on(four_workers()).await;
    let patient = app.signed_in("patient@kabinet.example").await;
    // Each page once first: it renders as the patient's page, not the sign-in page.
    for page in PAGES {
        let res = app.get(&patient, page).await;
        assert_eq!(res.status(), 200, "{page}");
        let html = res.text().await.unwrap();
        assert!(html.contains("Иванова"), "{page} is the patient's own page");
    }

    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let ok = Arc::new(AtomicUsize::new(0));
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..AT_ONCE {
        let (next, failures, ok, patient, base) =
            (next.clone(), failures.clone(), ok.clone(), patient.clone(), app.base.clone());
        clients.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= REQUESTS {
                    break;
                }
                let page = PAGES[n % PAGES.len()];
                let sent = tokio::time::timeout(Duration::from_secs(10), async {
                    let res = patient.get(format!("{base}{page}")).send().await?;
                    let status = res.status();
                    res.bytes().await.map(|_| status)
                })
                .await;
                match sent {
                    Ok(Ok(status)) if status.is_success() => {
                        ok.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(Ok(status)) => failures.lock().unwrap().push(format!("{page}: {status}")),
                    Ok(Err(e)) => failures.lock().unwrap().push(format!("{page}: {e}")),
                    Err(_) => failures.lock().unwrap().push(format!("{page}: no answer in 10 s")),
                }
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("client task");
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {REQUESTS} failed, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(ok.load(Ordering::SeqCst), REQUESTS);
}
