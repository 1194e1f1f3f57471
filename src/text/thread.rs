//! Splitting a long text into a thread of posts that each fit the limit, numbered `(i/n)`.

use std::iter;
use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::{count, emoji, url};

/// The smallest limit `split_thread` splits for: below it the numbering alone could fill a
/// post, so the text comes back whole.
pub const MIN_SPLIT_LIMIT: u32 = 30;

/// Splits `text` into posts of at most `limit` weighted characters each, numbering
/// included, for posting as a thread.
///
/// A text that fits comes back as one post, trimmed, without a number. Otherwise every post
/// gets a ` (i/n)` suffix, and the cuts fall, in order of preference, at a paragraph break, at
/// the end of a sentence, or between words, always as late as the post allows (a paragraph or
/// sentence break is taken only if the post stays at least half as long as it could be). A
/// word too long for a post of its own is cut between characters, never inside a URL or an
/// emoji sequence, nor before a combining mark, unless nothing else fits. Nothing but the
/// whitespace at the cuts is left out, and nothing is reordered.
///
/// Every post is valid for `count(post, limit)`, except where the text contains a character X
/// refuses (U+FFFE, U+FEFF, U+FFFF), which makes the post holding it invalid whatever its
/// length. A blank text gives no posts; a limit below `MIN_SPLIT_LIMIT` gives the text whole.
pub fn split_thread(text: &str, limit: u32) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let whole = count(text, limit);
    if limit < MIN_SPLIT_LIMIT || whole.valid {
        return vec![text.to_string()];
    }
    let splitter = Splitter::new(text, limit);
    // The numbering's width depends on how many posts there are: reserve room for a width,
    // split, and widen until the count fits the width. There are at least weight / limit.
    let at_least = usize::try_from(whole.weighted_length / limit).unwrap_or(1);
    let mut digits = decimal_digits(at_least);
    let bodies = loop {
        let bodies = splitter.split(digits);
        let needed = decimal_digits(bodies.len());
        if needed <= digits || digits >= 20 {
            break bodies;
        }
        digits = needed;
    };
    let total = bodies.len();
    if total == 1 {
        return bodies.into_iter().map(str::to_string).collect();
    }
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| format!("{body} ({}/{total})", i + 1))
        .collect()
}

fn decimal_digits(n: usize) -> usize {
    iter::successors(Some(n), |&n| (n >= 10).then_some(n / 10)).count()
}

/// How good a place to cut is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Word,
    Sentence,
    Paragraph,
}

/// A place to cut: the post ends at `end`, the next starts at `next` (after the whitespace).
#[derive(Debug, Clone, Copy)]
struct Cut {
    end: usize,
    next: usize,
    level: Level,
}

struct Splitter<'a> {
    text: &'a str,
    limit: u32,
    cuts: Vec<Cut>,
    urls: Vec<Range<usize>>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str, limit: u32) -> Self {
        Splitter {
            text,
            limit,
            cuts: cuts(text),
            urls: url::find_urls(text),
        }
    }

    fn slice(&self, range: Range<usize>) -> &'a str {
        self.text.get(range).unwrap_or("")
    }

    /// Whether `body` fits with the widest number of `digits` digits after it.
    fn fits(&self, body: &str, digits: usize) -> bool {
        let nines = "9".repeat(digits);
        count(&format!("{body} ({nines}/{nines})"), self.limit).valid
    }

    fn weight(&self, body: &str) -> u32 {
        count(body, self.limit).weighted_length
    }

    /// The posts' texts, without numbers, reserving room for numbers of `digits` digits.
    fn split(&self, digits: usize) -> Vec<&'a str> {
        let mut bodies = Vec::new();
        let mut start = 0;
        while start < self.text.len() {
            let rest = self.slice(start..self.text.len());
            let first = self.cuts.partition_point(|cut| cut.end <= start);
            let cuts = self.cuts.get(first..).unwrap_or(&[]);
            // The candidates: every cut, then the end of the text.
            let end_of = |i: usize| cuts.get(i).map_or(self.text.len(), |cut| cut.end);
            let fitting = last_fitting(cuts.len() + 1, |i| {
                self.fits(self.slice(start..end_of(i)), digits)
            });
            if fitting == Some(cuts.len()) {
                bodies.push(rest);
                break;
            }
            let (end, next) = match fitting.and_then(|last| cuts.get(..=last)) {
                Some(candidates) => self.preferred(start, candidates),
                None => {
                    let word_end = cuts.first().map_or(self.text.len(), |cut| cut.end);
                    let end = self.break_word(start, word_end, digits);
                    (end, end)
                }
            };
            let body = self.slice(start..end).trim_end();
            if !body.is_empty() {
                bodies.push(body);
            }
            // Always move on, by one character at least.
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let skipped = self.slice(next.max(start + first)..self.text.len());
            start = self.text.len() - skipped.trim_start().len();
        }
        bodies
    }

    /// Among cuts that all fit (the last one fits most), the one to take: the last paragraph
    /// break, else the last sentence end, if it keeps the post at least half as long.
    fn preferred(&self, start: usize, candidates: &[Cut]) -> (usize, usize) {
        let Some(&last) = candidates.last() else {
            return (start, start); // not reached: there is always a candidate
        };
        let longest = self.weight(self.slice(start..last.end));
        for level in [Level::Paragraph, Level::Sentence] {
            if let Some(cut) = candidates.iter().rev().find(|cut| cut.level >= level) {
                if self.weight(self.slice(start..cut.end)).saturating_mul(2) >= longest {
                    return (cut.end, cut.next);
                }
            }
        }
        (last.end, last.next)
    }

    /// Where to cut a word that does not fit a post of its own: between characters, keeping
    /// URLs, emoji sequences and combining sequences whole where possible.
    fn break_word(&self, start: usize, word_end: usize, digits: usize) -> usize {
        for (keep_urls, keep_clusters) in [(true, true), (false, true), (false, false)] {
            let ends = self.piece_ends(start, word_end, keep_urls, keep_clusters);
            let fitting = last_fitting(ends.len(), |i| {
                ends.get(i)
                    .is_some_and(|&end| self.fits(self.slice(start..end), digits))
            });
            if let Some(&end) = fitting.and_then(|i| ends.get(i)) {
                return end;
            }
        }
        // Not even one character fits (a character X refuses): take it alone and go on.
        let first = self
            .slice(start..word_end)
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        start + first
    }

    /// The places inside `start..word_end` where a word may be cut, at most one more than the
    /// limit (each piece weighs at least one character, so a post holds no more).
    fn piece_ends(
        &self,
        start: usize,
        word_end: usize,
        keep_urls: bool,
        keep_clusters: bool,
    ) -> Vec<usize> {
        let cap = usize::try_from(self.limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let mut ends = Vec::new();
        let mut at = start;
        while at < word_end && ends.len() < cap {
            let rest = self.slice(at..word_end);
            let url_len = keep_urls
                .then(|| self.urls.binary_search_by_key(&at, |u| u.start).ok())
                .flatten()
                .and_then(|i| self.urls.get(i))
                .map(|u| u.end.min(word_end) - at);
            let len = match url_len {
                Some(len) => len,
                None if keep_clusters => cluster_len(rest),
                None => rest.chars().next().map_or(1, char::len_utf8),
            };
            at += len.max(1);
            if at < word_end {
                ends.push(at);
            }
        }
        ends
    }
}

