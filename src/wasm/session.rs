//! The unlocked state: the vault record in `storage.local`, the data key (never the
//! passphrase) in `storage.session` while unlocked, auto-lock, and settings.
//!
//! `storage.session` survives a stopped service worker and is empty after a browser restart,
//! so a worker restart stays unlocked and a browser restart always locks.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::AppError;
use super::platform::{self, Area};
use crate::accounts::AccountsDoc;
use crate::settings::Settings;
use crate::vault::{self, Dek, Entropy, VaultRecord};

/// `storage.local` key of the encrypted vault record.
pub const VAULT_KEY: &str = "vault";
/// `storage.local` key of the settings.
pub const SETTINGS_KEY: &str = "settings";
/// `storage.session` key of the unlocked session.
const SESSION_KEY: &str = "session";
/// The alarm that locks the vault after inactivity.
pub const AUTOLOCK_ALARM: &str = "autolock";

/// `crypto.getRandomValues` as the core's entropy source.
pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        // getRandomValues takes at most 65,536 bytes at a time. It cannot fail in an extension
        // context; if it ever did, throwing aborts this call instead of using weak bytes.
        for chunk in buf.chunks_mut(65_536) {
            if platform::fill_random(chunk).is_err() {
                wasm_bindgen::throw_str("crypto.getRandomValues is unavailable");
            }
        }
    }
}

/// The data key as base64 text, wiped from memory when dropped.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct DekText(String);

impl Drop for DekText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// What `storage.session` holds while unlocked.
#[derive(Serialize, Deserialize)]
struct StoredSession {
    dek: DekText,
    last_active_ms: u64,
}

/// What an unlocked vault gives a handler.
pub struct Open {
    /// The stored record.
    pub record: VaultRecord,
    /// The data key.
    pub dek: Dek,
    /// The decrypted accounts.
    pub doc: AccountsDoc,
}

/// The stored settings, or the defaults.
pub async fn settings() -> Result<Settings, AppError> {
    Ok(platform::get(Area::Local, SETTINGS_KEY)
        .await?
        .unwrap_or_default())
}

/// Stores the settings and re-arms auto-lock for them.
pub async fn save_settings(settings: &Settings) -> Result<(), AppError> {
    platform::set(Area::Local, SETTINGS_KEY, settings).await?;
    if let Some(s) = platform::get::<StoredSession>(Area::Session, SESSION_KEY).await? {
        arm_autolock(settings, s.last_active_ms).await?;
    }
    Ok(())
}

/// The stored vault record, if there is one. A damaged record is an error, not "no vault".
pub async fn record() -> Result<Option<VaultRecord>, AppError> {
    let Some(json) = platform::get::<String>(Area::Local, VAULT_KEY).await? else {
        return Ok(None);
    };
    VaultRecord::from_json(&json)
        .map(Some)
        .map_err(|e| AppError::new(e.code()))
}

/// Stores a vault record.
pub async fn store_record(record: &VaultRecord) -> Result<(), AppError> {
    platform::set(Area::Local, VAULT_KEY, &record.to_json()).await
}

/// Starts a session with this data key.
pub async fn begin(dek: &Dek) -> Result<(), AppError> {
    let now = platform::now_ms();
    // Moved out of its zeroizing buffer, not copied, so only one copy needs wiping.
    let mut encoded = dek.to_base64();
    let stored = StoredSession {
        dek: DekText(std::mem::take(&mut *encoded)),
        last_active_ms: now,
    };
    platform::set(Area::Session, SESSION_KEY, &stored).await?;
    arm_autolock(&settings().await?, now).await
}

/// Ends the session: the data key leaves `storage.session`.
pub async fn lock() -> Result<(), AppError> {
    platform::remove(Area::Session, SESSION_KEY).await?;
    platform::clear_alarm(AUTOLOCK_ALARM).await
}

async fn arm_autolock(settings: &Settings, last_active_ms: u64) -> Result<(), AppError> {
    match settings.autolock.deadline(last_active_ms) {
        Some(when) => platform::set_alarm(AUTOLOCK_ALARM, when).await,
        None => platform::clear_alarm(AUTOLOCK_ALARM).await,
    }
}

/// Whether a session exists and has not expired (an expired one is ended here, in case its
/// alarm was missed).
pub async fn is_unlocked() -> Result<bool, AppError> {
    let Some(s) = platform::get::<StoredSession>(Area::Session, SESSION_KEY).await? else {
        return Ok(false);
    };
    if settings()
        .await?
        .autolock
        .expired(s.last_active_ms, platform::now_ms())
    {
        lock().await?;
        return Ok(false);
    }
    Ok(true)
}

/// Opens the vault with the session's data key; `locked` when there is no live session.
/// `touch` counts the call as user activity for auto-lock (scheduled sends do not).
pub async fn open(touch: bool) -> Result<Open, AppError> {
    if !is_unlocked().await? {
        return Err(AppError::new("locked"));
    }
    let Some(s) = platform::get::<StoredSession>(Area::Session, SESSION_KEY).await? else {
        return Err(AppError::new("locked"));
    };
    let dek = Dek::from_base64(&s.dek.0).map_err(|_| AppError::new("locked"))?;
    let Some(record) = record().await? else {
        lock().await?;
        return Err(AppError::new("vault_missing"));
    };
    let payload = match vault::open(&record, &dek) {
        Ok(p) => p,
        Err(_) => {
            // The vault was replaced (import) since this session began.
            lock().await?;
            return Err(AppError::new("locked"));
        }
    };
    let doc = AccountsDoc::from_bytes(&payload).map_err(|e| AppError::new(e.code()))?;
    if touch {
        let now = platform::now_ms();
        platform::set(
            Area::Session,
            SESSION_KEY,
            &StoredSession {
                dek: s.dek,
                last_active_ms: now,
            },
        )
        .await?;
        arm_autolock(&settings().await?, now).await?;
    }
    Ok(Open { record, dek, doc })
}

/// Seals the accounts again and stores the record.
pub async fn save(open: &Open) -> Result<(), AppError> {
    let payload = open.doc.to_bytes().map_err(|e| AppError::new(e.code()))?;
    let record = vault::reseal(&open.record, &open.dek, &payload, &mut BrowserEntropy)
        .map_err(|e| AppError::new(e.code()))?;
    store_record(&record).await
}

/// Handles the auto-lock alarm: locks when the idle time has really passed.
pub async fn on_autolock_alarm() -> Result<(), AppError> {
    // is_unlocked() ends an expired session itself; a live one re-arms for its deadline.
    if is_unlocked().await?
        && let Some(s) = platform::get::<StoredSession>(Area::Session, SESSION_KEY).await?
    {
        arm_autolock(&settings().await?, s.last_active_ms).await?;
    }
    Ok(())
}
