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
//!   gives back a [`Rotation`] so that other records sealed with the DEK follow); `gen` counts
//!   the DEKs.
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

use core::fmt;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Nonce, Payload};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use unicode_normalization::{UnicodeNormalization, is_nfc};
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
    fn fill(&mut self, buf: &mut [u8]);
}

impl<E: Entropy + ?Sized> Entropy for &mut E {
    fn fill(&mut self, buf: &mut [u8]) {
        (**self).fill(buf);
    }
}

/// Argon2id cost parameters, as stored in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory (time cost).
    pub t: u32,
    /// Lanes (parallelism). In wasm the lanes run one after the other.
    pub p: u32,
}

impl KdfParams {
    /// OWASP's minimum recommendation for Argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP_MIN: Self = Self {
        m_kib: 19_456,
        t: 2,
        p: 1,
    };
    /// The parameters new vaults get: the strongest measured set that unlocks within about
    /// 250 ms in the extension's service worker on the project's 2-core machine (docs/SECURITY.md, "Argon2id parameters").
    pub const DEFAULT: Self = Self {
        m_kib: 47_104,
        t: 3,
        p: 1,
    };
    /// Largest memory a record may ask for: 256 MiB (about 5.6 times [`KdfParams::DEFAULT`]).
    /// A stored or imported record asking for more is refused before any derivation, so no
    /// input can make the worker allocate more than this.
    pub const MAX_M_KIB: u32 = 256 * 1024;
    /// Largest number of passes a record may ask for. With [`KdfParams::MAX_M_KIB`] this bounds
    /// one derivation to about 18 times the default's work (a few seconds, never minutes).
    pub const MAX_T: u32 = 10;
    /// Largest number of lanes a record may ask for (in wasm they run one after the other).
    pub const MAX_P: u32 = 4;

    /// Checks that a record's parameters are within the product's bounds, before any KDF
    /// runs: at most [`KdfParams::MAX_M_KIB`], [`KdfParams::MAX_T`] and [`KdfParams::MAX_P`],
    /// and at least [`KdfParams::OWASP_MIN`] in memory and passes (the floor every record this
    /// code ever wrote meets) with at least one lane.
    ///
    /// # Errors
    /// The first bound the parameters break.
    pub fn check_sane(&self) -> Result<(), KdfRejection> {
        if self.m_kib > Self::MAX_M_KIB {
            return Err(KdfRejection::MemoryTooHigh);
        }
        if self.t > Self::MAX_T {
            return Err(KdfRejection::TimeTooHigh);
        }
        if self.p > Self::MAX_P {
            return Err(KdfRejection::ParallelismTooHigh);
        }
        if self.p < Params::MIN_P_COST {
            return Err(KdfRejection::ParallelismTooLow);
        }
        if self.m_kib < Self::OWASP_MIN.m_kib {
            return Err(KdfRejection::MemoryTooLow);
        }
        if self.t < Self::OWASP_MIN.t {
            return Err(KdfRejection::TimeTooLow);
        }
        Ok(())
    }

    /// Checks parameters for a record about to be written: the same bounds as a stored one
    /// ([`KdfParams::check_sane`]).
    ///
    /// # Errors
    /// The first bound the parameters break.
    pub fn check_for_new_record(&self) -> Result<(), KdfRejection> {
        self.check_sane()
    }

    /// Whether these parameters cost an attacker at least as much as `other`: no less memory
    /// and no fewer passes. Lanes are ignored: they do not change the total work.
    #[must_use]
    pub fn is_at_least(&self, other: &Self) -> bool {
        self.m_kib >= other.m_kib && self.t >= other.t
    }

    /// The parameters a record is (re-)wrapped with when this build aims at `target`: the
    /// stronger of the two in memory and in passes, with the target's lanes. Never weaker than
    /// either input, so a record made with stronger parameters keeps them (both are within
    /// the bounds, so the result is too).
    #[must_use]
    pub fn at_least(self, target: Self) -> Self {
        Self {
            m_kib: self.m_kib.max(target.m_kib),
            t: self.t.max(target.t),
            p: target.p,
        }
    }
}

/// Why a set of KDF parameters was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KdfRejection {
    /// Memory above [`KdfParams::MAX_M_KIB`].
    MemoryTooHigh,
    /// Passes above [`KdfParams::MAX_T`].
    TimeTooHigh,
    /// Lanes above [`KdfParams::MAX_P`].
    ParallelismTooHigh,
    /// Memory below [`KdfParams::OWASP_MIN`]'s 19 MiB.
    MemoryTooLow,
    /// Fewer passes than [`KdfParams::OWASP_MIN`]'s 2.
    TimeTooLow,
    /// Zero lanes.
    ParallelismTooLow,
}

impl KdfRejection {
    /// A stable snake_case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MemoryTooHigh => "memory_too_high",
            Self::TimeTooHigh => "time_too_high",
            Self::ParallelismTooHigh => "parallelism_too_high",
            Self::MemoryTooLow => "memory_too_low",
            Self::TimeTooLow => "time_too_low",
            Self::ParallelismTooLow => "parallelism_too_low",
        }
    }
}

