//! Scheduled posts in the worker: the schedule messages, firing at the `schedule` alarm and at
//! every worker start, and the notifications that tell the user when something needs them.
//!
//! The queue is the core's [`Queue`] as JSON in `storage.local` (key `queue`); the one alarm
//! (`schedule`) is only a cache of [`Queue::next_wake`]. Every change to the queue happens
//! under one in-worker lock ([`QUEUE_LOCK`]): load, change, persist, release. Sending follows the
//! core's notes: media are uploaded before `begin`, the queue is persisted after `begin` and
//! before `POST /2/tweets`, and the answer is recorded with `complete`.
//!
//! The core decides what goes out and in which order ([`Queue::sendable`]), what X's answer
//! means ([`Outcome`]) and when to wake up; this module only wires it to the browser.

use std::cell::Cell;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::net::signed_send;
use super::platform::{self, Area};
use super::{AppError, api_base, msg_compose, session};
use crate::compose::{self, PostInput};
use crate::oauth1::Credentials;
use crate::schedule::{
    ConfirmReason, Draft, Item, ItemId, MediaRef, Outcome, PlannedPost, PostedVia, Queue,
    Resolution, ScheduleError, State,
};
use crate::x::{self, RateLimits};

/// `storage.local` key of the queue (the core's JSON).
pub const QUEUE_KEY: &str = "queue";
/// The one alarm that wakes the worker for the next due item.
pub const ALARM: &str = "schedule";
/// `storage.local` key of the last known 24-hour limits, per account.
const LIMITS_KEY: &str = "schedule_limits";
/// `storage.local` key of the accounts' usernames, so the queue view can name them while locked.
const USERNAMES_KEY: &str = "schedule_usernames";
/// The notification that says how many posts wait for an unlock.
const UNLOCK_NOTIFICATION: &str = "schedule_unlock";

/// After its first firing the alarm repeats every this many minutes until a firing run ends and
/// sets it again: a worker stopped mid-run (or before it handled the alarm) is woken again
/// instead of waiting for an event that never comes. Chrome raises this to 30 s for packed
/// extensions; unpacked ones (the tests) get 3 s.
const BACKSTOP_PERIOD_MINUTES: f64 = 0.05;

/// Schedule messages.
// The variant names are the message types (`schedule_add`, ...), as the pages send them.
#[allow(clippy::enum_variant_names)]
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Plans a post or thread.
    ScheduleAdd {
        /// The account that posts.
        account_id: String,
        /// The posts, in thread order.
        posts: Vec<PostInput>,
        /// When, Unix milliseconds.
        due_at_ms: u64,
    },
    /// The queue: upcoming and past items.
    ScheduleList,
    /// Replaces the posts of an item.
    ScheduleEdit {
        /// The item.
        id: u64,
        /// The new posts.
        posts: Vec<PostInput>,
    },
    /// Moves an item to another time.
    ScheduleReschedule {
        /// The item.
        id: u64,
        /// The new time, Unix milliseconds.
        due_at_ms: u64,
    },
    /// Cancels an item.
    ScheduleCancel {
        /// The item.
        id: u64,
    },
    /// Sends an item now.
    SchedulePostNow {
        /// The item.
        id: u64,
    },
    /// Tries a failed item again.
    ScheduleRetry {
        /// The item.
        id: u64,
    },
    /// Answers an item that needs confirmation.
    ScheduleResolve {
        /// The item.
        id: u64,
        /// `{kind: "posted", post_id?}` or `{kind: "send"}`.
        resolution: Resolution,
    },
    /// Deletes a finished item from the list.
    ScheduleRemove {
        /// The item.
        id: u64,
    },
}

