//! A change of the data key (a passphrase change draws a new DEK): what must move, decided
//! as one plan so that the worker stores it in **one** atomic write together with the new
//! vault record.
//!
//! Why one write: until round 3 the worker stored the new vault record first and then
//! re-sealed the draft, the outbox, the Sent history and the queue one write each, with the
//! old key only in memory. A worker stop, a closed browser or a storage error in between left
//! every record not yet moved unreadable forever, the outbox's in-flight marker with them.
//! Chrome's `storage.local.set` with several keys is one LevelDB write batch (Firefox: one
//! IndexedDB transaction): a reader, and a restart, see all of them or none. So a stop before
//! the write changes nothing (the old passphrase still opens everything) and a stop after it
//! has changed everything (the new one does).
//!
//! The rules per record ([`move_record`]):
//! - absent: nothing to write;
//! - sealed and already opening with the new key: left as it is (a plan may be made twice);
//! - sealed and opening with the old key: re-sealed with the new key (fresh nonce);
//! - in clear (stored before sealing): sealed with the new key;
//! - opening with neither key (from a vault a backup replaced): **kept exactly as it was**
//!   and named in [`Plan::unopenable`], never a reason to give up the others.
//!
//! The queue moves item by item ([`StoredQueue::reseal`]): an item or series that opens with
//! neither key is kept and named; the others move. A stored queue that is not a queue is kept
//! and named as a whole.
//!
//! Sans-IO: the worker reads the stored values, calls [`plan`], and writes
//! [`Plan::writes`] with the new vault record.

use serde::Serialize;
use serde_json::Value;

use crate::schedule::{ItemId, SeriesId};
use crate::sealed::{self, Kind, SealedError, StoredQueue};
use crate::vault::{Dek, Entropy};

/// The records a change of the data key moves, as stored (`None` when absent).
#[derive(Clone, Debug, Default)]
pub struct Stored {
    /// The composer's draft.
    pub draft: Option<Value>,
    /// The composer's outbox (a post or thread on its way; its in-flight marker).
    pub outbox: Option<Value>,
    /// The Sent history.
    pub history: Option<Value>,
    /// Sent histories set aside because they did not open with the key of their time (a list
    /// of sealed strings, kept so that restoring their vault brings them back).
    pub history_kept: Option<Value>,
    /// The queue's JSON text.
    pub queue: Option<String>,
}

/// One record of [`Stored`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    /// [`Stored::draft`].
    Draft,
    /// [`Stored::outbox`].
    Outbox,
    /// [`Stored::history`].
    History,
    /// [`Stored::history_kept`].
    HistoryKept,
    /// [`Stored::queue`].
    Queue,
}

/// What opened with neither key and was kept as it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Unopenable {
    /// Whole records.
    pub records: Vec<Record>,
    /// Queued items whose contents (texts, alt texts) did not open.
    pub items: Vec<ItemId>,
    /// Repeating series whose texts did not open.
    pub series: Vec<SeriesId>,
}

impl Unopenable {
    /// Whether everything moved.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.items.is_empty() && self.series.is_empty()
    }
}

/// What to write, beside the new vault record, in the same write.
#[derive(Debug, Default)]
pub struct Plan {
    /// The records to store, each with its new value. Records left as they were are absent.
    pub writes: Vec<(Record, Value)>,
    /// What was kept because it opened with neither key.
    pub unopenable: Unopenable,
}

/// The plan for moving every record of `stored` from `old` to `new`.
///
/// # Errors
/// [`SealedError::EncryptionFailed`] or [`SealedError::Json`] when sealing itself fails
/// (nothing is written then); a record that does not open is not an error.
pub fn plan<E: Entropy + ?Sized>(
    stored: Stored,
    old: &Dek,
    new: &Dek,
    entropy: &mut E,
) -> Result<Plan, SealedError> {
    let mut plan = Plan::default();
    let singles = [
        (Record::Draft, Kind::Draft, stored.draft),
        (Record::Outbox, Kind::Outbox, stored.outbox),
        (Record::History, Kind::History, stored.history),
    ];
    for (record, kind, value) in singles {
        match move_record(value, kind, old, new, entropy)? {
            Moved::Unchanged => {}
            Moved::Write(v) => plan.writes.push((record, v)),
            Moved::Unopenable => plan.unopenable.records.push(record),
        }
    }
    if let Some(kept) = stored.history_kept {
        if let Some(v) = move_kept_histories(kept, old, new, entropy)? {
            plan.writes.push((Record::HistoryKept, v));
        }
    }
    if let Some(json) = stored.queue {
        match StoredQueue::reseal(&json, old, new, entropy) {
            Ok(moved) => {
                plan.unopenable.items = moved.unopenable;
                plan.unopenable.series = moved.unopenable_series;
                plan.writes.push((Record::Queue, Value::String(moved.json)));
            }
            Err(_) => plan.unopenable.records.push(Record::Queue),
        }
    }
    Ok(plan)
}

/// What happens to one stored record.
#[derive(Debug, PartialEq)]
pub enum Moved {
    /// Absent or already under the new key: nothing to write.
    Unchanged,
    /// The record's new stored value.
    Write(Value),
    /// It opens with neither key: kept as it is.
    Unopenable,
}

/// Moves one stored record of `kind` from `old` to `new` (the rules in the module's doc).
///
/// # Errors
/// When sealing fails.
pub fn move_record<E: Entropy + ?Sized>(
    value: Option<Value>,
    kind: Kind,
    old: &Dek,
    new: &Dek,
    entropy: &mut E,
) -> Result<Moved, SealedError> {
    let Some(value) = value else {
        return Ok(Moved::Unchanged);
    };
    match value {
        Value::String(s) if sealed::is_sealed(&s) => {
            if sealed::open(new, kind, &s).is_ok() {
                return Ok(Moved::Unchanged);
            }
            match sealed::reseal(old, new, kind, &s, entropy) {
                Ok(moved) => Ok(Moved::Write(Value::String(moved))),
                Err(SealedError::EncryptionFailed) => Err(SealedError::EncryptionFailed),
                Err(_) => Ok(Moved::Unopenable),
            }
        }
        clear => {
            let bytes =
                zeroize::Zeroizing::new(serde_json::to_vec(&clear).map_err(|_| SealedError::Json)?);
            Ok(Moved::Write(Value::String(sealed::seal(
                new, kind, &bytes, entropy,
            )?)))
        }
    }
}

/// The kept histories with those that open with `old` moved to `new` (the others as they
/// were); `None` when nothing changed.
fn move_kept_histories<E: Entropy + ?Sized>(
    kept: Value,
    old: &Dek,
    new: &Dek,
    entropy: &mut E,
) -> Result<Option<Value>, SealedError> {
    let Value::Array(blobs) = kept else {
        return Ok(None);
    };
    let mut changed = false;
    let mut out = Vec::with_capacity(blobs.len());
    for blob in blobs {
        match move_record(Some(blob.clone()), Kind::History, old, new, entropy)? {
            Moved::Write(v) => {
                changed = true;
                out.push(v);
            }
            Moved::Unchanged | Moved::Unopenable => out.push(blob),
        }
    }
    Ok(changed.then_some(Value::Array(out)))
}
