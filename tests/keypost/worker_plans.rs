//! Bulk plans and posting slots, natively: `schedule_import` (every row or none), `slots_set`,
//! `schedule_add_to_queue` (the next free slot, taken under the queue's lock) and `slots_week`,
//! through the worker's entry, in a browser whose zone is an hour ahead of UTC.

use keypost::worker::handle_json;
use keypost::worker::platform::memory::run_stopping_after;
use serde_json::{Value, json};

use crate::support::fake_x::user;
use crate::support::worker::{World, error_code, every_interleaving, ok, post};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
/// 2026-01-01T00:00:00Z, the in-memory browser's clock at start (a Thursday).
const NEW_YEAR: u64 = 1_767_225_600_000;

/// A world whose browser lives an hour ahead of UTC, on New Year's night.
fn world() -> World {
    let w = World::new();
    assert_eq!(w.browser.now_ms(), NEW_YEAR);
    w.browser.set_zone_offset_minutes(60);
    w
}

/// 20 rows (lines 2-21) for two accounts, due 2026-01-03 09:00 local and a minute apart; with
/// `bad`, line 5 names an unknown handle and line 14 is too long.
fn csv(bad: bool) -> String {
    let mut rows = vec!["account,due,text,media,alt".to_owned()];
    for i in 0..20 {
        let line = i + 2;
        let mut account = if i % 2 == 1 {
            "@keypost_second"
        } else {
            "@keypost_demo"
        };
        let mut text = format!("\"import #{i}, with a comma\"");
        if bad && line == 5 {
            account = "@nobody_here";
        }
        if bad && line == 14 {
            text = format!("import #{i} {}", "x".repeat(290));
        }
        let media = if i == 0 { "chart.png,A chart" } else { "," };
        rows.push(format!("{account},2026-01-03 09:{i:02},{text},{media}"));
    }
    format!("\u{feff}{}\r\n", rows.join("\r\n"))
}

fn import(w: &World, csv: &str) -> Value {
    w.send(json!({ "type": "schedule_import", "csv": csv,
        "files": [{ "name": "chart.png", "media_id": "img-chart" }] }))
}

#[test]
fn a_csv_with_bad_rows_queues_nothing_and_names_them_by_line() {
    let w = world();
    ok(w.send(json!({ "type": "account_add", "label": "Second",
        "keys": user("keypost_second").keys() })));
    w.browser.put_media("img-chart", "image/png", vec![3; 64]);

    let refused = import(&w, &csv(true));
    assert_eq!(error_code(&refused), "import_invalid");
    let rows: Vec<(u64, &str)> = refused["error"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(rows, [(5, "import_unknown_account"), (14, "post_too_long")]);
    assert_eq!(refused["error"]["rows"][0]["detail"], "@nobody_here");
    assert!(w.items().is_empty(), "nothing is queued while a row is bad");

    let done = ok(import(&w, &csv(false)));
    assert_eq!(done["queued"], 20);
    assert_eq!(done["media_used"], json!(["img-chart"]));
    let items = w.items();
    assert_eq!(items.len(), 20);
    let first = &items[0];
    assert_eq!(first["posts"][0]["text"], "import #0, with a comma");
    // 09:00 in a zone an hour ahead of UTC is 08:00Z.
    assert_eq!(first["due_at_ms"], NEW_YEAR + 2 * 24 * HOUR + 8 * HOUR);
    assert_eq!(first["username"], "keypost_demo");
    assert_eq!(
        first["posts"][0]["media"],
        json!([{ "media_id": "img-chart", "alt": "A chart" }])
    );
    let second = items
        .iter()
        .filter(|i| i["username"] == "keypost_second")
        .count();
    assert_eq!(second, 10);

    // The export reads back in the same format, at the same local times.
    let exported = ok(w.send(json!({ "type": "schedule_export" })));
    assert_eq!(exported["count"], 20);
    let text = exported["csv"].as_str().expect("csv");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "account,due,text,part,media,alt");
    assert_eq!(lines.len(), 21);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("keypost_second,2026-01-03T09:01:00+01:00,")),
        "{text}"
    );
}

#[test]
fn an_import_stopped_or_failing_at_any_point_queues_every_row_or_none() {
    let start = world();
    let rows: Vec<String> = (0..5)
        .map(|i| format!("@keypost_demo,2026-01-02 12:{i:02},all or nothing {i}"))
        .collect();
    let file = format!("account,due,text\n{}\n", rows.join("\n"));
    let message = json!({ "type": "schedule_import", "csv": file, "files": [] }).to_string();
    let mut stops = 0;
    for polls in 0.. {
        let w = start.fork();
        let text = message.clone();
        let done = w.worker(move || run_stopping_after(polls, handle_json(&text)).is_some());
        let queued = w.items().len();
        assert!(
            queued == 0 || queued == 5,
            "after {polls} polls: {queued} queued"
        );
        if done {
            assert_eq!(queued, 5);
            break;
        }
        stops += 1;
    }
    assert!(stops > 3, "an import has await points ({stops})");

    // A storage that refuses the write: the import says so, and nothing is queued.
    let w = start.fork();
    w.browser.fail_writes_after(0);
    let failed = w.send(serde_json::from_str(&message).expect("json"));
    assert_eq!(error_code(&failed), "platform_storage");
    w.browser.heal();
    assert!(w.items().is_empty());
}

