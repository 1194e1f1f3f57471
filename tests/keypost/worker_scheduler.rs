//! The scheduler's runs, natively: messages through the worker's entry, the alarm fired by the
//! in-memory browser's clock, X faked in Rust (`support::fake_x`). What is checked is what a
//! user would notice: what X received, what the queue shows, the notifications.

use keypost::worker::on_alarm;
use keypost::worker::platform::Area;
use keypost::worker::platform::memory::run_stopping_after;
use serde_json::{Value, json};

use crate::support::fake_x::{Endpoint, Scripted};
use crate::support::worker::{World, error_code, kind, ok, post};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;

/// The settings change `settings_set` makes.
fn settings(w: &World, settings: Value) {
    ok(w.send(json!({ "type": "settings_set", "settings": settings })));
}

/// A post with one image (`bytes` long, stored as the composer stores it) due in a minute:
/// its id.
fn image_post(w: &World, text: &str, alt: &str, bytes: usize) -> u64 {
    let media_id = format!("img-{}", text.replace(' ', "-"));
    w.browser.put_media(&media_id, "image/png", vec![7; bytes]);
    w.schedule(json!([post(text, &[(&media_id, alt)])]), MINUTE, json!({}))
}

#[test]
fn a_due_post_goes_out_when_its_alarm_fires_and_not_before() {
    let w = World::new();
    let due = w.browser.now_ms() + 10 * MINUTE;
    let id = w.schedule(
        json!([post("the morning post", &[])]),
        10 * MINUTE,
        json!({}),
    );
    assert_eq!(w.browser.alarms()["schedule"].scheduled_ms, due);

    w.pass_time_to(due - 1);
    assert_eq!(w.x.post_requests(), 0, "nothing before its time");
    assert_eq!(kind(&w.item(id)), "scheduled");

    w.pass_time_to(due);
    let on_x = w.x.posts();
    assert_eq!(on_x.len(), 1);
    assert_eq!(
        (
            on_x[0].text.as_str(),
            on_x[0].username.as_str(),
            on_x[0].at_ms
        ),
        ("the morning post", "keypost_demo", due)
    );
    let item = w.item(id);
    assert_eq!(kind(&item), "sent");
    assert_eq!(
        item["posted"][0]["url"],
        format!("https://x.com/keypost_demo/status/{}", on_x[0].id)
    );
    // The popup's Sent list has it too, and no alarm is left to wake the worker for nothing.
    let sent = ok(w.send(json!({ "type": "history_list" })));
    assert_eq!(sent["items"][0]["text"], "the morning post");
    assert!(!w.browser.alarms().contains_key("schedule"));

    w.pass(2 * HOUR);
    assert_eq!(w.x.post_requests(), 1, "sent once");
}

#[test]
fn a_text_post_whose_answer_was_lost_is_resent_only_under_xs_duplicate_check() {
    let w = World::new();
    w.x.script(
        Endpoint::Tweets,
        Scripted::RecordThen(Box::new(Scripted::ServerError(503))),
    );
    let id = w.schedule(
        json!([post("answered 503 but posted", &[])]),
        MINUTE,
        json!({}),
    );
    w.pass(MINUTE);
    assert_eq!(w.x.texts(), ["answered 503 but posted"]);
    assert_eq!(kind(&w.item(id)), "retry_waiting");

    // The retry is refused by X as a duplicate: that proves the first one is on X.
    w.pass(5 * MINUTE);
    assert_eq!(w.x.post_requests(), 2);
    assert_eq!(w.x.texts(), ["answered 503 but posted"], "on X once");
    let item = w.item(id);
    assert_eq!(kind(&item), "sent");
    assert_eq!(item["posted"][0]["via"], "duplicate");
}

/// A post with one image (`bytes` long, `alt` its alt text) due in a minute, which X records
/// while its answer is lost; half an hour later. Answers its id.
fn image_post_with_a_lost_answer(w: &World, text: &str, alt: &str, bytes: usize) -> u64 {
    w.x.script(
        Endpoint::Tweets,
        Scripted::RecordThen(Box::new(Scripted::Timeout)),
    );
    let id = image_post(w, text, alt, bytes);
    w.pass(MINUTE);
    w.pass(HOUR / 2);
    id
}

