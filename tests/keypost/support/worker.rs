//! What the worker's message-level tests share (`worker_*.rs`): a [`World`] (the in-memory
//! browser with an unlocked vault that holds @keypost_demo, and the fake X that answers it),
//! the worker's own message entry, the browser's time passing with its alarms, and two ways
//! to run two messages at once.
//!
//! Each [`World`] is a copy ([`MemoryBrowser::fork`]) of one browser set up once per test
//! process (a vault created and an account added through the worker's messages), so a test
//! pays for no key derivation it does not do itself.

use std::future::Future;
use std::pin::pin;
use std::sync::{MutexGuard, OnceLock};
use std::task::Poll;

use keypost::worker::platform::Area;
use keypost::worker::platform::memory::{
    MemoryBrowser, block_on, one_worker_at_a_time, run_stopping_after,
};
use keypost::worker::{handle_json, on_alarm, on_worker_start};
use serde_json::{Value, json};

use super::fake_x::{FakeX, user};

/// How soon an alarm fires again at the earliest (an unpacked extension's floor).
const ALARM_FLOOR_MS: u64 = 3_000;

/// The vault's passphrase in every [`World`].
pub const PASSPHRASE: &str = "tangerine orbit falcon marble quietly 47";

/// One message through the worker's entry, as its answer (`{ok}` or `{error}`), on the worker
/// of this thread.
pub async fn call(msg: Value) -> Value {
    let answer = handle_json(&msg.to_string()).await;
    serde_json::from_str(&answer).expect("the worker answers JSON")
}

/// [`call`], waited for with everything it spawned.
pub fn send(msg: Value) -> Value {
    block_on(call(msg))
}

/// The `ok` of an answer, or a failure that shows the error.
pub fn ok(answer: Value) -> Value {
    match answer.get("ok") {
        Some(v) => v.clone(),
        None => panic!("expected ok, got {answer}"),
    }
}

/// The error code of an answer.
pub fn error_code(answer: &Value) -> String {
    answer["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error, got {answer}"))
        .to_owned()
}

/// One post as the pages send it: a text and its images (`(media_id, alt)`).
pub fn post(text: &str, media: &[(&str, &str)]) -> Value {
    let media: Vec<Value> = media
        .iter()
        .map(|(id, alt)| json!({ "media_id": id, "alt": alt }))
        .collect();
    json!({ "text": text, "media": media })
}

/// The browser set up once: a vault unlocked with [`PASSPHRASE`] holding @keypost_demo
/// (verified with a fake X), and the account's id.
fn template() -> &'static (MemoryBrowser, String) {
    static TEMPLATE: OnceLock<(MemoryBrowser, String)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let browser = MemoryBrowser::new();
        FakeX::new().serve(&browser);
        let id = browser.run_worker(|| {
            ok(send(
                json!({ "type": "vault_create", "passphrase": PASSPHRASE }),
            ));
            let added = ok(send(json!({ "type": "account_add", "label": "Demo",
                "keys": user("keypost_demo").keys() })));
            added["account"]["id"]
                .as_str()
                .expect("an account id")
                .to_owned()
        });
        (browser, id)
    })
}

/// A test's browser and X: a copy of the [`template`], with a fake X of its own.
pub struct World {
    /// The browser.
    pub browser: MemoryBrowser,
    /// X.
    pub x: FakeX,
    /// @keypost_demo's account id.
    pub demo: String,
    /// Held by the test's first world: one test drives the worker at a time.
    _one: Option<MutexGuard<'static, ()>>,
}

impl World {
    /// A new world (and, until it is dropped, the right to drive the worker).
    pub fn new() -> World {
        let one = one_worker_at_a_time();
        let (browser, demo) = template();
        let world = World {
            browser: browser.fork(),
            x: FakeX::new(),
            demo: demo.clone(),
            _one: Some(one),
        };
        world.x.serve(&world.browser);
        world
    }

    /// A copy of this world as it is now, with an X of its own that holds no post (to replay
    /// one operation from the same start).
    pub fn fork(&self) -> World {
        let world = World {
            browser: self.browser.fork(),
            x: FakeX::new(),
            demo: self.demo.clone(),
            _one: None,
        };
        world.x.serve(&world.browser);
        world
    }

    /// A second, empty browser (another profile, no vault) at the same time, talking to the
    /// same X.
    pub fn another_browser(&self) -> World {
        let browser = MemoryBrowser::new();
        browser.set_now(self.browser.now_ms());
        self.x.serve(&browser);
        World {
            browser,
            x: self.x.clone(),
            demo: self.demo.clone(),
            _one: None,
        }
    }

