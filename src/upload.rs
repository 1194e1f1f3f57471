//! Media upload on slow links and long processing (fidelity review §8.9, §8.10): how big the
//! next append chunk is, what a timed-out append does, and how a processing wait is cut into
//! slices short enough to keep an MV3 service worker alive.
//!
//! A `fetch` from the service worker is abandoned after
//! [`REQUEST_TIMEOUT_MS`] (Chrome stops a worker whose `fetch` has no answer in 30 s, so the
//! timeout cannot simply grow). A 1 MiB append needs more than ~330 kbit/s to finish in that
//! time, so instead the chunk shrinks: halved after a timeout (the same bytes are sent again
//! under the same segment index, which X overwrites), and after every append sized from the
//! throughput just measured so the next one takes about [`TARGET_CHUNK_MS`], never above
//! [`MAX_CHUNK_BYTES`] (what Keypost always sent on a fast link) nor below [`MIN_CHUNK_BYTES`].

use crate::compose::CHUNK_BYTES;
use crate::http::{HttpRequest, HttpResponse};

/// How long one request may take before the browser side abandons it.
pub const REQUEST_TIMEOUT_MS: u32 = 25_000;
/// The largest append chunk: 1 MiB, the size used on any link fast enough for it.
pub const MAX_CHUNK_BYTES: usize = CHUNK_BYTES;
/// The smallest append chunk: at 64 KiB per 25 s a link of ~21 kbit/s still gets through.
pub const MIN_CHUNK_BYTES: usize = 64 * 1024;
/// The time an append is sized to take at the measured rate: well inside the timeout, so a
/// link that slows down by half still makes it.
pub const TARGET_CHUNK_MS: u64 = 10_000;
/// Timeouts in a row at [`MIN_CHUNK_BYTES`] before the upload gives up.
pub const MAX_TIMEOUTS_AT_MIN: u32 = 2;
/// A wait longer than this is cut into slices, each followed by an extension API call: Chrome
/// stops a service worker after 30 s without extension events or API calls.
pub const KEEP_ALIVE_SLICE_MS: u64 = 20_000;

/// Decides the size of each append chunk of one upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacer {
    chunk: usize,
    timeouts_at_min: u32,
    /// The time each chunk is sized to take: [`TARGET_CHUNK_MS`] for the usual timeout, the
    /// same share of a shorter one.
    target_ms: u64,
}

/// The link is too slow even for the smallest chunk: the upload stops with the timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooSlow;

impl Default for Pacer {
    fn default() -> Self {
        Self::new()
    }
}

impl Pacer {
    /// A new upload starts at [`MAX_CHUNK_BYTES`], for requests abandoned after
    /// [`REQUEST_TIMEOUT_MS`].
    pub fn new() -> Self {
        Self::for_timeout(REQUEST_TIMEOUT_MS)
    }

    /// A pacer for requests abandoned after `timeout_ms` (sandbox builds shorten the timeout so
    /// that a slow-link test takes seconds): chunks are sized to take the same share of it as
    /// [`TARGET_CHUNK_MS`] is of [`REQUEST_TIMEOUT_MS`], at least a millisecond.
    pub fn for_timeout(timeout_ms: u32) -> Self {
        let target_ms =
            (TARGET_CHUNK_MS * u64::from(timeout_ms) / u64::from(REQUEST_TIMEOUT_MS)).max(1);
        Pacer {
            chunk: MAX_CHUNK_BYTES,
            timeouts_at_min: 0,
            target_ms,
        }
    }

    /// The size of the next chunk, in bytes.
    pub fn chunk_bytes(&self) -> usize {
        self.chunk
    }

