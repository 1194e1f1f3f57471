//! What a post will cost on X's pay-per-use plan, from the price table in `src/data/pricing.json`.

use serde::{Deserialize, Serialize};

const PRICES_JSON: &str = include_str!("data/pricing.json");

/// The price table (US dollars per call).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Prices {
    /// `POST /2/tweets` without a URL.
    pub post: f64,
    /// `POST /2/tweets` whose text contains a URL.
    pub post_with_url: f64,
    /// `POST /2/media/metadata` (alt text).
    pub media_metadata: f64,
    /// Each uploaded image (billed separately; 0 when unknown).
    pub media_upload: f64,
    /// When the table was last checked.
    pub as_of: String,
}

/// The shipped table. The data file is part of the build, so a malformed one fails the tests.
pub fn prices() -> Option<Prices> {
    serde_json::from_str(PRICES_JSON).ok()
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
    /// Total in millionths of a dollar.
    pub micro_usd: u64,
    /// Whether a URL made it more expensive.
    pub has_url: bool,
    /// The table's date.
    pub as_of: String,
}

fn micro(usd: f64) -> u64 {
    (usd * 1_000_000.0).round().max(0.0) as u64
}

/// Estimates the cost of posting `posts` (one per thread step).
pub fn estimate(prices: &Prices, posts: &[PostShape]) -> Estimate {
    let mut total = 0;
    for p in posts {
        total += if p.has_url {
            micro(prices.post_with_url)
        } else {
            micro(prices.post)
        };
        total += u64::from(p.media) * micro(prices.media_upload);
        total += u64::from(p.alt_texts) * micro(prices.media_metadata);
    }
    Estimate {
        micro_usd: total,
        has_url: posts.iter().any(|p| p.has_url),
        as_of: prices.as_of.clone(),
    }
}
