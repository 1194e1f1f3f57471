//! Compose and post: drafts, the outbox that makes a thread resumable, media uploads with
//! progress, history, and right-click shares.

use std::cell::Cell;

use serde_json::{Value, json};

use super::at_rest::{self, DRAFT_KEY, OUTBOX_KEY};
use super::platform::{self, Area};
use super::progress::{self, Phase, Progress};
use super::protocol::answers::{DraftAnswer, HistoryAnswer, PostedAnswer};
use super::protocol::{Answer, ComposeMsg, Done, reply};
use super::{AppError, history, media, session, upload};
use crate::compose::poster::Action;
use crate::compose::{self, Draft, Outbox, PostFailure, Posted, Poster, SentPost, Stop};
use crate::oauth1::Credentials;
use crate::sealed::Kind;
use crate::vault::Dek;
use crate::{leak, x};

const SHARE_KEY: &str = "share";

/// Handles a compose message.
pub async fn handle(msg: ComposeMsg) -> Result<Answer, AppError> {
    match msg {
        ComposeMsg::DraftGet => reply(&draft_get().await?),
        ComposeMsg::DraftSave { draft } => {
            draft.check()?;
            // Sealed with the data key: while locked there is no key, and nothing is stored.
            let _guard = at_rest::records_lock().await;
            let dek = at_rest::key(None).await?;
            at_rest::put(DRAFT_KEY, Kind::Draft, &draft, &dek).await?;
            reply(&Done {})
        }
        // Stays in the worker: which stored records a discard removes (draft, and the outbox when idle).
        ComposeMsg::DraftClear { keep_media } => {
            // Discarding the draft also gives up the rest of a half-posted thread.
            if !RUNNING.with(Cell::get) {
                let _guard = at_rest::records_lock().await;
                platform::remove(Area::Local, OUTBOX_KEY).await?;
            }
            if keep_media {
                let _guard = at_rest::records_lock().await;
                platform::remove(Area::Local, DRAFT_KEY).await?;
            } else {
                clear_draft().await?;
            }
            reply(&Done {})
        }
        ComposeMsg::PostSend { account_id, posts } => {
            if RUNNING.with(Cell::get) {
                return Err(AppError::new("post_in_progress"));
            }
            // A post that may be on X is settled first: a new send could repeat it.
            let dek = at_rest::key(None).await?;
            if let Some(waiting) = load_outbox(&dek).await?
                && let Some(step) = waiting.blocks_new_post()
            {
                return Err(AppError::new("post_outcome_unknown").with("step", step));
            }
            reply(&run(Outbox::new(account_id, posts)).await?)
        }
        ComposeMsg::PostResume { decision, post_url } => {
            let dek = at_rest::key(None).await?;
            let Some(mut outbox) = load_outbox(&dek).await? else {
                return Err(AppError::new("nothing_to_resume"));
            };
            if RUNNING.with(Cell::get) {
                return Err(AppError::new("post_in_progress"));
            }
            let pasted = match post_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(url) => Some(
                    x::post_id_from_ref(url).ok_or_else(|| AppError::new("post_url_invalid"))?,
                ),
                None => None,
            };
            outbox.settle(decision, pasted)?;
            reply(&run(outbox).await?)
        }
        ComposeMsg::PostProgress => reply(&progress::get().await?),
        ComposeMsg::HistoryList { account_id } => reply(&HistoryAnswer {
            items: history::list(account_id.as_deref()).await?,
        }),
    }
}

