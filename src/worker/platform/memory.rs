//! An in-memory browser behind the [platform facade](super), so that the worker runs natively
//! under `cargo test`: `chrome.storage`, alarms, notifications, the toolbar badge, tabs, the
//! media store, `fetch`, a manual clock, seeded randomness and a task queue, all in one
//! [`BrowserState`] that a test sets up and reads back.
//!
//! **For native tests only, never shipped.** The extension is the wasm32 build, which binds to
//! the real browser (`web.rs`); this module is compiled for other targets only. Its randomness
//! is a seeded, deterministic generator, not a CSPRNG.
//!
//! How a test drives the worker:
//! - A [`MemoryBrowser`] (a cheap `Clone` handle on shared state) is installed on the current
//!   thread with [`MemoryBrowser::install`]; every facade call on that thread uses it, and
//!   panics when none is installed.
//! - One worker lifetime is one thread: [`MemoryBrowser::run_worker`] runs a closure on a new
//!   thread with the same browser installed, so every `thread_local!` of the worker starts
//!   fresh, as in a restarted service worker, while `storage.local` and `storage.session` are
//!   kept. [`MemoryBrowser::browser_restart`] is the browser's own restart: `storage.session`,
//!   alarms, notifications and the badge are gone.
//! - [`MemoryBrowser::fork`] copies a browser, to replay one operation from the same start
//!   (a stop at each of its await points) without redoing the setup.
//! - [`block_on`] runs a future, and the tasks it spawns, to completion. Every storage call
//!   and every `send` does its work at once and then yields to the executor once before it
//!   completes, so [`run_stopping_after`] can stop the worker after any number of polls: after
//!   `k` polls of a future that awaits only storage, exactly its first `k` storage calls have
//!   happened (the last one's answer never seen), as when Chrome stops a worker mid-call.
//! - The clock stands still until a test moves it ([`MemoryBrowser::set_now`],
//!   [`MemoryBrowser::advance`]); `sleep` and `sleep_awake` move it by their duration, yield
//!   once, and complete without waiting.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use futures::executor::{LocalPool, LocalSpawner};
use futures::task::LocalSpawnExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::types::{Area, MediaInfo, StoredMedia};
use crate::civil::{self, Civil};
use crate::http::{HttpRequest, HttpResponse};
use crate::worker::error::AppError;

/// The clock's start in a new browser: 2026-01-01T00:00:00Z.
pub const DEFAULT_NOW_MS: u64 = 1_767_225_600_000;
/// The random generator's seed in a new browser.
pub const DEFAULT_SEED: u64 = 0x006b_6579_706f_7374;

/// What answers the worker's `fetch` calls: a test's fake of X.
pub type FetchHandler = Box<dyn FnMut(&HttpRequest) -> Result<HttpResponse, AppError> + Send>;

/// A `chrome.alarms` alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct Alarm {
    /// When it fires next (Unix milliseconds).
    pub scheduled_ms: u64,
    /// How often it fires again, for a repeating alarm.
    pub period_minutes: Option<f64>,
}

/// A notification on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Its title.
    pub title: String,
    /// Its text.
    pub message: String,
}

/// The toolbar button as the worker last set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionState {
    /// The badge's text.
    pub badge_text: String,
    /// The badge's colour.
    pub badge_color: String,
    /// The tooltip.
    pub title: String,
}

/// A page the worker opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The options page (`chrome.runtime.openOptionsPage`).
    OptionsPage,
    /// One of the extension's pages in a new tab (`path` inside the package).
    Tab(String),
}

/// One storage write the worker asked for: `set`, `set_many` or `remove`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The area.
    pub area: Area,
    /// The keys it wrote (or removed), in the call's order.
    pub keys: Vec<String>,
    /// Whether it was a `remove`.
    pub removed: bool,
    /// Whether it was applied (a failed write changed nothing).
    pub ok: bool,
}

