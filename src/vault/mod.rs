//! The credential vault: a passphrase-protected, versioned record of the accounts.
//!
//! Layout (one JSON object, stored by the wasm layer in `chrome.storage.local`):
//!
//! ```json
//! {"v":2,"gen":3,"kdf":{"alg":"argon2id","m":47104,"t":3,"p":1},"salt":"…",
//!  "wrapped_dek":{"nonce":"…","ct":"…"},"accounts":{"nonce":"…","ct":"…"}}
//! ```
//!
//! - Argon2id derives a key-encryption key (KEK) from the passphrase and a random 16-byte salt.
//!   The parameters must lie within [`KdfParams::check_sane`]'s bounds (at most 256 MiB,
//!   10 passes, 4 lanes; at least OWASP's minimum), checked before anything is derived.
//! - The KEK wraps a random 32-byte data-encryption key (DEK) with AES-256-GCM.
//! - The DEK seals the payload (the accounts JSON, opaque here) with AES-256-GCM.
//! - Every passphrase change draws a new DEK and re-seals the payload ([`change_passphrase`]
//!   gives back a [`Rotation`] so that other records sealed with the DEK follow, in the same
//!   write: [`crate::rekey`]); `gen` counts the DEKs.
//! - The header (version, generation and KDF parameters, canonically encoded) is the
//!   associated data of both seals, so editing the parameters in storage is detected,
//!   including on the session path ([`open`]) that never runs the KDF, and an accounts blob
//!   of another generation spliced into the record is refused.
//! - Version 1 records (no `gen`, a header without it) still open; [`unlock`] upgrades them.
//! - New passphrases must meet a floor ([`check_new_passphrase`]).
//!
//! Everything here is sans-IO: randomness comes in through [`Entropy`]. Secrets (passphrase,
//! KEK, DEK, plaintext) live in [`Zeroizing`] buffers and never appear in `Debug` output or
//! error messages.

mod crypto;
mod error;
mod kdf;
mod keys;
mod previous;
mod record;
mod strength;
mod throttle;

pub use crypto::*;
pub use error::*;
pub use kdf::*;
pub use keys::*;
pub use previous::*;
pub use record::*;
pub use strength::*;
pub use throttle::{FREE_ATTEMPTS, MAX_WAIT_MS, Throttle};

use core::fmt;

use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// The record format version this code writes (and reads).
pub const RECORD_VERSION: u64 = 2;
/// The first record format: no generation. Still read; upgraded at its next unlock.
pub const RECORD_V1: u64 = 1;

const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
const KDF_ALG: &str = "argon2id";

/// A source of cryptographically secure random bytes, supplied by the caller.
///
/// The wasm layer implements it on `crypto.getRandomValues`; tests use a seeded generator.
pub trait Entropy {
    /// Fills `buf` entirely with random bytes.
    ///
    /// # Errors
    /// [`NoEntropy`] when the source has none to give: the caller stops (an error, never weak
    /// bytes and never an exception that skips destructors).
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoEntropy>;
}

/// An entropy source that could not fill a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoEntropy;

impl From<NoEntropy> for VaultError {
    fn from(_: NoEntropy) -> Self {
        VaultError::EntropyUnavailable
    }
}

impl<E: Entropy + ?Sized> Entropy for &mut E {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoEntropy> {
        (**self).fill(buf)
    }
}

/// What a successful [`unlock`] gives back.
pub struct Unlocked {
    /// The data-encryption key, for session storage and for [`reseal`].
    pub dek: Dek,
    /// The plaintext payload (the accounts JSON), zeroized on drop.
    pub payload: Zeroizing<Vec<u8>>,
    /// When the record's parameters were weaker than the target, or it is a version 1
    /// record: the same DEK and payload as a current-version record under the stronger
    /// parameters and a new salt. The caller stores it in place of the old.
    pub upgraded: Option<VaultRecord>,
}

