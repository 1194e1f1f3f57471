//! What changed since the driver last settled ([`super::driver::settle`]): the stores and the
//! handlers mark it here instead of acting on it themselves, and the driver acts on it after
//! every entry point (the badge, a send run). A leaf: it imports nothing of the worker, so
//! every layer may mark.

use std::cell::Cell;

/// One kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The stored queue was written: the badge counts its posts.
    Queue,
    /// The vault's state was published (created, unlocked, locked, replaced): the badge marks
    /// the posts that wait for it.
    Vault,
    /// A message changed the queue: what is due now goes out without waiting for the alarm,
    /// and the alarm follows the queue.
    Plans,
    /// The user unlocked the vault: the posts that waited for it go out.
    Unlocked,
}

impl Change {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes(u8);

impl Changes {
    /// Whether `change` is in the set.
    pub fn has(self, change: Change) -> bool {
        self.0 & change.bit() != 0
    }
}

thread_local! {
    /// The changes marked and not yet taken.
    static MARKED: Cell<Changes> = const { Cell::new(Changes(0)) };
}

/// Marks a change for the driver.
pub fn mark(change: Change) {
    MARKED.with(|m| m.set(Changes(m.get().0 | change.bit())));
}

/// The changes marked since the last call (the driver's).
pub fn take() -> Changes {
    MARKED.with(|m| m.replace(Changes(0)))
}
