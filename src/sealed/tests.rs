//! The sealing's own tests (blob format and queue sealing).

use super::*;
use crate::schedule::{MediaRef, NewItem, PlannedPost, Queue};

/// Deterministic, distinct bytes per call (tests only).
struct Counter(u8);

impl Entropy for Counter {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), crate::vault::NoEntropy> {
        for b in buf.iter_mut() {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}

fn dek(byte: u8) -> Dek {
    Dek::from_base64(&B64.encode([byte; 32])).expect("32 bytes")
}

/// `queue` as stored with `k`, nonces from `Counter(seed)`.
fn stored(queue: &Queue, k: &Dek, seed: u8) -> String {
    LoadedQueue {
        queue: queue.clone(),
        ..LoadedQueue::default()
    }
    .to_json(Some(k), &mut Counter(seed))
    .expect("store")
}

#[test]
fn seal_and_open_round_trip_with_fresh_nonces() {
    let k = dek(1);
    let mut e = Counter(0);
    let a = seal(&k, Kind::Draft, b"hello marker", &mut e).expect("seal");
    let b = seal(&k, Kind::Draft, b"hello marker", &mut e).expect("seal");
    assert!(a.starts_with(PREFIX));
    assert_ne!(a, b, "a fresh nonce per write");
    assert!(!a.contains("hello"));
    assert_eq!(
        &open(&k, Kind::Draft, &a).expect("open")[..],
        b"hello marker"
    );
}

#[test]
fn another_kind_another_item_or_another_key_does_not_open() {
    let k = dek(1);
    let mut e = Counter(0);
    let draft = seal(&k, Kind::Draft, b"x", &mut e).expect("seal");
    assert_eq!(open(&k, Kind::Outbox, &draft), Err(SealedError::Unopenable));
    assert_eq!(
        open(&k, Kind::History, &draft),
        Err(SealedError::Unopenable)
    );
    assert_eq!(
        open(&dek(2), Kind::Draft, &draft),
        Err(SealedError::Unopenable)
    );
    let item3 = seal(&k, Kind::QueueItem(ItemId(3)), b"x", &mut e).expect("seal");
    assert_eq!(
        open(&k, Kind::QueueItem(ItemId(7)), &item3),
        Err(SealedError::Unopenable)
    );
    assert!(open(&k, Kind::QueueItem(ItemId(3)), &item3).is_ok());
}

#[test]
fn altered_or_malformed_blobs_are_refused() {
    let k = dek(1);
    let sealed = seal(&k, Kind::History, b"abc", &mut Counter(0)).expect("seal");
    let mut raw = B64.decode(&sealed[PREFIX.len()..]).expect("b64");
    if let Some(last) = raw.last_mut() {
        *last ^= 1;
    }
    let altered = format!("{PREFIX}{}", B64.encode(raw));
    assert_eq!(
        open(&k, Kind::History, &altered),
        Err(SealedError::Unopenable)
    );
    assert_eq!(open(&k, Kind::History, "abc"), Err(SealedError::Malformed));
    assert_eq!(
        open(&k, Kind::History, "kps1.!!"),
        Err(SealedError::Malformed)
    );
    assert_eq!(
        open(&k, Kind::History, "kps1.AAAA"),
        Err(SealedError::Malformed)
    );
}

#[test]
fn reseal_moves_a_blob_to_the_new_key() {
    let (old, new) = (dek(1), dek(2));
    let mut e = Counter(0);
    let blob = seal(&old, Kind::Outbox, b"thread", &mut e).expect("seal");
    let moved = reseal(&old, &new, Kind::Outbox, &blob, &mut e).expect("reseal");
    assert_eq!(
        &open(&new, Kind::Outbox, &moved).expect("open")[..],
        b"thread"
    );
    assert_eq!(
        open(&old, Kind::Outbox, &moved),
        Err(SealedError::Unopenable)
    );
    assert_eq!(
        reseal(&new, &old, Kind::Outbox, &blob, &mut e),
        Err(SealedError::Unopenable)
    );
}

#[test]
fn stored_records_read_sealed_or_clear() {
    let k = dek(1);
    let v = vec!["a".to_owned()];
    let sealed = seal_json(&k, Kind::History, &v, &mut Counter(0)).expect("seal");
    let s = Stored::<Vec<String>>::from_value(Value::String(sealed)).expect("sealed");
    assert!(matches!(s, Stored::Sealed(_)));
    assert_eq!(s.open(&k, Kind::History).expect("open"), v);
    let c = Stored::<Vec<String>>::from_value(serde_json::json!(["a"])).expect("clear");
    assert_eq!(c, Stored::Clear(v.clone()));
    assert!(Stored::<Vec<String>>::from_value(serde_json::json!("plain")).is_err());
}

fn queue_with(text: &str, alt: &str) -> Queue {
    let mut q = Queue::new();
    q.add(
        NewItem {
            account_id: "acct".to_owned(),
            posts: vec![
                PlannedPost {
                    text: text.to_owned(),
                    media: vec![MediaRef {
                        local_id: "media-1".to_owned(),
                        alt_text: alt.to_owned(),
                    }],
                },
                PlannedPost::text("second step"),
            ],
            due_at_ms: 2_000_000,
        },
        1_000_000,
    )
    .expect("add");
    q
}

#[test]
fn a_stored_queue_holds_no_contents_in_clear_and_reopens() {
    let k = dek(1);
    let loaded = LoadedQueue {
        queue: queue_with("QUEUE-MARKER text", "ALT-MARKER"),
        ..LoadedQueue::default()
    };
    let json = loaded.to_json(Some(&k), &mut Counter(0)).expect("store");
    assert!(!json.contains("QUEUE-MARKER") && !json.contains("ALT-MARKER"));
    assert!(!json.contains("second step"));
    assert!(json.contains("media-1") && json.contains("acct") && json.contains("2000000"));

    let opened = LoadedQueue::from_json(&json, Some(&k)).expect("load");
    assert_eq!(opened.queue, loaded.queue);
    assert!(
        opened
            .queue
            .items()
            .iter()
            .all(|i| opened.has_contents(i.id))
    );

    // Locked: the scheduler still sees the item, its time and its two steps, blank.
    let locked = LoadedQueue::from_json(&json, None).expect("load");
    let item = locked.queue.items().first().expect("item");
    assert_eq!(item.posts.len(), 2);
    assert_eq!(item.due_at_ms, 2_000_000);
    assert!(item.posts.iter().all(|p| p.text.is_empty()));
    assert!(!locked.has_contents(item.id));
    // Stored again while locked, the sealed contents are kept as they were.
    let again = locked.to_json(None, &mut Counter(50)).expect("store");
    assert_eq!(
        LoadedQueue::from_json(&again, Some(&k))
            .expect("load")
            .queue,
        loaded.queue
    );
    // Another key does not open it, and does not lose it either.
    let wrong = LoadedQueue::from_json(&json, Some(&dek(9))).expect("load");
    let kept = wrong
        .to_json(Some(&dek(9)), &mut Counter(80))
        .expect("store");
    assert_eq!(
        LoadedQueue::from_json(&kept, Some(&k)).expect("load").queue,
        loaded.queue
    );
}

#[test]
fn a_clear_queue_migrates_at_the_next_write_with_the_key() {
    let k = dek(1);
    let clear = queue_with("OLD-CLEAR", "").to_json().expect("json");
    let locked = LoadedQueue::from_json(&clear, None).expect("load");
    assert_eq!(locked.queue.items().len(), 1);
    // No key: it cannot be sealed yet, and stays readable.
    let still = locked.to_json(None, &mut Counter(0)).expect("store");
    assert!(still.contains("OLD-CLEAR"));
    let sealed = LoadedQueue::from_json(&still, Some(&k))
        .expect("load")
        .to_json(Some(&k), &mut Counter(0))
        .expect("store");
    assert!(!sealed.contains("OLD-CLEAR"));
}

#[test]
fn swapped_item_contents_do_not_open() {
    let k = dek(1);
    let mut q = queue_with("first", "");
    q.add(
        NewItem {
            account_id: "acct".to_owned(),
            posts: vec![PlannedPost::text("other"), PlannedPost::text("x")],
            due_at_ms: 3_000_000,
        },
        1_000_000,
    )
    .expect("add");
    let json = stored(&q, &k, 0);
    let mut stored: StoredQueue = serde_json::from_str(&json).expect("stored");
    let ids: Vec<String> = stored.contents.keys().cloned().collect();
    let (a, b) = (ids[0].clone(), ids[1].clone());
    let blob_a = stored.contents[&a].clone();
    let blob_b = stored.contents[&b].clone();
    stored.contents.insert(a, blob_b);
    stored.contents.insert(b, blob_a);
    let swapped = serde_json::to_string(&stored).expect("json");
    let loaded = LoadedQueue::from_json(&swapped, Some(&k)).expect("load");
    assert!(
        loaded
            .queue
            .items()
            .iter()
            .all(|i| !loaded.has_contents(i.id))
    );
}

#[test]
fn a_write_seals_only_what_changed_and_everything_under_another_key() {
    let k = dek(1);
    let mut q = queue_with("first", "alt one");
    q.add(
        NewItem {
            account_id: "acct".to_owned(),
            posts: vec![PlannedPost::text("second")],
            due_at_ms: 4_000_000,
        },
        1_000_000,
    )
    .expect("add");
    let json = stored(&q, &k, 0);
    let blobs = |json: &str| {
        serde_json::from_str::<StoredQueue>(json)
            .expect("stored")
            .contents
    };
    let before = blobs(&json);
    // Stored again unchanged: the same sealed contents, byte for byte.
    let loaded = LoadedQueue::from_json(&json, Some(&k)).expect("load");
    assert_eq!(
        blobs(&loaded.to_json(Some(&k), &mut Counter(50)).expect("store")),
        before
    );
    // One item edited: only its contents are sealed again, and they open to the edit.
    let mut edited = LoadedQueue::from_json(&json, Some(&k)).expect("load");
    let first = edited.queue.items()[0].id;
    let second = edited.queue.items()[1].id;
    edited
        .queue
        .edit(second, vec![PlannedPost::text("second, edited")])
        .expect("edit");
    let after_edit = edited.to_json(Some(&k), &mut Counter(90)).expect("store");
    let after = blobs(&after_edit);
    assert_eq!(after[&first.0.to_string()], before[&first.0.to_string()]);
    assert_ne!(after[&second.0.to_string()], before[&second.0.to_string()]);
    let reread = LoadedQueue::from_json(&after_edit, Some(&k)).expect("load");
    assert_eq!(
        reread.queue.get(second).expect("item").posts[0].text,
        "second, edited"
    );
    assert_eq!(
        reread.queue.get(first).expect("item").posts[0].text,
        "first"
    );
    // Under another key, nothing is reused: every item opens with the new key only.
    let other = dek(2);
    let moved = LoadedQueue::from_json(&json, Some(&k))
        .expect("load")
        .to_json(Some(&other), &mut Counter(130))
        .expect("store");
    let with_other = LoadedQueue::from_json(&moved, Some(&other)).expect("load");
    assert!(
        with_other
            .queue
            .items()
            .iter()
            .all(|i| with_other.has_contents(i.id))
    );
    assert!(
        LoadedQueue::from_json(&moved, Some(&k))
            .expect("load")
            .queue
            .items()
            .iter()
            .all(|i| i.posts.iter().all(|p| p.text.is_empty()))
    );
}

#[test]
fn a_stored_queue_reseals_to_a_new_key() {
    let (old, new) = (dek(1), dek(2));
    let original = queue_with("rotate me", "alt");
    let json = stored(&original, &old, 0);
    let moved = StoredQueue::reseal(&json, &old, &new, &mut Counter(9))
        .expect("reseal")
        .json;
    assert_eq!(
        LoadedQueue::from_json(&moved, Some(&new))
            .expect("load")
            .queue,
        original
    );
    let stale = LoadedQueue::from_json(&moved, Some(&old)).expect("load");
    assert!(
        stale
            .queue
            .items()
            .iter()
            .all(|i| !stale.has_contents(i.id))
    );
    // Twice is harmless; keys that open nothing change nothing.
    let twice = StoredQueue::reseal(&moved, &old, &new, &mut Counter(30))
        .expect("again")
        .json;
    assert_eq!(
        LoadedQueue::from_json(&twice, Some(&new))
            .expect("load")
            .queue,
        original
    );
    // Keys that open nothing leave every item as it was, and say which.
    let foreign = StoredQueue::reseal(&json, &dek(7), &dek(8), &mut Counter(0)).expect("kept");
    assert_eq!(foreign.unopenable.len(), original.items().len());
    assert_eq!(
        LoadedQueue::from_json(&foreign.json, Some(&old))
            .expect("load")
            .queue,
        original
    );
}

#[test]
fn series_texts_are_sealed_blank_while_locked_and_kept() {
    use crate::civil::FixedOffset;
    use crate::recur::{End, Repeat, Rule, Variation};
    use crate::schedule::SeriesSpec;
    let k = dek(1);
    let mut q = Queue::new();
    let spec = SeriesSpec {
        account_id: "acct".to_owned(),
        rule: Rule {
            repeat: Repeat::Daily,
            start: (2026, 12, 1),
            hour: 9,
            minute: 0,
            end: End::After(5),
        },
        text: "SERIES-MARKER".to_owned(),
        variation: Variation::Rotate(vec!["ROT-A".to_owned(), "ROT-B".to_owned()]),
        late_policy: None,
    };
    let now = 1_796_083_200_000; // 2026-12-01T00:00Z
    let (sid, _) = q.add_series(spec, &FixedOffset(0), now).expect("series");
    let loaded = LoadedQueue {
        queue: q,
        ..LoadedQueue::default()
    };
    let json = loaded.to_json(Some(&k), &mut Counter(0)).expect("store");
    for marker in ["SERIES-MARKER", "ROT-A", "ROT-B"] {
        assert!(!json.contains(marker), "{marker} in clear");
    }
    let opened = LoadedQueue::from_json(&json, Some(&k)).expect("load");
    assert_eq!(opened.queue, loaded.queue);
    let mut locked = LoadedQueue::from_json(&json, None).expect("load");
    let blank = locked.queue.get_series(sid).expect("series");
    assert!(!blank.has_texts());
    // Locked, a blank series queues nothing, and is stored back as it was.
    assert!(locked.queue.stop_series(sid, now).is_ok());
    locked.queue.advance_series(&FixedOffset(0), now);
    let again = locked.to_json(None, &mut Counter(9)).expect("store");
    let reopened = LoadedQueue::from_json(&again, Some(&k)).expect("load");
    let series = reopened.queue.get_series(sid).expect("series");
    assert_eq!(series.spec.text, "SERIES-MARKER");
    // Key rotation carries the series too.
    let moved = StoredQueue::reseal(&json, &k, &dek(2), &mut Counter(20)).expect("reseal");
    assert!(moved.unopenable_series.is_empty());
    let under_new = LoadedQueue::from_json(&moved.json, Some(&dek(2))).expect("load");
    assert_eq!(under_new.queue, loaded.queue);
    // A series that opens with neither key is kept as it was, and named.
    let foreign = StoredQueue::reseal(&json, &dek(5), &dek(6), &mut Counter(21)).expect("kept");
    assert_eq!(foreign.unopenable_series, vec![sid]);
    let still = LoadedQueue::from_json(&foreign.json, Some(&k)).expect("load");
    assert_eq!(
        still.queue.get_series(sid).expect("series").spec.text,
        "SERIES-MARKER"
    );
}
