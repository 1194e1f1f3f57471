//! The post schedule: a sans-IO state machine over a queue of planned posts.
//!
//! The wasm layer keeps the [`Queue`] as JSON in `chrome.storage.local`, calls these methods
//! with the current time (Unix milliseconds) and a random jitter in `0..=1`, and performs the
//! HTTP requests itself. What it does with them is decided here:
//!
//! - what goes out: the first item of [`Queue::sendable`], one at a time. Its step comes from
//!   [`Queue::next_step`], its media are uploaded, and [`Queue::begin_prepared`] starts it only
//!   if the queue still holds exactly that step;
//! - what became of it: [`Outcome::of_response`] for X's answer, [`Outcome::of_send_failure`]
//!   when there was none, [`Outcome::before_request`] when the post request was never made;
//!   [`Queue::complete`] records it;
//! - when to wake up: the one alarm is set at [`Queue::next_wake`] after every run and change;
//! - whether a new post crowds X's 24-hour limit: [`Queue::busiest_window`].
//!
//! Nothing here reads a clock, draws a random number or does I/O.
//!
//! # Life of an item
//!
//! ```text
//! add ─> Scheduled ─begin─> Sending ─Posted (last step)─> Sent
//!          ^   ^              │ Posted (more steps) ──────> Scheduled (next step, at once)
//!          │   └─ unlocked ─┐ ├ Transient/Unknown/429 ────> RetryWaiting ─(time)─> begin
//!          │   NeedsUnlock <┘ ├ Locked ──────────────────> NeedsUnlock
//!          │                  ├ Permanent/Duplicate ─────> Failed ─retry─> Scheduled
//!          │                  └ Unknown (media), guard over > NeedsConfirmation ─resolve─> …
//!          └─────── cancel from every state but Sending and Sent ──────> Cancelled
//! ```
//!
//! # Never twice, never lost
//!
//! The caller persists the queue after [`Queue::begin`] and before the request, so a worker
//! stopped mid-request leaves the item in `Sending`. At the next worker start
//! [`Queue::recover`] treats it as an unknown outcome: the post may or may not be on X.
//!
//! - A text-only step is resent. X refuses the same text from the same account for a while
//!   ("duplicate content"), so if the first request did get through, the resend is refused
//!   and that `Duplicate` answer is recorded as "posted, id unknown" instead of a failure.
//!   X does not document how long that refusal lasts (24 hours is what is reported), so the
//!   schedule trusts it only for [`DUPLICATE_GUARD_MS`] after the first uncertain request;
//!   later the user decides.
//! - A step with media always goes to the user (`NeedsConfirmation { reason: UnknownOutcome }`):
//!   a resend carries new media ids, and whether X's duplicate check still catches it is not
//!   documented (a post may even have no text at all). Uploading media is not posting: the
//!   caller should upload with the step from [`Queue::next_step`] *before* [`Queue::begin`],
//!   so that a stop during a long upload does not leave the step in doubt.
//! - [`Outcome::Unknown`] (timeout or network cut after the request left, or a 5xx answer to
//!   the post request itself) is handled the same way without waiting for a restart.
//! - A thread step whose id is unknown (it was only confirmed by a `Duplicate`) cannot be
//!   replied to: the rest of the thread waits for the user
//!   (`NeedsConfirmation { reason: ReplyTargetUnknown }`), who may give the id or cancel.
//! - No path removes an item except the user's [`Queue::remove`] of a finished one, and every
//!   failure ends in a state the user sees ([`Queue::needs_user_count`]).

mod attempt;
mod daily;
mod error;
pub mod gate;
mod late;
pub mod notice;
mod order;
mod outcome;
mod policy;
mod series;
mod window;

use serde::{Deserialize, Serialize};

use crate::compose::{MAX_ALT_CHARS, MAX_IMAGES};
use crate::x;

