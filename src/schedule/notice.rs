//! What the scheduler tells the user, decided here so that every notification follows one
//! rule: which states are worth a notification, how a post is named in one, and which
//! failures of a run are the storage's (then the user is told once, instead of the run
//! retrying silently every 30 seconds).

use super::State;

/// How many characters of a post's text name it in a notification (one width everywhere:
/// the late-post summary used 40 and the item notices 60 until round 3).
pub const SNIPPET_CHARS: usize = 60;

/// The start of `text`, at most [`SNIPPET_CHARS`] characters, with `…` when it was cut.
#[must_use]
pub fn snippet(text: &str) -> String {
    let mut short: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        short.push('…');
    }
    short
}

/// The words that name a post in a notification: its first words ([`snippet`]) only when the
/// user chose to see texts there (`Settings::notify_text`); otherwise none, and the account
/// and the time name it (the system keeps notifications outside the vault).
#[must_use]
pub fn words(text: &str, notify_text: bool) -> Option<String> {
    (notify_text && !text.trim().is_empty()).then(|| snippet(text))
}

/// Which notification an item's new state is worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// It went out (only when the user asked to hear of sent posts).
    Sent,
    /// It failed for good.
    Failed,
    /// It waits for the user's decision.
    NeedsDecision,
}

/// The notification an item's state after a send is worth: failures and decisions always,
/// a sent post only with `notify_sent`, anything else (waiting to retry, scheduled) none.
#[must_use]
pub fn notice_for(state: &State, notify_sent: bool) -> Option<Notice> {
    match state {
        State::Sent { .. } if notify_sent => Some(Notice::Sent),
        State::Failed { .. } => Some(Notice::Failed),
        State::NeedsConfirmation { .. } => Some(Notice::NeedsDecision),
        _ => None,
    }
}

/// Whether a run's error is the storage failing (full, refusing writes, or holding a queue
/// that cannot be read): scheduled posts are paused until it is fixed, and the user is told.
#[must_use]
pub fn is_storage_fault(code: &str) -> bool {
    matches!(code, "platform_storage" | "storage_malformed")
}

/// The notification the worker shows when queued posts wait for an unlock.
pub const UNLOCK_NOTIFICATION: &str = "schedule_unlock";

/// Which page a click on one of the scheduler's notifications opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClickTarget {
    /// The options page, where the vault is unlocked (the "waiting for an unlock" notice).
    Options,
    /// The queue page (every other notice of the scheduler).
    Queue,
}

/// Where a click on notification `id` leads; `None` for notifications that are not the
/// scheduler's (`schedule_` prefix).
#[must_use]
pub fn click_target(id: &str) -> Option<ClickTarget> {
    if !id.starts_with("schedule_") {
        return None;
    }
    Some(if id == UNLOCK_NOTIFICATION {
        ClickTarget::Options
    } else {
        ClickTarget::Queue
    })
}
