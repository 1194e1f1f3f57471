//! Signed requests to X: nonce, timestamp (corrected by X's clock after a 401, see
//! [`x::after_401`] for when; by at most a day, [`x::clock_offset`]), send. The decision is
//! the core's; this module only wires it.

use std::cell::Cell;

use super::config;
use super::error::AppError;
use super::platform;
use crate::http::{HttpRequest, HttpResponse};
use crate::oauth1::{self, Credentials};
use crate::x::{self, After401};

thread_local! {
    /// Seconds to add to the local clock, learnt from X's `Date` header after a 401 whose
    /// retry with it succeeded.
    static CLOCK_OFFSET: Cell<i64> = const { Cell::new(0) };
}

fn timestamp() -> u64 {
    // Browser clock: requests are signed with the true time, which X checks.
    let local = (platform::now_ms() / 1000) as i64;
    u64::try_from(local.saturating_add(CLOCK_OFFSET.with(Cell::get))).unwrap_or(0)
}

/// Signs and sends a request; on a 401 whose `Date` shows the clock is off it retries once with
/// X's time, and a 401 the core judges to be the clock comes back marked as such.
pub async fn signed_send(
    request: HttpRequest,
    creds: &Credentials<'_>,
) -> Result<HttpResponse, AppError> {
    let mut retried_from: Option<i64> = None;
    loop {
        let mut req = request.clone();
        let nonce = oauth1::nonce_from_bytes(&platform::random_bytes::<16>()?);
        let sent = timestamp();
        oauth1::authorize(&mut req, creds, &nonce, sent)?;
        // How long it may take before it is abandoned: the core's `upload::REQUEST_TIMEOUT_MS`
        // (shorter in sandbox builds when a test asks: `config`).
        let mut resp = platform::send(&req, config::request_timeout_ms().await).await?;
        // Browser clock: requests are signed with the true time, which X checks.
        let local = (platform::now_ms() / 1000) as i64;
        match x::after_401(&resp, sent, local, retried_from.is_some()) {
            After401::AsIs => {}
            After401::RetryWithOffset { offset_s } => {
                // The whole offset, bounded by the core (`x::clock_offset`): at most a day.
                retried_from = Some(CLOCK_OFFSET.with(|c| c.replace(offset_s)));
                continue;
            }
            After401::ReportClock => {
                // An offset is kept only when the request signed with it succeeded (F14).
                if let Some(previous) = retried_from {
                    CLOCK_OFFSET.with(|c| c.set(previous));
                }
                x::mark_clock_skew(&mut resp);
            }
        }
        return Ok(resp);
    }
}