pub use attempt::{Answer, PostAttempt, Step};
pub use daily::{DailyLimitNews, OverDailyLimit, daily_limit_news, over_daily_limit};
pub use error::{Op, ScheduleError};
pub use late::{
    LateDecision, LateEntry, LatePolicy, LateReport, Lateness, MAX_SKIP_AFTER_MINUTES, decide,
    late_by,
};
pub use outcome::Outcome;
pub use policy::{
    BACKOFF_BASE_MS, BACKOFF_CAP_MS, DEFAULT_RATE_LIMIT_WAIT_MS, MAX_ATTEMPTS,
    MAX_RATE_LIMIT_WAIT_MS, RESET_SLACK_MS, backoff_ms, daily_reset_s, rate_limit_until,
};
pub use series::{
    Occurrence, RuleWords, Series, SeriesId, SeriesSpec, SeriesState, VariationKind, rule_words,
};

/// One minute in milliseconds.
pub const MINUTE_MS: u64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: u64 = 24 * HOUR_MS;
/// A due time this little in the past is still accepted (the time it took to press the button).
pub const SCHEDULE_GRACE_MS: u64 = 30_000;
/// The furthest ahead a post can be planned.
pub const MAX_AHEAD_MS: u64 = 365 * DAY_MS;
/// An item that should have gone out longer ago than this when the worker starts is late.
/// Two minutes rather than less: `chrome.alarms` fire at most once per 30 s and may slip.
pub const LATE_THRESHOLD_MS: u64 = 2 * MINUTE_MS;
/// How long after an unanswered request a resend of the same text is trusted to be refused
/// by X as a duplicate (half the 24 hours that are reported, which X does not document).
pub const DUPLICATE_GUARD_MS: u64 = 12 * HOUR_MS;
/// Each item keeps at most this many history entries (the oldest are dropped).
pub const MAX_HISTORY: usize = 64;

/// An item's id, given by the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub u64);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An image kept in the extension's local storage until it is uploaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRef {
    /// The key of the bytes in local storage.
    pub local_id: String,
    /// The alt text, empty for none.
    #[serde(default)]
    pub alt_text: String,
}

/// One post; a thread is several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPost {
    /// The post's text (may be empty when media are attached).
    pub text: String,
    /// Attached media, at most [`MAX_IMAGES`](crate::compose::MAX_IMAGES).
    #[serde(default)]
    pub media: Vec<MediaRef>,
}

impl PlannedPost {
    /// A post with text only.
    pub fn text(text: impl Into<String>) -> Self {
        PlannedPost {
            text: text.into(),
            media: Vec::new(),
        }
    }

    /// Whether a resend is the same request, which X refuses as duplicate content.
    pub fn is_text_only(&self) -> bool {
        self.media.is_empty()
    }
}

/// What the user asks to schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The account (as the accounts module names it) that posts.
    pub account_id: String,
    /// The posts, in thread order.
    pub posts: Vec<PlannedPost>,
    /// When to post, Unix milliseconds.
    pub due_at_ms: u64,
}

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

/// One entry of an item's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at_ms: u64,
    /// The step (index in the thread) it concerns.
    pub step: usize,
    /// What happened, as a stable code (`posted`, `rate_limited`, a transient or permanent
    /// error code, `unknown_outcome`, `late`, `vault_locked`, ...).
    pub outcome: String,
}

/// What the user must decide about an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmReason {
    /// A request for the next step got no answer and the schedule cannot safely resend it.
    UnknownOutcome,
    /// It should have gone out a while ago (the browser was closed) and the user asked to be
    /// asked before late posts go out.
    Late,
    /// The previous step of the thread is on X but its id is unknown, so the next step has
    /// nothing to reply to.
    ReplyTargetUnknown,
}