/// Everything the in-memory browser holds. A test reads and changes it through
/// [`MemoryBrowser::with_state`] or the handle's helpers.
pub struct BrowserState {
    /// `chrome.storage.local`.
    pub local: BTreeMap<String, Value>,
    /// `chrome.storage.session`.
    pub session: BTreeMap<String, Value>,
    /// The clock (Unix milliseconds).
    pub now_ms: u64,
    /// The alarms, by name.
    pub alarms: BTreeMap<String, Alarm>,
    /// The notifications on screen, by id.
    pub notifications: BTreeMap<String, Notification>,
    /// The toolbar button.
    pub action: ActionState,
    /// The pages the worker opened, in order.
    pub opened: Vec<Opened>,
    /// The media store, by id.
    pub media: BTreeMap<String, StoredMedia>,
    /// `navigator.onLine`.
    pub online: bool,
    /// The user's zone: local time minus UTC, in milliseconds, all year.
    pub zone_offset_ms: i64,
    /// `storage.local`'s quota in bytes (each key's length plus its value's JSON length, as
    /// Chrome counts `QUOTA_BYTES`); `None` for no limit.
    pub local_quota_bytes: Option<usize>,
    /// Every write asked for, in order.
    pub writes: Vec<Write>,
    /// Every request sent, in order.
    pub requests: Vec<HttpRequest>,
    /// How many more writes succeed before every write fails; `None` for no failure.
    writes_before_failure: Option<usize>,
    /// The random generator's state (splitmix64).
    rng: u64,
    /// Answers `fetch`; `None` is a browser without a network (`offline`).
    fetch: Option<FetchHandler>,
}

impl BrowserState {
    fn new(seed: u64) -> Self {
        BrowserState {
            local: BTreeMap::new(),
            session: BTreeMap::new(),
            now_ms: DEFAULT_NOW_MS,
            alarms: BTreeMap::new(),
            notifications: BTreeMap::new(),
            action: ActionState::default(),
            opened: Vec::new(),
            media: BTreeMap::new(),
            online: true,
            zone_offset_ms: 0,
            local_quota_bytes: None,
            writes: Vec::new(),
            requests: Vec::new(),
            writes_before_failure: None,
            rng: seed,
            fetch: None,
        }
    }

    fn area(&self, area: Area) -> &BTreeMap<String, Value> {
        match area {
            Area::Local => &self.local,
            Area::Session => &self.session,
        }
    }

    fn area_mut(&mut self, area: Area) -> &mut BTreeMap<String, Value> {
        match area {
            Area::Local => &mut self.local,
            Area::Session => &mut self.session,
        }
    }

    /// The next 8 bytes of the seeded generator (splitmix64).
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Applies one write (`Some` sets a key, `None` removes it) whole, or fails and changes
    /// nothing: the injected failure first, then the quota.
    fn write(&mut self, area: Area, entries: Vec<(String, Option<Value>)>) -> Result<(), AppError> {
        let removed = entries.iter().all(|(_, v)| v.is_none());
        let keys = entries.iter().map(|(k, _)| k.clone()).collect();
        let ok = self.write_allowed(area, &entries);
        self.writes.push(Write {
            area,
            keys,
            removed,
            ok,
        });
        if !ok {
            return Err(AppError::new("platform_storage"));
        }
        let map = self.area_mut(area);
        for (key, value) in entries {
            match value {
                Some(v) => map.insert(key, v),
                None => map.remove(&key),
            };
        }
        Ok(())
    }

    fn write_allowed(&mut self, area: Area, entries: &[(String, Option<Value>)]) -> bool {
        match &mut self.writes_before_failure {
            Some(0) => return false,
            Some(n) => *n -= 1,
            None => {}
        }
        let Some(quota) = self.local_quota_bytes.filter(|_| area == Area::Local) else {
            return true;
        };
        let mut after = self.local.clone();
        for (key, value) in entries {
            match value {
                Some(v) => after.insert(key.clone(), v.clone()),
                None => after.remove(key),
            };
        }
        bytes_in_use(&after) <= quota
    }
}

/// An area's size as Chrome counts it: each key's length plus its value's JSON length.
fn bytes_in_use(map: &BTreeMap<String, Value>) -> usize {
    map.iter().map(|(k, v)| k.len() + v.to_string().len()).sum()
}

/// A handle on one in-memory browser (shared: clones see the same state).
#[derive(Clone)]
pub struct MemoryBrowser {
    state: Arc<Mutex<BrowserState>>,
}

impl Default for MemoryBrowser {
    fn default() -> Self {
        MemoryBrowser::new()
    }
}

thread_local! {
    /// The browser the facade uses on this thread.
    static INSTALLED: RefCell<Option<MemoryBrowser>> = const { RefCell::new(None) };
}

impl MemoryBrowser {
    /// An empty browser: no storage, the clock at [`DEFAULT_NOW_MS`], the generator seeded
    /// with [`DEFAULT_SEED`], no network.
    pub fn new() -> Self {
        MemoryBrowser::with_seed(DEFAULT_SEED)
    }

