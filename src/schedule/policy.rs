//! Retry policy: exponential backoff with jitter, and waits that honour X's reset headers.
//!
//! Pure functions of their arguments: the jitter (a number in `0..=1`) comes from the caller.

use super::{DAY_MS, HOUR_MS, MINUTE_MS};

/// First backoff step after a transient failure.
pub const BACKOFF_BASE_MS: u64 = 30_000;
/// No backoff is ever longer than this.
pub const BACKOFF_CAP_MS: u64 = HOUR_MS;
/// Failed attempts of one step (transient, unknown outcome, rate limited) before the item is
/// given up as `Failed { retryable: true }`.
pub const MAX_ATTEMPTS: u32 = 8;
/// Wait after a 429 that carries no usable reset header (one 15-minute rate-limit window).
pub const DEFAULT_RATE_LIMIT_WAIT_MS: u64 = 15 * MINUTE_MS;
/// Sent this long after a reset time, so that X's window has surely rolled over by then.
pub const RESET_SLACK_MS: u64 = 1_000;
/// A reset header further ahead than this is not believed; the wait is cut to this.
pub const MAX_RATE_LIMIT_WAIT_MS: u64 = DAY_MS + HOUR_MS;

/// The jitter as a fraction in `0..=1`; anything else (NaN, infinities) counts as one half.
fn clamp_jitter(jitter: f64) -> f64 {
    if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// The wait before the next try after the `attempt`-th failed attempt (counted from 1), using
/// "equal jitter": the exponential step `d = min(cap, base * 2^(attempt-1))` becomes
/// `d/2 + jitter * d/2`. So a wait is never shorter than half its step (no hammering), never
/// longer than [`BACKOFF_CAP_MS`], and for a fixed jitter it never decreases with `attempt`.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let exponent = attempt.saturating_sub(1);
    let step = if exponent >= 32 {
        BACKOFF_CAP_MS
    } else {
        BACKOFF_BASE_MS
            .saturating_mul(1u64 << exponent)
            .min(BACKOFF_CAP_MS)
    };
    let half = step / 2;
    // `half` is at most half an hour in milliseconds: the conversions below are exact.
    let spread = (clamp_jitter(jitter) * half as f64).round() as u64;
    (half + spread.min(half)).min(BACKOFF_CAP_MS)
}

/// The reset of a spent 24-hour allowance a 429 must wait for, Unix seconds: the user's
/// (`x-user-limit-24hour-*`) when its remaining count is 0, the app's (`x-app-limit-24hour-*`,
/// shared by every account of the app on the old tiers) when its remaining count is 0, and the
/// later of the two when both are spent (retrying at the earlier one would hit the other wall).
/// `None` when no 24-hour allowance is known to be spent (pay-per-use sends no such headers),
/// or when the spent one gave no reset.
pub fn daily_reset_s(
    user_24h_remaining: Option<u64>,
    user_24h_reset_s: Option<u64>,
    app_24h_remaining: Option<u64>,
    app_24h_reset_s: Option<u64>,
) -> Option<u64> {
    let user = user_24h_reset_s.filter(|_| user_24h_remaining == Some(0));
    let app = app_24h_reset_s.filter(|_| app_24h_remaining == Some(0));
    user.max(app)
}

/// When to try again after a 429. `daily_reset_s` (see [`daily_reset_s`]) when a 24-hour
/// allowance is spent (the 15-minute reset would only hit the same wall), otherwise
/// `x-rate-limit-reset`; with neither, [`DEFAULT_RATE_LIMIT_WAIT_MS`]. Resets are Unix seconds
/// as the headers give them; the answer is Unix milliseconds, [`RESET_SLACK_MS`] after the
/// reset. A reset that already passed (clocks disagree) gives a short backoff instead, and one
/// absurdly far ahead is cut to [`MAX_RATE_LIMIT_WAIT_MS`].
pub fn rate_limit_until(
    now_ms: u64,
    reset_at_s: Option<u64>,
    daily_reset_s: Option<u64>,
    attempt: u32,
    jitter: f64,
) -> u64 {
    let Some(reset_s) = daily_reset_s.or(reset_at_s) else {
        return now_ms.saturating_add(DEFAULT_RATE_LIMIT_WAIT_MS);
    };
    let until = reset_s.saturating_mul(1_000).saturating_add(RESET_SLACK_MS);
    if until <= now_ms {
        return now_ms.saturating_add(backoff_ms(attempt, jitter));
    }
    until.min(now_ms.saturating_add(MAX_RATE_LIMIT_WAIT_MS))
}