fn schedule_err(e: ScheduleError) -> AppError {
    let mut err = AppError::new(e.code());
    match e {
        ScheduleError::InPast { due_at_ms, now_ms } => {
            err = err.with("due_at_ms", due_at_ms).with("now_ms", now_ms);
        }
        ScheduleError::TooFar { due_at_ms, max_ms } => {
            err = err.with("due_at_ms", due_at_ms).with("max_ms", max_ms);
        }
        ScheduleError::IllegalTransition { op, from } => {
            err = err.with("op", op.as_str()).with("from", from.as_str());
        }
        ScheduleError::EmptyPost { step }
        | ScheduleError::TooManyMedia { step, .. }
        | ScheduleError::AltTextTooLong { step }
        | ScheduleError::PostedStepChanged { step } => err = err.with("step", step),
        ScheduleError::NeedsConfirmation { reason, .. }
        | ScheduleError::InvalidResolution { reason } => err = err.with("reason", reason.as_str()),
        _ => {}
    }
    err
}

thread_local! {
    static FIRING: Cell<bool> = const { Cell::new(false) };
    static FIRE_AGAIN: Cell<bool> = const { Cell::new(false) };
    static RECOVERED: Cell<bool> = const { Cell::new(false) };
}

/// One load-change-persist of the queue at a time in this worker: every change holds it from
/// reading the stored queue to storing it, with no network wait in between. (A trap cannot
/// leave it held: the background drops the module.)
static QUEUE_LOCK: async_lock::Mutex<()> = async_lock::Mutex::new(());

/// Clears [`FIRING`] however a firing run ends.
struct FiringGuard;

impl Drop for FiringGuard {
    fn drop(&mut self) {
        FIRING.with(|f| f.set(false));
    }
}

async fn load() -> Result<Queue, AppError> {
    match platform::get::<String>(Area::Local, QUEUE_KEY).await? {
        Some(json) => Queue::from_json(&json).map_err(schedule_err),
        None => Ok(Queue::new()),
    }
}

async fn persist(queue: &Queue) -> Result<(), AppError> {
    let json = queue.to_json().map_err(schedule_err)?;
    platform::set(Area::Local, QUEUE_KEY, &json).await
}

/// Loads the queue, applies `change`, and persists it when the change succeeded or when the
/// core's refusal itself moved an item (`NeedsConfirmation`), all under the lock. The outer
/// error is a storage fault; the inner one is the core's refusal.
async fn try_with_queue<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<Result<T, ScheduleError>, AppError> {
    let _lock = QUEUE_LOCK.lock().await;
    let mut queue = load().await?;
    let result = change(&mut queue, platform::now_ms());
    if result
        .as_ref()
        .err()
        .is_none_or(ScheduleError::changes_queue)
    {
        persist(&queue).await?;
    }
    Ok(result)
}

/// [`try_with_queue`] with the core's refusal as the error.
async fn with_queue<T>(
    change: impl FnOnce(&mut Queue, u64) -> Result<T, ScheduleError>,
) -> Result<T, AppError> {
    try_with_queue(change).await?.map_err(schedule_err)
}

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

/// Checks lengths against the account (premium or not); the vault must be unlocked.
async fn check_posts(account_id: &str, posts: &[PostInput]) -> Result<(), AppError> {
    let open = session::open(true).await?;
    let account = open
        .doc
        .get(account_id)
        .ok_or_else(|| AppError::new("account_not_found"))?;
    remember_usernames(&open).await;
    compose::validate(posts, account.premium).map_err(|e| {
        let mut err = AppError::new(e.code());
        if let Some(step) = e.step() {
            err = err.with("step", step);
        }
        err
    })
}

async fn remember_usernames(open: &session::Open) {
    let names: HashMap<String, String> = open
        .doc
        .accounts
        .iter()
        .filter_map(|a| a.user.as_ref().map(|u| (a.id.clone(), u.username.clone())))
        .collect();
    // A cache for the queue view: losing it only costs the @name while locked.
    let _ = platform::set(Area::Local, USERNAMES_KEY, &names).await;
}

/// The last 24-hour limit X announced for one account.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct KnownLimit {
    limit: u64,
    at_ms: u64,
}