/// Everything that can go wrong with the vault. Messages never contain key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultError {
    /// An empty (or whitespace-only) passphrase.
    EmptyPassphrase,
    /// A new passphrase shorter than [`MIN_PASSPHRASE_CHARS`] characters.
    PassphraseTooShort {
        /// The minimum, in characters.
        min_chars: usize,
    },
    /// A new passphrase whose estimated strength is below [`MIN_PASSPHRASE_SCORE`].
    PassphraseTooWeak {
        /// Its score (0..4).
        score: u8,
        /// The estimator's advice on making it stronger.
        hint: StrengthHint,
    },
    /// Not JSON, or a field (named by its path) has the wrong type, or an unknown field.
    Malformed {
        /// Path of the offending part, such as `"kdf.m"` or `"record"`.
        field: &'static str,
    },
    /// A required field is absent.
    MissingField {
        /// Path of the absent field, such as `"wrapped_dek.nonce"`.
        field: &'static str,
    },
    /// A record version this code does not read.
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// A KDF other than Argon2id.
    UnsupportedKdf,
    /// A field that should be standard padded base64 is not.
    BadBase64 {
        /// Path of the field.
        field: &'static str,
    },
    /// A binary field decodes to the wrong number of bytes.
    BadLength {
        /// Path of the field.
        field: &'static str,
        /// Bytes expected (for the accounts ciphertext: the minimum).
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// KDF parameters outside the product's bounds ([`KdfParams::check_sane`]), refused
    /// before running the KDF.
    KdfParamsRejected(KdfRejection),
    /// The passphrase does not unwrap the DEK. Also what a modified salt, parameter or wrapped
    /// DEK looks like: without the right key the two cannot be told apart.
    WrongPassphrase,
    /// The DEK was unwrapped but the accounts ciphertext does not authenticate: the record was
    /// altered or corrupted.
    Tampered,
    /// The DEK given (for example from session storage) does not open this record's accounts:
    /// it belongs to another record, or the accounts ciphertext was altered.
    DekMismatch,
    /// The KDF could not run (for example the memory could not be allocated).
    KdfFailed,
    /// Encryption failed (the payload is beyond AES-GCM's limits).
    EncryptionFailed,
}

impl VaultError {
    /// A stable snake_case code for the UI to localise.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyPassphrase => "empty_passphrase",
            Self::PassphraseTooShort { .. } => "passphrase_too_short",
            Self::PassphraseTooWeak { .. } => "passphrase_too_weak",
            Self::Malformed { .. } => "vault_malformed",
            Self::MissingField { .. } => "vault_missing_field",
            Self::UnsupportedVersion { .. } => "vault_unsupported_version",
            Self::UnsupportedKdf => "vault_unsupported_kdf",
            Self::BadBase64 { .. } => "vault_bad_base64",
            Self::BadLength { .. } => "vault_bad_length",
            Self::KdfParamsRejected(_) => "vault_kdf_out_of_bounds",
            Self::WrongPassphrase => "vault_wrong_passphrase",
            Self::Tampered => "vault_tampered",
            Self::DekMismatch => "vault_dek_mismatch",
            Self::KdfFailed => "vault_kdf_failed",
            Self::EncryptionFailed => "vault_encryption_failed",
        }
    }
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyPassphrase => f.write_str("the passphrase is empty"),
            Self::PassphraseTooShort { min_chars } => {
                write!(
                    f,
                    "the new passphrase is shorter than {min_chars} characters"
                )
            }
            Self::PassphraseTooWeak { score, hint } => write!(
                f,
                "the new passphrase is too weak (score {score} of 4: {})",
                hint.code()
            ),
            Self::Malformed { field } => write!(f, "vault record is malformed at {field}"),
            Self::MissingField { field } => write!(f, "vault record lacks the field {field}"),
            Self::UnsupportedVersion { found } => {
                write!(f, "vault record version {found} is not supported")
            }
            Self::UnsupportedKdf => f.write_str("vault record uses a KDF other than argon2id"),
            Self::BadBase64 { field } => write!(f, "vault field {field} is not valid base64"),
            Self::BadLength {
                field,
                expected,
                found,
            } => write!(
                f,
                "vault field {field} has {found} bytes, expected {expected}"
            ),
            Self::KdfParamsRejected(why) => {
                write!(f, "vault KDF parameters out of bounds: {}", why.code())
            }
            Self::WrongPassphrase => f.write_str("wrong passphrase"),
            Self::Tampered => f.write_str("the vault's accounts were altered or corrupted"),
            Self::DekMismatch => f.write_str("this key does not open the vault"),
            Self::KdfFailed => f.write_str("the key derivation could not run"),
            Self::EncryptionFailed => f.write_str("encryption failed"),
        }
    }
}

impl std::error::Error for VaultError {}

impl From<KdfRejection> for VaultError {
    fn from(why: KdfRejection) -> Self {
        Self::KdfParamsRejected(why)
    }
}

/// A passphrase, zeroized on drop. It is NFC-normalised before use, so the same characters
/// typed on different systems give the same key.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes ownership of the passphrase text.
    #[must_use]
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// Whether it is empty or only whitespace (refused everywhere).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The bytes fed to the KDF: the NFC form, in a zeroizing buffer.
    fn kdf_input(&self) -> Zeroizing<Vec<u8>> {
        if is_nfc(&self.0) {
            return Zeroizing::new(self.0.as_bytes().to_vec());
        }
        // Sized up front so the buffer holding secret text is not reallocated (and left
        // behind unzeroized) while it grows; NFC at most triples the length.
        let mut out = Zeroizing::new(String::with_capacity(self.0.len().saturating_mul(3)));
        out.extend(self.0.nfc());
        Zeroizing::new(out.as_bytes().to_vec())
    }
}

