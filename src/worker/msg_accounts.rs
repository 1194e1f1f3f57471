//! Account messages: add, change, verify again, remove, make default, with the one
//! verification path (the popup and the options page both use it).
//!
//! Asking X waits for the network, so it never happens under the vault write lock: the keys
//! are checked with X first, then [`session::change`] applies the verdict to the vault as it
//! is at that moment, after re-checking what the check relied on (no open, network, save).

use super::config::api_base;
use super::net::signed_send;
use super::protocol::answers::{AccountAnswer, VaultStatus};
use super::protocol::{AccountMsg, Answer, reply};
use super::schedule::slots_store;
use super::session::{self, Open};
use super::{AppError, platform, status};
use crate::accounts::{self, AccountsError, Keys, KeysForm, Verification};
use crate::x::{self, XError};

/// Handles an account message.
pub async fn handle(msg: AccountMsg) -> Result<Answer, AppError> {
    match msg {
        AccountMsg::Add {
            label,
            keys,
            premium,
        } => reply(&add(label, keys, premium).await?),
        AccountMsg::Update {
            id,
            label,
            keys,
            premium,
        } => reply(&update(id, label, keys, premium).await?),
        AccountMsg::Verify { id } => reply(&verify(id).await?),
        AccountMsg::Remove { id } => reply(&remove(id).await?),
        AccountMsg::SetDefault { id } => reply(&set_default(id).await?),
    }
}

/// The outcome of checking keys with X.
struct Checked {
    verification: Verification,
    warning: Option<&'static str>,
}

/// The one verification path: a signed `GET /2/users/me` with these keys.
async fn check_with_x(keys: &Keys) -> Result<Checked, AppError> {
    let resp = signed_send(x::users_me(&api_base().await), &keys.credentials()).await?;
    let at_ms = super::clock::now().await;
    match x::parse_users_me(&resp) {
        Ok(v) => {
            if !keys.names_user(&v.user.id) {
                return Err(AppError::new(accounts::USER_MISMATCH));
            }
            let warning = accounts::access_warning(v.access_level);
            Ok(Checked {
                verification: Verification::Ok {
                    user: v.user,
                    access_level: v.access_level,
                    at_ms,
                },
                warning,
            })
        }
        // X cannot say which key it refused; the keys themselves may.
        Err(e @ XError::Unauthorized) => Err(match accounts::diagnose_401(keys) {
            Some(likely) => AppError::from(e).with("likely", likely),
            None => e.into(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The account as the vault now holds it, and X's warning.
fn account_answer(
    open: &Open,
    id: &str,
    warning: Option<&'static str>,
) -> Result<AccountAnswer, AppError> {
    let account = open.doc.get(id).ok_or(AccountsError::NotFound)?;
    let is_default = open.doc.default_id.as_deref() == Some(id);
    Ok(AccountAnswer {
        account: account.view(is_default),
        warning,
    })
}

fn new_id() -> Result<String, AppError> {
    Ok(crate::oauth1::nonce_from_bytes(
        &platform::random_bytes::<8>()?,
    ))
}

/// Adds an account: the keys are checked with X first (the vault is not held while X is
/// asked), then the account is added to the vault as it is at that moment.
async fn add(label: String, form: KeysForm, premium: bool) -> Result<AccountAnswer, AppError> {
    let keys = accounts::normalize_and_validate(&form)?;
    // A quick refusal before asking X; `add` checks again under the lock.
    session::open(true)
        .await?
        .doc
        .ensure_token_free(&keys, None)?;
    let checked = check_with_x(&keys).await?;
    let id = new_id()?;
    let ((), open) = session::change(true, |open| {
        open.doc
            .add(id.clone(), label.trim().to_owned(), keys, premium)?;
        Ok(open.doc.record_verification(&id, checked.verification)?)
    })
    .await?;
    account_answer(&open, &id, checked.warning)
}

/// Typed keys merged into an account's saved ones and accepted by X.
struct Rotation {
    /// The saved keys they were merged with.
    before: Keys,
    /// The keys to save.
    merged: Keys,
    /// X's verdict on `merged`.
    checked: Checked,
}

/// Merges typed keys into the account's saved ones and checks the result with X (the vault
/// is not held while X is asked).
async fn check_rotation(id: &str, form: &KeysForm) -> Result<Rotation, AppError> {
    let open = session::open(true).await?;
    let before = open
        .doc
        .get(id)
        .ok_or(AccountsError::NotFound)?
        .keys
        .clone();
    let merged = accounts::normalize_and_validate_update(form, &before)?;
    // A quick refusal before asking X; `update_keys` checks again under the lock.
    open.doc.ensure_token_free(&merged, Some(id))?;
    drop(open);
    let checked = check_with_x(&merged).await?;
    Ok(Rotation {
        before,
        merged,
        checked,
    })
}

/// Updates an account's label, tier, or keys. Typed keys are verified with X first and replace
/// the saved ones only when X accepts them; they are applied only if the saved keys are still
/// the ones the typed ones were merged with (else `account_changed`: nothing is overwritten).
async fn update(
    id: String,
    label: Option<String>,
    keys: Option<KeysForm>,
    premium: Option<bool>,
) -> Result<AccountAnswer, AppError> {
    let rotation = match keys.filter(KeysForm::any_typed) {
        Some(form) => Some(check_rotation(&id, &form).await?),
        None => None,
    };
    let warning = rotation.as_ref().and_then(|r| r.checked.warning);
    let ((), open) = session::change(true, |open| {
        let saved = &open.doc.get(&id).ok_or(AccountsError::NotFound)?.keys;
        if let Some(rotation) = rotation {
            if *saved != rotation.before {
                return Err(AppError::new("account_changed"));
            }
            open.doc.update_keys(&id, rotation.merged)?;
            open.doc
                .record_verification(&id, rotation.checked.verification)?;
        }
        if let Some(label) = label {
            open.doc.set_label(&id, label.trim().to_owned())?;
        }
        if let Some(premium) = premium {
            open.doc.set_premium(&id, premium)?;
        }
        Ok(())
    })
    .await?;
    account_answer(&open, &id, warning)
}

/// Checks an account's saved keys with X and records the verdict, if the account still has
/// those keys when X answers (a key change made meanwhile is not stamped with this verdict).
async fn verify(id: String) -> Result<AccountAnswer, AppError> {
    let keys = session::open(true)
        .await?
        .doc
        .get(&id)
        .ok_or(AccountsError::NotFound)?
        .keys
        .clone();
    let result = check_with_x(&keys).await;
    // X's verdict on the keys is remembered; a network problem is not (the core's rule).
    let verdict = match &result {
        Ok(checked) => Some(checked.verification.clone()),
        Err(e) => Verification::of_failure(&e.code, super::clock::now().await),
    };
    let open = match verdict {
        Some(verification) => {
            session::change(true, |open| {
                let still_same = open.doc.get(&id).is_some_and(|a| a.keys == keys);
                if still_same {
                    open.doc.record_verification(&id, verification)?;
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

/// Removes an account; answers the vault status.
async fn remove(id: String) -> Result<VaultStatus, AppError> {
    session::change(true, |open| Ok(open.doc.remove(&id)?)).await?;
    slots_store::forget(&id).await;
    status::status().await
}

/// Makes an account the default; answers the vault status.
async fn set_default(id: String) -> Result<VaultStatus, AppError> {
    session::change(true, |open| Ok(open.doc.set_default(&id)?)).await?;
    status::status().await
}