async fn remember_limit(account_id: &str, limits: &RateLimits) {
    let Some(limit) = limits.user_24h_limit else {
        return;
    };
    let mut known: HashMap<String, KnownLimit> = platform::get(Area::Local, LIMITS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    known.insert(
        account_id.to_owned(),
        KnownLimit {
            limit,
            at_ms: platform::now_ms(),
        },
    );
    let _ = platform::set(Area::Local, LIMITS_KEY, &known).await;
}

/// Handles a schedule message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    let answer = match msg {
        Msg::ScheduleAdd {
            account_id,
            posts,
            due_at_ms,
        } => {
            check_posts(&account_id, &posts).await?;
            let draft = Draft {
                account_id: account_id.clone(),
                posts: planned(posts),
                due_at_ms,
            };
            let (id, planned_count) = with_queue(|q, now| {
                let id = q.add(draft, now)?;
                Ok((id, q.busiest_window(&account_id, due_at_ms)))
            })
            .await?;
            let known: HashMap<String, KnownLimit> = platform::get(Area::Local, LIMITS_KEY)
                .await?
                .unwrap_or_default();
            let mut answer = json!({ "id": id.0 });
            if let Some(limit) = known.get(&account_id)
                && planned_count as u64 > limit.limit
            {
                answer["warning"] = json!({
                    "code": "schedule_over_24h_limit",
                    "planned": planned_count,
                    "limit": limit.limit,
                });
            }
            answer
        }
        Msg::ScheduleList => return list().await,
        Msg::ScheduleEdit { id, posts } => {
            let account_id = {
                let _lock = QUEUE_LOCK.lock().await;
                load()
                    .await?
                    .get(ItemId(id))
                    .map(|i| i.account_id.clone())
                    .ok_or_else(|| schedule_err(ScheduleError::NotFound { id: ItemId(id) }))?
            };
            check_posts(&account_id, &posts).await?;
            let posts = planned(posts);
            with_queue(|q, _| q.edit(ItemId(id), posts)).await?;
            json!({})
        }
        Msg::ScheduleReschedule { id, due_at_ms } => {
            with_queue(|q, now| q.reschedule(ItemId(id), due_at_ms, now)).await?;
            json!({})
        }
        Msg::ScheduleCancel { id } => {
            let item = with_queue(|q, now| {
                q.cancel(ItemId(id), now)?;
                Ok(q.get(ItemId(id)).cloned())
            })
            .await?;
            if let Some(item) = item {
                forget_item_media(&item).await;
            }
            json!({})
        }
        Msg::SchedulePostNow { id } => {
            with_queue(|q, now| q.post_now(ItemId(id), now)).await?;
            json!({})
        }
        Msg::ScheduleRetry { id } => {
            with_queue(|q, now| q.retry(ItemId(id), now)).await?;
            json!({})
        }
        Msg::ScheduleResolve { id, resolution } => {
            with_queue(|q, now| q.resolve(ItemId(id), resolution, now)).await?;
            json!({})
        }
        Msg::ScheduleRemove { id } => {
            with_queue(|q, _| q.remove(ItemId(id))).await?;
            json!({})
        }
    };
    // Every change re-arms the alarm; anything now due goes out without waiting for it.
    kick();
    Ok(answer)
}

async fn forget_item_media(item: &Item) {
    msg_compose::forget_media(
        item.posts
            .iter()
            .flat_map(|p| p.media.iter().map(|m| m.local_id.clone())),
    )
    .await;
}

/// One item as the queue view draws it.
#[derive(Serialize)]
struct ItemView<'a> {
    id: u64,
    account_id: &'a str,
    username: Option<&'a str>,
    state: &'a State,
    due_at_ms: u64,
    /// When it goes out next (for the countdown), if it waits for a time.
    wake_at_ms: Option<u64>,
    late: bool,
    attempts: u32,
    posts: Vec<PostView<'a>>,
    posted: Vec<PostedView>,
    history: &'a [crate::schedule::HistoryEntry],
}

#[derive(Serialize)]
struct PostView<'a> {
    text: &'a str,
    media: Vec<MediaView<'a>>,
}

#[derive(Serialize)]
struct MediaView<'a> {
    media_id: &'a str,
    alt: &'a str,
}

