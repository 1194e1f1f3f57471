//! Vault messages: setup, unlock, lock, passphrase, backups, settings, and the status every
//! page draws from. The accounts inside the vault have their own messages (`msg_accounts`).
//!
//! Every change to the record holds [`session::write_lock`] from reading the record to
//! storing it, with no network wait in between.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::AppError;
use super::changes::{self, Change};
use super::error::Coded;
use super::platform::{self, Area, BrowserEntropy};
use super::protocol::answers::{BackupFile, PassphraseChanged, Unlocked, VaultStatus};
use super::protocol::{Answer, VaultMsg, reply};
use super::{session, set_aside, status};
use crate::accounts::AccountsDoc;
use crate::settings::SettingsPatch;
use crate::vault::{self, KdfParams, Passphrase, PreviousVault, VaultError, VaultRecord};

/// The Argon2id parameters new and upgraded vaults get: the strongest of the measured sets
/// that unlocks within about 250 ms in the extension's service worker (docs/SECURITY.md, "Argon2id parameters").
pub const TARGET_KDF: KdfParams = KdfParams::DEFAULT;

/// A vault error with the facts its message needs: the floor's minimums and the estimator's
/// hint, and which KDF bound a record broke.
impl Coded for VaultError {
    fn code(&self) -> &'static str {
        VaultError::code(self)
    }

    fn details(&self) -> Map<String, Value> {
        let value = match self {
            VaultError::PassphraseTooShort { min_chars } => json!({ "min_chars": min_chars }),
            VaultError::PassphraseTooWeak { score, hint } => json!({
                "score": score,
                "hint": hint.code(),
                "min_score": vault::MIN_PASSPHRASE_SCORE,
            }),
            VaultError::KdfParamsRejected(why) => json!({
                "why": why.code(),
                "max_m_kib": KdfParams::MAX_M_KIB,
                "max_t": KdfParams::MAX_T,
                "max_p": KdfParams::MAX_P,
            }),
            _ => return Map::new(),
        };
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// What cannot be undone, or weakens protection, needs the owner: an unlocked session. Replacing
/// the vault by an import, restoring or discarding the vault an import replaced, exporting
/// either one, and a longer auto-lock: a person at a locked browser is refused with
/// `vault_owner_required` (the options page offers these only while unlocked).
async fn owner_present() -> Result<(), AppError> {
    if session::is_unlocked().await? {
        Ok(())
    } else {
        Err(owner_required())
    }
}

/// A vault's accounts as they came from outside this browser's own writes
/// ([`AccountsDoc::check_foreign`]).
async fn check_accounts(payload: &[u8]) -> Result<(), AppError> {
    let origins = super::config::image_origins().await;
    let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
    AccountsDoc::from_bytes(payload)?.check_foreign(&origins)?;
    Ok(())
}

fn owner_required() -> AppError {
    AppError::new("vault_owner_required")
}

/// The stored record, or `vault_missing`.
async fn stored_record() -> Result<VaultRecord, AppError> {
    session::record()
        .await?
        .ok_or_else(|| AppError::new("vault_missing"))
}

/// Handles a vault message.
pub async fn handle(msg: VaultMsg) -> Result<Answer, AppError> {
    match msg {
        VaultMsg::VaultStatus => reply(&status::status().await?),
        VaultMsg::VaultCreate { passphrase } => reply(&create(Passphrase::new(passphrase)).await?),
        VaultMsg::VaultUnlock { passphrase } => reply(&unlock(Passphrase::new(passphrase)).await?),
        VaultMsg::VaultLock => reply(&lock().await?),
        VaultMsg::VaultChangePassphrase { old, new } => {
            reply(&change_passphrase(Passphrase::new(old), Passphrase::new(new)).await?)
        }
        VaultMsg::VaultExport => {
            owner_present().await?;
            reply(&export().await?)
        }
        VaultMsg::VaultImport {
            json,
            replace,
            passphrase,
        } => reply(&import(&json, replace, passphrase.map(Passphrase::new)).await?),
        VaultMsg::VaultRestorePrevious => {
            owner_present().await?;
            reply(&restore_previous().await?)
        }
        VaultMsg::VaultExportPrevious => {
            owner_present().await?;
            reply(&export_previous().await?)
        }
        VaultMsg::VaultDiscardPrevious => {
            owner_present().await?;
            reply(&discard_previous().await?)
        }
        VaultMsg::SettingsSet { settings } => reply(&set_settings(settings).await?),
    }
}

/// First run: creates an empty vault and unlocks it.
async fn create(passphrase: Passphrase) -> Result<VaultStatus, AppError> {
    let vault_lock = session::write_lock().await;
    if status::exists_or_unreadable().await {
        return Err(AppError::new("vault_exists"));
    }
    let payload = AccountsDoc::new().to_bytes()?;
    let (record, dek) = vault::create(&passphrase, TARGET_KDF, &payload, &mut BrowserEntropy)?;
    session::store_record(&record).await?;
    session::begin(&dek).await?;
    drop(vault_lock);
    status::status().await
}

/// Unlocks, storing the record re-wrapped when it was made with weaker parameters than
/// [`TARGET_KDF`], and lets the scheduler send what waited for the unlock.
async fn unlock(passphrase: Passphrase) -> Result<Unlocked, AppError> {
    let vault_lock = session::write_lock().await;
    let record = stored_record().await?;
    let unlocked =
        session::throttled(|| vault::unlock(&record, &passphrase, TARGET_KDF, &mut BrowserEntropy))
            .await?;
    if let Some(upgraded) = &unlocked.upgraded {
        session::store_record(upgraded).await?;
    }
    // The accounts are checked before the session begins (a backup imported into an empty
    // browser is first opened here).
    check_accounts(&unlocked.payload).await?;
    note_unlock_for_previous().await?;
    session::begin(&unlocked.dek).await?;
    drop(vault_lock);
    // The posts that waited for the unlock go out (the driver starts them).
    changes::mark(Change::Unlocked);
    Ok(Unlocked {
        status: status::status().await?,
        passphrase_below_floor: passphrase.below_floor(),
    })
}

/// Locks now.
async fn lock() -> Result<VaultStatus, AppError> {
    session::lock().await?;
    status::status().await
}

/// The vault was unlocked: a kept previous vault starts its countdown the first time, and one
/// whose time is up is dropped. Under the vault write lock.
async fn note_unlock_for_previous() -> Result<(), AppError> {
    let Some(mut previous) = session::previous().await? else {
        return Ok(());
    };
    let now = super::clock::now().await;
    if previous.expired(now) {
        session::store_previous(None).await
    } else if previous.on_unlock(now) {
        session::store_previous(Some(&previous)).await
    } else {
        Ok(())
    }
}

/// Changes the passphrase and the data key: the accounts are re-sealed under a new DEK, and
/// the new record is stored together with every other record sealed with the data key
/// (draft, outbox, Sent history, scheduled posts' contents) moved to it, in one write
/// ([`super::rekey::apply`]); an unlocked session continues with the new key. All of it under
/// the vault write lock, so two changes never overlap. The answer is the status with
/// `unopenable`: what opened with neither key and was kept as it was (records, item ids,
/// series ids), for the page to name.
async fn change_passphrase(
    old: Passphrase,
    new: Passphrase,
) -> Result<PassphraseChanged, AppError> {
    let vault_lock = session::write_lock().await;
    let record = stored_record().await?;
    // Today's parameters, whatever the record had: a backup made with costs at the edge of the
    // accepted bounds (256 MiB, 10 passes: a slow unlock on every device) comes back to them.
    let params = TARGET_KDF;
    let rotation = session::throttled(|| {
        vault::change_passphrase(&record, &old, &new, params, &mut BrowserEntropy)
    })
    .await?;
    let unopenable = super::rekey::apply(&rotation).await?;
    drop(vault_lock);
    session::publish_state().await?;
    Ok(PassphraseChanged {
        status: status::status().await?,
        unopenable,
    })
}

/// The encrypted record as a backup file: `{file_name, json}`.
async fn export() -> Result<BackupFile, AppError> {
    let record = stored_record().await?;
    let day = platform::iso_day(super::clock::now().await);
    Ok(BackupFile {
        file_name: format!("keypost-vault-{day}.json"),
        json: record.to_json(),
        replaced_ms: None,
    })
}

/// Stores a backup file's record and locks: the imported vault's own passphrase unlocks it.
///
/// The record is checked first (shape, and the KDF bounds before any derivation). Replacing a
/// vault needs the backup's passphrase, and the backup must open with it before anything is
/// changed. The replaced record is kept as the previous vault ([`PreviousVault::on_replace`]),
/// in the same write as the new record.
// Stays in the worker: the preconditions are about what storage holds now; the message tests prove them.
async fn import(
    json: &str,
    replace: bool,
    passphrase: Option<Passphrase>,
) -> Result<VaultStatus, AppError> {
    let record = VaultRecord::from_json(json.trim())?;
    if passphrase.is_none() && (replace || status::exists_or_unreadable().await) {
        if !replace {
            return Err(AppError::new("vault_exists"));
        }
        return Err(AppError::new("vault_import_passphrase_required"));
    }
    // Replacing a vault that can be unlocked needs its owner; one whose record does not even
    // parse protects nothing, and a backup is the way back from it.
    if replace
        && session::raw_record()
            .await?
            .is_some_and(|stored| VaultRecord::from_json(&stored).is_ok())
    {
        owner_present().await?;
    }
    if let Some(passphrase) = &passphrase {
        // The backup's accounts are checked before anything is stored: a crafted one (10,000
        // accounts, keys no form would save, avatars from elsewhere) changes nothing.
        let payload = vault::check_opens(&record, passphrase)?;
        check_accounts(&payload).await?;
    }
    let vault_lock = session::write_lock().await;
    let current = session::raw_record().await?;
    if current.is_some() && !replace {
        return Err(AppError::new("vault_exists"));
    }
    let kept = PreviousVault::on_replace(
        session::previous().await?,
        current,
        super::clock::now().await,
    );
    let held = set_aside::hold().await;
    session::lock().await?;
    let mut writes = vec![(session::VAULT_KEY, Value::String(record.to_json()))];
    if let Some(kept) = &kept {
        // The replaced vault's records go aside with it, in the same write: the new vault
        // starts with none, and nothing of the old one is overwritten or failed meanwhile.
        writes.push((session::PREVIOUS_KEY, to_value(kept)));
        let records = set_aside::current(&held).await?;
        writes.push((session::PREVIOUS_RECORDS_KEY, Value::Object(records)));
        writes.extend(set_aside::swap_to(&Map::new()));
    }
    platform::set_many(Area::Local, &writes).await?;
    drop(held);
    drop(vault_lock);
    changes::mark(Change::Plans);
    // The vault may exist only now (an import into an empty browser).
    session::publish_state().await?;
    status::status().await
}

/// The kept previous vault, or `vault_no_previous`.
async fn kept_previous() -> Result<PreviousVault, AppError> {
    let now = super::clock::now().await;
    session::previous()
        .await?
        .filter(|p| !p.expired(now))
        .ok_or_else(|| AppError::new("vault_no_previous"))
}

/// Puts the previous vault back, keeping the one it replaces as the previous in its turn (so
/// a restore can be undone too), and locks.
async fn restore_previous() -> Result<VaultStatus, AppError> {
    let vault_lock = session::write_lock().await;
    let previous = kept_previous().await?;
    let current = session::raw_record().await?;
    let held = set_aside::hold().await;
    session::lock().await?;
    // The vaults swap, each with its records, in one write.
    let theirs = set_aside::kept(&held).await?;
    let ours = set_aside::current(&held).await?;
    let mut writes = vec![(session::VAULT_KEY, Value::String(previous.record))];
    writes.extend(set_aside::swap_to(&theirs));
    match PreviousVault::on_replace(None, current, super::clock::now().await) {
        Some(kept) => {
            writes.push((session::PREVIOUS_KEY, to_value(&kept)));
            writes.push((session::PREVIOUS_RECORDS_KEY, Value::Object(ours)));
            platform::set_many(Area::Local, &writes).await?;
        }
        None => {
            platform::set_many(Area::Local, &writes).await?;
            session::store_previous(None).await?;
        }
    }
    drop(held);
    drop(vault_lock);
    changes::mark(Change::Plans);
    session::publish_state().await?;
    status::status().await
}

/// The previous vault as a backup file: `{file_name, json, replaced_ms}`.
async fn export_previous() -> Result<BackupFile, AppError> {
    let previous = kept_previous().await?;
    let day = platform::iso_day(previous.replaced_ms);
    Ok(BackupFile {
        file_name: format!("keypost-vault-replaced-{day}.json"),
        json: previous.record,
        replaced_ms: Some(previous.replaced_ms),
    })
}

/// Drops the previous vault now.
async fn discard_previous() -> Result<VaultStatus, AppError> {
    let vault_lock = session::write_lock().await;
    session::store_previous(None).await?;
    drop(vault_lock);
    status::status().await
}

/// Changes some settings.
async fn set_settings(patch: SettingsPatch) -> Result<VaultStatus, AppError> {
    if let Some(policy) = patch.late_policy {
        policy.validate()?;
    }
    // Decided under the settings' lock, against the settings as they are then.
    let unlocked = session::is_unlocked().await?;
    session::change_settings(|current| {
        if !unlocked && current.weakened_by(&patch) {
            return Err(owner_required());
        }
        current.apply(patch);
        Ok(())
    })
    .await?;
    status::status().await
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
