//! Late posts: what happens to a post whose time passed while nothing could send it (the
//! browser was closed, the computer asleep, the vault locked).
//!
//! A post is late when it is found more than [`LATE_THRESHOLD_MS`] past its due time before
//! anything of it went to X. Each late post then follows its own [`LatePolicy`], or the
//! user's default one: go out late, wait for the user ("ask first"), or be skipped when it is
//! more than N minutes late. [`Queue::apply_late`] decides for every item at once and says
//! what it decided, so the worker can tell the user; it runs before every send, so a post
//! held by a locked vault is judged again when the vault is unlocked.
//!
//! An item the user told to go (Post now, "send it" on a late question) is not judged again.

use serde::{Deserialize, Serialize};

use super::{
    ConfirmReason, Item, ItemId, LATE_THRESHOLD_MS, MINUTE_MS, Op, Queue, ScheduleError, State,
};

/// The most minutes "skip after N minutes late" may name (one week).
pub const MAX_SKIP_AFTER_MINUTES: u32 = 7 * 24 * 60;

/// What to do with a post found late. Serialised with a `kind` tag:
/// `{"kind":"post_late"}`, `{"kind":"ask"}`, `{"kind":"skip_after","minutes":30}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LatePolicy {
    /// Send it as soon as possible, late (the default).
    #[default]
    PostLate,
    /// Hold it until the user says "send it" (or reschedules or cancels it).
    Ask,
    /// Send it when it is at most `minutes` late, otherwise skip it.
    SkipAfter {
        /// How late it may go out, in minutes (1 to [`MAX_SKIP_AFTER_MINUTES`]).
        minutes: u32,
    },
}

impl LatePolicy {
    /// Refuses a "skip after" of 0 minutes or of more than [`MAX_SKIP_AFTER_MINUTES`].
    pub fn validate(self) -> Result<Self, ScheduleError> {
        match self {
            LatePolicy::SkipAfter { minutes }
                if minutes == 0 || minutes > MAX_SKIP_AFTER_MINUTES =>
            {
                Err(ScheduleError::LatePolicyInvalid { minutes })
            }
            other => Ok(other),
        }
    }
}

/// What [`decide`] makes of a late post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateDecision {
    /// It goes out now, late.
    Send,
    /// It waits for the user.
    Ask,
    /// It is skipped: not sent.
    Skip,
}

/// How late a post due at `due_at_ms` is at `now_ms`, if it is late at all (more than
/// [`LATE_THRESHOLD_MS`] past its time).
pub fn late_by(due_at_ms: u64, now_ms: u64) -> Option<u64> {
    let by = now_ms.saturating_sub(due_at_ms);
    (by > LATE_THRESHOLD_MS).then_some(by)
}

/// What `policy` makes of a post due at `due_at_ms`, found at `now_ms`; `None` when it is not
/// late. "Skip after N minutes" skips a post more than N minutes late: exactly N minutes late
/// still goes out.
pub fn decide(policy: LatePolicy, due_at_ms: u64, now_ms: u64) -> Option<LateDecision> {
    let by = late_by(due_at_ms, now_ms)?;
    Some(match policy {
        LatePolicy::PostLate => LateDecision::Send,
        LatePolicy::Ask => LateDecision::Ask,
        LatePolicy::SkipAfter { minutes } => {
            if by > u64::from(minutes).saturating_mul(MINUTE_MS) {
                LateDecision::Skip
            } else {
                LateDecision::Send
            }
        }
    })
}

/// One late post and what was done with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEntry {
    /// The item.
    pub id: ItemId,
    /// Its original time.
    pub due_at_ms: u64,
    /// How late it was found.
    pub late_by_ms: u64,
    /// What its policy made of it.
    pub decision: LateDecision,
}

/// What [`Queue::apply_late`] did, oldest first: the posts newly found late, and those whose
/// state it changed (held for the user, skipped). A post already known to be late that goes on
/// waiting (for an unlock) is not listed again, so the user is told once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateReport {
    /// Every late post judged now.
    pub entries: Vec<LateEntry>,
}

impl LateReport {
    /// Whether there is anything to tell the user.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How late a post was, for the queue view: its original time and when it went (or was
/// skipped, or, still waiting, now).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lateness {
    /// When it was due.
    pub due_at_ms: u64,
    /// When it went out (its first post), was skipped, or now while it still waits.
    pub actual_ms: u64,
    /// `actual_ms - due_at_ms`.
    pub late_by_ms: u64,
}

impl Item {
    /// The policy this item follows: its own, else `default`.
    pub fn late_policy_or(&self, default: LatePolicy) -> LatePolicy {
        self.late_policy.unwrap_or(default)
    }

    /// Whether the late policy judges this item: nothing of it went to X (no step posted, none
    /// in doubt), it waits for its time or for an unlock, and the user has not told it to go.
    fn judged_late(&self) -> bool {
        self.posted.is_empty()
            && self.doubt_since_ms.is_none()
            && !self.late_accepted
            && matches!(
                self.state,
                State::Scheduled { .. } | State::NeedsUnlock { .. }
            )
    }

    /// For a late item: its original and actual time.
    pub fn lateness(&self, now_ms: u64) -> Option<Lateness> {
        if !self.late {
            return None;
        }
        let actual_ms = match &self.state {
            State::Skipped { at_ms } => *at_ms,
            _ => self.posted.first().map_or(now_ms, |p| p.at_ms),
        };
        Some(Lateness {
            due_at_ms: self.due_at_ms,
            actual_ms,
            late_by_ms: actual_ms.saturating_sub(self.due_at_ms),
        })
    }
}

impl Queue {
    /// Sets (or, with `None`, clears) the late policy of one item that has not gone yet and
    /// has not been judged late ([`Op::LatePolicy`]).
    pub fn set_late_policy(
        &mut self,
        id: ItemId,
        policy: Option<LatePolicy>,
    ) -> Result<(), ScheduleError> {
        let policy = policy.map(LatePolicy::validate).transpose()?;
        let item = self.item_mut(id)?;
        item.check(Op::LatePolicy)?;
        item.late_policy = policy;
        Ok(())
    }

    /// Applies the late policy (each item's own, else `default`) to every item found late at
    /// `now_ms`: marks it late, and sends it on, holds it for the user
    /// (`NeedsConfirmation { reason: Late }`) or skips it (`Skipped`). Runs before every send.
    pub fn apply_late(&mut self, now_ms: u64, default: LatePolicy) -> LateReport {
        let mut report = LateReport::default();
        for item in &mut self.items {
            if !item.judged_late() {
                continue;
            }
            let policy = item.late_policy_or(default);
            let Some(decision) = decide(policy, item.due_at_ms, now_ms) else {
                continue;
            };
            let newly = !item.late;
            if newly {
                item.late = true;
                item.log(now_ms, "late");
            }
            match decision {
                LateDecision::Send => {
                    // "Post late" is settled once; "skip after" is judged again until it goes.
                    if policy == LatePolicy::PostLate {
                        item.late_accepted = true;
                    }
                }
                LateDecision::Ask => item.confirm(ConfirmReason::Late, now_ms),
                LateDecision::Skip => {
                    item.log(now_ms, "skipped_late");
                    item.state = State::Skipped { at_ms: now_ms };
                }
            }
            if !newly && decision == LateDecision::Send {
                continue;
            }
            report.entries.push(LateEntry {
                id: item.id,
                due_at_ms: item.due_at_ms,
                late_by_ms: now_ms.saturating_sub(item.due_at_ms),
                decision,
            });
        }
        report.entries.sort_by_key(|e| (e.due_at_ms, e.id));
        report
    }
}
