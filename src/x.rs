//! The X API as Keypost uses it: requests built as values, responses parsed into typed
//! results or an [`XError`] that says what the user should do.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::accounts::{AccessLevel, XUser};
use crate::http::{Body, HttpRequest, HttpResponse, Method, Part};

/// The production API origin.
pub const DEFAULT_API_BASE: &str = "https://api.x.com";

/// The fields `GET /2/users/me` is asked for.
pub const USER_FIELDS: &str = "profile_image_url,verified,verified_type";

/// A post X accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedPost {
    /// The post's id.
    pub id: String,
    /// The text as X stored it.
    pub text: String,
}

/// What the rate-limit headers of a response said. Times are Unix seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// `x-rate-limit-limit`
    pub limit: Option<u64>,
    /// `x-rate-limit-remaining`
    pub remaining: Option<u64>,
    /// `x-rate-limit-reset`
    pub reset: Option<u64>,
    /// `x-user-limit-24hour-limit`
    pub user_24h_limit: Option<u64>,
    /// `x-user-limit-24hour-remaining`
    pub user_24h_remaining: Option<u64>,
    /// `x-user-limit-24hour-reset`
    pub user_24h_reset: Option<u64>,
    /// `x-app-limit-24hour-limit`
    pub app_24h_limit: Option<u64>,
    /// `x-app-limit-24hour-remaining`
    pub app_24h_remaining: Option<u64>,
    /// `x-app-limit-24hour-reset`
    pub app_24h_reset: Option<u64>,
}

impl RateLimits {
    /// Reads the documented and the observed rate-limit headers.
    pub fn from_response(resp: &HttpResponse) -> Self {
        let num = |name: &str| resp.header(name).and_then(|v| v.trim().parse::<u64>().ok());
        RateLimits {
            limit: num("x-rate-limit-limit"),
            remaining: num("x-rate-limit-remaining"),
            reset: num("x-rate-limit-reset"),
            user_24h_limit: num("x-user-limit-24hour-limit"),
            user_24h_remaining: num("x-user-limit-24hour-remaining"),
            user_24h_reset: num("x-user-limit-24hour-reset"),
            app_24h_limit: num("x-app-limit-24hour-limit"),
            app_24h_remaining: num("x-app-limit-24hour-remaining"),
            app_24h_reset: num("x-app-limit-24hour-reset"),
        }
    }

    /// When a 429 ends: the 24-hour reset when a 24-hour allowance is spent, else the
    /// 15-minute window's reset.
    pub fn retry_at(&self) -> Option<u64> {
        if self.user_24h_remaining == Some(0) && self.user_24h_reset.is_some() {
            return self.user_24h_reset;
        }
        if self.app_24h_remaining == Some(0) && self.app_24h_reset.is_some() {
            return self.app_24h_reset;
        }
        self.reset
    }

    /// Whether a 24-hour allowance (rather than the 15-minute window) is what ran out.
    pub fn daily_limit_spent(&self) -> bool {
        self.user_24h_remaining == Some(0) || self.app_24h_remaining == Some(0)
    }
}

