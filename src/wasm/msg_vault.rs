//! Vault and account messages: setup, unlock, lock, passphrase, backups, settings, and the
//! accounts with their one verification path (the popup and the options page both use it).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::net::signed_send;
use super::session::{self, BrowserEntropy, Open};
use super::{AppError, api_base, platform};
use crate::accounts::{self, AccountView, AccountsDoc, FieldProblem, Keys, KeysForm, Verification};
use crate::oauth1::Credentials;
use crate::settings::{Settings, SettingsPatch};
use crate::vault::{self, KdfParams, Passphrase, VaultRecord};
use crate::x::{self, AccessLevel};

/// The Argon2id parameters new and upgraded vaults get: the strongest of the measured sets
/// that unlocks within about 250 ms in the extension's service worker (README, "Vault").
pub const TARGET_KDF: KdfParams = KdfParams::DEFAULT;

/// The parameters a record is re-wrapped with: never weaker than it already is, in memory or
/// in passes, and at least the target.
fn stronger_of(current: KdfParams, target: KdfParams) -> KdfParams {
    KdfParams {
        m_kib: current.m_kib.max(target.m_kib),
        t: current.t.max(target.t),
        p: target.p,
    }
}

/// Vault and account messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
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
    /// Add an account: check the form, verify with X, then save.
    AccountAdd {
        /// A name for the account.
        #[serde(default)]
        label: String,
        /// The four keys as typed.
        keys: KeysForm,
        /// Long posts allowed.
        #[serde(default)]
        premium: bool,
    },
    /// Change an account; new keys are verified before they are saved.
    AccountUpdate {
        /// The account.
        id: String,
        /// A new label.
        label: Option<String>,
        /// Keys to rotate (blank fields keep the saved ones).
        keys: Option<KeysForm>,
        /// Long posts allowed.
        premium: Option<bool>,
    },
    /// Verify a saved account again.
    AccountVerify {
        /// The account.
        id: String,
    },
    /// Remove an account.
    AccountRemove {
        /// The account.
        id: String,
    },
    /// Make an account the default.
    AccountSetDefault {
        /// The account.
        id: String,
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

fn err(e: impl ErrorCode) -> AppError {
    AppError::new(e.error_code())
}

/// Anything with a stable code.
trait ErrorCode {
    fn error_code(&self) -> &'static str;
}
impl ErrorCode for vault::VaultError {
    fn error_code(&self) -> &'static str {
        self.code()
    }
}
impl ErrorCode for accounts::AccountsError {
    fn error_code(&self) -> &'static str {
        self.code()
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

async fn status() -> Result<Value, AppError> {
    let settings = session::settings().await?;
    let exists = session::record().await.map(|r| r.is_some()).unwrap_or(true);
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

fn form_error(problems: Vec<FieldProblem>) -> AppError {
    let list: Vec<Value> = problems
        .iter()
        .map(|p| {
            let mut v = json!({ "field": p.field.as_str(), "problem": p.problem.code() });
            if let accounts::Problem::SameValue { other } = p.problem {
                v["other_field"] = json!(other.as_str());
            }
            v
        })
        .collect();
    AppError::new("form_invalid").with("problems", list)
}

/// The outcome of checking keys with X.
struct Checked {
    verification: Verification,
    warning: Option<&'static str>,
}

/// The one verification path: a signed `GET /2/users/me` with these keys.
async fn check_with_x(keys: &Keys) -> Result<Checked, AppError> {
    let creds = Credentials {
        consumer_key: &keys.api_key,
        consumer_secret: &keys.api_secret,
        token: &keys.access_token,
        token_secret: &keys.access_token_secret,
    };
    let resp = signed_send(x::users_me(api_base()), &creds).await?;
    let at_ms = platform::now_ms();
    match x::parse_users_me(&resp) {
        Ok(v) => {
            if accounts::user_id_from_access_token(&keys.access_token) != Some(v.user.id.as_str()) {
                return Err(AppError::new("x_user_mismatch"));
            }
            let warning = (v.access_level == Some(AccessLevel::Read)).then_some("read_only");
            Ok(Checked {
                verification: Verification::Ok {
                    user: v.user,
                    access_level: v.access_level,
                    at_ms,
                },
                warning,
            })
        }
        Err(e) => Err(with_hint(e.into(), keys)),
    }
}

/// X's 401 cannot say which key is wrong; one mistake can be told from the keys themselves.
/// An API Key is about 25 characters and its secret about 50: a key longer than its secret
/// means the two were pasted into each other's field.
fn with_hint(e: AppError, keys: &Keys) -> AppError {
    if e.code == "x_unauthorized" && keys.api_key.len() > keys.api_secret.len() {
        return e.with("likely", "api_key_secret_swapped");
    }
    e
}

fn account_answer(open: &Open, id: &str, warning: Option<&str>) -> Result<Value, AppError> {
    let account = open
        .doc
        .get(id)
        .ok_or_else(|| AppError::new("account_not_found"))?;
    let is_default = open.doc.default_id.as_deref() == Some(id);
    let mut answer = json!({ "account": account.view(is_default) });
    if let Some(w) = warning {
        answer["warning"] = json!(w);
    }
    Ok(answer)
}

fn new_id() -> Result<String, AppError> {
    Ok(crate::oauth1::nonce_from_bytes(
        &platform::random_bytes::<8>()?,
    ))
}

/// Handles a vault or account message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::VaultStatus => status().await,
        Msg::VaultCreate { passphrase } => {
            let vault_lock = session::write_lock().await;
            if session::record().await.map(|r| r.is_some()).unwrap_or(true) {
                return Err(AppError::new("vault_exists"));
            }
            let passphrase = Passphrase::new(passphrase);
            let payload = AccountsDoc::new().to_bytes().map_err(err)?;
            let (record, dek) =
                vault::create(&passphrase, TARGET_KDF, &payload, &mut BrowserEntropy)
                    .map_err(err)?;
            session::store_record(&record).await?;
            session::begin(&dek).await?;
            drop(vault_lock);
            status().await
        }
        Msg::VaultUnlock { passphrase } => {
            let vault_lock = session::write_lock().await;
            let record = session::record()
                .await?
                .ok_or_else(|| AppError::new("vault_missing"))?;
            let passphrase = Passphrase::new(passphrase);
            let unlocked = vault::unlock(&record, &passphrase, TARGET_KDF, &mut BrowserEntropy)
                .map_err(err)?;
            if let Some(upgraded) = &unlocked.upgraded {
                session::store_record(upgraded).await?;
            }
            session::begin(&unlocked.dek).await?;
            drop(vault_lock);
            super::schedule::spawn_unlocked();
            status().await
        }
        Msg::VaultLock => {
            session::lock().await?;
            status().await
        }
        Msg::VaultChangePassphrase { old, new } => {
            let vault_lock = session::write_lock().await;
            let record = session::record()
                .await?
                .ok_or_else(|| AppError::new("vault_missing"))?;
            // A record made with stronger parameters than this build's target keeps them.
            let params = stronger_of(record.kdf_params(), TARGET_KDF);
            let changed = vault::change_passphrase(
                &record,
                &Passphrase::new(old),
                &Passphrase::new(new),
                params,
                &mut BrowserEntropy,
            )
            .map_err(err)?;
            session::store_record(&changed).await?;
            drop(vault_lock);
            status().await
        }
        Msg::PassphraseStrength { passphrase } => {
            let s = vault::passphrase_strength(&passphrase);
            Ok(json!({ "score": s.score, "hint": s.hint.code() }))
        }
        Msg::VaultExport => {
            let record = session::record()
                .await?
                .ok_or_else(|| AppError::new("vault_missing"))?;
            let date = js_sys::Date::new_0()
                .to_iso_string()
                .as_string()
                .unwrap_or_default();
            let day = date.get(..10).unwrap_or("backup");
            Ok(
                json!({ "file_name": format!("keypost-vault-{day}.json"), "json": record.to_json() }),
            )
        }
        Msg::VaultImport { json, replace } => {
            let record = VaultRecord::from_json(json.trim()).map_err(err)?;
            let vault_lock = session::write_lock().await;
            let exists = session::record().await.map(|r| r.is_some()).unwrap_or(true);
            if exists && !replace {
                return Err(AppError::new("vault_exists"));
            }
            session::lock().await?;
            session::store_record(&record).await?;
            drop(vault_lock);
            status().await
        }
        Msg::SettingsSet { settings } => {
            session::change_settings(|current| current.apply(settings)).await?;
            status().await
        }
        Msg::AccountAdd {
            label,
            keys,
            premium,
        } => account_add(label, keys, premium).await,
        Msg::AccountUpdate {
            id,
            label,
            keys,
            premium,
        } => account_update(id, label, keys, premium).await,
        Msg::AccountVerify { id } => account_verify(id).await,
        Msg::AccountRemove { id } => {
            session::change(true, |open| open.doc.remove(&id).map_err(err)).await?;
            status().await
        }
        Msg::AccountSetDefault { id } => {
            session::change(true, |open| open.doc.set_default(&id).map_err(err)).await?;
            status().await
        }
    }
}

