//! The worker's one clock: every "now" of the worker's decisions comes from here (due times,
//! the alarm, late posts, recurring series, the queue's views, slots, imports, the times the
//! Sent list and the accounts record), so they all agree. In release builds it is the
//! browser's clock. In sandbox builds (cargo feature `test-hooks`) it is that plus an offset
//! that `test_clock_advance` moves forward, kept in `storage.local` so a restarted worker keeps
//! it: the end-to-end tests make a day pass in a second.
//!
//! Three things read the browser's clock itself ([`platform::now_ms`]), each for a reason
//! given where it does: requests to X are signed with the true time (`net`; X checks it),
//! upload pacing measures real elapsed time, and auto-lock runs on `chrome.alarms`, which
//! fire on the browser's clock.

use crate::worker::platform;

/// The scheduler's now, Unix milliseconds.
pub async fn now() -> u64 {
    platform::now_ms().saturating_add(offset().await)
}

/// The scheduler's time `at_ms` on the browser's clock (for `chrome.alarms`).
pub async fn to_browser(at_ms: u64) -> u64 {
    at_ms.saturating_sub(offset().await)
}

#[cfg(not(feature = "test-hooks"))]
async fn offset() -> u64 {
    0
}

#[cfg(feature = "test-hooks")]
use hooks::offset;

#[cfg(feature = "test-hooks")]
mod hooks {
    use std::cell::Cell;

    use crate::worker::AppError;
    use crate::worker::platform::{self, Area};

    /// `storage.local` key of the offset (sandbox builds only).
    const KEY: &str = "test_clock_offset_ms";

    thread_local! {
        static CACHED: Cell<Option<u64>> = const { Cell::new(None) };
    }

    pub async fn offset() -> u64 {
        if let Some(v) = CACHED.with(Cell::get) {
            return v;
        }
        let v = platform::get::<u64>(Area::Local, KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        CACHED.with(|c| c.set(Some(v)));
        v
    }

    /// Moves the scheduler's clock `by_ms` forward; returns the new offset.
    pub async fn advance(by_ms: u64) -> Result<u64, AppError> {
        let v = offset().await.saturating_add(by_ms);
        platform::set(Area::Local, KEY, &v).await?;
        CACHED.with(|c| c.set(Some(v)));
        Ok(v)
    }
}

#[cfg(feature = "test-hooks")]
pub use hooks::advance;
