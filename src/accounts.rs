//! The accounts model: the four OAuth 1.0a keys per X account, the document sealed in the
//! vault, the four-field form (normalise, validate, diagnose) and the secret-free view the UI
//! shows.
//!
//! Sans-IO: ids and times come in as arguments.

use core::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::oauth1::Credentials;

/// One account's four OAuth 1.0a credentials. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Keys {
    /// API Key (consumer key).
    pub api_key: String,
    /// API Key Secret (consumer secret).
    pub api_secret: String,
    /// Access Token (`<user id>-<letters and digits>`).
    pub access_token: String,
    /// Access Token Secret.
    pub access_token_secret: String,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

impl Keys {
    /// The keys as OAuth 1.0a signing credentials (borrowed: no copy of a secret is made).
    #[must_use]
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials {
            consumer_key: &self.api_key,
            consumer_secret: &self.api_secret,
            token: &self.access_token,
            token_secret: &self.access_token_secret,
        }
    }

    /// Whether the Access Token belongs to this X user: its leading digits are the user id.
    #[must_use]
    pub fn names_user(&self, user_id: &str) -> bool {
        user_id_from_access_token(&self.access_token) == Some(user_id)
    }
}

/// The four fields as the user typed or pasted them. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct KeysForm {
    /// Raw API Key field.
    #[serde(default)]
    pub api_key: String,
    /// Raw API Key Secret field.
    #[serde(default)]
    pub api_secret: String,
    /// Raw Access Token field.
    #[serde(default)]
    pub access_token: String,
    /// Raw Access Token Secret field.
    #[serde(default)]
    pub access_token_secret: String,
}

impl fmt::Debug for KeysForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeysForm(<redacted>)")
    }
}

impl KeysForm {
    /// Whether any field holds a value (after [`normalize_field`]). An update whose key fields
    /// are all blank keeps the saved keys.
    #[must_use]
    pub fn any_typed(&self) -> bool {
        [
            &self.api_key,
            &self.api_secret,
            &self.access_token,
            &self.access_token_secret,
        ]
        .iter()
        .any(|v| !normalize_field(v).is_empty())
    }

    /// The fields as signing credentials, as typed but for surrounding white space, without
    /// any check: for signing a request with keys that are not saved. Accounts are made with
    /// [`normalize_and_validate`] instead.
    #[must_use]
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials {
            consumer_key: self.api_key.trim(),
            consumer_secret: self.api_secret.trim(),
            token: self.access_token.trim(),
            token_secret: self.access_token_secret.trim(),
        }
    }
}

/// A field of the four-field form. Serialises as its stable identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `api_key`
    ApiKey,
    /// `api_secret`
    ApiSecret,
    /// `access_token`
    AccessToken,
    /// `access_token_secret`
    AccessTokenSecret,
}

impl Field {
    /// All four, in form order.
    pub const ALL: [Field; 4] = [
        Field::ApiKey,
        Field::ApiSecret,
        Field::AccessToken,
        Field::AccessTokenSecret,
    ];

    /// The stable identifier (`api_key`, `api_secret`, `access_token`, `access_token_secret`).
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Field::ApiKey => "api_key",
            Field::ApiSecret => "api_secret",
            Field::AccessToken => "access_token",
            Field::AccessTokenSecret => "access_token_secret",
        }
    }
}

/// What is wrong with a field. Serialises with a `code` tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// Empty (after trimming).
    Missing,
    /// An Access Token (`<digits>-<letters/digits>`) in a field that is not the Access Token.
    LooksLikeAccessToken,
    /// The Access Token field lacks the `<digits>-<letters/digits>` shape.
    AccessTokenShape,
    /// The same value is in this field and in `other`.
    SameValue {
        /// The other field holding the same value.
        other: Field,
    },
    /// Characters no key contains: inner spaces, control or non-ASCII characters.
    InvalidCharacters,
}

impl Problem {
    /// A stable snake_case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::LooksLikeAccessToken => "looks_like_access_token",
            Problem::AccessTokenShape => "access_token_shape",
            Problem::SameValue { .. } => "same_value",
            Problem::InvalidCharacters => "invalid_characters",
        }
    }
}

/// One problem with one field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field.
    pub field: Field,
    /// What is wrong with it.
    #[serde(flatten)]
    pub problem: Problem,
}

