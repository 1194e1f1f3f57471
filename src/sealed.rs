//! What the user wrote, sealed at rest with the vault's data key (the DEK).
//!
//! The vault seals the accounts; this module seals everything else the user wrote that the
//! worker keeps in `storage.local`: the composer's draft, its outbox (a post or thread on its
//! way), the Sent history, and the contents (texts and alt texts) of scheduled posts. Sans-IO:
//! the worker brings the key and the randomness and stores the strings this module returns.
//!
//! # Format
//!
//! A sealed value is one string, `kps1.` followed by standard base64 of a 12-byte nonce and the
//! AES-256-GCM ciphertext (tag appended) of the value's JSON. Every write draws a fresh nonce.
//! The associated data names the record kind (and, for a scheduled item, its id):
//! `keypost-sealed;v=1;kind=draft`, `...;kind=outbox`, `...;kind=history`,
//! `...;kind=queue_item;id=7`. So a blob moved from one record to another (the outbox into the
//! draft, item 3's text into item 7) does not open.
//!
//! # The queue
//!
//! The scheduler must work while the vault is locked (due times, states, "needs unlock", the
//! alarm), so the queue stays the core's [`Queue`] in clear with only each item's *contents*
//! taken out: every post's text and every image's alt text are blanked in the clear queue and
//! sealed per item in `contents` ([`StoredQueue`]). What stays clear: ids, account ids, due
//! times, states, attempts, the per-item history of outcomes, how many posts an item has, and
//! the media-store keys of its images (random UUIDs the scheduler needs to delete them).
//!
//! # Migration
//!
//! A record stored before sealing (plain JSON) still reads ([`Stored::Clear`]); the worker
//! writes it back sealed at its next write. A sealed record never goes back to clear.
//!
//! # Key rotation
//!
//! [`reseal`] opens a blob with the old key and seals it with the new one (same kind, fresh
//! nonce); [`StoredQueue::reseal`] does so for every item of a stored queue.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zeroize::Zeroizing;

pub mod kept;
mod queue;
mod series;

pub use queue::{LoadedQueue, Resealed, StoredQueue};

use crate::schedule::{ItemId, SeriesId};
use crate::vault::{self, Dek, Entropy};

/// What every sealed string starts with.
pub const PREFIX: &str = "kps1.";

/// Which record a sealed value belongs to: bound into the associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The composer's draft (`storage.local` `draft`).
    Draft,
    /// The composer's outbox (`outbox`).
    Outbox,
    /// The Sent history (`history`).
    History,
    /// The contents of one scheduled item (`queue`), by its id.
    QueueItem(ItemId),
    /// The texts of one recurring series (`queue`), by its id.
    Series(SeriesId),
}

impl Kind {
    fn aad(self) -> Vec<u8> {
        match self {
            Kind::Draft => b"keypost-sealed;v=1;kind=draft".to_vec(),
            Kind::Outbox => b"keypost-sealed;v=1;kind=outbox".to_vec(),
            Kind::History => b"keypost-sealed;v=1;kind=history".to_vec(),
            Kind::QueueItem(id) => {
                format!("keypost-sealed;v=1;kind=queue_item;id={}", id.0).into_bytes()
            }
            Kind::Series(id) => format!("keypost-sealed;v=1;kind=series;id={}", id.0).into_bytes(),
        }
    }
}

/// Why a sealed value could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealedError {
    /// Not a sealed string (no prefix, bad base64, too short).
    Malformed,
    /// It does not open with this key for this record: another key (the vault was replaced
    /// or its key rotated without this record), another record's blob, or altered bytes.
    Unopenable,
    /// Encryption failed (cannot happen with a 32-byte key).
    EncryptionFailed,
    /// The opened bytes are not the record's JSON (or the value could not be written as JSON).
    Json,
}

impl SealedError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SealedError::Malformed | SealedError::Json => "sealed_malformed",
            SealedError::Unopenable => "sealed_unopenable",
            SealedError::EncryptionFailed => "sealed_failed",
        }
    }
}

impl std::fmt::Display for SealedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for SealedError {}

