//! The slots record (`storage.local` key `slots`): every account's posting slots in one record
//! with one owner, [`change`]. The slot messages ([`super::slots`]) read and change it, and an
//! account's removal forgets its slots ([`forget`]).

use std::collections::HashMap;

use crate::slots::Slot;
use crate::worker::AppError;
use crate::worker::platform::{self, Area};

/// `storage.local` key of every account's slots: `{account_id: [slot]}`.
const SLOTS_KEY: &str = "slots";

/// The slots record's one owner: a change reads, applies and stores under this lock, with no
/// other wait in between.
static SLOTS_LOCK: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Every account's slots, by account id.
pub type Record = HashMap<String, Vec<Slot>>;

async fn load() -> Result<Record, AppError> {
    Ok(platform::get(Area::Local, SLOTS_KEY)
        .await?
        .unwrap_or_default())
}

/// Applies `change` to the stored record and stores it, serialised with every other change.
/// A refusal (`Err`) stores nothing.
pub async fn change<T>(
    change: impl FnOnce(&mut Record) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let _guard = SLOTS_LOCK.lock().await;
    let mut record = load().await?;
    let answer = change(&mut record)?;
    platform::set(Area::Local, SLOTS_KEY, &record).await?;
    Ok(answer)
}

/// Every account's slots, read under the owner's lock.
pub async fn all() -> Result<Record, AppError> {
    let _guard = SLOTS_LOCK.lock().await;
    load().await
}

/// The slots of one account (none when it has none), read under the owner's lock.
pub async fn of(account_id: &str) -> Result<Vec<Slot>, AppError> {
    let _guard = SLOTS_LOCK.lock().await;
    Ok(load().await?.remove(account_id).unwrap_or_default())
}

/// Drops the slots of a removed account (a storage fault is only a stale entry: it names an
/// account that no longer exists and is never shown).
pub async fn forget(account_id: &str) {
    let _ = change(|record| Ok(record.remove(account_id))).await;
}
