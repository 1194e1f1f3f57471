//! The one way a post goes to X, for the composer and the scheduler alike: the worker runs
//! the core's [`PostAttempt`] (sign and send what it asks, give it the answer), so both reach
//! the same [`Outcome`] for the same answer from X.

use super::AppError;
use super::config;
use super::net::signed_send;
use super::platform;
use crate::http::HttpResponse;
use crate::oauth1::Credentials;
use crate::schedule::{Answer, Outcome, PostAttempt, Step};
use crate::x::NewPost;

/// What became of a post, and X's own answer to the post request (for the error the composer
/// shows: its details, such as when to retry).
pub struct Attempted {
    /// The core's classification.
    pub outcome: Outcome,
    /// The answer to `POST /2/tweets` itself (not to the keys' check after a 401).
    pub answer: Result<HttpResponse, AppError>,
}

/// Posts `post` with `creds`, as the core's [`PostAttempt`] asks.
pub async fn post(post: &NewPost, creds: &Credentials<'_>) -> Attempted {
    let (mut machine, mut step) = PostAttempt::start(&config::api_base().await, post);
    let mut first: Option<Result<HttpResponse, AppError>> = None;
    loop {
        let request = match step {
            Step::Done(outcome) => {
                return Attempted {
                    outcome,
                    answer: first.unwrap_or_else(|| Err(AppError::new("internal"))),
                };
            }
            Step::Send(request) => request,
        };
        let answer = signed_send(request, creds).await;
        step = match &answer {
            Ok(resp) => machine.answer(Answer::Response(resp)),
            Err(e) => machine.answer(Answer::Failed {
                code: &e.code,
                browser_online: platform::browser_online(),
            }),
        };
        if first.is_none() {
            first = Some(answer);
        }
    }
}
