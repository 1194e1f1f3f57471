//! X's character counter (twitter-text v3 weighted length), URL detection, and splitting a
//! long text into a numbered thread.
//!
//! X does not count characters: it weighs them. After NFC normalisation, code points in a few
//! ranges (Latin, Greek, Cyrillic, Hebrew, Arabic and others up to U+10FF, some punctuation)
//! weigh 1, everything else 2 (CJK, most symbols); every URL weighs 23 however long it is; an
//! emoji sequence (a family, a flag, a skin tone) weighs 2 once. A post may weigh up to 280
//! (`DEFAULT_LIMIT`), or more for accounts X lets post longer texts (`PREMIUM_LIMIT`).
//!
//! The rules, the TLD list and the conformance cases come from twitter-text (Apache-2.0, see
//! `src/data/twitter-text/`). Offsets are UTF-16 code units into the text as the user typed it,
//! because the user interface is JavaScript.

mod emoji;
mod idn;
mod normalize;
mod thread;
mod tld;
mod url;

use serde::Serialize;

use normalize::{Normalized, utf16_len};

pub use thread::{MIN_SPLIT_LIMIT, split_thread};

/// The weighted length X allows in a post.
pub const DEFAULT_LIMIT: u32 = 280;
/// The weighted length X allows accounts that may post longer texts (Premium).
pub const PREMIUM_LIMIT: u32 = 25_000;

/// A range of code points and the weight of each (in `Weighting::scale` units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightRange {
    /// First code point of the range.
    pub start: u32,
    /// Last code point of the range (inclusive).
    pub end: u32,
    /// Weight of each code point in the range.
    pub weight: u32,
}

/// twitter-text's weighting configuration (`config/v2.json`, `config/v3.json`), without the
/// maximum length, which `count_with` takes separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weighting {
    /// What one weighted character is worth in weights.
    pub scale: u32,
    /// Weight of a code point outside `ranges`, and of an emoji sequence.
    pub default_weight: u32,
    /// How many characters a URL counts as, whatever its length.
    pub transformed_url_length: u32,
    /// Whether an emoji sequence weighs `default_weight` once (v3) or per code point (v2).
    pub emoji_parsing: bool,
    /// Code point ranges with their own weight.
    pub ranges: &'static [WeightRange],
}

const LIGHT_RANGES: &[WeightRange] = &[
    WeightRange {
        start: 0,
        end: 4351,
        weight: 100,
    },
    WeightRange {
        start: 8192,
        end: 8205,
        weight: 100,
    },
    WeightRange {
        start: 8208,
        end: 8223,
        weight: 100,
    },
    WeightRange {
        start: 8242,
        end: 8247,
        weight: 100,
    },
];

impl Weighting {
    /// twitter-text `config/v3.json`, what X counts with today
    /// (`src/data/twitter-text/config-v3.json`).
    pub const V3: Weighting = Weighting {
        scale: 100,
        default_weight: 200,
        transformed_url_length: 23,
        emoji_parsing: true,
        ranges: LIGHT_RANGES,
    };
    /// twitter-text `config/v2.json`: v3 without emoji parsing (each code point of an emoji
    /// sequence weighs on its own). Kept for its conformance cases.
    pub const V2: Weighting = Weighting {
        emoji_parsing: false,
        ..Weighting::V3
    };

    fn weight_of(&self, c: char) -> u32 {
        let code = u32::from(c);
        self.ranges
            .iter()
            .find(|r| (r.start..=r.end).contains(&code))
            .map_or(self.default_weight, |r| r.weight)
    }
}

/// How a text counts against a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    /// The weighted length, as X counts it.
    pub weighted_length: u32,
    /// The limit it was counted against.
    pub limit: u32,
    /// `limit - weighted_length`: negative when over.
    pub remaining: i64,
    /// Whether X accepts the text: not blank, within the limit, and without the characters
    /// X refuses (U+FFFE, U+FEFF, U+FFFF).
    pub valid: bool,
    /// Where the part X would refuse starts, as a UTF-16 offset into the text given: the first
    /// character (or URL, or emoji sequence) past the limit, or the first refused character.
    /// `None` when all of the text is within the limit. (twitter-text's `validRangeEnd` is
    /// this minus one.)
    pub over_limit_from_utf16: Option<u32>,
    /// Whether the text contains a URL (X charges more for such posts).
    pub has_url: bool,
}