    /// An empty browser whose random generator starts from `seed`.
    pub fn with_seed(seed: u64) -> Self {
        MemoryBrowser {
            state: Arc::new(Mutex::new(BrowserState::new(seed))),
        }
    }

    /// Makes this the browser of every facade call on the current thread.
    pub fn install(&self) {
        INSTALLED.with(|b| *b.borrow_mut() = Some(self.clone()));
    }

    /// The browser installed on the current thread.
    pub fn installed() -> Option<MemoryBrowser> {
        INSTALLED.with(|b| b.borrow().clone())
    }

    /// Runs one worker lifetime: `f` on a new thread with this browser installed, so every
    /// `thread_local!` of the worker (and the task queue) starts empty, as in a restarted
    /// service worker; storage is kept. A panic in `f` is raised again here.
    pub fn run_worker<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        let browser = self.clone();
        let worker = std::thread::Builder::new()
            .name("keypost-worker".to_owned())
            .spawn(move || {
                browser.install();
                f()
            });
        match worker.map(std::thread::JoinHandle::join) {
            Ok(Ok(value)) => value,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(e) => panic!("could not start a worker thread: {e}"),
        }
    }

    /// The browser restarts: `storage.session`, the alarms, the notifications and the badge are
    /// gone; `storage.local`, the media store and the clock are kept. (The worker's own restart
    /// is [`MemoryBrowser::run_worker`].)
    pub fn browser_restart(&self) {
        self.with_state(|s| {
            s.session.clear();
            s.alarms.clear();
            s.notifications.clear();
            s.action = ActionState::default();
        });
    }

    /// A second browser with a copy of this one's state (storage, clock, alarms, notifications,
    /// the toolbar, opened pages, media, settings of the fake network and the generator), but
    /// empty logs of writes and requests and no `fetch` handler: to replay one operation from
    /// the same start many times (a stop at each await point) without redoing the setup.
    pub fn fork(&self) -> MemoryBrowser {
        let s = self.lock();
        let copy = BrowserState {
            local: s.local.clone(),
            session: s.session.clone(),
            now_ms: s.now_ms,
            alarms: s.alarms.clone(),
            notifications: s.notifications.clone(),
            action: s.action.clone(),
            opened: s.opened.clone(),
            media: s.media.clone(),
            online: s.online,
            zone_offset_ms: s.zone_offset_ms,
            local_quota_bytes: s.local_quota_bytes,
            writes: Vec::new(),
            requests: Vec::new(),
            writes_before_failure: s.writes_before_failure,
            rng: s.rng,
            fetch: None,
        };
        MemoryBrowser {
            state: Arc::new(Mutex::new(copy)),
        }
    }

    /// Reads or changes the whole state (under its lock: `f` must not call this handle's other
    /// methods, nor the facade).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut BrowserState) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, BrowserState> {
        // A test that panicked while holding it leaves the state as it was.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ----- storage -----

    /// One key of an area, as stored.
    pub fn stored(&self, area: Area, key: &str) -> Option<Value> {
        self.lock().area(area).get(key).cloned()
    }

    /// The keys of an area, sorted.
    pub fn keys(&self, area: Area) -> Vec<String> {
        self.lock().area(area).keys().cloned().collect()
    }

    /// Stores a key directly (not counted as the worker's write).
    pub fn put(&self, area: Area, key: &str, value: Value) {
        self.lock().area_mut(area).insert(key.to_owned(), value);
    }

    /// The next `n` writes succeed, then every write fails with `platform_storage` (and
    /// changes nothing) until [`MemoryBrowser::heal`].
    pub fn fail_writes_after(&self, n: usize) {
        self.lock().writes_before_failure = Some(n);
    }

    /// Writes succeed again.
    pub fn heal(&self) {
        self.lock().writes_before_failure = None;
    }

    /// Sets (or, with `None`, lifts) `storage.local`'s quota in bytes.
    pub fn set_local_quota(&self, bytes: Option<usize>) {
        self.lock().local_quota_bytes = bytes;
    }

    /// `storage.local`'s size as the quota counts it.
    pub fn local_bytes_in_use(&self) -> usize {
        bytes_in_use(&self.lock().local)
    }

    /// Every write the worker asked for, in order.
    pub fn writes(&self) -> Vec<Write> {
        self.lock().writes.clone()
    }

    /// How many writes were applied.
    pub fn write_count(&self) -> usize {
        self.lock().writes.iter().filter(|w| w.ok).count()
    }

    // ----- clock, zone, network -----

    /// The clock.
    pub fn now_ms(&self) -> u64 {
        self.lock().now_ms
    }

    /// Sets the clock.
    pub fn set_now(&self, ms: u64) {
        self.lock().now_ms = ms;
    }

    /// Moves the clock forward.
    pub fn advance(&self, ms: u64) {
        let mut s = self.lock();
        s.now_ms = s.now_ms.saturating_add(ms);
    }

    /// Sets the user's zone (local minus UTC, in minutes, all year).
    pub fn set_zone_offset_minutes(&self, minutes: i64) {
        self.lock().zone_offset_ms = minutes.saturating_mul(60_000);
    }

    /// Sets `navigator.onLine`.
    pub fn set_online(&self, online: bool) {
        self.lock().online = online;
    }

    /// Answers every `fetch` from now on with `handler`.
    pub fn on_fetch(
        &self,
        handler: impl FnMut(&HttpRequest) -> Result<HttpResponse, AppError> + Send + 'static,
    ) {
        self.lock().fetch = Some(Box::new(handler));
    }

    /// No more network: every `fetch` fails with `offline`.
    pub fn unplug(&self) {
        self.lock().fetch = None;
    }

    /// Every request sent, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    // ----- alarms, notifications, the toolbar, tabs, media -----

    /// The alarms, by name.
    pub fn alarms(&self) -> BTreeMap<String, Alarm> {
        self.lock().alarms.clone()
    }

    /// The names of the alarms due at the clock's time, soonest first.
    pub fn due_alarms(&self) -> Vec<String> {
        let s = self.lock();
        let mut due: Vec<(u64, String)> = s
            .alarms
            .iter()
            .filter(|(_, a)| a.scheduled_ms <= s.now_ms)
            .map(|(name, a)| (a.scheduled_ms, name.clone()))
            .collect();
        due.sort();
        due.into_iter().map(|(_, name)| name).collect()
    }

    /// Fires the due alarms as Chrome does (a one-shot alarm is gone, a repeating one moves on
    /// by its period) and returns their names, soonest first: the test then hands each to the
    /// worker's `on_alarm`.
    pub fn take_due_alarms(&self) -> Vec<String> {
        let due = self.due_alarms();
        let mut s = self.lock();
        let now = s.now_ms;
        for name in &due {
            let period = s.alarms.get(name).and_then(|a| a.period_minutes);
            match period {
                Some(minutes) if minutes > 0.0 => {
                    if let Some(alarm) = s.alarms.get_mut(name) {
                        alarm.scheduled_ms = now.saturating_add((minutes * 60_000.0) as u64);
                    }
                }
                _ => {
                    s.alarms.remove(name);
                }
            }
        }
        due
    }

    /// The notifications on screen, by id.
    pub fn notifications(&self) -> BTreeMap<String, Notification> {
        self.lock().notifications.clone()
    }

    /// The toolbar button as the worker last set it.
    pub fn action(&self) -> ActionState {
        self.lock().action.clone()
    }

    /// The pages the worker opened, in order.
    pub fn opened(&self) -> Vec<Opened> {
        self.lock().opened.clone()
    }

    /// Puts an image into the media store, as a page does.
    pub fn put_media(&self, id: &str, media_type: &str, bytes: Vec<u8>) {
        self.lock().media.insert(
            id.to_owned(),
            StoredMedia {
                media_type: media_type.to_owned(),
                bytes,
            },
        );
    }

    /// The ids in the media store, sorted.
    pub fn media_ids(&self) -> Vec<String> {
        self.lock().media.keys().cloned().collect()
    }
}