impl fmt::Debug for Unlocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unlocked")
            .field("dek", &self.dek)
            .field(
                "payload",
                &format_args!("<{} bytes redacted>", self.payload.len()),
            )
            .field("upgraded", &self.upgraded.is_some())
            .finish()
    }
}

/// A passphrase change: the new record (a new DEK, a new generation) and both data keys, so
/// that whatever else was sealed with the old DEK moves to the new one in the same write as
/// the new record ([`crate::rekey::plan`]).
pub struct Rotation {
    /// The record to store: the accounts sealed under [`Rotation::new_dek`].
    pub record: VaultRecord,
    old: Dek,
    new: Dek,
}

impl Rotation {
    /// The data key everything was sealed with until now.
    #[must_use]
    pub fn old_dek(&self) -> &Dek {
        &self.old
    }

    /// The data key of the new record (for the session and for new seals).
    #[must_use]
    pub fn new_dek(&self) -> &Dek {
        &self.new
    }
}

impl fmt::Debug for Rotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rotation")
            .field("record", &self.record)
            .field("old", &self.old)
            .field("new", &self.new)
            .finish()
    }
}

/// The floor every passphrase the vault is (re-)keyed with must meet: not blank, at least
/// [`MIN_PASSPHRASE_CHARS`] characters, and a [`passphrase_strength`] score of at least
/// [`MIN_PASSPHRASE_SCORE`]. Gives back the estimate when it passes.
///
/// Unlocking never applies it: a vault made before the floor still opens with its
/// passphrase, and the next passphrase change must meet it.
///
/// # Errors
/// [`VaultError::EmptyPassphrase`], [`VaultError::PassphraseTooShort`],
/// [`VaultError::PassphraseTooWeak`] (with the estimator's hint), in that order.
pub fn check_new_passphrase(passphrase: &str) -> Result<Strength, VaultError> {
    if passphrase.trim().is_empty() {
        return Err(VaultError::EmptyPassphrase);
    }
    if passphrase.nfc().count() < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::PassphraseTooShort {
            min_chars: MIN_PASSPHRASE_CHARS,
        });
    }
    let strength = passphrase_strength(passphrase);
    if strength.score < MIN_PASSPHRASE_SCORE {
        return Err(VaultError::PassphraseTooWeak {
            score: strength.score,
            hint: strength.hint,
        });
    }
    Ok(strength)
}

/// Creates a vault holding `payload` under `passphrase`, with a new random DEK (generation 1).
///
/// # Errors
/// The passphrase floor ([`check_new_passphrase`]), [`VaultError::KdfParamsRejected`]
/// (parameters out of bounds), [`VaultError::KdfFailed`].
pub fn create<E: Entropy + ?Sized>(
    passphrase: &Passphrase,
    params: KdfParams,
    payload: &[u8],
    entropy: &mut E,
) -> Result<(VaultRecord, Dek), VaultError> {
    check_new_passphrase(&passphrase.0)?;
    params.check_for_new_record()?;
    let dek = Dek::random(entropy)?;
    let record = build_record(passphrase, params, 1, &dek, payload, entropy)?;
    Ok((record, dek))
}

/// Unlocks `record` with `passphrase`. When the record's parameters are weaker than
/// `target_params`, or it is a version 1 record, also returns it re-wrapped as a current one
/// under the stronger parameters (see [`Unlocked::upgraded`]; same DEK, same generation).
///
/// # Errors
/// [`VaultError::WrongPassphrase`] (nothing is changed), [`VaultError::Tampered`],
/// [`VaultError::EmptyPassphrase`], [`VaultError::KdfParamsRejected`] (for a bad target,
/// before any KDF runs), [`VaultError::KdfFailed`].
pub fn unlock<E: Entropy + ?Sized>(
    record: &VaultRecord,
    passphrase: &Passphrase,
    target_params: KdfParams,
    entropy: &mut E,
) -> Result<Unlocked, VaultError> {
    if passphrase.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    target_params.check_for_new_record()?;
    let (dek, payload) = open_with_passphrase(record, passphrase)?;
    let upgraded = if record.kdf.is_at_least(&target_params) && record.version == RECORD_VERSION {
        None
    } else {
        let stronger = record.kdf.at_least(target_params);
        Some(build_record(
            passphrase,
            stronger,
            record.generation,
            &dek,
            &payload,
            entropy,
        )?)
    };
    Ok(Unlocked {
        dek,
        payload,
        upgraded,
    })
}

