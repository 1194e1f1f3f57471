//! The unlocked state: the vault record in `storage.local`, the data key (never the
//! passphrase) in `storage.session` while unlocked, auto-lock, and settings.
//!
//! `storage.session` survives a stopped service worker and is empty after a browser restart,
//! so a worker restart stays unlocked and a browser restart always locks.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::AppError;
use super::changes::{self, Change};
use super::platform::{self, Area, BrowserEntropy};
use crate::accounts::AccountsDoc;
use crate::settings::Settings;
use crate::vault::{self, Dek, PreviousVault, Throttle, VaultError, VaultRecord, VaultState};

/// `storage.local` key of the encrypted vault record.
pub const VAULT_KEY: &str = "vault";
/// `storage.local` key of the vault an import replaced ([`PreviousVault`]), while it is kept.
pub const PREVIOUS_KEY: &str = "vault_previous";
/// `storage.local` key of the records sealed under the previous vault's data key, set aside
/// with it by an import (`set_aside`): `{storage key: stored value}`, dropped with it.
pub const PREVIOUS_RECORDS_KEY: &str = "vault_previous_records";
/// `storage.local` key of the settings.
pub const SETTINGS_KEY: &str = "settings";
/// `storage.local` key of the wrong passphrases in a row ([`Throttle`]): kept across worker
/// and browser restarts.
const THROTTLE_KEY: &str = "unlock_throttle";
/// `storage.session` key of the unlocked session (the data key). Only unlocking writes it and
/// only locking removes it: activity is recorded beside it, so a request that counts as
/// activity can never bring back a key that "Lock now" or auto-lock removed meanwhile.
const SESSION_KEY: &str = "session";
/// `storage.session` key of the time of the last user activity (ms since the epoch).
const ACTIVE_KEY: &str = "session_active";
/// `storage.session` key of the [`VaultState`] pages watch (`{exists, unlocked, rev}`).
const STATE_KEY: &str = "vault_state";
/// The alarm that locks the vault after inactivity.
pub const AUTOLOCK_ALARM: &str = "autolock";

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
}

