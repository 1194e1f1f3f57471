//! Where the composer's post is, for the popup (`storage.session` key `post_progress`): written
//! while a post uploads and goes out (the composer's own, never a scheduled one), read by the
//! `post_progress` message.

use serde::Serialize;
use serde_json::{Value, json};

use super::AppError;
use super::platform::{self, Area};

/// `storage.session` key of the composer's progress.
const PROGRESS_KEY: &str = "post_progress";

/// One moment of the composer's post.
#[derive(Serialize)]
pub struct Progress {
    /// Whether a post is under way.
    pub active: bool,
    /// The step (post of the thread) under way.
    pub step: usize,
    /// How many steps the thread has.
    pub steps: usize,
    /// `uploading`, `posting` or `done`.
    pub phase: &'static str,
    /// Bytes of the current image sent so far.
    pub uploaded_bytes: u64,
    /// The current image's size.
    pub total_bytes: u64,
}

/// Stores the progress. Best effort: a failed write must not fail the post.
pub async fn set(p: &Progress) {
    let _ = platform::set(Area::Session, PROGRESS_KEY, p).await;
}

/// The stored progress, or `{active: false}`.
pub async fn get() -> Result<Value, AppError> {
    Ok(platform::get(Area::Session, PROGRESS_KEY)
        .await?
        .unwrap_or_else(|| json!({ "active": false })))
}