/// Everything that can go wrong talking to X, each with its own advice in the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum XError {
    /// 401: a key is wrong, regenerated, or from another app.
    Unauthorized,
    /// 401 because the computer's clock is off: X's legacy code 135, or any 401 whose `Date`
    /// header disagrees with the timestamp sent by more than [`CLOCK_SKEW_THRESHOLD_S`] (v2
    /// answers a stale timestamp with the plain 401), also after a retry with X's time.
    ClockSkew {
        /// X's time from the `Date` header, Unix seconds, when present.
        server_time: Option<u64>,
    },
    /// 403 `oauth1-permissions`: the app or the token is read-only.
    ReadOnly,
    /// 403 duplicate content.
    Duplicate,
    /// 403 "You are not permitted to perform this action.": X gives it for over-length text,
    /// and (2026) for a spent posting quota, an app or account that may not write, or
    /// automated-behaviour limits (D6). Keypost checks the length first, so the cause is
    /// usually one of the others: X's own text goes with it.
    NotPermitted {
        /// X's own words.
        #[serde(default)]
        detail: String,
    },
    /// 403 `user-suspended`: the account posting is suspended; nothing to retry.
    UserSuspended,
    /// 403: the 2026 reply restriction (self-serve apps may reply only to posts that mention
    /// them or that they wrote).
    ReplyRestricted,
    /// 403: the post being replied to is deleted or not visible (a thread's previous step).
    ReplyTargetGone,
    /// 403: more than one `$CASHTAG` (2026 self-serve tiers); the composer checks it first.
    CashtagLimit,
    /// 403 `client-not-enrolled`: the app is not attached to a project.
    ClientNotEnrolled,
    /// 402: no credits left.
    CreditsDepleted,
    /// 429: wait until `retry_at`.
    RateLimited {
        /// When to try again (Unix seconds), from the headers.
        retry_at: Option<u64>,
        /// Whether a 24-hour allowance ran out.
        daily: bool,
        /// The headers, for scheduling.
        limits: Box<RateLimits>,
    },
    /// 429 `usage-capped`: a usage cap is reached, for the day or the month (`period`).
    UsageCapped {
        /// X's `period`: `Daily` or `Monthly` (anything else, or none: unknown).
        #[serde(default)]
        period: Option<UsagePeriod>,
        /// When the cap ends (the next UTC day, or the next month), Unix seconds, from X's
        /// `Date` header; `None` when unknown.
        #[serde(default)]
        retry_at: Option<u64>,
    },
    /// 400 and other client errors X explains in `detail`.
    BadRequest {
        /// The HTTP status.
        status: u16,
        /// X's explanation (never contains a key).
        detail: String,
    },
    /// 5xx: X is having trouble; try again later.
    ServerError {
        /// The HTTP status.
        status: u16,
    },
    /// 5xx with an HTML page instead of X's JSON: X's edge servers (or a proxy between)
    /// answered, "over capacity" and the like. Transient, like [`XError::ServerError`].
    EdgeError {
        /// The HTTP status.
        status: u16,
    },
    /// A response that is not what X sends.
    Unexpected {
        /// The HTTP status.
        status: u16,
    },
}

impl XError {
    /// A stable code that the UI localises (`x_` + the variant).
    pub fn code(&self) -> &'static str {
        match self {
            XError::Unauthorized => "x_unauthorized",
            XError::ClockSkew { .. } => "x_clock_skew",
            XError::ReadOnly => "x_read_only",
            XError::Duplicate => "x_duplicate",
            XError::NotPermitted { .. } => "x_not_permitted",
            XError::UserSuspended => "x_user_suspended",
            XError::ReplyRestricted => "x_reply_restricted",
            XError::ReplyTargetGone => "x_reply_target_gone",
            XError::CashtagLimit => "x_cashtag_limit",
            XError::ClientNotEnrolled => "x_client_not_enrolled",
            XError::CreditsDepleted => "x_credits_depleted",
            XError::RateLimited { .. } => "x_rate_limited",
            XError::UsageCapped {
                period: Some(UsagePeriod::Daily),
                ..
            } => "x_usage_capped_daily",
            XError::UsageCapped {
                period: Some(UsagePeriod::Monthly),
                ..
            } => "x_usage_capped_monthly",
            XError::UsageCapped { period: None, .. } => "x_usage_capped",
            XError::BadRequest { .. } => "x_bad_request",
            XError::ServerError { .. } => "x_server_error",
            XError::EdgeError { .. } => "x_edge_error",
            XError::Unexpected { .. } => "x_unexpected",
        }
    }

    /// Whether trying the same request later can succeed without the user changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            XError::RateLimited { .. }
                | XError::ServerError { .. }
                | XError::EdgeError { .. }
                | XError::ClockSkew { .. }
                | XError::UsageCapped {
                    period: Some(UsagePeriod::Daily),
                    ..
                }
        )
    }
}

/// The `period` of a 429 `usage-capped` (X OpenAPI v2.159+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsagePeriod {
    /// Ends at the next UTC day.
    Daily,
    /// Ends at the start of the next month (UTC).
    Monthly,
}

