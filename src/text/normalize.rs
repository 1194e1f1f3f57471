//! NFC normalisation that remembers where each piece of the result came from, so positions
//! found in the normalised text can be reported in the text the user typed.

use std::borrow::Cow;
use std::iter;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A text in NFC plus the way back to the original.
pub(super) struct Normalized<'a> {
    /// The NFC form.
    pub(super) text: Cow<'a, str>,
    /// `(byte offset in text, UTF-16 offset in the original)` at every piece boundary, in
    /// order, from `(0, 0)` to the two ends. Empty when the original was already NFC.
    bounds: Vec<(usize, u32)>,
}

impl<'a> Normalized<'a> {
    /// Normalises `original` to NFC.
    ///
    /// The text is cut before every character that starts a normalisation-independent piece
    /// (a starter that nothing before it can combine with: canonical combining class 0 and
    /// NFC quick check Yes, UAX #15), and each piece is normalised on its own, which gives the
    /// same result as normalising the whole.
    pub(super) fn new(original: &'a str) -> Self {
        if is_nfc_quick(original.chars()) == IsNormalized::Yes {
            return Normalized {
                text: Cow::Borrowed(original),
                bounds: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut bounds = vec![(0, 0)];
        let mut piece_start = 0;
        let mut utf16 = 0u32;
        for (i, c) in original.char_indices() {
            if i > piece_start && starts_piece(c) {
                text.extend(original.get(piece_start..i).unwrap_or("").nfc());
                bounds.push((text.len(), utf16));
                piece_start = i;
            }
            utf16 = utf16.saturating_add(len_utf16(c));
        }
        text.extend(original.get(piece_start..).unwrap_or("").nfc());
        bounds.push((text.len(), utf16));
        Normalized {
            text: Cow::Owned(text),
            bounds,
        }
    }

    /// The UTF-16 offset in the original of byte offset `at` in the normalised text. An offset
    /// inside a piece that normalisation changed maps to the start of that piece.
    pub(super) fn original_utf16(&self, at: usize) -> u32 {
        if self.bounds.is_empty() {
            return utf16_len(self.text.get(..at).unwrap_or(&self.text));
        }
        let index = self.bounds.partition_point(|&(byte, _)| byte <= at);
        index
            .checked_sub(1)
            .and_then(|i| self.bounds.get(i))
            .map_or(0, |&(_, utf16)| utf16)
    }
}

fn starts_piece(c: char) -> bool {
    c.is_ascii()
        || (canonical_combining_class(c) == 0 && is_nfc_quick(iter::once(c)) == IsNormalized::Yes)
}

/// The UTF-16 length of one character (1 or 2).
pub(super) fn len_utf16(c: char) -> u32 {
    if u32::from(c) >= 0x1_0000 { 2 } else { 1 }
}

/// The UTF-16 length of a text, saturating at `u32::MAX`.
pub(super) fn utf16_len(text: &str) -> u32 {
    text.chars()
        .fold(0u32, |n, c| n.saturating_add(len_utf16(c)))
}
