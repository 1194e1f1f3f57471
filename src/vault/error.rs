//! Everything that can go wrong with the vault; messages never contain key material.

use super::*;

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
    /// The platform gave no random bytes: nothing was written rather than something weak.
    EntropyUnavailable,
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
            Self::EntropyUnavailable => "vault_entropy_unavailable",
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
            Self::EntropyUnavailable => f.write_str("no random bytes were available"),
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
