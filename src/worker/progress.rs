//! Where the composer's post is, for the popup (`storage.session` key `post_progress`): written
//! while a post uploads and goes out (the composer's own, never a scheduled one), read by the
//! `post_progress` message.

use super::AppError;
use super::platform::{self, Area};
pub use super::protocol::answers::{Phase, Progress};

/// `storage.session` key of the composer's progress.
const PROGRESS_KEY: &str = "post_progress";

/// Stores the progress. Best effort: a failed write must not fail the post.
pub async fn set(p: &Progress) {
    let _ = platform::set(Area::Session, PROGRESS_KEY, p).await;
}

/// The stored progress, or none under way.
pub async fn get() -> Result<Progress, AppError> {
    Ok(platform::get(Area::Session, PROGRESS_KEY)
        .await?
        .unwrap_or(Progress {
            active: false,
            step: 0,
            steps: 0,
            phase: Phase::Done,
            uploaded_bytes: 0,
            total_bytes: 0,
        }))
}
