//! Compose and post: drafts, the outbox that makes a thread resumable, media uploads with
//! progress, history, and right-click shares.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

use super::net::signed_send;
use super::platform::browser_online;
use super::platform::{self, Area};
use super::{AppError, api_base, session};
use crate::compose::{self, PostInput, SentPost};
use crate::oauth1::Credentials;
use crate::schedule::Outcome;
use crate::x;

const DRAFT_KEY: &str = "draft";
const OUTBOX_KEY: &str = "outbox";
const HISTORY_KEY: &str = "history";
const SHARE_KEY: &str = "share";
const PROGRESS_KEY: &str = "post_progress";

#[wasm_bindgen(module = "/extension/media-store.js")]
extern "C" {
    #[wasm_bindgen(js_name = getMedia, catch)]
    async fn get_media(id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = deleteMedia, catch)]
    async fn delete_media(id: &str) -> Result<JsValue, JsValue>;
}

/// Compose messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// The saved draft and any pending right-click share.
    DraftGet,
    /// Saves the draft (the page's own shape, kept as it is).
    DraftSave {
        /// The draft.
        draft: Value,
    },
    /// Discards the draft and, unless `keep_media` (the images now belong to a scheduled post),
    /// its images.
    DraftClear {
        /// Keep the images in the media store.
        #[serde(default)]
        keep_media: bool,
    },
    /// Posts one post or a thread.
    PostSend {
        /// The account.
        account_id: String,
        /// The posts, in order.
        posts: Vec<PostInput>,
    },
    /// Continues a post or thread that failed part-way. When the last request's outcome is
    /// unknown (it may be on X), a `decision` is required: nothing is resent blindly.
    PostResume {
        /// What the user decided about the step whose outcome is unknown.
        #[serde(default)]
        decision: Option<Decision>,
        /// A link to that step on X (or its id), when the user found it there: needed to
        /// continue a thread after it.
        #[serde(default)]
        post_url: Option<String>,
    },
    /// Where the current post is.
    PostProgress,
    /// Sent posts, newest first.
    HistoryList {
        /// Only this account's.
        account_id: Option<String>,
    },
}

/// What the user decided about a step whose outcome is unknown.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// It is on X (the user checked): record it as posted.
    OnX,
    /// Send it again. X's duplicate answer to this resend means the first one was posted.
    SendAnyway,
}

/// A post (or thread) on its way: what is already on X, so nothing is posted twice.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Outbox {
    account_id: String,
    posts: Vec<PostInput>,
    posted: Vec<Posted>,
    #[serde(default)]
    failed: Option<Value>,
    /// The step whose `POST /2/tweets` was sent and whose answer is not known (a timeout, a
    /// cut connection, a 5xx, a worker stopped meanwhile): it may be on X. Written before the
    /// request is made, cleared once X's answer is known.
    #[serde(default)]
    in_flight: Option<usize>,
    /// The next request for the in-flight step is a resend the user asked for.
    #[serde(default)]
    resend: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Posted {
    id: String,
    url: String,
}

#[derive(Serialize)]
struct Progress {
    active: bool,
    step: usize,
    steps: usize,
    phase: &'static str,
    uploaded_bytes: u64,
    total_bytes: u64,
}

async fn set_progress(p: &Progress) {
    // Progress is best effort: a failed write must not fail the post.
    let _ = platform::set(Area::Session, PROGRESS_KEY, p).await;
}

