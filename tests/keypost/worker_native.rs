//! The worker (`src/worker/`) run natively on the in-memory browser
//! (`keypost::worker::platform::memory`): messages go in through the worker's own entry
//! (`handle_json`, the dispatch `handle_message` runs in the extension), and the tests read
//! what the worker left in the browser.
//!
//! One worker lifetime is one thread ([`MemoryBrowser::run_worker`]): its `thread_local!`s start
//! empty, as in a restarted service worker, while storage is kept. The worker's locks are
//! process-wide statics, so every test that drives the worker holds
//! [`one_worker_at_a_time`] (any module's: a lock held by another test would otherwise count as
//! an await point of this one). Vault creation and unlock
//! run Argon2id at the real parameters (a fraction of a second each): a handful per test.

use std::collections::BTreeMap;

use keypost::http::{HttpRequest, HttpResponse, Method};
use keypost::upload::REQUEST_TIMEOUT_MS;
use keypost::worker::platform::memory::{
    MemoryBrowser, Opened, block_on, one_worker_at_a_time, run_stopping_after, run_until_idle,
};
use keypost::worker::platform::{self, Area};
use keypost::worker::{AppError, handle_json, on_alarm};
use serde_json::{Value, json};

const PASSPHRASE: &str = "tangerine orbit falcon marble quietly 47";

/// Sends one message to the worker on this thread and waits for it (and what it spawned).
fn send(msg: Value) -> Value {
    let answer = block_on(handle_json(&msg.to_string()));
    serde_json::from_str(&answer).expect("the worker answers JSON")
}

/// The `ok` of an answer, or a failure that shows the error.
fn ok(answer: Value) -> Value {
    match answer.get("ok") {
        Some(v) => v.clone(),
        None => panic!("expected ok, got {answer}"),
    }
}

/// The error code of an answer.
fn error_code(answer: &Value) -> &str {
    answer["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error, got {answer}"))
}

fn status() -> Value {
    ok(send(json!({ "type": "vault_status" })))
}

fn create() -> Value {
    send(json!({ "type": "vault_create", "passphrase": PASSPHRASE }))
}

/// Every key of an area, read through the facade by the worker on this thread.
fn read_all(area: Area) -> BTreeMap<String, Value> {
    let keys = MemoryBrowser::installed()
        .expect("a browser on this thread")
        .keys(area);
    block_on(async {
        let mut seen = BTreeMap::new();
        for key in keys {
            if let Some(v) = platform::get::<Value>(area, &key).await.expect("readable") {
                seen.insert(key, v);
            }
        }
        seen
    })
}

#[test]
fn create_unlock_lock_and_status_through_the_message_entry() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.run_worker(|| {
        let before = status();
        assert_eq!(before["exists"], false);
        assert_eq!(before["unlocked"], false);

        let created = ok(create());
        assert_eq!(created["exists"], true);
        assert_eq!(created["unlocked"], true);
        assert_eq!(created["accounts"], json!([]));

        let locked = ok(send(json!({ "type": "vault_lock" })));
        assert_eq!(locked["unlocked"], false);
        let wrong = send(json!({ "type": "vault_unlock", "passphrase": "not it at all, sorry" }));
        assert_eq!(error_code(&wrong), "vault_wrong_passphrase");
        let unlocked = ok(send(
            json!({ "type": "vault_unlock", "passphrase": PASSPHRASE }),
        ));
        assert_eq!(unlocked["unlocked"], true);
        assert_eq!(status()["unlocked"], true);

        // Refused at the boundary, before any handler.
        let unknown = send(json!({ "type": "vault_create", "passphrase": "x", "extra": 1 }));
        assert_eq!(error_code(&unknown), "unknown_field");
    });
    // What the worker left in the browser.
    assert!(browser.stored(Area::Local, "vault").is_some());
    assert!(browser.stored(Area::Session, "session").is_some());
    assert_eq!(
        browser
            .stored(Area::Session, "vault_state")
            .map(|s| s["unlocked"].clone()),
        Some(json!(true))
    );
    // The badge refresh the worker spawned ran: its tooltip is the localised title.
    assert!(browser.action().title.starts_with("actionTitle"));

    // A new worker is still unlocked (storage.session survives a worker stop)...
    browser.run_worker(|| assert_eq!(status()["unlocked"], true));
    // ...a browser restart locks.
    browser.browser_restart();
    browser.run_worker(|| {
        let after = status();
        assert_eq!(after["exists"], true);
        assert_eq!(after["unlocked"], false);
    });
}

