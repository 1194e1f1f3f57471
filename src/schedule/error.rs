//! Why a schedule operation was refused.

use std::fmt;

use super::{ConfirmReason, ItemId, StateKind};

/// The operations that move an item between states (named in [`ScheduleError::IllegalTransition`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// [`Queue::edit`](super::Queue::edit)
    Edit,
    /// [`Queue::reschedule`](super::Queue::reschedule)
    Reschedule,
    /// [`Queue::set_late_policy`](super::Queue::set_late_policy)
    LatePolicy,
    /// [`Queue::cancel`](super::Queue::cancel)
    Cancel,
    /// [`Queue::post_now`](super::Queue::post_now)
    PostNow,
    /// [`Queue::retry`](super::Queue::retry)
    Retry,
    /// [`Queue::resolve`](super::Queue::resolve)
    Resolve,
    /// [`Queue::remove`](super::Queue::remove)
    Remove,
    /// [`Queue::begin`](super::Queue::begin) and [`Queue::next_step`](super::Queue::next_step)
    Begin,
    /// [`Queue::complete`](super::Queue::complete)
    Complete,
}

impl Op {
    /// The operations a user asks for (the queue page's actions), in the order it shows them.
    /// Their names are the suffixes of the schedule messages (`schedule_edit`, ...).
    pub const USER: [Op; 8] = [
        Op::Edit,
        Op::Reschedule,
        Op::LatePolicy,
        Op::PostNow,
        Op::Retry,
        Op::Resolve,
        Op::Cancel,
        Op::Remove,
    ];

    /// The operation's name in snake case.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Edit => "edit",
            Op::Reschedule => "reschedule",
            Op::LatePolicy => "late_policy",
            Op::Cancel => "cancel",
            Op::PostNow => "post_now",
            Op::Retry => "retry",
            Op::Resolve => "resolve",
            Op::Remove => "remove",
            Op::Begin => "begin",
            Op::Complete => "complete",
        }
    }
}

/// Why a schedule operation was refused. Every refusal leaves the queue unchanged, except
/// [`ScheduleError::NeedsConfirmation`] from [`Queue::begin`](super::Queue::begin), which
/// reports that the item was moved to `NeedsConfirmation` instead of being sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleError {
    /// No item has this id.
    NotFound {
        /// The id asked for.
        id: ItemId,
    },
    /// The due time is in the past (beyond the small grace).
    InPast {
        /// The refused due time.
        due_at_ms: u64,
        /// The time of the request.
        now_ms: u64,
    },
    /// The due time is more than a year ahead.
    TooFar {
        /// The refused due time.
        due_at_ms: u64,
        /// The latest time allowed.
        max_ms: u64,
    },
    /// The item has no post at all.
    NoPosts,
    /// A post has neither text nor media.
    EmptyPost {
        /// Index of the post in its thread.
        step: usize,
    },
    /// A post has more media than X accepts.
    TooManyMedia {
        /// Index of the post in its thread.
        step: usize,
        /// How many were attached.
        count: usize,
    },
    /// An alt text is longer than X accepts.
    AltTextTooLong {
        /// Index of the post in its thread.
        step: usize,
    },
    /// The item names no account.
    NoAccount,
    /// The queue holds [`super::MAX_WAITING_ITEMS`] posts not yet finished.
    QueueFull {
        /// That ceiling.
        max: usize,
    },
    /// The operation is not allowed in the item's present state.
    IllegalTransition {
        /// What was asked.
        op: Op,
        /// The state the item is in.
        from: StateKind,
    },
    /// The item is not due yet.
    NotDue {
        /// The item.
        id: ItemId,
        /// When it will be due.
        at_ms: u64,
    },
    /// The item's next post may already be on X (an earlier request got no answer), so it can
    /// be neither changed nor moved until the user settles that.
    OutcomeUnknown {
        /// The item.
        id: ItemId,
    },
    /// An edit would change a post that is already on X.
    PostedStepChanged {
        /// Index of the post in its thread.
        step: usize,
    },
    /// The rest of a thread needs the id of the post it replies to.
    PostIdRequired,
    /// The item needs the user's decision and was moved to `NeedsConfirmation` instead of
    /// being sent.
    NeedsConfirmation {
        /// The item.
        id: ItemId,
        /// What the user must decide.
        reason: ConfirmReason,
    },
    /// The item was changed (edited) after its step was prepared: what was prepared (its
    /// media uploaded) is no longer what the queue holds, so it must be prepared again.
    StepChanged {
        /// The item.
        id: ItemId,
    },
    /// The post given to settle a question is neither a post id nor a link to a post.
    PostRefInvalid,
    /// This answer does not settle this kind of question.
    InvalidResolution {
        /// The question the item waits on.
        reason: ConfirmReason,
    },
    /// "Skip after N minutes late" with N outside 1 to a week.
    LatePolicyInvalid {
        /// The refused number of minutes.
        minutes: u32,
    },
    /// No series has this id.
    SeriesNotFound {
        /// The id asked for.
        id: super::SeriesId,
    },
    /// The series was stopped or has ended: it cannot be edited.
    SeriesNotActive {
        /// The series.
        id: super::SeriesId,
    },
    /// A recurring post with images (each occurrence would need them again after the first
    /// one's were deleted).
    SeriesMedia,
    /// A numbered suffix repeats one post: a thread repeats only as a rotation of its posts.
    SeriesOnePost,
    /// A recurrence rule or text variation that cannot work.
    Recur(crate::recur::RuleError),
    /// The stored queue is not readable or breaks the schedule's invariants.
    Corrupt {
        /// What is wrong.
        detail: String,
    },
}

