//! At-rest sealing and the leak guard through the public API, natively and compiled to wasm
//! (where the worker runs them).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::support::keys::{Counter, dek};

use keypost::compose::{MediaInput, PostInput};
use keypost::leak::{self, Place, Reason};
use keypost::schedule::{NewItem, PlannedPost, Queue};
use keypost::sealed::{self, Kind, LoadedQueue, SealedError, StoredQueue};

#[test]
fn records_seal_open_and_rotate() {
    let (old, new) = (dek('A'), dek('B'));
    let mut e = Counter(0, 7);
    let draft = sealed::seal_json(&old, Kind::Draft, &vec!["my draft"], &mut e).expect("seal");
    assert!(draft.starts_with(sealed::PREFIX) && !draft.contains("my draft"));
    let back: Vec<String> = sealed::open_json(&old, Kind::Draft, &draft).expect("open");
    assert_eq!(back, ["my draft"]);
    assert_eq!(
        sealed::open(&old, Kind::History, &draft).err(),
        Some(SealedError::Unopenable)
    );
    let moved = sealed::reseal(&old, &new, Kind::Draft, &draft, &mut e).expect("reseal");
    assert!(sealed::open(&new, Kind::Draft, &moved).is_ok());
    assert!(sealed::open(&old, Kind::Draft, &moved).is_err());
}

#[test]
fn the_queue_keeps_its_schedule_in_clear_and_its_texts_sealed() {
    let (old, new) = (dek('C'), dek('D'));
    let mut queue = Queue::new();
    queue
        .add(
            NewItem {
                account_id: "a1".to_owned(),
                posts: vec![PlannedPost::text("secret plans")],
                due_at_ms: 5_000_000,
            },
            1_000_000,
        )
        .expect("add");
    let loaded = LoadedQueue::from_json(&queue.to_json().expect("json"), Some(&old)).expect("load");
    let stored = loaded
        .to_json(Some(&old), &mut Counter(1, 7))
        .expect("store");
    assert!(!stored.contains("secret plans") && stored.contains("5000000"));
    let rotated = StoredQueue::reseal(&stored, &old, &new, &mut Counter(2, 7))
        .expect("reseal")
        .json;
    assert_eq!(
        LoadedQueue::from_json(&rotated, Some(&new))
            .expect("load")
            .queue,
        queue
    );
}

/// A queue holding an item under a third key (a backup imported over a vault that had queued
/// posts) keeps every other post through a change of key; the foreign item stays as it was.
#[test]
fn a_foreign_item_does_not_stop_the_others_moving_to_the_new_key() {
    let (foreign, old, new) = (dek('E'), dek('F'), dek('G'));
    let draft = |text: &str, due| NewItem {
        account_id: "a1".to_owned(),
        posts: vec![PlannedPost::text(text)],
        due_at_ms: due,
    };
    let mut before = Queue::new();
    before
        .add(draft("from the replaced vault", 5_000_000), 1_000_000)
        .expect("add");
    let stored = LoadedQueue::from_json(&before.to_json().expect("json"), Some(&foreign))
        .expect("load")
        .to_json(Some(&foreign), &mut Counter(3, 7))
        .expect("store");
    // The vault is replaced: the old item no longer opens, and 20 posts are scheduled after it.
    let mut loaded = LoadedQueue::from_json(&stored, Some(&old)).expect("load");
    let foreign_id = loaded.queue.items()[0].id;
    assert!(!loaded.has_contents(foreign_id));
    for i in 0..20 {
        loaded
            .queue
            .add(draft(&format!("post {i}"), 6_000_000 + i), 1_000_000)
            .expect("add");
    }
    let mixed = loaded
        .to_json(Some(&old), &mut Counter(4, 7))
        .expect("store");

    let moved = StoredQueue::reseal(&mixed, &old, &new, &mut Counter(5, 7)).expect("reseal");
    assert_eq!(moved.unopenable, vec![foreign_id]);
    let after = LoadedQueue::from_json(&moved.json, Some(&new)).expect("load");
    let texts: Vec<&str> = after
        .queue
        .items()
        .iter()
        .filter(|i| after.has_contents(i.id))
        .map(|i| i.posts[0].text.as_str())
        .collect();
    assert_eq!(
        texts.len(),
        20,
        "every post of this vault opens with the new key"
    );
    assert!(
        texts
            .iter()
            .enumerate()
            .all(|(i, t)| *t == format!("post {i}"))
    );
    // The foreign item is exactly as it was: its own key still opens it.
    let kept = LoadedQueue::from_json(&moved.json, Some(&foreign)).expect("load");
    assert!(kept.has_contents(foreign_id));
    assert_eq!(
        kept.queue.items()[0].posts[0].text,
        "from the replaced vault"
    );
}

#[test]
fn the_leak_guard_refuses_keys_and_their_shapes() {
    let secret = "a7Kd93LmQp2Zx8Vn4Bc6Rt1Yw5Hs0Ju3Ge9Fi7Ok2Pl8Mn4Bq6";
    let posts = vec![PostInput {
        text: "hello".to_owned(),
        media: vec![MediaInput {
            media_id: "m".to_owned(),
            alt: format!("see {}", &secret[10..30]),
        }],
    }];
    let refused = leak::check_posts(&posts, &[secret]).expect_err("refused");
    assert_eq!(
        (refused.step, refused.place, refused.reason),
        (0, Place::Alt, Reason::StoredKey)
    );
    assert_eq!(refused.code(), "post_contains_secret");
    assert_eq!(
        leak::check_text(
            "1587421930458210304-Zk4Rm8Tq2Wv6Ys0Xa3Nb7Pc5Ld9Fe1HgJ2",
            &[]
        ),
        Some(Reason::AccessTokenShape)
    );
    assert_eq!(
        leak::check_text("a normal post, 2024-05-01", &[secret]),
        None
    );
}
