//! The composer's draft: what the popup is writing, kept by the worker so that closing the
//! popup loses nothing. Typed, so a malformed write from a page is refused, not stored.

use serde::{Deserialize, Serialize};

use super::{MAX_ALT_CHARS, MAX_IMAGES};

/// Posts a draft may hold (a long thread; X itself has no hard limit here).
pub const MAX_DRAFT_POSTS: usize = 50;
/// Characters a draft post may hold: more than any account's limit (25,000 weighted), so an
/// over-long post stays editable, yet bounded so no page can fill the storage quota.
pub const MAX_DRAFT_TEXT_CHARS: usize = 30_000;

/// One image of a draft post: its key in the page's media store and what the page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftMedia {
    /// The image's key in the media store (IndexedDB), also the key of its bytes.
    pub media_id: String,
    /// The file name the user picked.
    #[serde(default)]
    pub name: String,
    /// Its MIME type.
    #[serde(rename = "type", default)]
    pub media_type: String,
    /// Its size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Alt text (may be empty).
    #[serde(default)]
    pub alt: String,
}

/// One post of the draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftPost {
    /// The text as typed.
    #[serde(default)]
    pub text: String,
    /// Its images.
    #[serde(default)]
    pub media: Vec<DraftMedia>,
}

/// The draft as stored and as `draft_get` answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// The account chosen to post from.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The posts, in thread order (at least one).
    pub posts: Vec<DraftPost>,
    /// When the page last changed it, Unix milliseconds.
    #[serde(default)]
    pub updated_ms: u64,
}

/// Why a draft write was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftError {
    /// No post at all.
    NoPosts,
    /// More posts than [`MAX_DRAFT_POSTS`].
    TooManyPosts,
    /// A post's text is over [`MAX_DRAFT_TEXT_CHARS`].
    TextTooLong {
        /// Which post (0-based).
        step: usize,
    },
    /// More images than X takes, or an alt text over X's limit.
    Media {
        /// Which post (0-based).
        step: usize,
    },
}

impl DraftError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        "draft_invalid"
    }

    /// The post it is about.
    pub fn step(&self) -> Option<usize> {
        match self {
            DraftError::NoPosts | DraftError::TooManyPosts => None,
            DraftError::TextTooLong { step } | DraftError::Media { step } => Some(*step),
        }
    }
}

impl Draft {
    /// A draft with one empty post.
    pub fn empty(account_id: Option<String>) -> Self {
        Draft {
            account_id,
            posts: vec![DraftPost::default()],
            updated_ms: 0,
        }
    }

    /// Checks the bounds a stored draft keeps.
    pub fn check(&self) -> Result<(), DraftError> {
        if self.posts.is_empty() {
            return Err(DraftError::NoPosts);
        }
        if self.posts.len() > MAX_DRAFT_POSTS {
            return Err(DraftError::TooManyPosts);
        }
        for (step, post) in self.posts.iter().enumerate() {
            if post.text.chars().count() > MAX_DRAFT_TEXT_CHARS {
                return Err(DraftError::TextTooLong { step });
            }
            if post.media.len() > MAX_IMAGES
                || post
                    .media
                    .iter()
                    .any(|m| m.alt.chars().count() > MAX_ALT_CHARS)
            {
                return Err(DraftError::Media { step });
            }
        }
        Ok(())
    }

    /// The media-store keys of every image in the draft.
    pub fn media_ids(&self) -> impl Iterator<Item = &str> {
        self.posts
            .iter()
            .flat_map(|p| p.media.iter().map(|m| m.media_id.as_str()))
    }

    /// Adds shared text (a right-click share) to the last post: after a blank line when it
    /// has text, else as its text.
    pub fn append_share(&mut self, shared: &str) {
        if self.posts.is_empty() {
            self.posts.push(DraftPost::default());
        }
        if let Some(last) = self.posts.last_mut() {
            if last.text.trim().is_empty() {
                last.text = shared.to_owned();
            } else {
                let kept = last.text.trim_end().to_owned();
                last.text = format!("{kept}\n\n{shared}");
            }
        }
    }
}