    /// An append of `bytes` took `elapsed_ms` (request to answer): size the next one to take
    /// about [`TARGET_CHUNK_MS`] at that rate (its share of a shorter timeout).
    pub fn on_sent(&mut self, bytes: usize, elapsed_ms: u64) {
        self.timeouts_at_min = 0;
        let elapsed = elapsed_ms.max(1);
        let fit = (bytes as u128 * u128::from(self.target_ms) / u128::from(elapsed))
            .min(MAX_CHUNK_BYTES as u128) as usize;
        self.chunk = fit.clamp(MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
    }

    /// An append timed out: the same bytes go again in a chunk half the size, or, after
    /// [`MAX_TIMEOUTS_AT_MIN`] timeouts in a row at the smallest size, the upload gives up.
    pub fn on_timeout(&mut self) -> Result<(), TooSlow> {
        if self.chunk <= MIN_CHUNK_BYTES {
            self.timeouts_at_min += 1;
            if self.timeouts_at_min >= MAX_TIMEOUTS_AT_MIN {
                return Err(TooSlow);
            }
        }
        self.chunk = (self.chunk / 2).max(MIN_CHUNK_BYTES);
        Ok(())
    }
}

/// A wait of `total_ms` as slices of at most [`KEEP_ALIVE_SLICE_MS`]; the caller makes an
/// extension API call after each, so a processing wait of up to 60 s (X's largest
/// `check_after_secs` the core accepts) never leaves the worker idle for 30 s.
pub fn keep_alive_slices(total_ms: u64) -> Vec<u64> {
    let mut slices = Vec::new();
    let mut left = total_ms;
    while left > 0 {
        let slice = left.min(KEEP_ALIVE_SLICE_MS);
        slices.push(slice);
        left -= slice;
    }
    slices
}

/// The most `STATUS` checks one upload waits through before it gives up
/// (`media_processing_timeout`).
pub const MAX_PROCESSING_POLLS: u32 = 30;

/// What the worker does next for one upload ([`Session`]).
#[derive(Clone, Debug, PartialEq)]
pub enum UploadStep {
    /// Sign and send this request (`initialize`, `finalize`, `STATUS`, the alt text), then
    /// give the machine the answer ([`Session::answered`]).
    Send(HttpRequest),
    /// Read bytes `start..end` of the stored file and send them as the next append
    /// ([`Session::append_request`]): the machine never holds the file.
    Append {
        /// The first byte.
        start: usize,
        /// One past the last.
        end: usize,
    },
    /// Wait this long for X's processing (keeping the worker awake), then
    /// [`Session::waited`].
    Wait {
        /// Milliseconds.
        ms: u64,
    },
    /// Uploaded: X's media id, ready to attach.
    Done {
        /// The id.
        media_id: String,
    },
}

/// Why an upload stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadError {
    /// X refused or answered something unreadable.
    X(crate::x::XError),
    /// The request got no answer (the worker's own error stands: `offline`, `timeout`, ...).
    NoAnswer,
    /// X's processing took more than [`MAX_PROCESSING_POLLS`] checks.
    ProcessingTimeout,
    /// X's processing failed.
    ProcessingFailed,
}

impl UploadError {
    /// A stable code (`NoAnswer` keeps the worker's own).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::X(e) => e.code(),
            UploadError::NoAnswer => "no_answer",
            UploadError::ProcessingTimeout => "media_processing_timeout",
            UploadError::ProcessingFailed => "media_processing_failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Initializing,
    Appending { start: usize, end: usize },
    Finalizing,
    Processing,
    Describing,
    Finished,
}

/// One image upload as a step machine, for the composer and the scheduler alike: `initialize`,
/// appends in chunks the [`Pacer`] sizes (a timed-out append is sent again, smaller, under the
/// same segment index), `finalize`, `STATUS` as X's `check_after_secs` says (at most
/// [`MAX_PROCESSING_POLLS`]), then the alt text when it is not blank.
#[derive(Clone, Debug)]
pub struct Session {
    base: String,
    total: usize,
    alt: String,
    pacer: Pacer,
    phase: Phase,
    media_id: String,
    index: u32,
    uploaded: usize,
    polls: u32,
}

impl Session {
    /// Starts the upload of `total` bytes of `media_type` with alt text `alt`, for requests
    /// abandoned after `timeout_ms`: the image is checked first (type, size), then the first
    /// step is `initialize`.
    ///
    /// # Errors
    /// The image's refusal ([`crate::compose::check_image`]): nothing is sent.
    pub fn start(
        base: &str,
        media_type: &str,
        total: u64,
        alt: &str,
        timeout_ms: u32,
    ) -> Result<(Session, UploadStep), crate::compose::ImageError> {
        crate::compose::check_image(media_type, total)?;
        let session = Session {
            base: base.to_owned(),
            total: usize::try_from(total).unwrap_or(usize::MAX),
            alt: alt.to_owned(),
            pacer: Pacer::for_timeout(timeout_ms),
            phase: Phase::Initializing,
            media_id: String::new(),
            index: 0,
            uploaded: 0,
            polls: 0,
        };
        let first = UploadStep::Send(crate::x::media_initialize(base, media_type, total));
        Ok((session, first))
    }