/// Handles a compose message.
pub async fn handle(msg: Msg) -> Result<Value, AppError> {
    match msg {
        Msg::DraftGet => {
            let draft: Option<Value> = platform::get(Area::Local, DRAFT_KEY).await?;
            let share: Option<Value> = platform::get(Area::Session, SHARE_KEY).await?;
            if share.is_some() {
                platform::remove(Area::Session, SHARE_KEY).await?;
            }
            Ok(json!({ "draft": draft, "share": share, "failure": unfinished().await? }))
        }
        Msg::DraftSave { draft } => {
            platform::set(Area::Local, DRAFT_KEY, &draft).await?;
            Ok(json!({}))
        }
        Msg::DraftClear { keep_media } => {
            // Discarding the draft also gives up the rest of a half-posted thread.
            if !RUNNING.with(Cell::get) {
                platform::remove(Area::Local, OUTBOX_KEY).await?;
            }
            if keep_media {
                platform::remove(Area::Local, DRAFT_KEY).await?;
            } else {
                clear_draft().await?;
            }
            Ok(json!({}))
        }
        Msg::PostSend { account_id, posts } => {
            if RUNNING.with(Cell::get) {
                return Err(AppError::new("post_in_progress"));
            }
            // A post that may be on X is settled first: a new send could repeat it.
            if let Some(waiting) = platform::get::<Outbox>(Area::Local, OUTBOX_KEY).await?
                && let Some(step) = waiting.in_flight
            {
                return Err(AppError::new("post_outcome_unknown").with("step", step));
            }
            let outbox = Outbox {
                account_id,
                posts,
                posted: Vec::new(),
                failed: None,
                in_flight: None,
                resend: false,
            };
            run(outbox).await
        }
        Msg::PostResume { decision, post_url } => {
            let Some(mut outbox) = platform::get::<Outbox>(Area::Local, OUTBOX_KEY).await? else {
                return Err(AppError::new("nothing_to_resume"));
            };
            if RUNNING.with(Cell::get) {
                return Err(AppError::new("post_in_progress"));
            }
            settle(&mut outbox, decision, post_url.as_deref())?;
            outbox.failed = None;
            run(outbox).await
        }
        Msg::PostProgress => Ok(platform::get(Area::Session, PROGRESS_KEY)
            .await?
            .unwrap_or_else(|| json!({ "active": false }))),
        Msg::HistoryList { account_id } => {
            let history: Vec<SentPost> = platform::get(Area::Local, HISTORY_KEY)
                .await?
                .unwrap_or_default();
            let items: Vec<&SentPost> = history
                .iter()
                .filter(|p| account_id.as_ref().is_none_or(|a| &p.account_id == a))
                .collect();
            Ok(json!({ "items": items }))
        }
    }
}

/// Applies the user's decision about an in-flight step (and a pasted link to a step that is
/// on X without a known id) before resuming. Refuses to resume an in-flight step without a
/// decision, and to go on after a step on X whose id is unknown.
fn settle(
    outbox: &mut Outbox,
    decision: Option<Decision>,
    post_url: Option<&str>,
) -> Result<(), AppError> {
    let pasted = match post_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => {
            Some(x::post_id_from_url(url).ok_or_else(|| AppError::new("post_url_invalid"))?)
        }
        None => None,
    };
    if let Some(step) = outbox.in_flight {
        match decision {
            None => return Err(AppError::new("post_outcome_unknown").with("step", step)),
            Some(Decision::SendAnyway) => outbox.resend = true,
            Some(Decision::OnX) => {
                outbox.posted.push(Posted {
                    id: pasted.unwrap_or_default(),
                    url: String::new(),
                });
                outbox.in_flight = None;
                outbox.resend = false;
            }
        }
    } else if let (Some(last), Some(id)) = (outbox.posted.last_mut(), pasted)
        && last.id.is_empty()
    {
        last.id = id;
    }
    let id_missing = outbox.posted.last().is_some_and(|p| p.id.is_empty());
    if id_missing && outbox.posted.len() < outbox.posts.len() {
        return Err(AppError::new("post_id_required").with("step", outbox.posted.len() - 1));
    }
    Ok(())
}