impl UsagePeriod {
    /// When a cap of this period, hit at `now_s` (Unix seconds, X's time), ends.
    pub fn ends_after(self, now_s: u64) -> Option<u64> {
        let day = now_s / 86_400;
        match self {
            UsagePeriod::Daily => day.checked_add(1)?.checked_mul(86_400),
            UsagePeriod::Monthly => {
                let (y, m, _) = crate::civil::civil_from_days(i64::try_from(day).ok()?);
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                u64::try_from(crate::civil::days_from_civil(y, m, 1))
                    .ok()?
                    .checked_mul(86_400)
            }
        }
    }
}

impl fmt::Display for XError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for XError {}

fn url(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

fn json_request(method: Method, url: String, body: &Value) -> HttpRequest {
    let mut req = HttpRequest::new(method, url);
    req.body = Body::Json {
        text: body.to_string(),
    };
    req
}

/// `GET /2/users/me` with the avatar field.
pub fn users_me(base: &str) -> HttpRequest {
    HttpRequest::new(
        Method::Get,
        url(
            base,
            &format!(
                "/2/users/me?user.fields={}",
                USER_FIELDS.replace(',', "%2C")
            ),
        ),
    )
}

/// What one `POST /2/tweets` carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPost {
    /// The text.
    pub text: String,
    /// The post this one replies to (a thread's previous step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// Uploaded media ids, 0 to 4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_ids: Vec<String>,
}

/// `POST /2/tweets` with a JSON body (not signed).
pub fn create_post(base: &str, post: &NewPost) -> HttpRequest {
    let mut body = serde_json::json!({ "text": post.text });
    if let Some(reply) = &post.in_reply_to {
        body["reply"] = serde_json::json!({ "in_reply_to_tweet_id": reply });
    }
    if !post.media_ids.is_empty() {
        body["media"] = serde_json::json!({ "media_ids": post.media_ids });
    }
    json_request(Method::Post, url(base, "/2/tweets"), &body)
}

/// `POST /2/media/upload/initialize`.
pub fn media_initialize(base: &str, media_type: &str, total_bytes: u64) -> HttpRequest {
    let category = if media_type == "image/gif" {
        "tweet_gif"
    } else {
        "tweet_image"
    };
    json_request(
        Method::Post,
        url(base, "/2/media/upload/initialize"),
        &serde_json::json!({
            "media_type": media_type,
            "total_bytes": total_bytes,
            "media_category": category,
        }),
    )
}

/// `POST /2/media/upload/{id}/append`, multipart (not signed).
pub fn media_append(base: &str, media_id: &str, segment_index: u32, chunk: &[u8]) -> HttpRequest {
    let mut req = HttpRequest::new(
        Method::Post,
        url(base, &format!("/2/media/upload/{media_id}/append")),
    );
    req.body = Body::Multipart {
        parts: vec![
            Part {
                name: "segment_index".into(),
                filename: None,
                content_type: None,
                data: segment_index.to_string().into_bytes(),
            },
            Part {
                name: "media".into(),
                filename: Some("blob".into()),
                content_type: Some("application/octet-stream".into()),
                data: chunk.to_vec(),
            },
        ],
    };
    req
}

/// `POST /2/media/upload/{id}/finalize`.
pub fn media_finalize(base: &str, media_id: &str) -> HttpRequest {
    HttpRequest::new(
        Method::Post,
        url(base, &format!("/2/media/upload/{media_id}/finalize")),
    )
}

/// `GET /2/media/upload?command=STATUS&media_id={id}` (the query is signed).
pub fn media_status(base: &str, media_id: &str) -> HttpRequest {
    HttpRequest::new(
        Method::Get,
        url(
            base,
            &format!(
                "/2/media/upload?command=STATUS&media_id={}",
                crate::oauth1::percent_encode(media_id)
            ),
        ),
    )
}