    /// Bytes on X so far (for progress).
    #[must_use]
    pub fn uploaded_bytes(&self) -> u64 {
        self.uploaded as u64
    }

    /// The append request for the bytes an [`UploadStep::Append`] asked for.
    #[must_use]
    pub fn append_request(&self, chunk: &[u8]) -> HttpRequest {
        crate::x::media_append(&self.base, &self.media_id, self.index, chunk)
    }

    /// The answer to the last request: X's answer, or `Err(code)` when none came (the
    /// worker's error code). `elapsed_ms` is how long an append took (for the pacer).
    ///
    /// # Errors
    /// Why the upload stops.
    pub fn answered(
        &mut self,
        answer: Result<&HttpResponse, &str>,
        elapsed_ms: u64,
    ) -> Result<UploadStep, UploadError> {
        let resp = match (answer, &self.phase) {
            (Ok(resp), _) => resp,
            // The same bytes again, under the same segment index, in a smaller chunk.
            (Err("timeout"), Phase::Appending { .. }) => {
                self.pacer.on_timeout().map_err(|_| UploadError::NoAnswer)?;
                return Ok(self.next_append(self.uploaded));
            }
            (Err(_), _) => return Err(UploadError::NoAnswer),
        };
        match self.phase.clone() {
            Phase::Initializing => {
                self.media_id = crate::x::parse_media_initialize(resp).map_err(UploadError::X)?;
                Ok(self.next_append(0))
            }
            Phase::Appending { start, end } => {
                crate::x::parse_ok(resp).map_err(UploadError::X)?;
                self.pacer.on_sent(end - start, elapsed_ms);
                self.uploaded = end;
                self.index += 1;
                Ok(self.next_append(end))
            }
            Phase::Finalizing | Phase::Processing => {
                match crate::x::parse_media_processing(resp).map_err(UploadError::X)? {
                    crate::x::Processing::Pending { check_after_secs } => {
                        self.polls += 1;
                        if self.polls > MAX_PROCESSING_POLLS {
                            return Err(UploadError::ProcessingTimeout);
                        }
                        self.phase = Phase::Processing;
                        Ok(UploadStep::Wait {
                            ms: check_after_secs.saturating_mul(1000),
                        })
                    }
                    crate::x::Processing::Failed => Err(UploadError::ProcessingFailed),
                    crate::x::Processing::Succeeded => Ok(self.describe()),
                }
            }
            Phase::Describing => {
                crate::x::parse_ok(resp).map_err(UploadError::X)?;
                Ok(self.finish())
            }
            Phase::Finished => Ok(self.finish()),
        }
    }

    /// The processing wait is over: check again.
    pub fn waited(&mut self) -> UploadStep {
        UploadStep::Send(crate::x::media_status(&self.base, &self.media_id))
    }

    fn next_append(&mut self, from: usize) -> UploadStep {
        if from >= self.total {
            self.phase = Phase::Finalizing;
            return UploadStep::Send(crate::x::media_finalize(&self.base, &self.media_id));
        }
        let end = from
            .saturating_add(self.pacer.chunk_bytes())
            .min(self.total);
        self.phase = Phase::Appending { start: from, end };
        UploadStep::Append { start: from, end }
    }

    fn describe(&mut self) -> UploadStep {
        if self.alt.trim().is_empty() {
            return self.finish();
        }
        self.phase = Phase::Describing;
        UploadStep::Send(crate::x::media_metadata(
            &self.base,
            &self.media_id,
            &self.alt,
        ))
    }

    fn finish(&mut self) -> UploadStep {
        self.phase = Phase::Finished;
        UploadStep::Done {
            media_id: self.media_id.clone(),
        }
    }
}