/// A thread that did not finish: the failure `post_send` answered, or, when the worker was
/// stopped in the middle, an `interrupted` one. `None` when nothing waits.
async fn unfinished() -> Result<Option<Value>, AppError> {
    if RUNNING.with(Cell::get) {
        return Ok(None);
    }
    let Some(outbox) = platform::get::<Outbox>(Area::Local, OUTBOX_KEY).await? else {
        return Ok(None);
    };
    let steps = outbox.posts.len();
    let error = match outbox.failed {
        Some(error) => error,
        // Stopped while a request was out: it may be on X.
        None if outbox.in_flight.is_some() => serde_json::to_value(
            AppError::new("post_outcome_unknown")
                .with("step", outbox.posted.len())
                .with("steps", steps)
                .with(
                    "posted",
                    serde_json::to_value(&outbox.posted).unwrap_or(Value::Null),
                ),
        )
        .unwrap_or(Value::Null),
        None => serde_json::to_value(
            AppError::new("interrupted")
                .with("step", outbox.posted.len())
                .with("steps", steps)
                .with(
                    "posted",
                    serde_json::to_value(&outbox.posted).unwrap_or(Value::Null),
                ),
        )
        .unwrap_or(Value::Null),
    };
    Ok(Some(json!({ "error": error, "steps": steps })))
}

async fn clear_draft() -> Result<(), AppError> {
    if let Some(draft) = platform::get::<Value>(Area::Local, DRAFT_KEY).await? {
        forget_media(draft_media_ids(&draft)).await;
    }
    platform::remove(Area::Local, DRAFT_KEY).await
}

