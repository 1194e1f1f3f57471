//! The leak guard: a post (or a scheduled post) whose text or alt text holds one of the user's
//! keys, or something shaped like an X credential, is refused before anything is sent or
//! stored, so a pasted secret never reaches X.
//!
//! The rule, pure and sans-IO:
//!
//! - any of the four stored values of any account (API key, API secret, Access Token, Access
//!   Token secret), whole or any run of at least [`MIN_FRAGMENT_CHARS`] characters of one;
//! - an Access Token's shape: a run of digits, `-`, then at least 20 ASCII letters and digits
//!   (`1234567890-AbCd...`), the digits not glued to a preceding letter or digit;
//! - an API secret's shape: a run of at least 50 ASCII letters and digits that mixes letters
//!   and digits (X's API secrets and Access Token secrets are such runs; ordinary words and
//!   numbers are not).
//!
//! The error names the step and where (text or alt text) and why, never the secret.

use crate::accounts::AccountsDoc;
use crate::compose::PostInput;

/// The shortest part of a stored key that counts as the key.
pub const MIN_FRAGMENT_CHARS: usize = 16;
/// Letters and digits after `<digits>-` that make an Access Token's shape.
pub const TOKEN_TAIL_CHARS: usize = 20;
/// Letters and digits in a row that make an API secret's shape.
pub const SECRET_RUN_CHARS: usize = 50;

/// Why a text looks like it holds a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// One of the user's stored keys (or a 16+ character part of one).
    StoredKey,
    /// Shaped like an X Access Token.
    AccessTokenShape,
    /// Shaped like an X API secret.
    SecretShape,
}

impl Reason {
    /// A stable name, a detail of the error.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::StoredKey => "stored_key",
            Reason::AccessTokenShape => "access_token_shape",
            Reason::SecretShape => "secret_shape",
        }
    }
}

/// Where in a post the secret is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The post's text.
    Text,
    /// An image's alt text.
    Alt,
}

impl Place {
    /// A stable name, a detail of the error.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Text => "text",
            Place::Alt => "alt",
        }
    }
}

/// A post refused by the guard (`post_contains_secret`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainsSecret {
    /// Which post of the thread (0-based).
    pub step: usize,
    /// Text or alt text.
    pub place: Place,
    /// Why.
    pub reason: Reason,
}

impl ContainsSecret {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        "post_contains_secret"
    }
}

