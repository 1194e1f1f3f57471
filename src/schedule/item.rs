//! An item of the queue: its state, its per-item history of attempts, the steps on X, and
//! what each operation may do to it ([`Item::check`]). The queue's operations are in the
//! parent; sending is [`super::send`], recovery after a stop [`super::recover`].

use super::*;

/// How the schedule learned that a step is on X.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostedVia {
    /// X answered with the new post.
    Response,
    /// X refused a resend as duplicate content, so the earlier request got through.
    Duplicate,
    /// The user said so.
    User,
}

/// A step that is on X.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedStep {
    /// X's id of the post; `None` when only a duplicate refusal or the user told us.
    pub id: Option<String>,
    /// When it was posted (for an uncertain request: when that request was made).
    pub at_ms: u64,
    /// How we know.
    pub via: PostedVia,
}

/// One attempt (or event) in an item's history of what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// When.
    pub at_ms: u64,
    /// The step (index in the thread) it concerns.
    pub step: usize,
    /// What happened, as a stable code (`posted`, `rate_limited`, a transient or permanent
    /// error code, `unknown_outcome`, `late`, `vault_locked`, ...).
    pub outcome: String,
}

/// Where an item is. Serialised with a `kind` tag, e.g. `{"kind":"scheduled","at_ms":...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum State {
    /// Waits to send its next step at `at_ms` (its due time, or at once for a thread's next step).
    Scheduled {
        /// When the next step goes out.
        at_ms: u64,
    },
    /// The request for `step` may be under way (written before the request is made).
    Sending {
        /// When the request was begun.
        since_ms: u64,
        /// The step being sent.
        step: usize,
    },
    /// Every step is on X (ids in [`Item::posted`]).
    Sent {
        /// When the last step was posted.
        at_ms: u64,
    },
    /// Given up; `retryable` says whether trying again later may help.
    Failed {
        /// The error code of the last attempt.
        code: String,
        /// Transient failures that exhausted [`MAX_ATTEMPTS`] are retryable; X's refusals are not.
        retryable: bool,
        /// When.
        at_ms: u64,
    },
    /// Waits after a failed attempt.
    RetryWaiting {
        /// When the next attempt goes out.
        until_ms: u64,
        /// The error code of the failed attempt.
        code: String,
    },
    /// Was due while the vault was locked: goes out when it is unlocked.
    NeedsUnlock {
        /// Since when.
        since_ms: u64,
    },
    /// Waits for the user's decision (see [`Queue::resolve`]).
    NeedsConfirmation {
        /// What the user must decide.
        reason: ConfirmReason,
        /// Since when.
        since_ms: u64,
    },
    /// Cancelled by the user.
    Cancelled {
        /// When.
        at_ms: u64,
    },
    /// Found too late under "skip after N minutes late" ([`LatePolicy::SkipAfter`]): not sent.
    Skipped {
        /// When.
        at_ms: u64,
    },
}

/// A [`State`] without its data, for errors and filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateKind {
    /// [`State::Scheduled`]
    Scheduled,
    /// [`State::Sending`]
    Sending,
    /// [`State::Sent`]
    Sent,
    /// [`State::Failed`]
    Failed,
    /// [`State::RetryWaiting`]
    RetryWaiting,
    /// [`State::NeedsUnlock`]
    NeedsUnlock,
    /// [`State::NeedsConfirmation`]
    NeedsConfirmation,
    /// [`State::Cancelled`]
    Cancelled,
    /// [`State::Skipped`]
    Skipped,
}

impl StateKind {
    /// The state's snake_case name (the same as its serde tag).
    pub fn as_str(self) -> &'static str {
        match self {
            StateKind::Scheduled => "scheduled",
            StateKind::Sending => "sending",
            StateKind::Sent => "sent",
            StateKind::Failed => "failed",
            StateKind::RetryWaiting => "retry_waiting",
            StateKind::NeedsUnlock => "needs_unlock",
            StateKind::NeedsConfirmation => "needs_confirmation",
            StateKind::Cancelled => "cancelled",
            StateKind::Skipped => "skipped",
        }
    }
}