impl FieldProblem {
    /// The problem's stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}

/// Characters that copying from web pages, chats and documents wraps around a value.
fn is_wrapping(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | '\u{2018}' // ‘
                | '\u{2019}' // ’
                | '\u{201C}' // “
                | '\u{201D}' // ”
                | '\u{00AB}' // «
                | '\u{00BB}' // »
                | '\u{200B}' // zero-width space
                | '\u{200C}'
                | '\u{200D}'
                | '\u{2060}' // word joiner
                | '\u{FEFF}' // byte-order mark
        )
}

/// Trims whitespace (spaces, tabs, newlines, zero-width characters) and surrounding straight or
/// curly quotes, in any nesting.
#[must_use]
pub fn normalize_field(raw: &str) -> &str {
    raw.trim_matches(is_wrapping)
}

/// Whether `value` has the Access Token shape: ASCII digits, `-`, ASCII letters and digits.
#[must_use]
pub fn has_access_token_shape(value: &str) -> bool {
    user_id_from_access_token(value).is_some()
}

/// The numeric user id an Access Token starts with (`"2244994945-abc"` → `"2244994945"`), or
/// `None` when the value lacks the Access Token shape.
#[must_use]
pub fn user_id_from_access_token(token: &str) -> Option<&str> {
    let (digits, rest) = token.split_once('-')?;
    let shaped = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    shaped.then_some(digits)
}

/// Whether every character could be part of a key: printable ASCII without spaces.
fn valid_key_chars(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_graphic())
}

/// Normalises the four fields (see [`normalize_field`]) and checks them.
///
/// # Errors
/// Every problem found, in form order: [`Problem::Missing`], [`Problem::InvalidCharacters`],
/// [`Problem::AccessTokenShape`] / [`Problem::LooksLikeAccessToken`] (a value in the wrong
/// field), then [`Problem::SameValue`] once per pair of fields holding the same value (on the
/// earlier field, naming the later one).
pub fn normalize_and_validate(form: &KeysForm) -> Result<Keys, Vec<FieldProblem>> {
    let values = [
        (Field::ApiKey, normalize_field(&form.api_key)),
        (Field::ApiSecret, normalize_field(&form.api_secret)),
        (Field::AccessToken, normalize_field(&form.access_token)),
        (
            Field::AccessTokenSecret,
            normalize_field(&form.access_token_secret),
        ),
    ];
    let mut problems = Vec::new();
    for &(field, value) in &values {
        let problem = if value.is_empty() {
            Some(Problem::Missing)
        } else if !valid_key_chars(value) {
            Some(Problem::InvalidCharacters)
        } else {
            match (field, has_access_token_shape(value)) {
                (Field::AccessToken, false) => Some(Problem::AccessTokenShape),
                (Field::AccessToken, true) => None,
                (_, true) => Some(Problem::LooksLikeAccessToken),
                (_, false) => None,
            }
        };
        if let Some(problem) = problem {
            problems.push(FieldProblem { field, problem });
        }
    }
    for (i, &(field, value)) in values.iter().enumerate() {
        for &(other, other_value) in values.iter().skip(i + 1) {
            if !value.is_empty() && value == other_value {
                problems.push(FieldProblem {
                    field,
                    problem: Problem::SameValue { other },
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let [api_key, api_secret, access_token, access_token_secret] = values.map(|(_, v)| v);
    Ok(Keys {
        api_key: api_key.to_owned(),
        api_secret: api_secret.to_owned(),
        access_token: access_token.to_owned(),
        access_token_secret: access_token_secret.to_owned(),
    })
}

/// Like [`normalize_and_validate`] for rotating some keys of an existing account: a field left
/// blank keeps its current value, and the merged four are checked together.
///
/// # Errors
/// As [`normalize_and_validate`] (never [`Problem::Missing`]).
pub fn normalize_and_validate_update(
    form: &KeysForm,
    current: &Keys,
) -> Result<Keys, Vec<FieldProblem>> {
    fn pick(new: &str, old: &str) -> String {
        if normalize_field(new).is_empty() {
            old.to_owned()
        } else {
            new.to_owned()
        }
    }
    let merged = KeysForm {
        api_key: pick(&form.api_key, &current.api_key),
        api_secret: pick(&form.api_secret, &current.api_secret),
        access_token: pick(&form.access_token, &current.access_token),
        access_token_secret: pick(&form.access_token_secret, &current.access_token_secret),
    };
    normalize_and_validate(&merged)
}

/// What the keys themselves suggest when X refuses them with a 401, which cannot say which key
/// is wrong: `api_key_secret_swapped` when the API Key is longer than its secret (an API Key
/// is about 25 characters and its secret about 50, so the two were pasted into each other's
/// field). `None` when the keys suggest nothing.
#[must_use]
pub fn diagnose_401(keys: &Keys) -> Option<&'static str> {
    (keys.api_key.len() > keys.api_secret.len()).then_some("api_key_secret_swapped")
}

/// Masks a key for display: at most its first 4 characters, then `…`. Shorter keys show
/// less (a quarter of their length, rounded down), so a short value is never mostly visible.
#[must_use]
pub fn mask(key: &str) -> String {
    let len = key.chars().count();
    if len == 0 {
        return String::new();
    }
    let shown = (len / 4).min(4);
    let mut out: String = key.chars().take(shown).collect();
    out.push('…');
    out
}

/// The account's user as `GET /2/users/me` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XUser {
    /// Numeric user id (a string, as X sends it).
    pub id: String,
    /// Handle without `@`.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Avatar URL, when X sent one.
    #[serde(default)]
    pub profile_image_url: Option<String>,
}

/// What the token may do, from the (undocumented) `x-access-level` response header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessLevel {
    /// `read`: posting will fail with 403.
    #[serde(rename = "read")]
    Read,
    /// `read-write`.
    #[serde(rename = "read-write")]
    ReadWrite,
    /// `read-write-directmessages`.
    #[serde(rename = "read-write-directmessages")]
    ReadWriteDirectMessages,
}

impl AccessLevel {
    /// Parses the header value; `None` for anything unknown.
    #[must_use]
    pub fn from_header(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "read" => Some(Self::Read),
            "read-write" => Some(Self::ReadWrite),
            "read-write-directmessages" => Some(Self::ReadWriteDirectMessages),
            _ => None,
        }
    }

    /// Whether posting is allowed.
    #[must_use]
    pub fn can_post(&self) -> bool {
        !matches!(self, Self::Read)
    }
}

/// Where an account stands. Serialises with a `state` tag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountStatus {
    /// Keys saved, not checked yet (or changed since).
    #[default]
    Unverified,
    /// `GET /2/users/me` succeeded.
    Verified {
        /// When, in Unix milliseconds.
        at_ms: u64,
        /// From the `x-access-level` header, when X sent it.
        access_level: Option<AccessLevel>,
    },
    /// Something needs the user (keys rejected, read-only app, ...).
    NeedsAttention {
        /// A stable error code for the UI (for example from the X error parser).
        code: String,
        /// When, in Unix milliseconds.
        at_ms: u64,
    },
}

