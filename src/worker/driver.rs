//! The driver: every entry point of the worker runs here (a page's message, an alarm, a worker
//! start, a notification click, a right-click share), and after each one the driver settles
//! what it changed ([`changes`]): it refreshes the toolbar badge, and starts a send run, which
//! sends what is due and sets the schedule alarm. The only place that spawns a task
//! ([`platform::spawn`]).

use std::future::Future;

use serde_json::{Value, json};

use super::changes::{self, Change};
#[cfg(feature = "test-hooks")]
use super::msg_core;
use super::protocol::{self, Answer, Message};
use super::schedule::{self, notify, run, toolbar};
use super::{AppError, msg_accounts, msg_compose, msg_vault, platform, session};
use crate::share::{ShareSource, ShareTab};

/// A page's message, as its JSON text: decoded ([`protocol::decode`]), handled, and answered as
/// `{ok}` or `{error}`.
pub async fn message(text: Result<String, AppError>) -> Value {
    let answer = match text.and_then(|text| protocol::decode(&text)) {
        Ok(message) => dispatch(message).await,
        Err(e) => Err(e),
    };
    settle();
    wrapped(answer)
}

async fn dispatch(message: Message) -> Result<Answer, AppError> {
    match message {
        #[cfg(feature = "test-hooks")]
        Message::Core(m) => msg_core::handle(m).await,
        Message::Vault(m) => msg_vault::handle(m).await,
        Message::Accounts(m) => msg_accounts::handle(m).await,
        Message::Compose(m) => msg_compose::handle(m).await,
        Message::Schedule(m) => schedule::handle(m).await,
        Message::Slots(m) => schedule::slots::handle(m).await,
    }
}

/// An answer as pages receive it: `{ok: value}` or `{error: {code, ...}}`.
fn wrapped(answer: Result<Answer, AppError>) -> Value {
    match answer {
        Ok(answer) => json!({ "ok": answer.into_json() }),
        Err(e) => json!({ "error": e }),
    }
}

/// A `chrome.alarms` alarm, by name.
pub async fn alarm(name: &str) {
    // An alarm has no caller to answer: a failure waits for the next alarm or message.
    if name == session::AUTOLOCK_ALARM {
        let _ = session::on_autolock_alarm().await;
    } else if name == run::ALARM {
        let _ = run::fire(settle).await;
    }
    settle();
}

/// The worker started (its top-level code): recover the schedule, send what is due, and set
/// the alarm from the stored queue.
pub async fn worker_start() {
    // Pages follow the vault through the state this writes; a failure leaves the last one.
    let _ = session::reconcile_state().await;
    let _ = run::fire(settle).await;
    settle();
    // At every worker start, whatever changed: the badge is set from what is stored.
    spawn(async {
        let _ = toolbar::refresh().await;
    });
}

/// `chrome.runtime.onStartup`: the browser started (the vault is locked).
pub async fn startup() {
    let _ = session::reconcile_state().await;
    let _ = run::fire(settle).await;
    settle();
}

/// `chrome.runtime.onInstalled`: whether the setup page should open (only while no vault
/// exists).
pub async fn installed() -> bool {
    let _ = run::fire(settle).await;
    let setup = matches!(session::record_exists().await, Ok(false));
    settle();
    setup
}

/// `chrome.notifications.onClicked`.
pub async fn notification_click(id: &str) {
    notify::on_notification_click(id).await;
    settle();
}

/// A right-click share as decoded (`None` when the click carried nothing to share): `{ok}` or
/// `{error}`.
pub async fn share(source: Option<ShareSource>, tab: ShareTab) -> Value {
    let shared = match source {
        Some(source) => msg_compose::share(source, tab).await,
        None => Err(AppError::new("share_nothing")),
    };
    settle();
    wrapped(shared.and_then(|()| protocol::reply(&protocol::Done {})))
}

/// Acts on what changed since it last ran ([`changes`]), in the background, so that no answer
/// waits for it: the badge after the queue or the vault's state changed; a send run after a
/// message changed the queue (what is due goes out now, and the run sets the alarm), or after
/// an unlock (the posts that waited for it go out). Runs after every entry point, between the
/// steps of a send run and after it, and after every task it spawned.
pub fn settle() {
    let changed = changes::take();
    if changed.has(Change::Queue) || changed.has(Change::Vault) {
        // After the writes that changed it: the badge is drawn from what is stored.
        spawn(async {
            let _ = toolbar::refresh().await;
        });
    }
    if changed.has(Change::Unlocked) {
        spawn(run::unlocked(settle));
    } else if changed.has(Change::Plans) {
        spawn(async {
            let _ = run::fire(settle).await;
        });
    }
}

/// Runs a task in the background, then settles what it changed.
fn spawn(task: impl Future<Output = ()> + 'static) {
    platform::spawn(async move {
        task.await;
        settle();
    });
}