/// The draft (with a pending right-click share added to it and stored), and what the composer
/// may resume: the core's outbox decides, so it survives a browser restart.
async fn draft_get() -> Result<DraftAnswer, AppError> {
    // The draft is sealed: while locked there is none to give (`locked`).
    let dek = at_rest::key(None).await?;
    let mut draft = load_draft(&dek).await?;
    let share: Option<Value> = platform::get(Area::Session, SHARE_KEY).await?;
    let shared = share
        .as_ref()
        .and_then(|s| s.get("text"))
        .and_then(Value::as_str);
    if let Some(text) = shared {
        let mut with_share = draft.take().unwrap_or_else(|| Draft::empty(None));
        with_share.append_share(text);
        with_share.updated_ms = super::clock::now().await;
        let _guard = at_rest::records_lock().await;
        // The key is taken again inside the lock: a passphrase change meanwhile retired the one
        // the draft was read with.
        let dek = at_rest::key(None).await?;
        at_rest::put(DRAFT_KEY, Kind::Draft, &with_share, &dek).await?;
        draft = Some(with_share);
    }
    if share.is_some() {
        platform::remove(Area::Session, SHARE_KEY).await?;
    }
    // What the composer offers to continue: the core's rule (only while its draft exists
    // and no send of this worker runs).
    let resumable = load_outbox(&dek)
        .await?
        .and_then(|o| o.resumable_with(draft.is_some(), RUNNING.with(Cell::get)));
    Ok(DraftAnswer {
        draft,
        shared: shared.is_some(),
        resumable,
    })
}

/// The stored draft. One that is not a well-formed draft (an older or damaged record) or
/// that does not open with this key (another vault's) is dropped rather than blocking the
/// composer. A draft stored before sealing is read in clear and sealed at its next save.
async fn load_draft(dek: &Dek) -> Result<Option<Draft>, AppError> {
    match at_rest::get(DRAFT_KEY, Kind::Draft, dek).await {
        Err(e) if is_unreadable(&e) => Ok(None),
        other => other,
    }
}

/// The stored outbox; one that no longer opens (another vault's) is no outbox.
async fn load_outbox(dek: &Dek) -> Result<Option<Outbox>, AppError> {
    match at_rest::get(OUTBOX_KEY, Kind::Outbox, dek).await {
        Err(e) if is_unreadable(&e) => Ok(None),
        other => other,
    }
}

fn is_unreadable(e: &AppError) -> bool {
    matches!(
        e.code.as_str(),
        "storage_malformed" | "sealed_malformed" | "sealed_unopenable"
    )
}

