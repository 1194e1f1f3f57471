//! The one task that changes the data key (a passphrase change): the new vault record and
//! every record sealed with the data key are stored in **one** `storage.local` write, planned
//! by the core ([`crate::rekey`]).
//!
//! It holds every sealed record's write lock (vault, draft and outbox, history, queue, in that
//! order; nothing else takes two of them) from reading the records to storing them and giving
//! the session the new key, so no write sealed with the old key can land after the records
//! were read. A stop before the write changes nothing (the old passphrase still opens
//! everything); after it, everything is under the new key (the new passphrase opens it all).

use serde_json::Value;

use super::AppError;
use super::at_rest::{self, DRAFT_KEY, OUTBOX_KEY};
use super::history::{self, HISTORY_KEPT_KEY, HISTORY_KEY};
use super::platform::{self, Area, BrowserEntropy};
use super::schedule::store::{self as queue, QUEUE_KEY};
use super::session;
use crate::rekey::{self, Record, Stored, Unopenable};
use crate::vault::Rotation;

/// The storage key of each record a re-key moves.
fn storage_key(record: Record) -> &'static str {
    match record {
        Record::Draft => DRAFT_KEY,
        Record::Outbox => OUTBOX_KEY,
        Record::History => HISTORY_KEY,
        Record::HistoryKept => HISTORY_KEPT_KEY,
        Record::Queue => QUEUE_KEY,
    }
}

/// Stores `rotation` (the new vault record) and every sealed record moved to its key, in one
/// write, then gives a live session the new key. The caller holds the vault's write lock.
/// Answers what opened with neither key (kept as it was).
///
/// # Errors
/// A storage fault (then nothing was written), or sealing failed.
pub async fn apply(rotation: &Rotation) -> Result<Unopenable, AppError> {
    let _records = at_rest::records_lock().await;
    let _history = history::lock().await;
    let _queue = queue::lock().await;
    let stored = Stored {
        draft: platform::get(Area::Local, DRAFT_KEY).await?,
        outbox: platform::get(Area::Local, OUTBOX_KEY).await?,
        history: platform::get(Area::Local, HISTORY_KEY).await?,
        history_kept: platform::get(Area::Local, HISTORY_KEPT_KEY).await?,
        queue: platform::get(Area::Local, QUEUE_KEY).await?,
    };
    let plan = rekey::plan(
        stored,
        rotation.old_dek(),
        rotation.new_dek(),
        &mut BrowserEntropy,
    )?;
    let mut writes = vec![(session::VAULT_KEY, Value::String(rotation.record.to_json()))];
    writes.extend(
        plan.writes
            .into_iter()
            .map(|(record, value)| (storage_key(record), value)),
    );
    platform::set_many(Area::Local, &writes).await?;
    // The old key opens nothing any more: a live session goes on with the new one, before any
    // record's lock is released.
    if session::has_session().await? {
        session::begin(rotation.new_dek()).await?;
    }
    Ok(plan.unopenable)
}