impl From<String> for Passphrase {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&str> for Passphrase {
    fn from(text: &str) -> Self {
        Self::new(text.to_owned())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// The data-encryption key: 32 random bytes, zeroized on drop.
///
/// While the vault is unlocked it may be kept in `chrome.storage.session` as base64, so a
/// restarted service worker can [`open`] the record without the passphrase.
#[derive(Clone)]
pub struct Dek(Zeroizing<[u8; KEY_LEN]>);

impl Dek {
    fn random<E: Entropy + ?Sized>(entropy: &mut E) -> Self {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        entropy.fill(&mut key[..]);
        Self(key)
    }

    /// Whether both are the same key.
    #[must_use]
    pub fn same_as(&self, other: &Dek) -> bool {
        self.0[..] == other.0[..]
    }

    /// Standard padded base64, in a zeroizing string.
    #[must_use]
    pub fn to_base64(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(KEY_LEN.div_ceil(3) * 4));
        B64.encode_string(&self.0[..], &mut out);
        out
    }

    /// Reads a DEK written by [`Dek::to_base64`].
    ///
    /// # Errors
    /// [`VaultError::BadBase64`] or [`VaultError::BadLength`] with field `"dek"`.
    pub fn from_base64(text: &str) -> Result<Self, VaultError> {
        let bytes = Zeroizing::new(
            B64.decode(text.as_bytes())
                .map_err(|_| VaultError::BadBase64 { field: "dek" })?,
        );
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.len() != KEY_LEN {
            return Err(VaultError::BadLength {
                field: "dek",
                expected: KEY_LEN,
                found: bytes.len(),
            });
        }
        key.copy_from_slice(&bytes);
        Ok(Self(key))
    }
}

impl fmt::Debug for Dek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Dek(<redacted>)")
    }
}

/// A nonce and an AES-GCM ciphertext (tag appended).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sealed {
    nonce: [u8; NONCE_LEN],
    ct: Vec<u8>,
}

/// A parsed, validated vault record. Holds only ciphertext, salt and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultRecord {
    /// [`RECORD_V1`] (read, and kept by the session path until the next unlock) or
    /// [`RECORD_VERSION`].
    version: u64,
    /// The data key's generation: 0 for a version 1 record, 1 for a new vault, one more at
    /// every passphrase change (each of which draws a new DEK). Bound into both seals.
    generation: u64,
    kdf: KdfParams,
    salt: [u8; SALT_LEN],
    wrapped_dek: Sealed,
    accounts: Sealed,
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
/// that whatever else was sealed with the old DEK can be re-sealed with the new one
/// ([`Rotation::reseal_all`], [`reseal_blob`]) before the new record is stored.
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

    /// Re-seals every item from the old DEK to the new one with `reseal` (for example a
    /// closure over [`reseal_blob`] or the at-rest records' own re-sealer), all or nothing:
    /// the first failure is returned and nothing is produced, so the caller stores either
    /// the new record with every re-sealed item or nothing at all.
    ///
    /// # Errors
    /// The first error `reseal` returns.
    pub fn reseal_all<T, U, Err>(
        &self,
        items: impl IntoIterator<Item = T>,
        mut reseal: impl FnMut(&Dek, &Dek, T) -> Result<U, Err>,
    ) -> Result<Vec<U>, Err> {
        items
            .into_iter()
            .map(|item| reseal(&self.old, &self.new, item))
            .collect()
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

/// Which seal the associated data is for (keeps the two from being swapped).
#[derive(Clone, Copy)]
enum Purpose {
    WrappedDek,
    Accounts,
}

/// The canonical header bound as associated data: version, (from version 2) the DEK's
/// generation, and KDF parameters in a fixed textual form that does not depend on how the
/// JSON was formatted. Version 1's form is kept byte for byte so its records still open.
fn header_aad(record_version: u64, generation: u64, kdf: &KdfParams, purpose: Purpose) -> Vec<u8> {
    let purpose = match purpose {
        Purpose::WrappedDek => "wrapped_dek",
        Purpose::Accounts => "accounts",
    };
    let (m, t, p) = (kdf.m_kib, kdf.t, kdf.p);
    if record_version == RECORD_V1 {
        format!("keypost-vault;v={RECORD_V1};kdf={KDF_ALG};m={m};t={t};p={p};{purpose}")
    } else {
        format!(
            "keypost-vault;v={record_version};gen={generation};kdf={KDF_ALG};m={m};t={t};p={p};{purpose}"
        )
    }
    .into_bytes()
}

impl VaultRecord {
    fn aad(&self, purpose: Purpose) -> Vec<u8> {
        header_aad(self.version, self.generation, &self.kdf, purpose)
    }
}

fn derive_kek(
    passphrase: &Passphrase,
    salt: &[u8; SALT_LEN],
    kdf: &KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, VaultError> {
    // The bounds first: nothing is allocated or derived for parameters out of them.
    kdf.check_sane()?;
    let params =
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(KEY_LEN)).map_err(|_| VaultError::KdfFailed)?;
    // The blocks are reserved fallibly: memory the browser refuses is `vault_kdf_failed`,
    // not an abort of the whole worker.
    let mut blocks: Vec<Block> = Vec::new();
    blocks
        .try_reserve_exact(params.block_count())
        .map_err(|_| VaultError::KdfFailed)?;
    blocks.resize(params.block_count(), Block::default());
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    let derived = argon.hash_password_into_with_memory(
        &passphrase.kdf_input(),
        salt,
        &mut kek[..],
        &mut blocks[..],
    );
    // The blocks hold values derived from the passphrase.
    for block in &mut blocks {
        *block = Block::default();
    }
    derived.map_err(|_| VaultError::KdfFailed)?;
    Ok(kek)
}

fn seal<E: Entropy + ?Sized>(
    key: &[u8; KEY_LEN],
    aad: &[u8],
    plaintext: &[u8],
    entropy: &mut E,
) -> Result<Sealed, VaultError> {
    let mut nonce = [0u8; NONCE_LEN];
    entropy.fill(&mut nonce);
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| VaultError::EncryptionFailed)?;
    let ct = cipher
        .encrypt(
            &Nonce::<Aes256Gcm>::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| VaultError::EncryptionFailed)?;
    Ok(Sealed { nonce, ct })
}