impl ConfirmReason {
    /// A stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmReason::UnknownOutcome => "unknown_outcome",
            ConfirmReason::Late => "late",
            ConfirmReason::ReplyTargetUnknown => "reply_target_unknown",
        }
    }

    /// The answers that settle this question (what [`Queue::resolve`] accepts).
    pub fn resolutions(self) -> &'static [ResolutionKind] {
        match self {
            ConfirmReason::UnknownOutcome => &[ResolutionKind::Posted, ResolutionKind::Send],
            ConfirmReason::Late => &[ResolutionKind::Send],
            ConfirmReason::ReplyTargetUnknown => &[ResolutionKind::Posted],
        }
    }

    /// Whether a `Posted` answer must carry the post's id (the rest of the thread replies to
    /// it); otherwise [`Queue::resolve`] refuses it with [`ScheduleError::PostIdRequired`].
    pub fn post_id_required(self) -> bool {
        matches!(self, ConfirmReason::ReplyTargetUnknown)
    }
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
    pub history: Vec<HistoryEntry>,
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

    fn step(&self) -> usize {
        self.posted.len()
    }

    fn log(&mut self, at_ms: u64, outcome: &str) {
        if self.history.len() >= MAX_HISTORY {
            let excess = self.history.len() + 1 - MAX_HISTORY;
            self.history.drain(..excess);
        }
        self.history.push(HistoryEntry {
            at_ms,
            step: self.step(),
            outcome: outcome.to_owned(),
        });
    }

    fn illegal(&self, op: Op) -> ScheduleError {
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
    fn doubt_unresolvable(&self, now_ms: u64) -> bool {
        let Some(since) = self.doubt_since_ms else {
            return false;
        };
        let text_only = self
            .posts
            .get(self.step())
            .is_some_and(|p| p.is_text_only());
        !text_only || now_ms >= since.saturating_add(DUPLICATE_GUARD_MS)
    }

    fn confirm(&mut self, reason: ConfirmReason, now_ms: u64) {
        self.state = State::NeedsConfirmation {
            reason,
            since_ms: now_ms,
        };
    }

    /// Records the next step as posted and moves on to the following one, if any.
    fn mark_posted(&mut self, id: Option<String>, at_ms: u64, via: PostedVia, now_ms: u64) {
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
    fn retry_later(&mut self, code: &str, until_ms: u64, now_ms: u64) {
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

    fn fail(&mut self, code: &str, now_ms: u64) {
        self.state = State::Failed {
            code: code.to_owned(),
            retryable: false,
            at_ms: now_ms,
        };
    }

    fn send_step(&self) -> Result<SendStep, ScheduleError> {
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

fn posted_code(via: PostedVia) -> &'static str {
    match via {
        PostedVia::Response => "posted",
        PostedVia::Duplicate => "posted_duplicate",
        PostedVia::User => "posted_confirmed",
    }
}

fn corrupt(id: ItemId, what: &str) -> ScheduleError {
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

/// The user's answer to a `NeedsConfirmation` item (see [`Queue::resolve`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// `UnknownOutcome`: the step is on X (with its id if the user has it).
    /// `ReplyTargetUnknown`: here is the previous step's id (required).
    Posted {
        /// X's id of the post.
        post_id: Option<String>,
    },
    /// `UnknownOutcome`: it is not on X (or the user accepts the risk): send it now.
    /// `Late`: send it now.
    Send,
}

impl Resolution {
    /// The answer's kind.
    pub fn kind(&self) -> ResolutionKind {
        match self {
            Resolution::Posted { .. } => ResolutionKind::Posted,
            Resolution::Send => ResolutionKind::Send,
        }
    }
}

/// A [`Resolution`] without its data: what the queue page may offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResolutionKind {
    /// [`Resolution::Posted`]
    Posted,
    /// [`Resolution::Send`]
    Send,
}

impl ResolutionKind {
    /// The snake_case name (the same as the `kind` tag of [`Resolution`]).
    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionKind::Posted => "posted",
            ResolutionKind::Send => "send",
        }
    }
}

/// The user's answer as the queue page sends it: [`Resolution`], with the post given as
/// `post_ref` (an id or a link to the post, as pasted) or, from older pages, `post_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResolutionInput {
    /// See [`Resolution::Posted`].
    Posted {
        /// The post as pasted: its id or its link on x.com or twitter.com.
        #[serde(default)]
        post_ref: Option<String>,
        /// The same, from pages older than `post_ref`.
        #[serde(default)]
        post_id: Option<String>,
    },
    /// See [`Resolution::Send`].
    Send,
}

