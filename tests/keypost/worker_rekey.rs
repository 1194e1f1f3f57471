//! A passphrase change, run natively through the worker's message entry on the in-memory
//! browser ([`keypost::worker::platform::memory`]), stopped at every await point, raced, and
//! over a queue that holds another vault's posts. What the user would notice: after a
//! restart, the passphrase that unlocks opens every post, the draft, the Sent list, and the
//! outbox still refuses to resend a post that may be on X.

use keypost::compose::{Draft, DraftPost, Outbox, PostInput, SentPost};
use keypost::schedule::{self, PlannedPost, Queue};
use keypost::sealed::{self, Kind, LoadedQueue};
use keypost::vault::Dek;
use keypost::worker::handle_json;
use keypost::worker::platform::Area;
use keypost::worker::platform::memory::{
    MemoryBrowser, block_on, one_worker_at_a_time, run_stopping_after,
};
use serde_json::{Value, json};

use crate::support::keys::{Counter, dek};

const OLD: &str = "tangerine orbit falcon marble quietly 47";
const NEW: &str = "seven copper kettles hum at dawn 1912";
const ACCOUNT: &str = "acc-1";

fn send(msg: &Value) -> Value {
    serde_json::from_str(&block_on(handle_json(&msg.to_string()))).expect("JSON")
}

fn ok(answer: Value) -> Value {
    match answer.get("ok") {
        Some(v) => v.clone(),
        None => panic!("expected ok, got {answer}"),
    }
}

fn change() -> Value {
    json!({ "type": "vault_change_passphrase", "old": OLD, "new": NEW })
}

/// The session's data key, as the test reads it from `storage.session`.
fn session_dek(browser: &MemoryBrowser) -> Dek {
    let session = browser.stored(Area::Session, "session").expect("unlocked");
    Dek::from_base64(session["dek"].as_str().expect("dek")).expect("a key")
}

/// `n` posts of one text each, due a day after `now` and a minute apart.
fn queue_of(n: usize, first: usize, now: u64) -> Queue {
    let mut q = Queue::new();
    for i in first..first + n {
        q.add(
            schedule::NewItem {
                account_id: ACCOUNT.to_owned(),
                posts: vec![PlannedPost::text(format!("queued post {i}"))],
                due_at_ms: now + 86_400_000 + i as u64 * 60_000,
            },
            now,
        )
        .expect("add");
    }
    q
}

fn store_queue(browser: &MemoryBrowser, q: &Queue, k: &Dek) {
    let json = LoadedQueue::from_json(&q.to_json().expect("json"), Some(k))
        .expect("load")
        .to_json(Some(k), &mut Counter(1, 13))
        .expect("seal");
    browser.put(Area::Local, "queue", Value::String(json));
}

/// A vault (unlocked with `OLD`) holding `n` queued posts, a draft, an outbox whose second step
/// is in flight (it may be on X), and a Sent history; all sealed with the session's key.
fn everything(n: usize) -> MemoryBrowser {
    let browser = MemoryBrowser::new();
    browser.run_worker(|| ok(send(&json!({ "type": "vault_create", "passphrase": OLD }))));
    let k = session_dek(&browser);
    store_queue(&browser, &queue_of(n, 0, browser.now_ms()), &k);
    let draft = Draft {
        account_id: Some(ACCOUNT.to_owned()),
        posts: vec![DraftPost {
            text: "my unfinished draft".to_owned(),
            media: Vec::new(),
        }],
        updated_ms: 1,
    };
    let mut outbox = Outbox::new(
        ACCOUNT.to_owned(),
        vec![
            PostInput {
                text: "thread 1/2".to_owned(),
                media: Vec::new(),
            },
            PostInput {
                text: "thread 2/2".to_owned(),
                media: Vec::new(),
            },
        ],
    );
    outbox.begin(0);
    outbox.record(&schedule::Outcome::Posted {
        id: "101".to_owned(),
    });
    outbox.begin(1);
    let history = vec![SentPost::new(ACCOUNT, "demo", "101", "thread 1/2", 5)];
    let seal = |kind, v: Value| {
        Value::String(sealed::seal_json(&k, kind, &v, &mut Counter(3, 17)).expect("seal"))
    };
    browser.put(Area::Local, "draft", seal(Kind::Draft, json!(draft)));
    browser.put(Area::Local, "outbox", seal(Kind::Outbox, json!(outbox)));
    browser.put(Area::Local, "history", seal(Kind::History, json!(history)));
    browser
}

