//! The records a vault's data key seals (draft, outbox, Sent list, set-aside Sent lists, the
//! queue) go with their vault: an import that replaces the vault sets them aside beside the
//! replaced vault (`vault_previous_records`, owned with it by [`session`]), in the same write as
//! the new vault, and restoring the replaced vault brings them back, setting aside the current
//! vault's in their turn. So for as long as the replaced vault is kept (7 days after the new one
//! is first unlocked), nothing of it is overwritten, dropped or failed for not opening with the
//! new key; discarding it (or its time running out) drops them with it.
//!
//! Every record's lock is held meanwhile ([`Held`]), as for a passphrase change.

use serde_json::{Map, Value};

use super::AppError;
use super::at_rest::{self, DRAFT_KEY, OUTBOX_KEY};
use super::history::{self, HISTORY_KEPT_KEY, HISTORY_KEY};
use super::platform::{self, Area};
use super::schedule::store::{self as queue, QUEUE_KEY};
use super::session;

/// The storage keys of the records a vault's data key seals.
const RECORDS: [&str; 5] = [
    DRAFT_KEY,
    OUTBOX_KEY,
    HISTORY_KEY,
    HISTORY_KEPT_KEY,
    QUEUE_KEY,
];

/// Every record's lock, held while the records are read and swapped.
pub struct Held {
    _records: async_lock::MutexGuard<'static, ()>,
    _history: async_lock::MutexGuard<'static, ()>,
    _queue: async_lock::MutexGuard<'static, ()>,
}

/// Takes every record's lock (in the passphrase change's order).
pub async fn hold() -> Held {
    Held {
        _records: at_rest::records_lock().await,
        _history: history::lock().await,
        _queue: queue::lock().await,
    }
}

/// The records as stored now, by storage key (absent ones left out).
pub async fn current(_held: &Held) -> Result<Map<String, Value>, AppError> {
    let mut records = Map::new();
    for key in RECORDS {
        if let Some(value) = platform::get::<Value>(Area::Local, key).await? {
            records.insert(key.to_owned(), value);
        }
    }
    Ok(records)
}

/// The records set aside with the replaced vault (none when there are none).
pub async fn kept(_held: &Held) -> Result<Map<String, Value>, AppError> {
    Ok(
        platform::get::<Map<String, Value>>(Area::Local, session::PREVIOUS_RECORDS_KEY)
            .await?
            .unwrap_or_default(),
    )
}

/// The writes that make the records `incoming`: each of them as it is there, and null (which
/// reads as absent) for the others, so that one `set_many` swaps them whole.
pub fn swap_to(incoming: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    RECORDS
        .iter()
        .map(|key| (*key, incoming.get(*key).cloned().unwrap_or(Value::Null)))
        .collect()
}
