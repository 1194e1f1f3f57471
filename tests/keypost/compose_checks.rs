//! X's 2026 post rules checked before any request (fidelity D7, D10): one animated GIF alone,
//! up to 15 MB; at most one $CASHTAG per post.

use keypost::compose::{
    self, ComposeError, ImageError, MediaInput, PostInput, cashtag_count, check_image, validate,
    validate_media,
};

fn post(text: &str) -> PostInput {
    PostInput {
        text: text.to_owned(),
        media: Vec::new(),
    }
}

#[test]
fn cashtags_are_found_as_twitter_text_finds_them() {
    for (text, n) in [
        ("$TSLA to the moon", 1),
        ("$TSLA and $AAPL", 2),
        ("$tsla, $aapl.", 2),
        ("($TSLA) $BRK.A", 1), // "($" is not after white space
        ("$BRK.A and $BRK_B", 2),
        ("$TSLA $TSLA", 2), // repeats count (the sandbox's reading)
        ("costs $5 or $10.50", 0),
        ("$TOOLONGX $A1", 0),
        ("a$TSLA US$ $", 0),
        ("$AB.CDE", 1),
        ("", 0),
        ("全角 $TSLA。", 0), // followed by a non-ASCII letter-like mark: not a cashtag end
    ] {
        assert_eq!(cashtag_count(text), n, "{text}");
    }
}

#[test]
fn two_cashtags_are_refused_with_their_own_code_and_step() {
    assert_eq!(validate(&[post("$TSLA only")], false), Ok(()));
    let thread = [post("first $TSLA"), post("then $TSLA and $AAPL")];
    let err = validate(&thread, false).unwrap_err();
    assert_eq!(err, ComposeError::TooManyCashtags { step: 1, count: 2 });
    assert_eq!(err.code(), "post_too_many_cashtags");
    assert_eq!(err.step(), Some(1));
    // Premium accounts too: the rule is the tier's, not the length's.
    assert!(validate(&thread, true).is_err());
}

#[test]
fn an_animated_gif_goes_alone() {
    let gif = ("image/gif", 1000u64);
    let png = ("image/png", 1000u64);
    assert_eq!(validate_media(&[vec![gif]]), Ok(()));
    assert_eq!(validate_media(&[vec![png, png, png, png]]), Ok(()));
    assert_eq!(
        validate_media(&[vec![png], vec![gif, png]]),
        Err(ComposeError::GifNotAlone { step: 1 })
    );
    let two = validate_media(&[vec![gif, gif]]).unwrap_err();
    assert_eq!(two.code(), "media_gif_not_alone");
    assert_eq!(
        compose::check_media_types(0, &["image/png", "image/gif"]),
        Err(ComposeError::GifNotAlone { step: 0 })
    );
}

#[test]
fn a_gif_may_be_15_mb_a_still_image_stays_at_5() {
    let mb = 1024 * 1024;
    assert_eq!(check_image("image/gif", 15 * mb), Ok(()));
    assert_eq!(
        check_image("image/gif", 15 * mb + 1),
        Err(ImageError::TooLarge)
    );
    assert_eq!(check_image("image/png", 5 * mb), Ok(()));
    for still in ["image/png", "image/jpeg", "image/webp"] {
        assert_eq!(
            check_image(still, 5 * mb + 1),
            Err(ImageError::TooLarge),
            "{still}"
        );
    }
    assert_eq!(compose::LIMITS.max_gif_bytes, 15 * mb);
    assert_eq!(compose::LIMITS.max_cashtags, 1);
}

#[test]
fn media_inputs_still_deserialize_without_a_type() {
    let m: MediaInput = serde_json::from_str(r#"{"media_id":"a"}"#).unwrap();
    assert_eq!(m.alt, "");
}