/// Deletes the draft and, when the key to read it is at hand, its images.
async fn clear_draft() -> Result<(), AppError> {
    let _guard = at_rest::records_lock().await;
    if let Some(dek) = at_rest::current_dek().await
        && let Ok(Some(draft)) = load_draft(&dek).await
    {
        media::forget(draft.media_ids().map(str::to_owned)).await;
    }
    platform::remove(Area::Local, DRAFT_KEY).await
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
async fn run(outbox: Outbox) -> Result<PostedAnswer, AppError> {
    RUNNING.with(|r| r.set(true));
    let _guard = RunningGuard;
    let open = session::open(true).await?;
    let account = open
        .doc
        .get(&outbox.account_id)
        .ok_or_else(|| AppError::new("account_not_found"))?;
    compose::validate(&outbox.posts, account.premium)?;
    media::check(&outbox.posts).await?;
    // A pasted key never reaches X (checked for every step, resumed ones too).
    leak::check_posts(&outbox.posts, &leak::secrets_of(&open.doc))?;
    let keys = account.keys.clone();
    let username = account
        .user
        .as_ref()
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let dek = open.dek.clone();
    drop(open);
    let creds = keys.credentials();
    let steps = outbox.posts.len();
    let (result, ended) = post_steps(outbox, &creds, &username, &dek).await;
    let mut outbox = ended;
    progress::set(&Progress {
        active: false,
        step: outbox.posted.len(),
        steps,
        phase: Phase::Done,
        uploaded_bytes: 0,
        total_bytes: 0,
    })
    .await;
    let posted = links(&outbox, &username);
    match result {
        Ok(()) => {
            {
                let _guard = at_rest::records_lock().await;
                platform::remove(Area::Local, OUTBOX_KEY).await?;
            }
            clear_draft().await?;
            media::forget(
                outbox
                    .posts
                    .iter()
                    .flat_map(|p| p.media.iter().map(|m| m.media_id.clone())),
            )
            .await;
            Ok(PostedAnswer { posted, username })
        }
        Err(e) => {
            let failure = PostFailure {
                code: e.code.clone(),
                step: outbox.posted.len(),
                steps,
                posted,
                details: e.details,
            };
            outbox.failed = Some(failure.clone());
            store_outbox(&outbox, &dek).await?;
            // The core says whether the composer must offer to continue (and stay read-only).
            let resumable = outbox.resumable().is_some();
            let mut details = match serde_json::to_value(&failure) {
                Ok(Value::Object(map)) => map,
                _ => serde_json::Map::new(),
            };
            details.remove("code");
            Err(AppError {
                code: failure.code,
                details,
            }
            .with("resumable", resumable))
        }
    }
}

/// The steps on X with their links (a step confirmed only by a duplicate answer has none).
fn links(outbox: &Outbox, username: &str) -> Vec<Posted> {
    outbox
        .posted
        .iter()
        .map(|p| Posted {
            id: p.id.clone(),
            url: if p.id.is_empty() {
                String::new()
            } else {
                x::post_url(username, &p.id)
            },
        })
        .collect()
}

/// Stores the outbox sealed, with the session's key, or the one the post began with when the
/// vault was locked meanwhile (what is on X is always written down).
async fn store_outbox(outbox: &Outbox, began_with: &Dek) -> Result<(), AppError> {
    let _guard = at_rest::records_lock().await;
    let dek = at_rest::key(Some(began_with)).await?;
    at_rest::put(OUTBOX_KEY, Kind::Outbox, outbox, &dek).await
}

/// Runs the core's [`Poster`] over the outbox, doing each action it asks for: stores, uploads
/// (with the popup's progress), the post request through the one post path, the Sent list.
/// Answers how it ended and the outbox as it stands.
async fn post_steps(
    outbox: Outbox,
    creds: &Credentials<'_>,
    username: &str,
    dek: &Dek,
) -> (Result<(), AppError>, Outbox) {
    let (mut poster, mut action) = Poster::start(outbox);
    // The error behind a stop: the upload's, or X's answer to the post request.
    let mut upload_error = None;
    let mut answer = None;
    let result = loop {
        action = match action {
            Action::Finished => break Ok(()),
            Action::Stopped(stop) => {
                break Err(match stop {
                    Stop::Unknown { cause } => {
                        AppError::new("post_outcome_unknown").with("cause", cause)
                    }
                    Stop::Upload => upload_error
                        .take()
                        .unwrap_or_else(|| AppError::new("internal")),
                    Stop::NotPosted => match answer.take() {
                        Some(Ok(resp)) => match x::parse_create_post(&resp) {
                            Err(e) => e.into(),
                            Ok(_) => AppError::new("internal"),
                        },
                        Some(Err(e)) => e,
                        None => AppError::new("internal"),
                    },
                    Stop::ReplyTarget(e) => e.into(),
                });
            }
            Action::Store => match store_outbox(poster.outbox(), dek).await {
                Ok(()) => poster.stored(),
                Err(e) => break Err(e),
            },
            Action::Upload {
                step,
                steps,
                media_id,
                alt,
            } => match upload::image(&media_id, &alt, creds, Some((step, steps))).await {
                Ok(id) => poster.uploaded(id),
                Err(e) => {
                    upload_error = Some(e);
                    poster.upload_failed()
                }
            },
            Action::Post { step, steps, post } => {
                progress::set(&Progress {
                    active: true,
                    step,
                    steps,
                    phase: Phase::Posting,
                    uploaded_bytes: 0,
                    total_bytes: 0,
                })
                .await;
                // The one send path (the scheduler runs the same): a 401 whose keys still
                // verify is an unknown outcome, never "not posted".
                let attempted = super::send::post(&post, creds).await;
                answer = Some(attempted.answer);
                poster.posted(&attempted.outcome)
            }
            Action::RecordSent { post_id, text } => {
                // The outbox, stored already, is what counts: a Sent list that cannot be
                // written loses only this line of it (as for scheduled posts).
                let sent = SentPost::new(
                    &poster.outbox().account_id,
                    username,
                    &post_id,
                    &text,
                    super::clock::now().await,
                );
                let _ = history::record(sent, dek).await;
                poster.followed()
            }
        };
    };
    (result, poster.into_outbox())
}

/// Composes a right-click share and keeps it for the composer to pick up.
pub async fn share(
    source: crate::share::ShareSource,
    tab: crate::share::ShareTab,
) -> Result<(), AppError> {
    let settings = session::settings().await?;
    let text = crate::share::compose(&source, &tab, settings.share_page_link)?;
    platform::set(Area::Session, SHARE_KEY, &json!({ "text": text })).await
}
