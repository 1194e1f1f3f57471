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

use super::changes::{self, Change};
use super::protocol::answers::Summary;
use super::protocol::{Answer, Done, ScheduleMsg, reply};
use super::{AppError, media};
use crate::compose::PostInput;
use crate::schedule::{ItemId, PlannedPost, Queue, ScheduleError};
use add::{Due, check_posts};
use store::{with_queue, with_queue_unlocked};

/// Handles a schedule message.
pub async fn handle(msg: ScheduleMsg) -> Result<Answer, AppError> {
    let answer = match msg {
        ScheduleMsg::ScheduleAdd {
            account_id,
            posts,
            due_at_ms,
            late_policy,
            repeat: None,
            from_draft,
        } => reply(
            &add::add(
                account_id,
                posts,
                Due::At(due_at_ms),
                late_policy,
                from_draft,
            )
            .await?,
        )?,
        ScheduleMsg::ScheduleAdd {
            account_id,
            posts,
            due_at_ms,
            late_policy,
            repeat: Some(input),
            from_draft,
        } => reply(
            &series::add(account_id, posts, due_at_ms, input, late_policy, from_draft).await?,
        )?,
        ScheduleMsg::SeriesList => return series::list().await,
        ScheduleMsg::SeriesEdit {
            id,
            posts,
            due_at_ms,
            repeat: input,
            late_policy,
        } => {
            series::edit(id, posts, due_at_ms, input, late_policy).await?;
            reply(&Done {})?
        }
        ScheduleMsg::SeriesStop { id } => reply(&series::stop(id).await?)?,
        ScheduleMsg::ScheduleList { limit } => return view::list(limit).await,
        ScheduleMsg::ScheduleSummary => {
            return reply(&Summary {
                badge: toolbar::current().await?,
                max_queued: crate::schedule::MAX_WAITING_ITEMS,
            });
        }
        ScheduleMsg::ScheduleEdit { id, posts } => {
            edit(ItemId(id), posts).await?;
            reply(&Done {})?
        }
        ScheduleMsg::ScheduleReschedule { id, due_at_ms } => {
            apply(|q, now| q.reschedule(ItemId(id), due_at_ms, now)).await?
        }
        ScheduleMsg::ScheduleLatePolicy { id, late_policy } => {
            apply(|q, _| q.set_late_policy(ItemId(id), late_policy)).await?
        }
        ScheduleMsg::ScheduleCancel { id } => {
            cancel(ItemId(id)).await?;
            reply(&Done {})?
        }
        ScheduleMsg::SchedulePostNow { id } => apply(|q, now| q.post_now(ItemId(id), now)).await?,
        ScheduleMsg::ScheduleRetry { id } => apply(|q, now| q.retry(ItemId(id), now)).await?,
        ScheduleMsg::ScheduleResolve { id, resolution } => {
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
            reply(&Done {})?
        }
        ScheduleMsg::ScheduleRemove { id } => apply(|q, _| q.remove(ItemId(id))).await?,
        ScheduleMsg::ScheduleImport { csv, files } => reply(&plans::import(csv, files).await?)?,
        ScheduleMsg::ScheduleExport => return reply(&plans::export().await?),
    };
    // Every change re-arms the alarm; anything now due goes out without waiting for it (the
    // driver starts the run).
    changes::mark(Change::Plans);
    Ok(answer)
}

/// Applies one change to the stored queue; the answer is `{}`.
async fn apply<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Answer, AppError> {
    with_queue(change).await?;
    reply(&Done {})
}

/// Replaces the posts of an item, checked against its account's length limit.
async fn edit(id: ItemId, posts: Vec<PostInput>) -> Result<(), AppError> {
    let account_id = store::read()
        .await?
        .get(id)
        .map(|i| i.account_id.clone())
        .ok_or(ScheduleError::NotFound { id })?;
    check_posts(&account_id, &posts).await?;
    let posts = posts.into_iter().map(PlannedPost::from).collect();
    with_queue_unlocked(|q, _| q.edit(id, posts)).await?;
    Ok(())
}

/// Cancels an item and deletes its images.
async fn cancel(id: ItemId) -> Result<(), AppError> {
    let item = with_queue(|q, now| {
        q.cancel(id, now)?;
        Ok(q.get(id).cloned())
    })
    .await?;
    if let Some(item) = item {
        media::forget_item(&item).await;
    }
    Ok(())
}
