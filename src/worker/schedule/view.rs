//! The queue as the queue view draws it (`schedule_list`). Stays in the worker: a projection
//! of the core's answers (`allowed_ops`, `resolutions`, `post_ref_required`, `fixed_steps`)
//! with the usernames and links only the worker has.

use std::collections::HashMap;

use super::store;
use crate::schedule::Item;
use crate::worker::protocol::answers::{ItemView, MediaView, PostView, PostedView, QueueList};
use crate::worker::protocol::{Answer, reply};
use crate::worker::{AppError, session};
use crate::x;

fn view<'a>(
    item: &'a Item,
    names: &'a HashMap<String, String>,
    contents_available: bool,
    now_ms: u64,
) -> ItemView<'a> {
    let username = names.get(&item.account_id).map(String::as_str);
    ItemView {
        id: item.id.0,
        account_id: &item.account_id,
        username,
        state: &item.state,
        due_at_ms: item.due_at_ms,
        wake_at_ms: item.state.wake_at(),
        late: item.late,
        lateness: item.lateness(now_ms),
        late_policy: item.late_policy,
        attempts: item.attempts,
        posts: item
            .posts
            .iter()
            .map(|p| PostView {
                text: &p.text,
                media: p
                    .media
                    .iter()
                    .map(|m| MediaView {
                        media_id: &m.local_id,
                        alt: &m.alt_text,
                    })
                    .collect(),
            })
            .collect(),
        posted: item
            .posted
            .iter()
            .map(|p| PostedView {
                url: match (&p.id, username) {
                    (Some(id), Some(name)) => Some(x::post_url(name, id)),
                    _ => None,
                },
                id: p.id.clone(),
                at_ms: p.at_ms,
                via: p.via,
            })
            .collect(),
        history: &item.history,
        actions: item
            .allowed_ops()
            .into_iter()
            .map(|op| op.as_str())
            .collect(),
        resolutions: item.resolutions().iter().map(|r| r.as_str()).collect(),
        post_ref_required: item.post_ref_required(),
        fixed_steps: item.fixed_steps(),
        contents_available,
    }
}

/// The answer to `schedule_list`: upcoming and past items, and how many need the user.
pub async fn list(limit: Option<usize>) -> Result<Answer, AppError> {
    let loaded = store::read_loaded().await?;
    let queue = &loaded.queue;
    if let Ok(open) = session::open(false).await {
        store::remember_usernames(&open).await;
    }
    let names = store::usernames().await?;
    let now_ms = crate::worker::clock::now().await;
    // Only the items shown are drawn as views (a page of a 10,000-item queue, not all of it).
    let take = limit.unwrap_or(usize::MAX);
    let (upcoming_all, past_all) = (queue.upcoming(), queue.past());
    let upcoming: Vec<ItemView> = upcoming_all
        .iter()
        .take(take)
        .map(|i| view(i, &names, loaded.has_contents(i.id), now_ms))
        .collect();
    let past: Vec<ItemView> = past_all
        .iter()
        .take(take)
        .map(|i| view(i, &names, loaded.has_contents(i.id), now_ms))
        .collect();
    let summary = crate::badge::badge(queue, session::has_session().await?);
    reply(&QueueList {
        now_ms,
        upcoming,
        upcoming_total: upcoming_all.len(),
        past,
        past_total: past_all.len(),
        needs_user: queue.needs_user_count(),
        summary,
    })
}
