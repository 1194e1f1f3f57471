//! One `POST /2/tweets` and what became of it, as a step machine: the composer and the
//! scheduler both run it, so one X answer means one thing wherever the post came from.
//!
//! The machine yields [`Step::Send`] (a request for the worker to sign and send) and takes
//! the [`Answer`]; it ends with [`Step::Done`] and the [`Outcome`]. Its rules:
//! - the answer to the post is classified by [`Outcome::of_response`] (or, with no answer,
//!   [`Outcome::of_send_failure`]);
//! - **a 401 is not always bad keys**: when a connection drops after X took the post, the
//!   browser silently repeats the request with the same nonce and X refuses the replay with
//!   401. So a 401 is followed by `GET /2/users/me` with the same keys: keys that still verify
//!   mean the post may be on X ([`Outcome::Unknown`], never resent blindly); keys that do not
//!   (or no usable answer) mean it was refused ([`Outcome::Permanent`] `x_unauthorized`).
//!
//! Until round 3 only the scheduler had the second rule; the composer reported such a post as
//! not posted, and "Try again" could post it twice.

use crate::http::{HttpRequest, HttpResponse};
use crate::x::{self, NewPost};

use super::Outcome;

/// What the worker is asked to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Sign this request with the account's keys and send it; give the machine the answer.
    Send(HttpRequest),
    /// Finished.
    Done(Outcome),
}

/// The answer to a [`Step::Send`].
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    /// X answered (any status).
    Response(&'a HttpResponse),
    /// No usable answer: the worker's error code (`timeout`, `offline`, `response_unreadable`,
    /// `platform_fetch`, ...) and whether the browser believed it was online.
    Failed {
        /// The error code.
        code: &'a str,
        /// `navigator.onLine` when it failed.
        browser_online: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Posting,
    /// The post was answered 401; the keys are being verified.
    Verifying,
    Finished(Outcome),
}

/// One post request and its classification.
#[derive(Clone, Debug)]
pub struct PostAttempt {
    base: String,
    stage: Stage,
}

impl PostAttempt {
    /// Starts: the first step is the post request itself (`base` is X's API base URL).
    #[must_use]
    pub fn start(base: &str, post: &NewPost) -> (Self, Step) {
        let machine = PostAttempt {
            base: base.to_owned(),
            stage: Stage::Posting,
        };
        (machine, Step::Send(x::create_post(base, post)))
    }

    /// Takes the answer to the last [`Step::Send`] and says what comes next. Called after
    /// [`Step::Done`], it answers the same outcome again.
    pub fn answer(&mut self, answer: Answer<'_>) -> Step {
        match &self.stage {
            Stage::Posting => {
                let outcome = match answer {
                    Answer::Response(resp) => Outcome::of_response(resp),
                    Answer::Failed {
                        code,
                        browser_online,
                    } => Outcome::of_send_failure(code, browser_online),
                };
                match outcome {
                    Outcome::Permanent { code } if code == "x_unauthorized" => {
                        self.stage = Stage::Verifying;
                        Step::Send(x::users_me(&self.base))
                    }
                    other => self.finish(other),
                }
            }
            Stage::Finished(outcome) => Step::Done(outcome.clone()),
            Stage::Verifying => {
                let verified =
                    matches!(answer, Answer::Response(resp) if x::parse_users_me(resp).is_ok());
                let code = "x_unauthorized".to_owned();
                self.finish(if verified {
                    Outcome::Unknown { code }
                } else {
                    Outcome::Permanent { code }
                })
            }
        }
    }

    fn finish(&mut self, outcome: Outcome) -> Step {
        self.stage = Stage::Finished(outcome.clone());
        Step::Done(outcome)
    }

    /// Whether the last step asked was the keys' check (its answer is not the post's).
    #[must_use]
    pub fn verifying(&self) -> bool {
        self.stage == Stage::Verifying
    }
}