/// A URL found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlEntity {
    /// The URL as written (with or without its scheme).
    pub url: String,
    /// Where it starts, in UTF-16 code units.
    pub start_utf16: u32,
    /// Where it ends (exclusive), in UTF-16 code units.
    pub end_utf16: u32,
}

/// Counts `text` the way X does (twitter-text v3) against `limit` (`DEFAULT_LIMIT`, or
/// `PREMIUM_LIMIT` for accounts that may post longer texts).
pub fn count(text: &str, limit: u32) -> Counted {
    count_with(text, limit, &Weighting::V3)
}

/// The weighted length of `text` as X counts it (twitter-text v3).
pub fn weighted_length(text: &str) -> u32 {
    count(text, DEFAULT_LIMIT).weighted_length
}

/// Counts `text` with a given weighting against `limit`.
///
/// This is twitter-text's `parseTweet`: the text is NFC-normalised, then weighed from start
/// to end, a URL or an emoji sequence at a time where one starts, otherwise a code point at
/// a time. Deliberate differences: a blank text (only Unicode whitespace) is invalid, as in
/// the Java version for ASCII whitespace (the JavaScript one accepts it); the valid range is
/// reported in offsets of the text given, mapped back through normalisation exactly, where
/// twitter-text shifts it by the difference in length; and a URL past a refused character
/// is outside the valid range, as any other character (the Java version counts it in).
pub fn count_with(text: &str, limit: u32, weighting: &Weighting) -> Counted {
    let normalized = Normalized::new(text);
    let norm: &str = &normalized.text;
    let urls = url::find_urls(norm);
    let scale = u64::from(weighting.scale.max(1));
    let max_weight = u64::from(limit) * scale;
    let url_weight = u64::from(weighting.transformed_url_length) * scale;

    let mut weight = 0u64;
    let mut refused_char = false;
    let mut valid_end = 0usize;
    let mut next_url = urls.iter().peekable();
    let mut at = 0usize;
    while let Some(rest) = norm.get(at..).filter(|r| !r.is_empty()) {
        let url_here = next_url.next_if(|u| u.start == at);
        let (unit_weight, len) = if let Some(found) = url_here {
            (url_weight, found.end - found.start)
        } else if let Some(len) = weighting
            .emoji_parsing
            .then(|| emoji::emoji_len(rest))
            .flatten()
        {
            (u64::from(weighting.default_weight), len)
        } else {
            let c = rest.chars().next().unwrap_or_default();
            refused_char |= is_refused(c);
            (u64::from(weighting.weight_of(c)), c.len_utf8())
        };
        weight += unit_weight;
        at += len.max(1);
        if !refused_char && weight <= max_weight {
            valid_end = at;
        }
        while next_url.next_if(|u| u.start < at).is_some() {}
    }

    let weighted_length = u32::try_from(weight / scale).unwrap_or(u32::MAX);
    let blank = text.trim().is_empty();
    Counted {
        weighted_length,
        limit,
        remaining: i64::from(limit) - i64::from(weighted_length),
        valid: !blank && !refused_char && weighted_length <= limit,
        over_limit_from_utf16: (valid_end < norm.len())
            .then(|| normalized.original_utf16(valid_end)),
        has_url: !urls.is_empty(),
    }
}

/// Characters twitter-text refuses in a post.
fn is_refused(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

/// The URLs X would find (and weigh as 23 characters) in `text`, with or without a scheme,
/// as twitter-text's `extractUrlsWithIndices` finds them: the TLD must be known, and the text
/// is taken as given (not normalised).
pub fn extract_urls(text: &str) -> Vec<UrlEntity> {
    let mut utf16 = 0u32;
    let mut counted_to = 0usize;
    let mut advance = |to: usize| {
        utf16 = utf16.saturating_add(utf16_len(text.get(counted_to..to).unwrap_or("")));
        counted_to = to;
        utf16
    };
    url::find_urls(text)
        .into_iter()
        .map(|range| {
            let start_utf16 = advance(range.start);
            let end_utf16 = advance(range.end);
            UrlEntity {
                url: text.get(range).unwrap_or("").to_string(),
                start_utf16,
                end_utf16,
            }
        })
        .collect()
}