#[derive(Serialize)]
struct PostedView {
    id: Option<String>,
    url: Option<String>,
    at_ms: u64,
    via: PostedVia,
}

fn view<'a>(item: &'a Item, names: &'a HashMap<String, String>) -> ItemView<'a> {
    let username = names.get(&item.account_id).map(String::as_str);
    ItemView {
        id: item.id.0,
        account_id: &item.account_id,
        username,
        state: &item.state,
        due_at_ms: item.due_at_ms,
        wake_at_ms: item.state.wake_at(),
        late: item.late,
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
    }
}

async fn list() -> Result<Value, AppError> {
    let queue = {
        let _lock = QUEUE_LOCK.lock().await;
        load().await?
    };
    if let Ok(open) = session::open(false).await {
        remember_usernames(&open).await;
    }
    let names: HashMap<String, String> = platform::get(Area::Local, USERNAMES_KEY)
        .await?
        .unwrap_or_default();
    let upcoming: Vec<ItemView> = queue
        .upcoming()
        .into_iter()
        .map(|i| view(i, &names))
        .collect();
    let past: Vec<ItemView> = queue.past().into_iter().map(|i| view(i, &names)).collect();
    Ok(json!({
        "now_ms": platform::now_ms(),
        "upcoming": upcoming,
        "past": past,
        "needs_user": queue.needs_user_count(),
    }))
}

/// Sets (or clears) the one `schedule` alarm from the stored queue.
async fn reconcile() -> Result<(), AppError> {
    let queue = {
        let _lock = QUEUE_LOCK.lock().await;
        load().await?
    };
    match queue.next_wake(platform::now_ms()) {
        Some(when) => platform::set_repeating_alarm(ALARM, when, BACKSTOP_PERIOD_MINUTES).await,
        None => platform::clear_alarm(ALARM).await,
    }
}

/// The notification that says scheduled posts are paused because storage failed.
const STORAGE_NOTIFICATION: &str = "schedule_storage";

/// Starts a firing run in the background (after a change, or an unlock).
fn kick() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = fire().await;
    });
}

/// Once per worker life, before anything is sent: items left `Sending` by a stopped worker have
/// an unknown outcome, and items that fell due while nothing ran are late.
async fn ensure_recovered() -> Result<(), AppError> {
    if RECOVERED.with(Cell::get) {
        return Ok(());
    }
    let hold_late = session::settings().await?.hold_late;
    let report = with_queue(|q, now| Ok(q.recover(now, hold_late))).await?;
    RECOVERED.with(|r| r.set(true));
    for id in report.needs_confirmation.iter().chain(&report.failed) {
        notify_item(*id).await;
    }
    Ok(())
}

/// Sends everything that is due, then re-arms the alarm. Runs one at a time: a trigger that
/// arrives meanwhile makes the running one look again.
async fn fire() -> Result<(), AppError> {
    if FIRING.with(Cell::get) {
        FIRE_AGAIN.with(|f| f.set(true));
        return Ok(());
    }
    FIRING.with(|f| f.set(true));
    let _guard = FiringGuard;
    let mut result = Ok(());
    loop {
        FIRE_AGAIN.with(|f| f.set(false));
        if let Err(e) = send_due().await {
            result = Err(e);
        }
        if !FIRE_AGAIN.with(Cell::get) {
            break;
        }
    }
    if let Err(e) = &result
        && (e.code == "platform_storage" || e.code == "storage_malformed")
    {
        // Nothing was uploaded or sent after the failed write; say so instead of retrying
        // silently every 30 s.
        let title = platform::message("scheduleNotifyStorageTitle", &[]);
        let text = platform::message("scheduleNotifyStorageText", &[]);
        let _ = platform::notify(STORAGE_NOTIFICATION, &title, &text).await;
    }
    reconcile().await?;
    result
}