/// The length of the emoji sequence or character (with what attaches to it) starting `text`.
fn cluster_len(text: &str) -> usize {
    let mut len =
        emoji::emoji_len(text).unwrap_or_else(|| text.chars().next().map_or(1, char::len_utf8));
    let mut previous = text.get(..len).and_then(|t| t.chars().next_back());
    for c in text.get(len..).unwrap_or("").chars() {
        let attaches = previous == Some('\u{200D}')
            || emoji::continues_sequence(c)
            || canonical_combining_class(c) != 0
            || (!c.is_ascii() && is_nfc_quick(iter::once(c)) == IsNormalized::Maybe);
        if !attaches {
            break;
        }
        len += c.len_utf8();
        previous = Some(c);
    }
    len
}

/// The largest `i < len` for which `fits(i)` holds, assuming it holds up to some point and
/// not after; probing 0, 1, 3, 7, ... then bisecting, so the cost follows the answer, not `len`.
fn last_fitting(len: usize, mut fits: impl FnMut(usize) -> bool) -> Option<usize> {
    if len == 0 || !fits(0) {
        return None;
    }
    let (mut lo, mut hi) = (0, len);
    let mut step = 1;
    while lo + step < len {
        if fits(lo + step) {
            lo += step;
            step = step.saturating_mul(2);
        } else {
            hi = lo + step;
            break;
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// Every place to cut `text`, in order: whitespace (its level from what surrounds it) and
/// CJK punctuation that needs no space after it.
fn cuts(text: &str) -> Vec<Cut> {
    let mut cuts = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            let mut end = i + c.len_utf8();
            let mut newlines = usize::from(c == '\n');
            let mut breakable = !is_non_breaking(c);
            while let Some((j, w)) = chars.next_if(|&(_, w)| w.is_whitespace()) {
                end = j + w.len_utf8();
                newlines += usize::from(w == '\n');
                breakable |= !is_non_breaking(w);
            }
            if i == 0 || !breakable {
                continue;
            }
            let level = if newlines >= 2 {
                Level::Paragraph
            } else if newlines == 1 || ends_sentence(text.get(..i).unwrap_or("")) {
                Level::Sentence
            } else {
                Level::Word
            };
            cuts.push(Cut {
                end: i,
                next: end,
                level,
            });
        } else if let Some(level) = cjk_punctuation_level(c) {
            let end = i + c.len_utf8();
            if chars.peek().is_some_and(|&(_, next)| !next.is_whitespace()) {
                cuts.push(Cut {
                    end,
                    next: end,
                    level,
                });
            }
        }
    }
    cuts
}

/// No-break spaces: whitespace, but not a place to cut.
fn is_non_breaking(c: char) -> bool {
    matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// Whether `before` ends a sentence (closing quotes and brackets aside).
fn ends_sentence(before: &str) -> bool {
    before
        .chars()
        .rev()
        .find(|c| {
            !matches!(
                c,
                '"' | '\'' | ')' | ']' | '»' | '’' | '”' | '」' | '』' | '）' | '】'
            )
        })
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '．'))
}

/// CJK sentence and clause punctuation, after which a post may end without a space.
fn cjk_punctuation_level(c: char) -> Option<Level> {
    match c {
        '。' | '！' | '？' => Some(Level::Sentence),
        '、' | '，' | '；' | '：' => Some(Level::Word),
        _ => None,
    }
}
