//! Signed requests to X: nonce, timestamp (corrected by X's clock after a 401 code 135, by at
//! most a day: `x::clock_offset`), send.

use std::cell::Cell;

use super::error::AppError;
use super::platform;
use crate::http::{HttpRequest, HttpResponse};
use crate::oauth1::{self, Credentials};
use crate::x;

thread_local! {
    /// Seconds to add to the local clock, learnt from X's `Date` header after a 401 code 135.
    static CLOCK_OFFSET: Cell<i64> = const { Cell::new(0) };
}

fn timestamp() -> u64 {
    let local = (platform::now_ms() / 1000) as i64;
    u64::try_from(local.saturating_add(CLOCK_OFFSET.with(Cell::get))).unwrap_or(0)
}

/// Signs and sends a request; on a clock-skew 401 it retries once with X's time.
pub async fn signed_send(
    request: HttpRequest,
    creds: &Credentials<'_>,
) -> Result<HttpResponse, AppError> {
    let mut attempt = 0;
    let mut previous: Option<i64> = None;
    loop {
        let mut req = request.clone();
        let nonce = oauth1::nonce_from_bytes(&platform::random_bytes::<16>()?);
        oauth1::authorize(&mut req, creds, &nonce, timestamp())?;
        let resp = platform::send(&req).await?;
        if resp.status == 401 && attempt == 0 {
            if let x::XError::ClockSkew {
                server_time: Some(server),
            } = x::classify_error(&resp)
            {
                let local = (platform::now_ms() / 1000) as i64;
                // Only a plausible offset (within a day) is tried; another is ignored.
                if let Some(offset) = x::clock_offset(server, local) {
                    previous = Some(CLOCK_OFFSET.with(|c| c.replace(offset)));
                    attempt += 1;
                    continue;
                }
            }
        }
        // The offset is kept only if the request signed with it was not refused again.
        if let (Some(previous), 401) = (previous, resp.status) {
            CLOCK_OFFSET.with(|c| c.set(previous));
        }
        return Ok(resp);
    }
}
