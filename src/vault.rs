//! The credential vault: a passphrase-protected, versioned record of the accounts.
//!
//! Layout (one JSON object, stored by the wasm layer in `chrome.storage.local`):
//!
//! ```json
//! {"v":1,"kdf":{"alg":"argon2id","m":19456,"t":2,"p":1},"salt":"…",
//!  "wrapped_dek":{"nonce":"…","ct":"…"},"accounts":{"nonce":"…","ct":"…"}}
//! ```
//!
//! - Argon2id derives a key-encryption key (KEK) from the passphrase and a random 16-byte salt.
//! - The KEK wraps a random 32-byte data-encryption key (DEK) with AES-256-GCM.
//! - The DEK seals the payload (the accounts JSON, opaque here) with AES-256-GCM.
//! - The header (version and KDF parameters, canonically encoded) is the associated data of
//!   both seals, so editing the parameters in storage is detected, including on the session
//!   path ([`open`]) that never runs the KDF.
//!
//! Everything here is sans-IO: randomness comes in through [`Entropy`]. Secrets (passphrase,
//! KEK, DEK, plaintext) live in [`Zeroizing`] buffers and never appear in `Debug` output or
//! error messages.

use core::fmt;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Nonce, Payload};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use unicode_normalization::{UnicodeNormalization, is_nfc};
use zeroize::Zeroizing;

/// The record format version this code writes and reads.
pub const RECORD_VERSION: u64 = 1;

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
    /// 250 ms in the extension's service worker on the project's 2-core machine (README, "Vault").
    pub const DEFAULT: Self = Self {
        m_kib: 47_104,
        t: 3,
        p: 1,
    };
    /// Largest memory a record may ask for: 1 GiB.
    pub const MAX_M_KIB: u32 = 1 << 20;
    /// Largest number of passes a record may ask for.
    pub const MAX_T: u32 = 64;
    /// Largest number of lanes a record may ask for.
    pub const MAX_P: u32 = 16;
    /// Largest total work (memory × passes, in KiB) a record may ask for: 4 GiB·passes,
    /// about 30 times [`KdfParams::DEFAULT`]. Keeps a tampered record from hanging the browser.
    pub const MAX_COST: u64 = 4 << 20;

    /// Checks that a stored record's parameters are sane, before any KDF runs.
    ///
    /// # Errors
    /// The first rule the parameters break.
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
        if u64::from(self.m_kib) * u64::from(self.t) > Self::MAX_COST {
            return Err(KdfRejection::CostTooHigh);
        }
        if self.t < Params::MIN_T_COST {
            return Err(KdfRejection::TimeTooLow);
        }
        if self.p < Params::MIN_P_COST {
            return Err(KdfRejection::ParallelismTooLow);
        }
        // Argon2 needs at least 8 KiB per lane.
        if u64::from(self.m_kib) < 8 * u64::from(self.p) {
            return Err(KdfRejection::MemoryTooLow);
        }
        Ok(())
    }

    /// Checks parameters for a record about to be written: sane and at least
    /// [`KdfParams::OWASP_MIN`] in memory and passes.
    ///
    /// # Errors
    /// The first rule the parameters break.
    pub fn check_for_new_record(&self) -> Result<(), KdfRejection> {
        self.check_sane()?;
        if !self.is_at_least(&Self::OWASP_MIN) {
            return Err(KdfRejection::BelowMinimum);
        }
        Ok(())
    }

    /// Whether these parameters cost an attacker at least as much as `other`: no less memory
    /// and no fewer passes. Lanes are ignored: they do not change the total work.
    #[must_use]
    pub fn is_at_least(&self, other: &Self) -> bool {
        self.m_kib >= other.m_kib && self.t >= other.t
    }

    /// The parameters a record is (re-)wrapped with when this build aims at `target`: the
    /// stronger of the two in memory and in passes, with the target's lanes. Never weaker than
    /// either input, so a record made with stronger parameters keeps them.
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
    /// Memory × passes above [`KdfParams::MAX_COST`].
    CostTooHigh,
    /// Less than 8 KiB per lane (Argon2's floor).
    MemoryTooLow,
    /// Zero passes.
    TimeTooLow,
    /// Zero lanes.
    ParallelismTooLow,
    /// Weaker than [`KdfParams::OWASP_MIN`] (only for new records).
    BelowMinimum,
}

impl KdfRejection {
    /// A stable snake_case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MemoryTooHigh => "memory_too_high",
            Self::TimeTooHigh => "time_too_high",
            Self::ParallelismTooHigh => "parallelism_too_high",
            Self::CostTooHigh => "cost_too_high",
            Self::MemoryTooLow => "memory_too_low",
            Self::TimeTooLow => "time_too_low",
            Self::ParallelismTooLow => "parallelism_too_low",
            Self::BelowMinimum => "below_minimum",
        }
    }
}

