//! What a passphrase change re-seals besides the accounts.
//!
//! A passphrase change draws a new data key (`vault::change_passphrase` gives a
//! [`Rotation`]). Every other record sealed with the data key (drafts, the outbox, the Sent
//! history, scheduled posts' contents: the at-rest work) must be re-sealed from the old key to
//! the new one and stored in the same `storage.local` write as the new vault record, or it
//! would no longer open. [`resealed_records`] is that hook: it reads each such record,
//! re-seals it with the rotation's two keys (`Rotation::reseal_all`, or the record's own
//! re-sealer) and gives back the `(storage key, new value)` pairs; it writes nothing.
//!
//! The contract for every record sealed with the data key:
//! - its writer holds `session::write_lock()` from reading the session's data key to storing
//!   the sealed record (taking the record's own lock first, if it has one, never after);
//! - this hook runs under that same lock (in `msg_vault::change_passphrase`) and takes no
//!   record lock, so a writer waiting for the lock seals with the new key once the change is
//!   stored and the session holds the new key.

use serde_json::Value;

use super::AppError;
use crate::vault::Rotation;

/// The records to store with the new vault record, re-sealed from the rotation's old key to
/// its new one: `(storage.local key, value)`. Nothing else is sealed with the data key yet.
pub(super) async fn resealed_records(
    rotation: &Rotation,
) -> Result<Vec<(&'static str, Value)>, AppError> {
    let records: Vec<(&'static str, Value)> = Vec::new();
    rotation.reseal_all(records, |_old, _new, record| Ok::<_, AppError>(record))
}
