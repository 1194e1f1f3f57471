//! Wiring of the core's [`crate::sealed`] rules: which key seals a write, and reading and
//! writing the sealed records of `storage.local` (`draft`, `outbox`, `history`; the queue's
//! contents are in [`super::schedule`]).
//!
//! Every write of a sealed record takes the key *inside* the record's lock ([`key`]): a change
//! of the data key ([`super::rekey`]) holds every record's lock while it moves them all in one
//! write, so a write waits for it and then seals with the new key.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::AppError;
use super::platform::{self, Area, BrowserEntropy};
use super::session;
use crate::sealed::{self, Kind, Stored};
use crate::vault::Dek;

/// `storage.local` key of the composer's draft.
pub const DRAFT_KEY: &str = "draft";
/// `storage.local` key of the composer's outbox.
pub const OUTBOX_KEY: &str = "outbox";

/// One change of the draft or the outbox at a time (their writes and a re-key). The history
/// and the queue have their own locks.
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
/// began with, so what is on X is written down even when the vault is locked meanwhile) when
/// it is still the stored vault's key, else `locked`.
///
/// A key a passphrase change retired is never used: what it sealed now would open with no
/// key the user has. The record stays as the change left it (an outbox keeps its in-flight
/// marker, so the step is settled by the user, never resent blindly).
pub async fn key(fallback: Option<&Dek>) -> Result<Dek, AppError> {
    if let Some(dek) = current_dek().await {
        return Ok(dek);
    }
    let Some(fallback) = fallback else {
        return Err(AppError::new("locked"));
    };
    match session::record().await? {
        Some(record) if crate::vault::open(&record, fallback).is_ok() => Ok(fallback.clone()),
        _ => Err(AppError::new("locked")),
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