/// `POST /2/media/metadata` with alt text.
pub fn media_metadata(base: &str, media_id: &str, alt_text: &str) -> HttpRequest {
    json_request(
        Method::Post,
        url(base, "/2/media/metadata"),
        &serde_json::json!({ "id": media_id, "metadata": { "alt_text": { "text": alt_text } } }),
    )
}

/// Above this many seconds between X's `Date` and the `oauth_timestamp` sent, a 401 may be the
/// clock rather than the keys (the `Date` header has one-second resolution and travels).
pub const CLOCK_SKEW_THRESHOLD_S: i64 = 60;

/// The header the sender adds to a 401 it has judged to be the clock (see [`after_401`]). X
/// never sends it; [`classify_error`] turns a 401 carrying it into [`XError::ClockSkew`].
pub const CLOCK_SKEW_MARK: &str = "x-keypost-clock-skew";

/// What to do after a 401 (the decision only; the sender does the I/O).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After401 {
    /// The clocks agree: the 401 is about the keys (or whatever X says); report it as is.
    AsIs,
    /// X's clock differs from the timestamp sent by more than [`CLOCK_SKEW_THRESHOLD_S`]: sign
    /// again once with the local clock moved by `offset_s` (X minus local, from
    /// [`clock_offset`], so never more than [`MAX_CLOCK_OFFSET_SECS`]).
    RetryWithOffset {
        /// Seconds to add to the local clock (the whole offset, not a change to the last one).
        offset_s: i64,
    },
    /// Say it is the clock: the retry with X's time failed too, or X's `Date` is further off
    /// than [`MAX_CLOCK_OFFSET_SECS`] and is not trusted for signing.
    ReportClock,
}

/// The clock-skew rule for a 401 (D1): real v2 answers a stale `oauth_timestamp` with the plain
/// 401, so on any 401 compare X's `Date` with the timestamp that was sent (`sent_timestamp`,
/// which already carries any earlier correction); the offset to retry with is measured from the
/// uncorrected local clock (`local_secs`) and bounded by [`clock_offset`]. `retried` is true for
/// the answer to the one retry, which is then reported as the clock, never the keys.
pub fn after_401(
    resp: &HttpResponse,
    sent_timestamp: u64,
    local_secs: i64,
    retried: bool,
) -> After401 {
    if resp.status != 401 {
        return After401::AsIs;
    }
    if retried {
        return After401::ReportClock;
    }
    let Some(server) = resp.header("date").and_then(parse_http_date) else {
        return After401::AsIs;
    };
    let off_from_sent = i64::try_from(server)
        .unwrap_or(i64::MAX)
        .saturating_sub(i64::try_from(sent_timestamp).unwrap_or(i64::MAX));
    if off_from_sent.abs() <= CLOCK_SKEW_THRESHOLD_S {
        return After401::AsIs;
    }
    match clock_offset(server, local_secs) {
        Some(offset_s) => After401::RetryWithOffset { offset_s },
        None => After401::ReportClock,
    }
}

/// Marks a 401 as the clock's (see [`CLOCK_SKEW_MARK`]).
pub fn mark_clock_skew(resp: &mut HttpResponse) {
    resp.headers
        .push((CLOCK_SKEW_MARK.to_owned(), "1".to_owned()));
}