/// Decrypts and authenticates; `None` when the key, the associated data or the ciphertext
/// is wrong (AES-GCM cannot tell which).
fn unseal(key: &[u8; KEY_LEN], aad: &[u8], sealed: &Sealed) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            &Nonce::<Aes256Gcm>::from(sealed.nonce),
            Payload {
                msg: &sealed.ct,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// Seals `plaintext` under `dek` with `aad` and a fresh nonce, as one blob (the 12-byte
/// nonce, then the ciphertext with its tag): for records other than the accounts that are
/// sealed with the vault's data key and must follow it through a passphrase change.
///
/// # Errors
/// [`VaultError::EncryptionFailed`].
pub fn seal_blob<E: Entropy + ?Sized>(
    dek: &Dek,
    aad: &[u8],
    plaintext: &[u8],
    entropy: &mut E,
) -> Result<Vec<u8>, VaultError> {
    let sealed = seal(&dek.0, aad, plaintext, entropy)?;
    let mut blob = Vec::with_capacity(NONCE_LEN + sealed.ct.len());
    blob.extend_from_slice(&sealed.nonce);
    blob.extend_from_slice(&sealed.ct);
    Ok(blob)
}

/// Opens a blob written by [`seal_blob`] with the same key and associated data.
///
/// # Errors
/// [`VaultError::BadLength`] (field `"blob"`) when it is too short to be one,
/// [`VaultError::DekMismatch`] when it does not authenticate.
pub fn open_blob(dek: &Dek, aad: &[u8], blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let too_short = || VaultError::BadLength {
        field: "blob",
        expected: NONCE_LEN + TAG_LEN,
        found: blob.len(),
    };
    let nonce = blob.get(..NONCE_LEN).ok_or_else(too_short)?;
    let ct = blob.get(NONCE_LEN..).ok_or_else(too_short)?;
    if ct.len() < TAG_LEN {
        return Err(too_short());
    }
    let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| too_short())?;
    unseal(
        &dek.0,
        aad,
        &Sealed {
            nonce,
            ct: ct.to_vec(),
        },
    )
    .ok_or(VaultError::DekMismatch)
}

/// Re-seals a [`seal_blob`] blob from `old` to `new` (same associated data, fresh nonce).
///
/// # Errors
/// As [`open_blob`] with `old`, and [`VaultError::EncryptionFailed`].
pub fn reseal_blob<E: Entropy + ?Sized>(
    old: &Dek,
    new: &Dek,
    aad: &[u8],
    blob: &[u8],
    entropy: &mut E,
) -> Result<Vec<u8>, VaultError> {
    let plain = open_blob(old, aad, blob)?;
    seal_blob(new, aad, &plain, entropy)
}

fn unwrap_dek(kek: &[u8; KEY_LEN], record: &VaultRecord) -> Result<Dek, VaultError> {
    let aad = record.aad(Purpose::WrappedDek);
    let bytes = unseal(kek, &aad, &record.wrapped_dek).ok_or(VaultError::WrongPassphrase)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        // Authenticated but the wrong size: only a buggy writer produces this.
        return Err(VaultError::Tampered);
    }
    key.copy_from_slice(&bytes);
    Ok(Dek(key))
}

/// Derives the KEK, unwraps the DEK and opens the accounts: what every path that has the
/// passphrase does first.
fn open_with_passphrase(
    record: &VaultRecord,
    passphrase: &Passphrase,
) -> Result<(Dek, Zeroizing<Vec<u8>>), VaultError> {
    let kek = derive_kek(passphrase, &record.salt, &record.kdf)?;
    let dek = unwrap_dek(&kek, record)?;
    let payload = unseal(&dek.0, &record.aad(Purpose::Accounts), &record.accounts)
        .ok_or(VaultError::Tampered)?;
    Ok((dek, payload))
}

/// Wraps `dek` (of `generation`) under a fresh salt and `kdf`, and seals `payload` under
/// `dek`, giving a whole new current-version record.
fn build_record<E: Entropy + ?Sized>(
    passphrase: &Passphrase,
    kdf: KdfParams,
    generation: u64,
    dek: &Dek,
    payload: &[u8],
    entropy: &mut E,
) -> Result<VaultRecord, VaultError> {
    let mut salt = [0u8; SALT_LEN];
    entropy.fill(&mut salt);
    let kek = derive_kek(passphrase, &salt, &kdf)?;
    let wrapped_dek = seal(
        &kek,
        &header_aad(RECORD_VERSION, generation, &kdf, Purpose::WrappedDek),
        &dek.0[..],
        entropy,
    )?;
    let accounts = seal(
        &dek.0,
        &header_aad(RECORD_VERSION, generation, &kdf, Purpose::Accounts),
        payload,
        entropy,
    )?;
    Ok(VaultRecord {
        version: RECORD_VERSION,
        generation,
        kdf,
        salt,
        wrapped_dek,
        accounts,
    })
}

