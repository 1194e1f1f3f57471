//! Account messages: add, change, verify again, remove, make default, with the one
//! verification path (the popup and the options page both use it).
//!
//! Asking X waits for the network, so it never happens under the vault write lock: the keys
//! are checked with X first, then [`session::change`] applies the verdict to the vault as it
//! is at that moment, after re-checking what the check relied on (no open, network, save).

use serde::Deserialize;
use serde_json::{Value, json};

use super::config::api_base;
use super::net::signed_send;
use super::schedule::slots_store;
use super::session::{self, Open};
use super::{AppError, platform, status};
use crate::accounts::{self, AccountsError, Keys, KeysForm, Verification};
use crate::x::{self, XError};

/// Account messages, each named on the wire as `account_` + its name.
#[derive(Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Msg {
    /// Add an account: check the form, verify with X, then save.
    #[serde(rename = "account_add")]
    Add {
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
    #[serde(rename = "account_update")]
    Update {
        /// The account's `id`, as the vault status lists it.
        id: String,
        /// A new label.
        label: Option<String>,
        /// Keys to rotate (blank fields keep the saved ones).
        keys: Option<KeysForm>,
        /// Long posts allowed.
        premium: Option<bool>,
    },
    /// Verify a saved account again.
    #[serde(rename = "account_verify")]
    Verify {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
    /// Remove an account.
    #[serde(rename = "account_remove")]
    Remove {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
    /// Make an account the default.
    #[serde(rename = "account_set_default")]
    SetDefault {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
}

/// Handles an account message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::Add {
            label,
            keys,
            premium,
        } => add(label, keys, premium).await,
        Msg::Update {
            id,
            label,
            keys,
            premium,
        } => update(id, label, keys, premium).await,
        Msg::Verify { id } => verify(id).await,
        Msg::Remove { id } => remove(id).await,
        Msg::SetDefault { id } => set_default(id).await,
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

/// `{account, warning?}`: the account as the vault now holds it.
fn account_answer(open: &Open, id: &str, warning: Option<&str>) -> Result<Value, AppError> {
    let account = open.doc.get(id).ok_or(AccountsError::NotFound)?;
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

/// Adds an account: the keys are checked with X first (the vault is not held while X is
/// asked), then the account is added to the vault as it is at that moment.
async fn add(label: String, form: KeysForm, premium: bool) -> Result<Value, AppError> {
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
) -> Result<Value, AppError> {
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
async fn verify(id: String) -> Result<Value, AppError> {
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
async fn remove(id: String) -> Result<Value, AppError> {
    session::change(true, |open| Ok(open.doc.remove(&id)?)).await?;
    slots_store::forget(&id).await;
    status::status().await
}

/// Makes an account the default; answers the vault status.
async fn set_default(id: String) -> Result<Value, AppError> {
    session::change(true, |open| Ok(open.doc.set_default(&id)?)).await?;
    status::status().await
}

#[cfg(test)]
mod tests {
    use super::super::boundary::{Message, decode};
    use super::*;

    /// The account message a page's JSON reads as, if it is one.
    fn read(message: Value) -> Option<Msg> {
        match decode(&message.to_string()) {
            Ok(Message::Accounts(msg)) => Some(msg),
            _ => None,
        }
    }

    #[test]
    fn the_pages_messages_keep_their_shapes() {
        let keys = json!({ "api_key": "k", "api_secret": "s", "access_token": "1-t", "access_token_secret": "ts" });
        let add =
            read(json!({ "type": "account_add", "label": "Work", "keys": keys, "premium": true }));
        assert!(matches!(
            add,
            Some(Msg::Add { ref label, ref keys, premium: true })
                if label == "Work" && keys.access_token == "1-t"
        ));
        let bare = read(json!({ "type": "account_add", "keys": {} }));
        assert!(
            matches!(bare, Some(Msg::Add { ref label, premium: false, .. }) if label.is_empty())
        );
        assert!(read(json!({ "type": "account_add", "label": "No keys" })).is_none());

        let rotate =
            read(json!({ "type": "account_update", "id": "a1", "keys": { "api_secret": "s2" } }));
        assert!(matches!(
            rotate,
            Some(Msg::Update { ref id, label: None, keys: Some(ref keys), premium: None })
                if id == "a1" && keys.api_secret == "s2" && keys.api_key.is_empty()
        ));
        let rename = read(
            json!({ "type": "account_update", "id": "a1", "label": "Home", "premium": false }),
        );
        assert!(matches!(
            rename,
            Some(Msg::Update {
                label: Some(_),
                keys: None,
                premium: Some(false),
                ..
            })
        ));
        for (kind, expect) in [
            ("account_verify", 0),
            ("account_remove", 1),
            ("account_set_default", 2),
        ] {
            let msg = read(json!({ "type": kind, "id": "a1" }));
            let got = match msg {
                Some(Msg::Verify { id }) if id == "a1" => 0,
                Some(Msg::Remove { id }) if id == "a1" => 1,
                Some(Msg::SetDefault { id }) if id == "a1" => 2,
                _ => -1,
            };
            assert_eq!(got, expect, "{kind}");
        }
        assert!(read(json!({ "type": "account_verify" })).is_none());
        // Vault messages stay in their own group.
        assert!(matches!(
            decode(r#"{"type":"vault_status"}"#),
            Ok(Message::Vault(_))
        ));
    }
}
