//! Wrong passphrases slow down: after [`FREE_ATTEMPTS`] in a row, each further try waits twice as
//! long as the one before (2 s, 4 s, 8 s, ... up to [`MAX_WAIT_MS`]), counted from the last
//! failure. The count is stored (the worker keeps it in `storage.local`), so a worker restart or
//! a reopened page does not reset it; a right passphrase does.
//!
//! Argon2id already costs each guess about a quarter of a second; this makes a person at the
//! browser (or a script driving its pages) pay minutes per guess after the first few, while a
//! user who mistypes a few times never waits.

use serde::{Deserialize, Serialize};

/// Wrong passphrases in a row that cost nothing more than the key derivation.
pub const FREE_ATTEMPTS: u32 = 5;

/// The longest wait between two tries: 15 minutes.
pub const MAX_WAIT_MS: u64 = 15 * 60_000;

/// The failures in a row, as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    /// Wrong passphrases since the last right one.
    pub failures: u32,
    /// When the last one was tried, Unix milliseconds.
    pub last_failure_ms: u64,
}

impl Throttle {
    /// How long a try must still wait at `now_ms`, or `None` when it may go ahead.
    #[must_use]
    pub fn wait_ms(&self, now_ms: u64) -> Option<u64> {
        let delay = self.delay_ms();
        let until = self.last_failure_ms.saturating_add(delay);
        // A clock set back never makes the wait longer than the delay itself.
        (self.failures >= FREE_ATTEMPTS && until > now_ms).then(|| (until - now_ms).min(delay))
    }

    /// The wait the current count asks for after the last failure.
    fn delay_ms(&self) -> u64 {
        if self.failures < FREE_ATTEMPTS {
            return 0;
        }
        let doublings = (self.failures - FREE_ATTEMPTS + 1).min(20);
        (1_000u64 << doublings).min(MAX_WAIT_MS)
    }

    /// A wrong passphrase was tried at `now_ms`.
    pub fn failed(&mut self, now_ms: u64) {
        self.failures = self.failures.saturating_add(1);
        self.last_failure_ms = now_ms;
    }

    /// Whether nothing is counted (a right passphrase clears the count).
    #[must_use]
    pub fn is_clear(&self) -> bool {
        self.failures == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_passphrases_are_free_then_each_waits_twice_as_long_up_to_the_cap() {
        let mut t = Throttle::default();
        let mut now = 1_000_000;
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(t.wait_ms(now), None);
            t.failed(now);
        }
        // The sixth try waits 2 s after the fifth failure.
        assert_eq!(t.wait_ms(now), Some(2_000));
        assert_eq!(t.wait_ms(now + 1_500), Some(500));
        now += 2_000;
        assert_eq!(t.wait_ms(now), None);
        t.failed(now);
        assert_eq!(t.wait_ms(now), Some(4_000));
        for _ in 0..30 {
            now += MAX_WAIT_MS;
            t.failed(now);
        }
        assert_eq!(t.wait_ms(now), Some(MAX_WAIT_MS), "capped");
    }

    #[test]
    fn a_clock_set_back_does_not_wait_longer_than_the_cap() {
        let t = Throttle {
            failures: 40,
            last_failure_ms: 10_000_000,
        };
        assert_eq!(t.wait_ms(0), Some(MAX_WAIT_MS));
        assert_eq!(t.wait_ms(u64::MAX), None, "no overflow");
    }
}