#[test]
fn an_image_post_whose_answer_was_lost_is_never_resent_and_asks_the_user() {
    let w = World::new();
    let id = image_post_with_a_lost_answer(&w, "a red square", "a red square on white", 1_000);
    // X keeps no duplicate check for posts with images: a resend would post it twice.
    assert_eq!(w.x.post_requests(), 1, "never resent");
    let on_x = w.x.posts();
    assert_eq!(on_x[0].media, [("a red square on white".to_owned(), 1_000)]);
    let item = w.item(id);
    assert_eq!(kind(&item), "needs_confirmation");
    assert_eq!(item["state"]["reason"], "unknown_outcome");
    assert_eq!(item["resolutions"], json!(["posted", "send"]));
    let shown = w.notifications();
    assert!(
        shown
            .iter()
            .any(|(n, title, _)| *n == format!("schedule_item_{id}")
                && title == "scheduleNotifyConfirmTitle"),
        "{shown:?}"
    );

    // The user finds it on X and says so with its link: recorded, nothing sent.
    let link = format!("https://x.com/keypost_demo/status/{}", on_x[0].id);
    ok(w.send(json!({ "type": "schedule_resolve", "id": id,
        "resolution": { "kind": "posted", "post_ref": link } })));
    w.pass(HOUR / 2);
    let item = w.item(id);
    assert_eq!(kind(&item), "sent");
    assert_eq!(item["posted"][0]["id"], on_x[0].id.as_str());
    assert_eq!(w.x.post_requests(), 1);
}

#[test]
fn the_images_of_a_post_the_user_says_is_on_x_leave_the_browser() {
    let w = World::new();
    let id = image_post_with_a_lost_answer(&w, "kept", "", 200);
    assert_eq!(kind(&w.item(id)), "needs_confirmation");
    let on_x = w.x.posts();
    ok(w.send(json!({ "type": "schedule_resolve", "id": id,
        "resolution": { "kind": "posted", "post_ref": on_x[0].id } })));
    assert_eq!(kind(&w.item(id)), "sent");
    // PROTOCOL.md: images are "kept until the post is on X or cancelled".
    assert_eq!(w.browser.media_ids(), Vec::<String>::new());
}

