//! The one media upload, for the composer and the scheduler alike: an image from the media
//! store goes to X in chunks that the core paces ([`crate::upload::Pacer`]), then waits for X's
//! processing and gets its alt text.

use super::AppError;
use super::config::{api_base, request_timeout_ms};
use super::net::signed_send;
use super::platform;
use super::progress::{self, Progress};
use crate::compose;
use crate::oauth1::Credentials;
use crate::upload::Pacer;
use crate::x;

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
    let platform::StoredMedia { media_type, bytes } = platform::media_get(media_id)
        .await
        .ok()
        .flatten()
        .ok_or_else(|| AppError::new("media_missing"))?;
    let total = bytes.len() as u64;
    compose::check_image(&media_type, total)?;
    let report = |uploaded: u64| async move {
        if let Some((step, steps)) = composer {
            progress::set(&Progress {
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
    report(0).await;
    let base = api_base().await;
    let resp = signed_send(x::media_initialize(&base, &media_type, total), creds).await?;
    let id = x::parse_media_initialize(&resp)?;
    // Chunks sized by the core's pacer: smaller after a timeout, and fitted to the measured
    // rate, so a slow link gets through (crate::upload).
    let mut pacer = Pacer::for_timeout(request_timeout_ms().await);
    let (mut offset, mut index) = (0usize, 0u32);
    while offset < bytes.len() {
        let end = offset.saturating_add(pacer.chunk_bytes()).min(bytes.len());
        let chunk = &bytes[offset..end];
        // Browser clock: pacing measures real elapsed time on the network.
        let started = platform::now_ms();
        match signed_send(x::media_append(&base, &id, index, chunk), creds).await {
            Ok(resp) => {
                x::parse_ok(&resp)?;
                pacer.on_sent(chunk.len(), platform::now_ms().saturating_sub(started));
                offset = end;
                index += 1;
                report(offset as u64).await;
            }
            // The same bytes again, under the same segment index, in a smaller chunk.
            Err(e) if e.code == "timeout" => pacer.on_timeout().map_err(|_| e)?,
            Err(e) => return Err(e),
        }
    }
    let resp = signed_send(x::media_finalize(&base, &id), creds).await?;
    let mut state = x::parse_media_processing(&resp)?;
    let mut polls = 0;
    while let x::Processing::Pending { check_after_secs } = state {
        polls += 1;
        if polls > 30 {
            return Err(AppError::new("media_processing_timeout"));
        }
        // Up to 60 s: the worker is kept awake through it (an extension API call every 20 s).
        platform::sleep_awake(check_after_secs * 1000).await;
        let resp = signed_send(x::media_status(&base, &id), creds).await?;
        state = x::parse_media_processing(&resp)?;
    }
    if state == x::Processing::Failed {
        return Err(AppError::new("media_processing_failed"));
    }
    if !alt.trim().is_empty() {
        let resp = signed_send(x::media_metadata(&base, &id, alt), creds).await?;
        x::parse_ok(&resp)?;
    }
    Ok(id)
}
