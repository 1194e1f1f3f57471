//! A small fake of X for the worker's native tests: the parts of X's API that Keypost calls,
//! answered from memory through the in-memory browser's `fetch` ([`MemoryBrowser::on_fetch`]).
//!
//! - `GET /2/users/me` answers the account whose keys signed the request (the signature is
//!   checked against the keys X holds for it: keys X no longer accepts get X's 401).
//! - `POST /2/tweets` answers 201 with a new id, and records the post (text, the post it
//!   replies to, its images with their alt text and size). A text-only post whose text the
//!   same account already posted is refused with X's 403 duplicate; a post with images is not
//!   (X is not known to catch those: the harsher reading).
//! - The media endpoints: initialize, append, finalize (processed at once), metadata.
//! - Scripted answers ([`FakeX::script`]), taken in order by the next request to their
//!   endpoint: 401, 403 duplicate, 429 with its reset headers, a 5xx, a timeout, a network
//!   failure, and [`Scripted::RecordThen`], where X creates the post and the answer is lost.
//!
//! It is the Rust counterpart of the JavaScript sandbox (`tests/sandbox/`) of the end-to-end
//! tests, reduced to what the worker's message-level tests need.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use keypost::http::{Body, HttpRequest, HttpResponse, Method};
use keypost::oauth1::{self, Credentials};
use keypost::worker::AppError;
use keypost::worker::platform::memory::MemoryBrowser;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

/// One account X knows, with the four keys it accepts.
#[derive(Clone, Debug)]
pub struct XUser {
    /// X's user id (the digits the Access Token starts with).
    pub id: &'static str,
    /// The @name.
    pub username: &'static str,
    /// API Key.
    pub api_key: &'static str,
    /// API Key Secret.
    pub api_secret: &'static str,
    /// Access Token.
    pub access_token: &'static str,
    /// Access Token Secret.
    pub access_token_secret: &'static str,
}

impl XUser {
    /// The keys as `account_add` takes them.
    pub fn keys(&self) -> Value {
        json!({
            "api_key": self.api_key,
            "api_secret": self.api_secret,
            "access_token": self.access_token,
            "access_token_secret": self.access_token_secret,
        })
    }
}

/// The accounts of every fake X.
pub const USERS: [XUser; 3] = [
    XUser {
        id: "1111",
        username: "keypost_demo",
        api_key: "DemoConsumerKeyQ7w2",
        api_secret: "DemoConsumerSecretZ3k9p",
        access_token: "1111-DemoAccessTokenR4t8",
        access_token_secret: "DemoTokenSecretM5n1b",
    },
    XUser {
        id: "2222",
        username: "keypost_second",
        api_key: "SecondConsumerKeyH6j3",
        api_secret: "SecondConsumerSecretV8c2x",
        access_token: "2222-SecondAccessTokenW1e5",
        access_token_secret: "SecondTokenSecretP9u4d",
    },
    XUser {
        id: "3333",
        username: "keypost_third",
        api_key: "ThirdConsumerKeyG2f7",
        api_secret: "ThirdConsumerSecretK4l6y",
        access_token: "3333-ThirdAccessTokenS3a9",
        access_token_secret: "ThirdTokenSecretT7r2q",
    },
];

/// The user X knows by this @name.
pub fn user(username: &str) -> &'static XUser {
    USERS
        .iter()
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("the fake X has no @{username}"))
}

/// Which of X's endpoints a scripted answer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /2/tweets`.
    Tweets,
    /// `GET /2/users/me`.
    UsersMe,
    /// Any `/2/media/...` request.
    Media,
}

