//! Late posts, natively: posts whose time passed while the browser was closed or the computer
//! asleep, found by the next worker, each following its late policy (its own, else the
//! default setting), with one notification that says what was done; and a vault backup in a
//! second browser, which brings no queued post (one scheduler per queue).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::support::worker::{PASSPHRASE, World, error_code, kind, ok, post};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;

/// The late notification: its title and one line per post, each line's locale key first.
fn late_notification(w: &World) -> (String, Vec<String>) {
    let (_, title, text) = w
        .notifications()
        .into_iter()
        .find(|(id, ..)| id == "schedule_late")
        .unwrap_or_else(|| panic!("no late notification: {:?}", w.notifications()));
    let keys = text
        .lines()
        .map(|l| l.split('|').next().unwrap_or("").to_owned())
        .collect();
    (title, keys)
}

#[test]
fn posts_found_late_after_the_browser_was_closed_follow_their_policies() {
    let w = World::new();
    // The default for posts without their own policy: skip when more than a minute late.
    ok(w.send(json!({ "type": "settings_set",
        "settings": { "late_policy": { "kind": "skip_after", "minutes": 1 } } })));
    let refused = w.send(json!({ "type": "schedule_add", "account_id": w.demo,
        "posts": [post("never", &[])], "due_at_ms": w.browser.now_ms() + HOUR,
        "late_policy": { "kind": "skip_after", "minutes": 0 } }));
    assert_eq!(error_code(&refused), "schedule_late_policy_invalid");
    let mut ids = BTreeMap::new();
    for (i, (name, policy)) in [
        ("post late", json!({ "kind": "post_late" })),
        ("ask first", json!({ "kind": "ask" })),
        (
            "within its limit",
            json!({ "kind": "skip_after", "minutes": 120 }),
        ),
        ("by default", Value::Null),
    ]
    .into_iter()
    .enumerate()
    {
        let extra = if policy.is_null() {
            json!({})
        } else {
            json!({ "late_policy": policy })
        };
        ids.insert(
            name,
            w.schedule(json!([post(name, &[])]), HOUR + i as u64 * 1_000, extra),
        );
    }

    // The browser is closed for an hour and ten minutes; it starts again locked.
    w.browser.browser_restart();
    w.browser.advance(HOUR + 10 * MINUTE);
    w.start_worker();
    let state = |name: &str| w.item(ids[name]);
    for (name, expected) in [
        ("post late", "needs_unlock"),
        ("within its limit", "needs_unlock"),
        ("ask first", "needs_confirmation"),
        ("by default", "skipped"),
    ] {
        let item = state(name);
        assert_eq!(kind(&item), expected, "{name}");
        assert_eq!(item["late"], true, "{name}");
        assert!(
            item["lateness"]["late_by_ms"].as_u64() >= Some(9 * MINUTE),
            "{name}: {item}"
        );
    }
    assert_eq!(state("ask first")["state"]["reason"], "late");
    assert!(
        state("by default")["actions"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("post_now"))),
        "a skipped post can still be sent"
    );
    let (title, mut lines) = late_notification(&w);
    assert_eq!(title, "lateNotifyTitle|4");
    lines.sort();
    assert_eq!(
        lines,
        [
            "lateLineAsk",
            "lateLineSent",
            "lateLineSent",
            "lateLineSkipped"
        ]
    );
    assert_eq!(w.x.post_requests(), 0, "nothing goes out while locked");

    // Unlocked: the two that may go late go; the skipped one and the one that asks do not.
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE })));
    let mut sent = w.x.texts();
    sent.sort();
    assert_eq!(sent, ["post late", "within its limit"]);
    ok(w.send(json!({ "type": "schedule_post_now", "id": ids["ask first"] })));
    w.pass(HOUR / 2);
    assert_eq!(w.x.texts().len(), 3);
    assert!(w.x.texts().contains(&"ask first".to_owned()));
    assert_eq!(
        kind(&state("by default")),
        "skipped",
        "the skipped post never went"
    );
    assert_eq!(
        state("post late")["lateness"]["late_by_ms"],
        json!(HOUR + 10 * MINUTE - HOUR),
        "the queue shows how late it went"
    );
}

