//! A change of the data key planned as one write ([`keypost::rekey`]): every record moves,
//! what opens with neither key is kept and named, and a plan made twice changes nothing.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::support::keys::{Counter, dek};

use keypost::compose::SentPost;
use keypost::rekey::{self, Moved, Record, Stored};
use keypost::schedule::{ItemId, NewItem, PlannedPost, Queue};
use keypost::sealed::{self, Kind, LoadedQueue, kept};
use keypost::vault::Dek;
use serde_json::{Value, json};

fn sealed_value<T: serde::Serialize>(k: &Dek, kind: Kind, v: &T) -> Value {
    Value::String(sealed::seal_json(k, kind, v, &mut Counter(3, 11)).expect("seal"))
}

/// A queue of `n` posts, item i's text `post i`, stored with `k`.
fn queue_of(n: usize, k: &Dek) -> (Queue, String) {
    let mut queue = Queue::new();
    for i in 0..n {
        queue
            .add(
                NewItem {
                    account_id: "a1".to_owned(),
                    posts: vec![PlannedPost::text(format!("post {i}"))],
                    due_at_ms: 10_000_000 + i as u64 * 60_000,
                },
                1_000_000,
            )
            .expect("add");
    }
    let json = LoadedQueue::from_json(&queue.to_json().expect("json"), Some(k))
        .expect("load")
        .to_json(Some(k), &mut Counter(9, 11))
        .expect("store");
    (queue, json)
}

fn written(plan: &rekey::Plan, record: Record) -> Option<&Value> {
    plan.writes
        .iter()
        .find(|(r, _)| *r == record)
        .map(|(_, v)| v)
}

#[test]
fn every_record_and_all_2000_queued_posts_move_to_the_new_key_in_one_plan() {
    let (old, new) = (dek('A'), dek('B'));
    let (queue, queue_json) = queue_of(2000, &old);
    let history = vec![json!({"account_id": "a1", "id": "1", "text": "sent"})];
    let stored = Stored {
        draft: Some(sealed_value(
            &old,
            Kind::Draft,
            &json!({"text": "my draft"}),
        )),
        outbox: Some(sealed_value(&old, Kind::Outbox, &json!({"in_flight": 1}))),
        history: Some(sealed_value(&old, Kind::History, &history)),
        history_kept: None,
        queue: Some(queue_json),
    };
    let plan = rekey::plan(stored, &old, &new, &mut Counter(1, 11)).expect("plan");
    assert!(plan.unopenable.is_empty(), "{:?}", plan.unopenable);
    let text = |r| {
        written(&plan, r)
            .and_then(Value::as_str)
            .expect("written")
            .to_owned()
    };
    let draft: Value = sealed::open_json(&new, Kind::Draft, &text(Record::Draft)).expect("draft");
    assert_eq!(draft["text"], "my draft");
    let outbox: Value =
        sealed::open_json(&new, Kind::Outbox, &text(Record::Outbox)).expect("outbox");
    assert_eq!(
        outbox["in_flight"], 1,
        "the in-flight marker moves with the outbox"
    );
    let sent: Value =
        sealed::open_json(&new, Kind::History, &text(Record::History)).expect("history");
    assert_eq!(sent[0]["text"], "sent");
    let moved = LoadedQueue::from_json(&text(Record::Queue), Some(&new)).expect("queue");
    assert_eq!(
        moved.queue, queue,
        "every one of the 2,000 texts opens with the new key"
    );
    assert!(
        LoadedQueue::from_json(&text(Record::Queue), Some(&old))
            .expect("queue")
            .queue
            .items()
            .iter()
            .all(|i| i.posts[0].text.is_empty()),
        "the old key opens none of them"
    );
    // Nothing opens with the old key any more.
    assert!(sealed::open(&old, Kind::Draft, &text(Record::Draft)).is_err());
}

#[test]
fn a_plan_made_again_after_it_was_stored_writes_nothing_but_the_queue_unchanged() {
    let (old, new) = (dek('C'), dek('D'));
    let (queue, queue_json) = queue_of(3, &old);
    let draft = sealed_value(&old, Kind::Draft, &"draft");
    let first = rekey::plan(
        Stored {
            draft: Some(draft),
            queue: Some(queue_json),
            ..Stored::default()
        },
        &old,
        &new,
        &mut Counter(2, 11),
    )
    .expect("plan");
    let again = rekey::plan(
        Stored {
            draft: written(&first, Record::Draft).cloned(),
            queue: written(&first, Record::Queue)
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Stored::default()
        },
        &old,
        &new,
        &mut Counter(4, 11),
    )
    .expect("plan");
    assert!(
        written(&again, Record::Draft).is_none(),
        "already under the new key"
    );
    assert!(again.unopenable.is_empty());
    let q = written(&again, Record::Queue)
        .and_then(Value::as_str)
        .expect("queue");
    assert_eq!(
        LoadedQueue::from_json(q, Some(&new)).expect("load").queue,
        queue
    );
}

