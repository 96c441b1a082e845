//! `ThrottleStore`: failures counted per key in a sliding window, locks with an end.

use super::seeded;
use app::platform::store::Store;

pub async fn story(url: &str) {
    let store = seeded(url).await;
    throttling(&*store).await;
    counting_and_locking(&*store).await;
}

async fn throttling(store: &dyn Store) {
    let (key, now) = ("signin-email:test", 1_800_000_000);
    for i in 0..4 {
        assert_eq!(store.throttle_failure(key, now + i, 900, 5, 900).await.unwrap(), None, "failure {i} does not lock");
    }
    assert_eq!(store.throttle_locked_until(key, now + 4).await.unwrap(), None);
    assert_eq!(store.throttle_failure(key, now + 4, 900, 5, 900).await.unwrap(), Some(now + 904), "the fifth locks");
    assert_eq!(store.throttle_locked_until(key, now + 5).await.unwrap(), Some(now + 904));
    assert_eq!(store.throttle_locked_until(key, now + 905).await.unwrap(), None, "the lock ends");
    // A new window starts counting from one again.
    assert_eq!(store.throttle_failure(key, now + 2000, 900, 5, 900).await.unwrap(), None);
    store.throttle_clear(key).await.unwrap();
    assert_eq!(store.throttle_locked_until(key, now + 2001).await.unwrap(), None);
}

/// `throttle_count` counts without locking and starts again after the window; `throttle_lock`
/// locks a counted key and never shortens a longer lock.
async fn counting_and_locking(store: &dyn Store) {
    let (key, now) = ("signin-email-count:test", 1_800_000_000);
    assert_eq!(store.throttle_count(key, now, 600).await.unwrap(), 1);
    assert_eq!(store.throttle_count(key, now + 1, 600).await.unwrap(), 2);
    assert_eq!(store.throttle_count(key, now + 599, 600).await.unwrap(), 3, "still inside the window");
    assert_eq!(store.throttle_locked_until(key, now + 599).await.unwrap(), None, "counting never locks");
    assert_eq!(store.throttle_count(key, now + 600, 600).await.unwrap(), 1, "a new window counts from one");
    assert_eq!(store.throttle_count("another-key", now, 600).await.unwrap(), 1, "keys count apart");

    store.throttle_lock(key, now + 1000).await.unwrap();
    assert_eq!(store.throttle_locked_until(key, now + 700).await.unwrap(), Some(now + 1000));
    store.throttle_lock(key, now + 800).await.unwrap();
    assert_eq!(store.throttle_locked_until(key, now + 700).await.unwrap(), Some(now + 1000), "not shortened");
    store.throttle_lock(key, now + 2000).await.unwrap();
    assert_eq!(store.throttle_locked_until(key, now + 1500).await.unwrap(), Some(now + 2000), "lengthened");
    assert_eq!(store.throttle_locked_until(key, now + 2000).await.unwrap(), None, "ends at its time");
    store.throttle_clear(key).await.unwrap();
    assert_eq!(store.throttle_count(key, now + 2001, 600).await.unwrap(), 1, "cleared: counting anew");
    assert_eq!(store.throttle_count("another-key", now + 1, 600).await.unwrap(), 2, "the other key kept its count");
}