/// An answer X gives instead of its normal one.
#[derive(Clone, Debug)]
pub enum Scripted {
    /// 401 Unauthorized (X v2's plain body, no `Date`).
    Unauthorized,
    /// 403 duplicate content.
    Duplicate,
    /// 429 with `x-rate-limit-reset` at `reset_s` (Unix seconds) and, when given, the user's
    /// 24-hour allowance spent until `user_24h_reset_s`.
    RateLimited {
        /// `x-rate-limit-reset`.
        reset_s: u64,
        /// `x-user-limit-24hour-reset`, with `x-user-limit-24hour-remaining: 0`.
        user_24h_reset_s: Option<u64>,
    },
    /// This 5xx status with X's JSON body.
    ServerError(u16),
    /// No answer in time (`timeout`).
    Timeout,
    /// The connection failed (`offline`).
    Offline,
    /// X does the work (creates the post), then the answer is this one instead.
    RecordThen(Box<Scripted>),
}

/// A post on X.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XPost {
    /// Its id.
    pub id: String,
    /// The @name of the account that posted it.
    pub username: String,
    /// Its text.
    pub text: String,
    /// The post it replies to.
    pub reply_to: Option<String>,
    /// Its images: (alt text, bytes).
    pub media: Vec<(String, usize)>,
    /// When X created it (the browser's clock).
    pub at_ms: u64,
}

#[derive(Default)]
struct Upload {
    total: usize,
    bytes: usize,
    alt: String,
}

struct State {
    users: Vec<XUser>,
    posts: Vec<XPost>,
    script: VecDeque<(Endpoint, usize, Scripted)>,
    media: BTreeMap<String, Upload>,
    next_id: u64,
    /// Every request X received, as `METHOD /path`.
    seen: Vec<String>,
}

/// The fake X (a cheap handle: clones share one X).
#[derive(Clone)]
pub struct FakeX(Arc<Mutex<State>>);

impl Default for FakeX {
    fn default() -> Self {
        FakeX::new()
    }
}

