//! What a post will cost on X's pay-per-use plan, from the price table in `src/data/pricing.json`.
//!
//! Every row carries its own dates (D12): when the price took effect, when known, and when it
//! was last read from X's price page. A cost X does not publish (media upload, D13) is `None`
//! and shown as "not published by X", never as zero.

use serde::{Deserialize, Serialize};

const PRICES_JSON: &str = include_str!("data/pricing.json");

/// One row of the price table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceRow {
    /// US dollars per unit, or `None` when X publishes no price.
    pub usd: Option<f64>,
    /// When this price took effect (`YYYY-MM-DD`), when X announced it.
    pub since: Option<String>,
    /// When it was last read from X's price page (`YYYY-MM-DD`).
    pub checked: String,
    /// What is billed, in words (English; the pages show their own localised labels).
    pub what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rows {
    post: PriceRow,
    post_with_url: PriceRow,
    summoned_reply: PriceRow,
    media_metadata: PriceRow,
    media_upload: PriceRow,
    user_read: PriceRow,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[allow(dead_code)]
    about: String,
    #[allow(dead_code)]
    currency: String,
    rows: Rows,
}

/// The price table (US dollars per call), each row with its dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prices {
    /// `POST /2/tweets` without a URL.
    pub post: PriceRow,
    /// `POST /2/tweets` whose text contains a URL (since 2026-04-20).
    pub post_with_url: PriceRow,
    /// A summoned reply. Not applied to thread steps (whether they count is unknown).
    pub summoned_reply: PriceRow,
    /// `POST /2/media/metadata` (alt text).
    pub media_metadata: PriceRow,
    /// Media upload requests: not published by X (`usd` is `None`).
    pub media_upload: PriceRow,
    /// `GET /2/users/me`: the verification call, once per UTC day.
    pub user_read: PriceRow,
}

/// The shipped table. The data file is part of the build, so a malformed one fails the tests.
pub fn prices() -> Option<Prices> {
    let table: Table = serde_json::from_str(PRICES_JSON).ok()?;
    let r = table.rows;
    Some(Prices {
        post: r.post,
        post_with_url: r.post_with_url,
        summoned_reply: r.summoned_reply,
        media_metadata: r.media_metadata,
        media_upload: r.media_upload,
        user_read: r.user_read,
    })
}

/// One post of a thread as far as cost goes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostShape {
    /// Whether X will find a URL in the text.
    pub has_url: bool,
    /// Number of images.
    pub media: u32,
    /// Number of images with alt text.
    pub alt_texts: u32,
}

/// The estimate shown before posting, in micro-dollars (integers, so sums are exact).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// Total in millionths of a dollar, of the prices X publishes.
    pub micro_usd: u64,
    /// Whether a URL made it more expensive.
    pub has_url: bool,
    /// The newest date on which the rows used were read from X's price page.
    pub as_of: String,
    /// The post has images and X publishes no price for uploading them: the total leaves
    /// them out, and the page says "not published by X" (not zero).
    pub media_upload_unpublished: bool,
}

fn micro(usd: Option<f64>) -> u64 {
    usd.map_or(0, |usd| (usd * 1_000_000.0).round().max(0.0) as u64)
}

/// Estimates the cost of posting `posts` (one per thread step).
pub fn estimate(prices: &Prices, posts: &[PostShape]) -> Estimate {
    let mut total: u64 = 0;
    let mut used: Vec<&PriceRow> = Vec::new();
    for p in posts {
        let row = if p.has_url {
            &prices.post_with_url
        } else {
            &prices.post
        };
        total = total.saturating_add(micro(row.usd));
        used.push(row);
        if p.media > 0 {
            total = total
                .saturating_add(u64::from(p.media).saturating_mul(micro(prices.media_upload.usd)));
            used.push(&prices.media_upload);
        }
        if p.alt_texts > 0 {
            total = total.saturating_add(
                u64::from(p.alt_texts).saturating_mul(micro(prices.media_metadata.usd)),
            );
            used.push(&prices.media_metadata);
        }
    }
    let as_of = used
        .iter()
        .map(|r| r.checked.as_str())
        .max()
        .unwrap_or(prices.post.checked.as_str())
        .to_owned();
    Estimate {
        micro_usd: total,
        has_url: posts.iter().any(|p| p.has_url),
        as_of,
        media_upload_unpublished: prices.media_upload.usd.is_none()
            && posts.iter().any(|p| p.media > 0),
    }
}
