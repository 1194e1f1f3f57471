//! The 24-hour window X counts posts in: how many posts of an account it will see in any
//! window a planned post falls into.

use super::{DAY_MS, Queue, State};

impl Queue {
    /// How many posts (each thread step counts) of `account_id` are on X or planned in the
    /// `window_ms` up to and including `at_ms`: what X will count against its 24-hour limit
    /// when a post goes out at `at_ms`. Posted steps count at their posting time; steps still
    /// to go at the time their item waits for (its due time when it waits for the user).
    pub fn planned_in_window(&self, account_id: &str, at_ms: u64, window_ms: u64) -> usize {
        let from = at_ms.saturating_sub(window_ms);
        let inside = |t: u64| t > from && t <= at_ms;
        self.items
            .iter()
            .filter(|i| i.account_id == account_id)
            .map(|i| {
                let posted = i.posted.iter().filter(|p| inside(p.at_ms)).count();
                let pending_at = match i.state {
                    State::Sent { .. }
                    | State::Failed { .. }
                    | State::Cancelled { .. }
                    | State::Skipped { .. } => None,
                    State::Sending { since_ms, .. } => Some(since_ms),
                    ref other => Some(other.wake_at().unwrap_or(i.due_at_ms)),
                };
                let pending = match pending_at {
                    Some(t) if inside(t) => i.posts.len().saturating_sub(i.posted.len()),
                    _ => 0,
                };
                posted + pending
            })
            .sum()
    }

    /// The most posts of `account_id` that X will count in any 24-hour window touched by a
    /// post at `at_ms`: the windows ending at `at_ms` and at each later planned post of the
    /// account within a day (as [`Queue::planned_in_window`] counts them).
    pub fn busiest_window(&self, account_id: &str, at_ms: u64) -> usize {
        let mut ends: Vec<u64> = self
            .items
            .iter()
            .filter(|i| i.account_id == account_id && !i.is_finished())
            .map(|i| i.state.wake_at().unwrap_or(i.due_at_ms))
            .filter(|t| *t > at_ms && *t <= at_ms.saturating_add(DAY_MS))
            .collect();
        ends.push(at_ms);
        ends.iter()
            .map(|end| self.planned_in_window(account_id, *end, DAY_MS))
            .max()
            .unwrap_or(0)
    }
}
