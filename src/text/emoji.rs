//! Emoji sequences (UTS #51), which X weighs as one character each: keycaps, flags, modifier
//! (skin tone) sequences, tag sequences (subdivision flags) and ZWJ sequences, with their
//! variation selectors.
//!
//! twitter-text matches a generated list of the sequences known when it was written; this
//! follows the sequence grammar with the Unicode emoji properties instead, so newer emoji
//! count the same way. It keeps twitter-text's presentation rules: `#`, `*` and digits are
//! emoji only as keycaps, `©` and `®` only with U+FE0F, and U+FE0E (text presentation) after
//! a character stops it from being an emoji.

use unicode_properties::emoji::{EmojiStatus, UnicodeEmoji};

const ZWJ: char = '\u{200D}';
const TEXT_PRESENTATION: char = '\u{FE0E}';
const EMOJI_PRESENTATION: char = '\u{FE0F}';
const COMBINING_KEYCAP: char = '\u{20E3}';
const CANCEL_TAG: char = '\u{E007F}';

/// The byte length of the emoji sequence at the start of `text`, if one starts there.
pub(super) fn emoji_len(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if is_keycap_base(first) {
        let mut at = first.len_utf8();
        if char_at(text, at) == Some(EMOJI_PRESENTATION) {
            at += EMOJI_PRESENTATION.len_utf8();
        }
        return (char_at(text, at) == Some(COMBINING_KEYCAP))
            .then_some(at + COMBINING_KEYCAP.len_utf8());
    }
    if is_regional_indicator(first) {
        let at = first.len_utf8();
        return Some(match char_at(text, at) {
            Some(second) if is_regional_indicator(second) => at + second.len_utf8(),
            _ => at,
        });
    }
    let mut end = element_len(text)?;
    while char_at(text, end) == Some(ZWJ) {
        let next = end + ZWJ.len_utf8();
        match text.get(next..).and_then(element_len) {
            Some(len) => end = next + len,
            None => break,
        }
    }
    Some(end)
}

/// One element of a ZWJ sequence: an emoji character with its presentation selector, skin
/// tone modifier or tag specification.
fn element_len(text: &str) -> Option<usize> {
    let base = text.chars().next()?;
    if !base.is_emoji_char() || is_keycap_base(base) || is_regional_indicator(base) {
        return None;
    }
    let status = base.emoji_status();
    let mut at = base.len_utf8();
    match char_at(text, at) {
        Some(EMOJI_PRESENTATION) => at += EMOJI_PRESENTATION.len_utf8(),
        Some(TEXT_PRESENTATION) => return None,
        // Text-style symbols in the Latin range (©, ®) are emoji only with U+FE0F.
        _ if !has_emoji_presentation(status) && u32::from(base) < 0x2000 => return None,
        Some(modifier) if is_modifier(modifier) && is_modifier_base(status) => {
            at += modifier.len_utf8();
        }
        _ => {}
    }
    let mut tags_end = at;
    while let Some(tag @ '\u{E0020}'..='\u{E007E}') = char_at(text, tags_end) {
        tags_end += tag.len_utf8();
    }
    if tags_end > at && char_at(text, tags_end) == Some(CANCEL_TAG) {
        at = tags_end + CANCEL_TAG.len_utf8();
    }
    Some(at)
}

/// Whether `c` never starts a new piece when text is cut: it belongs to the emoji (or the
/// character) before it.
pub(super) fn continues_sequence(c: char) -> bool {
    c == ZWJ
        || c == COMBINING_KEYCAP
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
        || is_modifier(c)
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

fn is_keycap_base(c: char) -> bool {
    matches!(c, '0'..='9' | '#' | '*')
}

fn is_regional_indicator(c: char) -> bool {
    unicode_properties::emoji::is_regional_indicator(c)
}

fn is_modifier(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

fn is_modifier_base(status: EmojiStatus) -> bool {
    matches!(
        status,
        EmojiStatus::EmojiModifierBase | EmojiStatus::EmojiPresentationAndModifierBase
    )
}

fn has_emoji_presentation(status: EmojiStatus) -> bool {
    matches!(
        status,
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    )
}
