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
mod item;
mod late;
pub mod notice;
mod order;
mod outcome;
mod policy;
mod recover;
mod resolve;
pub mod run;
mod send;
mod series;
mod window;

use serde::{Deserialize, Serialize};

use crate::compose::{MAX_ALT_CHARS, MAX_IMAGES, PostInput};
use crate::x;

pub use attempt::{Answer, PostAttempt, Step};
pub use daily::{DailyLimitNews, OverDailyLimit, daily_limit_news, over_daily_limit};
pub use error::{Op, ScheduleError};
pub use item::*;
pub use late::{
    LateDecision, LateEntry, LatePolicy, LateReport, Lateness, MAX_SKIP_AFTER_MINUTES, decide,
    late_by,
};
pub use outcome::Outcome;
pub use policy::{
    BACKOFF_BASE_MS, BACKOFF_CAP_MS, DEFAULT_RATE_LIMIT_WAIT_MS, MAX_ATTEMPTS,
    MAX_RATE_LIMIT_WAIT_MS, RESET_SLACK_MS, backoff_ms, daily_reset_s, rate_limit_until,
};
pub use recover::Recovery;
pub use resolve::*;
pub use run::{Run, UploadFailed};
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

/// A post as a page sends it, as the queue keeps it: the images by their key in the media store.
impl From<PostInput> for PlannedPost {
    fn from(post: PostInput) -> Self {
        PlannedPost {
            text: post.text,
            media: post
                .media
                .into_iter()
                .map(|m| MediaRef {
                    local_id: m.media_id,
                    alt_text: m.alt,
                })
                .collect(),
        }
    }
}

/// What the user asks to schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    /// The account (as the accounts module names it) that posts.
    pub account_id: String,
    /// The posts, in thread order.
    pub posts: Vec<PlannedPost>,
    /// When to post, Unix milliseconds.
    pub due_at_ms: u64,
}

/// Sent and cancelled items the queue keeps for its "past" view (see [`Queue::prune_past`]).
pub const MAX_PAST_ITEMS: usize = 500;

/// The most posts (items not finished) the queue holds: an add or import beyond it is refused
/// with [`ScheduleError::QueueFull`]. At about 500 bytes an item that is 5 MB of
/// `storage.local`, half its 10 MB quota, and the size the benchmarks measure (docs/PERFORMANCE.md).
pub const MAX_WAITING_ITEMS: usize = 10_000;

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
    /// How many items are not finished (waiting, sending, or waiting for the user).
    #[must_use]
    pub fn waiting_count(&self) -> usize {
        self.items.iter().filter(|i| !i.is_finished()).count()
    }

    /// Room for one more item, or [`ScheduleError::QueueFull`].
    fn check_room(&self) -> Result<(), ScheduleError> {
        if self.waiting_count() >= MAX_WAITING_ITEMS {
            return Err(ScheduleError::QueueFull {
                max: MAX_WAITING_ITEMS,
            });
        }
        Ok(())
    }

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
    pub fn add(&mut self, draft: NewItem, now_ms: u64) -> Result<ItemId, ScheduleError> {
        if draft.account_id.trim().is_empty() {
            return Err(ScheduleError::NoAccount);
        }
        self.check_room()?;
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