/// The last activity recorded, or `None` (a session from before the split key counts as
/// idle since the epoch, so it locks at once unless auto-lock waits for a restart).
async fn last_active_ms() -> Result<u64, AppError> {
    Ok(platform::get::<u64>(Area::Session, ACTIVE_KEY)
        .await?
        .unwrap_or(0))
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

/// The throttle's one owner: a passphrase check reads, checks and stores the count under it.
static THROTTLE_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Runs `check`, a check of the vault's passphrase, under the throttle ([`Throttle`]): while the
/// count of wrong passphrases asks to wait, it is refused with `vault_throttled` (`wait_ms`)
/// without being run; a wrong passphrase (`vault_wrong_passphrase`) counts, a right one clears
/// the count. Checks run one at a time, so two pages cannot guess in parallel.
pub async fn throttled<T>(check: impl FnOnce() -> Result<T, VaultError>) -> Result<T, AppError> {
    let _guard = THROTTLE_WRITE.lock().await;
    let mut throttle: Throttle = platform::get(Area::Local, THROTTLE_KEY)
        .await?
        .unwrap_or_default();
    let now = super::clock::now().await;
    if let Some(wait_ms) = throttle.wait_ms(now) {
        return Err(AppError::new("vault_throttled").with("wait_ms", wait_ms));
    }
    match check() {
        Err(VaultError::WrongPassphrase) => {
            throttle.failed(now);
            platform::set(Area::Local, THROTTLE_KEY, &throttle).await?;
            Err(VaultError::WrongPassphrase.into())
        }
        Err(other) => Err(other.into()),
        Ok(done) => {
            if !throttle.is_clear() {
                platform::remove(Area::Local, THROTTLE_KEY).await?;
            }
            Ok(done)
        }
    }
}

/// The stored settings, or the defaults.
pub async fn settings() -> Result<Settings, AppError> {
    Ok(platform::get(Area::Local, SETTINGS_KEY)
        .await?
        .unwrap_or_default())
}

/// The settings' one owner: a change reads, applies and stores under this lock.
static SETTINGS_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Applies `change` to the stored settings and stores them, serialised with every other
/// settings change, and re-arms auto-lock for them; a change that refuses stores nothing.
pub async fn change_settings(
    change: impl FnOnce(&mut Settings) -> Result<(), AppError>,
) -> Result<Settings, AppError> {
    let _guard = SETTINGS_WRITE.lock().await;
    let mut current = settings().await?;
    change(&mut current)?;
    save_settings(&current).await?;
    Ok(current)
}

/// Stores the settings and re-arms auto-lock for them.
async fn save_settings(settings: &Settings) -> Result<(), AppError> {
    platform::set(Area::Local, SETTINGS_KEY, settings).await?;
    rearm_if_unlocked(settings, None).await
}

/// One change of the session's keys (`session`, `session_active`) and of the auto-lock alarm
/// at a time: unlocking, locking, and recording activity. So activity that opened the vault
/// just before "Lock now" finds the session gone and leaves no trace behind it.
static SESSION_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// While a session exists (checked under [`SESSION_WRITE`]): records `active_ms` as the last
/// activity when given, and re-arms auto-lock for the last activity.
async fn rearm_if_unlocked(settings: &Settings, active_ms: Option<u64>) -> Result<(), AppError> {
    let _guard = SESSION_WRITE.lock().await;
    if platform::get::<StoredSession>(Area::Session, SESSION_KEY)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let last = match active_ms {
        Some(now) => {
            platform::set(Area::Session, ACTIVE_KEY, &now).await?;
            now
        }
        None => last_active_ms().await?,
    };
    arm_autolock(settings, last).await
}

/// The stored vault record, if there is one. A damaged record is an error, not "no vault".
pub async fn record() -> Result<Option<VaultRecord>, AppError> {
    let Some(json) = platform::get::<String>(Area::Local, VAULT_KEY).await? else {
        return Ok(None);
    };
    Ok(Some(VaultRecord::from_json(&json)?))
}

/// Whether a vault record is stored (damaged or not), without parsing it.
pub async fn record_exists() -> Result<bool, AppError> {
    Ok(platform::get::<String>(Area::Local, VAULT_KEY)
        .await?
        .is_some())
}

/// The stored record's JSON as it is, parsed or not (what an import keeps as the previous
/// vault).
pub async fn raw_record() -> Result<Option<String>, AppError> {
    platform::get::<String>(Area::Local, VAULT_KEY).await
}

/// The vault an import replaced, if one is kept. One that cannot be read counts as none.
pub async fn previous() -> Result<Option<PreviousVault>, AppError> {
    Ok(platform::get::<PreviousVault>(Area::Local, PREVIOUS_KEY)
        .await
        .ok()
        .flatten())
}

/// Stores (or, with `None`, removes) the kept previous vault.
pub async fn store_previous(previous: Option<&PreviousVault>) -> Result<(), AppError> {
    match previous {
        Some(p) => platform::set(Area::Local, PREVIOUS_KEY, p).await,
        None => {
            // Its records go with it.
            platform::remove(Area::Local, PREVIOUS_RECORDS_KEY).await?;
            platform::remove(Area::Local, PREVIOUS_KEY).await
        }
    }
}

/// Whether a session (a data key) is stored, without checking auto-lock.
pub async fn has_session() -> Result<bool, AppError> {
    Ok(platform::get::<StoredSession>(Area::Session, SESSION_KEY)
        .await?
        .is_some())
}

/// Stores a vault record.
pub async fn store_record(record: &VaultRecord) -> Result<(), AppError> {
    platform::set(Area::Local, VAULT_KEY, &record.to_json()).await
}

/// One write of [`STATE_KEY`] at a time: each reads what is true and what is stored under it,
/// so the last write says what is true and `rev` never repeats.
static STATE_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Writes the [`VaultState`] pages watch when whether the vault exists or is unlocked changed
/// since it was last written. Called after every change of either (session begun or ended,
/// record stored by an import) and at every worker start.
pub async fn publish_state() -> Result<(), AppError> {
    let _guard = STATE_WRITE.lock().await;
    let exists = record_exists().await?;
    let unlocked = platform::get::<StoredSession>(Area::Session, SESSION_KEY)
        .await?
        .is_some();
    // An unreadable stored state is replaced.
    let previous = platform::get::<VaultState>(Area::Session, STATE_KEY)
        .await
        .ok()
        .flatten();
    // The badge marks queued posts that will wait for a locked vault.
    changes::mark(Change::Vault);
    match VaultState::next(previous, exists, unlocked) {
        Some(state) => platform::set(Area::Session, STATE_KEY, &state).await,
        None => Ok(()),
    }
}

/// At a worker start: ends a session whose auto-lock time passed while no worker ran, then
/// makes the [`VaultState`] say what is true (after a browser restart there is none yet).
pub async fn reconcile_state() -> Result<(), AppError> {
    is_unlocked().await?;
    publish_state().await
}

/// Starts a session with this data key.
pub async fn begin(dek: &Dek) -> Result<(), AppError> {
    // Browser clock, not the worker clock: auto-lock is a chrome.alarms deadline.
    let now = platform::now_ms();
    // Moved out of its zeroizing buffer, not copied, so only one copy needs wiping.
    let mut encoded = dek.to_base64();
    let stored = StoredSession {
        dek: DekText(std::mem::take(&mut *encoded)),
    };
    let settings = settings().await?;
    {
        let _guard = SESSION_WRITE.lock().await;
        platform::set(Area::Session, ACTIVE_KEY, &now).await?;
        platform::set(Area::Session, SESSION_KEY, &stored).await?;
        arm_autolock(&settings, now).await?;
    }
    publish_state().await
}

/// Ends the session: the data key leaves `storage.session`.
pub async fn lock() -> Result<(), AppError> {
    {
        let _guard = SESSION_WRITE.lock().await;
        platform::remove(Area::Session, SESSION_KEY).await?;
        platform::remove(Area::Session, ACTIVE_KEY).await?;
        platform::clear_alarm(AUTOLOCK_ALARM).await?;
    }
    publish_state().await
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
    if platform::get::<StoredSession>(Area::Session, SESSION_KEY)
        .await?
        .is_none()
    {
        return Ok(false);
    }
    if settings()
        .await?
        .autolock
        // Browser clock: auto-lock is a chrome.alarms deadline.
        .expired(last_active_ms().await?, platform::now_ms())
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
    // A session whose key does not open the stored record answers `locked` and is left as it
    // is: a passphrase change stores the new record before the session takes the new key, and
    // a reader in between must not end the session the change is about to renew. (An import
    // or a restore, which replace the vault, end the session themselves.)
    let Ok(payload) = vault::open(&record, &dek) else {
        return Err(AppError::new("locked"));
    };
    let doc = AccountsDoc::from_bytes(&payload)?;
    if touch {
        // Only the activity time is written, and only while the session still exists: the
        // data key is never written back, so a lock that lands during this call stays locked
        // and leaves nothing of the session behind.
        // Browser clock, not the worker clock: auto-lock is a chrome.alarms deadline.
        let now = platform::now_ms();
        rearm_if_unlocked(&settings().await?, Some(now)).await?;
    }
    Ok(Open { record, dek, doc })
}

/// The vault record's one owner: every change to it (create, unlock's KDF upgrade, passphrase
/// change, import, every account change) holds this lock from reading the record to storing
/// it, with no network wait in between, so no change is made to a copy read before another
/// change completed. (A trap cannot leave it held: the background drops the module.)
static VAULT_WRITE: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Holds the vault write lock for a change that reads and stores the record itself.
pub async fn write_lock() -> async_lock::MutexGuard<'static, ()> {
    VAULT_WRITE.lock().await
}

/// Changes the accounts: under the write lock, opens the stored record, applies `change` and
/// stores the resealed record. `change` is synchronous: anything that waits on X happens
/// before, and `change` re-checks what it relied on against the record as it is now.
pub async fn change<T>(
    touch: bool,
    change: impl FnOnce(&mut Open) -> Result<T, AppError>,
) -> Result<(T, Open), AppError> {
    let _guard = write_lock().await;
    let mut open = open(touch).await?;
    let value = change(&mut open)?;
    save(&open).await?;
    Ok((value, open))
}

/// Seals the accounts again and stores the record.
async fn save(open: &Open) -> Result<(), AppError> {
    let payload = open.doc.to_bytes()?;
    let record = vault::reseal(&open.record, &open.dek, &payload, &mut BrowserEntropy)?;
    store_record(&record).await
}

/// Handles the auto-lock alarm: locks when the idle time has really passed.
pub async fn on_autolock_alarm() -> Result<(), AppError> {
    // is_unlocked() ends an expired session itself; a live one re-arms for its deadline.
    if is_unlocked().await? {
        rearm_if_unlocked(&settings().await?, None).await?;
    }
    Ok(())
}
