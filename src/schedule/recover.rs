//! After a stop and around the lock: items left `sending` are in doubt ([`Queue::recover`]),
//! items due while locked wait for the unlock ([`Queue::mark_needs_unlock`],
//! [`Queue::unlocked`]).

use super::*;

/// What [`Queue::recover`] did, so the caller can notify the user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// Interrupted text-only steps that will be resent at once (a duplicate answer then
    /// counts as posted).
    pub resent: Vec<ItemId>,
    /// Items that now wait for the user (unknown outcome, or held because late).
    pub needs_confirmation: Vec<ItemId>,
    /// Items found late (held or not).
    pub late: Vec<ItemId>,
    /// Items given up because their step was interrupted too often.
    pub failed: Vec<ItemId>,
}

impl Queue {
    /// Runs at every worker start. Items left in `Sending` have an unknown outcome: a
    /// text-only step is resent at once (see the module notes), any other goes to the user.
    /// Items that should have gone out more than [`LATE_THRESHOLD_MS`] ago are marked late and,
    /// with `hold_late`, wait for the user instead of going out.
    pub fn recover(&mut self, now_ms: u64, hold_late: bool) -> Recovery {
        let mut report = Recovery::default();
        let late_before = now_ms.saturating_sub(LATE_THRESHOLD_MS);
        for item in &mut self.items {
            let interrupted = matches!(item.state, State::Sending { .. });
            let planned_at = match item.state {
                State::Sending { since_ms, .. } => {
                    item.log(now_ms, "unknown_outcome");
                    item.doubt_since_ms.get_or_insert(since_ms);
                    item.attempts = item.attempts.saturating_add(1);
                    since_ms
                }
                State::Scheduled { at_ms } => at_ms,
                State::RetryWaiting { until_ms, .. } => until_ms,
                _ => continue,
            };
            if item.doubt_unresolvable(now_ms) {
                item.confirm(ConfirmReason::UnknownOutcome, now_ms);
                report.needs_confirmation.push(item.id);
                continue;
            }
            if interrupted {
                if item.attempts >= MAX_ATTEMPTS {
                    item.state = State::Failed {
                        code: "unknown_outcome".to_owned(),
                        retryable: true,
                        at_ms: now_ms,
                    };
                    report.failed.push(item.id);
                    continue;
                }
                item.state = State::Scheduled { at_ms: now_ms };
            }
            if planned_at < late_before {
                if !item.late {
                    item.late = true;
                    item.log(now_ms, "late");
                }
                report.late.push(item.id);
                if hold_late {
                    item.confirm(ConfirmReason::Late, now_ms);
                    report.needs_confirmation.push(item.id);
                    continue;
                }
            }
            if interrupted {
                report.resent.push(item.id);
            }
        }
        report
    }

    /// The vault is locked: every due item waits for it to be unlocked. Returns their ids.
    pub fn mark_needs_unlock(&mut self, now_ms: u64) -> Vec<ItemId> {
        let mut ids = Vec::new();
        for item in &mut self.items {
            if item.state.wake_at().is_some_and(|at| at <= now_ms) {
                item.log(now_ms, "vault_locked");
                item.state = State::NeedsUnlock { since_ms: now_ms };
                ids.push(item.id);
            }
        }
        ids
    }

    /// The vault was unlocked: items waiting for it are due at once. Returns their ids.
    pub fn unlocked(&mut self, now_ms: u64) -> Vec<ItemId> {
        let mut ids = Vec::new();
        for item in &mut self.items {
            if matches!(item.state, State::NeedsUnlock { .. }) {
                item.state = State::Scheduled { at_ms: now_ms };
                ids.push(item.id);
            }
        }
        ids
    }
}