impl State {
    /// The state's kind.
    pub fn kind(&self) -> StateKind {
        match self {
            State::Scheduled { .. } => StateKind::Scheduled,
            State::Sending { .. } => StateKind::Sending,
            State::Sent { .. } => StateKind::Sent,
            State::Failed { .. } => StateKind::Failed,
            State::RetryWaiting { .. } => StateKind::RetryWaiting,
            State::NeedsUnlock { .. } => StateKind::NeedsUnlock,
            State::NeedsConfirmation { .. } => StateKind::NeedsConfirmation,
            State::Cancelled { .. } => StateKind::Cancelled,
            State::Skipped { .. } => StateKind::Skipped,
        }
    }

    /// When the item will next be sent, for the states that wait for a time.
    pub fn wake_at(&self) -> Option<u64> {
        match self {
            State::Scheduled { at_ms } => Some(*at_ms),
            State::RetryWaiting { until_ms, .. } => Some(*until_ms),
            _ => None,
        }
    }

    /// When the item finished, for `Sent`, `Failed`, `Cancelled` and `Skipped` (the "past"
    /// view).
    pub fn finished_at(&self) -> Option<u64> {
        match self {
            State::Sent { at_ms }
            | State::Failed { at_ms, .. }
            | State::Cancelled { at_ms }
            | State::Skipped { at_ms } => Some(*at_ms),
            _ => None,
        }
    }
}

/// A planned post or thread and everything known about its sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The queue's id for it.
    pub id: ItemId,
    /// The account that posts.
    pub account_id: String,
    /// The posts, in thread order.
    pub posts: Vec<PlannedPost>,
    /// When the user wants it posted.
    pub due_at_ms: u64,
    /// When it was added (orders items due at the same time).
    pub created_at_ms: u64,
    /// Where it is.
    pub state: State,
    /// Failed attempts of the current step.
    pub attempts: u32,
    /// The steps already on X, in order: step `posted.len()` is the next one.
    #[serde(default)]
    pub posted: Vec<PostedStep>,
    /// Set when a request for the next step got no answer: it may be on X since this time.
    #[serde(default)]
    pub doubt_since_ms: Option<u64>,
    /// It went, or was held, past its time because nothing was running then.
    #[serde(default)]
    pub late: bool,
    /// What to do when it is found late; `None` follows the user's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_policy: Option<LatePolicy>,
    /// The user (Post now, "send it") or the "post late" policy said it goes out however late:
    /// the late policy does not judge it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late_accepted: bool,
    /// What happened to it, oldest first, at most [`MAX_HISTORY`] entries.
    #[serde(default)]
    pub history: Vec<Attempt>,
    /// The recurring series it is an occurrence of ([`Series`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Occurrence>,
}

impl Item {
    /// The ids of the posted steps (`None` where X's id is unknown).
    pub fn posted_ids(&self) -> Vec<Option<&str>> {
        self.posted.iter().map(|p| p.id.as_deref()).collect()
    }

    /// Whether it is `Sent`, `Failed` or `Cancelled`.
    pub fn is_finished(&self) -> bool {
        self.state.finished_at().is_some()
    }

    pub(super) fn step(&self) -> usize {
        self.posted.len()
    }

    pub(super) fn log(&mut self, at_ms: u64, outcome: &str) {
        if self.history.len() >= MAX_HISTORY {
            let excess = self.history.len() + 1 - MAX_HISTORY;
            self.history.drain(..excess);
        }
        self.history.push(Attempt {
            at_ms,
            step: self.step(),
            outcome: outcome.to_owned(),
        });
    }

    pub(super) fn illegal(&self, op: Op) -> ScheduleError {
        ScheduleError::IllegalTransition {
            op,
            from: self.state.kind(),
        }
    }