impl ScheduleError {
    /// A stable code that the UI localises.
    pub fn code(&self) -> &'static str {
        match self {
            ScheduleError::NotFound { .. } => "schedule_not_found",
            ScheduleError::InPast { .. } => "schedule_in_past",
            ScheduleError::TooFar { .. } => "schedule_too_far",
            ScheduleError::NoPosts => "schedule_no_posts",
            ScheduleError::EmptyPost { .. } => "schedule_empty_post",
            ScheduleError::TooManyMedia { .. } => "schedule_too_many_media",
            ScheduleError::AltTextTooLong { .. } => "schedule_alt_text_too_long",
            ScheduleError::NoAccount => "schedule_no_account",
            ScheduleError::QueueFull { .. } => "schedule_queue_full",
            ScheduleError::IllegalTransition { .. } => "schedule_illegal_transition",
            ScheduleError::NotDue { .. } => "schedule_not_due",
            ScheduleError::OutcomeUnknown { .. } => "schedule_outcome_unknown",
            ScheduleError::PostedStepChanged { .. } => "schedule_posted_step_changed",
            ScheduleError::PostIdRequired => "schedule_post_id_required",
            ScheduleError::NeedsConfirmation { .. } => "schedule_needs_confirmation",
            ScheduleError::StepChanged { .. } => "schedule_step_changed",
            ScheduleError::InvalidResolution { .. } => "schedule_invalid_resolution",
            ScheduleError::PostRefInvalid => "post_url_invalid",
            ScheduleError::LatePolicyInvalid { .. } => "schedule_late_policy_invalid",
            ScheduleError::SeriesNotFound { .. } => "series_not_found",
            ScheduleError::SeriesNotActive { .. } => "series_not_active",
            ScheduleError::SeriesMedia => "series_media",
            ScheduleError::SeriesOnePost => "series_one_post",
            ScheduleError::Recur(e) => e.code(),
            ScheduleError::Corrupt { .. } => "schedule_corrupt",
        }
    }

    /// Whether the refusal itself changed the queue, so that the caller must persist it
    /// like a success (only [`ScheduleError::NeedsConfirmation`] does).
    pub fn changes_queue(&self) -> bool {
        matches!(self, ScheduleError::NeedsConfirmation { .. })
    }

    /// Whether the refusal only means "nothing to send for this item now" (it was cancelled,
    /// rescheduled, edited or sent meanwhile), as opposed to a fault that must stop a run.
    pub fn is_not_sendable_now(&self) -> bool {
        matches!(
            self,
            ScheduleError::NotFound { .. }
                | ScheduleError::NotDue { .. }
                | ScheduleError::IllegalTransition { .. }
                | ScheduleError::StepChanged { .. }
        )
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::NotFound { id } => write!(f, "no scheduled item {id}"),
            ScheduleError::InPast { .. } => f.write_str("the time is in the past"),
            ScheduleError::TooFar { .. } => f.write_str("the time is more than a year ahead"),
            ScheduleError::NoPosts => f.write_str("there is nothing to post"),
            ScheduleError::EmptyPost { step } => {
                write!(f, "post {} has neither text nor media", step + 1)
            }
            ScheduleError::TooManyMedia { step, count } => write!(
                f,
                "post {} has {count} media attached; X accepts at most {}",
                step + 1,
                crate::compose::MAX_IMAGES
            ),
            ScheduleError::AltTextTooLong { step } => write!(
                f,
                "an alt text of post {} is longer than {} characters",
                step + 1,
                crate::compose::MAX_ALT_CHARS
            ),
            ScheduleError::NoAccount => f.write_str("no account is chosen"),
            ScheduleError::QueueFull { max } => write!(f, "the queue holds {max} posts already"),
            ScheduleError::IllegalTransition { op, from } => write!(
                f,
                "cannot {} an item that is {}",
                op.as_str(),
                from.as_str()
            ),
            ScheduleError::NotDue { id, at_ms } => write!(f, "item {id} is not due until {at_ms}"),
            ScheduleError::OutcomeUnknown { id } => write!(
                f,
                "item {id} may already be posted; confirm what happened before changing it"
            ),
            ScheduleError::PostedStepChanged { step } => {
                write!(f, "post {} is already on X and cannot change", step + 1)
            }
            ScheduleError::PostIdRequired => {
                f.write_str("the rest of the thread needs the id of the post it replies to")
            }
            ScheduleError::NeedsConfirmation { id, reason } => {
                write!(f, "item {id} needs confirmation ({})", reason.as_str())
            }
            ScheduleError::StepChanged { id } => {
                write!(f, "item {id} was edited while it was being prepared")
            }
            ScheduleError::PostRefInvalid => {
                f.write_str("that is neither a post id nor a link to a post on X")
            }
            ScheduleError::InvalidResolution { reason } => {
                write!(f, "that answer does not settle {}", reason.as_str())
            }
            ScheduleError::LatePolicyInvalid { minutes } => write!(
                f,
                "skip after {minutes} minutes: give 1 to {} minutes",
                super::MAX_SKIP_AFTER_MINUTES
            ),
            ScheduleError::SeriesNotFound { id } => write!(f, "no recurring series {id}"),
            ScheduleError::SeriesNotActive { id } => {
                write!(f, "recurring series {id} was stopped or has ended")
            }
            ScheduleError::SeriesMedia => f.write_str("a recurring post cannot carry images"),
            ScheduleError::SeriesOnePost => {
                f.write_str("a numbered suffix repeats one post; rotate to use several")
            }
            ScheduleError::Recur(e) => write!(f, "the repeat cannot work: {}", e.code()),
            ScheduleError::Corrupt { detail } => {
                write!(f, "the stored schedule is damaged: {detail}")
            }
        }
    }
}

impl std::error::Error for ScheduleError {}