/// What a user finds after a restart: which passphrase unlocks, and what opens with it.
struct Found {
    unlocks_with: &'static str,
    queued_texts: usize,
    draft: Option<String>,
    sent: usize,
    resend_refused: bool,
}

fn restart_and_look(browser: &MemoryBrowser, n: usize) -> Found {
    browser.browser_restart();
    browser.run_worker(move || {
        let unlocks_with = if send(&json!({ "type": "vault_unlock", "passphrase": NEW }))
            .get("ok")
            .is_some()
        {
            "new"
        } else {
            ok(send(&json!({ "type": "vault_unlock", "passphrase": OLD })));
            "old"
        };
        let list = ok(send(&json!({ "type": "schedule_list" })));
        let upcoming = list["upcoming"].as_array().expect("upcoming").clone();
        assert_eq!(upcoming.len(), n, "every queued post is still listed");
        let queued_texts = upcoming
            .iter()
            .filter(|i| {
                i["contents_available"] == true
                    && i["posts"][0]["text"]
                        .as_str()
                        .is_some_and(|t| t.starts_with("queued post "))
            })
            .count();
        let got = ok(send(&json!({ "type": "draft_get" })));
        let draft = got["draft"]["posts"][0]["text"].as_str().map(str::to_owned);
        let sent = ok(send(&json!({ "type": "history_list" })))["items"]
            .as_array()
            .map_or(0, Vec::len);
        // A new post while step 2 may be on X: refused until the user settles it.
        let resend = send(&json!({ "type": "post_send", "account_id": ACCOUNT,
            "posts": [{ "text": "something else" }] }));
        let resend_refused = resend["error"]["code"] == "post_outcome_unknown";
        Found {
            unlocks_with,
            queued_texts,
            draft,
            sent,
            resend_refused,
        }
    })
}