/// Everything that can go wrong with the vault. Messages never contain key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultError {
    /// An empty (or whitespace-only) passphrase.
    EmptyPassphrase,
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
    /// KDF parameters refused before running the KDF.
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
            Self::Malformed { .. } => "vault_malformed",
            Self::MissingField { .. } => "vault_missing_field",
            Self::UnsupportedVersion { .. } => "vault_unsupported_version",
            Self::UnsupportedKdf => "vault_unsupported_kdf",
            Self::BadBase64 { .. } => "vault_bad_base64",
            Self::BadLength { .. } => "vault_bad_length",
            Self::KdfParamsRejected(_) => "vault_kdf_params_rejected",
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
                write!(f, "vault KDF parameters rejected: {}", why.code())
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
    /// When the record's parameters were weaker than the target: the same DEK and payload
    /// under the stronger parameters and a new salt. The caller stores it in place of the old.
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

/// Which seal the associated data is for (keeps the two from being swapped).
#[derive(Clone, Copy)]
enum Purpose {
    WrappedDek,
    Accounts,
}

/// The canonical header bound as associated data: version and KDF parameters in a fixed
/// textual form that does not depend on how the JSON was formatted.
fn header_aad(kdf: &KdfParams, purpose: Purpose) -> Vec<u8> {
    let purpose = match purpose {
        Purpose::WrappedDek => "wrapped_dek",
        Purpose::Accounts => "accounts",
    };
    format!(
        "keypost-vault;v={RECORD_VERSION};kdf={KDF_ALG};m={};t={};p={};{purpose}",
        kdf.m_kib, kdf.t, kdf.p
    )
    .into_bytes()
}

fn derive_kek(
    passphrase: &Passphrase,
    salt: &[u8; SALT_LEN],
    kdf: &KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, VaultError> {
    kdf.check_sane()?;
    let params =
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(KEY_LEN)).map_err(|_| VaultError::KdfFailed)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(&passphrase.kdf_input(), salt, &mut kek[..])
        .map_err(|_| VaultError::KdfFailed)?;
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

fn unwrap_dek(kek: &[u8; KEY_LEN], record: &VaultRecord) -> Result<Dek, VaultError> {
    let aad = header_aad(&record.kdf, Purpose::WrappedDek);
    let bytes = unseal(kek, &aad, &record.wrapped_dek).ok_or(VaultError::WrongPassphrase)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        // Authenticated but the wrong size: only a buggy writer produces this.
        return Err(VaultError::Tampered);
    }
    key.copy_from_slice(&bytes);
    Ok(Dek(key))
}

/// Wraps `dek` under a fresh salt and `kdf`, and seals `payload` under `dek`, giving a whole
/// new record.
fn build_record<E: Entropy + ?Sized>(
    passphrase: &Passphrase,
    kdf: KdfParams,
    dek: &Dek,
    payload: &[u8],
    entropy: &mut E,
) -> Result<VaultRecord, VaultError> {
    let mut salt = [0u8; SALT_LEN];
    entropy.fill(&mut salt);
    let kek = derive_kek(passphrase, &salt, &kdf)?;
    let wrapped_dek = seal(
        &kek,
        &header_aad(&kdf, Purpose::WrappedDek),
        &dek.0[..],
        entropy,
    )?;
    let accounts = seal(
        &dek.0,
        &header_aad(&kdf, Purpose::Accounts),
        payload,
        entropy,
    )?;
    Ok(VaultRecord {
        kdf,
        salt,
        wrapped_dek,
        accounts,
    })
}

/// Creates a vault holding `payload` under `passphrase`, with a new random DEK.
///
/// # Errors
/// [`VaultError::EmptyPassphrase`], [`VaultError::KdfParamsRejected`] (parameters insane or
/// below [`KdfParams::OWASP_MIN`]), [`VaultError::KdfFailed`].
pub fn create<E: Entropy + ?Sized>(
    passphrase: &Passphrase,
    params: KdfParams,
    payload: &[u8],
    entropy: &mut E,
) -> Result<(VaultRecord, Dek), VaultError> {
    if passphrase.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    params.check_for_new_record()?;
    let dek = Dek::random(entropy);
    let record = build_record(passphrase, params, &dek, payload, entropy)?;
    Ok((record, dek))
}

