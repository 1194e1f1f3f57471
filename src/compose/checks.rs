//! X's 2026 rules a post is checked against before any media request or post is made (fidelity
//! review D7, D10): one animated GIF per post, never mixed with images, up to 15 MB; at most one
//! `$CASHTAG` per post on self-serve tiers. The composer (through the pure `check_post`), the
//! send path and the schedule path all use these.

use super::{ComposeError, GIF};

/// The largest animated GIF X accepts (`tweet_gif`), in bytes: 15 MB.
pub const MAX_GIF_BYTES: u64 = 15 * 1024 * 1024;
/// Cashtags a post may carry on X's self-serve tiers (2026): "Posts are limited to a maximum of
/// one cashtag ($SYMBOL)".
pub const MAX_CASHTAGS: usize = 1;

/// How many cashtags X finds in a text, as twitter-text's `extractCashtags` (which the sandbox
/// uses) finds them: `$` at the start or after white space, 1 to 6 ASCII letters, optionally
/// `.` or `_` and 1 or 2 more letters, then the end, white space or punctuation. Every
/// occurrence counts, a repeated symbol too (whether X counts repeats is not documented; this
/// is the stricter reading, and the one the sandbox has).
pub fn cashtag_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' && (i == 0 || chars[i - 1].is_whitespace()) {
            if let Some(end) = cashtag_end(&chars, i + 1) {
                count += 1;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    count
}

/// Where the symbol starting at `start` ends, when it is a cashtag.
fn cashtag_end(chars: &[char], start: usize) -> Option<usize> {
    let letters = |from: usize, max: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take(max + 1)
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
    };
    let head = letters(start, 6);
    if head == 0 || head > 6 {
        return None;
    }
    let mut end = start + head;
    if matches!(chars.get(end), Some('.' | '_')) {
        let tail = letters(end + 1, 2);
        if (1..=2).contains(&tail) {
            end += 1 + tail;
        }
    }
    // twitter-text's look-ahead: the end, white space or ASCII punctuation (`.` and `_`
    // included, so "$AB." ends a sentence and "$AB.CDE" is "$AB").
    match chars.get(end) {
        None => Some(end),
        Some(c) if c.is_whitespace() || c.is_ascii_punctuation() => Some(end),
        _ => None,
    }
}

/// Checks one post's text against the cashtag rule.
pub fn check_cashtags(step: usize, text: &str) -> Result<(), ComposeError> {
    let count = cashtag_count(text);
    if count > MAX_CASHTAGS {
        return Err(ComposeError::TooManyCashtags { step, count });
    }
    Ok(())
}

/// Checks the kinds of one post's media (their real types, as sniffed when attached): an
/// animated GIF goes alone. Sizes are [`super::check_image`]'s.
pub fn check_media_types<S: AsRef<str>>(step: usize, types: &[S]) -> Result<(), ComposeError> {
    let gifs = types.iter().filter(|t| t.as_ref() == GIF).count();
    if gifs > 0 && types.len() > 1 {
        return Err(ComposeError::GifNotAlone { step });
    }
    Ok(())
}