/// The smallest number of characters (after NFC normalisation) a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// The smallest [`passphrase_strength`] score (of 0..4) a new passphrase may have.
pub const MIN_PASSPHRASE_SCORE: u8 = 3;

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
    let dek = Dek::random(entropy);
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
/// without keeping or upgrading anything: what an import checks before it replaces a vault.
///
/// # Errors
/// As [`unlock`]: [`VaultError::WrongPassphrase`], [`VaultError::Tampered`],
/// [`VaultError::EmptyPassphrase`], [`VaultError::KdfFailed`].
pub fn check_opens(record: &VaultRecord, passphrase: &Passphrase) -> Result<(), VaultError> {
    if passphrase.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    open_with_passphrase(record, passphrase).map(drop)
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
    let new_dek = Dek::random(entropy);
    let generation = record.generation.saturating_add(1);
    let changed = build_record(new, params, generation, &new_dek, &payload, entropy)?;
    Ok(Rotation {
        record: changed,
        old: old_dek,
        new: new_dek,
    })
}

impl VaultRecord {
    /// The record's KDF parameters.
    #[must_use]
    pub fn kdf_params(&self) -> KdfParams {
        self.kdf
    }

    /// The record format version (1 or 2).
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The data key's generation (0 for a version 1 record).
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether [`unlock`] with `target` would upgrade this record.
    #[must_use]
    pub fn needs_upgrade(&self, target: &KdfParams) -> bool {
        !self.kdf.is_at_least(target) || self.version != RECORD_VERSION
    }

    /// The accounts ciphertext (for tests and diagnostics; not secret).
    #[must_use]
    pub fn accounts_ciphertext(&self) -> &[u8] {
        &self.accounts.ct
    }

    /// The wrapped DEK's ciphertext (for tests and diagnostics; not secret).
    #[must_use]
    pub fn wrapped_dek_ciphertext(&self) -> &[u8] {
        &self.wrapped_dek.ct
    }

    /// Serialises the record as compact JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        fn sealed(s: &Sealed) -> Value {
            let mut m = Map::new();
            m.insert("nonce".into(), Value::String(B64.encode(s.nonce)));
            m.insert("ct".into(), Value::String(B64.encode(&s.ct)));
            Value::Object(m)
        }
        let mut kdf = Map::new();
        kdf.insert("alg".into(), Value::String(KDF_ALG.into()));
        kdf.insert("m".into(), Value::from(self.kdf.m_kib));
        kdf.insert("t".into(), Value::from(self.kdf.t));
        kdf.insert("p".into(), Value::from(self.kdf.p));
        let mut root = Map::new();
        root.insert("v".into(), Value::from(self.version));
        if self.version != RECORD_V1 {
            root.insert("gen".into(), Value::from(self.generation));
        }
        root.insert("kdf".into(), Value::Object(kdf));
        root.insert("salt".into(), Value::String(B64.encode(self.salt)));
        root.insert("wrapped_dek".into(), sealed(&self.wrapped_dek));
        root.insert("accounts".into(), sealed(&self.accounts));
        Value::Object(root).to_string()
    }

    /// Parses and validates a stored record: structure, version, KDF parameters (the bounds
    /// included, so no KDF ever runs on parameters out of them), base64 and lengths. Unknown
    /// fields are refused. Authenticity is checked later, by [`unlock`] or [`open`].
    ///
    /// # Errors
    /// [`VaultError::Malformed`], [`VaultError::MissingField`],
    /// [`VaultError::UnsupportedVersion`], [`VaultError::UnsupportedKdf`],
    /// [`VaultError::KdfParamsRejected`], [`VaultError::BadBase64`], [`VaultError::BadLength`].
    pub fn from_json(text: &str) -> Result<Self, VaultError> {
        let value: Value =
            serde_json::from_str(text).map_err(|_| VaultError::Malformed { field: "record" })?;
        let root = object(&value, "record")?;
        // The version first: a newer record may have a different shape altogether.
        let version = field(root, "v", "v")?
            .as_u64()
            .ok_or(VaultError::Malformed { field: "v" })?;
        let generation = match version {
            RECORD_V1 => {
                only_fields(
                    root,
                    &["v", "kdf", "salt", "wrapped_dek", "accounts"],
                    "record",
                )?;
                0
            }
            RECORD_VERSION => {
                only_fields(
                    root,
                    &["v", "gen", "kdf", "salt", "wrapped_dek", "accounts"],
                    "record",
                )?;
                field(root, "gen", "gen")?
                    .as_u64()
                    .ok_or(VaultError::Malformed { field: "gen" })?
            }
            found => return Err(VaultError::UnsupportedVersion { found }),
        };

        let kdf_obj = object(field(root, "kdf", "kdf")?, "kdf")?;
        only_fields(kdf_obj, &["alg", "m", "t", "p"], "kdf")?;
        let alg = field(kdf_obj, "alg", "kdf.alg")?
            .as_str()
            .ok_or(VaultError::Malformed { field: "kdf.alg" })?;
        if alg != KDF_ALG {
            return Err(VaultError::UnsupportedKdf);
        }
        let kdf = KdfParams {
            m_kib: uint(kdf_obj, "m", "kdf.m")?,
            t: uint(kdf_obj, "t", "kdf.t")?,
            p: uint(kdf_obj, "p", "kdf.p")?,
        };
        kdf.check_sane()?;

        let salt = fixed::<SALT_LEN>(root, "salt", "salt")?;
        let wrapped_dek = sealed_field(
            root,
            "wrapped_dek",
            ["wrapped_dek.nonce", "wrapped_dek.ct"],
            Some(KEY_LEN + TAG_LEN),
        )?;
        let accounts = sealed_field(root, "accounts", ["accounts.nonce", "accounts.ct"], None)?;
        Ok(Self {
            version,
            generation,
            kdf,
            salt,
            wrapped_dek,
            accounts,
        })
    }
}

