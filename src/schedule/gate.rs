//! Whether a due item may go to X now: the checks the scheduler makes at send time, before
//! any upload or request, in the order it makes them.

use crate::leak::ContainsSecret;

/// What to do with a due item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Send it.
    Send,
    /// Leave it: its contents are sealed and the vault was locked meanwhile (the next run marks
    /// it as waiting for an unlock). A post is never sent blank.
    Leave,
    /// End its step without sending, failed for good with this code.
    Refuse(&'static str),
}

/// The facts the gate needs about a due item.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    /// Whether its texts opened (they are sealed per item).
    pub has_contents: bool,
    /// Whether the vault's key is at hand now.
    pub unlocked: bool,
    /// Whether its account is still in the vault.
    pub account_known: bool,
    /// What the leak guard found in its text and alt texts (items planned before the guard
    /// existed are checked again here).
    pub leak: Option<&'a ContainsSecret>,
}

/// The gate: contents that do not open are refused (`sealed_unopenable`, another vault's)
/// unless the vault is merely locked; then a missing account (`account_not_found`); then a
/// pasted key (`post_contains_secret`).
#[must_use]
pub fn before_send(facts: &Facts<'_>) -> Gate {
    if !facts.has_contents {
        return if facts.unlocked {
            Gate::Refuse("sealed_unopenable")
        } else {
            Gate::Leave
        };
    }
    if !facts.account_known {
        return Gate::Refuse("account_not_found");
    }
    if facts.leak.is_some() {
        return Gate::Refuse("post_contains_secret");
    }
    Gate::Send
}
