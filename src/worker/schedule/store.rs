//! What the scheduler keeps in `storage.local`: the queue (changed under one lock), the last
//! 24-hour limit X announced per account and the accounts' usernames.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schedule::{DailyLimitNews, Queue, ScheduleError, daily_limit_news};
use crate::sealed::LoadedQueue;
use crate::vault::Dek;
use crate::worker::at_rest;
use crate::worker::changes::{self, Change};
use crate::worker::platform::{self, Area, BrowserEntropy};
use crate::worker::{AppError, session};
use crate::x::RateLimits;

/// `storage.local` key of the queue: the core's [`StoredQueue`] as JSON text (the queue with
/// every text and alt text sealed per item; [`crate::sealed`]).
pub const QUEUE_KEY: &str = "queue";
/// `storage.local` key of the last known 24-hour limits, per account.
const LIMITS_KEY: &str = "schedule_limits";
/// `storage.local` key of the accounts' usernames, so the queue view can name them while locked.
const USERNAMES_KEY: &str = "schedule_usernames";

/// One load-change-persist of the queue at a time in this worker: every change holds it from
/// reading the stored queue to storing it, with no network wait in between. (A trap cannot
/// leave it held: the background drops the module.)
static QUEUE_LOCK: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Waits for the queue lock; it is released when the guard is dropped.
pub async fn lock() -> async_lock::MutexGuard<'static, ()> {
    QUEUE_LOCK.lock().await
}

/// More than the queue grows by while one send is recorded (`sending`, then its outcome and
/// a history line): a write of this size must succeed before any media is uploaded.
// Stays in the worker: a probe of chrome.storage's quota, sized to what one send records.
const SEND_ROOM_BYTES: usize = 2048;
/// The scratch key that write goes to (removed at once).
const ROOM_KEY: &str = "schedule_room";

/// Proves `storage.local` has room to record a send: writes [`SEND_ROOM_BYTES`] under a
/// scratch key and removes it. A full or failing storage answers `platform_storage`.
pub async fn reserve_room() -> Result<(), AppError> {
    platform::set(Area::Local, ROOM_KEY, &"x".repeat(SEND_ROOM_BYTES)).await?;
    platform::remove(Area::Local, ROOM_KEY).await
}

/// The stored queue (empty when there is none), its items' contents opened with `dek`
/// (blank without it). The caller holds the lock.
async fn load(dek: Option<&Dek>) -> Result<LoadedQueue, AppError> {
    match platform::get::<String>(Area::Local, QUEUE_KEY).await? {
        Some(json) => Ok(LoadedQueue::from_json(&json, dek)?),
        None => Ok(LoadedQueue::default()),
    }
}

/// Stores the queue, contents sealed with `dek` (the key it was loaded with); without a key
/// sealed contents are kept as they were. The caller holds the lock.
async fn persist(
    loaded: &LoadedQueue,
    dek: Option<&Dek>,
    also: &[(&str, Value)],
) -> Result<(), AppError> {
    let json = loaded.to_json(dek, &mut BrowserEntropy)?;
    let mut writes = vec![(QUEUE_KEY, Value::String(json))];
    writes.extend(also.iter().cloned());
    platform::set_many(Area::Local, &writes).await?;
    changes::mark(Change::Queue);
    Ok(())
}

/// The stored queue as it is now, read under the lock: contents opened while unlocked, blank
/// while locked.
pub async fn read() -> Result<Queue, AppError> {
    Ok(read_loaded().await?.queue)
}

/// [`read`], also saying which items' contents are here ([`LoadedQueue::has_contents`]).
pub async fn read_loaded() -> Result<LoadedQueue, AppError> {
    let _lock = lock().await;
    let dek = at_rest::current_dek().await;
    load(dek.as_ref()).await
}

/// Loads the queue, applies `change`, and persists it when the change succeeded or when the
/// core's refusal itself moved an item (`NeedsConfirmation`), all under the lock. The outer
/// error is a storage fault; the inner one is the core's refusal. The key is the session's,
/// taken under the lock; while locked, the contents are blank and stored back sealed as they
/// were (a change that needs them takes [`with_queue_unlocked`]).
pub async fn try_with_queue<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Result<T, ScheduleError>, AppError> {
    let _lock = lock().await;
    let dek = at_rest::current_dek().await;
    change_and_persist(dek.as_ref(), &[], change).await
}