impl AccountStatus {
    /// The one word the pages show for the account (see [`DisplayState`]).
    #[must_use]
    pub fn display_state(&self) -> DisplayState {
        match self {
            AccountStatus::Unverified => DisplayState::Unverified,
            AccountStatus::Verified {
                access_level: Some(level),
                ..
            } if !level.can_post() => DisplayState::ReadOnly,
            AccountStatus::Verified { .. } => DisplayState::Verified,
            AccountStatus::NeedsAttention { .. } => DisplayState::NeedsAttention,
        }
    }
}

/// How the pages show an account, derived from its [`AccountStatus`] in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayState {
    /// Verified, and the token may post (or X did not say what it may do).
    Verified,
    /// Verified, but the token's access level is read only: posting will fail.
    ReadOnly,
    /// Saved, not checked with X yet (or changed since).
    Unverified,
    /// X refused the keys or another problem needs the user (`status.code` says which).
    NeedsAttention,
}

/// One X account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Stable id, chosen by the caller (unique in the document).
    pub id: String,
    /// The user's name for it.
    pub label: String,
    /// The four credentials.
    pub keys: Keys,
    /// The user says the account has X Premium (longer posts).
    #[serde(default)]
    pub premium: bool,
    /// The user behind the token, once verified.
    #[serde(default)]
    pub user: Option<XUser>,
    /// Verification state.
    #[serde(default)]
    pub status: AccountStatus,
}

/// The first four characters (at most) of the two non-secret-looking keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MaskedKeys {
    /// [`mask`] of the API Key.
    pub api_key: String,
    /// [`mask`] of the Access Token.
    pub access_token: String,
}

/// What the UI may see of an account: never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// Account id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Premium flag.
    pub premium: bool,
    /// Whether this is the default account.
    pub is_default: bool,
    /// The verified user, if any.
    pub user: Option<XUser>,
    /// Verification state.
    pub status: AccountStatus,
    /// What the pages show, from `status` ([`AccountStatus::display_state`]).
    pub display_state: DisplayState,
    /// Masked keys, to tell accounts apart.
    pub masked: MaskedKeys,
}

