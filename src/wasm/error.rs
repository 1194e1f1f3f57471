//! The one error shape that crosses into JavaScript: `{code, ...details}`. Codes are stable
//! strings that the UI turns into localised text; details never carry a secret.

use serde::Serialize;
use serde_json::{Map, Value};

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

impl From<crate::x::XError> for AppError {
    fn from(e: crate::x::XError) -> Self {
        // The X error's own fields (retry time, status, detail) are its details.
        match serde_json::to_value(&e) {
            Ok(Value::Object(mut map)) => {
                map.remove("code");
                AppError {
                    code: e.code().to_owned(),
                    details: map,
                }
            }
            _ => AppError::new(e.code()),
        }
    }
}

impl From<crate::oauth1::OAuthError> for AppError {
    fn from(e: crate::oauth1::OAuthError) -> Self {
        AppError::new(e.code())
    }
}
