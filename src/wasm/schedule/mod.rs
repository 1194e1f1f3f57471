//! Scheduled posts in the worker: the schedule messages, firing at the `schedule` alarm and at
//! every worker start, and the notifications that tell the user when something needs them.
//!
//! The core decides (what goes out, in which order, what X's answer means, when to wake up);
//! this module wires it to the browser:
//!
//! - `mod.rs`: the messages, each a short call into the core under the queue lock;
//! - [`store`]: the queue in `storage.local` (key `queue`) and its one in-worker lock, plus the
//!   caches the messages need (usernames, X's last 24-hour limit per account);
//! - [`run`]: firing, sending one step at a time, and the one alarm (`schedule`), which is only
//!   a cache of the core's `Queue::next_wake`;
//! - [`notify`]: the notifications and their texts;
//! - [`view`]: the queue as the queue view draws it.

mod badge;
mod late;
mod notify;
mod plans;
mod repeat;
mod run;
pub mod slots;
mod store;
mod view;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppError, media, session};
use crate::compose::{self, PostInput};
use crate::leak;
use crate::schedule::{
    Draft, ItemId, LatePolicy, MediaRef, PlannedPost, Queue, ResolutionInput, ScheduleError,
};
use store::{with_queue, with_queue_unlocked};

pub use badge::refresh_soon as refresh_badge;
pub use notify::on_notification_click;
pub use run::{ALARM, on_alarm, on_worker_start, spawn_unlocked};
pub use store::{QUEUE_KEY, lock as queue_lock};

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
        repeat: Option<repeat::RepeatInput>,
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
        repeat: repeat::RepeatInput,
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
            add(
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
        } => repeat::add(account_id, posts, due_at_ms, input, late_policy, from_draft).await?,
        Msg::SeriesList => return repeat::list().await,
        Msg::SeriesEdit {
            id,
            posts,
            due_at_ms,
            repeat: input,
            late_policy,
        } => repeat::edit(id, posts, due_at_ms, input, late_policy).await?,
        Msg::SeriesStop { id } => repeat::stop(id).await?,
        Msg::ScheduleList { limit } => return view::list(limit).await,
        Msg::ScheduleSummary => {
            return Ok(serde_json::to_value(badge::current().await?).unwrap_or_default());
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
    // Every change re-arms the alarm; anything now due goes out without waiting for it.
    run::kick();
    Ok(answer)
}

/// Test builds only: moves every unfinished item's times `by_ms` into the past (the
/// `test_age_queue` message), without starting a run.
#[cfg(feature = "test-hooks")]
pub async fn test_age(by_ms: u64) -> Result<Value, AppError> {
    use crate::schedule::State;
    store::with_queue(|q, _| {
        for item in q.items_mut().iter_mut().filter(|i| !i.is_finished()) {
            item.due_at_ms = item.due_at_ms.saturating_sub(by_ms);
            item.created_at_ms = item.created_at_ms.saturating_sub(by_ms);
            if let State::Scheduled { at_ms } = &mut item.state {
                *at_ms = at_ms.saturating_sub(by_ms);
            }
        }
        Ok(())
    })
    .await?;
    Ok(json!({}))
}

/// Test builds only: moves the scheduler's clock `by_ms` forward (the `test_clock_advance`
/// message), then runs the queue. Requests are still signed with the true time.
#[cfg(feature = "test-hooks")]
pub async fn test_clock_advance(by_ms: u64) -> Result<Value, AppError> {
    let offset = crate::wasm::clock::advance(by_ms).await?;
    // Series move on at the new time before the run looks for what is due.
    store::with_queue(|_, _| Ok(())).await?;
    run::kick();
    Ok(json!({ "offset_ms": offset }))
}

/// Test builds only: waits (at most 20 s) until no run is under way and the alarm is not due
/// before `until_ms` on the browser's clock, seen twice 50 ms apart (`test_idle`). Answers
/// `{alarm_at_ms}`, or `test_not_idle` with what it saw last.
#[cfg(feature = "test-hooks")]
pub async fn test_idle(until_ms: u64) -> Result<Value, AppError> {
    use crate::wasm::platform;
    // Browser clock: a real-time bound on this hook's wait (alarms run on it).
    let deadline = platform::now_ms().saturating_add(20_000);
    let mut quiet = 0;
    loop {
        let alarm_at = platform::alarm_at(ALARM).await?;
        let firing = run::firing();
        if !firing && alarm_at.is_none_or(|at| at >= until_ms) {
            quiet += 1;
            if quiet >= 2 {
                return Ok(json!({ "alarm_at_ms": alarm_at }));
            }
        } else {
            quiet = 0;
        }
        if platform::now_ms() > deadline {
            return Err(AppError::new("test_not_idle")
                .with("firing", firing)
                .with("alarm_at_ms", alarm_at));
        }
        platform::sleep(50).await;
    }
}