impl Account {
    /// The secret-free view.
    #[must_use]
    pub fn view(&self, is_default: bool) -> AccountView {
        AccountView {
            id: self.id.clone(),
            label: self.label.clone(),
            premium: self.premium,
            is_default,
            user: self.user.clone(),
            status: self.status.clone(),
            display_state: self.status.display_state(),
            masked: MaskedKeys {
                api_key: mask(&self.keys.api_key),
                access_token: mask(&self.keys.access_token),
            },
        }
    }
}

/// The outcome of a verification call, to record with [`AccountsDoc::record_verification`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The keys work.
    Ok {
        /// The user X returned.
        user: XUser,
        /// From the `x-access-level` header, when present.
        access_level: Option<AccessLevel>,
        /// When, in Unix milliseconds.
        at_ms: u64,
    },
    /// The keys did not work, or the account cannot post.
    Failed {
        /// A stable error code.
        code: String,
        /// When, in Unix milliseconds.
        at_ms: u64,
    },
}

impl Verification {
    /// What a failed check of the keys teaches: X's own refusal (an `x_` code: bad keys, a
    /// suspended or read-only account, ...) is remembered on the account; a network problem,
    /// a timeout or a storage fault says nothing about the keys and is not.
    #[must_use]
    pub fn of_failure(code: &str, at_ms: u64) -> Option<Verification> {
        code.starts_with("x_").then(|| Verification::Failed {
            code: code.to_owned(),
            at_ms,
        })
    }
}

/// The warning shown beside keys that verified: a read-only app's keys read but cannot post.
#[must_use]
pub fn access_warning(level: Option<AccessLevel>) -> Option<&'static str> {
    (level == Some(AccessLevel::Read)).then_some("read_only")
}

/// Errors of the accounts document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountsError {
    /// No account with that id.
    NotFound,
    /// An account with that id exists already.
    DuplicateId,
    /// An account with the same Access Token exists already.
    AlreadyAdded {
        /// The existing account's id.
        existing_id: String,
    },
    /// The payload is not a valid accounts document.
    Malformed,
    /// More than [`MAX_ACCOUNTS`] accounts.
    TooMany {
        /// That ceiling.
        max: usize,
    },
    /// An account's avatar is not on X's image host: a backup made to make the pages load
    /// images from elsewhere.
    ForeignImage,
}

/// The most accounts a vault holds (an add beyond it, or a backup with more, is refused).
pub const MAX_ACCOUNTS: usize = 50;

/// Where X serves avatars, the only image origins an account may name: `pbs.twimg.com` for an
/// uploaded picture, `abs.twimg.com` for the default one of an account that never set one.
pub const X_IMAGE_ORIGINS: [&str; 2] = ["https://pbs.twimg.com", "https://abs.twimg.com"];

impl AccountsError {
    /// A stable snake_case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "account_not_found",
            Self::DuplicateId => "account_duplicate_id",
            Self::AlreadyAdded { .. } => "account_already_added",
            Self::Malformed => "accounts_malformed",
            Self::TooMany { .. } => "accounts_too_many",
            Self::ForeignImage => "accounts_foreign_image",
        }
    }
}

impl fmt::Display for AccountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("no such account"),
            Self::DuplicateId => f.write_str("an account with this id exists"),
            Self::AlreadyAdded { existing_id } => {
                write!(f, "these keys are already saved as account {existing_id}")
            }
            Self::Malformed => f.write_str("the accounts document is malformed"),
            Self::TooMany { max } => write!(f, "more than {max} accounts"),
            Self::ForeignImage => f.write_str("an avatar is not on X's image host"),
        }
    }
}

impl std::error::Error for AccountsError {}

/// X's verdict when the user it names for the keys is not the one whose id the Access Token
/// starts with: the four values probably come from different places. The extension refuses
/// such keys before saving them (and records it for a saved account);
/// [`AccountsDoc::record_verification`] records the same code if such a success reaches it.
pub const USER_MISMATCH: &str = "x_user_mismatch";

/// The vault's payload: every account and which one is the default.
///
/// Invariants kept by every operation: ids are unique; `default_id` names an existing account
/// whenever there is one, and is `None` only when there are none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsDoc {
    /// The accounts, in the order they were added.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The default account's id.
    #[serde(default)]
    pub default_id: Option<String>,
}