fn draft_media_ids(draft: &Value) -> Vec<String> {
    draft
        .get("posts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|p| {
            p.get("media")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|m| m.get("media_id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

thread_local! {
    /// Whether this worker is sending right now. A worker stopped mid-post leaves an outbox
    /// behind with this flag gone, so "Resume" can pick it up.
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Clears [`RUNNING`] however `run` ends.
struct RunningGuard;

impl Drop for RunningGuard {
    fn drop(&mut self) {
        RUNNING.with(|r| r.set(false));
    }
}

/// Sends what the outbox still holds, step by step, recording each success before the next.
async fn run(mut outbox: Outbox) -> Result<Value, AppError> {
    RUNNING.with(|r| r.set(true));
    let _guard = RunningGuard;
    let open = session::open(true).await?;
    let account = open
        .doc
        .get(&outbox.account_id)
        .ok_or_else(|| AppError::new("account_not_found"))?;
    compose::validate(&outbox.posts, account.premium).map_err(|e| {
        let mut err = AppError::new(e.code());
        if let Some(step) = e.step() {
            err = err.with("step", step);
        }
        err
    })?;
    let keys = account.keys.clone();
    let username = account
        .user
        .as_ref()
        .map(|u| u.username.clone())
        .unwrap_or_default();
    drop(open);
    for p in &mut outbox.posted {
        if p.url.is_empty() && !p.id.is_empty() {
            p.url = x::post_url(&username, &p.id);
        }
    }
    let creds = Credentials {
        consumer_key: &keys.api_key,
        consumer_secret: &keys.api_secret,
        token: &keys.access_token,
        token_secret: &keys.access_token_secret,
    };
    platform::set(Area::Local, OUTBOX_KEY, &outbox).await?;
    let steps = outbox.posts.len();
    let result = send_steps(&mut outbox, &creds, &username).await;
    set_progress(&Progress {
        active: false,
        step: outbox.posted.len(),
        steps,
        phase: "done",
        uploaded_bytes: 0,
        total_bytes: 0,
    })
    .await;
    match result {
        Ok(()) => {
            platform::remove(Area::Local, OUTBOX_KEY).await?;
            clear_draft().await?;
            forget_media(
                outbox
                    .posts
                    .iter()
                    .flat_map(|p| p.media.iter().map(|m| m.media_id.clone())),
            )
            .await;
            Ok(json!({ "posted": outbox.posted, "username": username }))
        }
        Err(mut e) => {
            let step = outbox.posted.len();
            e = e.with("step", step).with("steps", steps).with(
                "posted",
                serde_json::to_value(&outbox.posted).unwrap_or(Value::Null),
            );
            outbox.failed = Some(serde_json::to_value(&e).unwrap_or(Value::Null));
            platform::set(Area::Local, OUTBOX_KEY, &outbox).await?;
            Err(e)
        }
    }
}

async fn send_steps(
    outbox: &mut Outbox,
    creds: &Credentials<'_>,
    username: &str,
) -> Result<(), AppError> {
    let steps = outbox.posts.len();
    let mut history: Vec<SentPost> = platform::get(Area::Local, HISTORY_KEY)
        .await?
        .unwrap_or_default();
    while outbox.posted.len() < steps {
        let step = outbox.posted.len();
        let Some(post) = outbox.posts.get(step).cloned() else {
            break;
        };
        let in_reply_to = match outbox.posted.last() {
            Some(p) if p.id.is_empty() => return Err(AppError::new("post_id_required")),
            Some(p) => Some(p.id.clone()),
            None => None,
        };
        let Some(created) = post_one(outbox, &post, in_reply_to, creds, step, steps).await? else {
            // X refused the resend as a duplicate: the first request had posted it, with an
            // id that was never seen.
            outbox.posted.push(Posted {
                id: String::new(),
                url: String::new(),
            });
            platform::set(Area::Local, OUTBOX_KEY, &*outbox).await?;
            continue;
        };
        let url = x::post_url(username, &created.id);
        outbox.posted.push(Posted {
            id: created.id.clone(),
            url: url.clone(),
        });
        // What is on X is written down before anything else can fail.
        platform::set(Area::Local, OUTBOX_KEY, &*outbox).await?;
        compose::remember(
            &mut history,
            SentPost {
                account_id: outbox.account_id.clone(),
                username: username.to_owned(),
                id: created.id,
                url,
                text: post.text,
                at_ms: platform::now_ms(),
            },
        );
        platform::set(Area::Local, HISTORY_KEY, &history).await?;
    }
    Ok(())
}

/// Posts one step of the composer's outbox: uploads its images (with their alt text), marks
/// the step in flight in the stored outbox, then `POST /2/tweets`, classified with the
/// scheduler's outcome mapping. `Ok(None)`: X refused a resend the user asked for as a
/// duplicate, so the step is on X. An unknown outcome leaves the step in flight and answers
/// `post_outcome_unknown`: it is never resent without the user's decision.
async fn post_one(
    outbox: &mut Outbox,
    post: &PostInput,
    in_reply_to: Option<String>,
    creds: &Credentials<'_>,
    step: usize,
    steps: usize,
) -> Result<Option<x::CreatedPost>, AppError> {
    let mut media_ids = Vec::new();
    for media in &post.media {
        media_ids.push(upload(&media.media_id, &media.alt, creds, Some((step, steps))).await?);
    }
    outbox.in_flight = Some(step);
    platform::set(Area::Local, OUTBOX_KEY, &*outbox).await?;
    set_progress(&Progress {
        active: true,
        step,
        steps,
        phase: "posting",
        uploaded_bytes: 0,
        total_bytes: 0,
    })
    .await;
    let new_post = x::NewPost {
        text: post.text.clone(),
        in_reply_to,
        media_ids,
    };
    let answer = signed_send(x::create_post(api_base(), &new_post), creds).await;
    let outcome = match &answer {
        Ok(resp) => Outcome::of_response(resp),
        Err(e) => Outcome::of_send_failure(e.code.as_str(), browser_online()),
    };
    let created = match (outcome, answer) {
        (Outcome::Unknown { code }, _) => {
            // The step stays in flight on disk.
            return Err(AppError::new("post_outcome_unknown").with("cause", code));
        }
        (Outcome::Duplicate, _) if outbox.resend => None,
        (Outcome::Posted { .. }, Ok(resp)) => Some(x::parse_create_post(&resp)?),
        (_, Ok(resp)) => {
            settle_known(outbox).await?;
            return Err(match x::parse_create_post(&resp) {
                Err(e) => e.into(),
                Ok(_) => AppError::new("internal"),
            });
        }
        (_, Err(e)) => {
            settle_known(outbox).await?;
            return Err(e);
        }
    };
    outbox.in_flight = None;
    outbox.resend = false;
    Ok(created)
}

/// X's answer says the in-flight step was not posted: it is no longer in doubt.
async fn settle_known(outbox: &mut Outbox) -> Result<(), AppError> {
    outbox.in_flight = None;
    outbox.resend = false;
    platform::set(Area::Local, OUTBOX_KEY, &*outbox).await
}

/// Deletes images from the media store once they are on X (or discarded).
pub async fn forget_media(ids: impl IntoIterator<Item = String>) {
    for id in ids {
        let _ = delete_media(&id).await;
    }
}

/// Uploads one image from the media store: initialize, append in 1 MB chunks, finalize,
/// wait for processing, then the alt text. Returns X's media id. `composer` is the step and
/// the step count of the composer's own post, whose progress the popup follows; the
/// scheduler passes `None`, so a scheduled upload never shows as (or freezes) the composer.
pub(super) async fn upload(
    media_id: &str,
    alt: &str,
    creds: &Credentials<'_>,
    composer: Option<(usize, usize)>,
) -> Result<String, AppError> {
    let stored = get_media(media_id)
        .await
        .map_err(|_| AppError::new("media_missing"))?;
    if stored.is_null() || stored.is_undefined() {
        return Err(AppError::new("media_missing"));
    }
    let bytes = js_sys::Reflect::get(&stored, &"bytes".into())
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .map_err(|_| AppError::new("media_missing"))?;
    let media_type = js_sys::Reflect::get(&stored, &"type".into())
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let total = bytes.len() as u64;
    compose::check_image(&media_type, total).map_err(|e| AppError::new(e.code()))?;
    let progress = |uploaded: u64| async move {
        if let Some((step, steps)) = composer {
            set_progress(&Progress {
                active: true,
                step,
                steps,
                phase: "uploading",
                uploaded_bytes: uploaded,
                total_bytes: total,
            })
            .await;
        }
    };
    progress(0).await;
    let resp = signed_send(x::media_initialize(api_base(), &media_type, total), creds).await?;
    let id = x::parse_media_initialize(&resp)?;
    let mut uploaded = 0u64;
    for (index, chunk) in bytes.chunks(compose::CHUNK_BYTES).enumerate() {
        let resp =
            signed_send(x::media_append(api_base(), &id, index as u32, chunk), creds).await?;
        x::parse_ok(&resp)?;
        uploaded += chunk.len() as u64;
        progress(uploaded).await;
    }
    let resp = signed_send(x::media_finalize(api_base(), &id), creds).await?;
    let mut state = x::parse_media_processing(&resp)?;
    let mut polls = 0;
    while let x::Processing::Pending { check_after_secs } = state {
        polls += 1;
        if polls > 30 {
            return Err(AppError::new("media_processing_timeout"));
        }
        gloo_timers::future::TimeoutFuture::new((check_after_secs * 1000) as u32).await;
        let resp = signed_send(x::media_status(api_base(), &id), creds).await?;
        state = x::parse_media_processing(&resp)?;
    }
    if state == x::Processing::Failed {
        return Err(AppError::new("media_processing_failed"));
    }
    if !alt.trim().is_empty() {
        let resp = signed_send(x::media_metadata(api_base(), &id, alt), creds).await?;
        x::parse_ok(&resp)?;
    }
    Ok(id)
}

/// Composes a right-click share and keeps it for the composer to pick up.
pub async fn share(info: JsValue, tab: JsValue) -> Result<(), AppError> {
    let source: crate::share::ShareSource =
        serde_wasm_bindgen::from_value(info).map_err(|_| AppError::new("share_nothing"))?;
    let tab: crate::share::ShareTab = serde_wasm_bindgen::from_value(tab).unwrap_or_default();
    let settings = session::settings().await?;
    let text = crate::share::compose(&source, &tab, settings.share_page_link)
        .map_err(|e| AppError::new(e.code()))?;
    platform::set(Area::Session, SHARE_KEY, &json!({ "text": text })).await
}