    /// Whether `op` may be applied to the item as it is now: `Ok`, or the refusal the
    /// operation answers. Every mutator of [`Queue`] checks this first, so what
    /// [`Item::allowed_ops`] offers is exactly what the queue accepts. (An allowed `edit` or
    /// `reschedule` may still refuse what it is given: a changed step on X, a time in the
    /// past.)
    pub fn check(&self, op: Op) -> Result<(), ScheduleError> {
        use State as S;
        let allowed = match op {
            Op::Edit => matches!(
                self.state,
                S::Scheduled { .. }
                    | S::RetryWaiting { .. }
                    | S::NeedsUnlock { .. }
                    | S::NeedsConfirmation { .. }
                    | S::Failed { .. }
            ),
            Op::Reschedule => {
                let allowed = matches!(
                    self.state,
                    S::Scheduled { .. }
                        | S::RetryWaiting { .. }
                        | S::NeedsUnlock { .. }
                        | S::Failed { .. }
                        | S::Skipped { .. }
                        | S::NeedsConfirmation {
                            reason: ConfirmReason::Late,
                            ..
                        }
                );
                if allowed && self.doubt_since_ms.is_some() {
                    return Err(ScheduleError::OutcomeUnknown { id: self.id });
                }
                allowed
            }
            // Only while nothing of it went to X and it has not been judged late yet.
            Op::LatePolicy => {
                self.posted.is_empty()
                    && self.doubt_since_ms.is_none()
                    && matches!(self.state, S::Scheduled { .. } | S::NeedsUnlock { .. })
            }
            Op::Cancel => !matches!(
                self.state,
                S::Sending { .. } | S::Sent { .. } | S::Cancelled { .. } | S::Skipped { .. }
            ),
            Op::PostNow => matches!(
                self.state,
                S::Scheduled { .. }
                    | S::RetryWaiting { .. }
                    | S::Skipped { .. }
                    | S::NeedsConfirmation {
                        reason: ConfirmReason::Late,
                        ..
                    }
            ),
            Op::Retry => matches!(self.state, S::Failed { .. }),
            Op::Resolve => matches!(self.state, S::NeedsConfirmation { .. }),
            Op::Remove => self.is_finished(),
            Op::Begin => self.state.wake_at().is_some(),
            Op::Complete => matches!(self.state, S::Sending { .. }),
        };
        if allowed {
            Ok(())
        } else {
            Err(self.illegal(op))
        }
    }

    /// Whether the user's "it is on X" must come with the post's link or id: a middle step
    /// of a thread, which the next step replies to.
    #[must_use]
    pub fn post_ref_required(&self) -> bool {
        matches!(self.state, State::NeedsConfirmation { reason, .. } if reason.post_id_required())
    }

    /// What the user may do with the item now, in the order of [`Op::USER`]: the operations
    /// [`Item::check`] accepts.
    pub fn allowed_ops(&self) -> Vec<Op> {
        Op::USER
            .iter()
            .copied()
            .filter(|op| self.check(*op).is_ok())
            .collect()
    }