impl AccountsDoc {
    /// An empty document.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Serialises to JSON bytes for the vault, in a zeroizing buffer sized up front (so no
    /// partial copy of the keys is left behind by reallocation).
    ///
    /// # Errors
    /// [`AccountsError::Malformed`] if serialisation fails (it does not for this type).
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, AccountsError> {
        let estimate = 64
            + self
                .accounts
                .iter()
                .map(|a| {
                    // JSON escaping at most doubles ASCII; labels and names may need \u escapes.
                    512 + 2
                        * (a.keys.api_key.len()
                            + a.keys.api_secret.len()
                            + a.keys.access_token.len()
                            + a.keys.access_token_secret.len())
                        + 6 * (a.id.len() + a.label.len())
                        + a.user.as_ref().map_or(0, |u| {
                            6 * (u.id.len() + u.username.len() + u.name.len())
                                + 2 * u.profile_image_url.as_ref().map_or(0, String::len)
                        })
                })
                .sum::<usize>();
        let mut out = Zeroizing::new(Vec::with_capacity(estimate));
        serde_json::to_writer(&mut *out, self).map_err(|_| AccountsError::Malformed)?;
        Ok(out)
    }

    /// Reads a document written by [`AccountsDoc::to_bytes`], repairing a default that does
    /// not name an account.
    ///
    /// # Errors
    /// [`AccountsError::Malformed`] for invalid JSON or duplicate ids.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AccountsError> {
        let mut doc: Self = serde_json::from_slice(bytes).map_err(|_| AccountsError::Malformed)?;
        // One pass, not one per pair: a document of 10,000 accounts is refused at once.
        let mut ids = std::collections::HashSet::with_capacity(doc.accounts.len());
        if !doc.accounts.iter().all(|a| ids.insert(a.id.as_str())) {
            return Err(AccountsError::Malformed);
        }
        doc.repair_default();
        Ok(doc)
    }

    /// Checks a document that came from outside this browser's own writes (a backup being
    /// imported, a record opened with a passphrase) before anything is stored or a session
    /// begins: at most [`MAX_ACCOUNTS`] accounts; each X account once (its Access Token); every
    /// account's keys exactly as the form's normalisation and checks would store them; avatars
    /// only from `image_origins` (X's image hosts, [`X_IMAGE_ORIGINS`]).
    ///
    /// # Errors
    /// [`AccountsError::TooMany`], [`AccountsError::Malformed`],
    /// [`AccountsError::ForeignImage`].
    pub fn check_foreign(&self, image_origins: &[&str]) -> Result<(), AccountsError> {
        if self.accounts.len() > MAX_ACCOUNTS {
            return Err(AccountsError::TooMany { max: MAX_ACCOUNTS });
        }
        let mut tokens = std::collections::HashSet::with_capacity(self.accounts.len());
        for account in &self.accounts {
            if !tokens.insert(account.keys.access_token.as_str()) {
                return Err(AccountsError::Malformed);
            }
            let form = KeysForm {
                api_key: account.keys.api_key.clone(),
                api_secret: account.keys.api_secret.clone(),
                access_token: account.keys.access_token.clone(),
                access_token_secret: account.keys.access_token_secret.clone(),
            };
            match normalize_and_validate(&form) {
                Ok(keys) if keys == account.keys => {}
                _ => return Err(AccountsError::Malformed),
            }
            let avatar = account
                .user
                .as_ref()
                .and_then(|u| u.profile_image_url.as_deref());
            if let Some(url) = avatar
                && !image_origins
                    .iter()
                    .any(|origin| url.strip_prefix(origin).is_some_and(|p| p.starts_with('/')))
            {
                return Err(AccountsError::ForeignImage);
            }
        }
        Ok(())
    }

    fn repair_default(&mut self) {
        let valid = self
            .default_id
            .as_ref()
            .is_some_and(|id| self.get(id).is_some());
        if !valid {
            self.default_id = self.accounts.first().map(|a| a.id.clone());
        }
    }

    /// The account with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    fn get_mut(&mut self, id: &str) -> Result<&mut Account, AccountsError> {
        self.accounts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or(AccountsError::NotFound)
    }

    /// The default account, if there is any account.
    #[must_use]
    pub fn default_account(&self) -> Option<&Account> {
        self.default_id.as_deref().and_then(|id| self.get(id))
    }

    /// Checks that no account but `except` has these keys' Access Token: one X account is
    /// saved once.
    ///
    /// # Errors
    /// [`AccountsError::AlreadyAdded`] naming the account that has it.
    pub fn ensure_token_free(
        &self,
        keys: &Keys,
        except: Option<&str>,
    ) -> Result<(), AccountsError> {
        match self
            .accounts
            .iter()
            .find(|a| Some(a.id.as_str()) != except && a.keys.access_token == keys.access_token)
        {
            Some(existing) => Err(AccountsError::AlreadyAdded {
                existing_id: existing.id.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Adds an unverified account under a caller-chosen unique `id`. The first account becomes
    /// the default.
    ///
    /// # Errors
    /// [`AccountsError::DuplicateId`]; [`AccountsError::AlreadyAdded`] when another account
    /// has the same Access Token.
    pub fn add(
        &mut self,
        id: String,
        label: String,
        keys: Keys,
        premium: bool,
    ) -> Result<&Account, AccountsError> {
        if self.get(&id).is_some() {
            return Err(AccountsError::DuplicateId);
        }
        if self.accounts.len() >= MAX_ACCOUNTS {
            return Err(AccountsError::TooMany { max: MAX_ACCOUNTS });
        }
        self.ensure_token_free(&keys, None)?;
        if self.default_id.is_none() {
            self.default_id = Some(id.clone());
        }
        self.accounts.push(Account {
            id,
            label,
            keys,
            premium,
            user: None,
            status: AccountStatus::Unverified,
        });
        self.accounts.last().ok_or(AccountsError::NotFound)
    }

    /// Replaces an account's keys (see [`normalize_and_validate_update`] to rotate only some).
    /// The account becomes unverified; its user is forgotten if the token now names another.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`]; [`AccountsError::AlreadyAdded`] when another account has
    /// the new Access Token.
    pub fn update_keys(&mut self, id: &str, keys: Keys) -> Result<(), AccountsError> {
        self.ensure_token_free(&keys, Some(id))?;
        let account = self.get_mut(id)?;
        let same_user = account
            .user
            .as_ref()
            .is_some_and(|u| keys.names_user(&u.id));
        if !same_user {
            account.user = None;
        }
        account.keys = keys;
        account.status = AccountStatus::Unverified;
        Ok(())
    }

    /// Renames an account.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`].
    pub fn set_label(&mut self, id: &str, label: String) -> Result<(), AccountsError> {
        self.get_mut(id)?.label = label;
        Ok(())
    }

    /// Removes an account and returns it. If it was the default, the first remaining account
    /// becomes the default.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`].
    pub fn remove(&mut self, id: &str) -> Result<Account, AccountsError> {
        let index = self
            .accounts
            .iter()
            .position(|a| a.id == id)
            .ok_or(AccountsError::NotFound)?;
        let removed = self.accounts.remove(index);
        self.repair_default();
        Ok(removed)
    }

    /// Makes an account the default.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`].
    pub fn set_default(&mut self, id: &str) -> Result<(), AccountsError> {
        self.get_mut(id)?;
        self.default_id = Some(id.to_owned());
        Ok(())
    }

    /// Sets the user's Premium flag for an account.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`].
    pub fn set_premium(&mut self, id: &str, premium: bool) -> Result<(), AccountsError> {
        self.get_mut(id)?.premium = premium;
        Ok(())
    }

    /// Records the result of verifying an account's keys. A success whose user id differs
    /// from the Access Token's digits is recorded as needing attention
    /// ([`USER_MISMATCH`]): the four values probably come from different places.
    ///
    /// # Errors
    /// [`AccountsError::NotFound`].
    pub fn record_verification(
        &mut self,
        id: &str,
        result: Verification,
    ) -> Result<(), AccountsError> {
        let account = self.get_mut(id)?;
        account.status = match result {
            Verification::Ok {
                user,
                access_level,
                at_ms,
            } => {
                let matches = account.keys.names_user(&user.id);
                account.user = Some(user);
                if matches {
                    AccountStatus::Verified {
                        at_ms,
                        access_level,
                    }
                } else {
                    AccountStatus::NeedsAttention {
                        code: USER_MISMATCH.to_owned(),
                        at_ms,
                    }
                }
            }
            Verification::Failed { code, at_ms } => AccountStatus::NeedsAttention { code, at_ms },
        };
        Ok(())
    }

    /// Secret-free views of every account, in order.
    #[must_use]
    pub fn views(&self) -> Vec<AccountView> {
        self.accounts
            .iter()
            .map(|a| a.view(self.default_id.as_deref() == Some(a.id.as_str())))
            .collect()
    }
}
