//! The one error shape that crosses into JavaScript: `{code, ...details}`. Codes are stable
//! strings that the UI turns into localised text; details never carry a secret.
//!
//! Every core error is [`Coded`], so a handler turns it into an [`AppError`] with `?`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::accounts::{AccountsError, FieldProblem, Problem};
use crate::compose::{ComposeError, DraftError, ImageError, ResumeError};
use crate::leak::ContainsSecret;
use crate::oauth1::OAuthError;
use crate::schedule::ScheduleError;
use crate::sealed::SealedError;
use crate::share::ShareError;
use crate::x::XError;

/// An error for the UI: a stable code plus optional details (times, field names, statuses).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppError {
    /// The stable code.
    pub code: String,
    /// Extra facts the message needs.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl AppError {
    /// An error with no details.
    pub fn new(code: impl Into<String>) -> Self {
        AppError {
            code: code.into(),
            details: Map::new(),
        }
    }

    /// Adds a detail.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// A core error as the UI sees it: a stable code and the facts its message needs (never a
/// secret).
pub trait Coded {
    /// The stable code.
    fn code(&self) -> &'static str;

    /// The details that go beside the code.
    fn details(&self) -> Map<String, Value> {
        Map::new()
    }
}

impl<E: Coded> From<E> for AppError {
    fn from(e: E) -> Self {
        AppError {
            code: e.code().to_owned(),
            details: e.details(),
        }
    }
}

/// Details from `(key, value)` pairs.
fn details<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Errors whose code is all the UI needs.
macro_rules! coded_by_code {
    ($($error:ty),* $(,)?) => {$(
        impl Coded for $error {
            fn code(&self) -> &'static str {
                <$error>::code(self)
            }
        }
    )*};
}

coded_by_code!(ImageError, OAuthError, ShareError, SealedError);

impl Coded for ContainsSecret {
    fn code(&self) -> &'static str {
        ContainsSecret::code(self)
    }

    fn details(&self) -> Map<String, Value> {
        details([
            ("step", json!(self.step)),
            ("place", json!(self.place.as_str())),
            ("reason", json!(self.reason.as_str())),
        ])
    }
}

impl Coded for ResumeError {
    fn code(&self) -> &'static str {
        ResumeError::code(self)
    }

    fn details(&self) -> Map<String, Value> {
        details([("step", json!(self.step()))])
    }
}

impl Coded for AccountsError {
    fn code(&self) -> &'static str {
        AccountsError::code(self)
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            // The options page names the account that has these keys.
            AccountsError::AlreadyAdded { existing_id } => details([("id", json!(existing_id))]),
            AccountsError::TooMany { max } => details([("max", json!(max))]),
            _ => Map::new(),
        }
    }
}

/// Errors about one post of a thread: the code, and the post (`step`, 0-based) when there is one.
macro_rules! coded_with_step {
    ($($error:ty),* $(,)?) => {$(
        impl Coded for $error {
            fn code(&self) -> &'static str {
                <$error>::code(self)
            }

            fn details(&self) -> Map<String, Value> {
                match self.step() {
                    Some(step) => details([("step", json!(step))]),
                    None => Map::new(),
                }
            }
        }
    )*};
}

coded_with_step!(ComposeError, DraftError);

impl Coded for ScheduleError {
    fn code(&self) -> &'static str {
        ScheduleError::code(self)
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            ScheduleError::InPast { due_at_ms, now_ms } => {
                details([("due_at_ms", json!(due_at_ms)), ("now_ms", json!(now_ms))])
            }
            ScheduleError::TooFar { due_at_ms, max_ms } => {
                details([("due_at_ms", json!(due_at_ms)), ("max_ms", json!(max_ms))])
            }
            ScheduleError::IllegalTransition { op, from } => {
                details([("op", json!(op.as_str())), ("from", json!(from.as_str()))])
            }
            ScheduleError::EmptyPost { step }
            | ScheduleError::TooManyMedia { step, .. }
            | ScheduleError::AltTextTooLong { step }
            | ScheduleError::PostedStepChanged { step } => details([("step", json!(step))]),
            ScheduleError::QueueFull { max } => details([("max", json!(max))]),
            ScheduleError::NeedsConfirmation { reason, .. }
            | ScheduleError::InvalidResolution { reason } => {
                details([("reason", json!(reason.as_str()))])
            }
            _ => Map::new(),
        }
    }
}

impl Coded for XError {
    fn code(&self) -> &'static str {
        XError::code(self)
    }

    /// The X error's own fields (retry time, status, detail, rate limits), as it serialises.
    fn details(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut map)) => {
                map.remove("code");
                map
            }
            _ => Map::new(),
        }
    }
}