/// Every stored key value of every account (the guard's list of secrets).
pub fn secrets_of(doc: &AccountsDoc) -> Vec<&str> {
    doc.accounts
        .iter()
        .flat_map(|a| {
            [
                a.keys.api_key.as_str(),
                a.keys.api_secret.as_str(),
                a.keys.access_token.as_str(),
                a.keys.access_token_secret.as_str(),
            ]
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Why `text` looks like it holds a secret, if it does.
pub fn check_text(text: &str, secrets: &[&str]) -> Option<Reason> {
    if secrets.iter().any(|s| holds_part_of(text, s)) {
        return Some(Reason::StoredKey);
    }
    if has_token_shape(text) {
        return Some(Reason::AccessTokenShape);
    }
    if has_secret_shape(text) {
        return Some(Reason::SecretShape);
    }
    None
}

/// Checks every text and alt text of a post or thread.
///
/// # Errors
/// The first [`ContainsSecret`], in thread order.
pub fn check_posts(posts: &[PostInput], secrets: &[&str]) -> Result<(), ContainsSecret> {
    for (step, post) in posts.iter().enumerate() {
        check_step(
            step,
            &post.text,
            post.media.iter().map(|m| m.alt.as_str()),
            secrets,
        )?;
    }
    Ok(())
}

/// [`check_posts`] for one step of a post or thread: its text, then its images' alt texts.
/// The composer (every step, resumed ones too) and the scheduler (at send time, for items
/// planned before the guard existed) both call it.
///
/// # Errors
/// The first place that holds a secret.
pub fn check_step<'a>(
    step: usize,
    text: &str,
    alts: impl IntoIterator<Item = &'a str>,
    secrets: &[&str],
) -> Result<(), ContainsSecret> {
    let texts =
        std::iter::once((Place::Text, text)).chain(alts.into_iter().map(|a| (Place::Alt, a)));
    for (place, text) in texts {
        if let Some(reason) = check_text(text, secrets) {
            return Err(ContainsSecret {
                step,
                place,
                reason,
            });
        }
    }
    Ok(())
}

/// Whether `text` holds `secret` whole, or any [`MIN_FRAGMENT_CHARS`]-character part of it.
fn holds_part_of(text: &str, secret: &str) -> bool {
    let chars: Vec<(usize, char)> = secret.char_indices().collect();
    if chars.len() <= MIN_FRAGMENT_CHARS {
        return !secret.is_empty() && text.contains(secret);
    }
    (0..=chars.len() - MIN_FRAGMENT_CHARS).any(|i| {
        let start = chars.get(i).map_or(0, |c| c.0);
        let end = chars
            .get(i + MIN_FRAGMENT_CHARS)
            .map_or(secret.len(), |c| c.0);
        secret
            .get(start..end)
            .is_some_and(|part| text.contains(part))
    })
}

/// `<digits>-<20+ letters and digits>`, the digits starting a word.
fn has_token_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_alphanumeric);
        if starts_word && b.get(i).is_some_and(u8::is_ascii_digit) {
            let mut j = i;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if b.get(j) == Some(&b'-') {
                let tail = b.get(j + 1..).map_or(0, |t| {
                    t.iter().take_while(|c| c.is_ascii_alphanumeric()).count()
                });
                if tail >= TOKEN_TAIL_CHARS {
                    return true;
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

/// A run of [`SECRET_RUN_CHARS`]+ ASCII letters and digits with both letters and digits.
fn has_secret_shape(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|run| {
        run.len() >= SECRET_RUN_CHARS
            && run.bytes().any(|c| c.is_ascii_digit())
            && run.bytes().any(|c| c.is_ascii_alphabetic())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::MediaInput;

    const API_KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
    const API_SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
    const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
    const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

    fn secrets() -> Vec<&'static str> {
        vec![API_KEY, API_SECRET, TOKEN, TOKEN_SECRET]
    }

    #[test]
    fn a_stored_key_whole_or_in_part_is_found() {
        let s = secrets();
        assert_eq!(
            check_text(&format!("my key {API_KEY} oops"), &s),
            Some(Reason::StoredKey)
        );
        // 16 characters of the Access Token secret, in the middle of a word.
        let part = &TOKEN_SECRET[5..21];
        assert_eq!(
            check_text(&format!("x{part}y"), &s),
            Some(Reason::StoredKey)
        );
        // 15 are not enough.
        let short = &TOKEN_SECRET[5..20];
        assert_eq!(check_text(&format!("x {short} y"), &s), None);
    }

    #[test]
    fn shapes_are_found_without_stored_keys() {
        assert_eq!(
            check_text("token: 1234567890-AbCdEfGhIjKlMnOpQrStUv", &[]),
            Some(Reason::AccessTokenShape)
        );
        let secret = "a1".repeat(25);
        assert_eq!(
            check_text(&format!("s={secret}"), &[]),
            Some(Reason::SecretShape)
        );
    }

    #[test]
    fn ordinary_posts_pass() {
        for text in [
            "",
            "Hello world, see https://example.com/a/b?c=d #rust",
            "Meeting 2024-05-01 at 10:30, room 12-B",
            "Version 1-alpha shipped",
            "abc123-ABCDEFGHIJKLMNOPQRSTUVWXYZ", // glued to letters: not a token
            &"a".repeat(80),                     // no digit: a long word, not a secret
            &"7".repeat(80),                     // a long number
            "🦀 emoji and 中文 text 1234567890",
        ] {
            assert_eq!(check_text(text, &secrets()), None, "{text}");
        }
    }

    #[test]
    fn posts_name_the_step_and_the_place() {
        let posts = vec![
            PostInput {
                text: "fine".to_owned(),
                media: vec![],
            },
            PostInput {
                text: "also fine".to_owned(),
                media: vec![MediaInput {
                    media_id: "m".to_owned(),
                    alt: format!("alt {API_SECRET}"),
                }],
            },
        ];
        assert_eq!(
            check_posts(&posts, &secrets()),
            Err(ContainsSecret {
                step: 1,
                place: Place::Alt,
                reason: Reason::StoredKey
            })
        );
        assert_eq!(check_posts(&posts[..1], &secrets()), Ok(()));
    }

    #[test]
    fn multibyte_secrets_do_not_panic() {
        let odd = "é".repeat(20);
        assert_eq!(check_text(&odd, &[odd.as_str()]), Some(Reason::StoredKey));
        assert_eq!(check_text("abc", &["é"]), None);
    }
}