/// The access token already saved under another account than `except`, if any.
fn already_added(open: &Open, keys: &Keys, except: Option<&str>) -> Result<(), AppError> {
    match open
        .doc
        .accounts
        .iter()
        .find(|a| Some(a.id.as_str()) != except && a.keys.access_token == keys.access_token)
    {
        Some(existing) => {
            Err(AppError::new("account_already_added").with("id", existing.id.clone()))
        }
        None => Ok(()),
    }
}

/// Adds an account: the keys are checked with X first (the vault is not held while X is
/// asked), then the account is added to the vault as it is at that moment.
async fn account_add(label: String, keys: KeysForm, premium: bool) -> Result<Value, AppError> {
    let keys = accounts::normalize_and_validate(&keys).map_err(form_error)?;
    // A quick refusal before asking X; checked again under the lock below.
    already_added(&session::open(true).await?, &keys, None)?;
    let checked = check_with_x(&keys).await?;
    let id = new_id()?;
    let ((), open) = session::change(true, |open| {
        already_added(open, &keys, None)?;
        open.doc
            .add(id.clone(), label.trim().to_owned(), keys, premium)
            .map_err(err)?;
        open.doc
            .record_verification(&id, checked.verification)
            .map_err(err)
    })
    .await?;
    account_answer(&open, &id, checked.warning)
}