#[test]
fn a_failed_write_during_vault_create_leaves_no_vault() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.fail_writes_after(0);
    browser.run_worker(|| {
        let failed = create();
        assert_eq!(error_code(&failed), "platform_storage");
    });
    assert_eq!(browser.stored(Area::Local, "vault"), None);
    assert_eq!(browser.stored(Area::Session, "session"), None);
    assert_eq!(browser.write_count(), 0);
    assert!(
        browser
            .writes()
            .iter()
            .any(|w| !w.ok && w.keys == ["vault"])
    );

    browser.heal();
    browser.run_worker(|| {
        assert_eq!(status()["exists"], false);
        assert_eq!(ok(create())["unlocked"], true);
    });
    assert!(browser.stored(Area::Local, "vault").is_some());
}

#[test]
fn the_clock_drives_auto_lock_through_its_alarm() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.set_now(1_780_000_000_000);
    browser.run_worker(|| assert_eq!(ok(create())["unlocked"], true));
    // The default auto-lock: an hour without activity.
    let at = browser.alarms()["autolock"].scheduled_ms;
    assert_eq!(at, 1_780_000_000_000 + 3_600_000);

    browser.advance(3_600_000 - 1);
    assert!(browser.due_alarms().is_empty());
    browser.advance(1);
    assert_eq!(browser.due_alarms(), ["autolock"]);
    let due = browser.take_due_alarms();
    assert!(
        !browser.alarms().contains_key("autolock"),
        "a one-shot alarm is gone once fired"
    );
    browser.run_worker(move || {
        for name in due {
            block_on(on_alarm(name));
        }
        assert_eq!(status()["unlocked"], false);
    });
    assert_eq!(browser.stored(Area::Session, "session"), None);

    // The backup file is named after the browser's day (exporting needs the owner: unlocked).
    browser.set_now(1_772_366_400_000); // 2026-03-01T12:00:00Z
    let file = browser.run_worker(|| {
        ok(send(
            json!({ "type": "vault_unlock", "passphrase": PASSPHRASE }),
        ));
        ok(send(json!({ "type": "vault_export" })))
    });
    assert_eq!(file["file_name"], "keypost-vault-2026-03-01.json");
}

#[test]
fn a_worker_stopped_at_any_await_point_restarts_on_the_storage_it_left() {
    let _one = one_worker_at_a_time();
    let unlocked = MemoryBrowser::new();
    unlocked.run_worker(|| assert_eq!(ok(create())["unlocked"], true));

    // "Lock now", stopped after k polls, from the same unlocked browser each time.
    let mut completed_at = None;
    for k in 0..64 {
        let browser = unlocked.fork();
        let done = browser.run_worker(move || {
            run_stopping_after(k, handle_json(r#"{"type":"vault_lock"}"#)).is_some()
        });
        assert!(
            browser.write_count() <= k,
            "at most one storage call per poll"
        );
        let left = (
            browser.with_state(|s| s.local.clone()),
            browser.with_state(|s| s.session.clone()),
        );
        // A new worker on a new thread sees storage as the stopped one left it, and answers
        // from it: unlocked exactly when the data key is still there.
        browser.run_worker(move || {
            assert_eq!(
                read_all(Area::Local),
                left.0,
                "storage.local after {k} polls"
            );
            assert_eq!(
                read_all(Area::Session),
                left.1,
                "storage.session after {k} polls"
            );
            let key_left = left.1.contains_key("session");
            assert_eq!(status()["unlocked"], key_left, "after {k} polls");
            // Locking again always finishes the job.
            assert_eq!(ok(send(json!({ "type": "vault_lock" })))["unlocked"], false);
        });
        assert_eq!(browser.stored(Area::Session, "session"), None);
        if done {
            completed_at = Some(k);
            break;
        }
    }
    let k = completed_at.expect("vault_lock completes within 64 polls");
    assert!(
        k >= 2,
        "vault_lock awaits storage more than once (completed after {k} polls)"
    );
}

#[test]
fn storage_round_trips_as_json_and_set_many_is_all_or_nothing() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.install();
    block_on(async {
        platform::set(Area::Local, "n", &7u64).await.expect("set");
        assert_eq!(platform::get::<u64>(Area::Local, "n").await, Ok(Some(7)));
        assert_eq!(
            platform::get::<String>(Area::Local, "n")
                .await
                .map_err(|e| e.code),
            Err("storage_malformed".to_owned())
        );
        assert_eq!(platform::get::<u64>(Area::Session, "n").await, Ok(None));

        // A quota that the pair would pass: neither key is written.
        let used = browser.local_bytes_in_use();
        browser.set_local_quota(Some(used + 20));
        let pair = [("a", json!("x".repeat(10))), ("b", json!("y".repeat(10)))];
        let refused = platform::set_many(Area::Local, &pair).await;
        assert_eq!(
            refused.map_err(|e| e.code),
            Err("platform_storage".to_owned())
        );
        assert_eq!(browser.keys(Area::Local), ["n"]);
        browser.set_local_quota(None);
        platform::set_many(Area::Local, &pair)
            .await
            .expect("set_many");
        assert_eq!(browser.keys(Area::Local), ["a", "b", "n"]);

        // One write succeeds, then every write fails until healed.
        browser.fail_writes_after(1);
        platform::remove(Area::Local, "a").await.expect("first");
        assert!(platform::set(Area::Local, "c", &1).await.is_err());
        assert!(platform::remove(Area::Local, "b").await.is_err());
        browser.heal();
        platform::remove(Area::Local, "b").await.expect("healed");
        assert_eq!(browser.keys(Area::Local), ["n"]);
    });
    let log: Vec<(Vec<String>, bool)> = browser
        .writes()
        .into_iter()
        .map(|w| (w.keys, w.ok))
        .collect();
    let keys = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        log,
        [
            (keys(&["n"]), true),
            (keys(&["a", "b"]), false),
            (keys(&["a", "b"]), true),
            (keys(&["a"]), true),
            (keys(&["c"]), false),
            (keys(&["b"]), false),
            (keys(&["b"]), true),
        ]
    );
}