/// Loads, changes and persists the queue (the caller holds the lock). `also` are other keys
/// written in the same storage write when the change succeeded (the draft a post moved from).
async fn change_and_persist<T>(
    dek: Option<&Dek>,
    also: &[(&str, Value)],
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Result<T, ScheduleError>, AppError> {
    let mut loaded = load(dek).await?;
    let before = loaded.queue.clone();
    let now = crate::worker::clock::now().await;
    let result = change(&mut loaded.queue, now);
    if result
        .as_ref()
        .err()
        .is_none_or(ScheduleError::changes_queue)
    {
        // In the same step: a series whose occurrence was just sent, skipped or cancelled
        // gets its next one (the owner of the queue is the owner of its series).
        loaded.queue.advance_series(&platform::BrowserZone, now);
        // Nothing changed (most worker starts and runs): nothing to write, and no
        // `storage.onChanged` waking every open page for nothing.
        let also = if result.is_ok() { also } else { &[] };
        // Stays in the worker: when to write is the store's own concern (no write, no onChanged).
        if !also.is_empty() || loaded.queue != before || loaded.needs_sealing(dek) {
            persist(&loaded, dek, also).await?;
        }
    }
    Ok(result)
}

/// [`with_queue`] for a change that writes contents (add, edit): the session's key is taken
/// under the lock and required (`locked` without it), so new contents are never stored in
/// clear nor under a key that changed meanwhile.
pub async fn with_queue_unlocked<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<T, AppError> {
    let _lock = lock().await;
    let dek = at_rest::key(None).await?;
    Ok(change_and_persist(Some(&dek), &[], change).await??)
}

/// [`with_queue_unlocked`], or [`with_queue_moving_draft`] when the posts come from the
/// composer's draft.
pub async fn with_queue_from<T>(
    from_draft: bool,
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<T, AppError> {
    if from_draft {
        with_queue_moving_draft(change).await
    } else {
        with_queue_unlocked(change).await
    }
}

/// [`with_queue_unlocked`] for a post scheduled from the composer's draft: when the change
/// succeeds, the draft is removed in the same storage write as the queue, so the draft's
/// images belong to exactly one owner at every moment (the draft before, the queued post
/// after), whenever the popup closes. Holds the draft's lock, then the queue's (the order a
/// re-key takes them in).
async fn with_queue_moving_draft<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<T, AppError> {
    let _draft = at_rest::records_lock().await;
    let _lock = lock().await;
    let dek = at_rest::key(None).await?;
    let also = [(at_rest::DRAFT_KEY, Value::Null)];
    Ok(change_and_persist(Some(&dek), &also, change).await??)
}

/// [`try_with_queue`] with the core's refusal as the error.
pub async fn with_queue<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<T, AppError> {
    Ok(try_with_queue(change).await??)
}

/// Keeps the accounts' usernames for the queue view, which may be drawn while locked.
pub async fn remember_usernames(open: &session::Open) {
    let names: HashMap<String, String> = open
        .doc
        .accounts
        .iter()
        .filter_map(|a| a.user.as_ref().map(|u| (a.id.clone(), u.username.clone())))
        .collect();
    // A cache for the queue view: losing it only costs the @name while locked.
    let _ = platform::set(Area::Local, USERNAMES_KEY, &names).await;
}

/// The usernames kept by [`remember_usernames`], by account id.
pub async fn usernames() -> Result<HashMap<String, String>, AppError> {
    Ok(platform::get(Area::Local, USERNAMES_KEY)
        .await?
        .unwrap_or_default())
}

/// The last 24-hour limit X announced for one account.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KnownLimit {
    /// How many posts X allows the account in 24 hours.
    pub limit: u64,
    /// When X said so, Unix milliseconds.
    pub at_ms: u64,
}

/// Keeps the 24-hour limit from an answer to a post when X announced one, and forgets it when
/// X created a post without announcing one (the core decides: [`daily_limit_news`]).
pub async fn remember_limit(account_id: &str, status: u16, limits: &RateLimits) {
    let news = daily_limit_news(status, limits);
    if news == DailyLimitNews::Silent {
        return;
    }
    let mut known: HashMap<String, KnownLimit> = platform::get(Area::Local, LIMITS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    match news {
        DailyLimitNews::Announced(limit) => {
            known.insert(
                account_id.to_owned(),
                KnownLimit {
                    limit,
                    at_ms: crate::worker::clock::now().await,
                },
            );
        }
        _ => {
            if known.remove(account_id).is_none() {
                return;
            }
        }
    }
    let _ = platform::set(Area::Local, LIMITS_KEY, &known).await;
}

/// The 24-hour limit last kept for `account_id` by [`remember_limit`].
pub async fn known_limit(account_id: &str) -> Result<Option<KnownLimit>, AppError> {
    let mut known: HashMap<String, KnownLimit> = platform::get(Area::Local, LIMITS_KEY)
        .await?
        .unwrap_or_default();
    Ok(known.remove(account_id))
}