impl FakeX {
    /// An X that knows [`USERS`] and holds no post.
    pub fn new() -> Self {
        FakeX(Arc::new(Mutex::new(State {
            users: USERS.to_vec(),
            posts: Vec::new(),
            script: VecDeque::new(),
            media: BTreeMap::new(),
            next_id: 1_900_000_000_000_000_001,
            seen: Vec::new(),
        })))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers every `fetch` of `browser` from now on.
    pub fn serve(&self, browser: &MemoryBrowser) {
        let x = self.clone();
        browser.on_fetch(move |req| x.answer(req));
    }

    /// The next request to `endpoint` gets `answer` (scripted answers are taken in order).
    pub fn script(&self, endpoint: Endpoint, answer: Scripted) {
        self.script_at(endpoint, 0, answer);
    }

    /// The request to `endpoint` after `normal` more requests to it that X answers as usual
    /// gets `answer`.
    pub fn script_at(&self, endpoint: Endpoint, normal: usize, answer: Scripted) {
        self.lock().script.push_back((endpoint, normal, answer));
    }

    /// X no longer accepts the keys of `username` (they were regenerated in the portal).
    pub fn revoke(&self, username: &str) {
        let mut s = self.lock();
        if let Some(u) = s.users.iter_mut().find(|u| u.username == username) {
            u.access_token_secret = "RegeneratedInThePortal";
        }
    }

    /// Every post on X, in the order X created them.
    pub fn posts(&self) -> Vec<XPost> {
        self.lock().posts.clone()
    }

    /// The texts of the posts on X, in order.
    pub fn texts(&self) -> Vec<String> {
        self.lock().posts.iter().map(|p| p.text.clone()).collect()
    }

    /// How many requests X received for this `METHOD /path` (a `/path` prefix).
    pub fn requests(&self, method: &str, path_prefix: &str) -> usize {
        let want = format!("{method} {path_prefix}");
        self.lock()
            .seen
            .iter()
            .filter(|s| s.starts_with(&want))
            .count()
    }

    /// How many `POST /2/tweets` X received.
    pub fn post_requests(&self) -> usize {
        self.requests("POST", "/2/tweets")
    }

    /// X's answer to one request (what `fetch` resolves to).
    fn answer(&self, req: &HttpRequest) -> Result<HttpResponse, AppError> {
        let path = path_of(&req.url).to_owned();
        let now = MemoryBrowser::installed().map_or(0, |b| b.now_ms());
        let mut s = self.lock();
        s.seen.push(format!("{} {path}", req.method.as_str()));
        let endpoint = match (req.method, path.split('?').next().unwrap_or("")) {
            (Method::Post, "/2/tweets") => Endpoint::Tweets,
            (Method::Get, "/2/users/me") => Endpoint::UsersMe,
            (_, p) if p.starts_with("/2/media/") || p == "/2/media/upload" => Endpoint::Media,
            _ => return Ok(problem(404, "Not Found", "about:blank")),
        };
        let scripted = match s
            .script
            .iter()
            .position(|(e, n, _)| *e == endpoint && *n == 0)
        {
            Some(i) => s.script.remove(i).map(|(_, _, a)| a),
            None => None,
        };
        for (_, n, _) in s.script.iter_mut().filter(|(e, ..)| *e == endpoint) {
            *n = n.saturating_sub(1);
        }
        let Some(user) = s.signer(req) else {
            return Ok(problem(401, "Unauthorized", "about:blank"));
        };
        match scripted {
            None => Ok(s.serve(endpoint, &path, req, &user, now)),
            Some(Scripted::RecordThen(then)) => {
                let _ = s.serve(endpoint, &path, req, &user, now);
                scripted_answer(&then)
            }
            Some(other) => scripted_answer(&other),
        }
    }
}

impl State {
    /// The account whose keys signed `req`, if the signature is right for the keys X holds.
    fn signer(&self, req: &HttpRequest) -> Option<XUser> {
        let header = req.header("authorization")?.strip_prefix("OAuth ")?;
        let params: BTreeMap<String, String> = header
            .split(", ")
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                let v = v.trim_matches('"');
                Some((
                    k.to_owned(),
                    percent_decode_str(v).decode_utf8().ok()?.into_owned(),
                ))
            })
            .collect();
        let user = self
            .users
            .iter()
            .find(|u| Some(u.access_token) == params.get("oauth_token").map(String::as_str))?;
        let form: Vec<(String, String)> = match &req.body {
            Body::Form { params } => params.clone(),
            _ => Vec::new(),
        };
        let creds = Credentials {
            consumer_key: user.api_key,
            consumer_secret: user.api_secret,
            token: user.access_token,
            token_secret: user.access_token_secret,
        };
        let expected = oauth1::sign(
            req.method.as_str(),
            &req.url,
            &form,
            &creds,
            params.get("oauth_nonce")?,
            params.get("oauth_timestamp")?.parse().ok()?,
        )
        .ok()?;
        (params.get("oauth_signature") == Some(&expected.signature)).then(|| user.clone())
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// X's normal answer.
    fn serve(
        &mut self,
        endpoint: Endpoint,
        path: &str,
        req: &HttpRequest,
        user: &XUser,
        now: u64,
    ) -> HttpResponse {
        match endpoint {
            Endpoint::UsersMe => ok(
                200,
                json!({ "data": { "id": user.id, "name": user.username, "username": user.username } }),
            ),
            Endpoint::Tweets => self.create_post(req, user, now),
            Endpoint::Media => self.media(path, req),
        }
    }