#[test]
fn each_storage_call_is_one_await_point() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.install();
    let writes = || async {
        platform::set(Area::Local, "first", &1)
            .await
            .expect("first");
        platform::set(Area::Local, "second", &2)
            .await
            .expect("second");
        platform::set(Area::Local, "third", &3)
            .await
            .expect("third");
    };
    assert_eq!(run_stopping_after(2, writes()), None);
    assert_eq!(browser.keys(Area::Local), ["first", "second"]);
    assert_eq!(run_stopping_after(4, writes()), Some(()));
    assert_eq!(browser.keys(Area::Local), ["first", "second", "third"]);

    // A spawned task runs when the executor runs, and is dropped by a stop.
    platform::spawn(async {
        let _ = platform::set(Area::Session, "spawned", &true).await;
    });
    run_until_idle();
    assert_eq!(browser.keys(Area::Session), ["spawned"]);
    let stopped = run_stopping_after(1, async {
        platform::spawn(async {
            let _ = platform::set(Area::Session, "never", &true).await;
        });
        platform::sleep(10).await;
    });
    assert_eq!(stopped, None);
    run_until_idle();
    assert_eq!(browser.keys(Area::Session), ["spawned"]);
}

#[test]
fn clock_randomness_fetch_and_the_browsers_surfaces() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::with_seed(1);
    browser.install();
    browser.set_now(1_000);
    assert_eq!(platform::now_ms(), 1_000);
    block_on(platform::sleep_awake(60_000));
    assert_eq!(platform::now_ms(), 61_000);

    // Seeded: the same seed gives the same bytes.
    let a = platform::random_bytes::<32>().expect("random");
    MemoryBrowser::with_seed(1).install();
    assert_eq!(platform::random_bytes::<32>(), Ok(a));
    browser.install();

    let request = HttpRequest {
        method: Method::Get,
        url: "https://api.x.com/2/users/me".to_owned(),
        headers: Vec::new(),
        body: Default::default(),
    };
    assert_eq!(
        block_on(platform::send(&request, REQUEST_TIMEOUT_MS)).map_err(|e| e.code),
        Err("offline".to_owned())
    );
    browser.on_fetch(|req| {
        if req.url.ends_with("/users/me") {
            Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: r#"{"data":{"id":"1"}}"#.to_owned(),
            })
        } else {
            Err(AppError::new("timeout"))
        }
    });
    let answered = block_on(platform::send(&request, REQUEST_TIMEOUT_MS)).expect("answered");
    assert_eq!(answered.status, 200);
    assert_eq!(browser.requests().len(), 2);

    assert_eq!(platform::message("badgeQueued", &["3"]), "badgeQueued|3");
    block_on(async {
        platform::notify("n1", "Title", "Text")
            .await
            .expect("notify");
        platform::open_tab("queue.html").await.expect("tab");
        platform::open_options_page().await.expect("options");
        platform::set_alarm("a", 5).await.expect("alarm");
    });
    assert_eq!(browser.notifications()["n1"].message, "Text");
    assert_eq!(
        browser.opened(),
        [Opened::Tab("queue.html".to_owned()), Opened::OptionsPage]
    );
    assert_eq!(block_on(platform::alarm_at("a")), Ok(Some(5)));

    browser.put_media("m1", "image/png", vec![1, 2, 3]);
    let info = block_on(platform::media_info("m1"))
        .expect("info")
        .expect("there");
    assert_eq!((info.media_type.as_str(), info.size), ("image/png", 3));
    block_on(platform::media_delete("m1")).expect("delete");
    assert!(browser.media_ids().is_empty());

    assert_eq!(platform::iso_day(1_772_366_400_000), "2026-03-01");
    assert_eq!(platform::iso_day(0), "1970-01-01");
}

#[test]
#[should_panic(expected = "no MemoryBrowser is installed")]
fn a_platform_call_without_a_browser_says_so() {
    // A thread of its own: none of this module's tests installed a browser on it.
    if let Err(panic) = std::thread::spawn(platform::now_ms).join() {
        std::panic::resume_unwind(panic);
    }
}
