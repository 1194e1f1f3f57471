//! Messages about the core itself: its status, and (test builds only) verifying four keys
//! without storing them, a deliberate trap, and the scheduler's test hooks (aging the queue,
//! moving its clock, waiting until it is idle).

use serde::Deserialize;
use serde_json::{Value, json};

use super::AppError;
use super::config::api_base;
#[cfg(feature = "test-hooks")]
use {
    super::changes::{self, Change},
    super::net::signed_send,
    super::schedule::{run, store as queue},
    super::{clock, platform},
    crate::accounts::KeysForm,
    crate::schedule::State,
    crate::x,
};

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
        Msg::TestAgeQueue { by_ms } => test_age(by_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestClockAdvance { by_ms } => test_clock_advance(by_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestIdle { until_ms } => test_idle(until_ms).await,
        #[cfg(feature = "test-hooks")]
        Msg::TestTrap => {
            let _held = super::session::write_lock().await;
            trap()
        }
    }
}

/// Test builds only: moves every unfinished item's times `by_ms` into the past (the
/// `test_age_queue` message), without starting a run.
#[cfg(feature = "test-hooks")]
async fn test_age(by_ms: u64) -> Result<Value, AppError> {
    queue::with_queue(|q, _| {
        for item in q.items_mut().iter_mut().filter(|i| !i.is_finished()) {
            item.due_at_ms = item.due_at_ms.saturating_sub(by_ms);
            item.created_at_ms = item.created_at_ms.saturating_sub(by_ms);
            if let State::Scheduled { at_ms } = &mut item.state {
                *at_ms = at_ms.saturating_sub(by_ms);
            }
        }
        Ok(())
    })
    .await?;
    Ok(json!({}))
}

/// Test builds only: moves the scheduler's clock `by_ms` forward (the `test_clock_advance`
/// message), then runs the queue. Requests are still signed with the true time.
#[cfg(feature = "test-hooks")]
async fn test_clock_advance(by_ms: u64) -> Result<Value, AppError> {
    let offset = clock::advance(by_ms).await?;
    // Series move on at the new time before the run looks for what is due.
    queue::with_queue(|_, _| Ok(())).await?;
    changes::mark(Change::Plans);
    Ok(json!({ "offset_ms": offset }))
}

/// Test builds only: waits (at most 20 s) until no run is under way and the alarm is not due
/// before `until_ms` on the browser's clock, seen twice 50 ms apart (`test_idle`). Answers
/// `{alarm_at_ms}`, or `test_not_idle` with what it saw last.
#[cfg(feature = "test-hooks")]
async fn test_idle(until_ms: u64) -> Result<Value, AppError> {
    // Browser clock: a real-time bound on this hook's wait (alarms run on it).
    let deadline = platform::now_ms().saturating_add(20_000);
    let mut quiet = 0;
    loop {
        let alarm_at = platform::alarm_at(run::ALARM).await?;
        let firing = run::firing();
        if !firing && alarm_at.is_none_or(|at| at >= until_ms) {
            quiet += 1;
            if quiet >= 2 {
                return Ok(json!({ "alarm_at_ms": alarm_at }));
            }
        } else {
            quiet = 0;
        }
        if platform::now_ms() > deadline {
            return Err(AppError::new("test_not_idle")
                .with("firing", firing)
                .with("alarm_at_ms", alarm_at));
        }
        platform::sleep(50).await;
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