#[test]
fn after_the_computer_slept_a_late_post_goes_out_or_waits_as_its_policy_says() {
    let w = World::new();
    let late = w.schedule(json!([post("went late", &[])]), 5 * MINUTE, json!({}));
    let ask = w.schedule(
        json!([post("asked first", &[])]),
        5 * MINUTE,
        json!({ "late_policy": { "kind": "ask" } }),
    );
    let skip = w.schedule(
        json!([post("skipped by hand", &[])]),
        6 * MINUTE,
        json!({ "late_policy": { "kind": "ask" } }),
    );
    let on_time = w.schedule(
        json!([post("not late at all", &[])]),
        44 * MINUTE,
        json!({}),
    );
    // Asleep for 40 minutes: no alarm fired; on waking Chrome fires the missed one.
    w.browser.advance(45 * MINUTE);
    w.pass(0);
    // "Post late" is the default: it goes at once, 40 minutes late. One due a minute ago is
    // not late (under two minutes) and goes too.
    assert_eq!(w.x.texts(), ["went late", "not late at all"]);
    let item = w.item(late);
    assert_eq!((kind(&item), item["late"].clone()), ("sent", json!(true)));
    assert_eq!(item["lateness"]["late_by_ms"], 40 * MINUTE);
    assert_eq!(w.item(on_time)["late"], false);
    let (title, lines) = late_notification(&w);
    assert_eq!(title, "lateNotifyTitle|3");
    assert_eq!(lines, ["lateLineSent", "lateLineAsk", "lateLineAsk"]);

    // The one that asks: "send it". The other: Skip, which leaves it skipped, not cancelled.
    assert_eq!(w.item(ask)["resolutions"], json!(["send"]));
    ok(w.send(json!({ "type": "schedule_resolve", "id": ask, "resolution": { "kind": "send" } })));
    ok(w.send(json!({ "type": "schedule_cancel", "id": skip })));
    w.pass(HOUR / 2);
    assert_eq!(w.x.texts(), ["went late", "not late at all", "asked first"]);
    assert_eq!(kind(&w.item(ask)), "sent");
    assert_eq!(kind(&w.item(skip)), "skipped");
    // Judged late: its policy can no longer change.
    let refused = w.send(json!({ "type": "schedule_late_policy", "id": skip,
        "late_policy": { "kind": "post_late" } }));
    assert_eq!(error_code(&refused), "schedule_illegal_transition");
}

#[test]
fn a_vault_backup_in_a_second_browser_brings_no_queued_post_so_it_goes_out_once() {
    let w = World::new();
    w.schedule(json!([post("one browser", &[])]), 8_000, json!({}));
    let backup = ok(w.send(json!({ "type": "vault_export" })));
    assert!(
        !backup["json"]
            .as_str()
            .unwrap_or("")
            .contains("one browser"),
        "the backup is the vault record only"
    );
    let other = w.another_browser();
    let json = backup["json"].clone();
    ok(other.send(json!({ "type": "vault_import", "json": json })));
    ok(other.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE })));
    let listed = ok(other.send(json!({ "type": "schedule_list" })));
    assert_eq!(
        (
            listed["upcoming_total"].clone(),
            listed["past_total"].clone()
        ),
        (json!(0), json!(0))
    );
    assert_eq!(other.browser.action().badge_text, "");
    // Both browsers run past the due time: the post goes out once, from the first.
    other.pass(MINUTE);
    w.pass(MINUTE);
    assert_eq!(w.x.texts(), ["one browser"]);
    other.pass(MINUTE);
    assert_eq!(w.x.post_requests(), 1);
}