/// Held by a test while it drives the worker, so that such tests run one at a time. The
/// worker's locks (the vault's, the queue's...) are process-wide statics: a lock held by a
/// test on another thread would otherwise stall this one's worker, and count as one of its
/// await points in [`run_stopping_after`].
pub fn one_worker_at_a_time() -> MutexGuard<'static, ()> {
    static WORKERS: Mutex<()> = Mutex::new(());
    WORKERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The browser installed on this thread.
fn browser() -> MemoryBrowser {
    MemoryBrowser::installed().unwrap_or_else(|| {
        panic!(
            "no MemoryBrowser is installed on this thread: the worker's platform calls natively \
             need one (MemoryBrowser::install, or MemoryBrowser::run_worker)"
        )
    })
}

/// Runs `f` on the installed browser's state.
fn with<R>(f: impl FnOnce(&mut BrowserState) -> R) -> R {
    browser().with_state(f)
}

/// Returns `Pending` once (waking itself at once), then `Ready`: one await point, as a real
/// browser call has.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// One await point.
async fn yield_once() {
    YieldOnce(false).await;
}

// ----- the facade's functions (super), in the order of its sections -----

pub(super) async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Result<Option<T>, AppError> {
    let value = with(|s| s.area(area).get(key).cloned());
    yield_once().await;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|_| AppError::new("storage_malformed")),
    }
}

