//! Firing: sending what is due, one step at a time, then setting the one alarm.
//!
//! The driver starts a run at the `schedule` alarm, at every worker start, after every schedule
//! message that changed the queue and after an unlock, and settles what each step of it changed
//! (the badge: `settle`, passed in). The core chooses what goes ([`Queue::sendable`]), what X's answer means
//! ([`Outcome`]) and when to wake ([`Queue::next_wake`]); this file does the I/O in the order
//! the core's notes ask for: media are uploaded before `begin`, the queue is persisted after
//! `begin` and before `POST /2/tweets`, and the answer is recorded with `complete`.
//!
//! [`Queue::sendable`]: crate::schedule::Queue::sendable
//! [`Queue::next_wake`]: crate::schedule::Queue::next_wake

use std::cell::Cell;

use serde_json::Value;

use super::notify::{clear_unlock, notify_item, notify_storage_fault, notify_unlock};
use super::store::{
    read, read_loaded, remember_limit, remember_usernames, reserve_room, try_with_queue, with_queue,
};
use crate::accounts::Keys;
use crate::compose::SentPost;
use crate::leak;
use crate::schedule::gate;
use crate::schedule::run::Action;
use crate::schedule::{ItemId, MAX_PAST_ITEMS, Run, State, UploadFailed, notice};
use crate::worker::platform;
use crate::worker::{AppError, at_rest, history, media, send, session, upload};
use crate::x::RateLimits;

/// The one alarm that wakes the worker for the next due item.
pub const ALARM: &str = "schedule";

/// After its first firing the alarm repeats every this many minutes until a firing run ends and
/// sets it again: a worker stopped mid-run (or before it handled the alarm) is woken again
/// instead of waiting for an event that never comes. Chrome raises this to 30 s for packed
/// extensions; unpacked ones (the tests) get 3 s.
// Stays in the worker: how often Chrome may wake it is a fact of chrome.alarms, not a rule of posting.
const BACKSTOP_PERIOD_MINUTES: f64 = 0.05;

thread_local! {
    /// A firing run is under way.
    static FIRING: Cell<bool> = const { Cell::new(false) };
    /// Something asked for a run while one was under way: it looks again before it ends.
    static FIRE_AGAIN: Cell<bool> = const { Cell::new(false) };
    /// This worker has run the core's recovery.
    static RECOVERED: Cell<bool> = const { Cell::new(false) };
}

/// Clears [`FIRING`] however a firing run ends.
struct FiringGuard;

impl Drop for FiringGuard {
    fn drop(&mut self) {
        FIRING.with(|f| f.set(false));
    }
}

/// Whether a firing run is under way (the `test_idle` hook).
#[cfg(feature = "test-hooks")]
pub fn firing() -> bool {
    FIRING.with(Cell::get)
}

/// The vault was just unlocked: posts that waited for it go out at once.
pub async fn unlocked(settle: fn()) {
    if with_queue(|q, now| Ok(q.unlocked(now))).await.is_ok() {
        clear_unlock().await;
    }
    let _ = fire(settle).await;
}

/// Once per worker life, before anything is sent: items left `Sending` by a stopped worker have
/// an unknown outcome, and items that fell due while nothing ran are late.
async fn ensure_recovered() -> Result<(), AppError> {
    if RECOVERED.with(Cell::get) {
        return Ok(());
    }
    // Late posts are held by the late policy (`late_notice::apply`, before this), not here.
    let report = with_queue(|q, now| Ok(q.recover(now, false))).await?;
    RECOVERED.with(|r| r.set(true));
    for id in report.needs_confirmation.iter().chain(&report.failed) {
        notify_item(*id).await;
    }
    Ok(())
}

/// Sends everything that is due, then re-arms the alarm. Runs one at a time: a trigger that
/// arrives meanwhile makes the running one look again. `settle` is the driver's, run after
/// each step, so that what a step changed (the badge) shows while the run goes on. At the
/// `schedule` alarm, at every worker start, and started by the driver.
pub async fn fire(settle: fn()) -> Result<(), AppError> {
    if FIRING.with(Cell::get) {
        FIRE_AGAIN.with(|f| f.set(true));
        return Ok(());
    }
    FIRING.with(|f| f.set(true));
    let _guard = FiringGuard;
    // Each pass below re-judges late posts: one taken out of the lock's wait by an unlock
    // is judged before it goes.
    let mut result = Ok(());
    loop {
        FIRE_AGAIN.with(|f| f.set(false));
        if let Err(e) = send_due(settle).await {
            result = Err(e);
        }
        if !FIRE_AGAIN.with(Cell::get) {
            break;
        }
    }
    if let Err(e) = &result
        && notice::is_storage_fault(&e.code)
    {
        // Say so instead of retrying silently every 30 s.
        notify_storage_fault().await;
    }
    reconcile().await?;
    result
}

