//! The one send path: for each answer X can give to `POST /2/tweets`, the core's
//! [`PostAttempt`] reaches one [`Outcome`], and the composer (its outbox) and the scheduler
//! (its queue) draw the same conclusion from it: posted, not posted, or in doubt.

use keypost::compose::{Outbox, PostInput, StepResult};
use keypost::http::{HttpResponse, Method};
use keypost::schedule::{Answer, NewItem, Outcome, PlannedPost, PostAttempt, Queue, State, Step};
use keypost::x::NewPost;

use crate::support::http::resp;

const BASE: &str = "https://api.x.com";
const ME: &str = r#"{"data":{"id":"42","name":"Demo","username":"keypost_demo"}}"#;
const PLAIN_401: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;

/// What X does, step by step: the answer to the post, then (after a 401) to the keys' check.
#[derive(Clone, Copy)]
enum X<'a> {
    Answers(&'a HttpResponse),
    Fails(&'a str, bool),
}

/// Runs the machine against `answers` and returns the outcome and the requests it made.
fn run(answers: &[X<'_>]) -> (Outcome, Vec<String>) {
    let post = NewPost {
        text: "hello".to_owned(),
        in_reply_to: None,
        media_ids: Vec::new(),
    };
    let (mut machine, mut step) = PostAttempt::start(BASE, &post);
    let mut asked = Vec::new();
    for answer in answers {
        let Step::Send(req) = &step else { break };
        asked.push(format!(
            "{} {}",
            if req.method == Method::Post {
                "POST"
            } else {
                "GET"
            },
            req.url
                .trim_start_matches(BASE)
                .split('?')
                .next()
                .unwrap_or_default()
        ));
        step = machine.answer(match *answer {
            X::Answers(r) => Answer::Response(r),
            X::Fails(code, browser_online) => Answer::Failed {
                code,
                browser_online,
            },
        });
    }
    match step {
        Step::Done(outcome) => (outcome, asked),
        Step::Send(req) => panic!("the machine still asks for {}", req.url),
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Posted,
    NotPosted,
    InDoubt,
}

/// The composer's conclusion: its outbox's answer.
fn composer(outcome: &Outcome) -> Verdict {
    let mut outbox = Outbox::new(
        "a1".to_owned(),
        vec![PostInput {
            text: "hello".to_owned(),
            media: Vec::new(),
        }],
    );
    outbox.begin(0);
    match outbox.record(outcome) {
        StepResult::Posted(_) | StepResult::PostedWithoutId => Verdict::Posted,
        StepResult::NotPosted => Verdict::NotPosted,
        StepResult::Unknown => Verdict::InDoubt,
    }
}

/// The scheduler's conclusion: the item's state after the queue recorded the outcome (in
/// doubt: it is retried only under X's duplicate check, or left to the user).
fn scheduler(outcome: &Outcome) -> Verdict {
    let mut queue = Queue::new();
    let id = queue
        .add(
            NewItem {
                account_id: "a1".to_owned(),
                posts: vec![PlannedPost::text("hello")],
                due_at_ms: 2_000_000,
            },
            1_000_000,
        )
        .expect("add");
    queue.begin(id, 2_000_000).expect("begin");
    let state = queue
        .complete(id, outcome.clone(), 2_000_100, 0.5)
        .expect("complete");
    let in_doubt = queue.get(id).and_then(|i| i.doubt_since_ms).is_some();
    match (state, in_doubt) {
        (State::Sent { .. }, _) => Verdict::Posted,
        (_, true) => Verdict::InDoubt,
        _ => Verdict::NotPosted,
    }
}

#[test]
fn the_composer_and_the_scheduler_reach_the_same_outcome_for_every_answer_of_x() {
    let created = resp(201, &[], r#"{"data":{"id":"123","text":"hello"}}"#);
    let bad_request = resp(
        400,
        &[],
        r#"{"title":"Invalid Request","status":400,"detail":"One or more parameters to your request was invalid."}"#,
    );
    let unauthorized = resp(401, &[], PLAIN_401);
    let me = resp(200, &[], ME);
    let duplicate = resp(
        403,
        &[],
        r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","status":403,"title":"Forbidden"}"#,
    );
    let read_only = resp(
        403,
        &[],
        r#"{"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","title":"Forbidden","status":403,"type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#,
    );
    let not_permitted = resp(
        403,
        &[],
        r#"{"detail":"You are not permitted to perform this action.","type":"about:blank","title":"Forbidden","status":403}"#,
    );
    let suspended = resp(
        403,
        &[],
        r#"{"detail":"The user used for authentication is suspended","title":"Forbidden","status":403,"type":"https://api.twitter.com/2/problems/user-suspended"}"#,
    );
    let rate_limited = resp(
        429,
        &[("x-rate-limit-reset", "1800000000")],
        r#"{"title":"Too Many Requests","status":429}"#,
    );
    let server_error = resp(503, &[], "Service Unavailable");
    let unreadable = resp(201, &[], "<html>not json</html>");
    use Verdict::*;
    let table: Vec<(&str, Vec<X<'_>>, Verdict, &str)> = vec![
        ("201 created", vec![X::Answers(&created)], Posted, "posted"),
        (
            "400 refused",
            vec![X::Answers(&bad_request)],
            NotPosted,
            "permanent",
        ),
        (
            "401, keys still verify",
            vec![X::Answers(&unauthorized), X::Answers(&me)],
            InDoubt,
            "unknown",
        ),
        (
            "401, keys no longer verify",
            vec![X::Answers(&unauthorized), X::Answers(&unauthorized)],
            NotPosted,
            "permanent",
        ),
        (
            "401, the check cannot be made",
            vec![X::Answers(&unauthorized), X::Fails("offline", false)],
            NotPosted,
            "permanent",
        ),
        (
            "403 duplicate",
            vec![X::Answers(&duplicate)],
            NotPosted,
            "duplicate",
        ),
        (
            "403 read-only app",
            vec![X::Answers(&read_only)],
            NotPosted,
            "permanent",
        ),
        (
            "403 not permitted",
            vec![X::Answers(&not_permitted)],
            NotPosted,
            "permanent",
        ),
        (
            "403 suspended",
            vec![X::Answers(&suspended)],
            NotPosted,
            "permanent",
        ),
        (
            "429 rate limited",
            vec![X::Answers(&rate_limited)],
            NotPosted,
            "rate_limited",
        ),
        ("5xx", vec![X::Answers(&server_error)], InDoubt, "unknown"),
        (
            "timeout",
            vec![X::Fails("timeout", true)],
            InDoubt,
            "unknown",
        ),
        (
            "connection cut (browser online)",
            vec![X::Fails("offline", true)],
            InDoubt,
            "unknown",
        ),
        (
            "offline (browser offline)",
            vec![X::Fails("offline", false)],
            NotPosted,
            "transient",
        ),
        (
            "unreadable body",
            vec![X::Fails("response_unreadable", true)],
            InDoubt,
            "unknown",
        ),
        (
            "2xx with an unreadable body",
            vec![X::Answers(&unreadable)],
            InDoubt,
            "unknown",
        ),
    ];
    for (case, answers, verdict, kind) in table {
        let (outcome, asked) = run(&answers);
        let shown = serde_json::to_value(&outcome).expect("json");
        assert_eq!(shown["kind"], kind, "{case}: {outcome:?}");
        assert_eq!(composer(&outcome), verdict, "{case}: the composer");
        assert_eq!(scheduler(&outcome), verdict, "{case}: the scheduler");
        assert_eq!(asked[0], "POST /2/tweets", "{case}");
        if answers.len() > 1 {
            assert_eq!(
                asked[1], "GET /2/users/me",
                "{case}: the keys are checked after a 401"
            );
        }
    }
}

#[test]
fn a_401_is_only_checked_once_and_the_finished_machine_repeats_its_outcome() {
    let unauthorized = resp(401, &[], PLAIN_401);
    let me = resp(200, &[], ME);
    let post = NewPost {
        text: "hello".to_owned(),
        in_reply_to: None,
        media_ids: Vec::new(),
    };
    let (mut machine, _) = PostAttempt::start(BASE, &post);
    assert!(matches!(
        machine.answer(Answer::Response(&unauthorized)),
        Step::Send(_)
    ));
    assert!(machine.verifying());
    let done = machine.answer(Answer::Response(&me));
    assert_eq!(
        done,
        Step::Done(Outcome::Unknown {
            code: "x_unauthorized".to_owned()
        })
    );
    assert_eq!(machine.answer(Answer::Response(&unauthorized)), done);
}