    /// Runs `f` as one worker lifetime (a new thread: the worker's memory starts empty).
    pub fn worker<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        self.browser.run_worker(f)
    }

    /// One message, in a worker of its own.
    pub fn send(&self, msg: Value) -> Value {
        self.worker(move || send(msg))
    }

    /// A worker starts (its top-level code), as when Chrome wakes it.
    pub fn start_worker(&self) {
        self.worker(|| block_on(on_worker_start()));
    }

    /// The browser's clock moves on to `until_ms`; each alarm fires at its time, in a worker
    /// started for it (its top-level start, then the alarm), as Chrome wakes a stopped one.
    /// An alarm set again for a time already past fires 3 s after the last firing (Chrome's
    /// floor for an unpacked extension), not at once.
    pub fn pass_time_to(&self, until_ms: u64) {
        let mut last_fired: Option<u64> = None;
        for _ in 0..10_000 {
            let next = self
                .browser
                .alarms()
                .values()
                .map(|a| a.scheduled_ms)
                .min()
                .map(|at| match last_fired {
                    Some(last) if at <= last => last + ALARM_FLOOR_MS,
                    _ => at,
                })
                .filter(|&at| at <= until_ms);
            let Some(at) = next else {
                self.browser.set_now(until_ms.max(self.browser.now_ms()));
                return;
            };
            self.browser.set_now(at.max(self.browser.now_ms()));
            last_fired = Some(self.browser.now_ms());
            let due = self.browser.take_due_alarms();
            self.worker(move || {
                block_on(on_worker_start());
                for name in due {
                    block_on(on_alarm(name));
                }
            });
        }
        panic!("the alarms kept firing without the clock reaching {until_ms}");
    }

    /// [`World::pass_time_to`] `ms` from now.
    pub fn pass(&self, ms: u64) {
        self.pass_time_to(self.browser.now_ms() + ms);
    }

    /// `schedule_list`'s items, upcoming then past.
    pub fn items(&self) -> Vec<Value> {
        let list = ok(self.send(json!({ "type": "schedule_list" })));
        let mut all = list["upcoming"].as_array().cloned().unwrap_or_default();
        all.extend(list["past"].as_array().cloned().unwrap_or_default());
        all
    }

    /// One item of `schedule_list`.
    pub fn item(&self, id: u64) -> Value {
        self.items()
            .into_iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id} in the queue"))
    }

    /// Adds a post for @keypost_demo due `in_ms` from now: its id.
    pub fn schedule(&self, posts: Value, in_ms: u64, extra: Value) -> u64 {
        let mut msg = json!({ "type": "schedule_add", "account_id": self.demo, "posts": posts,
            "due_at_ms": self.browser.now_ms() + in_ms });
        if let (Some(msg), Some(extra)) = (msg.as_object_mut(), extra.as_object()) {
            msg.extend(extra.clone());
        }
        ok(self.send(msg))["id"].as_u64().expect("an item id")
    }

    /// The notifications on screen, by id: `(title, text)`, as the in-memory browser writes
    /// localised strings (`key|substitution...`).
    pub fn notifications(&self) -> Vec<(String, String, String)> {
        self.browser
            .notifications()
            .into_iter()
            .map(|(id, n)| (id, n.title, n.message))
            .collect()
    }

    /// Whether `storage.session` holds the data key (the vault is unlocked).
    pub fn key_in_session(&self) -> bool {
        self.browser.stored(Area::Session, "session").is_some()
    }
}

/// How many polls `msg` takes to finish alone, from `start`.
pub fn polls_of(start: &World, msg: &Value) -> usize {
    let text = msg.to_string();
    (0..)
        .find(|&n| {
            let text = text.clone();
            start
                .fork()
                .worker(move || run_stopping_after(n, handle_json(&text)).is_some())
        })
        .expect("it finishes")
}

/// Runs messages `a` and `b` at once from copies of `start`, at every interleaving: each head
/// start up to their lengths together, either one first. `check` gets the copy, both answers
/// (`a`'s first) and a description of the interleaving.
pub fn every_interleaving(
    start: &World,
    a: &Value,
    b: &Value,
    mut check: impl FnMut(&World, Value, Value, &str),
) {
    let span = polls_of(start, a) + polls_of(start, b);
    for head in 0..=span {
        for a_first in [true, false] {
            let w = start.fork();
            let (ma, mb) = (a.clone(), b.clone());
            let (answer_a, answer_b) = w.worker(move || {
                if a_first {
                    block_on(interleave(call(ma), call(mb), head))
                } else {
                    let (b, a) = block_on(interleave(call(mb), call(ma), head));
                    (a, b)
                }
            });
            let first = if a_first { &a["type"] } else { &b["type"] };
            let at = format!("{first} first, with a head start of {head} polls");
            check(&w, answer_a, answer_b, &at);
        }
    }
}

/// The state's kind of an item view (`scheduled`, `sent`, ...).
pub fn kind(item: &Value) -> &str {
    item["state"]["kind"].as_str().unwrap_or("")
}

/// Polls `a` alone `head_start` times (fewer if it is done sooner), then `a` and `b` in turn
/// until both are done: every interleaving of two messages, one head start at a time.
pub async fn interleave<A: Future, B: Future>(
    a: A,
    b: B,
    head_start: usize,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    let mut polls = 0usize;
    std::future::poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            out_a = Some(v);
        }
        if (polls >= head_start || out_a.is_some())
            && out_b.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            out_b = Some(v);
        }
        polls += 1;
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
    (out_a.expect("done"), out_b.expect("done"))
}

/// Runs `a` until `paused()` holds (checked after each of its polls), then `b` from start to
/// end while `a` waits there, then `a` to its end: `b` happens while `a` waits, for example on
/// X's answer. Panics if `a` ends before it pauses.
pub async fn while_paused<A: Future, B: Future>(
    a: A,
    mut paused: impl FnMut() -> bool,
    b: B,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let mut out_b = None;
    let mut stopped = false;
    let out_a = std::future::poll_fn(|cx| {
        if out_b.is_none() {
            stopped = stopped || paused();
            if !stopped {
                let Poll::Pending = a.as_mut().poll(cx) else {
                    panic!("the first message ended before it paused");
                };
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        a.as_mut().poll(cx)
    })
    .await;
    (out_a, out_b.expect("done"))
}
