//! The sent-post history (the popup's Sent list) in `storage.local` under `history`, sealed
//! with the data key ([`crate::sealed`], kind `history`), and its one owner: the composer and
//! the scheduler both record through [`record`], which reads, adds and stores under one lock,
//! so neither writes back a copy read before the other's post.
//!
//! A history that does not open with the current key (another vault's, after a backup
//! replaced the vault) is never replaced: it is set aside under `history_kept`
//! ([`crate::sealed::kept`]), in the same write as the new history, and comes back when its
//! vault does.

use serde_json::Value;

use super::AppError;
use super::at_rest;
use super::platform::{self, Area, BrowserEntropy};
use crate::compose::{self, SentPost};
use crate::sealed::{self, Kind, kept};
use crate::vault::Dek;

/// `storage.local` key of the history (`[SentPost]`, newest first, sealed).
pub const HISTORY_KEY: &str = "history";
/// `storage.local` key of the histories set aside (sealed strings, newest first).
pub const HISTORY_KEPT_KEY: &str = "history_kept";

/// Holds the history's write lock (a re-key holds it while it moves the history).
pub async fn lock() -> async_lock::MutexGuard<'static, ()> {
    HISTORY_WRITE.lock().await
}

/// One read-add-store of the history at a time in this worker. (A trap cannot leave it held:
/// the background drops the module.)
static HISTORY_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

async fn load(dek: &Dek) -> Result<Option<Vec<SentPost>>, AppError> {
    at_rest::get(HISTORY_KEY, Kind::History, dek).await
}

/// Adds a post that is on X ([`compose::remember`]: newest first, bounded per account, never
/// twice). `fallback` is the key the send began with, used when the vault was locked
/// meanwhile and it is still the vault's key. A stored history that does not open with the
/// key is set aside (never replaced), and a set-aside one that opens comes back, in the same
/// write.
pub async fn record(post: SentPost, fallback: &Dek) -> Result<(), AppError> {
    let _guard = HISTORY_WRITE.lock().await;
    let dek = at_rest::key(Some(fallback)).await?;
    let (mut history, kept_list) = match load(&dek).await {
        Err(e) if e.code == "sealed_unopenable" || e.code == "sealed_malformed" => {
            swap_aside(&dek).await?
        }
        other => (other?.unwrap_or_default(), None),
    };
    compose::remember(&mut history, post);
    let sealed = sealed::seal_json(&dek, Kind::History, &history, &mut BrowserEntropy)?;
    let mut writes = vec![(HISTORY_KEY, Value::String(sealed))];
    if let Some(list) = kept_list {
        writes.push((
            HISTORY_KEPT_KEY,
            serde_json::to_value(list).unwrap_or(Value::Null),
        ));
    }
    platform::set_many(Area::Local, &writes).await
}

/// The stored history does not open with `dek`: it goes aside, and the set-aside history
/// that opens with `dek` (if any) is the one to add to. Answers that history and the new list.
async fn swap_aside(dek: &Dek) -> Result<(Vec<SentPost>, Option<Vec<String>>), AppError> {
    let mut list: Vec<String> = platform::get(Area::Local, HISTORY_KEPT_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let back = kept::take_opening(&mut list, dek);
    if let Some(Value::String(current)) = platform::get::<Value>(Area::Local, HISTORY_KEY).await? {
        kept::set_aside(&mut list, current);
    }
    let history = match back {
        Some(blob) => sealed::open_json(dek, Kind::History, &blob)?,
        None => Vec::new(),
    };
    Ok((history, Some(list)))
}

/// The history, newest first; only `account_id`'s posts when one is given. `locked` while
/// the vault is locked (the list is sealed).
pub async fn list(account_id: Option<&str>) -> Result<Vec<SentPost>, AppError> {
    let dek = at_rest::key(None).await?;
    let mut history = load(&dek).await?.unwrap_or_default();
    if let Some(account_id) = account_id {
        history.retain(|p| p.account_id == account_id);
    }
    Ok(history)
}
