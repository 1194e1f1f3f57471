//! Adding a post or thread to the queue, for `schedule_add` (at a time) and
//! `schedule_add_to_queue` (in the account's next free slot, [`super::slots`]): the posts
//! checked against the account, then queued in one change of the queue. Series
//! ([`super::series`]) and edits check their posts the same way ([`check_posts`]).

use super::store;
use crate::compose::{self, PostInput};
use crate::leak;
use crate::schedule::{LatePolicy, NewItem, PlannedPost};
use crate::worker::platform::BrowserZone;
use crate::worker::protocol::answers::Added;
use crate::worker::{AppError, media, session};

/// Checks lengths against the account (premium or not) and refuses a pasted key (the leak
/// guard); the vault must be unlocked.
pub async fn check_posts(account_id: &str, posts: &[PostInput]) -> Result<(), AppError> {
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
pub enum Due {
    /// At this instant, Unix milliseconds (`schedule_add`).
    At(u64),
    /// In the account's next free slot (`schedule_add_to_queue`), found by the core under the
    /// queue's lock, so two adds never take the same slot.
    NextSlot(Vec<crate::slots::Slot>),
}

/// Plans a post or thread; warns when it would take the account over the 24-hour limit X
/// last announced for it. The answer is `{id, due_at_ms, warning?}`.
pub async fn add(
    account_id: String,
    posts: Vec<PostInput>,
    due: Due,
    late_policy: Option<LatePolicy>,
    from_draft: bool,
) -> Result<Added, AppError> {
    let late_policy = late_policy.map(LatePolicy::validate).transpose()?;
    check_posts(&account_id, &posts).await?;
    let posts = posts.into_iter().map(PlannedPost::from).collect();
    // The contents are sealed with the session's key: locked meanwhile, nothing is stored.
    let added = store::with_queue_from(from_draft, |q, now| {
        let due_at_ms = match due {
            Due::At(at) => at,
            Due::NextSlot(slots) => {
                match q.next_free_slot(&account_id, &slots, now, &BrowserZone) {
                    Ok(at) => at,
                    Err(e) => return Ok(Err(e)),
                }
            }
        };
        let draft = NewItem {
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
    let known = store::known_limit(&account_id).await?.map(|k| k.limit);
    Ok(Added {
        id: id.0,
        due_at_ms,
        warning: crate::schedule::over_daily_limit(planned_count, known),
    })
}
