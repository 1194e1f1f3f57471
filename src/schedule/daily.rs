//! What an answer to a post says about the account's 24-hour post limit, so the scheduler's
//! "over the 24-hour limit" warning appears only where X said such a limit exists.
//!
//! Pay-per-use (2026) sends no `x-user-limit-24hour-*` headers: its limits are 100 posts per
//! 15 minutes per user and 10,000 per 24 hours per app, and nothing warns about a daily count.
//! The old Free and Basic tiers send the headers with every answer to `POST /2/tweets`.

use crate::x::RateLimits;

/// What one answer to `POST /2/tweets` teaches about the account's 24-hour limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DailyLimitNews {
    /// X announced this many posts per 24 hours: remember it.
    Announced(u64),
    /// X created the post and announced no 24-hour limit: the account has none (any limit
    /// remembered from before, say from an old tier, no longer holds).
    NoneAnnounced,
    /// The answer says nothing either way (an error, which may come from X's edge without
    /// headers): keep what is known.
    Silent,
}

/// The news in an answer to a post with this status and these rate-limit headers.
pub fn daily_limit_news(status: u16, limits: &RateLimits) -> DailyLimitNews {
    match limits.user_24h_limit {
        Some(limit) => DailyLimitNews::Announced(limit),
        None if (200..300).contains(&status) => DailyLimitNews::NoneAnnounced,
        None => DailyLimitNews::Silent,
    }
}

/// The warning an added post gets when its account would have more posts planned in one
/// 24-hour window than the limit X last announced for it: the wire shape pages draw
/// (`{code: "schedule_over_24h_limit", planned, limit}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OverDailyLimit {
    /// Always `schedule_over_24h_limit`.
    pub code: &'static str,
    /// Posts planned in the busiest 24 hours around the new one.
    pub planned: usize,
    /// The limit X announced.
    pub limit: u64,
}

/// [`OverDailyLimit`] when `planned` (the busiest window's count) exceeds the `known` limit;
/// no warning without one (pay-per-use accounts announce none).
#[must_use]
pub fn over_daily_limit(planned: usize, known: Option<u64>) -> Option<OverDailyLimit> {
    let limit = known?;
    (u64::try_from(planned).unwrap_or(u64::MAX) > limit).then_some(OverDailyLimit {
        code: "schedule_over_24h_limit",
        planned,
        limit,
    })
}