/// Applies one change to the stored queue; the answer is `{}`.
async fn apply<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Value, AppError> {
    with_queue(change).await?;
    Ok(json!({}))
}

/// The posts as the queue keeps them (the images by their key in the media store).
fn planned(posts: Vec<PostInput>) -> Vec<PlannedPost> {
    posts
        .into_iter()
        .map(|p| PlannedPost {
            text: p.text,
            media: p
                .media
                .into_iter()
                .map(|m| MediaRef {
                    local_id: m.media_id,
                    alt_text: m.alt,
                })
                .collect(),
        })
        .collect()
}

/// Checks lengths against the account (premium or not) and refuses a pasted key (the leak
/// guard); the vault must be unlocked.
async fn check_posts(account_id: &str, posts: &[PostInput]) -> Result<(), AppError> {
    let open = session::open(true).await?;
    let account = open
        .doc
        .get(account_id)
        .ok_or_else(|| AppError::new("account_not_found"))?;
    store::remember_usernames(&open).await;
    compose::validate(posts, account.premium)?;
    leak::check_posts(posts, &leak::secrets_of(&open.doc))?;
    drop(open);
    // One GIF alone, sizes by type: refused when scheduling, not at the due time.
    media::check(posts).await
}

/// When an added item is due.
pub(super) enum Due {
    /// At this instant, Unix milliseconds (`schedule_add`).
    At(u64),
    /// In the account's next free slot (`schedule_add_to_queue`), found by the core under the
    /// queue's lock, so two adds never take the same slot.
    NextSlot(Vec<crate::slots::Slot>),
}

/// Plans a post or thread; warns when it would take the account over the 24-hour limit X
/// last announced for it. The answer is `{id, due_at_ms, warning?}`.
async fn add(
    account_id: String,
    posts: Vec<PostInput>,
    due: Due,
    late_policy: Option<LatePolicy>,
    from_draft: bool,
) -> Result<Value, AppError> {
    let late_policy = late_policy.map(LatePolicy::validate).transpose()?;
    check_posts(&account_id, &posts).await?;
    let posts = planned(posts);
    // The contents are sealed with the session's key: locked meanwhile, nothing is stored.
    let added = store::with_queue_from(from_draft, |q, now| {
        let due_at_ms = match due {
            Due::At(at) => at,
            Due::NextSlot(slots) => match next_slot(q, &account_id, &slots, now) {
                Ok(at) => at,
                Err(e) => return Ok(Err(e)),
            },
        };
        let draft = Draft {
            account_id: account_id.clone(),
            posts,
            due_at_ms,
        };
        let id = q.add(draft, now)?;
        q.set_late_policy(id, late_policy)?;
        Ok(Ok((
            id,
            due_at_ms,
            q.busiest_window(&account_id, due_at_ms),
        )))
    })
    .await?;
    let (id, due_at_ms, planned_count) = added?;
    let mut answer = json!({ "id": id.0, "due_at_ms": due_at_ms });
    if let Some(limit) = store::known_limit(&account_id).await?
        && planned_count as u64 > limit.limit
    {
        answer["warning"] = json!({
            "code": "schedule_over_24h_limit",
            "planned": planned_count,
            "limit": limit.limit,
        });
    }
    Ok(answer)
}

/// The account's next free slot in the browser's zone: free of the due times of its waiting
/// items (the core decides, [`crate::slots::next_free`]).
fn next_slot(
    q: &Queue,
    account_id: &str,
    slots: &[crate::slots::Slot],
    now_ms: u64,
) -> Result<u64, crate::slots::SlotError> {
    let taken: Vec<i64> = q
        .items()
        .iter()
        .filter(|i| !i.is_finished() && i.account_id == account_id)
        .map(|i| i64::try_from(i.due_at_ms).unwrap_or(i64::MAX))
        .collect();
    let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
    let at = crate::slots::next_free(slots, &taken, now, &super::platform::BrowserZone)?;
    Ok(u64::try_from(at).unwrap_or_default())
}

/// Replaces the posts of an item, checked against its account's length limit.
async fn edit(id: ItemId, posts: Vec<PostInput>) -> Result<Value, AppError> {
    let account_id = store::read()
        .await?
        .get(id)
        .map(|i| i.account_id.clone())
        .ok_or(ScheduleError::NotFound { id })?;
    check_posts(&account_id, &posts).await?;
    let posts = planned(posts);
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
