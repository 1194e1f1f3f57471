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
