//! Scheduled posts in the worker: the schedule messages, firing at the `schedule` alarm and at
//! every worker start, and the notifications that tell the user when something needs them.
//!
//! The core decides (what goes out, in which order, what X's answer means, when to wake up);
//! this folder wires it to the browser, in the worker's layers (docs/ARCHITECTURE.md):
//!
//! - stores: [`store`], the queue in `storage.local` (key `queue`) and its one in-worker lock,
//!   plus the caches the messages need (usernames, X's last 24-hour limit per account);
//!   [`slots_store`], every account's posting slots;
//! - handlers: `mod.rs`, the messages, each a short call into the core under the queue lock;
//!   [`add`], adding a post or thread (at a time or in the next free slot) and the checks every
//!   new text passes; `repeat` (series), `plans` (CSV import and export), [`slots`] (slot
//!   messages), `view` (the queue as the queue view draws it);
//! - tasks: [`run`], firing, sending one step at a time, and the one alarm (`schedule`), which
//!   is only a cache of the core's `Queue::next_wake`; `late`, the late policy before every
//!   send; [`notify`], the notifications and their texts; [`badge`], the toolbar badge.
//!
//! The driver starts runs and refreshes the badge ([`super::driver`]); nothing here spawns.

mod add;
mod late_notice;
pub mod notify;
mod plans;
pub mod run;
mod series;
pub mod slots;
pub mod slots_store;
pub mod store;
pub mod toolbar;
mod view;

use serde::Deserialize;
use serde_json::{Value, json};

use super::changes::{self, Change};
use super::{AppError, media};
use crate::compose::PostInput;
use crate::schedule::{ItemId, LatePolicy, PlannedPost, Queue, ResolutionInput, ScheduleError};
use add::{Due, check_posts};
use store::{with_queue, with_queue_unlocked};

/// Schedule messages.
// The variant names are the message types (`schedule_add`, ...), as the pages send them.
#[allow(clippy::enum_variant_names)]
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Msg {
    /// Plans a post or thread.
    ScheduleAdd {
        /// The account that posts.
        account_id: String,
        /// The posts, in thread order.
        posts: Vec<PostInput>,
        /// When, Unix milliseconds.
        due_at_ms: u64,
        /// What to do if it is found late; absent follows the default setting.
        #[serde(default)]
        late_policy: Option<LatePolicy>,
        /// Repeats it (`repeat`): a recurring series starting at `due_at_ms`.
        #[serde(default)]
        repeat: Option<series::RepeatInput>,
        /// The posts are the composer's draft: it is removed in the same write that queues
        /// them (its images then belong to the queued post).
        #[serde(default)]
        from_draft: bool,
    },
    /// The recurring series.
    SeriesList,
    /// Changes a recurring series.
    SeriesEdit {
        /// The series' id.
        id: u64,
        /// Its post (numbered suffix) or the rotation's texts.
        posts: Vec<PostInput>,
        /// The new first time (local date and time of the rule).
        due_at_ms: u64,
        /// The rule.
        repeat: series::RepeatInput,
        /// What to do with an occurrence found late.
        #[serde(default)]
        late_policy: Option<LatePolicy>,
    },
    /// Stops a recurring series.
    SeriesStop {
        /// The series' id.
        id: u64,
    },
    /// The queue: upcoming and past items, at most `limit` of each (all without it).
    ScheduleList {
        /// How many of each list to answer with; their totals come with them.
        #[serde(default)]
        limit: Option<usize>,
    },
    /// What the toolbar badge shows: queued count, what needs the user, the next due time.
    ScheduleSummary,
    /// Replaces the posts of an item.
    ScheduleEdit {
        /// The queue's id of the item to change.
        id: u64,
        /// The new posts.
        posts: Vec<PostInput>,
    },
    /// Moves an item to another time.
    ScheduleReschedule {
        /// The queue's id of the item to move.
        id: u64,
        /// The new time, Unix milliseconds.
        due_at_ms: u64,
    },
    /// Sets or clears a waiting item's own late policy.
    ScheduleLatePolicy {
        /// The queue's id of the item.
        id: u64,
        /// Its policy; `null`: the default setting's.
        late_policy: Option<LatePolicy>,
    },
    /// Cancels an item.
    ScheduleCancel {
        /// The queue's id of the item to cancel.
        id: u64,
    },
    /// Sends an item now.
    SchedulePostNow {
        /// The queue's id of the item to send.
        id: u64,
    },
    /// Tries a failed item again.
    ScheduleRetry {
        /// The queue's id of the failed item.
        id: u64,
    },
    /// Answers an item that needs confirmation.
    ScheduleResolve {
        /// The queue's id of the item that waits for the answer.
        id: u64,
        /// `{kind: "posted", post_ref?}` (or `post_id?`, from older pages) or `{kind: "send"}`.
        resolution: ResolutionInput,
    },
    /// Deletes a finished item from the list.
    ScheduleRemove {
        /// The queue's id of the finished item.
        id: u64,
    },
    /// Queues every post of a CSV file, or none (`plans`).
    ScheduleImport {
        /// The file's text.
        csv: String,
        /// The images picked with it, already in the media store.
        #[serde(default)]
        files: Vec<plans::ImportFile>,
    },
    /// The waiting posts as CSV (`plans`).
    ScheduleExport,
}

