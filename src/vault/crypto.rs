//! The primitives: Argon2id derives the key-encryption key, AES-256-GCM wraps the data key and
//! seals the payload, with the record's header as associated data.

use super::*;
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Nonce, Payload};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// A nonce and an AES-GCM ciphertext (tag appended).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Sealed {
    pub(super) nonce: [u8; NONCE_LEN],
    pub(super) ct: Vec<u8>,
}

/// Which seal the associated data is for (keeps the two from being swapped).
#[derive(Clone, Copy)]
pub(super) enum Purpose {
    WrappedDek,
    Accounts,
}

/// The canonical header bound as associated data: version, (from version 2) the DEK's
/// generation, and KDF parameters in a fixed textual form that does not depend on how the
/// JSON was formatted. Version 1's form is kept byte for byte so its records still open.
pub(super) fn header_aad(
    record_version: u64,
    generation: u64,
    kdf: &KdfParams,
    purpose: Purpose,
) -> Vec<u8> {
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
    pub(super) fn aad(&self, purpose: Purpose) -> Vec<u8> {
        header_aad(self.version, self.generation, &self.kdf, purpose)
    }
}

pub(super) fn derive_kek(
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

pub(super) fn seal<E: Entropy + ?Sized>(
    key: &[u8; KEY_LEN],
    aad: &[u8],
    plaintext: &[u8],
    entropy: &mut E,
) -> Result<Sealed, VaultError> {
    let mut nonce = [0u8; NONCE_LEN];
    entropy.fill(&mut nonce)?;
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
pub(super) fn unseal(
    key: &[u8; KEY_LEN],
    aad: &[u8],
    sealed: &Sealed,
) -> Option<Zeroizing<Vec<u8>>> {
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
/// nonce, then the ciphertext with its tag): the one sealing primitive of everything else
/// sealed with the vault's data key ([`crate::sealed`] wraps it in its text format).
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

pub(super) fn unwrap_dek(kek: &[u8; KEY_LEN], record: &VaultRecord) -> Result<Dek, VaultError> {
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
pub(super) fn open_with_passphrase(
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
pub(super) fn build_record<E: Entropy + ?Sized>(
    passphrase: &Passphrase,
    kdf: KdfParams,
    generation: u64,
    dek: &Dek,
    payload: &[u8],
    entropy: &mut E,
) -> Result<VaultRecord, VaultError> {
    let mut salt = [0u8; SALT_LEN];
    entropy.fill(&mut salt)?;
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