/// Unlocks `record` with `passphrase`. When the record's parameters are weaker than
/// `target_params`, also returns the record re-wrapped under stronger ones (see
/// [`Unlocked::upgraded`]).
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
    let kek = derive_kek(passphrase, &record.salt, &record.kdf)?;
    let dek = unwrap_dek(&kek, record)?;
    let payload = unseal(
        &dek.0,
        &header_aad(&record.kdf, Purpose::Accounts),
        &record.accounts,
    )
    .ok_or(VaultError::Tampered)?;
    let upgraded = if record.kdf.is_at_least(&target_params) {
        None
    } else {
        let stronger = record.kdf.at_least(target_params);
        Some(build_record(passphrase, stronger, &dek, &payload, entropy)?)
    };
    Ok(Unlocked {
        dek,
        payload,
        upgraded,
    })
}

/// Opens the payload with a DEK kept from an earlier unlock (the session path: no KDF).
///
/// # Errors
/// [`VaultError::DekMismatch`] when the DEK does not authenticate the accounts under this
/// record's header.
pub fn open(record: &VaultRecord, dek: &Dek) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    unseal(
        &dek.0,
        &header_aad(&record.kdf, Purpose::Accounts),
        &record.accounts,
    )
    .ok_or(VaultError::DekMismatch)
}

/// Seals a new payload (accounts changed while unlocked) with a fresh nonce; salt, parameters
/// and wrapped DEK stay as they are. The DEK is checked against the record first, so a stale
/// key can never produce a record that no passphrase opens.
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
    let accounts = seal(
        &dek.0,
        &header_aad(&record.kdf, Purpose::Accounts),
        payload,
        entropy,
    )?;
    Ok(VaultRecord {
        accounts,
        ..record.clone()
    })
}

/// Re-wraps the DEK under `new` passphrase, a new salt and `params`.
///
/// When `params` equal the record's, the accounts ciphertext is kept byte for byte. When they
/// differ, the header bound to the accounts seal changes, so the payload is resealed (same
/// DEK, fresh nonce).
///
/// # Errors
/// [`VaultError::WrongPassphrase`] for `old`, [`VaultError::EmptyPassphrase`] for either,
/// [`VaultError::KdfParamsRejected`] for `params`, [`VaultError::Tampered`].
pub fn change_passphrase<E: Entropy + ?Sized>(
    record: &VaultRecord,
    old: &Passphrase,
    new: &Passphrase,
    params: KdfParams,
    entropy: &mut E,
) -> Result<VaultRecord, VaultError> {
    if old.is_blank() || new.is_blank() {
        return Err(VaultError::EmptyPassphrase);
    }
    params.check_for_new_record()?;
    let kek = derive_kek(old, &record.salt, &record.kdf)?;
    let dek = unwrap_dek(&kek, record)?;
    let payload = unseal(
        &dek.0,
        &header_aad(&record.kdf, Purpose::Accounts),
        &record.accounts,
    )
    .ok_or(VaultError::Tampered)?;
    if params != record.kdf {
        return build_record(new, params, &dek, &payload, entropy);
    }
    let mut salt = [0u8; SALT_LEN];
    entropy.fill(&mut salt);
    let new_kek = derive_kek(new, &salt, &params)?;
    let wrapped_dek = seal(
        &new_kek,
        &header_aad(&params, Purpose::WrappedDek),
        &dek.0[..],
        entropy,
    )?;
    Ok(VaultRecord {
        kdf: params,
        salt,
        wrapped_dek,
        accounts: record.accounts.clone(),
    })
}

impl VaultRecord {
    /// The record's KDF parameters.
    #[must_use]
    pub fn kdf_params(&self) -> KdfParams {
        self.kdf
    }

    /// Whether [`unlock`] with `target` would upgrade this record.
    #[must_use]
    pub fn needs_upgrade(&self, target: &KdfParams) -> bool {
        !self.kdf.is_at_least(target)
    }

    /// The accounts ciphertext (for tests and diagnostics; not secret).
    #[must_use]
    pub fn accounts_ciphertext(&self) -> &[u8] {
        &self.accounts.ct
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
        root.insert("v".into(), Value::from(RECORD_VERSION));
        root.insert("kdf".into(), Value::Object(kdf));
        root.insert("salt".into(), Value::String(B64.encode(self.salt)));
        root.insert("wrapped_dek".into(), sealed(&self.wrapped_dek));
        root.insert("accounts".into(), sealed(&self.accounts));
        Value::Object(root).to_string()
    }

    /// Parses and validates a stored record: structure, version, KDF parameters (sanity caps
    /// included, so no KDF ever runs on absurd ones), base64 and lengths. Unknown fields are
    /// refused. Authenticity is checked later, by [`unlock`] or [`open`].
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
        if version != RECORD_VERSION {
            return Err(VaultError::UnsupportedVersion { found: version });
        }
        only_fields(
            root,
            &["v", "kdf", "salt", "wrapped_dek", "accounts"],
            "record",
        )?;

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
