//! Vault messages: setup, unlock, lock, passphrase, backups, settings, and the status every
//! page draws from. The accounts inside the vault have their own messages (`msg_accounts`).
//!
//! Every change to the record holds [`session::write_lock`] from reading the record to
//! storing it, with no network wait in between.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::AppError;
use super::session::{self, BrowserEntropy};
use crate::accounts::{AccountView, AccountsDoc};
use crate::settings::{Settings, SettingsPatch};
use crate::vault::{self, KdfParams, Passphrase, VaultRecord};

/// The Argon2id parameters new and upgraded vaults get: the strongest of the measured sets
/// that unlocks within about 250 ms in the extension's service worker (README, "Vault").
pub const TARGET_KDF: KdfParams = KdfParams::DEFAULT;

/// Vault messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Msg {
    /// Whether a vault exists, whether it is unlocked, the settings and the accounts.
    VaultStatus,
    /// First run: create the vault.
    VaultCreate {
        /// The chosen passphrase.
        passphrase: String,
    },
    /// Unlock with the passphrase.
    VaultUnlock {
        /// The passphrase.
        passphrase: String,
    },
    /// Lock now.
    VaultLock,
    /// Change the passphrase (re-wraps the data key only).
    VaultChangePassphrase {
        /// The current passphrase.
        old: String,
        /// The new one.
        new: String,
    },
    /// How strong a passphrase looks.
    PassphraseStrength {
        /// The candidate.
        passphrase: String,
    },
    /// The encrypted record, for a backup file.
    VaultExport,
    /// Replace (or create) the vault from a backup file.
    VaultImport {
        /// The file's text.
        json: String,
        /// Replace an existing vault.
        #[serde(default)]
        replace: bool,
    },
    /// Change some settings.
    SettingsSet {
        /// The settings to change.
        settings: SettingsPatch,
    },
}

/// What the pages draw from.
#[derive(Serialize)]
struct VaultStatus {
    exists: bool,
    unlocked: bool,
    settings: Settings,
    accounts: Vec<AccountView>,
    default_id: Option<String>,
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The vault status every page draws from (`accounts` is empty while locked).
pub(super) async fn status() -> Result<Value, AppError> {
    // Whatever changed behind the worker's back, the watched state catches up here too (a
    // failure to write it does not keep the page from its answer).
    let _ = session::publish_state().await;
    let settings = session::settings().await?;
    let exists = exists_or_unreadable().await;
    let open = if exists && session::is_unlocked().await? {
        session::open(false).await.ok()
    } else {
        None
    };
    let (accounts, default_id) = match &open {
        Some(o) => (o.doc.views(), o.doc.default_id.clone()),
        None => (Vec::new(), None),
    };
    Ok(to_value(&VaultStatus {
        exists,
        unlocked: open.is_some(),
        settings,
        accounts,
        default_id,
    }))
}

/// Whether a vault record is stored; one that cannot be read counts as one (it is not
/// overwritten without `replace`).
async fn exists_or_unreadable() -> bool {
    session::record().await.map(|r| r.is_some()).unwrap_or(true)
}

/// The stored record, or `vault_missing`.
async fn stored_record() -> Result<VaultRecord, AppError> {
    session::record()
        .await?
        .ok_or_else(|| AppError::new("vault_missing"))
}

/// Handles a vault message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::VaultStatus => status().await,
        Msg::VaultCreate { passphrase } => create(Passphrase::new(passphrase)).await,
        Msg::VaultUnlock { passphrase } => unlock(Passphrase::new(passphrase)).await,
        Msg::VaultLock => lock().await,
        Msg::VaultChangePassphrase { old, new } => {
            change_passphrase(Passphrase::new(old), Passphrase::new(new)).await
        }
        Msg::PassphraseStrength { passphrase } => Ok(strength(&passphrase)),
        Msg::VaultExport => export().await,
        Msg::VaultImport { json, replace } => import(&json, replace).await,
        Msg::SettingsSet { settings } => set_settings(settings).await,
    }
}

/// First run: creates an empty vault and unlocks it.
async fn create(passphrase: Passphrase) -> Result<Value, AppError> {
    let vault_lock = session::write_lock().await;
    if exists_or_unreadable().await {
        return Err(AppError::new("vault_exists"));
    }
    let payload = AccountsDoc::new().to_bytes()?;
    let (record, dek) = vault::create(&passphrase, TARGET_KDF, &payload, &mut BrowserEntropy)?;
    session::store_record(&record).await?;
    session::begin(&dek).await?;
    drop(vault_lock);
    status().await
}

/// Unlocks, storing the record re-wrapped when it was made with weaker parameters than
/// [`TARGET_KDF`], and lets the scheduler send what waited for the unlock.
async fn unlock(passphrase: Passphrase) -> Result<Value, AppError> {
    let vault_lock = session::write_lock().await;
    let record = stored_record().await?;
    let unlocked = vault::unlock(&record, &passphrase, TARGET_KDF, &mut BrowserEntropy)?;
    if let Some(upgraded) = &unlocked.upgraded {
        session::store_record(upgraded).await?;
    }
    session::begin(&unlocked.dek).await?;
    drop(vault_lock);
    super::schedule::spawn_unlocked();
    status().await
}

/// Locks now.
async fn lock() -> Result<Value, AppError> {
    session::lock().await?;
    status().await
}

/// Re-wraps the data key under a new passphrase (the accounts are not re-encrypted).
async fn change_passphrase(old: Passphrase, new: Passphrase) -> Result<Value, AppError> {
    let vault_lock = session::write_lock().await;
    let record = stored_record().await?;
    // A record made with stronger parameters than this build's target keeps them.
    let params = record.kdf_params().at_least(TARGET_KDF);
    let changed = vault::change_passphrase(&record, &old, &new, params, &mut BrowserEntropy)?;
    session::store_record(&changed).await?;
    drop(vault_lock);
    session::publish_state().await?;
    status().await
}

/// `{score, hint}` for a candidate passphrase.
fn strength(passphrase: &str) -> Value {
    let s = vault::passphrase_strength(passphrase);
    json!({ "score": s.score, "hint": s.hint.code() })
}

/// The encrypted record as a backup file: `{file_name, json}`.
async fn export() -> Result<Value, AppError> {
    let record = stored_record().await?;
    let date = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let day = date.get(..10).unwrap_or("backup");
    Ok(json!({ "file_name": format!("keypost-vault-{day}.json"), "json": record.to_json() }))
}

/// Stores a backup file's record (replacing an existing vault only when asked) and locks:
/// the imported vault's own passphrase unlocks it.
async fn import(json: &str, replace: bool) -> Result<Value, AppError> {
    let record = VaultRecord::from_json(json.trim())?;
    let vault_lock = session::write_lock().await;
    if exists_or_unreadable().await && !replace {
        return Err(AppError::new("vault_exists"));
    }
    session::lock().await?;
    session::store_record(&record).await?;
    drop(vault_lock);
    // The vault may exist only now (an import into an empty browser).
    session::publish_state().await?;
    status().await
}

/// Changes some settings.
async fn set_settings(patch: SettingsPatch) -> Result<Value, AppError> {
    session::change_settings(|current| current.apply(patch)).await?;
    status().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_allowed_for_new_records_and_above_the_owasp_minimum() {
        assert_eq!(TARGET_KDF.check_for_new_record(), Ok(()));
        assert!(TARGET_KDF.is_at_least(&KdfParams::OWASP_MIN));
    }
}