impl ResolutionInput {
    /// The answer with the post's id parsed by [`x::post_id_from_ref`]. Blank means no id;
    /// anything else that is neither an id nor a link to a post is
    /// [`ScheduleError::PostRefInvalid`].
    pub fn parse(self) -> Result<Resolution, ScheduleError> {
        match self {
            ResolutionInput::Send => Ok(Resolution::Send),
            ResolutionInput::Posted { post_ref, post_id } => {
                let given = [post_ref, post_id]
                    .into_iter()
                    .flatten()
                    .find(|r| !r.trim().is_empty());
                let post_id = match given {
                    Some(text) => {
                        Some(x::post_id_from_ref(&text).ok_or(ScheduleError::PostRefInvalid)?)
                    }
                    None => None,
                };
                Ok(Resolution::Posted { post_id })
            }
        }
    }
}

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

/// Sent and cancelled items the queue keeps for its "past" view (see [`Queue::prune_past`]).
pub const MAX_PAST_ITEMS: usize = 500;

/// The whole schedule, persisted as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    items: Vec<Item>,
    #[serde(default)]
    next_id: u64,
    /// Recurring series ([`Series`]): each holds at most one item in `items`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    series: Vec<Series>,
    #[serde(default, skip_serializing_if = "is_zero")]
    next_series_id: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn validate_posts(posts: &[PlannedPost]) -> Result<(), ScheduleError> {
    if posts.is_empty() {
        return Err(ScheduleError::NoPosts);
    }
    for (step, post) in posts.iter().enumerate() {
        if post.text.trim().is_empty() && post.media.is_empty() {
            return Err(ScheduleError::EmptyPost { step });
        }
        if post.media.len() > MAX_IMAGES {
            return Err(ScheduleError::TooManyMedia {
                step,
                count: post.media.len(),
            });
        }
        if post
            .media
            .iter()
            .any(|m| m.alt_text.chars().count() > MAX_ALT_CHARS)
        {
            return Err(ScheduleError::AltTextTooLong { step });
        }
    }
    Ok(())
}

/// The due-time check of [`Queue::add`]: not more than [`SCHEDULE_GRACE_MS`] in the past, not
/// more than [`MAX_AHEAD_MS`] ahead (the CSV import checks its rows with it).
pub fn validate_due(due_at_ms: u64, now_ms: u64) -> Result<(), ScheduleError> {
    if due_at_ms.saturating_add(SCHEDULE_GRACE_MS) < now_ms {
        return Err(ScheduleError::InPast { due_at_ms, now_ms });
    }
    let max_ms = now_ms.saturating_add(MAX_AHEAD_MS);
    if due_at_ms > max_ms {
        return Err(ScheduleError::TooFar { due_at_ms, max_ms });
    }
    Ok(())
}

impl Queue {
    /// An empty queue.
    pub fn new() -> Self {
        Queue::default()
    }

    /// Reads a stored queue and checks its invariants.
    pub fn from_json(json: &str) -> Result<Self, ScheduleError> {
        let queue: UncheckedQueue =
            serde_json::from_str(json).map_err(|e| ScheduleError::Corrupt {
                detail: e.to_string(),
            })?;
        queue.checked()
    }

    /// Checks a queue just read and brings its next ids past every id it holds.
    fn after_read(mut queue: Queue) -> Result<Self, ScheduleError> {
        queue.check()?;
        let max_id = queue.items.iter().map(|i| i.id.0).max();
        if let Some(max_id) = max_id {
            queue.next_id = queue.next_id.max(max_id.saturating_add(1));
        }
        if let Some(max_id) = queue.series.iter().map(|s| s.id.0).max() {
            queue.next_series_id = queue.next_series_id.max(max_id.saturating_add(1));
        }
        Ok(queue)
    }

    /// The queue as JSON, for storage.
    pub fn to_json(&self) -> Result<String, ScheduleError> {
        serde_json::to_string(self).map_err(|e| ScheduleError::Corrupt {
            detail: e.to_string(),
        })
    }