/// Whether the page typed any key (an update with blank key fields keeps the saved keys).
fn typed_any(form: &KeysForm) -> bool {
    [
        &form.api_key,
        &form.api_secret,
        &form.access_token,
        &form.access_token_secret,
    ]
    .iter()
    .any(|v| !accounts::normalize_field(v).is_empty())
}

/// Updates an account's label, tier, or keys. Typed keys are verified with X first and replace
/// the saved ones only when X accepts them; they are applied only if the saved keys are still
/// the ones the typed ones were merged with (else `account_changed`: nothing is overwritten).
async fn account_update(
    id: String,
    label: Option<String>,
    keys: Option<KeysForm>,
    premium: Option<bool>,
) -> Result<Value, AppError> {
    let mut verified = None;
    if let Some(form) = keys.filter(typed_any) {
        let open = session::open(true).await?;
        let current = open
            .doc
            .get(&id)
            .ok_or_else(|| AppError::new("account_not_found"))?
            .keys
            .clone();
        let merged =
            accounts::normalize_and_validate_update(&form, &current).map_err(form_error)?;
        already_added(&open, &merged, Some(&id))?;
        drop(open);
        let checked = check_with_x(&merged).await?;
        verified = Some((current, merged, checked));
    }
    let warning = verified.as_ref().and_then(|(_, _, c)| c.warning);
    let ((), open) = session::change(true, |open| {
        let saved = &open
            .doc
            .get(&id)
            .ok_or_else(|| AppError::new("account_not_found"))?
            .keys;
        if let Some((before, merged, checked)) = verified {
            if *saved != before {
                return Err(AppError::new("account_changed"));
            }
            already_added(open, &merged, Some(&id))?;
            open.doc.update_keys(&id, merged).map_err(err)?;
            open.doc
                .record_verification(&id, checked.verification)
                .map_err(err)?;
        }
        if let Some(label) = label {
            open.doc
                .set_label(&id, label.trim().to_owned())
                .map_err(err)?;
        }
        if let Some(premium) = premium {
            open.doc.set_premium(&id, premium).map_err(err)?;
        }
        Ok(())
    })
    .await?;
    account_answer(&open, &id, warning)
}

/// Checks an account's saved keys with X and records the verdict, if the account still has
/// those keys when X answers (a key change made meanwhile is not stamped with this verdict).
async fn account_verify(id: String) -> Result<Value, AppError> {
    let keys = session::open(true)
        .await?
        .doc
        .get(&id)
        .ok_or_else(|| AppError::new("account_not_found"))?
        .keys
        .clone();
    let result = check_with_x(&keys).await;
    let verdict = match &result {
        Ok(checked) => Some(checked.verification.clone()),
        // X's verdict on the keys is remembered; a network problem is not.
        Err(e) if e.code.starts_with("x_") => Some(Verification::Failed {
            code: e.code.clone(),
            at_ms: platform::now_ms(),
        }),
        Err(_) => None,
    };
    let open = match verdict {
        Some(verification) => {
            session::change(true, |open| {
                let still_same = open.doc.get(&id).is_some_and(|a| a.keys == keys);
                if still_same {
                    open.doc
                        .record_verification(&id, verification)
                        .map_err(err)?;
                }
                Ok(())
            })
            .await?
            .1
        }
        None => session::open(true).await?,
    };
    let checked = result?;
    account_answer(&open, &id, checked.warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_allowed_for_new_records_and_above_the_owasp_minimum() {
        assert_eq!(TARGET_KDF.check_for_new_record(), Ok(()));
        assert!(TARGET_KDF.is_at_least(&KdfParams::OWASP_MIN));
    }

    #[test]
    fn a_rewrap_raises_weaker_parameters_and_never_lowers_stronger_ones() {
        assert_eq!(stronger_of(KdfParams::OWASP_MIN, TARGET_KDF), TARGET_KDF);
        let stronger = KdfParams {
            m_kib: 98_304,
            t: 2,
            p: 4,
        };
        assert_eq!(
            stronger_of(stronger, TARGET_KDF),
            KdfParams {
                m_kib: 98_304,
                t: TARGET_KDF.t,
                p: TARGET_KDF.p,
            }
        );
    }
}