#[test]
fn a_429_waits_for_xs_reset_then_sends_once() {
    let w = World::new();
    // Hours pass in this test: the vault stays unlocked ("only on restart").
    settings(&w, json!({ "autolock": "restart" }));
    let reset_s = (w.browser.now_ms() + MINUTE) / 1000 + 15 * 60;
    w.x.script(
        Endpoint::Tweets,
        Scripted::RateLimited {
            reset_s,
            user_24h_reset_s: None,
        },
    );
    let id = w.schedule(json!([post("after the window", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    assert_eq!(kind(&w.item(id)), "retry_waiting");
    // X's reset, and a second after it (so that X's window has surely rolled over).
    w.pass_time_to(reset_s * 1000 + 999);
    assert_eq!(w.x.post_requests(), 1, "nothing before the reset");
    w.pass_time_to(reset_s * 1000 + 1000);
    assert_eq!(w.x.texts(), ["after the window"]);
    assert_eq!(kind(&w.item(id)), "sent");

    // A spent 24-hour allowance: the 15-minute reset would only hit the same wall.
    let now_s = w.browser.now_ms() / 1000;
    w.x.script(
        Endpoint::Tweets,
        Scripted::RateLimited {
            reset_s: now_s + 60 + 15 * 60,
            user_24h_reset_s: Some(now_s + 20 * 3600),
        },
    );
    let id = w.schedule(json!([post("tomorrow then", &[])]), MINUTE, json!({}));
    w.pass_time_to((now_s + 20 * 3600) * 1000);
    assert_eq!(w.x.post_requests(), 3, "no retry at the 15-minute reset");
    w.pass(2_000);
    assert_eq!(w.x.post_requests(), 4);
    assert_eq!(w.x.texts(), ["after the window", "tomorrow then"]);
    assert_eq!(kind(&w.item(id)), "sent");
}

#[test]
fn a_post_due_while_locked_waits_for_the_unlock_and_goes_out_right_after_it() {
    let w = World::new();
    let id = w.schedule(
        json!([post("due while locked", &[])]),
        2 * MINUTE,
        json!({}),
    );
    assert_eq!(
        ok(w.send(json!({ "type": "vault_lock" })))["unlocked"],
        false
    );
    w.pass(2 * MINUTE);
    w.pass(HOUR);
    assert_eq!(w.x.post_requests(), 0, "nothing goes out while locked");
    let item = w.item(id);
    assert_eq!(kind(&item), "needs_unlock");
    assert_eq!(item["contents_available"], false, "its text is sealed");
    assert!(
        w.notifications().contains(&(
            "schedule_unlock".to_owned(),
            "scheduleNotifyUnlockTitle".to_owned(),
            "scheduleNotifyUnlockText|1".to_owned()
        )),
        "{:?}",
        w.notifications()
    );
    // Clicking it opens the options page, where the vault is unlocked.
    w.worker(|| {
        keypost::worker::platform::memory::block_on(keypost::worker::on_notification_click(
            "schedule_unlock".to_owned(),
        ))
    });
    assert_eq!(
        w.browser.opened(),
        [keypost::worker::platform::memory::Opened::OptionsPage]
    );

    let unlocked_at = w.browser.now_ms();
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": crate::support::worker::PASSPHRASE })));
    let on_x = w.x.posts();
    assert_eq!(on_x.len(), 1);
    assert_eq!(
        (on_x[0].text.as_str(), on_x[0].at_ms),
        ("due while locked", unlocked_at)
    );
    assert_eq!(kind(&w.item(id)), "sent");
    assert!(
        !w.notifications()
            .iter()
            .any(|(n, ..)| n == "schedule_unlock"),
        "the unlock notification is taken back"
    );
}

/// The queue due now with one post, then the worker stopped after `polls` polls of the alarm's
/// run; then a new worker starts and time passes. Answers what was left.
fn stopped_mid_send(start: &World, polls: usize) -> (World, bool) {
    let w = start.fork();
    let due = w.browser.take_due_alarms();
    assert_eq!(due, ["schedule"]);
    let done =
        w.worker(move || run_stopping_after(polls, on_alarm("schedule".to_owned())).is_some());
    w.start_worker();
    w.pass(10 * MINUTE);
    (w, done)
}

#[test]
fn a_worker_stopped_at_any_await_point_of_a_send_posts_a_text_exactly_once() {
    let start = World::new();
    let id = start.schedule(json!([post("stopped anywhere", &[])]), MINUTE, json!({}));
    start.browser.advance(MINUTE);
    let mut stops = 0;
    for polls in 0.. {
        let (w, done) = stopped_mid_send(&start, polls);
        assert_eq!(w.x.texts(), ["stopped anywhere"], "after {polls} polls");
        assert_eq!(kind(&w.item(id)), "sent", "after {polls} polls");
        if done {
            break;
        }
        stops += 1;
    }
    assert!(stops > 5, "a send has await points to stop at ({stops})");
}

#[test]
fn a_worker_stopped_at_any_await_point_of_an_image_post_never_posts_it_twice() {
    let start = World::new();
    let id = image_post(&start, "blue", "a blue square", 300);
    start.browser.advance(MINUTE);
    let mut asked = 0;
    for polls in 0.. {
        let (w, done) = stopped_mid_send(&start, polls);
        let at = format!("after {polls} polls");
        let on_x = w.x.posts();
        assert!(on_x.len() <= 1, "{at}: posted {} times", on_x.len());
        let item = w.item(id);
        match kind(&item) {
            "sent" => assert_eq!(on_x.len(), 1, "{at}: sent, but not on X"),
            "needs_confirmation" => {
                // The user looks at X and answers.
                asked += 1;
                let resolution = match on_x.first() {
                    Some(p) => json!({ "kind": "posted", "post_ref": p.id }),
                    None => json!({ "kind": "send" }),
                };
                ok(w.send(
                    json!({ "type": "schedule_resolve", "id": id, "resolution": resolution }),
                ));
                w.pass(10 * MINUTE);
                assert_eq!(w.x.texts(), ["blue"], "{at}: after the user's answer");
                assert_eq!(kind(&w.item(id)), "sent", "{at}");
            }
            other => panic!("{at}: {other}"),
        }
        if done {
            break;
        }
    }
    assert!(asked > 0, "a stop after the request asks the user");
}

#[test]
fn with_notify_sent_on_a_sent_post_raises_a_notification_and_off_it_does_not() {
    let w = World::new();
    settings(&w, json!({ "notify_sent": true }));
    let loud = w.schedule(json!([post("tell me", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    let shown = w.notifications();
    let note = shown
        .iter()
        .find(|(n, ..)| *n == format!("schedule_item_{loud}"))
        .unwrap_or_else(|| panic!("no notification: {shown:?}"));
    assert_eq!(note.1, "scheduleNotifySentTitle");
    // By default a notification names the post by account and time: its text stays sealed.
    assert!(
        note.2
            .starts_with("scheduleNotifySentText|scheduleNotifyPostOf|@keypost_demo|"),
        "{note:?}"
    );
    assert!(!note.2.contains("tell me"), "{note:?}");
    // With texts in notifications chosen, its first words name it.
    settings(&w, json!({ "notify_text": true }));
    let words = w.schedule(json!([post("tell me more", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    let shown = w.notifications();
    let note = shown
        .iter()
        .find(|(n, ..)| *n == format!("schedule_item_{words}"))
        .unwrap_or_else(|| panic!("no notification: {shown:?}"));
    assert!(
        note.2.starts_with("scheduleNotifySentText|“tell me more”"),
        "{note:?}"
    );

    settings(&w, json!({ "notify_sent": false }));
    let quiet = w.schedule(json!([post("do not tell me", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    assert_eq!(w.x.texts(), ["tell me", "tell me more", "do not tell me"]);
    assert!(
        !w.notifications()
            .iter()
            .any(|(n, ..)| *n == format!("schedule_item_{quiet}"))
    );
}

#[test]
fn a_worker_start_that_changes_nothing_writes_no_queue() {
    let w = World::new();
    let ids: Vec<u64> = (0..3)
        .map(|i| w.schedule(json!([post(&format!("later {i}"), &[])]), HOUR, json!({})))
        .collect();
    let queue_writes = |w: &World| {
        w.browser
            .writes()
            .iter()
            .filter(|wr| wr.ok && wr.keys.iter().any(|k| k == "queue"))
            .count()
    };
    let before = queue_writes(&w);
    for _ in 0..2 {
        w.start_worker();
        assert_eq!(w.items().len(), 3);
    }
    assert_eq!(queue_writes(&w), before, "no write wakes the open pages");
    // A real change still writes.
    ok(w.send(json!({ "type": "schedule_cancel", "id": ids[0] })));
    assert_eq!(queue_writes(&w), before + 1);
}

#[test]
fn a_full_storage_pauses_the_schedule_before_any_upload_and_says_so() {
    let w = World::new();
    let id = image_post(&w, "when there is room", "", 500);
    let room = w.browser.local_bytes_in_use() + 300;
    w.browser.set_local_quota(Some(room));
    w.pass(2 * MINUTE);
    assert!(
        w.notifications()
            .iter()
            .any(|(n, t, _)| n == "schedule_storage" && t == "scheduleNotifyStorageTitle")
    );
    assert_eq!(
        w.x.requests("POST", "/2/media"),
        0,
        "no upload that could not be recorded"
    );
    assert_eq!(w.x.post_requests(), 0);
    assert_eq!(w.browser.media_ids().len(), 1, "the image is kept");

    w.browser.set_local_quota(None);
    w.pass(MINUTE);
    assert_eq!(w.x.texts(), ["when there is room"]);
    assert_eq!(w.x.requests("POST", "/2/media/upload/initialize"), 1);
    assert_eq!(kind(&w.item(id)), "sent");
    assert!(
        w.browser.media_ids().is_empty(),
        "once on X, the image leaves the browser"
    );
}

#[test]
fn a_network_failure_while_offline_is_retried_and_sent_once() {
    let w = World::new();
    w.browser.set_online(false);
    w.x.script(Endpoint::Tweets, Scripted::Offline);
    let id = w.schedule(json!([post("back online", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    let item = w.item(id);
    assert_eq!(kind(&item), "retry_waiting");
    assert_eq!(item["state"]["code"], "offline");
    assert!(w.x.texts().is_empty());
    w.browser.set_online(true);
    w.pass(5 * MINUTE);
    assert_eq!(w.x.texts(), ["back online"]);
    assert_eq!(kind(&w.item(id)), "sent");
}

#[test]
fn keys_x_no_longer_accepts_fail_the_post_and_say_so() {
    let w = World::new();
    w.x.revoke("keypost_demo");
    let id = w.schedule(json!([post("with old keys", &[])]), MINUTE, json!({}));
    w.pass(MINUTE);
    w.pass(HOUR / 2);
    let item = w.item(id);
    assert_eq!(kind(&item), "failed");
    assert_eq!(item["state"]["code"], "x_unauthorized");
    // Asked once: the keys' check after the 401 said the keys are wrong, so nothing is in doubt.
    assert_eq!(w.x.post_requests(), 1);
    assert!(w.x.texts().is_empty());
    let shown = w.notifications();
    assert!(
        shown
            .iter()
            .any(|(n, t, text)| *n == format!("schedule_item_{id}")
                && t == "scheduleNotifyFailedTitle"
                && text
                    .starts_with("scheduleNotifyFailedText|scheduleNotifyPostOf|@keypost_demo|")),
        "{shown:?}"
    );
    // A failed post can be tried again; X still refuses the keys.
    ok(w.send(json!({ "type": "schedule_retry", "id": id })));
    assert_eq!(w.x.post_requests(), 2);
    assert_eq!(kind(&w.item(id)), "failed");
    let refused = w.send(json!({ "type": "schedule_retry", "id": 999 }));
    assert_eq!(error_code(&refused), "schedule_not_found");
    assert!(w.browser.stored(Area::Local, "queue").is_some());
}

#[test]
fn the_summary_gives_the_queue_s_use_against_its_ceiling() {
    let w = World::new();
    w.schedule(json!([post("one", &[])]), HOUR, json!({}));
    w.schedule(json!([post("two", &[])]), HOUR, json!({}));
    let summary = ok(w.send(json!({ "type": "schedule_summary" })));
    assert_eq!(summary["queued"], 2);
    assert_eq!(summary["max_queued"], keypost::schedule::MAX_WAITING_ITEMS);
}