/// The form's problems, every one with its field: `form_invalid` with
/// `problems: [{field, problem, other_field?}]`.
impl Coded for Vec<FieldProblem> {
    fn code(&self) -> &'static str {
        "form_invalid"
    }

    fn details(&self) -> Map<String, Value> {
        let problems = self
            .iter()
            .map(|p| {
                let mut v = json!({ "field": p.field.as_str(), "problem": p.problem.code() });
                if let Problem::SameValue { other } = p.problem {
                    v["other_field"] = json!(other.as_str());
                }
                v
            })
            .collect();
        details([("problems", Value::Array(problems))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Field;
    use crate::schedule::{ConfirmReason, ItemId, Op, StateKind};
    use crate::vault::{KdfRejection, StrengthHint, VaultError};

    /// The error as a page receives it.
    fn wire(e: impl Into<AppError>) -> Value {
        serde_json::to_value(e.into()).unwrap_or(Value::Null)
    }

    #[test]
    fn a_duplicate_access_token_names_the_account_that_has_it() {
        let e = AccountsError::AlreadyAdded {
            existing_id: "a1".into(),
        };
        assert_eq!(
            wire(e),
            json!({ "code": "account_already_added", "id": "a1" })
        );
        assert_eq!(
            wire(AccountsError::NotFound),
            json!({ "code": "account_not_found" })
        );
    }

    #[test]
    fn vault_errors_are_their_code_alone() {
        let e = VaultError::BadLength {
            field: "salt",
            expected: 16,
            found: 3,
        };
        assert_eq!(wire(e), json!({ "code": "vault_bad_length" }));
        // The floor and the KDF bounds carry what their messages need (never the passphrase).
        assert_eq!(
            wire(VaultError::PassphraseTooShort { min_chars: 12 }),
            json!({ "code": "passphrase_too_short", "min_chars": 12 })
        );
        assert_eq!(
            wire(VaultError::PassphraseTooWeak {
                score: 0,
                hint: StrengthHint::Common
            }),
            json!({ "code": "passphrase_too_weak", "score": 0, "hint": "passphrase_common", "min_score": 3 })
        );
        assert_eq!(
            wire(VaultError::KdfParamsRejected(KdfRejection::MemoryTooHigh)),
            json!({ "code": "vault_kdf_out_of_bounds", "why": "memory_too_high",
                    "max_m_kib": 262_144, "max_t": 10, "max_p": 4 })
        );
        assert_eq!(
            wire(ImageError::TooLarge),
            json!({ "code": "media_too_large" })
        );
        assert_eq!(
            wire(OAuthError::MissingKey),
            json!({ "code": "oauth_missing_key" })
        );
    }

    #[test]
    fn x_errors_carry_their_own_fields() {
        let e = XError::BadRequest {
            status: 400,
            detail: "Invalid Request".into(),
        };
        assert_eq!(
            wire(e),
            json!({ "code": "x_bad_request", "status": 400, "detail": "Invalid Request" })
        );
        let limited = wire(XError::RateLimited {
            retry_at: Some(1_700_000_000),
            daily: true,
            limits: Box::default(),
        });
        assert_eq!(limited["code"], "x_rate_limited");
        assert_eq!(limited["retry_at"], 1_700_000_000);
        assert_eq!(limited["daily"], true);
        assert!(limited["limits"].is_object());
        assert_eq!(
            wire(XError::Unauthorized),
            json!({ "code": "x_unauthorized" })
        );
    }

    #[test]
    fn compose_errors_name_their_post() {
        assert_eq!(
            wire(ComposeError::TooLong {
                step: 2,
                length: 300,
                limit: 280
            }),
            json!({ "code": "post_too_long", "step": 2 })
        );
        assert_eq!(wire(ComposeError::NoPosts), json!({ "code": "post_empty" }));
    }

    #[test]
    fn schedule_errors_carry_what_their_message_needs() {
        assert_eq!(
            wire(ScheduleError::InPast {
                due_at_ms: 5,
                now_ms: 9
            }),
            json!({ "code": "schedule_in_past", "due_at_ms": 5, "now_ms": 9 })
        );
        assert_eq!(
            wire(ScheduleError::TooFar {
                due_at_ms: 9,
                max_ms: 5
            }),
            json!({ "code": "schedule_too_far", "due_at_ms": 9, "max_ms": 5 })
        );
        assert_eq!(
            wire(ScheduleError::IllegalTransition {
                op: Op::PostNow,
                from: StateKind::Cancelled
            }),
            json!({ "code": "schedule_illegal_transition", "op": "post_now", "from": "cancelled" })
        );
        for (e, step) in [
            (ScheduleError::EmptyPost { step: 1 }, 1),
            (ScheduleError::TooManyMedia { step: 2, count: 5 }, 2),
            (ScheduleError::AltTextTooLong { step: 3 }, 3),
            (ScheduleError::PostedStepChanged { step: 0 }, 0),
        ] {
            let code = e.code();
            assert_eq!(wire(e), json!({ "code": code, "step": step }));
        }
        assert_eq!(
            wire(ScheduleError::NeedsConfirmation {
                id: ItemId(7),
                reason: ConfirmReason::Late
            }),
            json!({ "code": "schedule_needs_confirmation", "reason": "late" })
        );
        assert_eq!(
            wire(ScheduleError::InvalidResolution {
                reason: ConfirmReason::UnknownOutcome
            }),
            json!({ "code": "schedule_invalid_resolution", "reason": "unknown_outcome" })
        );
        assert_eq!(
            wire(ScheduleError::Corrupt {
                detail: "bad".into()
            }),
            json!({ "code": "schedule_corrupt" })
        );
    }

    #[test]
    fn form_problems_name_each_field() {
        let problems = vec![
            FieldProblem {
                field: Field::ApiKey,
                problem: Problem::SameValue {
                    other: Field::ApiSecret,
                },
            },
            FieldProblem {
                field: Field::AccessToken,
                problem: Problem::AccessTokenShape,
            },
        ];
        assert_eq!(
            wire(problems),
            json!({ "code": "form_invalid", "problems": [
                { "field": "api_key", "problem": "same_value", "other_field": "api_secret" },
                { "field": "access_token", "problem": "access_token_shape" },
            ] })
        );
    }
}
