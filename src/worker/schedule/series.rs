//! Recurring posts in the worker: `schedule_add` with `repeat`, `series_list`, `series_edit`,
//! `series_stop`. The core decides ([`crate::schedule::Series`]); every change goes through
//! the queue's owner ([`super::store`]) in one serialised step with the items it touches, and
//! the owner moves series on after every change ([`Queue::advance_series`]).
//!
//! [`Queue::advance_series`]: crate::schedule::Queue::advance_series

use super::add::check_posts;
use super::store;
use crate::compose::PostInput;
use crate::recur::Rule;
use crate::schedule::{LatePolicy, PlannedPost, ScheduleError, SeriesId, SeriesSpec, rule_words};
use crate::worker::AppError;
use crate::worker::platform::BrowserZone;
use crate::worker::protocol::RepeatInput;
use crate::worker::protocol::answers::{SeriesAdded, SeriesList, SeriesStopped, SeriesView};
use crate::worker::protocol::{Answer, reply};

/// The spec of a series from a message, its texts checked against the account (every text an
/// occurrence may carry, at its longest).
async fn spec_of(
    account_id: String,
    posts: Vec<PostInput>,
    due_at_ms: u64,
    input: RepeatInput,
    late_policy: Option<LatePolicy>,
) -> Result<SeriesSpec, AppError> {
    let first = i64::try_from(due_at_ms).map_err(|_| AppError::new("recur_bad_time"))?;
    let rule = Rule::starting_at(&BrowserZone, first, input.repeat, input.end);
    let posts: Vec<PlannedPost> = posts.into_iter().map(PlannedPost::from).collect();
    let spec = SeriesSpec::from_posts(
        account_id.clone(),
        &posts,
        rule,
        input.variation,
        late_policy,
    )?;
    let longest: Vec<PostInput> = spec
        .longest_texts()
        .into_iter()
        .map(|text| PostInput {
            text,
            media: Vec::new(),
        })
        .collect();
    check_posts(&account_id, &longest).await?;
    Ok(spec)
}

/// Starts a series: `{id, series_id, due_at_ms, words}` (`id` and `due_at_ms` are its first
/// occurrence's: the rule may put it later than the time asked, on the first matching day).
pub async fn add(
    account_id: String,
    posts: Vec<PostInput>,
    due_at_ms: u64,
    input: RepeatInput,
    late_policy: Option<LatePolicy>,
    from_draft: bool,
) -> Result<SeriesAdded, AppError> {
    let late_policy = late_policy.map(LatePolicy::validate).transpose()?;
    let spec = spec_of(account_id, posts, due_at_ms, input, late_policy).await?;
    let words = rule_words(&spec.rule);
    let (series, item, due_at_ms) = store::with_queue_from(from_draft, |q, now| {
        let (series, item) = q.add_series(spec, &BrowserZone, now)?;
        Ok((series, item, q.get(item).map(|i| i.due_at_ms)))
    })
    .await?;
    Ok(SeriesAdded {
        id: item.0,
        series_id: series.0,
        due_at_ms,
        words,
    })
}

/// Changes a series (same account): future occurrences, and the waiting one if nothing of it
/// went to X.
pub async fn edit(
    id: u64,
    posts: Vec<PostInput>,
    due_at_ms: u64,
    input: RepeatInput,
    late_policy: Option<LatePolicy>,
) -> Result<(), AppError> {
    let id = SeriesId(id);
    let account_id = store::read()
        .await?
        .get_series(id)
        .map(|s| s.spec.account_id.clone())
        .ok_or(ScheduleError::SeriesNotFound { id })?;
    let late_policy = late_policy.map(LatePolicy::validate).transpose()?;
    let spec = spec_of(account_id, posts, due_at_ms, input, late_policy).await?;
    store::with_queue_unlocked(|q, now| q.edit_series(id, spec, &BrowserZone, now)).await?;
    Ok(())
}

/// Stops a series and cancels its waiting occurrence: `{cancelled: id|null}`.
pub async fn stop(id: u64) -> Result<SeriesStopped, AppError> {
    let cancelled = store::with_queue(|q, now| q.stop_series(SeriesId(id), now)).await?;
    Ok(SeriesStopped {
        cancelled: cancelled.map(|i| i.0),
    })
}

/// Every series: `{series: [SeriesView]}`.
pub async fn list() -> Result<Answer, AppError> {
    let loaded = store::read_loaded().await?;
    let names = store::usernames().await?;
    let q = &loaded.queue;
    let series: Vec<SeriesView> = q
        .series()
        .iter()
        .map(|s| {
            let next = s.current.and_then(|id| q.get(id));
            SeriesView {
                id: s.id.0,
                account_id: &s.spec.account_id,
                username: names.get(&s.spec.account_id).map(String::as_str),
                state: &s.state,
                words: rule_words(&s.spec.rule),
                rule: &s.spec.rule,
                variation: &s.spec.variation,
                late_policy: s.spec.late_policy,
                text: &s.spec.text,
                contents_available: s.has_texts(),
                sent: s.sent,
                next_item: next.map(|i| i.id.0),
                next_at_ms: next.map(|i| i.due_at_ms),
                next_text: next.and_then(|i| i.posts.first()).map(|p| p.text.as_str()),
            }
        })
        .collect();
    reply(&SeriesList { series })
}