async fn send_due() -> Result<(), AppError> {
    ensure_recovered().await?;
    // Bounded: every send moves its item out of the due set or to a later time.
    for _ in 0..1000 {
        let next = {
            let _lock = QUEUE_LOCK.lock().await;
            load().await?.sendable(platform::now_ms()).first().copied()
        };
        let Some(id) = next else {
            return Ok(());
        };
        let open = match session::open(false).await {
            Ok(open) => open,
            Err(_) => {
                let waiting = with_queue(|q, now| {
                    q.mark_needs_unlock(now);
                    Ok(q.items()
                        .iter()
                        .filter(|i| matches!(i.state, State::NeedsUnlock { .. }))
                        .count())
                })
                .await?;
                notify_unlock(waiting).await;
                return Ok(());
            }
        };
        remember_usernames(&open).await;
        send_item(id, &open).await?;
    }
    Ok(())
}

fn jitter() -> f64 {
    match platform::random_bytes::<4>() {
        Ok(b) => f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    }
}

/// Records what became of a begun step, persists, and tells the user when it matters.
async fn finish(id: ItemId, outcome: Outcome) -> Result<(), AppError> {
    let item = with_queue(|q, now| {
        q.complete(id, outcome, now, jitter())?;
        Ok(q.get(id).cloned())
    })
    .await?;
    if let Some(item) = item {
        match item.state {
            State::Sent { .. } => {
                forget_item_media(&item).await;
                if session::settings().await?.notify_sent {
                    notify_item(id).await;
                }
            }
            State::Failed { .. } | State::NeedsConfirmation { .. } => notify_item(id).await,
            _ => {}
        }
    }
    Ok(())
}

/// Sends the next step of one due item.
async fn send_item(id: ItemId, open: &session::Open) -> Result<(), AppError> {
    let step = {
        let _lock = QUEUE_LOCK.lock().await;
        load().await?.next_step(id)
    };
    let Ok(step) = step else {
        // Changed meanwhile (cancelled, sent): nothing to do.
        return Ok(());
    };
    let Some(account) = open.doc.get(&step.account_id) else {
        with_queue(|q, now| q.begin(id, now)).await?;
        return finish(
            id,
            Outcome::Permanent {
                code: "account_not_found".to_owned(),
            },
        )
        .await;
    };
    let keys = account.keys.clone();
    let creds = Credentials {
        consumer_key: &keys.api_key,
        consumer_secret: &keys.api_secret,
        token: &keys.access_token,
        token_secret: &keys.access_token_secret,
    };
    // A write before any upload: when storage is full or failing, the run stops here, before
    // media are uploaded that could never be recorded (the next run would upload them again).
    with_queue(|_, _| Ok(())).await?;
    // Uploading is not posting: it happens before `begin`, so a stop meanwhile leaves nothing
    // in doubt.
    let mut media_ids = Vec::new();
    let mut upload_error = None;
    for media in &step.media {
        match msg_compose::upload(&media.local_id, &media.alt_text, &creds, None).await {
            Ok(media_id) => media_ids.push(media_id),
            Err(e) => {
                upload_error = Some(e);
                break;
            }
        }
    }
    // Begins only if the queue still holds exactly the step prepared above: an edit made
    // during the upload makes the next pass prepare the edited content instead.
    match try_with_queue(|q, now| q.begin_prepared(&step, now)).await? {
        Ok(_) => {}
        // Persisted by try_with_queue: the user is asked.
        Err(ScheduleError::NeedsConfirmation { .. }) => {
            notify_item(id).await;
            return Ok(());
        }
        // Edited, rescheduled, cancelled or sent meanwhile: nothing to send now.
        Err(e) if e.is_not_sendable_now() => return Ok(()),
        Err(e) => return Err(schedule_err(e)),
    }
    if let Some(e) = upload_error {
        let retry_at_s = e.details.get("retry_at").and_then(Value::as_u64);
        return finish(id, Outcome::before_request(&e.code, retry_at_s)).await;
    }
    // The queue now says `Sending` on disk: whatever happens next, no second post.
    let new_post = x::NewPost {
        text: step.text.clone(),
        in_reply_to: step.in_reply_to.clone(),
        media_ids,
    };
    let outcome = match signed_send(x::create_post(api_base(), &new_post), &creds).await {
        Ok(resp) => {
            remember_limit(&step.account_id, &RateLimits::from_response(&resp)).await;
            Outcome::of_response(&resp)
        }
        Err(e) => Outcome::of_send_failure(&e.code, platform::browser_online()),
    };
    let outcome = match outcome {
        Outcome::Permanent { code } if code == "x_unauthorized" => {
            // A 401 to a post is not always bad keys: when a connection drops after X took the
            // post, the browser silently repeats the request with the same nonce, and that
            // replay is refused with 401. Keys that still verify mean the post may be on X.
            match signed_send(x::users_me(api_base()), &creds).await {
                Ok(resp) if x::parse_users_me(&resp).is_ok() => Outcome::Unknown { code },
                _ => Outcome::Permanent { code },
            }
        }
        other => other,
    };
    finish(id, outcome).await
}