pub(super) async fn set<T: Serialize>(area: Area, key: &str, value: &T) -> Result<(), AppError> {
    let value = serde_json::to_value(value).map_err(|_| AppError::new("platform_storage"))?;
    write(area, vec![(key.to_owned(), Some(value))]).await
}

pub(super) async fn set_many(area: Area, entries: &[(&str, Value)]) -> Result<(), AppError> {
    let entries = entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Some(v.clone())))
        .collect();
    write(area, entries).await
}

pub(super) async fn remove(area: Area, key: &str) -> Result<(), AppError> {
    write(area, vec![(key.to_owned(), None)]).await
}

async fn write(area: Area, entries: Vec<(String, Option<Value>)>) -> Result<(), AppError> {
    let result = with(|s| s.write(area, entries));
    yield_once().await;
    result
}

pub(super) async fn create_alarm(
    name: &str,
    when_ms: u64,
    period_minutes: Option<f64>,
) -> Result<(), AppError> {
    with(|s| {
        s.alarms.insert(
            name.to_owned(),
            Alarm {
                scheduled_ms: when_ms,
                period_minutes,
            },
        )
    });
    Ok(())
}

pub(super) async fn alarm_at(name: &str) -> Result<Option<u64>, AppError> {
    Ok(with(|s| s.alarms.get(name).map(|a| a.scheduled_ms)))
}

pub(super) async fn clear_alarm(name: &str) -> Result<(), AppError> {
    with(|s| s.alarms.remove(name));
    Ok(())
}

/// The message's name, then its substitutions, each after a `|`: `badgeQueued|3`.
pub(super) fn message(name: &str, substitutions: &[&str]) -> String {
    std::iter::once(name)
        .chain(substitutions.iter().copied())
        .collect::<Vec<_>>()
        .join("|")
}

