//! The passphrase and the data key: secrets that are zeroized on drop and never printed.

use super::*;
use base64::engine::general_purpose::STANDARD as B64;
use unicode_normalization::is_nfc;

/// A passphrase, zeroized on drop. It is NFC-normalised before use, so the same characters
/// typed on different systems give the same key.
#[derive(Clone)]
pub struct Passphrase(pub(super) Zeroizing<String>);

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

    /// Whether today's floor for a new passphrase ([`check_new_passphrase`]) would refuse it: a
    /// vault made before the floor still opens with it, and its owner is told after unlocking
    /// that it should change.
    #[must_use]
    pub fn below_floor(&self) -> bool {
        check_new_passphrase(&self.0).is_err()
    }

    /// The bytes fed to the KDF: the NFC form, in a zeroizing buffer.
    pub(super) fn kdf_input(&self) -> Zeroizing<Vec<u8>> {
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
pub struct Dek(pub(super) Zeroizing<[u8; KEY_LEN]>);

impl Dek {
    pub(super) fn random<E: Entropy + ?Sized>(entropy: &mut E) -> Result<Self, VaultError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        entropy.fill(&mut key[..])?;
        Ok(Self(key))
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