async fn notify_unlock(waiting: usize) {
    if waiting == 0 {
        return;
    }
    let title = platform::message("scheduleNotifyUnlockTitle", &[]);
    let text = platform::message("scheduleNotifyUnlockText", &[&waiting.to_string()]);
    let _ = platform::notify(UNLOCK_NOTIFICATION, &title, &text).await;
}

fn preview(item: &Item) -> String {
    let text = item.posts.first().map(|p| p.text.as_str()).unwrap_or("");
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push('…');
    }
    short
}

/// Tells the user about one item's state (sent, failed, waiting for a decision).
async fn notify_item(id: ItemId) {
    let queue = {
        let _lock = QUEUE_LOCK.lock().await;
        match load().await {
            Ok(q) => q,
            Err(_) => return,
        }
    };
    let Some(item) = queue.get(id) else {
        return;
    };
    let text = preview(item);
    let (key, detail) = match &item.state {
        State::Sent { .. } => ("scheduleNotifySent", String::new()),
        State::Failed { code, .. } => ("scheduleNotifyFailed", error_text(code)),
        State::NeedsConfirmation { reason, .. } => (
            "scheduleNotifyConfirm",
            platform::message(confirm_key(*reason), &[]),
        ),
        _ => return,
    };
    let title = platform::message(&format!("{key}Title"), &[]);
    let body = platform::message(&format!("{key}Text"), &[&text, &detail]);
    let _ = platform::notify(&format!("schedule_item_{}", id.0), &title, &body).await;
}

fn confirm_key(reason: ConfirmReason) -> &'static str {
    match reason {
        ConfirmReason::UnknownOutcome => "scheduleReasonUnknownOutcome",
        ConfirmReason::Late => "scheduleReasonLate",
        ConfirmReason::ReplyTargetUnknown => "scheduleReasonReplyTargetUnknown",
    }
}

fn error_text(code: &str) -> String {
    let text = platform::message(&format!("err_{code}"), &[]);
    if text.is_empty() {
        code.to_owned()
    } else {
        text
    }
}

/// The vault was just unlocked: posts that waited for it go out at once.
pub async fn unlocked() {
    if with_queue(|q, now| Ok(q.unlocked(now))).await.is_ok() {
        let _ = platform::clear_notification(UNLOCK_NOTIFICATION).await;
    }
    let _ = fire().await;
}

/// Starts [`unlocked`] without making the caller wait for the posts.
pub fn spawn_unlocked() {
    wasm_bindgen_futures::spawn_local(unlocked());
}

/// The `schedule` alarm fired.
pub async fn on_alarm() {
    let _ = fire().await;
}

/// A worker start (top-level code, `onStartup`, `onInstalled`): recover once, send what is
/// due, and set the alarm from the stored queue.
pub async fn on_worker_start() {
    let _ = fire().await;
}

/// A notification was clicked: the unlock one opens the options page (where the vault is
/// unlocked), the others open the queue view.
pub async fn on_notification_click(id: &str) {
    if !id.starts_with("schedule_") {
        return;
    }
    let _ = if id == UNLOCK_NOTIFICATION {
        platform::open_options_page().await
    } else {
        platform::open_tab("queue.html").await
    };
    let _ = platform::clear_notification(id).await;
}
