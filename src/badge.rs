//! The toolbar badge: how many posts are queued, a mark when some need the user, and the next
//! due time for the tooltip. A pure function of the queue and the vault's lock state; the
//! worker sets `chrome.action`'s badge text, colour and title from it.

use serde::Serialize;

use crate::schedule::{Queue, State};

/// The badge colour while nothing needs the user.
pub const COLOR_QUEUED: &str = "#1d6fd1";
/// The badge colour when something needs the user.
pub const COLOR_NEEDS_USER: &str = "#c5221f";
/// The mark added to the count when something needs the user.
pub const NEEDS_USER_MARK: char = '!';
/// Counts above this show as `99+`.
const MAX_SHOWN: usize = 99;

/// Why the badge carries its mark, most urgent first (the tooltip says the first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsUser {
    /// Posts failed.
    Failed,
    /// Posts wait for a decision (late and "ask first", or an unknown outcome).
    Decide,
    /// Due posts wait for the vault to be unlocked.
    Unlock,
    /// The vault is locked while posts are queued: they will wait for it when due.
    Locked,
}

/// What the toolbar shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Badge {
    /// The badge text: the queued count (`99+` above 99), with [`NEEDS_USER_MARK`] when
    /// something needs the user; empty when there is nothing to show.
    pub text: String,
    /// The badge's background colour (`#rrggbb`).
    pub color: &'static str,
    /// Posts still to go (everything not sent, failed, cancelled or skipped).
    pub queued: usize,
    /// Posts that need the user (to unlock, to decide, or failed).
    pub needs_user: usize,
    /// The most urgent reason for the mark, if there is one.
    pub reason: Option<NeedsUser>,
    /// The time the next post waits for, if one does.
    pub next_due_ms: Option<u64>,
}

/// The badge for `queue` with the vault `unlocked` or not.
pub fn badge(queue: &Queue, unlocked: bool) -> Badge {
    let upcoming = queue.upcoming();
    let queued = upcoming.len();
    let count = |f: fn(&State) -> bool| queue.items().iter().filter(|i| f(&i.state)).count();
    let failed = count(|s| matches!(s, State::Failed { .. }));
    let decide = count(|s| matches!(s, State::NeedsConfirmation { .. }));
    let unlock = count(|s| matches!(s, State::NeedsUnlock { .. }));
    let reason = if failed > 0 {
        Some(NeedsUser::Failed)
    } else if decide > 0 {
        Some(NeedsUser::Decide)
    } else if unlock > 0 {
        Some(NeedsUser::Unlock)
    } else if !unlocked && queued > 0 {
        Some(NeedsUser::Locked)
    } else {
        None
    };
    let mut text = if queued > MAX_SHOWN {
        format!("{MAX_SHOWN}+")
    } else if queued > 0 {
        queued.to_string()
    } else {
        String::new()
    };
    if reason.is_some() {
        text.push(NEEDS_USER_MARK);
    }
    Badge {
        text,
        color: if reason.is_some() {
            COLOR_NEEDS_USER
        } else {
            COLOR_QUEUED
        },
        queued,
        needs_user: failed + decide + unlock,
        reason,
        next_due_ms: upcoming.iter().filter_map(|i| i.state.wake_at()).min(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{NewItem, Outcome, PlannedPost};

    const T0: u64 = 1_800_000_000_000;

    fn draft(text: &str, due: u64) -> NewItem {
        NewItem {
            account_id: "a".into(),
            posts: vec![PlannedPost::text(text)],
            due_at_ms: due,
        }
    }

    #[test]
    fn an_empty_queue_shows_nothing() {
        let b = badge(&Queue::new(), true);
        assert_eq!(b.text, "");
        assert_eq!(
            (b.queued, b.needs_user, b.reason, b.next_due_ms),
            (0, 0, None, None)
        );
        // Locked with nothing queued is no reason to call the user.
        assert_eq!(badge(&Queue::new(), false).text, "");
    }

    #[test]
    fn queued_posts_show_their_count_and_the_next_due_time() {
        let mut q = Queue::new();
        q.add(draft("later", T0 + 7_200_000), T0).unwrap();
        q.add(draft("sooner", T0 + 3_600_000), T0).unwrap();
        let b = badge(&q, true);
        assert_eq!(b.text, "2");
        assert_eq!(b.color, COLOR_QUEUED);
        assert_eq!(b.next_due_ms, Some(T0 + 3_600_000));
        assert_eq!(b.reason, None);
    }

    #[test]
    fn a_locked_vault_with_queued_posts_is_marked() {
        let mut q = Queue::new();
        q.add(draft("p", T0 + 3_600_000), T0).unwrap();
        let b = badge(&q, false);
        assert_eq!(b.text, "1!");
        assert_eq!(b.color, COLOR_NEEDS_USER);
        assert_eq!(b.reason, Some(NeedsUser::Locked));
        assert_eq!(b.needs_user, 0);
    }

    #[test]
    fn failed_and_waiting_posts_are_marked_most_urgent_first() {
        let mut q = Queue::new();
        let a = q.add(draft("a", T0 + 1_000), T0).unwrap();
        let b = q.add(draft("b", T0 + 1_000), T0).unwrap();
        q.add(draft("c", T0 + 3_600_000), T0).unwrap();
        // a waits for an unlock.
        q.mark_needs_unlock(T0 + 1_000);
        let shown = badge(&q, false);
        assert_eq!(shown.reason, Some(NeedsUser::Unlock));
        assert_eq!(shown.needs_user, 2);
        assert_eq!(shown.text, "3!");
        // Unlocked, b fails for good: a failed post is finished, so it leaves the count but
        // keeps the mark, which names the failure first.
        q.unlocked(T0 + 2_000);
        q.begin(b, T0 + 2_000).unwrap();
        q.complete(
            b,
            Outcome::Permanent {
                code: "x_forbidden".into(),
            },
            T0 + 2_000,
            0.5,
        )
        .unwrap();
        let shown = badge(&q, true);
        assert_eq!(shown.reason, Some(NeedsUser::Failed));
        assert_eq!((shown.queued, shown.needs_user), (2, 1));
        assert_eq!(shown.text, "2!");
        // Sent and removed, nothing is left to mark.
        q.begin(a, T0 + 3_000).unwrap();
        q.complete(a, Outcome::Posted { id: "1".into() }, T0 + 3_000, 0.5)
            .unwrap();
        q.remove(b).unwrap();
        let shown = badge(&q, true);
        assert_eq!((shown.text.as_str(), shown.reason), ("1", None));
    }

    #[test]
    fn large_counts_fit_the_badge() {
        let mut q = Queue::new();
        for i in 0..120 {
            q.add(draft(&format!("p{i}"), T0 + 3_600_000 + i), T0)
                .unwrap();
        }
        assert_eq!(badge(&q, true).text, "99+");
        assert_eq!(badge(&q, false).text, "99+!");
    }
}
