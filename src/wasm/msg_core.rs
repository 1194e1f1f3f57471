//! Messages about the core itself: its status, and verifying four keys without storing them.

use serde::Deserialize;
use serde_json::{Value, json};

use super::net::signed_send;
use super::{AppError, api_base};
use crate::accounts::KeysForm;
use crate::x;

/// Core messages.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// The core's version and configuration.
    Status,
    /// Verifies four keys with a signed `GET /2/users/me` without storing them.
    VerifyKeys {
        /// The keys as typed.
        keys: KeysForm,
    },
    /// Test builds only: takes the vault write lock and then traps, as a panic does in a
    /// release build (`panic = "abort"`), to prove that the background recovers the core.
    #[cfg(feature = "test-hooks")]
    TestTrap,
}

/// Handles a core message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::Status => Ok(json!({
            "version": crate::VERSION,
            "api_base": api_base(),
            "core": "ready",
        })),
        Msg::VerifyKeys { keys } => {
            let resp = signed_send(x::users_me(api_base()), &keys.credentials()).await?;
            let verified = x::parse_users_me(&resp)?;
            Ok(serde_json::to_value(verified).unwrap_or(Value::Null))
        }
        #[cfg(feature = "test-hooks")]
        Msg::TestTrap => {
            let _held = super::session::write_lock().await;
            core::arch::wasm32::unreachable()
        }
    }
}
