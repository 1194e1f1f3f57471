//! At-rest sealing and the leak guard through the public API, natively and compiled to wasm
//! (where the worker runs them).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::compose::{MediaInput, PostInput};
use keypost::leak::{self, Place, Reason};
use keypost::schedule::{Draft, PlannedPost, Queue};
use keypost::sealed::{self, Kind, LoadedQueue, SealedError, StoredQueue};
use keypost::vault::{Dek, Entropy};

struct Counter(u8);

impl Entropy for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            self.0 = self.0.wrapping_add(7);
            *b = self.0;
        }
    }
}

fn dek(c: char) -> Dek {
    // 44 base64 characters (the last before `=` holds 2 unused zero bits) = 32 bytes.
    let text: String = std::iter::repeat_n(c, 42).chain("A=".chars()).collect();
    Dek::from_base64(&text).expect("a 32-byte key")
}

#[test]
fn records_seal_open_and_rotate() {
    let (old, new) = (dek('A'), dek('B'));
    let mut e = Counter(0);
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
            Draft {
                account_id: "a1".to_owned(),
                posts: vec![PlannedPost::text("secret plans")],
                due_at_ms: 5_000_000,
            },
            1_000_000,
        )
        .expect("add");
    let loaded = LoadedQueue::from_json(&queue.to_json().expect("json"), Some(&old)).expect("load");
    let stored = loaded.to_json(Some(&old), &mut Counter(1)).expect("store");
    assert!(!stored.contains("secret plans") && stored.contains("5000000"));
    let rotated = StoredQueue::reseal(&stored, &old, &new, &mut Counter(2)).expect("reseal");
    assert_eq!(
        LoadedQueue::from_json(&rotated, Some(&new))
            .expect("load")
            .queue,
        queue
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