/// Handles a schedule message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    let answer = match msg {
        Msg::ScheduleAdd {
            account_id,
            posts,
            due_at_ms,
            late_policy,
            repeat: None,
            from_draft,
        } => {
            add::add(
                account_id,
                posts,
                Due::At(due_at_ms),
                late_policy,
                from_draft,
            )
            .await?
        }
        Msg::ScheduleAdd {
            account_id,
            posts,
            due_at_ms,
            late_policy,
            repeat: Some(input),
            from_draft,
        } => series::add(account_id, posts, due_at_ms, input, late_policy, from_draft).await?,
        Msg::SeriesList => return series::list().await,
        Msg::SeriesEdit {
            id,
            posts,
            due_at_ms,
            repeat: input,
            late_policy,
        } => series::edit(id, posts, due_at_ms, input, late_policy).await?,
        Msg::SeriesStop { id } => series::stop(id).await?,
        Msg::ScheduleList { limit } => return view::list(limit).await,
        Msg::ScheduleSummary => {
            return Ok(serde_json::to_value(toolbar::current().await?).unwrap_or_default());
        }
        Msg::ScheduleEdit { id, posts } => edit(ItemId(id), posts).await?,
        Msg::ScheduleReschedule { id, due_at_ms } => {
            apply(|q, now| q.reschedule(ItemId(id), due_at_ms, now)).await?
        }
        Msg::ScheduleLatePolicy { id, late_policy } => {
            apply(|q, _| q.set_late_policy(ItemId(id), late_policy)).await?
        }
        Msg::ScheduleCancel { id } => cancel(ItemId(id)).await?,
        Msg::SchedulePostNow { id } => apply(|q, now| q.post_now(ItemId(id), now)).await?,
        Msg::ScheduleRetry { id } => apply(|q, now| q.retry(ItemId(id), now)).await?,
        Msg::ScheduleResolve { id, resolution } => {
            // A post that is not one changes nothing (checked before the queue is read).
            let resolution = resolution.parse()?;
            let item = with_queue(|q, now| {
                q.resolve(ItemId(id), resolution, now)?;
                Ok(q.get(ItemId(id)).cloned())
            })
            .await?;
            // On X now ("posted"): its images leave the browser, as after a send.
            if let Some(item) =
                item.filter(|i| matches!(i.state, crate::schedule::State::Sent { .. }))
            {
                media::forget_item(&item).await;
            }
            json!({})
        }
        Msg::ScheduleRemove { id } => apply(|q, _| q.remove(ItemId(id))).await?,
        Msg::ScheduleImport { csv, files } => plans::import(csv, files).await?,
        Msg::ScheduleExport => return plans::export().await,
    };
    // Every change re-arms the alarm; anything now due goes out without waiting for it (the
    // driver starts the run).
    changes::mark(Change::Plans);
    Ok(answer)
}

/// Applies one change to the stored queue; the answer is `{}`.
async fn apply<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Value, AppError> {
    with_queue(change).await?;
    Ok(json!({}))
}

/// Replaces the posts of an item, checked against its account's length limit.
async fn edit(id: ItemId, posts: Vec<PostInput>) -> Result<Value, AppError> {
    let account_id = store::read()
        .await?
        .get(id)
        .map(|i| i.account_id.clone())
        .ok_or(ScheduleError::NotFound { id })?;
    check_posts(&account_id, &posts).await?;
    let posts = posts.into_iter().map(PlannedPost::from).collect();
    with_queue_unlocked(|q, _| q.edit(id, posts)).await?;
    Ok(json!({}))
}

/// Cancels an item and deletes its images.
async fn cancel(id: ItemId) -> Result<Value, AppError> {
    let item = with_queue(|q, now| {
        q.cancel(id, now)?;
        Ok(q.get(id).cloned())
    })
    .await?;
    if let Some(item) = item {
        media::forget_item(&item).await;
    }
    Ok(json!({}))
}