/// Turns any non-2xx response into the matching [`XError`].
pub fn classify_error(resp: &HttpResponse) -> XError {
    let body: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
    let type_suffix = body
        .get("type")
        .and_then(Value::as_str)
        .and_then(|t| t.rsplit("/problems/").next().filter(|s| *s != t))
        .unwrap_or("");
    let first_error = body
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("message").or_else(|| e.get("detail")))
        .and_then(Value::as_str);
    // An invalid-request's `detail` is always X's generic sentence ("One or more parameters to
    // your request was invalid."); the reason is in `errors[0].message` (D2).
    let detail = if type_suffix == "invalid-request" {
        first_error.or_else(|| body.get("detail").and_then(Value::as_str))
    } else {
        body.get("detail").and_then(Value::as_str).or(first_error)
    }
    .unwrap_or("")
    .to_owned();
    let title = body.get("title").and_then(Value::as_str).unwrap_or("");
    let reason = body.get("reason").and_then(Value::as_str).unwrap_or("");
    let legacy_code = body
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("code"))
        .and_then(Value::as_u64);
    let lower = detail.to_ascii_lowercase();
    match resp.status {
        401 if legacy_code == Some(135)
            || lower.contains("timestamp")
            || resp.header(CLOCK_SKEW_MARK).is_some() =>
        {
            XError::ClockSkew {
                server_time: resp.header("date").and_then(parse_http_date),
            }
        }
        401 => XError::Unauthorized,
        402 => XError::CreditsDepleted,
        403 if type_suffix == "oauth1-permissions" => XError::ReadOnly,
        403 if reason == "client-not-enrolled" || title == "Client Forbidden" => {
            XError::ClientNotEnrolled
        }
        403 if type_suffix == "user-suspended" || lower.contains("is suspended") => {
            XError::UserSuspended
        }
        403 if is_reply_restriction(&lower) => XError::ReplyRestricted,
        403 if lower.contains("duplicate") => XError::Duplicate,
        403 if lower.contains("deleted or not visible") => XError::ReplyTargetGone,
        403 if lower.contains("cashtag") => XError::CashtagLimit,
        403 if lower.contains("not permitted") => XError::NotPermitted {
            detail: detail.chars().take(300).collect(),
        },
        429 if type_suffix == "usage-capped" || title == "UsageCapExceeded" => {
            let period = match body.get("period").and_then(Value::as_str) {
                Some("Daily") => Some(UsagePeriod::Daily),
                Some("Monthly") => Some(UsagePeriod::Monthly),
                _ => None,
            };
            let now = resp.header("date").and_then(parse_http_date);
            XError::UsageCapped {
                period,
                retry_at: period.zip(now).and_then(|(p, now)| p.ends_after(now)),
            }
        }
        429 => {
            let limits = RateLimits::from_response(resp);
            XError::RateLimited {
                retry_at: limits.retry_at(),
                daily: limits.daily_limit_spent(),
                limits: Box::new(limits),
            }
        }
        s @ 500..=599 if looks_like_html(resp) => XError::EdgeError { status: s },
        s @ 500..=599 => XError::ServerError { status: s },
        s @ 400..=499 if !detail.is_empty() => XError::BadRequest {
            status: s,
            detail: detail.chars().take(300).collect(),
        },
        s => XError::Unexpected { status: s },
    }
}

/// An HTML page rather than X's JSON: `Content-Type: text/html`, or a body starting with `<`.
fn looks_like_html(resp: &HttpResponse) -> bool {
    resp.header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"))
        || resp.body.trim_start().starts_with('<')
}

/// X's two wordings of the reply restriction (2026 responses quoted in the fidelity review):
/// "You can only reply to or quote posts where you are mentioned or are the author." and the
/// older "Reply to this conversation is not allowed because you have not been mentioned...".
fn is_reply_restriction(lower_detail: &str) -> bool {
    lower_detail.contains("you can only reply to")
        || lower_detail.contains("reply to this conversation is not allowed")
}

fn data_of(resp: &HttpResponse) -> Result<Value, XError> {
    if !(200..300).contains(&resp.status) {
        return Err(classify_error(resp));
    }
    let body: Value = serde_json::from_str(&resp.body).map_err(|_| XError::Unexpected {
        status: resp.status,
    })?;
    match body.get("data") {
        Some(data) => Ok(data.clone()),
        None => Err(XError::Unexpected {
            status: resp.status,
        }),
    }
}

fn str_field(v: &Value, name: &str, status: u16) -> Result<String, XError> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(XError::Unexpected { status })
}

/// What verifying a set of keys learned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// The account.
    pub user: XUser,
    /// The token's access level, when X said.
    pub access_level: Option<AccessLevel>,
}

