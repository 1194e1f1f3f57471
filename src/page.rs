//! The pure functions the extension's pages call directly (counting, splitting, cost, limits,
//! passphrase strength, image sniffing): synchronous, holding no keys.
//!
//! They are compiled into both WebAssembly builds: the worker's core (the default `worker`
//! feature, everything under [`crate::worker`]) and the pages' small core, built with
//! `--no-default-features` (scripts/build.sh: `pkg/keypost_page*`), which holds only these and
//! what they use, so a page loads no vault, scheduler or network code just to count.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// X's weighted length of a text for an account (premium: 25,000 instead of 280), for the
/// composer's live counter.
#[wasm_bindgen]
pub fn count_text(text: &str, premium: bool) -> JsValue {
    to_js(&crate::text::count(
        text,
        crate::compose::limit_for(premium),
    ))
}

/// [`count_text`] as six numbers, which cross into JavaScript without building an object
/// field by field: `[weighted_length, limit, remaining, valid (1 or 0), over_limit_from_utf16
/// (-1 for none), has_url (1 or 0)]`. extension/lib/core.js turns them into the same object.
#[wasm_bindgen]
pub fn count_text_numbers(text: &str, premium: bool) -> Vec<f64> {
    let c = crate::text::count(text, crate::compose::limit_for(premium));
    vec![
        f64::from(c.weighted_length),
        f64::from(c.limit),
        c.remaining as f64,
        f64::from(u8::from(c.valid)),
        c.over_limit_from_utf16.map_or(-1.0, f64::from),
        f64::from(u8::from(c.has_url)),
    ]
}

/// Splits a long text into numbered posts that each fit the account's limit.
#[wasm_bindgen]
pub fn split_thread(text: &str, premium: bool) -> Vec<String> {
    crate::text::split_thread(text, crate::compose::limit_for(premium))
}

/// The post limits the pages check before asking the core: `{image_types, max_image_bytes,
/// max_images, max_alt_chars, max_draft_posts, max_draft_text_chars, text_limit,
/// premium_text_limit}` (the core's one set, `compose::LIMITS`).
#[wasm_bindgen]
pub fn limits() -> JsValue {
    to_js(&crate::compose::LIMITS)
}

/// How strong a candidate passphrase looks, and whether the core's floor accepts it:
/// `{score: 0..4, hint, acceptable, refusal: null | "empty_passphrase" | "passphrase_too_short"
/// | "passphrase_too_weak", min_chars, min_score}`. Pure and synchronous: pages call it on
/// every keystroke instead of sending the passphrase to the worker. The copy passed in is
/// wiped before returning.
#[wasm_bindgen]
pub fn passphrase_strength(mut passphrase: String) -> JsValue {
    let report = crate::vault::strength_report(&passphrase);
    zeroize::Zeroize::zeroize(&mut passphrase);
    to_js(&report)
}

/// The type of an image from its first bytes (`compose::SNIFF_BYTES` are enough):
/// `"image/jpeg"`, `"image/png"`, `"image/webp"` or `"image/gif"`, else `undefined`.
#[wasm_bindgen]
pub fn sniff_image(head: &[u8]) -> Option<String> {
    crate::compose::sniff_image(head).map(str::to_owned)
}

/// One post as the composer checks it at once: its text and its images' real types.
#[derive(Deserialize)]
struct PostShape {
    #[serde(default)]
    text: String,
    #[serde(default)]
    media_types: Vec<String>,
}

/// X's rules the composer shows at once, before any request: at most one `$CASHTAG` per post
/// and an animated GIF alone (`compose::check_cashtags`, `compose::check_media_types`, which
/// the send and schedule paths check again). `posts` is `[{text, media_types}]`; the answer
/// is `null` or the error the worker would give (`{code, step}`).
#[wasm_bindgen]
pub fn check_post(posts: JsValue) -> JsValue {
    let Ok(posts) = serde_wasm_bindgen::from_value::<Vec<PostShape>>(posts) else {
        return to_js(&serde_json::json!({ "code": "bad_message" }));
    };
    let problem = posts.iter().enumerate().find_map(|(step, p)| {
        crate::compose::check_cashtags(step, &p.text)
            .and_then(|()| crate::compose::check_media_types(step, &p.media_types))
            .err()
    });
    match problem {
        Some(e) => {
            let mut error = serde_json::json!({ "code": e.code() });
            if let Some(step) = e.step() {
                error["step"] = step.into();
            }
            to_js(&error)
        }
        None => JsValue::NULL,
    }
}

/// X's price table as shipped (`cost::prices`): `{post, post_with_url, summoned_reply,
/// media_metadata, media_upload, user_read}`, each `{usd: number | null, since: string | null,
/// checked, what}` (`usd` null: X publishes no price). The options page lists it, the
/// verification call (`user_read`) included.
#[wasm_bindgen]
pub fn price_table() -> JsValue {
    match crate::cost::prices() {
        Some(prices) => to_js(&prices),
        None => JsValue::NULL,
    }
}

/// The estimated X API cost of posting: `posts` is `[{text, media, alt_texts}]`.
#[wasm_bindgen]
pub fn estimate_cost(posts: JsValue) -> JsValue {
    #[derive(Deserialize)]
    struct Shape {
        #[serde(default)]
        text: String,
        #[serde(default)]
        media: u32,
        #[serde(default)]
        alt_texts: u32,
    }
    let posts: Vec<Shape> = serde_wasm_bindgen::from_value(posts).unwrap_or_default();
    let shapes: Vec<crate::cost::PostShape> = posts
        .iter()
        .map(|p| crate::cost::PostShape {
            has_url: !crate::text::extract_urls(&p.text).is_empty(),
            media: p.media,
            alt_texts: p.alt_texts,
        })
        .collect();
    match crate::cost::prices() {
        Some(prices) => to_js(&crate::cost::estimate(&prices, &shapes)),
        None => JsValue::NULL,
    }
}