/// Whether `text` is a sealed string (it may still fail to open).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// Seals `plaintext` for `kind` under `dek` with a fresh nonce.
///
/// # Errors
/// [`SealedError::EncryptionFailed`].
pub fn seal<E: Entropy + ?Sized>(
    dek: &Dek,
    kind: Kind,
    plaintext: &[u8],
    entropy: &mut E,
) -> Result<String, SealedError> {
    let raw = vault::seal_blob(dek, &kind.aad(), plaintext, entropy)
        .map_err(|_| SealedError::EncryptionFailed)?;
    Ok(format!("{PREFIX}{}", B64.encode(raw)))
}

/// Opens a string written by [`seal`] for the same `kind` and key.
///
/// # Errors
/// [`SealedError::Malformed`] or [`SealedError::Unopenable`].
pub fn open(dek: &Dek, kind: Kind, sealed: &str) -> Result<Zeroizing<Vec<u8>>, SealedError> {
    let body = sealed.strip_prefix(PREFIX).ok_or(SealedError::Malformed)?;
    let raw = B64
        .decode(body.as_bytes())
        .map_err(|_| SealedError::Malformed)?;
    vault::open_blob(dek, &kind.aad(), &raw).map_err(|e| match e {
        vault::VaultError::BadLength { .. } => SealedError::Malformed,
        _ => SealedError::Unopenable,
    })
}

/// Seals a value's JSON.
///
/// # Errors
/// [`SealedError::Json`] or [`SealedError::EncryptionFailed`].
pub fn seal_json<T: Serialize, E: Entropy + ?Sized>(
    dek: &Dek,
    kind: Kind,
    value: &T,
    entropy: &mut E,
) -> Result<String, SealedError> {
    let json = Zeroizing::new(serde_json::to_vec(value).map_err(|_| SealedError::Json)?);
    seal(dek, kind, &json, entropy)
}

/// Opens a value sealed by [`seal_json`].
///
/// # Errors
/// As [`open`], and [`SealedError::Json`] when the opened bytes are not a `T`.
pub fn open_json<T: DeserializeOwned>(
    dek: &Dek,
    kind: Kind,
    sealed: &str,
) -> Result<T, SealedError> {
    let bytes = open(dek, kind, sealed)?;
    serde_json::from_slice(&bytes).map_err(|_| SealedError::Json)
}

/// Re-seals a blob from `old` to `new` (same kind, fresh nonce): for a change of the DEK.
///
/// # Errors
/// As [`open`] with `old`, and [`SealedError::EncryptionFailed`].
pub fn reseal<E: Entropy + ?Sized>(
    old: &Dek,
    new: &Dek,
    kind: Kind,
    sealed: &str,
    entropy: &mut E,
) -> Result<String, SealedError> {
    let plain = open(old, kind, sealed)?;
    seal(new, kind, &plain, entropy)
}

/// A stored record as read: sealed (to be opened with the DEK) or from before sealing.
#[derive(Clone, Debug, PartialEq)]
pub enum Stored<T> {
    /// A sealed string.
    Sealed(String),
    /// A record written before sealing, in clear: read once, written back sealed.
    Clear(T),
}

impl<T: DeserializeOwned> Stored<T> {
    /// Classifies what `storage.local` holds for a record: a sealed string or the record's
    /// own JSON.
    ///
    /// # Errors
    /// [`SealedError::Json`] when it is neither.
    pub fn from_value(value: Value) -> Result<Self, SealedError> {
        match value {
            Value::String(s) if is_sealed(&s) => Ok(Stored::Sealed(s)),
            other => serde_json::from_value(other)
                .map(Stored::Clear)
                .map_err(|_| SealedError::Json),
        }
    }

    /// The record: opened with `dek`, or as it was stored in clear.
    ///
    /// # Errors
    /// As [`open_json`].
    pub fn open(self, dek: &Dek, kind: Kind) -> Result<T, SealedError> {
        match self {
            Stored::Sealed(s) => open_json(dek, kind, &s),
            Stored::Clear(v) => Ok(v),
        }
    }
}

#[cfg(test)]
mod tests;