fn object<'a>(value: &'a Value, path: &'static str) -> Result<&'a Map<String, Value>, VaultError> {
    value
        .as_object()
        .ok_or(VaultError::Malformed { field: path })
}

fn field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<&'a Value, VaultError> {
    obj.get(key).ok_or(VaultError::MissingField { field: path })
}

fn only_fields(
    obj: &Map<String, Value>,
    allowed: &[&str],
    path: &'static str,
) -> Result<(), VaultError> {
    if obj.keys().all(|k| allowed.contains(&k.as_str())) {
        Ok(())
    } else {
        Err(VaultError::Malformed { field: path })
    }
}

fn uint(obj: &Map<String, Value>, key: &str, path: &'static str) -> Result<u32, VaultError> {
    let n = field(obj, key, path)?
        .as_u64()
        .ok_or(VaultError::Malformed { field: path })?;
    // Larger than u32 is far beyond every cap: report it as the cap it breaks.
    u32::try_from(n).map_err(|_| {
        VaultError::KdfParamsRejected(match key {
            "m" => KdfRejection::MemoryTooHigh,
            "t" => KdfRejection::TimeTooHigh,
            _ => KdfRejection::ParallelismTooHigh,
        })
    })
}

fn bytes(obj: &Map<String, Value>, key: &str, path: &'static str) -> Result<Vec<u8>, VaultError> {
    let text = field(obj, key, path)?
        .as_str()
        .ok_or(VaultError::Malformed { field: path })?;
    B64.decode(text.as_bytes())
        .map_err(|_| VaultError::BadBase64 { field: path })
}

fn fixed<const N: usize>(
    obj: &Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<[u8; N], VaultError> {
    let raw = bytes(obj, key, path)?;
    <[u8; N]>::try_from(raw.as_slice()).map_err(|_| VaultError::BadLength {
        field: path,
        expected: N,
        found: raw.len(),
    })
}

fn sealed_field(
    root: &Map<String, Value>,
    key: &'static str,
    paths: [&'static str; 2],
    exact_ct_len: Option<usize>,
) -> Result<Sealed, VaultError> {
    let obj = object(field(root, key, key)?, key)?;
    only_fields(obj, &["nonce", "ct"], key)?;
    let [nonce_path, ct_path] = paths;
    let nonce = fixed::<NONCE_LEN>(obj, "nonce", nonce_path)?;
    let ct = bytes(obj, "ct", ct_path)?;
    let length_ok = match exact_ct_len {
        Some(n) => ct.len() == n,
        None => ct.len() >= TAG_LEN,
    };
    if !length_ok {
        return Err(VaultError::BadLength {
            field: ct_path,
            expected: exact_ct_len.unwrap_or(TAG_LEN),
            found: ct.len(),
        });
    }
    Ok(Sealed { nonce, ct })
}

/// How strong a new passphrase looks, for the setup screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strength {
    /// 0 (guessable at once) to 4 (strong).
    pub score: u8,
    /// The estimated entropy in bits, rounded down (a conservative estimate, not a proof).
    pub bits: u32,
    /// The single most useful thing to tell the user.
    pub hint: StrengthHint,
}

/// What [`passphrase_strength`] suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrengthHint {
    /// Nothing typed yet.
    Empty,
    /// One of the most common passwords, or a light variation of one.
    Common,
    /// Mostly repeats, sequences (`abcd`, `4321`) or keyboard runs (`qwer`).
    Repetitive,
    /// Shorter than 12 characters.
    TooShort,
    /// Acceptable but could be stronger: add another word or two.
    AddWords,
    /// Strong.
    Strong,
}

impl StrengthHint {
    /// A stable snake_case code for the UI to localise.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "passphrase_empty",
            Self::Common => "passphrase_common",
            Self::Repetitive => "passphrase_repetitive",
            Self::TooShort => "passphrase_too_short",
            Self::AddWords => "passphrase_add_words",
            Self::Strong => "passphrase_strong",
        }
    }
}

/// Passwords that top every leaked-password list, plus this product's own names. Compared
/// after lowercasing, dropping separators and trailing digits/symbols, and undoing the usual
/// letter-for-digit swaps, so `P@ssw0rd1!` and `Pass-word` count too.
const COMMON_PASSWORDS: &str = "\
    password passwort motdepasse contrasena qwerty qwertyuiop azerty qwertz asdfgh \
    asdfghjkl zxcvbn zxcvbnm qazwsx qwaszx iloveyou letmein welcome admin administrator \
    login master hello freedom whatever dragon sunshine princess monkey shadow superman \
    batman starwars football baseball soccer hockey trustno secret access mustang \
    michael jennifer jordan charlie ashley hunter killer pokemon computer internet \
    changeme default guest test root abc aaa passphrase correcthorsebatterystaple \
    twitter keypost iloveyoubaby loveyou lovely flower summer winter spring autumn \
    google facebook instagram";

/// Digit-only passwords from the same lists (checked before anything is stripped).
const COMMON_NUMBERS: &str = "\
    123456 123456789 12345678 12345 1234567 1234567890 111111 123123 000000 654321 \
    123321 666666 121212 112233 159753 147258369 987654321 7777777 1q2w3e4r 1q2w3e4r5t \
    1qaz2wsx zaq12wsx";