    fn check(&self) -> Result<(), ScheduleError> {
        let mut ids: Vec<ItemId> = self.items.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w.first() == w.get(1)) {
            let id = pair.first().copied().unwrap_or(ItemId(0));
            return Err(corrupt(id, "id used twice"));
        }
        for item in &self.items {
            if item.posts.is_empty() {
                return Err(corrupt(item.id, "no posts"));
            }
            let step = item.step();
            let ok = match &item.state {
                State::Sent { .. } => step == item.posts.len(),
                State::Sending { step: s, .. } => *s == step && step < item.posts.len(),
                _ => step < item.posts.len(),
            };
            if !ok {
                return Err(corrupt(item.id, "posted steps do not match its state"));
            }
        }
        Ok(())
    }

    /// Every item, for the at-rest sealing of their contents ([`crate::sealed`]), which changes
    /// only texts and alt texts.
    pub(crate) fn items_mut(&mut self) -> &mut [Item] {
        &mut self.items
    }

    /// Every item, in insertion order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The account's next free posting slot (`schedule_add_to_queue`): the first slot time
    /// that no waiting (unfinished) item of this account is due at ([`crate::slots::next_free`]).
    ///
    /// # Errors
    /// The slots' refusal (none set, none free within the search).
    pub fn next_free_slot(
        &self,
        account_id: &str,
        slots: &[crate::slots::Slot],
        now_ms: u64,
        zone: &impl crate::civil::Zone,
    ) -> Result<u64, crate::slots::SlotError> {
        let taken: Vec<i64> = self
            .items
            .iter()
            .filter(|i| !i.is_finished() && i.account_id == account_id)
            .map(|i| i64::try_from(i.due_at_ms).unwrap_or(i64::MAX))
            .collect();
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let at = crate::slots::next_free(slots, &taken, now, zone)?;
        Ok(u64::try_from(at).unwrap_or_default())
    }

    /// The item with this id.
    pub fn get(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    fn item_mut(&mut self, id: ItemId) -> Result<&mut Item, ScheduleError> {
        self.items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or(ScheduleError::NotFound { id })
    }

    /// Plans a post or thread. Refuses a due time more than [`SCHEDULE_GRACE_MS`] in the past
    /// or more than [`MAX_AHEAD_MS`] ahead, and empty posts.
    pub fn add(&mut self, draft: Draft, now_ms: u64) -> Result<ItemId, ScheduleError> {
        if draft.account_id.trim().is_empty() {
            return Err(ScheduleError::NoAccount);
        }
        validate_posts(&draft.posts)?;
        validate_due(draft.due_at_ms, now_ms)?;
        let id = ItemId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        self.items.push(Item {
            id,
            account_id: draft.account_id,
            posts: draft.posts,
            due_at_ms: draft.due_at_ms,
            created_at_ms: now_ms,
            state: State::Scheduled {
                at_ms: draft.due_at_ms,
            },
            attempts: 0,
            posted: Vec::new(),
            doubt_since_ms: None,
            late: false,
            late_policy: None,
            late_accepted: false,
            history: Vec::new(),
            series: None,
        });
        Ok(id)
    }

    /// Replaces the posts of an item that is waiting, needs the user, or failed (not while it is
    /// being sent, once sent, or cancelled). Steps already on X must stay as they are, and so
    /// must a step that may be on X.
    pub fn edit(&mut self, id: ItemId, posts: Vec<PlannedPost>) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Edit)?;
        validate_posts(&posts)?;
        let fixed = item.fixed_steps();
        for step in 0..fixed {
            if posts.get(step) != item.posts.get(step) {
                return Err(if step < item.step() {
                    ScheduleError::PostedStepChanged { step }
                } else {
                    ScheduleError::OutcomeUnknown { id }
                });
            }
        }
        if posts.len() <= item.step() {
            return Err(ScheduleError::NoPosts);
        }
        item.posts = posts;
        Ok(())
    }

    /// Moves an item to a new due time (same limits as [`Queue::add`]). Allowed while it
    /// waits, needs unlocking, is late or failed; not while its next step may be on X.
    pub fn reschedule(
        &mut self,
        id: ItemId,
        due_at_ms: u64,
        now_ms: u64,
    ) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Reschedule)?;
        validate_due(due_at_ms, now_ms)?;
        item.due_at_ms = due_at_ms;
        item.attempts = 0;
        item.late = false;
        item.late_accepted = false;
        item.state = State::Scheduled { at_ms: due_at_ms };
        Ok(())
    }

    /// Cancels an item that is not being sent and not finished (a late one held to ask first
    /// is skipped instead: its state says it was too late, not withdrawn). Steps already on X
    /// stay recorded.
    pub fn cancel(&mut self, id: ItemId, now_ms: u64) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Cancel)?;
        // A late post held to ask first, and not wanted: skipped, as its policy would have.
        let late_held = matches!(
            item.state,
            State::NeedsConfirmation {
                reason: ConfirmReason::Late,
                ..
            }
        );
        if late_held {
            item.log(now_ms, "skipped");
            item.state = State::Skipped { at_ms: now_ms };
        } else {
            item.log(now_ms, "cancelled");
            item.state = State::Cancelled { at_ms: now_ms };
        }
        Ok(())
    }

    /// Makes a waiting (or held late, or skipped) item due at once, however late it is.
    pub fn post_now(&mut self, id: ItemId, now_ms: u64) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::PostNow)?;
        item.late_accepted = true;
        item.state = State::Scheduled { at_ms: now_ms };
        Ok(())
    }

    /// Tries a failed item again at once, with a fresh count of attempts.
    pub fn retry(&mut self, id: ItemId, now_ms: u64) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Retry)?;
        item.attempts = 0;
        item.state = State::Scheduled { at_ms: now_ms };
        Ok(())
    }

    /// Applies the user's answer to a `NeedsConfirmation` item. (To give up instead, use
    /// [`Queue::cancel`].)
    ///
    /// - `UnknownOutcome` + `Posted`: the step counts as posted; when more steps follow and no
    ///   id is given, the item then waits for it (`ReplyTargetUnknown`).
    /// - `UnknownOutcome` + `Send`: sent again at once. A text-only step still within
    ///   [`DUPLICATE_GUARD_MS`] keeps its protection (a duplicate answer counts as posted).
    /// - `Late` + `Send`: sent at once.
    /// - `ReplyTargetUnknown` + `Posted { post_id: Some }`: the previous step's id; the thread
    ///   goes on at once.
    pub fn resolve(
        &mut self,
        id: ItemId,
        resolution: Resolution,
        now_ms: u64,
    ) -> Result<(), ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Resolve)?;
        let State::NeedsConfirmation { reason, .. } = item.state else {
            return Err(item.illegal(Op::Resolve));
        };
        if !reason.resolutions().contains(&resolution.kind()) {
            return Err(ScheduleError::InvalidResolution { reason });
        }
        match (reason, resolution) {
            (ConfirmReason::UnknownOutcome, Resolution::Posted { post_id }) => {
                let at_ms = item.doubt_since_ms.unwrap_or(now_ms);
                item.mark_posted(post_id, at_ms, PostedVia::User, now_ms);
            }
            (ConfirmReason::UnknownOutcome, Resolution::Send) => {
                if item.doubt_unresolvable(now_ms) {
                    item.doubt_since_ms = None;
                }
                item.attempts = 0;
                item.log(now_ms, "resend_confirmed");
                item.state = State::Scheduled { at_ms: now_ms };
            }
            (ConfirmReason::Late, Resolution::Send) => {
                item.late_accepted = true;
                item.state = State::Scheduled { at_ms: now_ms };
            }
            (ConfirmReason::ReplyTargetUnknown, Resolution::Posted { post_id }) => {
                let post_id = post_id
                    .filter(|p| !p.is_empty())
                    .ok_or(ScheduleError::PostIdRequired)?;
                let previous = item
                    .posted
                    .last_mut()
                    .ok_or_else(|| corrupt(id, "no previous step"))?;
                previous.id = Some(post_id);
                item.state = State::Scheduled { at_ms: now_ms };
            }
            (reason, _) => return Err(ScheduleError::InvalidResolution { reason }),
        }
        Ok(())
    }

    /// Deletes a finished (`Sent`, `Failed` or `Cancelled`) item from the history.
    pub fn remove(&mut self, id: ItemId) -> Result<Item, ScheduleError> {
        let index = self
            .items
            .iter()
            .position(|i| i.id == id)
            .ok_or(ScheduleError::NotFound { id })?;
        if let Some(item) = self.items.get(index) {
            item.check(Op::Remove)?;
        }
        Ok(self.items.remove(index))
    }

    /// The next step of an item, without changing anything: what [`Queue::begin`] will hand
    /// out. Lets the caller upload media before the post is begun.
    pub fn next_step(&self, id: ItemId) -> Result<SendStep, ScheduleError> {
        let item = self.get(id).ok_or(ScheduleError::NotFound { id })?;
        if item.is_finished() || matches!(item.state, State::Sending { .. }) {
            return Err(item.illegal(Op::Begin));
        }
        item.send_step()
    }

    /// Starts sending the next step of a due item: moves it to `Sending` and says what to
    /// send. The caller must persist the queue before making the request.
    ///
    /// When the step may already be on X and a resend is no longer safe, or a thread step has
    /// no id to reply to, the item moves to `NeedsConfirmation` instead and the answer is
    /// [`ScheduleError::NeedsConfirmation`].
    pub fn begin(&mut self, id: ItemId, now_ms: u64) -> Result<SendStep, ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Begin)?;
        let Some(wake) = item.state.wake_at() else {
            return Err(item.illegal(Op::Begin));
        };
        if wake > now_ms {
            return Err(ScheduleError::NotDue { id, at_ms: wake });
        }
        if item.doubt_unresolvable(now_ms) {
            item.confirm(ConfirmReason::UnknownOutcome, now_ms);
            return Err(ScheduleError::NeedsConfirmation {
                id,
                reason: ConfirmReason::UnknownOutcome,
            });
        }
        let step = match item.send_step() {
            Ok(step) => step,
            Err(ScheduleError::NeedsConfirmation { reason, .. }) => {
                item.confirm(reason, now_ms);
                return Err(ScheduleError::NeedsConfirmation { id, reason });
            }
            Err(other) => return Err(other),
        };
        item.state = State::Sending {
            since_ms: now_ms,
            step: step.step,
        };
        Ok(step)
    }

    /// [`Queue::begin`] for a step the caller prepared (uploaded its media) from an earlier
    /// [`Queue::next_step`]: refused with [`ScheduleError::StepChanged`], changing nothing,
    /// when the item's next step is no longer exactly `prepared` (it was edited meanwhile), so
    /// X never receives content the user already changed.
    pub fn begin_prepared(
        &mut self,
        prepared: &SendStep,
        now_ms: u64,
    ) -> Result<SendStep, ScheduleError> {
        let id = prepared.item_id;
        let item = self.get(id).ok_or(ScheduleError::NotFound { id })?;
        if let Ok(current) = item.send_step()
            && current != *prepared
        {
            return Err(ScheduleError::StepChanged { id });
        }
        self.begin(id, now_ms)
    }

    /// Records what became of the request begun for an item, and returns its new state.
    /// `jitter` is a random number in `0..=1` that spreads retries.
    pub fn complete(
        &mut self,
        id: ItemId,
        outcome: Outcome,
        now_ms: u64,
        jitter: f64,
    ) -> Result<State, ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Complete)?;
        let State::Sending { since_ms, step } = item.state else {
            return Err(item.illegal(Op::Complete));
        };
        let text_only = match item.posts.get(step) {
            Some(post) if step == item.step() => post.is_text_only(),
            _ => return Err(corrupt(id, "the step being sent does not match")),
        };
        match outcome {
            Outcome::Posted { id: post_id } => {
                item.mark_posted(Some(post_id), now_ms, PostedVia::Response, now_ms);
            }
            Outcome::Duplicate if text_only && item.doubt_since_ms.is_some() => {
                let at_ms = item.doubt_since_ms.unwrap_or(since_ms);
                item.mark_posted(None, at_ms, PostedVia::Duplicate, now_ms);
            }
            Outcome::Duplicate => {
                item.log(now_ms, "duplicate_content");
                item.fail("duplicate_content", now_ms);
            }
            Outcome::RateLimited {
                reset_at_s,
                user_24h_remaining,
                user_24h_reset_s,
                app_24h_remaining,
                app_24h_reset_s,
            } => {
                item.log(now_ms, "rate_limited");
                let attempt = item.attempts.saturating_add(1);
                let daily = daily_reset_s(
                    user_24h_remaining,
                    user_24h_reset_s,
                    app_24h_remaining,
                    app_24h_reset_s,
                );
                let until = rate_limit_until(now_ms, reset_at_s, daily, attempt, jitter);
                item.retry_later("rate_limited", until, now_ms);
            }
            Outcome::Transient { code } => {
                item.log(now_ms, &code);
                let until =
                    now_ms.saturating_add(backoff_ms(item.attempts.saturating_add(1), jitter));
                item.retry_later(&code, until, now_ms);
            }
            Outcome::Unknown { code } => {
                item.log(now_ms, &code);
                item.doubt_since_ms.get_or_insert(since_ms);
                let until =
                    now_ms.saturating_add(backoff_ms(item.attempts.saturating_add(1), jitter));
                item.retry_later(&code, until, now_ms);
            }
            Outcome::Permanent { code } => {
                item.log(now_ms, &code);
                item.fail(&code, now_ms);
            }
            Outcome::Locked => {
                item.log(now_ms, "vault_locked");
                item.state = State::NeedsUnlock { since_ms: now_ms };
            }
        }
        Ok(item.state.clone())
    }

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

    /// How many items need the user (to unlock, to decide, or failed): the badge number.
    pub fn needs_user_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| {
                matches!(
                    i.state,
                    State::NeedsUnlock { .. }
                        | State::NeedsConfirmation { .. }
                        | State::Failed { .. }
                )
            })
            .count()
    }

    /// Items still to go (everything not finished), the soonest first.
    pub fn upcoming(&self) -> Vec<&Item> {
        let mut items: Vec<&Item> = self.items.iter().filter(|i| !i.is_finished()).collect();
        items.sort_by_key(|i| {
            (
                i.state.wake_at().unwrap_or(i.due_at_ms),
                i.created_at_ms,
                i.id,
            )
        });
        items
    }

    /// Drops the oldest `Sent` and `Cancelled` items beyond the `keep` most recent, so the stored
    /// queue stays bounded (a full storage would pause the schedule). `Failed` items stay: they
    /// wait for the user's retry or removal. Returns what was dropped.
    pub fn prune_past(&mut self, keep: usize) -> Vec<Item> {
        let mut done: Vec<(u64, ItemId)> = self
            .items
            .iter()
            .filter(|i| {
                matches!(
                    i.state,
                    State::Sent { .. } | State::Cancelled { .. } | State::Skipped { .. }
                )
            })
            .map(|i| (i.state.finished_at().unwrap_or(0), i.id))
            .collect();
        let Some(excess) = done.len().checked_sub(keep).filter(|n| *n > 0) else {
            return Vec::new();
        };
        done.sort_unstable();
        let dropped: std::collections::HashSet<ItemId> =
            done.iter().take(excess).map(|(_, id)| *id).collect();
        let (gone, kept) = std::mem::take(&mut self.items)
            .into_iter()
            .partition(|i| dropped.contains(&i.id));
        self.items = kept;
        gone
    }

    /// Finished items (`Sent`, `Failed`, `Cancelled`), the most recent first.
    pub fn past(&self) -> Vec<&Item> {
        let mut items: Vec<&Item> = self.items.iter().filter(|i| i.is_finished()).collect();
        items.sort_by_key(|i| std::cmp::Reverse((i.state.finished_at(), i.id)));
        items
    }
}

/// A queue as read from storage, not yet checked: [`UncheckedQueue::checked`] makes it a
/// [`Queue`] (ids unique, next ids past them), as [`Queue::from_json`] does.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct UncheckedQueue(Queue);

impl UncheckedQueue {
    /// The checked queue.
    ///
    /// # Errors
    /// [`ScheduleError::Corrupt`] when ids repeat.
    pub fn checked(self) -> Result<Queue, ScheduleError> {
        Queue::after_read(self.0)
    }
}
