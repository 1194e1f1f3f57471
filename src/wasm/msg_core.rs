//! Messages about the core itself: its status, and (test builds only) verifying four keys
//! without storing them and a deliberate trap.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppError, api_base};
#[cfg(feature = "test-hooks")]
use {super::net::signed_send, crate::accounts::KeysForm, crate::x};

/// Core messages.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Msg {
    /// The core's version and configuration.
    Status,
    /// Test builds only: verifies four keys with a signed `GET /2/users/me` without storing
    /// them (the end-to-end tests' check of the signer against the sandbox; the pages verify
    /// through `account_add`/`account_verify`).
    #[cfg(feature = "test-hooks")]
    VerifyKeys {
        /// The keys as typed.
        keys: KeysForm,
    },
    /// Test builds only: moves the scheduler's clock `by_ms` forward (due times, the alarm,
    /// late posts, recurring series), then runs the queue; requests stay signed with the true
    /// time.
    #[cfg(feature = "test-hooks")]
    TestClockAdvance {
        /// How far, in milliseconds.
        by_ms: u64,
    },
    /// Test builds only: takes the vault write lock and then traps, as a panic does in a
    /// release build (`panic = "abort"`), to prove that the background recovers the core.
    #[cfg(feature = "test-hooks")]
    TestTrap,
    /// Test builds only: moves every waiting post's times `by_ms` into the past, as if that
    /// long had passed with the browser closed or the computer asleep. Nothing is sent until
    /// the next run (an alarm, a message or a worker start).
    #[cfg(feature = "test-hooks")]
    TestAgeQueue {
        /// How far back, in milliseconds.
        by_ms: u64,
    },
    /// Test builds only: answers once no scheduler run is under way and the schedule alarm is
    /// not due before `until_ms` (browser clock): from then until `until_ms` nothing is sent
    /// unless a page asks. A test's proof that "nothing went out" is exact and instant.
    #[cfg(feature = "test-hooks")]
    TestIdle {
        /// Unix milliseconds, browser clock.
        until_ms: u64,
    },
}

/// Handles a core message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::Status => Ok(json!({
            "version": crate::VERSION,
            "api_base": api_base().await,
            "core": "ready",
        })),
        #[cfg(feature = "test-hooks")]
        Msg::VerifyKeys { keys } => {
            let resp = signed_send(x::users_me(&api_base().await), &keys.credentials()).await?;
            let verified = x::parse_users_me(&resp)?;
            Ok(serde_json::to_value(verified).unwrap_or(Value::Null))
        }
        #[cfg(feature = "test-hooks")]
        Msg::TestAgeQueue { by_ms } => super::schedule::test_age(by_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestClockAdvance { by_ms } => super::schedule::test_clock_advance(by_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestIdle { until_ms } => super::schedule::test_idle(until_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestTrap => {
            let _held = super::session::write_lock().await;
            trap()
        }
    }
}

/// A wasm trap, as a panic is in a release build; a native build (`cargo clippy --features
/// test-hooks`) aborts instead.
#[cfg(feature = "test-hooks")]
fn trap() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    std::process::abort()
}