fn looks_common(passphrase: &str) -> bool {
    let lower = passphrase.to_lowercase();
    let listed = |list: &str, word: &str| list.split_whitespace().any(|w| w == word);
    if listed(COMMON_NUMBERS, &lower) {
        return true;
    }
    let compact: String = lower
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
        .collect();
    if listed(COMMON_NUMBERS, &compact) {
        return true;
    }
    let stem = compact.trim_end_matches(|c: char| !c.is_alphabetic());
    let unleet: String = stem
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect();
    listed(COMMON_PASSWORDS, stem) || listed(COMMON_PASSWORDS, &unleet)
}

const KEYBOARD_ROWS: &[&str] = &["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];

/// Whether `b` directly follows or precedes `a` on a keyboard row.
fn keyboard_neighbours(a: char, b: char) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    KEYBOARD_ROWS.iter().any(|row| {
        row.as_bytes()
            .windows(2)
            .any(|w| matches!(w, [x, y] if (char::from(*x), char::from(*y)) == (a, b) || (char::from(*y), char::from(*x)) == (a, b)))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Lower,
    Upper,
    Digit,
    Symbol,
    Other,
}

fn class_of(c: char) -> CharClass {
    if c.is_ascii_lowercase() {
        CharClass::Lower
    } else if c.is_ascii_uppercase() {
        CharClass::Upper
    } else if c.is_ascii_digit() {
        CharClass::Digit
    } else if c.is_ascii() {
        CharClass::Symbol
    } else {
        CharClass::Other
    }
}

/// Estimates the strength of a passphrase being chosen.
///
/// The model is deliberately simple and errs on the side of caution: a character that starts
/// something new is worth `log2(alphabet)` bits (the alphabet being the union of the character
/// classes used); a letter continuing a run of letters is worth about 2.3 bits (English words
/// carry little more); repeats, `+1/-1` sequences and keyboard neighbours are worth about one
/// bit; a separator already used, one bit; a four-digit year, about 7.6 bits in all; a
/// passphrase made of one chunk repeated is worth that chunk. The most common passwords (and
/// light variations of them) score 0.
///
/// Scores: 0 below 28 bits, 1 below 40, 2 below 56, 3 below 72, 4 from 72.
#[must_use]
pub fn passphrase_strength(passphrase: &str) -> Strength {
    let chars: Vec<char> = passphrase.nfc().collect();
    if chars.is_empty() {
        return Strength {
            score: 0,
            bits: 0,
            hint: StrengthHint::Empty,
        };
    }
    if looks_common(passphrase) {
        return Strength {
            score: 0,
            bits: 0,
            hint: StrengthHint::Common,
        };
    }
    // A passphrase made of one chunk repeated is worth the chunk (plus the count).
    let period = (1..=chars.len() / 2)
        .find(|&p| {
            chars.len() % p == 0
                && chars
                    .get(..p)
                    .is_some_and(|unit| chars.chunks(p).all(|c| c == unit))
        })
        .unwrap_or(chars.len());
    let unit = chars.get(..period).unwrap_or(&chars);
    let repeats = chars.len() / period;
    let (mut bits, patterned) = estimate_bits(unit);
    let mut patterned = patterned * repeats;
    if repeats > 1 {
        bits += f64::from(u32::try_from(repeats).unwrap_or(u32::MAX)).log2();
        patterned += chars.len() - period;
    }
    let score = match bits {
        b if b < 28.0 => 0,
        b if b < 40.0 => 1,
        b if b < 56.0 => 2,
        b if b < 72.0 => 3,
        _ => 4,
    };
    let hint = if score == 4 {
        StrengthHint::Strong
    } else if patterned * 2 >= chars.len() {
        StrengthHint::Repetitive
    } else if chars.len() < 12 {
        StrengthHint::TooShort
    } else {
        StrengthHint::AddWords
    };
    Strength {
        score,
        // Bits are small and non-negative: the cast cannot truncate meaningfully.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        bits: bits.floor() as u32,
        hint,
    }
}

/// Bits for a run of characters, and how many of them were patterned (repeat, sequence,
/// keyboard run, repeated separator).
fn estimate_bits(chars: &[char]) -> (f64, usize) {
    let pool: f64 = [
        (CharClass::Lower, 26.0),
        (CharClass::Upper, 26.0),
        (CharClass::Digit, 10.0),
        (CharClass::Symbol, 33.0),
        (CharClass::Other, 100.0),
    ]
    .iter()
    .filter(|(class, _)| chars.iter().any(|&c| class_of(c) == *class))
    .map(|(_, size)| size)
    .sum();
    let fresh = pool.log2();
    let mut bits = 0.0;
    let mut patterned = 0;
    let mut separators: Vec<char> = Vec::new();
    let mut prev: Option<(char, CharClass)> = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let class = class_of(c);
        // A four-digit year (1900-2099) standing alone among the digits.
        let year = chars.get(i..i + 4).is_some_and(|w| {
            matches!(w, ['1', '9', a, b] | ['2', '0', a, b] if a.is_ascii_digit() && b.is_ascii_digit())
                && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
                && !prev.is_some_and(|(p, _)| p.is_ascii_digit())
        });
        if year {
            bits += 200f64.log2();
            prev = chars.get(i + 3).map(|&d| (d, CharClass::Digit));
            i += 4;
            continue;
        }
        let credit = match prev {
            Some((p, _)) if p == c => {
                patterned += 1;
                1.0
            }
            Some((p, pc))
                if pc == class
                    && (u32::from(c).abs_diff(u32::from(p)) == 1 || keyboard_neighbours(p, c)) =>
            {
                patterned += 1;
                1.0
            }
            _ if class == CharClass::Symbol && separators.contains(&c) => {
                patterned += 1;
                1.0
            }
            Some((_, CharClass::Lower | CharClass::Upper))
                if matches!(class, CharClass::Lower | CharClass::Upper) =>
            {
                // Inside a word; an unexpected capital adds a bit.
                if class == CharClass::Upper { 3.3 } else { 2.3 }
            }
            Some((_, CharClass::Digit)) if class == CharClass::Digit => 10f64.log2(),
            _ => fresh,
        };
        if class == CharClass::Symbol {
            separators.push(c);
        }
        bits += credit;
        prev = Some((c, class));
        i += 1;
    }
    (bits, patterned)
}

/// What pages watch to follow the vault without asking for its status (which decrypts it):
/// whether a vault exists and whether it is unlocked, with a revision that grows with every
/// write. The worker writes it only when `exists` or `unlocked` changes ([`VaultState::next`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    /// A vault record is stored (a damaged one counts).
    pub exists: bool,
    /// It is unlocked (never without `exists`).
    pub unlocked: bool,
    /// Grows by one with each write, from 1.
    pub rev: u64,
}

