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
