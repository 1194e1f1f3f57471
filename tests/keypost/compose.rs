//! Checks before posting, and the history cap.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::compose::{self, ComposeError, MediaInput, PostInput, SentPost};

fn post(text: &str) -> PostInput {
    PostInput {
        text: text.into(),
        media: Vec::new(),
    }
}

#[test]
fn over_long_posts_are_refused_with_their_step() {
    let long = "a".repeat(281);
    let err = compose::validate(&[post("fine"), post(&long)], false).unwrap_err();
    assert_eq!(err.code(), "post_too_long");
    assert_eq!(err.step(), Some(1));
    assert!(compose::validate(&[post(&long)], true).is_ok());
    assert!(compose::validate(&[post(&"a".repeat(280))], false).is_ok());
    // CJK weighs two: 141 of them are 282.
    assert!(compose::validate(&[post(&"漢".repeat(141))], false).is_err());
}

#[test]
fn empty_posts_and_media_limits() {
    assert_eq!(compose::validate(&[], false), Err(ComposeError::NoPosts));
    assert_eq!(
        compose::validate(&[post("  \n")], false),
        Err(ComposeError::Empty { step: 0 })
    );
    let img = |alt: &str| MediaInput {
        media_id: "m".into(),
        alt: alt.into(),
    };
    let media_only = PostInput {
        text: String::new(),
        media: vec![img("")],
    };
    assert!(compose::validate(&[media_only], false).is_ok());
    let five = PostInput {
        text: "x".into(),
        media: (0..5).map(|_| img("")).collect(),
    };
    assert_eq!(
        compose::validate(&[five], false).unwrap_err().code(),
        "media_too_many"
    );
    let alt = PostInput {
        text: "x".into(),
        media: vec![img(&"é".repeat(1001))],
    };
    assert_eq!(
        compose::validate(&[alt], false).unwrap_err().code(),
        "media_alt_too_long"
    );
    assert!(compose::check_image("image/png", 5 * 1024 * 1024).is_ok());
    assert_eq!(
        compose::check_image("image/png", 5 * 1024 * 1024 + 1)
            .unwrap_err()
            .code(),
        "media_too_large"
    );
    assert_eq!(
        compose::check_image("image/svg+xml", 10)
            .unwrap_err()
            .code(),
        "media_type"
    );
    assert_eq!(
        compose::check_image("image/jpeg", 0).unwrap_err().code(),
        "media_empty"
    );
}

#[test]
fn images_are_recognised_by_their_first_bytes() {
    let mut webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec();
    webp.extend_from_slice(&[0; 8]);
    let cases: [(&[u8], Option<&str>); 10] = [
        (b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", Some("image/jpeg")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Some("image/png")),
        (b"GIF89a\x01\x00\x01\x00", Some("image/gif")),
        (b"GIF87a\x01\x00\x01\x00", Some("image/gif")),
        (&webp, Some("image/webp")),
        // A RIFF that is not WEBP (a WAV), and a truncated head.
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"RIFF\x24\x00", None),
        (b"<svg xmlns=", None),
        (b"\x89PNG", None),
        (b"", None),
    ];
    for (head, expected) in cases {
        let sniffed = compose::sniff_image(head);
        assert_eq!(sniffed, expected, "{head:?}");
        // What is recognised is exactly what check_image accepts.
        if let Some(t) = sniffed {
            assert!(compose::IMAGE_TYPES.contains(&t));
            assert_eq!(compose::check_image(t, 1), Ok(()));
        }
    }
    // SNIFF_BYTES are enough for every type.
    assert_eq!(
        compose::sniff_image(&webp[..compose::SNIFF_BYTES]),
        Some("image/webp")
    );
}

#[test]
fn the_limits_are_one_set_for_the_pages_the_composer_and_the_schedule() {
    let limits = serde_json::to_value(compose::LIMITS).unwrap();
    assert_eq!(
        limits,
        serde_json::json!({
            "image_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
            "max_image_bytes": 5 * 1024 * 1024,
            "max_gif_bytes": 15 * 1024 * 1024,
            "max_cashtags": 1,
            "max_images": 4,
            "max_alt_chars": 1000,
            "max_draft_posts": 50,
            "max_draft_text_chars": 30_000,
            "text_limit": 280,
            "premium_text_limit": 25_000,
        })
    );
    // The schedule refuses exactly one image more than the limit.
    use keypost::schedule::{MediaRef, NewItem, PlannedPost, Queue};
    let post = |images: usize| PlannedPost {
        text: "hi".to_owned(),
        media: (0..images)
            .map(|i| MediaRef {
                local_id: i.to_string(),
                alt_text: String::new(),
            })
            .collect(),
    };
    let draft = |images| NewItem {
        account_id: "a".to_owned(),
        posts: vec![post(images)],
        due_at_ms: 1_000,
    };
    let mut q = Queue::new();
    assert!(q.add(draft(compose::MAX_IMAGES), 1_000).is_ok());
    assert_eq!(
        q.add(draft(compose::MAX_IMAGES + 1), 1_000)
            .unwrap_err()
            .code(),
        "schedule_too_many_media"
    );
}

#[test]
fn the_composer_and_the_schedule_record_a_sent_post_once() {
    let post = SentPost::new("a", "keypost_demo", "1850000000000000001", "hi", 7);
    assert_eq!(
        post.url,
        "https://x.com/keypost_demo/status/1850000000000000001"
    );
    assert_eq!(
        (post.account_id.as_str(), post.text.as_str(), post.at_ms),
        ("a", "hi", 7)
    );
    let mut h = Vec::new();
    compose::remember(&mut h, post.clone());
    compose::remember(&mut h, SentPost::new("b", "other", "2", "", 8));
    // The same post again (recorded twice by mistake) stays one line, where it was.
    compose::remember(&mut h, SentPost { at_ms: 9, ..post });
    let ids: Vec<(&str, u64)> = h.iter().map(|p| (p.id.as_str(), p.at_ms)).collect();
    assert_eq!(ids, [("2", 8), ("1850000000000000001", 7)]);
    // The same id from another account is another post.
    compose::remember(
        &mut h,
        SentPost::new("b", "other", "1850000000000000001", "", 10),
    );
    assert_eq!(h.len(), 3);
}

#[test]
fn history_keeps_the_last_hundred_per_account() {
    let mut h = Vec::new();
    for i in 0..150 {
        for acct in ["a", "b"] {
            compose::remember(
                &mut h,
                SentPost {
                    account_id: acct.into(),
                    username: acct.into(),
                    id: i.to_string(),
                    url: String::new(),
                    text: String::new(),
                    at_ms: i,
                },
            );
        }
    }
    assert_eq!(h.len(), 200);
    assert_eq!(h.iter().filter(|p| p.account_id == "a").count(), 100);
    assert_eq!(h[0].id, "149");
    assert_eq!(
        h.iter()
            .rfind(|p| p.account_id == "b")
            .map(|p| p.id.as_str()),
        Some("50")
    );
}