/// `Tue 2026-03-03 14:30` in the browser's zone.
pub(super) fn local_time(ms: u64) -> String {
    let utc = i64::try_from(ms).unwrap_or(i64::MAX);
    let local = utc.saturating_add(zone_offset_ms(utc));
    let c = Civil::of(local);
    let weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .get(civil::weekday(local.div_euclid(civil::DAY)) as usize)
        .copied()
        .unwrap_or("");
    format!(
        "{weekday} {:04}-{:02}-{:02} {:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

pub(super) fn zone_offset_ms(_utc_ms: i64) -> i64 {
    with(|s| s.zone_offset_ms)
}

pub(super) async fn notify(id: &str, title: &str, text: &str) -> Result<(), AppError> {
    let shown = Notification {
        title: title.to_owned(),
        message: text.to_owned(),
    };
    with(|s| s.notifications.insert(id.to_owned(), shown));
    Ok(())
}

pub(super) async fn clear_notification(id: &str) -> Result<(), AppError> {
    with(|s| s.notifications.remove(id));
    Ok(())
}

pub(super) async fn set_badge_text(text: &str) -> Result<(), AppError> {
    with(|s| s.action.badge_text = text.to_owned());
    Ok(())
}

pub(super) async fn set_badge_color(color: &str) -> Result<(), AppError> {
    with(|s| s.action.badge_color = color.to_owned());
    Ok(())
}

pub(super) async fn set_action_title(title: &str) -> Result<(), AppError> {
    with(|s| s.action.title = title.to_owned());
    Ok(())
}

pub(super) async fn open_options_page() -> Result<(), AppError> {
    with(|s| s.opened.push(Opened::OptionsPage));
    Ok(())
}

pub(super) async fn open_tab(path: &str) -> Result<(), AppError> {
    with(|s| s.opened.push(Opened::Tab(path.to_owned())));
    Ok(())
}

pub(super) async fn media_get(id: &str) -> Result<Option<StoredMedia>, AppError> {
    Ok(with(|s| s.media.get(id).cloned()))
}

pub(super) async fn media_info(id: &str) -> Result<Option<MediaInfo>, AppError> {
    Ok(with(|s| {
        s.media.get(id).map(|m| MediaInfo {
            media_type: m.media_type.clone(),
            size: m.bytes.len() as u64,
        })
    }))
}

pub(super) async fn media_delete(id: &str) -> Result<(), AppError> {
    with(|s| s.media.remove(id));
    Ok(())
}

pub(super) fn browser_online() -> bool {
    with(|s| s.online)
}

/// Hands the request to the test's handler (`offline` without one), then yields once. The
/// handler decides about timeouts (it answers `timeout`), so `_timeout_ms` is not used.
pub(super) async fn send(req: &HttpRequest, _timeout_ms: u32) -> Result<HttpResponse, AppError> {
    let browser = browser();
    // The handler runs without the state's lock, so that it may use the browser itself.
    let handler = browser.with_state(|s| {
        s.requests.push(req.clone());
        s.fetch.take()
    });
    let result = match handler {
        Some(mut handler) => {
            let result = handler(req);
            // Unless the handler installed another meanwhile.
            browser.with_state(|s| {
                s.fetch.get_or_insert(handler);
            });
            result
        }
        None => Err(AppError::new("offline")),
    };
    yield_once().await;
    result
}

pub(super) fn now_ms() -> u64 {
    with(|s| s.now_ms)
}

/// Seeded and deterministic: test-only, not a CSPRNG.
pub(super) fn fill_random(buf: &mut [u8]) -> Result<(), AppError> {
    with(|s| {
        for chunk in buf.chunks_mut(8) {
            let bytes = s.next_random().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    });
    Ok(())
}

/// Moves the clock by `ms` and yields once.
pub(super) async fn sleep_awake(ms: u64) {
    with(|s| s.now_ms = s.now_ms.saturating_add(ms));
    yield_once().await;
}

pub(super) async fn sleep(ms: u32) {
    sleep_awake(u64::from(ms)).await;
}

// ----- the task queue -----

/// This thread's tasks: what the worker spawned, run by [`block_on`] and [`run_until_idle`].
struct Executor {
    pool: RefCell<LocalPool>,
    spawner: RefCell<LocalSpawner>,
}

thread_local! {
    static EXECUTOR: Executor = {
        let pool = LocalPool::new();
        let spawner = pool.spawner();
        Executor {
            pool: RefCell::new(pool),
            spawner: RefCell::new(spawner),
        }
    };
}

pub(super) fn spawn(task: impl Future<Output = ()> + 'static) {
    EXECUTOR.with(|e| {
        // The pool lives as long as the thread: spawning cannot fail while the thread runs.
        let _ = e.spawner.borrow().spawn_local(task);
    });
}

/// Runs the pool: `f` with it borrowed (not re-entrant: no `block_on` inside a task).
fn with_pool<R>(f: impl FnOnce(&mut LocalPool) -> R) -> R {
    EXECUTOR.with(|e| {
        let mut pool = e
            .pool
            .try_borrow_mut()
            .unwrap_or_else(|_| panic!("block_on or run_until_idle inside a task of this thread"));
        f(&mut pool)
    })
}

/// Runs `fut` to completion on this thread, with the tasks it (or anything before it) spawns,
/// then runs those tasks to completion too.
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    with_pool(|pool| {
        let out = pool.run_until(fut);
        pool.run();
        out
    })
}

/// Runs the spawned tasks until none of them can go on.
pub fn run_until_idle() {
    with_pool(LocalPool::run_until_stalled);
}

/// Drops every spawned task of this thread without running it (a stopped worker's tasks).
pub fn drop_tasks() {
    EXECUTOR.with(|e| {
        let pool = LocalPool::new();
        *e.spawner.borrow_mut() = pool.spawner();
        drop(e.pool.replace(pool));
    });
}

/// Whether a waker was woken since it was last looked at.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The worker stops after `polls` polls of `fut`: `Some` when it completed within them, else
/// `None` with the future dropped (its locks released, as a stopped worker's are) and the
/// tasks it spawned dropped unrun ([`drop_tasks`]). Spawned tasks do not run in between: the
/// count is of `fut`'s own await points. A future that waits for something that cannot happen
/// without another task (it did not wake itself) stops there too.
pub fn run_stopping_after<T>(polls: usize, fut: impl Future<Output = T>) -> Option<T> {
    let mut fut = Box::pin(fut);
    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let mut answer = None;
    for _ in 0..polls {
        flag.0.store(false, Ordering::SeqCst);
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            answer = Some(out);
            break;
        }
        if !flag.0.load(Ordering::SeqCst) {
            break;
        }
    }
    drop(fut);
    if answer.is_none() {
        drop_tasks();
    }
    answer
}