impl VaultState {
    /// The state to write now that the vault `exists` and is `unlocked`, or `None` when
    /// `previous` (what is stored, if anything) already says so. A vault that does not exist
    /// is not unlocked.
    #[must_use]
    pub fn next(previous: Option<VaultState>, exists: bool, unlocked: bool) -> Option<VaultState> {
        let unlocked = unlocked && exists;
        match previous {
            Some(p) if p.exists == exists && p.unlocked == unlocked => None,
            _ => Some(VaultState {
                exists,
                unlocked,
                rev: previous.map_or(0, |p| p.rev).saturating_add(1),
            }),
        }
    }
}

/// What a page shows while a passphrase is being chosen: the estimate, and whether
/// [`check_new_passphrase`] would accept it (and if not, the code it would refuse with).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrengthReport {
    /// 0..4.
    pub score: u8,
    /// [`StrengthHint::code`].
    pub hint: &'static str,
    /// Whether the floor accepts it.
    pub acceptable: bool,
    /// When not: `empty_passphrase`, `passphrase_too_short` or `passphrase_too_weak`.
    pub refusal: Option<&'static str>,
    /// [`MIN_PASSPHRASE_CHARS`].
    pub min_chars: usize,
    /// [`MIN_PASSPHRASE_SCORE`].
    pub min_score: u8,
}

/// The estimate and the floor's verdict for a candidate passphrase.
#[must_use]
pub fn strength_report(passphrase: &str) -> StrengthReport {
    let strength = passphrase_strength(passphrase);
    let refusal = check_new_passphrase(passphrase).err().map(|e| e.code());
    StrengthReport {
        score: strength.score,
        hint: strength.hint.code(),
        acceptable: refusal.is_none(),
        refusal,
        min_chars: MIN_PASSPHRASE_CHARS,
        min_score: MIN_PASSPHRASE_SCORE,
    }
}

/// How long a replaced vault is kept after the vault that replaced it was first unlocked:
/// seven days.
pub const PREVIOUS_KEEP_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// The vault an import replaced, kept (still encrypted, exactly as it was stored) so that
/// the replacement can be undone: until the new vault has been unlocked once, and then for
/// [`PREVIOUS_KEEP_MS`], unless the user discards it first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousVault {
    /// The replaced record's JSON, as it was stored (even if it could not be parsed).
    pub record: String,
    /// When it was replaced (ms since the epoch).
    pub replaced_ms: u64,
    /// When the vault that replaced it was first unlocked, if it has been.
    #[serde(default)]
    pub new_unlocked_ms: Option<u64>,
}

impl PreviousVault {
    /// What to keep when `current` (the stored record's JSON, if any) is replaced at `now`,
    /// given what is kept already. While the current vault is itself an import that was
    /// never unlocked, the vault kept from before it stays (the current one came from a file
    /// the user still has); otherwise the current record is kept.
    #[must_use]
    pub fn on_replace(
        kept: Option<PreviousVault>,
        current: Option<String>,
        now_ms: u64,
    ) -> Option<PreviousVault> {
        match (kept, current) {
            (Some(kept), _) if kept.new_unlocked_ms.is_none() => Some(kept),
            (_, Some(record)) => Some(PreviousVault {
                record,
                replaced_ms: now_ms,
                new_unlocked_ms: None,
            }),
            (kept, None) => kept,
        }
    }

    /// The vault that replaced this one was unlocked at `now`: starts the countdown the first
    /// time. Whether it changed (and must be stored).
    pub fn on_unlock(&mut self, now_ms: u64) -> bool {
        if self.new_unlocked_ms.is_some() {
            return false;
        }
        self.new_unlocked_ms = Some(now_ms);
        true
    }

    /// When it will be dropped, once the new vault has been unlocked.
    #[must_use]
    pub fn expires_ms(&self) -> Option<u64> {
        self.new_unlocked_ms
            .map(|at| at.saturating_add(PREVIOUS_KEEP_MS))
    }

    /// Whether it may be dropped at `now`.
    #[must_use]
    pub fn expired(&self, now_ms: u64) -> bool {
        self.expires_ms().is_some_and(|at| now_ms >= at)
    }
}
