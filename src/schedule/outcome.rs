//! What became of a post request, and how X's answer (or the lack of one) maps onto it.
//!
//! The mapping is the scheduler's safety rule: an answer that may hide a created post is
//! [`Outcome::Unknown`] (resent only under X's duplicate check, or left to the user), never
//! [`Outcome::Transient`] (retried as if nothing had happened).

use serde::{Deserialize, Serialize};

use crate::http::HttpResponse;
use crate::x::{self, XError};

/// What became of a request, as the caller classified X's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// X created the post.
    Posted {
        /// Its id.
        id: String,
    },
    /// 429: not posted; wait for the reset.
    RateLimited {
        /// `x-rate-limit-reset`, Unix seconds.
        reset_at_s: Option<u64>,
        /// `x-user-limit-24hour-remaining`.
        user_24h_remaining: Option<u64>,
        /// `x-user-limit-24hour-reset`, Unix seconds.
        user_24h_reset_s: Option<u64>,
        /// `x-app-limit-24hour-remaining` (old tiers: the app's allowance, shared by its accounts).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        app_24h_remaining: Option<u64>,
        /// `x-app-limit-24hour-reset`, Unix seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        app_24h_reset_s: Option<u64>,
    },
    /// Not posted, worth retrying: the post request was surely not processed (for example a
    /// media upload failed with 5xx or the network was down before anything was sent).
    Transient {
        /// The error code.
        code: String,
    },
    /// The post request left but its fate is unknown: timeout, connection cut, or a 5xx answer
    /// to `POST /2/tweets` (X has been seen to create posts while answering 5xx).
    Unknown {
        /// The error code.
        code: String,
    },
    /// 403 duplicate content.
    Duplicate,
    /// X refused for a reason retrying will not fix (too long, read-only app, no credits,
    /// bad keys, client not enrolled, ...).
    Permanent {
        /// The error code.
        code: String,
    },
    /// The vault was locked, so nothing was signed or sent.
    Locked,
}

impl Outcome {
    /// X's answer to `POST /2/tweets`. A 2xx whose body cannot be read, a 5xx, and any other
    /// status of 500 or more may come with a created post: unknown. A 429 waits for its reset
    /// headers, a clock error is retried, and every other refusal is final.
    pub fn of_response(resp: &HttpResponse) -> Outcome {
        if (200..300).contains(&resp.status) {
            return match x::parse_create_post(resp) {
                Ok(created) => Outcome::Posted { id: created.id },
                // X said yes but the answer is unreadable: it may well be on X.
                Err(e) => Outcome::Unknown {
                    code: e.code().to_owned(),
                },
            };
        }
        match x::classify_error(resp) {
            XError::RateLimited { limits, .. } => Outcome::RateLimited {
                reset_at_s: limits.reset,
                user_24h_remaining: limits.user_24h_remaining,
                user_24h_reset_s: limits.user_24h_reset,
                app_24h_remaining: limits.app_24h_remaining,
                app_24h_reset_s: limits.app_24h_reset,
            },
            XError::Duplicate => Outcome::Duplicate,
            // A daily usage cap ends at the next UTC day: wait for it like a rate limit. A
            // monthly one (or one of unknown period) is final: the user raises the cap.
            XError::UsageCapped {
                retry_at: Some(at),
                period: Some(x::UsagePeriod::Daily),
            } => Outcome::RateLimited {
                reset_at_s: Some(at),
                user_24h_remaining: None,
                user_24h_reset_s: None,
                app_24h_remaining: None,
                app_24h_reset_s: None,
            },
            e @ (XError::ServerError { .. } | XError::EdgeError { .. }) => Outcome::Unknown {
                code: e.code().to_owned(),
            },
            e @ XError::Unexpected { status } if status >= 500 => Outcome::Unknown {
                code: e.code().to_owned(),
            },
            e @ XError::ClockSkew { .. } => Outcome::Transient {
                code: e.code().to_owned(),
            },
            e => Outcome::Permanent {
                code: e.code().to_owned(),
            },
        }
    }

    /// A post request that got no usable answer, by the error's code. A timeout may come after
    /// X received the request, and an unreadable answer means X did answer: both unknown. A
    /// network failure (`offline`) is unknown while the browser says it is online (the
    /// connection may have been cut after the request left) and transient when the browser
    /// says it is offline (nothing left). Anything else failed before the request was built:
    /// transient.
    pub fn of_send_failure(code: &str, browser_online: bool) -> Outcome {
        match code {
            "timeout" | "response_unreadable" => Outcome::Unknown {
                code: code.to_owned(),
            },
            "offline" if browser_online => Outcome::Unknown {
                code: code.to_owned(),
            },
            _ => Outcome::Transient {
                code: code.to_owned(),
            },
        }
    }

    /// A failure before the post request was made (a media upload, a missing account), by
    /// the error's code: nothing can be on X. A 429 waits until `retry_at_s` (Unix seconds,
    /// when X said); network, server and clock trouble and a failing storage are retried;
    /// everything else (a missing image, a refused upload) is final.
    pub fn before_request(code: &str, retry_at_s: Option<u64>) -> Outcome {
        match code {
            "x_rate_limited" | "x_usage_capped_daily" => Outcome::RateLimited {
                reset_at_s: retry_at_s,
                user_24h_remaining: None,
                user_24h_reset_s: None,
                app_24h_remaining: None,
                app_24h_reset_s: None,
            },
            "offline"
            | "timeout"
            | "x_server_error"
            | "x_edge_error"
            | "x_clock_skew"
            | "media_processing_timeout"
            | "platform_fetch"
            | "platform_storage" => Outcome::Transient {
                code: code.to_owned(),
            },
            other => Outcome::Permanent {
                code: other.to_owned(),
            },
        }
    }
}