/// Proves that `passphrase` opens `record` (the KDF, the DEK and the accounts all check out)
/// without keeping or upgrading anything, and gives back the accounts payload: what an import
/// checks (and then checks the accounts of) before it replaces a vault.
///
/// # Errors
/// As [`unlock`]: [`VaultError::WrongPassphrase`], [`VaultError::Tampered`],
/// [`VaultError::EmptyPassphrase`], [`VaultError::KdfFailed`].
pub fn check_opens(
    record: &VaultRecord,
    passphrase: &Passphrase,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    if passphrase.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    open_with_passphrase(record, passphrase).map(|(_, payload)| payload)
}

/// Opens the payload with a DEK kept from an earlier unlock (the session path: no KDF).
///
/// # Errors
/// [`VaultError::DekMismatch`] when the DEK does not authenticate the accounts under this
/// record's header.
pub fn open(record: &VaultRecord, dek: &Dek) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    unseal(&dek.0, &record.aad(Purpose::Accounts), &record.accounts).ok_or(VaultError::DekMismatch)
}

/// Seals a new payload (accounts changed while unlocked) with a fresh nonce; version,
/// generation, salt, parameters and wrapped DEK stay as they are (a version 1 record stays
/// one: re-wrapping needs the passphrase, and the next unlock upgrades it). The DEK is checked
/// against the record first, so a stale key can never produce a record that no passphrase
/// opens.
///
/// # Errors
/// [`VaultError::DekMismatch`], [`VaultError::EncryptionFailed`].
pub fn reseal<E: Entropy + ?Sized>(
    record: &VaultRecord,
    dek: &Dek,
    payload: &[u8],
    entropy: &mut E,
) -> Result<VaultRecord, VaultError> {
    drop(open(record, dek)?);
    let accounts = seal(&dek.0, &record.aad(Purpose::Accounts), payload, entropy)?;
    Ok(VaultRecord {
        accounts,
        ..record.clone()
    })
}

/// Changes the passphrase and the data key: the accounts are re-sealed under a fresh random
/// DEK of the next generation, wrapped under `new`, a new salt and `params`, as a
/// current-version record. Whatever else was sealed with the old DEK must be re-sealed with
/// the [`Rotation`]'s keys and stored together with [`Rotation::record`].
///
/// # Errors
/// [`VaultError::EmptyPassphrase`] for `old`; the passphrase floor for `new`
/// ([`check_new_passphrase`]); [`VaultError::KdfParamsRejected`] for `params` (all before any
/// KDF runs); [`VaultError::WrongPassphrase`] for `old`; [`VaultError::Tampered`].
pub fn change_passphrase<E: Entropy + ?Sized>(
    record: &VaultRecord,
    old: &Passphrase,
    new: &Passphrase,
    params: KdfParams,
    entropy: &mut E,
) -> Result<Rotation, VaultError> {
    if old.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    check_new_passphrase(&new.0)?;
    params.check_for_new_record()?;
    let (old_dek, payload) = open_with_passphrase(record, old)?;
    let new_dek = Dek::random(entropy)?;
    let generation = record.generation.saturating_add(1);
    let changed = build_record(new, params, generation, &new_dek, &payload, entropy)?;
    Ok(Rotation {
        record: changed,
        old: old_dek,
        new: new_dek,
    })
}
