//! The sent-post history (the popup's Sent list) in `storage.local` under `history`, and its one
//! owner: the composer and the scheduler both record through [`record`], which reads, adds and
//! stores under one lock, so neither writes back a copy read before the other's post.

use super::AppError;
use super::platform::{self, Area};
use crate::compose::{self, SentPost};

/// `storage.local` key of the history (`[SentPost]`, newest first).
const HISTORY_KEY: &str = "history";

/// One read-add-store of the history at a time in this worker. (A trap cannot leave it held:
/// the background drops the module.)
static HISTORY_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

async fn load() -> Result<Vec<SentPost>, AppError> {
    Ok(platform::get(Area::Local, HISTORY_KEY)
        .await?
        .unwrap_or_default())
}

/// Adds a post that is on X ([`compose::remember`]: newest first, bounded per account, never
/// twice).
pub async fn record(post: SentPost) -> Result<(), AppError> {
    let _guard = HISTORY_WRITE.lock().await;
    let mut history = load().await?;
    compose::remember(&mut history, post);
    platform::set(Area::Local, HISTORY_KEY, &history).await
}

/// The history, newest first; only `account_id`'s posts when one is given.
pub async fn list(account_id: Option<&str>) -> Result<Vec<SentPost>, AppError> {
    let mut history = load().await?;
    if let Some(account_id) = account_id {
        history.retain(|p| p.account_id == account_id);
    }
    Ok(history)
}