/// Sends the sendable items one step at a time, each time taking the first the stored queue
/// offers now; with the vault locked, the due items wait for it instead.
async fn send_due(settle: fn()) -> Result<(), AppError> {
    // Before every send, and before the recovery marks them late: each late post follows its
    // policy (after sleep the worker may not have stopped, so this is not only at its start).
    super::late_notice::apply().await?;
    settle();
    ensure_recovered().await?;
    settle();
    // Bounded: every send moves its item out of the due set or to a later time.
    // Stays in the worker: a bound on one run's loop (each send moves its item on), not a policy.
    for _ in 0..1000 {
        let now = crate::worker::clock::now().await;
        let next = read().await?.sendable(now).first().copied();
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
        settle();
    }
    Ok(())
}

/// A random number in `0..=1` that spreads retries (one half when the platform has none).
fn jitter() -> f64 {
    match platform::random_bytes::<4>() {
        Ok(b) => f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    }
}

/// Sends the next step of one due item: runs the core's [`Run`] (the gate, room to record,
/// uploads, begin, the post, the record, what follows), doing each action it asks for.
async fn send_item(id: ItemId, open: &session::Open) -> Result<(), AppError> {
    let loaded = read_loaded().await?;
    let Ok(prepared) = loaded.queue.next_step(id) else {
        // Changed meanwhile (cancelled, sent): nothing to do.
        return Ok(());
    };
    let has_contents = loaded.has_contents(id);
    drop(loaded);
    let unlocked = has_contents || at_rest::current_dek().await.is_some();
    let account = open.doc.get(&prepared.account_id);
    let leak = leak::check_step(
        prepared.step,
        &prepared.text,
        prepared.media.iter().map(|m| m.alt_text.as_str()),
        &leak::secrets_of(&open.doc),
    )
    .err();
    let facts = gate::Facts {
        has_contents,
        unlocked,
        account_known: account.is_some(),
        leak: leak.as_ref(),
    };
    let notify_sent = session::settings().await?.notify_sent;
    let (mut machine, mut action) = Run::start(prepared, &facts, notify_sent);
    let keys = account.map(|a| a.keys.clone());
    let creds = keys.as_ref().map(Keys::credentials);
    let username = account
        .and_then(|a| a.user.as_ref())
        .map(|u| u.username.clone())
        .unwrap_or_default();
    // The item as its outcome was recorded: the images to forget.
    let mut recorded = None;
    loop {
        action = match action {
            Action::Done => return Ok(()),
            Action::ReserveRoom => {
                // When storage is full or failing the run stops here, before media go up that
                // could never be recorded.
                reserve_room().await?;
                machine.room()
            }
            Action::Upload { local_id, alt } => {
                let creds = creds
                    .as_ref()
                    .ok_or_else(|| AppError::new("account_not_found"))?;
                let uploaded = upload::image(&local_id, &alt, creds, None)
                    .await
                    .map_err(|e| UploadFailed {
                        retry_at_s: e.details.get("retry_at").and_then(Value::as_u64),
                        code: e.code,
                    });
                machine.uploaded(uploaded)
            }
            Action::Begin(step) => {
                // A `NeedsConfirmation` refusal is persisted by try_with_queue.
                let begun = try_with_queue(|q, now| q.begin_prepared(&step, now)).await?;
                machine.begun(begun.map(|_| ()))?
            }
            Action::Post(new_post) => {
                let creds = creds
                    .as_ref()
                    .ok_or_else(|| AppError::new("account_not_found"))?;
                // The one send path (the composer runs the same): a 401 whose keys still
                // verify is an unknown outcome, never "not posted".
                let attempted = send::post(&new_post, creds).await;
                if let Ok(resp) = &attempted.answer {
                    remember_limit(
                        &machine.step().account_id,
                        resp.status,
                        &RateLimits::from_response(resp),
                    )
                    .await;
                }
                machine.posted(attempted.outcome)
            }
            Action::Finish(outcome) => {
                recorded = with_queue(|q, now| {
                    q.complete(id, outcome, now, jitter())?;
                    q.prune_past(MAX_PAST_ITEMS);
                    Ok(q.get(id).cloned())
                })
                .await?;
                machine.finished(recorded.as_ref().map(|i| &i.state))
            }
            Action::ForgetMedia => {
                if let Some(item) = &recorded {
                    media::forget_item(item).await;
                }
                machine.followed()
            }
            Action::Notify => {
                notify_item(id).await;
                machine.followed()
            }
            Action::RecordSent { post_id } => {
                // The popup's Sent list shows scheduled posts too. The queue, stored already,
                // is what counts: a history that cannot be written loses only this line of it.
                let step = machine.step();
                let post = SentPost::new(
                    &step.account_id,
                    &username,
                    &post_id,
                    &step.text,
                    crate::worker::clock::now().await,
                );
                let _ = history::record(post, &open.dek).await;
                machine.followed()
            }
        };
    }
}

/// Sets (or clears) the one `schedule` alarm from the stored queue.
async fn reconcile() -> Result<(), AppError> {
    match read().await?.next_wake(crate::worker::clock::now().await) {
        Some(when) => {
            let when = crate::worker::clock::to_browser(when).await;
            platform::set_repeating_alarm(ALARM, when, BACKSTOP_PERIOD_MINUTES).await
        }
        None => platform::clear_alarm(ALARM).await,
    }
}