/// A backup imported over a vault that had queued posts: those items are under a third key.
/// They are kept exactly as they were and named; every other post moves.
#[test]
fn items_under_a_third_key_are_kept_and_named_and_the_others_move() {
    let (foreign, old, new) = (dek('E'), dek('F'), dek('G'));
    let (_, foreign_json) = queue_of(5, &foreign);
    // Items 1-5 under the foreign key; 20 more added under the current one.
    let mut loaded = LoadedQueue::from_json(&foreign_json, Some(&old)).expect("load");
    for i in 0..20 {
        loaded
            .queue
            .add(
                NewItem {
                    account_id: "a1".to_owned(),
                    posts: vec![PlannedPost::text(format!("new {i}"))],
                    due_at_ms: 90_000_000 + i * 60_000,
                },
                1_000_000,
            )
            .expect("add");
    }
    let mixed = loaded
        .to_json(Some(&old), &mut Counter(5, 11))
        .expect("store");
    let plan = rekey::plan(
        Stored {
            queue: Some(mixed),
            history: Some(sealed_value(
                &foreign,
                Kind::History,
                &Vec::<SentPost>::new(),
            )),
            ..Stored::default()
        },
        &old,
        &new,
        &mut Counter(6, 11),
    )
    .expect("plan");
    assert_eq!(
        plan.unopenable.items,
        (0..5).map(ItemId).collect::<Vec<_>>()
    );
    assert_eq!(plan.unopenable.records, [Record::History]);
    assert!(
        written(&plan, Record::History).is_none(),
        "an unopenable record is not written"
    );
    let q = written(&plan, Record::Queue)
        .and_then(Value::as_str)
        .expect("queue");
    let with_new = LoadedQueue::from_json(q, Some(&new)).expect("load");
    let texts: Vec<&str> = with_new
        .queue
        .items()
        .iter()
        .map(|i| i.posts[0].text.as_str())
        .collect();
    assert_eq!(texts.iter().filter(|t| t.starts_with("new ")).count(), 20);
    // The foreign items still open with their own key (restoring that vault brings them back).
    let with_foreign = LoadedQueue::from_json(q, Some(&foreign)).expect("load");
    assert!(
        with_foreign
            .queue
            .items()
            .iter()
            .take(5)
            .all(|i| i.posts[0].text.starts_with("post "))
    );
}

#[test]
fn a_record_in_clear_is_sealed_and_a_corrupt_queue_is_kept_and_named() {
    let (old, new) = (dek('H'), dek('I'));
    assert!(matches!(
        rekey::move_record(Some(json!({"text": "clear draft"})), Kind::Draft, &old, &new, &mut Counter(7, 11)),
        Ok(Moved::Write(Value::String(s))) if sealed::open(&new, Kind::Draft, &s).is_ok()
    ));
    let plan = rekey::plan(
        Stored {
            queue: Some("{not a queue".to_owned()),
            ..Stored::default()
        },
        &old,
        &new,
        &mut Counter(8, 11),
    )
    .expect("plan");
    assert_eq!(plan.unopenable.records, [Record::Queue]);
    assert!(plan.writes.is_empty());
}

#[test]
fn set_aside_histories_follow_the_key_and_one_that_opens_comes_back() {
    let (a, b, new) = (dek('J'), dek('K'), dek('L'));
    let under_a =
        sealed::seal_json(&a, Kind::History, &vec!["a's"], &mut Counter(9, 11)).expect("seal");
    let under_b =
        sealed::seal_json(&b, Kind::History, &vec!["b's"], &mut Counter(10, 11)).expect("seal");
    let mut list = Vec::new();
    assert!(kept::set_aside(&mut list, under_a.clone()));
    assert!(!kept::set_aside(&mut list, under_a.clone()), "never twice");
    assert!(kept::set_aside(&mut list, under_b.clone()));
    // A re-key from a to new moves a's set-aside history and keeps b's as it was.
    let plan = rekey::plan(
        Stored {
            history_kept: Some(json!(list)),
            ..Stored::default()
        },
        &a,
        &new,
        &mut Counter(11, 11),
    )
    .expect("plan");
    let mut moved: Vec<String> = serde_json::from_value(
        written(&plan, Record::HistoryKept)
            .cloned()
            .expect("written"),
    )
    .expect("list");
    assert_eq!(moved[0], under_b);
    let back = kept::take_opening(&mut moved, &new).expect("a's history opens with the new key");
    let opened: Vec<String> = sealed::open_json(&new, Kind::History, &back).expect("open");
    assert_eq!(opened, ["a's"]);
    assert_eq!(moved, [under_b]);
    // Bounded, newest first.
    for i in 0..(kept::MAX_KEPT + 3) {
        kept::set_aside(&mut moved, format!("kps1.{i}"));
    }
    assert_eq!(moved.len(), kept::MAX_KEPT);
    assert_eq!(moved[0], format!("kps1.{}", kept::MAX_KEPT + 2));
}