fn every_day(time: &str) -> Value {
    json!({ "days": [0, 1, 2, 3, 4, 5, 6], "time": time })
}

fn add_to_queue(w: &World, text: &str) -> Value {
    w.send(
        json!({ "type": "schedule_add_to_queue", "account_id": w.demo,
        "posts": [post(text, &[])] }),
    )
}

#[test]
fn add_to_queue_takes_the_next_free_slots_in_order_and_the_week_lists_them() {
    let w = world();
    let none = add_to_queue(&w, "no slots yet");
    assert_eq!(error_code(&none), "slot_none");

    let set = ok(w.send(json!({ "type": "slots_set", "account_id": w.demo,
        "slots": [every_day("16:30"), every_day("10:00")] })));
    assert_eq!(
        set["slots"],
        json!([every_day("10:00"), every_day("16:30")])
    );
    // A bad list is refused with the slot it is about, and changes nothing.
    let stored = ok(w.send(json!({ "type": "slots_get" })));
    let no_day = w.send(json!({ "type": "slots_set", "account_id": w.demo,
        "slots": [every_day("10:00"), { "days": [], "time": "12:00" }] }));
    assert_eq!(error_code(&no_day), "slot_no_weekday");
    assert_eq!(no_day["error"]["index"], 1);
    let duplicate = w.send(json!({ "type": "slots_set", "account_id": w.demo,
        "slots": [every_day("10:00"), every_day("16:30"), { "days": [3], "time": "10:00" }] }));
    assert_eq!(error_code(&duplicate), "slot_duplicate");
    assert_eq!(duplicate["error"]["index"], 2);
    assert_eq!(ok(w.send(json!({ "type": "slots_get" }))), stored);

    // 01:00 local on Thursday: today 10:00 and 16:30 local, then Friday's 10:00 is taken by
    // a post planned at it, so the third goes at Friday 16:30.
    let day = 24 * HOUR;
    let ten = NEW_YEAR + 9 * HOUR;
    let half_past_four = NEW_YEAR + 15 * HOUR + 30 * MINUTE;
    let taken = ok(w.send(json!({ "type": "schedule_add", "account_id": w.demo,
        "posts": [post("planned by hand", &[])], "due_at_ms": ten + day })))["id"]
        .clone();
    let due: Vec<Value> = ["first", "second", "third"]
        .iter()
        .map(|t| ok(add_to_queue(&w, t))["due_at_ms"].clone())
        .collect();
    assert_eq!(
        due,
        [
            json!(ten),
            json!(half_past_four),
            json!(half_past_four + day)
        ]
    );

    let week = ok(w.send(json!({ "type": "slots_week" })));
    let days = week["days"].as_array().expect("days");
    assert_eq!(days.len(), 7);
    assert_eq!(days[0]["date"], "2026-01-01");
    let on = |d: usize| -> Vec<Value> {
        days[d]["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["due_at_ms"].clone())
            .collect()
    };
    assert_eq!(on(0), [json!(ten), json!(half_past_four)]);
    assert_eq!(on(1), [json!(ten + day), json!(half_past_four + day)]);
    assert_eq!(days[1]["items"][0]["id"], taken);
    assert_eq!(days[1]["items"][0]["username"], "keypost_demo");
}

#[test]
fn two_adds_to_queue_at_once_never_take_the_same_slot() {
    let start = world();
    ok(
        start.send(json!({ "type": "slots_set", "account_id": start.demo,
        "slots": [every_day("10:00"), every_day("16:30")] })),
    );
    let add = |text: &str| {
        json!({ "type": "schedule_add_to_queue", "account_id": start.demo,
            "posts": [post(text, &[])] })
    };
    let half_past_four = NEW_YEAR + 15 * HOUR + 30 * MINUTE;
    let slots = [NEW_YEAR + 9 * HOUR, half_past_four];
    every_interleaving(
        &start,
        &add("pressed once"),
        &add("pressed twice"),
        |_, first, second, at| {
            let mut due = [&first, &second].map(|a| ok(a.clone())["due_at_ms"].as_u64());
            due.sort_unstable();
            assert_eq!(due, slots.map(Some), "{at}");
        },
    );
}
