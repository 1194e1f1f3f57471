//! Scheduling the composer's draft, natively: `schedule_add` and `schedule_add_to_queue` with
//! `from_draft: true` remove the draft in the same storage write that queues its posts, so its
//! images have exactly one owner whenever the worker stops: the stored draft names them, or
//! the queued post does, never both (a discarded draft would delete the images of a queued
//! post) and never neither (images no one will send or delete).

use std::collections::BTreeSet;

use keypost::worker::handle_json;
use keypost::worker::platform::memory::run_stopping_after;
use serde_json::{Value, json};

use crate::support::worker::{PASSPHRASE, World, error_code, kind, ok, post};

const HOUR: u64 = 60 * 60_000;

/// The media ids a value names anywhere under `media` lists.
fn media_ids(v: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(id) = map.get("media_id").and_then(Value::as_str) {
                    ids.insert(id.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    ids
}

/// Who names the images now, as a reopened composer and the queue view would show it:
/// (the draft's media ids, the queue's media ids).
fn owners(w: &World) -> (BTreeSet<String>, BTreeSet<String>) {
    let draft = ok(w.send(json!({ "type": "draft_get" })))["draft"].clone();
    (media_ids(&draft), media_ids(&Value::Array(w.items())))
}

/// A world with slots every day, two images in the media store and a draft that uses them.
fn with_draft() -> (World, Value) {
    let w = World::new();
    ok(w.send(json!({ "type": "slots_set", "account_id": w.demo,
        "slots": [{ "days": [0, 1, 2, 3, 4, 5, 6], "time": "10:00" }] })));
    for id in ["img-a", "img-b"] {
        w.browser.put_media(id, "image/png", vec![9; 128]);
    }
    let posts = json!([post(
        "with two images",
        &[("img-a", "first"), ("img-b", "second")]
    )]);
    let draft_posts = json!([{ "text": "with two images", "media": [
        { "media_id": "img-a", "type": "image/png", "size": 128, "alt": "first" },
        { "media_id": "img-b", "type": "image/png", "size": 128, "alt": "second" }] }]);
    ok(w.send(json!({ "type": "draft_save",
        "draft": { "account_id": w.demo, "posts": draft_posts, "updated_ms": 1 } })));
    (w, posts)
}

#[test]
fn scheduling_the_draft_stopped_at_any_await_point_leaves_one_owner_of_its_images() {
    let (start, posts) = with_draft();
    let images: BTreeSet<String> = ["img-a", "img-b"].map(str::to_owned).into();
    let messages = [
        json!({ "type": "schedule_add", "account_id": start.demo, "posts": posts,
            "due_at_ms": start.browser.now_ms() + HOUR, "from_draft": true }),
        json!({ "type": "schedule_add_to_queue", "account_id": start.demo, "posts": posts,
            "from_draft": true }),
    ];
    for message in messages {
        let mut stops = 0;
        for polls in 0.. {
            let w = start.fork();
            let text = message.to_string();
            let done = w.worker(move || run_stopping_after(polls, handle_json(&text)).is_some());
            let at = format!("{} stopped after {polls} polls", message["type"]);
            let (in_draft, in_queue) = owners(&w);
            assert!(
                (in_draft == images && in_queue.is_empty())
                    || (in_draft.is_empty() && in_queue == images),
                "{at}: the draft names {in_draft:?}, the queue {in_queue:?}"
            );
            assert_eq!(
                w.browser.media_ids(),
                ["img-a", "img-b"],
                "{at}: an image was lost"
            );
            if done {
                assert_eq!(in_queue, images, "{at}: done, the queued post owns them");
                break;
            }
            stops += 1;
        }
        assert!(stops > 3, "scheduling has await points ({stops})");
    }
}

#[test]
fn a_refused_schedule_keeps_the_draft_and_a_scheduled_one_takes_its_images_to_x() {
    let (w, posts) = with_draft();
    let schedule = |due_at_ms: u64| {
        json!({ "type": "schedule_add", "account_id": w.demo, "posts": posts,
            "due_at_ms": due_at_ms, "from_draft": true })
    };
    let images: BTreeSet<String> = ["img-a", "img-b"].map(str::to_owned).into();
    // In the past: refused, and the draft is still the owner.
    let past = w.send(schedule(w.browser.now_ms() - HOUR));
    assert_eq!(error_code(&past), "schedule_in_past");
    assert_eq!(owners(&w), (images.clone(), BTreeSet::new()));
    // Locked: refused (the contents could not be sealed), and nothing moved.
    ok(w.send(json!({ "type": "vault_lock" })));
    let locked = w.send(schedule(w.browser.now_ms() + HOUR));
    assert_eq!(error_code(&locked), "locked");
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE })));
    assert_eq!(owners(&w), (images.clone(), BTreeSet::new()));

    // Scheduled: the queue owns them; discarding the (gone) draft deletes nothing; once the
    // post is on X with its images, they leave the browser.
    let id = ok(w.send(schedule(w.browser.now_ms() + HOUR / 2)))["id"]
        .as_u64()
        .expect("id");
    assert_eq!(owners(&w), (BTreeSet::new(), images));
    ok(w.send(json!({ "type": "draft_clear" })));
    assert_eq!(w.browser.media_ids(), ["img-a", "img-b"]);
    w.pass(HOUR / 2);
    assert_eq!(kind(&w.item(id)), "sent");
    let on_x = w.x.posts();
    assert_eq!(
        on_x[0].media,
        [("first".to_owned(), 128), ("second".to_owned(), 128)]
    );
    assert!(w.browser.media_ids().is_empty());
}