    /// The answers [`Queue::resolve`] accepts now (none unless it needs confirmation).
    pub fn resolutions(&self) -> &'static [ResolutionKind] {
        match self.state {
            State::NeedsConfirmation { reason, .. } => reason.resolutions(),
            _ => &[],
        }
    }

    /// How many leading posts [`Queue::edit`] must find unchanged: those on X, and the next
    /// one while it may be on X.
    pub fn fixed_steps(&self) -> usize {
        self.step() + usize::from(self.doubt_since_ms.is_some())
    }

    /// Whether the next step is in doubt and a resend can no longer count on X refusing it.
    pub(super) fn doubt_unresolvable(&self, now_ms: u64) -> bool {
        let Some(since) = self.doubt_since_ms else {
            return false;
        };
        let text_only = self
            .posts
            .get(self.step())
            .is_some_and(|p| p.is_text_only());
        !text_only || now_ms >= since.saturating_add(DUPLICATE_GUARD_MS)
    }

    pub(super) fn confirm(&mut self, reason: ConfirmReason, now_ms: u64) {
        self.state = State::NeedsConfirmation {
            reason,
            since_ms: now_ms,
        };
    }

    /// Records the next step as posted and moves on to the following one, if any.
    pub(super) fn mark_posted(
        &mut self,
        id: Option<String>,
        at_ms: u64,
        via: PostedVia,
        now_ms: u64,
    ) {
        self.log(now_ms, posted_code(via));
        let id = id.filter(|id| !id.is_empty());
        let known = id.is_some();
        self.posted.push(PostedStep { id, at_ms, via });
        self.attempts = 0;
        self.doubt_since_ms = None;
        if self.posted.len() >= self.posts.len() {
            self.state = State::Sent { at_ms: now_ms };
        } else if known {
            self.state = State::Scheduled { at_ms: now_ms };
        } else {
            self.confirm(ConfirmReason::ReplyTargetUnknown, now_ms);
        }
    }

    /// After a failed attempt: wait until `until_ms`, or give up after [`MAX_ATTEMPTS`], or
    /// hand over to the user when the wait would outlast the duplicate guard.
    pub(super) fn retry_later(&mut self, code: &str, until_ms: u64, now_ms: u64) {
        self.attempts = self.attempts.saturating_add(1);
        if self.doubt_unresolvable(until_ms) {
            self.confirm(ConfirmReason::UnknownOutcome, now_ms);
        } else if self.attempts >= MAX_ATTEMPTS {
            self.state = State::Failed {
                code: code.to_owned(),
                retryable: true,
                at_ms: now_ms,
            };
        } else {
            self.state = State::RetryWaiting {
                until_ms,
                code: code.to_owned(),
            };
        }
    }

    pub(super) fn fail(&mut self, code: &str, now_ms: u64) {
        self.state = State::Failed {
            code: code.to_owned(),
            retryable: false,
            at_ms: now_ms,
        };
    }

    pub(super) fn send_step(&self) -> Result<SendStep, ScheduleError> {
        let step = self.step();
        let post = self
            .posts
            .get(step)
            .ok_or_else(|| corrupt(self.id, "no step left"))?;
        let in_reply_to = match step.checked_sub(1) {
            None => None,
            Some(previous) => Some(self.posted.get(previous).and_then(|p| p.id.clone()).ok_or(
                ScheduleError::NeedsConfirmation {
                    id: self.id,
                    reason: ConfirmReason::ReplyTargetUnknown,
                },
            )?),
        };
        Ok(SendStep {
            item_id: self.id,
            account_id: self.account_id.clone(),
            step,
            steps: self.posts.len(),
            text: post.text.clone(),
            media: post.media.clone(),
            in_reply_to,
        })
    }
}

pub(super) fn posted_code(via: PostedVia) -> &'static str {
    match via {
        PostedVia::Response => "posted",
        PostedVia::Duplicate => "posted_duplicate",
        PostedVia::User => "posted_confirmed",
    }
}

pub(super) fn corrupt(id: ItemId, what: &str) -> ScheduleError {
    ScheduleError::Corrupt {
        detail: format!("item {id}: {what}"),
    }
}

/// What to send for one step: the answer of [`Queue::begin`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendStep {
    /// The item.
    pub item_id: ItemId,
    /// The account that posts.
    pub account_id: String,
    /// The step's index in the thread.
    pub step: usize,
    /// How many steps the thread has.
    pub steps: usize,
    /// The text to post.
    pub text: String,
    /// The media to attach (upload them first).
    pub media: Vec<MediaRef>,
    /// The previous step's id, for every step but the first.
    pub in_reply_to: Option<String>,
}