/// Parses `GET /2/users/me`.
pub fn parse_users_me(resp: &HttpResponse) -> Result<Verified, XError> {
    let data = data_of(resp)?;
    let user = XUser {
        id: str_field(&data, "id", resp.status)?,
        name: str_field(&data, "name", resp.status)?,
        username: str_field(&data, "username", resp.status)?,
        profile_image_url: data
            .get("profile_image_url")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    Ok(Verified {
        user,
        access_level: resp
            .header("x-access-level")
            .and_then(AccessLevel::from_header),
    })
}

/// Parses `POST /2/tweets`.
pub fn parse_create_post(resp: &HttpResponse) -> Result<CreatedPost, XError> {
    let data = data_of(resp)?;
    Ok(CreatedPost {
        id: str_field(&data, "id", resp.status)?,
        text: str_field(&data, "text", resp.status)?,
    })
}

/// Media processing as `finalize` or `STATUS` reported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Processing {
    /// Ready to attach.
    Succeeded,
    /// Ask again after this many seconds.
    Pending {
        /// X's `check_after_secs`.
        check_after_secs: u64,
    },
    /// X could not process the file.
    Failed,
}

/// Parses `initialize`: the media id.
pub fn parse_media_initialize(resp: &HttpResponse) -> Result<String, XError> {
    let data = data_of(resp)?;
    str_field(&data, "id", resp.status)
}

/// Parses `finalize` or `STATUS`.
pub fn parse_media_processing(resp: &HttpResponse) -> Result<Processing, XError> {
    let data = data_of(resp)?;
    let Some(info) = data.get("processing_info") else {
        return Ok(Processing::Succeeded);
    };
    let after = info
        .get("check_after_secs")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    Ok(match info.get("state").and_then(Value::as_str) {
        Some("succeeded") | None => Processing::Succeeded,
        Some("failed") => Processing::Failed,
        Some(_) => Processing::Pending {
            check_after_secs: after.clamp(1, 60),
        },
    })
}

/// Checks any other 2xx answer (append, metadata).
pub fn parse_ok(resp: &HttpResponse) -> Result<(), XError> {
    if (200..300).contains(&resp.status) {
        Ok(())
    } else {
        Err(classify_error(resp))
    }
}

/// The public link to a post.
pub fn post_url(username: &str, id: &str) -> String {
    format!("https://x.com/{username}/status/{id}")
}

/// The post id in what a person pasted to name a post: a bare id, or a link to it
/// (`https://x.com/<user>/status/<id>`, also twitter.com, mobile and `/i/web/status/`, with or
/// without scheme and query). `None` when it is neither.
pub fn post_id_from_ref(text: &str) -> Option<String> {
    let text = text.trim();
    let is_id = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    if is_id(text) {
        return Some(text.to_owned());
    }
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let (host, path) = rest.split_once('/')?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.strip_prefix("mobile.").unwrap_or(host);
    if host != "x.com" && host != "twitter.com" {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments = path.split('/');
    while let Some(segment) = segments.next() {
        if segment == "status" || segment == "statuses" {
            return segments.next().filter(|id| is_id(id)).map(str::to_owned);
        }
    }
    None
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds. Every field is
/// range-checked (day 1-31, year 1970-9999, 23:59:60 at most) before any arithmetic, so no
/// header can overflow it.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let mut parts = s.split_whitespace().skip(1);
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || !(1970..=9999).contains(&year) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + m * 60 + sec)
}

/// The most a clock correction learnt from X's `Date` header may be: 24 hours. A computer
/// clock further off than that is not a skew to correct silently, and a larger offset can
/// only come from a broken or hostile answer (it would make every later request fail).
pub const MAX_CLOCK_OFFSET_SECS: i64 = 24 * 3600;

/// The seconds to add to the local clock (`local_secs`, Unix) to match X's (`server_secs`),
/// or `None` when they differ by more than [`MAX_CLOCK_OFFSET_SECS`]: such an offset is
/// ignored, not clamped.
pub fn clock_offset(server_secs: u64, local_secs: i64) -> Option<i64> {
    let server = i64::try_from(server_secs).ok()?;
    let offset = server.checked_sub(local_secs)?;
    (offset.abs() <= MAX_CLOCK_OFFSET_SECS).then_some(offset)
}
