//! Test builds only (the module is compiled with the cargo feature `test-hooks`): messages
//! about the core itself, its status, verifying four keys without storing them, a deliberate
//! trap, and the scheduler's test hooks (aging the queue, moving its clock, waiting until it is
//! idle).

use super::AppError;
use super::changes::{self, Change};
use super::config::api_base;
use super::net::signed_send;
use super::protocol::answers::{ClockOffset, CoreStatus, Idle};
use super::protocol::{Answer, CoreMsg, Done, reply};
use super::schedule::{run, store as queue};
use super::{clock, platform};
use crate::schedule::State;
use crate::x;

/// Handles a core message.
pub async fn handle(msg: CoreMsg) -> Result<Answer, AppError> {
    match msg {
        CoreMsg::Status => reply(&CoreStatus {
            version: crate::VERSION,
            api_base: api_base().await,
            core: "ready",
        }),
        CoreMsg::VerifyKeys { keys } => {
            let resp = signed_send(x::users_me(&api_base().await), &keys.credentials()).await?;
            reply(&x::parse_users_me(&resp)?)
        }
        CoreMsg::TestAgeQueue { by_ms } => {
            test_age(by_ms).await?;
            reply(&Done {})
        }
        CoreMsg::TestClockAdvance { by_ms } => reply(&test_clock_advance(by_ms).await?),
        CoreMsg::TestIdle { until_ms } => reply(&test_idle(until_ms).await?),
        CoreMsg::TestTrap => {
            let _held = super::session::write_lock().await;
            trap()
        }
    }
}

/// Test builds only: moves every unfinished item's times `by_ms` into the past (the
/// `test_age_queue` message), without starting a run.
async fn test_age(by_ms: u64) -> Result<(), AppError> {
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
    Ok(())
}

/// Test builds only: moves the scheduler's clock `by_ms` forward (the `test_clock_advance`
/// message), then runs the queue. Requests are still signed with the true time.
async fn test_clock_advance(by_ms: u64) -> Result<ClockOffset, AppError> {
    let offset = clock::advance(by_ms).await?;
    // Series move on at the new time before the run looks for what is due.
    queue::with_queue(|_, _| Ok(())).await?;
    changes::mark(Change::Plans);
    Ok(ClockOffset { offset_ms: offset })
}

/// Test builds only: waits (at most 20 s) until no run is under way and the alarm is not due
/// before `until_ms` on the browser's clock, seen twice 50 ms apart (`test_idle`). Answers
/// `{alarm_at_ms}`, or `test_not_idle` with what it saw last.
async fn test_idle(until_ms: u64) -> Result<Idle, AppError> {
    // Browser clock: a real-time bound on this hook's wait (alarms run on it).
    let deadline = platform::now_ms().saturating_add(20_000);
    let mut quiet = 0;
    loop {
        let alarm_at = platform::alarm_at(run::ALARM).await?;
        let firing = run::firing();
        if !firing && alarm_at.is_none_or(|at| at >= until_ms) {
            quiet += 1;
            if quiet >= 2 {
                return Ok(Idle {
                    alarm_at_ms: alarm_at,
                });
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
fn trap() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    std::process::abort()
}