/// Everything both storage areas hold, as text.
fn snapshot(browser: &MemoryBrowser) -> String {
    [Area::Local, Area::Session]
        .iter()
        .flat_map(|&area| {
            browser
                .keys(area)
                .into_iter()
                .map(move |k| format!("{area:?}/{k}={:?}", browser.stored(area, &k)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// (a) With 2,000 queued posts, a draft, an outbox in doubt and a Sent history, the worker is
/// stopped at every await point of a passphrase change; after a restart the passphrase that
/// unlocks opens every record, and the outbox still blocks a blind resend.
#[test]
fn a_passphrase_change_stopped_at_any_await_point_loses_nothing_of_2000_posts() {
    let _one = one_worker_at_a_time();
    const N: usize = 2000;
    let start = everything(N);
    let mut stops = 0;
    let mut finished = false;
    // What a restart finds depends only on what storage holds: a stop that left storage as an
    // earlier one did is not looked at again (most stops leave it as it was before, or after).
    let mut looked_at = std::collections::BTreeSet::new();
    for polls in 0.. {
        let browser = start.fork();
        let done = browser
            .run_worker(move || run_stopping_after(polls, handle_json(&change().to_string())));
        stops += usize::from(done.is_none());
        if !looked_at.insert(snapshot(&browser)) && done.is_none() {
            continue;
        }
        let found = restart_and_look(&browser, N);
        let at = format!("stopped after {polls} awaits");
        assert_eq!(
            found.queued_texts, N,
            "{at}: queued texts that open ({} unlocks)",
            found.unlocks_with
        );
        assert_eq!(
            found.draft.as_deref(),
            Some("my unfinished draft"),
            "{at}: the draft"
        );
        assert_eq!(found.sent, 1, "{at}: the Sent list");
        assert!(
            found.resend_refused,
            "{at}: the post in doubt must not be resent blindly"
        );
        if let Some(answer) = done {
            let answer: Value = serde_json::from_str(&answer).expect("JSON");
            assert!(answer.get("ok").is_some(), "{answer}");
            assert_eq!(
                found.unlocks_with, "new",
                "a finished change unlocks with the new passphrase"
            );
            finished = true;
            break;
        }
    }
    assert!(
        finished && stops > 5,
        "the change has await points to stop at ({stops})"
    );
}

/// (b) A queue holding items under a third key (a backup imported over a vault with queued
/// posts) keeps every other post through a passphrase change, and the page is told which
/// items could not be opened.
#[test]
fn posts_of_another_vault_are_kept_and_named_and_the_others_survive_the_change() {
    let _one = one_worker_at_a_time();
    let browser = MemoryBrowser::new();
    browser.run_worker(|| ok(send(&json!({ "type": "vault_create", "passphrase": OLD }))));
    let k = session_dek(&browser);
    let foreign = dek('Z');
    // Five posts of the replaced vault, then twenty scheduled after the import.
    let mut q = queue_of(5, 0, browser.now_ms());
    let foreign_json = LoadedQueue::from_json(&q.to_json().expect("json"), Some(&foreign))
        .expect("load")
        .to_json(Some(&foreign), &mut Counter(5, 19))
        .expect("seal");
    let mut loaded = LoadedQueue::from_json(&foreign_json, Some(&k)).expect("load");
    for i in 5..25 {
        loaded
            .queue
            .add(
                schedule::NewItem {
                    account_id: ACCOUNT.to_owned(),
                    posts: vec![PlannedPost::text(format!("queued post {i}"))],
                    due_at_ms: browser.now_ms() + 2 * 86_400_000 + i * 60_000,
                },
                browser.now_ms(),
            )
            .expect("add");
    }
    q = loaded.queue.clone();
    assert_eq!(q.items().len(), 25);
    let json = loaded.to_json(Some(&k), &mut Counter(7, 23)).expect("seal");
    browser.put(Area::Local, "queue", Value::String(json));
    let answer = browser.run_worker(|| ok(send(&change())));
    assert_eq!(
        answer["unopenable"]["items"],
        json!([0, 1, 2, 3, 4]),
        "{answer}"
    );
    let found = browser.run_worker(|| {
        ok(send(&json!({ "type": "vault_lock" })));
        ok(send(&json!({ "type": "vault_unlock", "passphrase": NEW })));
        ok(send(&json!({ "type": "schedule_list" })))
    });
    let opened: Vec<&str> = found["upcoming"]
        .as_array()
        .expect("upcoming")
        .iter()
        .filter_map(|i| i["posts"][0]["text"].as_str().filter(|t| !t.is_empty()))
        .collect();
    assert_eq!(
        opened.len(),
        20,
        "all 20 posts of this vault open with the new passphrase"
    );
    // The five foreign ones are still sealed as they were: their own key opens them.
    let stored = browser.stored(Area::Local, "queue").expect("queue");
    let with_foreign =
        LoadedQueue::from_json(stored.as_str().expect("text"), Some(&foreign)).expect("load");
    assert_eq!(
        with_foreign
            .queue
            .items()
            .iter()
            .filter(|i| i.posts[0].text.starts_with("queued post "))
            .count(),
        5
    );
}

/// (c) A draft autosave and a Sent-list write racing a passphrase change lose nothing: every
/// interleaving of the two (the other message started after k of the change's awaits) ends
/// with both under the new key.
#[test]
fn a_draft_save_racing_a_passphrase_change_is_kept_under_the_new_key() {
    let _one = one_worker_at_a_time();
    let start = everything(3);
    // Head starts up to a few awaits past the change's one write: any later one lets the save
    // run after the change as this last one does.
    let window = polls_until_rekeyed(&start) + 4;
    for head_start in 0..=window {
        let browser = start.fork();
        let finished = browser.run_worker(move || {
            let save = json!({ "type": "draft_save", "draft": {
                "account_id": ACCOUNT, "posts": [{ "text": format!("saved while changing {head_start}") }],
                "updated_ms": 9 } });
            block_on(async move {
                let change_text = change().to_string();
                let save_text = save.to_string();
                let changing = handle_json(&change_text);
                let saving = handle_json(&save_text);
                futures_lite_join(changing, saving, head_start).await
            })
        });
        let (changed, saved, overlapped) = finished;
        let changed: Value = serde_json::from_str(&changed).expect("JSON");
        let saved: Value = serde_json::from_str(&saved).expect("JSON");
        assert!(changed.get("ok").is_some(), "{changed}");
        let found = restart_and_look(&browser, 3);
        assert_eq!(found.unlocks_with, "new");
        assert_eq!(found.queued_texts, 3, "head start {head_start}");
        let expected = if saved.get("ok").is_some() {
            format!("saved while changing {head_start}")
        } else {
            // Refused (the session was between keys): the draft is the one from before.
            assert_eq!(saved["error"]["code"], "locked", "{saved}");
            "my unfinished draft".to_owned()
        };
        assert_eq!(
            found.draft.as_deref(),
            Some(expected.as_str()),
            "head start {head_start}"
        );
        assert!(
            overlapped,
            "head start {head_start}: the save began during the change"
        );
    }
}

/// How many polls a passphrase change takes until its one write is in storage.
fn polls_until_rekeyed(start: &MemoryBrowser) -> usize {
    use std::task::Poll;
    let browser = start.fork();
    let watch = browser.clone();
    let before = browser.stored(Area::Local, "vault");
    browser.run_worker(move || {
        block_on(async move {
            let text = change().to_string();
            let mut changing = std::pin::pin!(handle_json(&text));
            let mut polls = 0;
            std::future::poll_fn(|cx| {
                polls += 1;
                if changing.as_mut().poll(cx).is_ready()
                    || watch.stored(Area::Local, "vault") != before
                {
                    return Poll::Ready(polls);
                }
                cx.waker().wake_by_ref();
                Poll::Pending
            })
            .await
        })
    })
}

/// Polls `a` alone `head_start` times, then both in turn until both are done.
/// Also answers whether `b` began before `a` was done.
async fn futures_lite_join<A, B>(a: A, b: B, head_start: usize) -> (A::Output, B::Output, bool)
where
    A: std::future::Future,
    B: std::future::Future,
{
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut out_a = None;
    let mut out_b = None;
    let mut polls = 0usize;
    let mut overlapped = false;
    std::future::poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            out_a = Some(v);
        }
        if polls >= head_start && out_b.is_none() {
            overlapped |= out_a.is_none();
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        polls += 1;
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready(())
        } else {
            if out_a.is_some() && polls < head_start {
                polls = head_start;
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
    (out_a.expect("done"), out_b.expect("done"), overlapped)
}

/// Whether the session's key opens the stored vault record (so what it sealed, the passphrase
/// that opens the record opens too).
fn session_opens_record(browser: &MemoryBrowser) -> bool {
    let record = browser.stored(Area::Local, "vault").expect("a vault");
    let record =
        keypost::vault::VaultRecord::from_json(record.as_str().expect("text")).expect("a record");
    keypost::vault::open(&record, &session_dek(browser)).is_ok()
}

/// (c) A scheduled send racing a passphrase change: the change started after every await
/// point of the alarm's run. The post goes to X once, the queue says sent, and after the change
/// the Sent list (written with the key the send began with, or the new one) opens with the
/// new passphrase and lists it: a writer never seals with the retired key.
#[test]
fn a_scheduled_send_racing_a_passphrase_change_is_recorded_under_the_new_key() {
    use crate::support::worker::{PASSPHRASE, World, call, interleave, kind, post};
    use keypost::worker::on_alarm;

    let start = World::new();
    let id = start.schedule(
        json!([post("due during the change", &[])]),
        60_000,
        json!({}),
    );
    start.browser.set_now(start.browser.now_ms() + 60_000);
    assert!(
        start
            .browser
            .take_due_alarms()
            .contains(&"schedule".to_owned())
    );
    let change = json!({ "type": "vault_change_passphrase", "old": PASSPHRASE, "new": NEW });
    // How long the alarm's run is alone.
    let run_polls = (0..)
        .find(|&n| {
            start
                .fork()
                .worker(move || run_stopping_after(n, on_alarm("schedule".to_owned())).is_some())
        })
        .expect("the run ends");
    for head in 0..=run_polls {
        let w = start.fork();
        let msg = change.clone();
        let (_, changed) = w
            .worker(move || block_on(interleave(on_alarm("schedule".to_owned()), call(msg), head)));
        let at = format!("the change started after {head} of the run's {run_polls} polls");
        assert!(changed.get("ok").is_some(), "{at}: {changed}");
        assert_eq!(w.x.texts(), ["due during the change"], "{at}: on X once");
        // The session went on with the new key: what it opens, the new passphrase opens.
        assert!(session_opens_record(&w.browser), "{at}");
        let listed = w.worker(move || {
            let item = ok(send(&json!({ "type": "schedule_list" })))["past"][0].clone();
            let sent = ok(send(&json!({ "type": "history_list" })))["items"].clone();
            (item, sent)
        });
        assert_eq!(listed.0["id"], id, "{at}");
        assert_eq!(kind(&listed.0), "sent", "{at}");
        assert_eq!(
            listed.0["posts"][0]["text"], "due during the change",
            "{at}"
        );
        assert_eq!(
            listed.1[0]["text"], "due during the change",
            "{at}: the Sent list"
        );
    }
}
