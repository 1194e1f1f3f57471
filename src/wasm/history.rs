//! The sent-post history (the popup's Sent list) in `storage.local` under `history`, sealed
//! with the data key ([`crate::sealed`], kind `history`), and its one owner: the composer and
//! the scheduler both record through [`record`], which reads, adds and stores under one lock,
//! so neither writes back a copy read before the other's post.

use super::AppError;
use super::at_rest;
use crate::compose::{self, SentPost};
use crate::sealed::Kind;
use crate::vault::Dek;

/// `storage.local` key of the history (`[SentPost]`, newest first, sealed).
pub const HISTORY_KEY: &str = "history";

/// One read-add-store of the history at a time in this worker. (A trap cannot leave it held:
/// the background drops the module.)
static HISTORY_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

async fn load(dek: &Dek) -> Result<Vec<SentPost>, AppError> {
    Ok(at_rest::get(HISTORY_KEY, Kind::History, dek)
        .await?
        .unwrap_or_default())
}

/// Adds a post that is on X ([`compose::remember`]: newest first, bounded per account, never
/// twice). `fallback` is the key the send began with, used when the vault was locked
/// meanwhile. A history that no longer opens (another vault's) is started again.
pub async fn record(post: SentPost, fallback: &Dek) -> Result<(), AppError> {
    let _guard = HISTORY_WRITE.lock().await;
    let dek = at_rest::key(Some(fallback)).await?;
    let mut history = match load(&dek).await {
        Err(e) if e.code == "sealed_unopenable" || e.code == "sealed_malformed" => Vec::new(),
        other => other?,
    };
    compose::remember(&mut history, post);
    at_rest::put(HISTORY_KEY, Kind::History, &history, &dek).await
}

/// The history, newest first; only `account_id`'s posts when one is given. `locked` while
/// the vault is locked (the list is sealed).
pub async fn list(account_id: Option<&str>) -> Result<Vec<SentPost>, AppError> {
    let dek = at_rest::key(None).await?;
    let mut history = load(&dek).await?;
    if let Some(account_id) = account_id {
        history.retain(|p| p.account_id == account_id);
    }
    Ok(history)
}

/// Re-seals the history from `old` to `new` under its lock ([`at_rest::reseal_all`]).
pub async fn reseal(old: &Dek, new: &Dek) -> Result<bool, AppError> {
    let _guard = HISTORY_WRITE.lock().await;
    at_rest::reseal_history_record(HISTORY_KEY, old, new).await
}
