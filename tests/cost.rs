//! The cost estimate shown in the composer, from the shipped price table.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::cost::{self, PostShape};

#[test]
fn the_shipped_price_table_parses() {
    let p = cost::prices().expect("src/data/pricing.json parses");
    assert!(p.post > 0.0 && p.post_with_url > p.post);
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
