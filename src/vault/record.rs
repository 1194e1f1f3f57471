//! The stored record: its fields, and its JSON form read strictly.

use super::*;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value};

/// A parsed, validated vault record. Holds only ciphertext, salt and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultRecord {
    /// [`RECORD_V1`] (read, and kept by the session path until the next unlock) or
    /// [`RECORD_VERSION`].
    pub(super) version: u64,
    /// The data key's generation: 0 for a version 1 record, 1 for a new vault, one more at
    /// every passphrase change (each of which draws a new DEK). Bound into both seals.
    pub(super) generation: u64,
    pub(super) kdf: KdfParams,
    pub(super) salt: [u8; SALT_LEN],
    pub(super) wrapped_dek: Sealed,
    pub(super) accounts: Sealed,
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
