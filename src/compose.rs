//! Checks a post (or a thread) before anything is sent, and the sent-post history.

use serde::{Deserialize, Serialize};

use crate::text;

mod checks;
mod draft;
mod outbox;
pub mod poster;

pub use checks::{MAX_CASHTAGS, MAX_GIF_BYTES, cashtag_count, check_cashtags, check_media_types};
pub use draft::{Draft, DraftError, DraftMedia, DraftPost, MAX_DRAFT_POSTS, MAX_DRAFT_TEXT_CHARS};
pub use outbox::{Decision, Outbox, PostFailure, Posted, ResumeError, StepResult};
pub use poster::{Poster, Stop};

const JPEG: &str = "image/jpeg";
const PNG: &str = "image/png";
const WEBP: &str = "image/webp";
const GIF: &str = "image/gif";

/// Image types X accepts for posts.
pub const IMAGE_TYPES: [&str; 4] = [JPEG, PNG, WEBP, GIF];
/// The largest still image (JPEG, PNG, WEBP) X accepts, in bytes; a GIF may be
/// [`MAX_GIF_BYTES`].
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// Images per post.
pub const MAX_IMAGES: usize = 4;
/// Alt text length, in characters.
pub const MAX_ALT_CHARS: usize = 1000;
/// The chunk size for media uploads.
pub const CHUNK_BYTES: usize = 1024 * 1024;
/// Sent posts kept per account.
pub const HISTORY_PER_ACCOUNT: usize = 100;

/// The limits a page checks before it asks the core (which checks them again): one set,
/// which the composer, the drafts and the schedule all use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// [`IMAGE_TYPES`]
    pub image_types: [&'static str; 4],
    /// [`MAX_IMAGE_BYTES`]
    pub max_image_bytes: u64,
    /// [`MAX_GIF_BYTES`]: an animated GIF, which goes alone in its post.
    pub max_gif_bytes: u64,
    /// [`MAX_CASHTAGS`], per post.
    pub max_cashtags: usize,
    /// [`MAX_IMAGES`], per post.
    pub max_images: usize,
    /// [`MAX_ALT_CHARS`], per image.
    pub max_alt_chars: usize,
    /// [`MAX_DRAFT_POSTS`]: posts in a draft (a thread).
    pub max_draft_posts: usize,
    /// [`MAX_DRAFT_TEXT_CHARS`]: characters of one post's text in a draft.
    pub max_draft_text_chars: usize,
    /// X's weighted-length limit of a post ([`text::DEFAULT_LIMIT`]).
    pub text_limit: u32,
    /// The same for accounts marked premium ([`text::PREMIUM_LIMIT`]).
    pub premium_text_limit: u32,
}

/// The one set of [`Limits`].
pub const LIMITS: Limits = Limits {
    image_types: IMAGE_TYPES,
    max_image_bytes: MAX_IMAGE_BYTES,
    max_gif_bytes: MAX_GIF_BYTES,
    max_cashtags: MAX_CASHTAGS,
    max_images: MAX_IMAGES,
    max_alt_chars: MAX_ALT_CHARS,
    max_draft_posts: MAX_DRAFT_POSTS,
    max_draft_text_chars: MAX_DRAFT_TEXT_CHARS,
    text_limit: text::DEFAULT_LIMIT,
    premium_text_limit: text::PREMIUM_LIMIT,
};

/// One image of a post, as the composer describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaInput {
    /// The image's key in the page's media store.
    pub media_id: String,
    /// Alt text (may be empty).
    #[serde(default)]
    pub alt: String,
}

/// One post of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    /// The text.
    #[serde(default)]
    pub text: String,
    /// Its images.
    #[serde(default)]
    pub media: Vec<MediaInput>,
}

/// Why a post cannot be sent as it is. `step` is the 0-based post of the thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComposeError {
    /// Nothing to send.
    NoPosts,
    /// A post with neither text nor images.
    Empty {
        /// Which post.
        step: usize,
    },
    /// Over the account's weighted-length limit.
    TooLong {
        /// Which post.
        step: usize,
        /// Its weighted length.
        length: u32,
        /// The limit.
        limit: u32,
    },
    /// More than four images.
    TooManyImages {
        /// Which post.
        step: usize,
    },
    /// Alt text over 1,000 characters.
    AltTooLong {
        /// Which post.
        step: usize,
    },
    /// More than [`MAX_CASHTAGS`] `$CASHTAG`s (X's 2026 self-serve rule).
    TooManyCashtags {
        /// Which post.
        step: usize,
        /// How many it has.
        count: usize,
    },
    /// An animated GIF with other media: X takes one GIF alone.
    GifNotAlone {
        /// Which post.
        step: usize,
    },
}