    fn create_post(&mut self, req: &HttpRequest, user: &XUser, now: u64) -> HttpResponse {
        let body = json_body(req);
        let text = body["text"].as_str().unwrap_or("").to_owned();
        let media_ids: Vec<String> = body["media"]["media_ids"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let duplicate = media_ids.is_empty()
            && self
                .posts
                .iter()
                .any(|p| p.username == user.username && p.text == text);
        if duplicate {
            return scripted_answer(&Scripted::Duplicate).unwrap_or_else(|_| ok(500, json!({})));
        }
        let mut media = Vec::new();
        for id in &media_ids {
            match self.media.get(id) {
                Some(u) if u.bytes == u.total => media.push((u.alt.clone(), u.bytes)),
                _ => return problem(400, "Invalid Request", "invalid-request"),
            }
        }
        let id = self.new_id();
        self.posts.push(XPost {
            id: id.clone(),
            username: user.username.to_owned(),
            text: text.clone(),
            reply_to: body["reply"]["in_reply_to_tweet_id"]
                .as_str()
                .map(str::to_owned),
            media,
            at_ms: now,
        });
        ok(201, json!({ "data": { "id": id, "text": text } }))
    }

    fn media(&mut self, path: &str, req: &HttpRequest) -> HttpResponse {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match parts.as_slice() {
            ["2", "media", "upload", "initialize"] => {
                let total = json_body(req)["total_bytes"].as_u64().unwrap_or(0) as usize;
                let id = self.new_id();
                self.media.insert(
                    id.clone(),
                    Upload {
                        total,
                        ..Upload::default()
                    },
                );
                ok(
                    200,
                    json!({ "data": { "id": id, "expires_after_secs": 86400 } }),
                )
            }
            ["2", "media", "upload", id, "append"] => {
                let chunk = match &req.body {
                    Body::Multipart { parts } => parts
                        .iter()
                        .find(|p| p.name == "media")
                        .map_or(0, |p| p.data.len()),
                    _ => 0,
                };
                match self.media.get_mut(*id) {
                    Some(u) => {
                        u.bytes += chunk;
                        ok(204, Value::Null)
                    }
                    None => problem(400, "Invalid Request", "invalid-request"),
                }
            }
            ["2", "media", "upload", id, "finalize"] => match self.media.get(*id) {
                Some(u) if u.bytes == u.total => ok(200, json!({ "data": { "id": id } })),
                _ => problem(400, "Invalid Request", "invalid-request"),
            },
            ["2", "media", "metadata"] => {
                let body = json_body(req);
                let id = body["id"].as_str().unwrap_or("");
                match self.media.get_mut(id) {
                    Some(u) => {
                        u.alt = body["metadata"]["alt_text"]["text"]
                            .as_str()
                            .unwrap_or("")
                            .to_owned();
                        ok(200, json!({}))
                    }
                    None => problem(400, "Invalid Request", "invalid-request"),
                }
            }
            _ => problem(404, "Not Found", "about:blank"),
        }
    }
}

/// The path (and query) of a URL, whatever its origin.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

fn json_body(req: &HttpRequest) -> Value {
    match &req.body {
        Body::Json { text } => serde_json::from_str(text).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn ok(status: u16, body: Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: if body.is_null() {
            String::new()
        } else {
            body.to_string()
        },
    }
}

/// X's RFC 7807 error body.
fn problem(status: u16, title: &str, kind: &str) -> HttpResponse {
    ok(
        status,
        json!({ "title": title, "detail": title, "type": kind, "status": status }),
    )
}

fn scripted_answer(answer: &Scripted) -> Result<HttpResponse, AppError> {
    Ok(match answer {
        Scripted::Unauthorized => problem(401, "Unauthorized", "about:blank"),
        Scripted::Duplicate => ok(
            403,
            json!({ "title": "Forbidden", "status": 403, "type": "about:blank",
                "detail": "You are not allowed to create a Tweet with duplicate content." }),
        ),
        Scripted::RateLimited {
            reset_s,
            user_24h_reset_s,
        } => {
            let mut resp = problem(429, "Too Many Requests", "about:blank");
            let mut headers = vec![
                ("x-rate-limit-limit", "100".to_owned()),
                ("x-rate-limit-remaining", "0".to_owned()),
                ("x-rate-limit-reset", reset_s.to_string()),
            ];
            if let Some(daily) = user_24h_reset_s {
                headers.push(("x-user-limit-24hour-limit", "17".to_owned()));
                headers.push(("x-user-limit-24hour-remaining", "0".to_owned()));
                headers.push(("x-user-limit-24hour-reset", daily.to_string()));
            }
            resp.headers
                .extend(headers.into_iter().map(|(k, v)| (k.to_owned(), v)));
            resp
        }
        Scripted::ServerError(status) => problem(*status, "Service Unavailable", "about:blank"),
        Scripted::Timeout => return Err(AppError::new("timeout")),
        Scripted::Offline => return Err(AppError::new("offline")),
        Scripted::RecordThen(then) => return scripted_answer(then),
    })
}
