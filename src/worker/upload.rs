//! The one media upload, for the composer and the scheduler alike: an image from the media
//! store goes to X in chunks that the core paces ([`crate::upload::Pacer`]), then waits for X's
//! processing and gets its alt text.

use super::AppError;
use super::config::{api_base, request_timeout_ms};
use super::net::signed_send;
use super::platform;
use super::progress::{self, Phase, Progress};
use crate::oauth1::Credentials;
use crate::upload::{Session, UploadError, UploadStep};

/// Uploads one image from the media store: initialize, append in paced chunks, finalize,
/// wait for processing, then the alt text. Returns X's media id. `composer` is the step and
/// the step count of the composer's own post, whose progress the popup follows; the
/// scheduler passes `None`, so a scheduled upload never shows as (or freezes) the composer.
pub async fn image(
    media_id: &str,
    alt: &str,
    creds: &Credentials<'_>,
    composer: Option<(usize, usize)>,
) -> Result<String, AppError> {
    // Its type and size first, from the store's record: a file X would refuse (a PDF, a 1 GB
    // file queued by mistake) is refused before its bytes are copied into the worker.
    let info = platform::media_info(media_id)
        .await?
        .ok_or_else(|| AppError::new("media_missing"))?;
    crate::compose::check_image(&info.media_type, info.size)?;
    let platform::StoredMedia { media_type, bytes } = platform::media_get(media_id)
        .await
        .ok()
        .flatten()
        .ok_or_else(|| AppError::new("media_missing"))?;
    let total = bytes.len() as u64;
    let report = |uploaded: u64| async move {
        if let Some((step, steps)) = composer {
            progress::set(&Progress {
                active: true,
                step,
                steps,
                phase: Phase::Uploading,
                uploaded_bytes: uploaded,
                total_bytes: total,
            })
            .await;
        }
    };
    report(0).await;
    // The sequence is the core's (crate::upload::Session): chunks paced to the link, a
    // timed-out append sent again smaller, processing waited for, the alt text when not blank.
    let (mut session, mut step) = Session::start(
        &api_base().await,
        &media_type,
        total,
        alt,
        request_timeout_ms().await,
    )?;
    loop {
        let (request, appended) = match step {
            UploadStep::Done { media_id } => return Ok(media_id),
            UploadStep::Wait { ms } => {
                // Up to 60 s: the worker is kept awake through it (an extension API call
                // every 20 s).
                platform::sleep_awake(ms).await;
                step = session.waited();
                continue;
            }
            UploadStep::Send(request) => (request, false),
            UploadStep::Append { start, end } => {
                let chunk = bytes
                    .get(start..end)
                    .ok_or_else(|| AppError::new("media_missing"))?;
                (session.append_request(chunk), true)
            }
        };
        // Browser clock: pacing measures real elapsed time on the network.
        let started = platform::now_ms();
        let answer = signed_send(request, creds).await;
        let elapsed = platform::now_ms().saturating_sub(started);
        step = match &answer {
            Ok(resp) => session.answered(Ok(resp), elapsed),
            Err(e) => session.answered(Err(e.code.as_str()), elapsed),
        }
        .map_err(|why| match (why, answer) {
            // No answer: the request's own error (offline, timeout, ...) stands.
            (UploadError::NoAnswer, Err(e)) => e,
            (why, _) => upload_error(why),
        })?;
        if appended {
            report(session.uploaded_bytes()).await;
        }
    }
}

/// An upload's stop as the pages' error.
fn upload_error(why: UploadError) -> AppError {
    match why {
        UploadError::X(e) => e.into(),
        other => AppError::new(other.code()),
    }
}
