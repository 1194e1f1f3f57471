//! The cost estimate shown in the composer, from the shipped price table.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::cost::{self, PostShape};

#[test]
fn the_shipped_price_table_parses() {
    let p = cost::prices().expect("src/data/pricing.json parses");
    let (post, url) = (
        p.post.usd.unwrap_or(0.0),
        p.post_with_url.usd.unwrap_or(0.0),
    );
    assert!(post > 0.0 && url > post);
}

#[test]
fn a_link_costs_about_thirteen_text_posts() {
    let p = cost::prices().expect("prices");
    let text = cost::estimate(&p, &[PostShape::default()]);
    let link = cost::estimate(
        &p,
        &[PostShape {
            has_url: true,
            ..Default::default()
        }],
    );
    assert_eq!(text.micro_usd, 15_000);
    assert_eq!(link.micro_usd, 200_000);
    assert!(link.has_url && !text.has_url);
    assert_eq!(link.micro_usd / text.micro_usd, 13);
}

#[test]
fn threads_and_alt_text_add_up() {
    let p = cost::prices().expect("prices");
    let thread = [
        PostShape {
            has_url: false,
            media: 2,
            alt_texts: 2,
        },
        PostShape::default(),
        PostShape {
            has_url: true,
            media: 0,
            alt_texts: 0,
        },
    ];
    assert_eq!(
        cost::estimate(&p, &thread).micro_usd,
        15_000 + 2 * 5_000 + 15_000 + 200_000
    );
}

#[test]
fn every_row_carries_its_dates_and_the_url_surcharge_starts_on_2026_04_20() {
    let p = cost::prices().expect("prices");
    assert_eq!(p.post_with_url.since.as_deref(), Some("2026-04-20"));
    assert_eq!(p.summoned_reply.usd, Some(0.01));
    for row in [
        &p.post,
        &p.post_with_url,
        &p.summoned_reply,
        &p.media_metadata,
        &p.media_upload,
        &p.user_read,
    ] {
        assert_eq!(row.checked.len(), 10, "{row:?}");
        assert!(row.checked.as_str() >= "2026-08-22", "{row:?}");
        if let Some(since) = &row.since {
            assert!(since.as_str() <= row.checked.as_str(), "{row:?}");
        }
    }
    // The estimate says when the prices it used were read.
    let e = cost::estimate(&p, &[PostShape::default()]);
    assert_eq!(e.as_of, "2026-08-22");
}

#[test]
fn media_upload_is_not_published_by_x_so_it_is_flagged_not_zeroed() {
    let p = cost::prices().expect("prices");
    assert_eq!(p.media_upload.usd, None);
    let with_image = cost::estimate(
        &p,
        &[PostShape {
            has_url: false,
            media: 1,
            alt_texts: 0,
        }],
    );
    assert!(with_image.media_upload_unpublished);
    assert_eq!(
        with_image.micro_usd, 15_000,
        "only published prices are added"
    );
    assert!(!cost::estimate(&p, &[PostShape::default()]).media_upload_unpublished);
}

#[test]
fn the_verification_call_has_its_price() {
    let p = cost::prices().expect("prices");
    assert_eq!(p.user_read.usd, Some(0.01));
    assert!(p.user_read.what.contains("/2/users/me"));
}
