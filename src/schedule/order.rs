//! Which items go now, and when the worker must wake up next.
//!
//! One ordering for both: an item's place is its due time, then the time it was added, then its
//! id. Posts of one account keep that order: while an earlier post of the account waits for a
//! retry or is being sent, the account's later posts wait behind it, and its wake-up time stands
//! for theirs.

use super::{Item, ItemId, Queue, State};

impl Item {
    /// The item's place in the one send order: due time, then creation time, then id.
    fn order_key(&self) -> (u64, u64, ItemId) {
        (self.due_at_ms, self.created_at_ms, self.id)
    }
}

impl Queue {
    /// The items that may go now, the first to send first: those whose time has come
    /// (scheduled or retry time at or before `now_ms`) and that are not held behind an earlier
    /// post of their account, in due order (ties: the earliest created).
    pub fn sendable(&self, now_ms: u64) -> Vec<ItemId> {
        let mut ready: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| i.state.wake_at().is_some_and(|at| at <= now_ms))
            .filter(|i| !self.held(i))
            .collect();
        ready.sort_by_key(|i| i.order_key());
        ready.into_iter().map(|i| i.id).collect()
    }

    /// The one time to set the alarm for: the earliest time an item waits for, leaving out
    /// items held behind an earlier post of their account (that post's own time covers them),
    /// and never before `now_ms` (an item already due gives `now_ms`). `None` when nothing
    /// waits for a time.
    pub fn next_wake(&self, now_ms: u64) -> Option<u64> {
        self.items
            .iter()
            .filter(|i| !self.held(i))
            .filter_map(|i| i.state.wake_at())
            .min()
            .map(|t| t.max(now_ms))
    }

    /// Whether an earlier post of the same account waits for a retry or is being sent, so
    /// that `item` must wait behind it.
    fn held(&self, item: &Item) -> bool {
        self.items.iter().any(|other| {
            other.id != item.id
                && other.account_id == item.account_id
                && matches!(
                    other.state,
                    State::RetryWaiting { .. } | State::Sending { .. }
                )
                && other.order_key() < item.order_key()
        })
    }
}