impl ComposeError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ComposeError::NoPosts | ComposeError::Empty { .. } => "post_empty",
            ComposeError::TooLong { .. } => "post_too_long",
            ComposeError::TooManyImages { .. } => "media_too_many",
            ComposeError::AltTooLong { .. } => "media_alt_too_long",
            ComposeError::TooManyCashtags { .. } => "post_too_many_cashtags",
            ComposeError::GifNotAlone { .. } => "media_gif_not_alone",
        }
    }

    /// The post it is about.
    pub fn step(&self) -> Option<usize> {
        match self {
            ComposeError::NoPosts => None,
            ComposeError::Empty { step }
            | ComposeError::TooLong { step, .. }
            | ComposeError::TooManyImages { step }
            | ComposeError::AltTooLong { step }
            | ComposeError::TooManyCashtags { step, .. }
            | ComposeError::GifNotAlone { step } => Some(*step),
        }
    }
}

/// The weighted-length limit for an account.
pub fn limit_for(premium: bool) -> u32 {
    if premium {
        text::PREMIUM_LIMIT
    } else {
        text::DEFAULT_LIMIT
    }
}

/// Checks every post of a thread against X's rules for this account (the text rules; the
/// media's kinds are [`validate_media`]'s, which needs their types).
pub fn validate(posts: &[PostInput], premium: bool) -> Result<(), ComposeError> {
    if posts.is_empty() {
        return Err(ComposeError::NoPosts);
    }
    let limit = limit_for(premium);
    for (step, post) in posts.iter().enumerate() {
        if post.text.trim().is_empty() && post.media.is_empty() {
            return Err(ComposeError::Empty { step });
        }
        if !post.text.trim().is_empty() {
            let counted = text::count(&post.text, limit);
            if counted.weighted_length > limit {
                return Err(ComposeError::TooLong {
                    step,
                    length: counted.weighted_length,
                    limit,
                });
            }
        }
        if post.media.len() > MAX_IMAGES {
            return Err(ComposeError::TooManyImages { step });
        }
        if post
            .media
            .iter()
            .any(|m| m.alt.chars().count() > MAX_ALT_CHARS)
        {
            return Err(ComposeError::AltTooLong { step });
        }
        check_cashtags(step, &post.text)?;
    }
    Ok(())
}

/// Checks each post's media kinds and sizes (`media[step]` = the `(type, bytes)` of that post's
/// images, as stored), before any media request: a GIF alone, sizes by type.
pub fn validate_media<S: AsRef<str>>(media: &[Vec<(S, u64)>]) -> Result<(), ComposeError> {
    for (step, items) in media.iter().enumerate() {
        let types: Vec<&str> = items.iter().map(|(t, _)| t.as_ref()).collect();
        check_media_types(step, &types)?;
    }
    Ok(())
}

/// Why an image is refused before any upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not JPEG, PNG, WEBP or GIF.
    Type,
    /// Over 5 MB (a still image) or 15 MB (a GIF).
    TooLarge,
    /// Empty file.
    Empty,
}

impl ImageError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::Type => "media_type",
            ImageError::TooLarge => "media_too_large",
            ImageError::Empty => "media_empty",
        }
    }
}

/// How many bytes from the start of a file [`sniff_image`] needs.
pub const SNIFF_BYTES: usize = 12;

/// The type of an image from its first bytes (at least [`SNIFF_BYTES`] of them for WEBP),
/// whatever its name or the type the browser guessed: one of [`IMAGE_TYPES`], or `None` when
/// it is none of them.
pub fn sniff_image(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Some(JPEG),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(PNG),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(GIF),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some(WEBP),
        _ => None,
    }
}

/// Checks an image's type and size.
pub fn check_image(media_type: &str, bytes: u64) -> Result<(), ImageError> {
    if !IMAGE_TYPES.contains(&media_type) {
        return Err(ImageError::Type);
    }
    if bytes == 0 {
        return Err(ImageError::Empty);
    }
    let max = if media_type == GIF {
        MAX_GIF_BYTES
    } else {
        MAX_IMAGE_BYTES
    };
    if bytes > max {
        return Err(ImageError::TooLarge);
    }
    Ok(())
}

/// One sent post in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentPost {
    /// The account that posted.
    pub account_id: String,
    /// Its @username.
    pub username: String,
    /// The post id.
    pub id: String,
    /// Its link.
    pub url: String,
    /// The text.
    pub text: String,
    /// When, Unix milliseconds.
    pub at_ms: u64,
}

impl SentPost {
    /// A post `account_id` (@`username`) has on X with this `id`, and its link.
    pub fn new(account_id: &str, username: &str, id: &str, text: &str, at_ms: u64) -> Self {
        SentPost {
            account_id: account_id.to_owned(),
            username: username.to_owned(),
            id: id.to_owned(),
            url: crate::x::post_url(username, id),
            text: text.to_owned(),
            at_ms,
        }
    }
}

/// Adds a sent post at the front, keeping at most [`HISTORY_PER_ACCOUNT`] per account. A post
/// already there (same account and id, from the composer or the schedule) is not added again.
pub fn remember(history: &mut Vec<SentPost>, post: SentPost) {
    if history
        .iter()
        .any(|p| p.account_id == post.account_id && p.id == post.id)
    {
        return;
    }
    history.insert(0, post);
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    history.retain(|p| {
        let n = seen.entry(p.account_id.clone()).or_insert(0);
        *n += 1;
        *n <= HISTORY_PER_ACCOUNT
    });
}
