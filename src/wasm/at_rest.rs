//! Wiring of the core's [`crate::sealed`] rules: which key seals a write, reading and writing
//! the sealed records of `storage.local` (`draft`, `outbox`, `history`; the queue's contents
//! are in [`super::schedule`]), and [`reseal_all`] for a change of the data key.
//!
//! Every write of a sealed record takes the key *inside* the record's lock ([`key`]), so a
//! [`reseal_all`] that holds the same locks after the key changed sees every write made with
//! the old key.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::AppError;
use super::platform::{self, Area};
use super::session::{self, BrowserEntropy};
use crate::sealed::{self, Kind, Stored};
use crate::vault::Dek;

/// `storage.local` key of the composer's draft.
pub const DRAFT_KEY: &str = "draft";
/// `storage.local` key of the composer's outbox.
pub const OUTBOX_KEY: &str = "outbox";

/// One change of the draft or the outbox at a time (their writes and [`reseal_all`]). The
/// history and the queue have their own locks.
static RECORDS_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Holds the draft-and-outbox write lock.
pub async fn records_lock() -> async_lock::MutexGuard<'static, ()> {
    RECORDS_WRITE.lock().await
}

/// The data key of the live session, checked against the stored vault record; `None` while
/// locked (or when the session's key no longer opens the vault).
pub async fn current_dek() -> Option<Dek> {
    session::open(false).await.ok().map(|o| o.dek)
}

/// The key to seal a write with: the session's, else `fallback` (the key a post or a send
/// began with, so what is on X is written down even when the vault is locked meanwhile),
/// else `locked`.
pub async fn key(fallback: Option<&Dek>) -> Result<Dek, AppError> {
    match current_dek().await {
        Some(dek) => Ok(dek),
        None => fallback.cloned().ok_or_else(|| AppError::new("locked")),
    }
}

/// Reads a sealed record (or one stored before sealing, in clear).
///
/// # Errors
/// `storage_malformed` when it is neither, `sealed_unopenable` when it does not open with
/// `dek`, a storage fault.
pub async fn get<T: DeserializeOwned>(
    key: &str,
    kind: Kind,
    dek: &Dek,
) -> Result<Option<T>, AppError> {
    let Some(value) = platform::get::<Value>(Area::Local, key).await? else {
        return Ok(None);
    };
    let stored = Stored::<T>::from_value(value).map_err(|_| AppError::new("storage_malformed"))?;
    Ok(Some(stored.open(dek, kind)?))
}

/// Seals a record with `dek` (fresh nonce) and stores it.
pub async fn put<T: Serialize>(
    key: &str,
    kind: Kind,
    value: &T,
    dek: &Dek,
) -> Result<(), AppError> {
    let sealed = sealed::seal_json(dek, kind, value, &mut BrowserEntropy)?;
    platform::set(Area::Local, key, &sealed).await
}

/// Re-seals one stored record from `old` to `new`. Already under `new` (or absent): nothing.
/// In clear (stored before sealing): sealed with `new`. Opening with neither key: left as it
/// is (it was unreadable before the change too), reported in the answer.
async fn reseal_record(key: &str, kind: Kind, old: &Dek, new: &Dek) -> Result<bool, AppError> {
    let Some(value) = platform::get::<Value>(Area::Local, key).await? else {
        return Ok(true);
    };
    let sealed = match value {
        Value::String(s) if sealed::is_sealed(&s) => {
            if sealed::open(new, kind, &s).is_ok() {
                return Ok(true);
            }
            match sealed::reseal(old, new, kind, &s, &mut BrowserEntropy) {
                Ok(blob) => blob,
                Err(_) => return Ok(false),
            }
        }
        clear => {
            let bytes = serde_json::to_vec(&clear).map_err(|_| AppError::new("internal"))?;
            sealed::seal(new, kind, &bytes, &mut BrowserEntropy)?
        }
    };
    platform::set(Area::Local, key, &sealed).await?;
    Ok(true)
}

/// Re-seals everything the user wrote that is sealed with the data key (draft, outbox, Sent
/// history, the contents of every scheduled item) from `old` to `new`, for a change of the
/// data key. Call it after the new key is in the stored record and in the session (so every
/// later write already uses it), still inside the passphrase-change lock. It holds each
/// record's write lock while it re-seals that record, so a write that took the old key
/// before the change is waited for, then re-sealed. Idempotent: a record already under `new`
/// is left as it is, and a record in clear is sealed with `new`.
///
/// Answers the storage keys of the records that opened with neither key (left unchanged).
///
/// # Errors
/// A storage fault, or a stored queue that is not a queue.
pub async fn reseal_all(old: &Dek, new: &Dek) -> Result<Vec<&'static str>, AppError> {
    let mut unreadable = Vec::new();
    {
        let _guard = records_lock().await;
        if !reseal_record(DRAFT_KEY, Kind::Draft, old, new).await? {
            unreadable.push(DRAFT_KEY);
        }
        if !reseal_record(OUTBOX_KEY, Kind::Outbox, old, new).await? {
            unreadable.push(OUTBOX_KEY);
        }
    }
    if !super::history::reseal(old, new).await? {
        unreadable.push(super::history::HISTORY_KEY);
    }
    if !super::schedule::reseal_queue(old, new).await? {
        unreadable.push("queue");
    }
    Ok(unreadable)
}

/// [`reseal_record`] for the history, under the history's lock (held by the caller).
pub(super) async fn reseal_history_record(
    key: &str,
    old: &Dek,
    new: &Dek,
) -> Result<bool, AppError> {
    reseal_record(key, Kind::History, old, new).await
}
