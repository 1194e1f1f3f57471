//! The schedule's state machine: every transition (legal and illegal), the retry policy, the
//! recovery after a stopped worker, the decisions the worker acts on (what goes out and in which
//! order, what X's answers mean, when to wake up, the 24-hour window), and a randomized
//! simulation of a faulty X and a worker that is stopped at arbitrary points, asserting that
//! nothing is posted twice and nothing is lost. Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::HashMap;

use keypost::schedule::gate::Facts;
use keypost::schedule::run::Action;
use keypost::schedule::{
    BACKOFF_BASE_MS, BACKOFF_CAP_MS, ConfirmReason, DAY_MS, DEFAULT_RATE_LIMIT_WAIT_MS,
    DUPLICATE_GUARD_MS, HOUR_MS, ItemId, LATE_THRESHOLD_MS, LatePolicy, MAX_AHEAD_MS, MAX_ATTEMPTS,
    MAX_RATE_LIMIT_WAIT_MS, MAX_WAITING_ITEMS, MINUTE_MS, MediaRef, NewItem, Op, Outcome,
    PlannedPost, PostedVia, Queue, RESET_SLACK_MS, Resolution, ResolutionInput, ResolutionKind,
    Run, SCHEDULE_GRACE_MS, ScheduleError, State, StateKind, UploadFailed, backoff_ms,
};
use keypost::x::NewPost;

use crate::support::http;
use crate::support::rng::Rng;
use http::resp;

/// 2027-01-15T08:00:00Z, an arbitrary "now".
const T0: u64 = 1_800_000_000_000;
const ACCOUNT: &str = "acct-1";

fn text_draft(text: &str, due_at_ms: u64) -> NewItem {
    NewItem {
        account_id: ACCOUNT.to_owned(),
        posts: vec![PlannedPost::text(text)],
        due_at_ms,
    }
}

fn account_draft(account_id: &str, text: &str, due_at_ms: u64) -> NewItem {
    NewItem {
        account_id: account_id.to_owned(),
        ..text_draft(text, due_at_ms)
    }
}

fn media_post(text: &str) -> PlannedPost {
    PlannedPost {
        text: text.to_owned(),
        media: vec![MediaRef {
            local_id: "img-1".to_owned(),
            alt_text: "a cat".to_owned(),
        }],
    }
}

fn thread_draft(n: usize, due_at_ms: u64) -> NewItem {
    NewItem {
        account_id: ACCOUNT.to_owned(),
        posts: (0..n)
            .map(|i| PlannedPost::text(format!("step {i}")))
            .collect(),
        due_at_ms,
    }
}

fn posted(id: &str) -> Outcome {
    Outcome::Posted { id: id.to_owned() }
}

fn transient() -> Outcome {
    Outcome::Transient {
        code: "x_unavailable".to_owned(),
    }
}

fn unknown() -> Outcome {
    Outcome::Unknown {
        code: "timeout".to_owned(),
    }
}

fn state(q: &Queue, id: ItemId) -> State {
    q.get(id).unwrap().state.clone()
}

fn kind(q: &Queue, id: ItemId) -> StateKind {
    state(q, id).kind()
}

fn code<T: std::fmt::Debug>(r: Result<T, ScheduleError>) -> &'static str {
    r.unwrap_err().code()
}

// ---------------------------------------------------------------------------------------------
// Adding
// ---------------------------------------------------------------------------------------------

#[test]
fn add_accepts_future_times_and_a_small_grace() {
    let mut q = Queue::new();
    let a = q.add(text_draft("soon", T0 + 1), T0).unwrap();
    let b = q
        .add(text_draft("just now", T0 - SCHEDULE_GRACE_MS), T0)
        .unwrap();
    let c = q
        .add(text_draft("in a year", T0 + MAX_AHEAD_MS), T0)
        .unwrap();
    assert_ne!(a, b);
    assert_ne!(b, c);
    assert_eq!(state(&q, a), State::Scheduled { at_ms: T0 + 1 });
    assert_eq!(q.get(b).unwrap().created_at_ms, T0);
    assert_eq!(
        q.sendable(T0),
        vec![b],
        "the one inside the grace is due at once"
    );
}

#[test]
fn add_refuses_the_past_the_far_future_and_empty_posts() {
    let mut q = Queue::new();
    let past = q.add(text_draft("x", T0 - SCHEDULE_GRACE_MS - 1), T0);
    assert_eq!(
        past,
        Err(ScheduleError::InPast {
            due_at_ms: T0 - SCHEDULE_GRACE_MS - 1,
            now_ms: T0
        })
    );
    assert_eq!(past.unwrap_err().code(), "schedule_in_past");
    assert_eq!(
        code(q.add(text_draft("x", T0 + MAX_AHEAD_MS + 1), T0)),
        "schedule_too_far"
    );
    let mut d = text_draft("x", T0);
    d.posts.clear();
    assert_eq!(code(q.add(d, T0)), "schedule_no_posts");
    let mut d = thread_draft(3, T0);
    d.posts[1].text = "  \n".to_owned();
    assert_eq!(
        q.add(d, T0),
        Err(ScheduleError::EmptyPost { step: 1 }),
        "blank text without media"
    );
    let mut d = text_draft("", T0);
    d.posts[0].media = vec![media_post("").media[0].clone(); 5];
    assert_eq!(
        q.add(d, T0),
        Err(ScheduleError::TooManyMedia { step: 0, count: 5 })
    );
    let mut d = text_draft("", T0);
    d.posts[0] = media_post("");
    d.posts[0].media[0].alt_text = "é".repeat(1001);
    assert_eq!(code(q.add(d.clone(), T0)), "schedule_alt_text_too_long");
    d.posts[0].media[0].alt_text = "é".repeat(1000);
    assert!(
        q.add(d, T0).is_ok(),
        "an image without text, 1000-char alt text"
    );
    let mut d = text_draft("x", T0);
    d.account_id = " ".to_owned();
    assert_eq!(code(q.add(d, T0)), "schedule_no_account");
    assert_eq!(q.items().len(), 1, "nothing refused was added");
}

// ---------------------------------------------------------------------------------------------
// What goes out, in which order, and when to wake up
// ---------------------------------------------------------------------------------------------

#[test]
fn sendable_is_in_due_order_and_ties_go_by_creation() {
    let mut q = Queue::new();
    let late = q.add(text_draft("b", T0 + 5_000), T0 + 2).unwrap();
    let tie_second = q.add(text_draft("c", T0 + 1_000), T0 + 1).unwrap();
    let tie_first = q.add(text_draft("a", T0 + 1_000), T0).unwrap();
    let future = q.add(text_draft("d", T0 + 60_000), T0).unwrap();
    assert_eq!(q.sendable(T0 + 999), Vec::<ItemId>::new());
    assert_eq!(q.sendable(T0 + 5_000), vec![tie_first, tie_second, late]);
    assert!(!q.sendable(T0 + 60_000).is_empty());
    assert_eq!(q.sendable(T0 + 60_000).last(), Some(&future));
    // Sent now, it is due as early as `late` and was created earlier, yet it keeps its place by
    // due time: one order for everything an account posts.
    q.post_now(future, T0 + 5_000).unwrap();
    assert_eq!(
        q.sendable(T0 + 5_000),
        vec![tie_first, tie_second, late, future]
    );
}

#[test]
fn next_wake_is_the_earliest_waiting_time_whatever_else_is_there() {
    let mut q = Queue::new();
    assert_eq!(q.next_wake(T0), None);
    // Items in states that wait for no time, on another account so that none holds the
    // retry below.
    let other = |text: &str, due| account_draft("acct-other", text, due);
    let sent = q.add(other("sent", T0), T0).unwrap();
    q.begin(sent, T0).unwrap();
    q.complete(sent, posted("1"), T0, 0.5).unwrap();
    let sending = q.add(other("sending", T0), T0).unwrap();
    q.begin(sending, T0).unwrap();
    let locked = q.add(other("locked", T0), T0).unwrap();
    q.begin(locked, T0).unwrap();
    q.complete(locked, Outcome::Locked, T0, 0.5).unwrap();
    let cancelled = q.add(other("cancelled", T0 + 10), T0).unwrap();
    q.cancel(cancelled, T0).unwrap();
    assert_eq!(q.next_wake(T0), None, "sent, sending, locked, cancelled");
    // A retry at T0 + 15..30 s and a post planned at T0 + 1 h.
    let retry = q.add(text_draft("retry", T0), T0).unwrap();
    q.begin(retry, T0).unwrap();
    q.complete(retry, transient(), T0, 0.0).unwrap();
    q.add(text_draft("later", T0 + HOUR_MS), T0).unwrap();
    assert_eq!(q.next_wake(T0), Some(T0 + backoff_ms(1, 0.0)));
    // Once the retry has passed, the alarm is "now" (an alarm in the past fires at once).
    assert_eq!(q.next_wake(T0 + 10 * MINUTE_MS), Some(T0 + 10 * MINUTE_MS));
    q.begin(retry, T0 + 10 * MINUTE_MS).unwrap();
    // While the retry is being sent, the later post of its account waits behind it: the run
    // that sends the retry sets the alarm again when it is done.
    assert_eq!(q.next_wake(T0 + 10 * MINUTE_MS), None);
    q.complete(retry, posted("2"), T0 + 10 * MINUTE_MS, 0.0)
        .unwrap();
    assert_eq!(q.next_wake(T0 + 10 * MINUTE_MS), Some(T0 + HOUR_MS));
}

#[test]
fn an_account_keeps_its_order_behind_a_retry() {
    let draft = account_draft;
    let mut q = Queue::new();
    let a1 = q.add(draft("a", "a1", 1_000), 0).unwrap();
    let a2 = q.add(draft("a", "a2", 2_000), 0).unwrap();
    let b1 = q.add(draft("b", "b1", 1_500), 0).unwrap();
    assert_eq!(q.sendable(2_000), vec![a1, b1, a2]);
    q.begin(a1, 2_000).unwrap();
    q.complete(
        a1,
        Outcome::Transient {
            code: "offline".into(),
        },
        2_000,
        0.0,
    )
    .unwrap();
    // a2 waits behind a1's retry; b is not held.
    assert_eq!(q.sendable(3_000), vec![b1]);
    let retry_at = q.get(a1).unwrap().state.wake_at().unwrap();
    q.begin(b1, 3_000).unwrap();
    q.complete(b1, Outcome::Posted { id: "1".into() }, 3_000, 0.0)
        .unwrap();
    // The alarm is for a1's retry, not for the held a2 (already due).
    assert_eq!(q.next_wake(3_000), Some(retry_at));
    assert_eq!(q.sendable(retry_at), vec![a1]);
    q.begin(a1, retry_at).unwrap();
    assert_eq!(q.sendable(retry_at), Vec::<ItemId>::new());
    q.complete(a1, Outcome::Posted { id: "2".into() }, retry_at, 0.0)
        .unwrap();
    assert_eq!(q.sendable(retry_at), vec![a2]);
}

// ---------------------------------------------------------------------------------------------
// Sending: single posts and threads
// ---------------------------------------------------------------------------------------------

#[test]
fn an_edit_made_while_a_step_is_prepared_is_what_gets_sent() {
    // The worker reads the next step, uploads its image (slow), then begins. An edit that
    // lands during the upload must not let the prepared (stale) content go to X.
    let mut q = Queue::new();
    let id = q
        .add(
            NewItem {
                account_id: ACCOUNT.to_owned(),
                posts: vec![media_post("typo here")],
                due_at_ms: T0,
            },
            T0,
        )
        .unwrap();
    let prepared = q.next_step(id).unwrap();
    q.edit(id, vec![media_post("typo fixed")]).unwrap();
    assert_eq!(
        q.begin_prepared(&prepared, T0),
        Err(ScheduleError::StepChanged { id })
    );
    assert_eq!(
        kind(&q, id),
        StateKind::Scheduled,
        "nothing changed: still due"
    );
    assert!(!ScheduleError::StepChanged { id }.changes_queue());
    assert!(ScheduleError::StepChanged { id }.is_not_sendable_now());
    // Prepared again from what the queue holds now, it goes out with the edit.
    let again = q.next_step(id).unwrap();
    let begun = q.begin_prepared(&again, T0).unwrap();
    assert_eq!(begun.text, "typo fixed");
    assert_eq!(kind(&q, id), StateKind::Sending);
    // And while it is Sending, no edit gets in.
    assert_eq!(
        code(q.edit(id, vec![media_post("too late")])),
        "schedule_illegal_transition"
    );
    q.complete(id, posted("9"), T0 + 1, 0.5).unwrap();
    assert_eq!(
        q.get(id).unwrap().posts[0].text,
        "typo fixed",
        "the queue records what X got"
    );
}

#[test]
fn only_a_needs_confirmation_refusal_changes_the_queue() {
    let id = ItemId(1);
    assert!(
        ScheduleError::NeedsConfirmation {
            id,
            reason: ConfirmReason::UnknownOutcome
        }
        .changes_queue()
    );
    assert!(!ScheduleError::NotDue { id, at_ms: T0 }.changes_queue());
    assert!(!ScheduleError::NotFound { id }.changes_queue());
    // A stored queue that cannot be read is a fault that stops a run, not "nothing to send".
    assert!(
        !ScheduleError::Corrupt {
            detail: String::new()
        }
        .is_not_sendable_now()
    );
}

#[test]
fn a_post_goes_scheduled_sending_sent() {
    let mut q = Queue::new();
    let id = q.add(text_draft("hello", T0 + 1_000), T0).unwrap();
    assert_eq!(
        q.begin(id, T0),
        Err(ScheduleError::NotDue {
            id,
            at_ms: T0 + 1_000
        })
    );
    let step = q.begin(id, T0 + 1_000).unwrap();
    assert_eq!(
        (step.step, step.steps, step.text.as_str(), step.in_reply_to),
        (0, 1, "hello", None)
    );
    assert_eq!(
        state(&q, id),
        State::Sending {
            since_ms: T0 + 1_000,
            step: 0
        }
    );
    assert_eq!(
        q.begin(id, T0 + 1_000),
        Err(ScheduleError::IllegalTransition {
            op: keypost::schedule::Op::Begin,
            from: StateKind::Sending
        }),
        "a second begin cannot send it twice"
    );
    assert!(q.sendable(T0 + 2_000).is_empty());
    let after = q.complete(id, posted("111"), T0 + 2_000, 0.5).unwrap();
    assert_eq!(after, State::Sent { at_ms: T0 + 2_000 });
    assert_eq!(q.get(id).unwrap().posted_ids(), vec![Some("111")]);
    assert_eq!(
        code(q.complete(id, posted("222"), T0, 0.5)),
        "schedule_illegal_transition"
    );
    assert_eq!(q.get(id).unwrap().posted_ids(), vec![Some("111")]);
}

#[test]
fn a_thread_goes_step_by_step_replying_to_the_previous_step() {
    let mut q = Queue::new();
    let id = q.add(thread_draft(3, T0), T0).unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let now = T0 + i as u64 * 1_000;
        assert_eq!(q.sendable(now), vec![id], "the next step is due at once");
        let step = q.begin(id, now).unwrap();
        assert_eq!(step.step, i);
        assert_eq!(step.text, format!("step {i}"));
        assert_eq!(step.in_reply_to, ids.last().cloned());
        ids.push(format!("10{i}"));
        q.complete(id, posted(&format!("10{i}")), now + 500, 0.5)
            .unwrap();
    }
    assert_eq!(kind(&q, id), StateKind::Sent);
    assert_eq!(
        q.get(id).unwrap().posted_ids(),
        vec![Some("100"), Some("101"), Some("102")]
    );
    assert!(
        q.get(id)
            .unwrap()
            .posted
            .iter()
            .all(|p| p.via == PostedVia::Response)
    );
}

#[test]
fn a_failed_thread_step_keeps_what_was_posted_and_resumes_there() {
    let mut q = Queue::new();
    let id = q.add(thread_draft(3, T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, posted("100"), T0, 0.5).unwrap();
    q.begin(id, T0).unwrap();
    let after = q
        .complete(
            id,
            Outcome::Permanent {
                code: "too_long".to_owned(),
            },
            T0 + 1,
            0.5,
        )
        .unwrap();
    assert_eq!(
        after,
        State::Failed {
            code: "too_long".to_owned(),
            retryable: false,
            at_ms: T0 + 1
        }
    );
    let item = q.get(id).unwrap();
    assert_eq!(
        item.posted_ids(),
        vec![Some("100")],
        "step 2 is the one that failed"
    );
    let mut posts = item.posts.clone();
    posts[0].text = "changed".to_owned();
    assert_eq!(
        q.edit(id, posts),
        Err(ScheduleError::PostedStepChanged { step: 0 })
    );
    let mut posts = q.get(id).unwrap().posts.clone();
    posts.truncate(1);
    assert_eq!(code(q.edit(id, posts)), "schedule_no_posts");
    let mut posts = q.get(id).unwrap().posts.clone();
    posts[1].text = "shorter".to_owned();
    q.edit(id, posts).unwrap();
    q.retry(id, T0 + 5).unwrap();
    let step = q.begin(id, T0 + 5).unwrap();
    assert_eq!(
        (step.step, step.text.as_str(), step.in_reply_to.as_deref()),
        (1, "shorter", Some("100"))
    );
}

// ---------------------------------------------------------------------------------------------
// Retry policy
// ---------------------------------------------------------------------------------------------

#[test]
fn backoff_stays_within_bounds_and_grows_up_to_the_cap() {
    assert_eq!(backoff_ms(1, 1.0), BACKOFF_BASE_MS);
    assert_eq!(backoff_ms(1, 0.0), BACKOFF_BASE_MS / 2);
    assert_eq!(backoff_ms(2, 1.0), 2 * BACKOFF_BASE_MS);
    for jitter in [0.0, 0.25, 1.0] {
        let mut previous = 0;
        for attempt in 1..=100 {
            let wait = backoff_ms(attempt, jitter);
            assert!(
                wait <= BACKOFF_CAP_MS,
                "attempt {attempt}: {wait} over an hour"
            );
            assert!(wait >= BACKOFF_BASE_MS / 2, "attempt {attempt}: {wait}");
            assert!(wait >= previous, "attempt {attempt}: {wait} < {previous}");
            previous = wait;
        }
        assert!(previous >= BACKOFF_CAP_MS / 2, "it does reach the cap");
    }
    assert_eq!(backoff_ms(100, 1.0), BACKOFF_CAP_MS);
    assert_eq!(backoff_ms(u32::MAX, 1.0), BACKOFF_CAP_MS);
    for odd in [f64::NAN, f64::INFINITY, -3.0, 7.0] {
        let wait = backoff_ms(5, odd);
        assert!((backoff_ms(5, 0.0)..=backoff_ms(5, 1.0)).contains(&wait));
    }
}

#[test]
fn transient_failures_back_off_and_give_up_after_max_attempts() {
    for jitter in [0.0, 1.0] {
        let mut q = Queue::new();
        let id = q.add(text_draft("flaky", T0), T0).unwrap();
        let mut now = T0;
        for attempt in 1..=MAX_ATTEMPTS {
            q.begin(id, now).unwrap();
            let after = q.complete(id, transient(), now, jitter).unwrap();
            if attempt < MAX_ATTEMPTS {
                let wait = backoff_ms(attempt, jitter);
                assert_eq!(
                    after,
                    State::RetryWaiting {
                        until_ms: now + wait,
                        code: "x_unavailable".to_owned()
                    }
                );
                assert_eq!(
                    q.begin(id, now + wait - 1).unwrap_err().code(),
                    "schedule_not_due"
                );
                now += wait;
            } else {
                assert_eq!(
                    after,
                    State::Failed {
                        code: "x_unavailable".to_owned(),
                        retryable: true,
                        at_ms: now
                    }
                );
            }
        }
        assert_eq!(q.get(id).unwrap().attempts, MAX_ATTEMPTS);
        assert_eq!(q.needs_user_count(), 1);
        q.retry(id, now).unwrap();
        assert_eq!(q.get(id).unwrap().attempts, 0);
        q.begin(id, now).unwrap();
        q.complete(id, posted("9"), now, jitter).unwrap();
        assert_eq!(kind(&q, id), StateKind::Sent);
        assert_eq!(q.needs_user_count(), 0);
    }
}

/// Where a 429 with these headers leaves a fresh item: its retry time.
fn rate_limited_until(
    reset_at_s: Option<u64>,
    remaining_24h: Option<u64>,
    reset_24h_s: Option<u64>,
) -> u64 {
    let mut q = Queue::new();
    let id = q.add(text_draft("busy", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    let outcome = Outcome::RateLimited {
        reset_at_s,
        user_24h_remaining: remaining_24h,
        user_24h_reset_s: reset_24h_s,
        app_24h_remaining: None,
        app_24h_reset_s: None,
    };
    match q.complete(id, outcome, T0, 0.0).unwrap() {
        State::RetryWaiting { until_ms, code } => {
            assert_eq!(code, "rate_limited");
            until_ms
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_429_waits_for_the_reset_that_caused_it() {
    let s = T0 / 1_000;
    let after = |reset_s: u64| reset_s * 1_000 + RESET_SLACK_MS;
    let cases = [
        // 24-hour remaining is 0: the 24-hour reset, not the 15-minute one.
        (
            (Some(s + 600), Some(0), Some(s + 20_000)),
            after(s + 20_000),
        ),
        // 24-hour budget left: x-rate-limit-reset.
        ((Some(s + 600), Some(3), Some(s + 20_000)), after(s + 600)),
        // Only x-rate-limit-reset.
        ((Some(s + 60), None, None), after(s + 60)),
        // 24-hour remaining 0 without its reset: the other reset is all there is.
        ((Some(s + 60), Some(0), None), after(s + 60)),
        // No header at all: the default wait.
        ((None, None, None), T0 + DEFAULT_RATE_LIMIT_WAIT_MS),
        (
            (None, Some(4), Some(s + 20_000)),
            T0 + DEFAULT_RATE_LIMIT_WAIT_MS,
        ),
        // A reset already past (clocks disagree): a short backoff, not "now" again and again.
        ((Some(s - 5), None, None), T0 + backoff_ms(1, 0.0)),
        // A reset a year ahead is not believed.
        (
            (Some(s + 400 * 86_400), None, None),
            T0 + MAX_RATE_LIMIT_WAIT_MS,
        ),
    ];
    for ((reset, remaining, reset_24h), expected) in cases {
        assert_eq!(
            rate_limited_until(reset, remaining, reset_24h),
            expected,
            "reset {reset:?}, 24h remaining {remaining:?}, 24h reset {reset_24h:?}"
        );
    }
}

#[test]
fn refusals_fail_at_once_and_only_the_user_retries_them() {
    for outcome in [
        Outcome::Duplicate,
        Outcome::Permanent {
            code: "oauth1_permissions".to_owned(),
        },
        Outcome::Permanent {
            code: "credits_depleted".to_owned(),
        },
        Outcome::Permanent {
            code: "unauthorized".to_owned(),
        },
    ] {
        let mut q = Queue::new();
        let id = q.add(text_draft("no", T0), T0).unwrap();
        q.begin(id, T0).unwrap();
        let after = q.complete(id, outcome.clone(), T0 + 7, 0.5).unwrap();
        let State::Failed {
            code,
            retryable,
            at_ms,
        } = after
        else {
            panic!("{outcome:?} gave {after:?}");
        };
        assert!(!retryable);
        assert_eq!(at_ms, T0 + 7);
        if outcome == Outcome::Duplicate {
            assert_eq!(code, "duplicate_content");
        }
        assert_eq!(q.next_wake(T0 + 7), None, "no automatic retry");
        assert_eq!(q.get(id).unwrap().attempts, 0);
        q.retry(id, T0 + 10).unwrap();
        assert_eq!(q.sendable(T0 + 10), vec![id]);
    }
}

// ---------------------------------------------------------------------------------------------
// What X's answers mean
// ---------------------------------------------------------------------------------------------

#[test]
fn answers_to_a_post_map_onto_outcomes() {
    let created = resp(201, &[], r#"{"data":{"id":"123","text":"hi"}}"#);
    assert_eq!(
        Outcome::of_response(&created),
        Outcome::Posted { id: "123".into() }
    );
    let limited = resp(
        429,
        &[
            ("x-rate-limit-reset", "1000"),
            ("x-user-limit-24hour-remaining", "0"),
            ("x-user-limit-24hour-reset", "5000"),
        ],
        r#"{"title":"Too Many Requests","status":429}"#,
    );
    assert_eq!(
        Outcome::of_response(&limited),
        Outcome::RateLimited {
            reset_at_s: Some(1000),
            user_24h_remaining: Some(0),
            user_24h_reset_s: Some(5000),
            app_24h_remaining: None,
            app_24h_reset_s: None,
        }
    );
    let unavailable = resp(503, &[], "");
    assert!(matches!(
        Outcome::of_response(&unavailable),
        Outcome::Unknown { .. }
    ));
    let duplicate = resp(
        403,
        &[],
        r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","status":403}"#,
    );
    assert_eq!(Outcome::of_response(&duplicate), Outcome::Duplicate);
    // X said yes but its answer cannot be read, or a status past 5xx that X does not
    // document: either may hide a created post.
    for status in [201, 600] {
        assert!(matches!(
            Outcome::of_response(&resp(status, &[], "<html>")),
            Outcome::Unknown { .. }
        ));
    }
    let skew = r#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#;
    assert_eq!(
        Outcome::of_response(&resp(401, &[], skew)),
        Outcome::Transient {
            code: "x_clock_skew".into()
        }
    );
    // Refusals that retrying will not fix.
    let read_only =
        r#"{"type":"https://api.twitter.com/2/problems/oauth1-permissions","status":403}"#;
    for (status, body, code) in [
        (403, read_only, "x_read_only"),
        (402, "{}", "x_credits_depleted"),
        (401, "{}", "x_unauthorized"),
    ] {
        assert_eq!(
            Outcome::of_response(&resp(status, &[], body)),
            Outcome::Permanent {
                code: code.to_owned()
            },
            "{status} {body}"
        );
    }
}

#[test]
fn failures_without_an_answer_are_unknown_unless_nothing_left() {
    let unknown = |code: &str| Outcome::Unknown {
        code: code.to_owned(),
    };
    let transient = |code: &str| Outcome::Transient {
        code: code.to_owned(),
    };
    // (error code, browser online, outcome)
    let cases = [
        ("timeout", true, unknown("timeout")),
        ("timeout", false, unknown("timeout")),
        ("offline", true, unknown("offline")),
        ("offline", false, transient("offline")),
        // X answered but the answer could not be read: the request was processed, so even a
        // browser that now says it is offline cannot make it "not sent".
        ("response_unreadable", true, unknown("response_unreadable")),
        ("response_unreadable", false, unknown("response_unreadable")),
        // Raised before the request was built.
        ("platform_fetch", true, transient("platform_fetch")),
    ];
    for (code, online, expected) in cases {
        assert_eq!(
            Outcome::of_send_failure(code, online),
            expected,
            "{code}, online {online}"
        );
    }
}

#[test]
fn failures_before_the_post_request_are_retried_or_final_never_unknown() {
    for code in [
        "offline",
        "timeout",
        "x_server_error",
        "x_clock_skew",
        "media_processing_timeout",
        "platform_fetch",
        "platform_storage",
    ] {
        assert_eq!(
            Outcome::before_request(code, None),
            Outcome::Transient {
                code: code.to_owned()
            }
        );
    }
    for code in ["media_missing", "x_read_only", "x_unauthorized"] {
        assert_eq!(
            Outcome::before_request(code, Some(5)),
            Outcome::Permanent {
                code: code.to_owned()
            }
        );
    }
    assert_eq!(
        Outcome::before_request("x_rate_limited", Some(1_800_000_900)),
        Outcome::RateLimited {
            reset_at_s: Some(1_800_000_900),
            user_24h_remaining: None,
            user_24h_reset_s: None,
            app_24h_remaining: None,
            app_24h_reset_s: None,
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Unknown outcomes and recovery
// ---------------------------------------------------------------------------------------------

#[test]
fn an_interrupted_text_post_is_resent_and_a_duplicate_answer_means_posted() {
    let mut q = Queue::new();
    let id = q.add(text_draft("hello", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    // The worker is stopped; the stored queue says Sending. A new worker starts 40 s later.
    let mut q = Queue::from_json(&q.to_json().unwrap()).unwrap();
    let report = q.recover(T0 + 40_000, true);
    assert_eq!(report.resent, vec![id]);
    assert!(report.needs_confirmation.is_empty() && report.late.is_empty());
    let item = q.get(id).unwrap();
    assert_eq!(item.state, State::Scheduled { at_ms: T0 + 40_000 });
    assert_eq!(item.doubt_since_ms, Some(T0));
    assert_eq!(q.sendable(T0 + 40_000), vec![id]);
    let step = q.begin(id, T0 + 40_000).unwrap();
    assert_eq!(step.text, "hello", "the very same text");
    let after = q
        .complete(id, Outcome::Duplicate, T0 + 41_000, 0.5)
        .unwrap();
    assert_eq!(after, State::Sent { at_ms: T0 + 41_000 });
    let item = q.get(id).unwrap();
    assert_eq!(item.posted.len(), 1);
    assert_eq!(item.posted[0].id, None, "posted, its id unknown");
    assert_eq!(item.posted[0].via, PostedVia::Duplicate);
    assert_eq!(item.posted[0].at_ms, T0, "as early as the first request");
    assert_eq!(item.doubt_since_ms, None);
    assert!(item.history.iter().any(|h| h.outcome == "unknown_outcome"));
}

#[test]
fn an_interrupted_text_post_that_never_left_is_posted_once_by_the_resend() {
    let mut q = Queue::new();
    let id = q.add(text_draft("hello", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.recover(T0 + 1_000, false);
    q.begin(id, T0 + 1_000).unwrap();
    q.complete(id, posted("55"), T0 + 2_000, 0.5).unwrap();
    assert_eq!(kind(&q, id), StateKind::Sent);
    assert_eq!(q.get(id).unwrap().posted_ids(), vec![Some("55")]);
}

#[test]
fn an_interrupted_post_with_media_waits_for_the_user() {
    let mut q = Queue::new();
    let id = q
        .add(
            NewItem {
                account_id: ACCOUNT.to_owned(),
                posts: vec![media_post("look")],
                due_at_ms: T0,
            },
            T0,
        )
        .unwrap();
    assert_eq!(
        q.next_step(id).unwrap().media.len(),
        1,
        "upload before begin"
    );
    q.begin(id, T0).unwrap();
    let report = q.recover(T0 + 1_000, false);
    assert_eq!(report.needs_confirmation, vec![id]);
    assert!(report.resent.is_empty());
    assert_eq!(
        state(&q, id),
        State::NeedsConfirmation {
            reason: ConfirmReason::UnknownOutcome,
            since_ms: T0 + 1_000
        }
    );
    assert_eq!(q.needs_user_count(), 1);
    assert_eq!(q.next_wake(T0 + 1_000), None, "nothing goes out by itself");
    assert_eq!(code(q.begin(id, T0 + 2_000)), "schedule_illegal_transition");
    assert_eq!(
        code(q.reschedule(id, T0 + HOUR_MS, T0 + 2_000)),
        "schedule_illegal_transition"
    );
    let mut posts = q.get(id).unwrap().posts.clone();
    posts[0].text = "other".to_owned();
    assert_eq!(q.edit(id, posts), Err(ScheduleError::OutcomeUnknown { id }));

    // The user checked: it is on X.
    let mut confirmed = q.clone();
    confirmed
        .resolve(
            id,
            Resolution::Posted {
                post_id: Some("77".to_owned()),
            },
            T0 + 3_000,
        )
        .unwrap();
    let item = confirmed.get(id).unwrap();
    assert_eq!(item.state, State::Sent { at_ms: T0 + 3_000 });
    assert_eq!(item.posted_ids(), vec![Some("77")]);
    assert_eq!(item.posted[0].via, PostedVia::User);

    // The user checked: it is not on X. Sent again; no duplicate protection is assumed.
    q.resolve(id, Resolution::Send, T0 + 3_000).unwrap();
    assert_eq!(q.get(id).unwrap().doubt_since_ms, None);
    q.begin(id, T0 + 3_000).unwrap();
    let after = q.complete(id, Outcome::Duplicate, T0 + 4_000, 0.5).unwrap();
    assert_eq!(after.kind(), StateKind::Failed);
}

#[test]
fn an_unanswered_request_is_retried_only_while_a_duplicate_would_be_refused() {
    // Text only: a timeout is retried with backoff; the retry's duplicate answer means posted.
    let mut q = Queue::new();
    let id = q.add(text_draft("hi", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    let after = q.complete(id, unknown(), T0 + 30_000, 0.0).unwrap();
    let State::RetryWaiting { until_ms, .. } = after else {
        panic!("{after:?}");
    };
    assert_eq!(q.get(id).unwrap().doubt_since_ms, Some(T0));
    q.begin(id, until_ms).unwrap();
    q.complete(id, Outcome::Duplicate, until_ms, 0.0).unwrap();
    assert_eq!(kind(&q, id), StateKind::Sent);

    // Media: the user decides at once.
    let mut q = Queue::new();
    let id = q
        .add(
            NewItem {
                account_id: ACCOUNT.to_owned(),
                posts: vec![media_post("pic")],
                due_at_ms: T0,
            },
            T0,
        )
        .unwrap();
    q.begin(id, T0).unwrap();
    let after = q.complete(id, unknown(), T0 + 30_000, 0.0).unwrap();
    assert_eq!(
        after,
        State::NeedsConfirmation {
            reason: ConfirmReason::UnknownOutcome,
            since_ms: T0 + 30_000
        }
    );

    // Text only, but a 24-hour rate limit would push the resend past the guard.
    let mut q = Queue::new();
    let id = q.add(text_draft("hi", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, unknown(), T0, 0.0).unwrap();
    q.begin(id, T0 + HOUR_MS).unwrap();
    let after = q
        .complete(
            id,
            Outcome::RateLimited {
                reset_at_s: Some(T0 / 1_000 + 900),
                user_24h_remaining: Some(0),
                user_24h_reset_s: Some(T0 / 1_000 + 23 * 3_600),
                app_24h_remaining: None,
                app_24h_reset_s: None,
            },
            T0 + HOUR_MS,
            0.0,
        )
        .unwrap();
    assert_eq!(after.kind(), StateKind::NeedsConfirmation);
    // The user says send it now: still inside the guard, so the duplicate answer still counts.
    q.resolve(id, Resolution::Send, T0 + 2 * HOUR_MS).unwrap();
    assert!(
        q.get(id).unwrap().doubt_since_ms.is_some(),
        "still inside the guard"
    );
    assert_eq!(q.sendable(T0 + 2 * HOUR_MS), vec![id]);
}

#[test]
fn an_interrupted_post_found_after_the_guard_waits_for_the_user() {
    let mut q = Queue::new();
    let id = q.add(text_draft("hello", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    let report = q.recover(T0 + DUPLICATE_GUARD_MS, false);
    assert_eq!(report.needs_confirmation, vec![id]);
    assert_eq!(
        state(&q, id),
        State::NeedsConfirmation {
            reason: ConfirmReason::UnknownOutcome,
            since_ms: T0 + DUPLICATE_GUARD_MS
        }
    );
    // And a resend that waited (vault locked) until past the guard is not begun either.
    let mut q = Queue::new();
    let id = q.add(text_draft("hello", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.recover(T0 + 1_000, false);
    assert_eq!(q.mark_needs_unlock(T0 + 1_000), vec![id]);
    assert_eq!(q.unlocked(T0 + DUPLICATE_GUARD_MS), vec![id]);
    assert_eq!(
        q.begin(id, T0 + DUPLICATE_GUARD_MS),
        Err(ScheduleError::NeedsConfirmation {
            id,
            reason: ConfirmReason::UnknownOutcome
        })
    );
    assert_eq!(kind(&q, id), StateKind::NeedsConfirmation);
}

#[test]
fn a_thread_interrupted_mid_way_resumes_without_reposting() {
    let mut q = Queue::new();
    let id = q.add(thread_draft(3, T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, posted("100"), T0, 0.5).unwrap();
    q.begin(id, T0 + 1).unwrap();
    // Stopped while step 1 was in flight.
    let report = q.recover(T0 + 10_000, false);
    assert_eq!(report.resent, vec![id]);
    let step = q.begin(id, T0 + 10_000).unwrap();
    assert_eq!(step.step, 1, "step 0 is not posted again");
    assert_eq!(step.in_reply_to.as_deref(), Some("100"));
    // X says duplicate: step 1 is on X, id unknown, so step 2 has nothing to reply to.
    let after = q
        .complete(id, Outcome::Duplicate, T0 + 11_000, 0.5)
        .unwrap();
    assert_eq!(
        after,
        State::NeedsConfirmation {
            reason: ConfirmReason::ReplyTargetUnknown,
            since_ms: T0 + 11_000
        }
    );
    assert_eq!(q.get(id).unwrap().posted_ids(), vec![Some("100"), None]);
    assert_eq!(
        code(q.begin(id, T0 + 12_000)),
        "schedule_illegal_transition"
    );
    assert_eq!(
        q.next_step(id),
        Err(ScheduleError::NeedsConfirmation {
            id,
            reason: ConfirmReason::ReplyTargetUnknown
        })
    );
    assert_eq!(
        q.resolve(id, Resolution::Send, T0 + 12_000),
        Err(ScheduleError::InvalidResolution {
            reason: ConfirmReason::ReplyTargetUnknown
        })
    );
    assert_eq!(
        q.resolve(id, Resolution::Posted { post_id: None }, T0 + 12_000),
        Err(ScheduleError::PostIdRequired)
    );
    q.resolve(
        id,
        Resolution::Posted {
            post_id: Some("101".to_owned()),
        },
        T0 + 12_000,
    )
    .unwrap();
    let step = q.begin(id, T0 + 12_000).unwrap();
    assert_eq!((step.step, step.in_reply_to.as_deref()), (2, Some("101")));
    q.complete(id, posted("102"), T0 + 13_000, 0.5).unwrap();
    assert_eq!(
        q.get(id).unwrap().posted_ids(),
        vec![Some("100"), Some("101"), Some("102")]
    );
}

#[test]
fn a_user_confirmed_step_without_id_leaves_the_thread_asking_for_it() {
    let mut q = Queue::new();
    let mut d = thread_draft(2, T0);
    d.posts[0] = media_post("pic");
    let id = q.add(d, T0).unwrap();
    q.begin(id, T0).unwrap();
    q.recover(T0 + 1_000, false);
    q.resolve(id, Resolution::Posted { post_id: None }, T0 + 2_000)
        .unwrap();
    assert_eq!(
        state(&q, id),
        State::NeedsConfirmation {
            reason: ConfirmReason::ReplyTargetUnknown,
            since_ms: T0 + 2_000
        }
    );
    // The user gives up on the rest: what is on X stays recorded.
    q.cancel(id, T0 + 3_000).unwrap();
    assert_eq!(q.get(id).unwrap().posted_ids(), vec![None]);
    assert_eq!(q.past().len(), 1);
}

#[test]
fn an_interrupted_step_that_keeps_being_interrupted_is_given_up() {
    let mut q = Queue::new();
    let id = q.add(text_draft("crashy", T0), T0).unwrap();
    let mut now = T0;
    for _ in 1..MAX_ATTEMPTS {
        q.begin(id, now).unwrap();
        now += 1_000;
        let report = q.recover(now, false);
        assert_eq!(report.resent, vec![id]);
    }
    q.begin(id, now).unwrap();
    let report = q.recover(now + 1_000, false);
    assert_eq!(report.failed, vec![id]);
    assert_eq!(
        state(&q, id),
        State::Failed {
            code: "unknown_outcome".to_owned(),
            retryable: true,
            at_ms: now + 1_000
        }
    );
    assert_eq!(
        q.get(id).unwrap().doubt_since_ms,
        Some(T0),
        "still in doubt"
    );
    // A user retry within the guard is protected by the duplicate answer.
    q.retry(id, now + 2_000).unwrap();
    q.begin(id, now + 2_000).unwrap();
    q.complete(id, Outcome::Duplicate, now + 2_000, 0.5)
        .unwrap();
    assert_eq!(kind(&q, id), StateKind::Sent);
}

// ---------------------------------------------------------------------------------------------
// Late items
// ---------------------------------------------------------------------------------------------

#[test]
fn items_due_while_nothing_ran_are_late_and_can_be_held() {
    let now = T0 + 10 * MINUTE_MS;
    let setup = || {
        let mut q = Queue::new();
        let old = q.add(text_draft("old", T0), T0).unwrap();
        let fresh = q
            .add(text_draft("fresh", now - LATE_THRESHOLD_MS + 1), T0)
            .unwrap();
        let future = q.add(text_draft("future", T0 + HOUR_MS), T0).unwrap();
        (q, old, fresh, future)
    };
    // Not held: marked late, still goes out.
    let (mut q, old, fresh, future) = setup();
    let report = q.recover(now, false);
    assert_eq!(report.late, vec![old]);
    assert!(report.needs_confirmation.is_empty());
    assert!(q.get(old).unwrap().late);
    assert!(!q.get(fresh).unwrap().late, "just within the threshold");
    assert!(!q.get(future).unwrap().late);
    assert_eq!(q.sendable(now), vec![old, fresh]);
    let again = q.recover(now + 1, false);
    assert_eq!(again.late, vec![old]);
    let lates = q
        .get(old)
        .unwrap()
        .history
        .iter()
        .filter(|h| h.outcome == "late")
        .count();
    assert_eq!(lates, 1, "recover is idempotent");

    // Held: waits for the user.
    let (mut q, old, fresh, _) = setup();
    let report = q.recover(now, true);
    assert_eq!(report.needs_confirmation, vec![old]);
    assert_eq!(
        state(&q, old),
        State::NeedsConfirmation {
            reason: ConfirmReason::Late,
            since_ms: now
        }
    );
    assert_eq!(q.sendable(now), vec![fresh]);
    assert_eq!(
        q.resolve(old, Resolution::Posted { post_id: None }, now),
        Err(ScheduleError::InvalidResolution {
            reason: ConfirmReason::Late
        })
    );
    let mut sent_now = q.clone();
    sent_now.resolve(old, Resolution::Send, now + 5).unwrap();
    // Let go, it keeps its place by due time: before the one due after it.
    assert_eq!(sent_now.sendable(now + 5), vec![old, fresh]);
    let mut posted_now = q.clone();
    posted_now.post_now(old, now + 5).unwrap();
    assert_eq!(state(&posted_now, old), State::Scheduled { at_ms: now + 5 });
    q.reschedule(old, now + DAY_MS, now).unwrap();
    assert!(!q.get(old).unwrap().late);
    assert_eq!(
        state(&q, old),
        State::Scheduled {
            at_ms: now + DAY_MS
        }
    );
}

#[test]
fn an_overdue_retry_and_an_old_interrupted_step_are_late_too() {
    let mut q = Queue::new();
    let retry = q.add(text_draft("retry", T0), T0).unwrap();
    q.begin(retry, T0).unwrap();
    q.complete(retry, transient(), T0, 0.0).unwrap();
    let inflight = q.add(text_draft("inflight", T0), T0).unwrap();
    q.begin(inflight, T0).unwrap();
    let report = q.recover(T0 + HOUR_MS, true);
    assert_eq!(report.late, vec![retry, inflight]);
    assert_eq!(report.needs_confirmation, vec![retry, inflight]);
    assert!(report.resent.is_empty());
    // The held step is still protected when the user lets it go.
    q.resolve(inflight, Resolution::Send, T0 + HOUR_MS).unwrap();
    q.begin(inflight, T0 + HOUR_MS).unwrap();
    q.complete(inflight, Outcome::Duplicate, T0 + HOUR_MS, 0.5)
        .unwrap();
    assert_eq!(kind(&q, inflight), StateKind::Sent);
}

// ---------------------------------------------------------------------------------------------
// Locked vault
// ---------------------------------------------------------------------------------------------

#[test]
fn a_locked_vault_holds_due_items_until_it_is_unlocked() {
    let mut q = Queue::new();
    let due = q.add(text_draft("due", T0), T0).unwrap();
    let later = q.add(text_draft("later", T0 + HOUR_MS), T0).unwrap();
    let sending = q.add(text_draft("sending", T0), T0).unwrap();
    q.begin(sending, T0).unwrap();
    assert_eq!(q.mark_needs_unlock(T0 + 1_000), vec![due]);
    assert_eq!(kind(&q, later), StateKind::Scheduled);
    assert_eq!(kind(&q, sending), StateKind::Sending);
    let after = q
        .complete(sending, Outcome::Locked, T0 + 2_000, 0.5)
        .unwrap();
    assert_eq!(
        after,
        State::NeedsUnlock {
            since_ms: T0 + 2_000
        }
    );
    assert_eq!(q.get(sending).unwrap().attempts, 0, "not a failed attempt");
    assert_eq!(q.needs_user_count(), 2);
    assert_eq!(q.next_wake(T0 + 2_000), Some(T0 + HOUR_MS));
    assert_eq!(
        q.sendable(T0 + 3 * HOUR_MS),
        vec![later],
        "only the later one"
    );
    assert_eq!(q.unlocked(T0 + 3 * HOUR_MS), vec![due, sending]);
    assert_eq!(q.needs_user_count(), 0);
    // In due order: the two due at T0 before the one due an hour later.
    assert_eq!(q.sendable(T0 + 3 * HOUR_MS), vec![due, sending, later]);
    assert_eq!(
        state(&q, due),
        State::Scheduled {
            at_ms: T0 + 3 * HOUR_MS
        }
    );
    assert_eq!(
        q.recover(T0 + 3 * HOUR_MS + 1, true).late,
        vec![later],
        "the unlocked items are not late, the one nobody sent for two hours is"
    );
}

// ---------------------------------------------------------------------------------------------
// Every operation from every state
// ---------------------------------------------------------------------------------------------

const KINDS: [&str; 10] = [
    "scheduled",
    "sending",
    "sent",
    "failed",
    "retry_waiting",
    "needs_unlock",
    "confirm_unknown",
    "confirm_late",
    "confirm_reply",
    "cancelled",
];

/// Adds an item to `q` and drives it to `kind`, starting at `now`.
fn drive(q: &mut Queue, kind: &str, now: u64) -> ItemId {
    let draft = match kind {
        "confirm_unknown" => NewItem {
            account_id: ACCOUNT.to_owned(),
            posts: vec![media_post(kind)],
            due_at_ms: now,
        },
        "confirm_reply" => NewItem {
            account_id: ACCOUNT.to_owned(),
            posts: vec![PlannedPost::text("a"), PlannedPost::text("b")],
            due_at_ms: now,
        },
        "scheduled" | "cancelled" => text_draft(kind, now + HOUR_MS),
        _ => text_draft(kind, now),
    };
    let id = q.add(draft, now).unwrap();
    match kind {
        "scheduled" => {}
        "sending" => {
            q.begin(id, now).unwrap();
        }
        "sent" | "failed" | "retry_waiting" | "needs_unlock" | "confirm_unknown" => {
            q.begin(id, now).unwrap();
            let outcome = match kind {
                "sent" => posted("1"),
                "failed" => Outcome::Permanent {
                    code: "too_long".to_owned(),
                },
                "retry_waiting" => transient(),
                "needs_unlock" => Outcome::Locked,
                _ => unknown(),
            };
            q.complete(id, outcome, now, 0.5).unwrap();
        }
        "confirm_late" => {
            q.recover(now + HOUR_MS, true);
        }
        "confirm_reply" => {
            q.begin(id, now).unwrap();
            q.recover(now + 1, false);
            q.begin(id, now + 1).unwrap();
            q.complete(id, Outcome::Duplicate, now + 1, 0.5).unwrap();
        }
        "cancelled" => q.cancel(id, now).unwrap(),
        _ => unreachable!(),
    }
    id
}

fn expected_kind(kind: &str) -> StateKind {
    match kind {
        "scheduled" => StateKind::Scheduled,
        "sending" => StateKind::Sending,
        "sent" => StateKind::Sent,
        "failed" => StateKind::Failed,
        "retry_waiting" => StateKind::RetryWaiting,
        "needs_unlock" => StateKind::NeedsUnlock,
        "cancelled" => StateKind::Cancelled,
        _ => StateKind::NeedsConfirmation,
    }
}

#[test]
fn every_operation_is_allowed_exactly_from_its_source_states() {
    type Op = fn(&mut Queue, ItemId, u64) -> Result<(), ScheduleError>;
    let ops: [(&str, Op, &[&str]); 11] = [
        (
            "edit",
            |q, id, _| {
                let posts = q.get(id).unwrap().posts.clone();
                q.edit(id, posts)
            },
            &[
                "scheduled",
                "failed",
                "retry_waiting",
                "needs_unlock",
                "confirm_unknown",
                "confirm_late",
                "confirm_reply",
            ],
        ),
        (
            "reschedule",
            |q, id, now| q.reschedule(id, now + DAY_MS, now),
            &[
                "scheduled",
                "failed",
                "retry_waiting",
                "needs_unlock",
                "confirm_late",
            ],
        ),
        (
            "late_policy",
            |q, id, _| q.set_late_policy(id, Some(LatePolicy::Ask)),
            &["scheduled", "needs_unlock"],
        ),
        (
            "cancel",
            |q, id, now| q.cancel(id, now),
            &[
                "scheduled",
                "failed",
                "retry_waiting",
                "needs_unlock",
                "confirm_unknown",
                "confirm_late",
                "confirm_reply",
            ],
        ),
        (
            "post_now",
            |q, id, now| q.post_now(id, now),
            &["scheduled", "retry_waiting", "confirm_late"],
        ),
        ("retry", |q, id, now| q.retry(id, now), &["failed"]),
        (
            "resolve_send",
            |q, id, now| q.resolve(id, Resolution::Send, now),
            &["confirm_unknown", "confirm_late"],
        ),
        (
            "resolve_posted",
            |q, id, now| {
                q.resolve(
                    id,
                    Resolution::Posted {
                        post_id: Some("5".to_owned()),
                    },
                    now,
                )
            },
            &["confirm_unknown", "confirm_reply"],
        ),
        (
            "remove",
            |q, id, _| q.remove(id).map(|_| ()),
            &["sent", "failed", "cancelled"],
        ),
        (
            "begin",
            |q, id, now| q.begin(id, now + 2 * HOUR_MS).map(|_| ()),
            &["scheduled", "retry_waiting"],
        ),
        (
            "complete",
            |q, id, now| q.complete(id, posted("9"), now, 0.5).map(|_| ()),
            &["sending"],
        ),
    ];
    for (name, op, allowed) in ops {
        for kind in KINDS {
            let mut q = Queue::new();
            let id = drive(&mut q, kind, T0);
            assert_eq!(q.get(id).unwrap().state.kind(), expected_kind(kind));
            let now = T0 + 2 * HOUR_MS;
            let before = q.clone();
            let result = op(&mut q, id, now);
            if allowed.contains(&kind) {
                assert_eq!(result, Ok(()), "{name} from {kind}");
            } else {
                let err = result.expect_err(&format!("{name} from {kind} must be refused"));
                assert!(
                    matches!(
                        err,
                        ScheduleError::IllegalTransition { .. }
                            | ScheduleError::InvalidResolution { .. }
                    ),
                    "{name} from {kind}: {err:?}"
                );
                assert_eq!(q, before, "a refused {name} from {kind} changes nothing");
            }
        }
    }
    let mut q = Queue::new();
    assert_eq!(
        q.cancel(ItemId(42), T0),
        Err(ScheduleError::NotFound { id: ItemId(42) })
    );
    assert_eq!(code(q.remove(ItemId(42))), "schedule_not_found");
}

/// Applies the user operation `op` to the item with harmless arguments (the same posts, a
/// time a day ahead, any accepted answer).
fn apply_user_op(q: &mut Queue, op: Op, id: ItemId, now: u64) -> Result<(), ScheduleError> {
    match op {
        Op::Edit => {
            let posts = q.get(id).unwrap().posts.clone();
            q.edit(id, posts)
        }
        Op::Reschedule => q.reschedule(id, now + DAY_MS, now),
        Op::PostNow => q.post_now(id, now),
        Op::Retry => q.retry(id, now),
        Op::Resolve => {
            let mut sent = q.clone();
            let posted = q.resolve(
                id,
                Resolution::Posted {
                    post_id: Some("5".to_owned()),
                },
                now,
            );
            if posted.is_ok() {
                return posted;
            }
            let send = sent.resolve(id, Resolution::Send, now);
            *q = sent;
            send
        }
        Op::LatePolicy => q.set_late_policy(id, Some(LatePolicy::PostLate)),
        Op::Cancel => q.cancel(id, now),
        Op::Remove => q.remove(id).map(|_| ()),
        Op::Begin | Op::Complete => unreachable!("not a user operation"),
    }
}

#[test]
fn the_actions_offered_are_exactly_the_operations_the_queue_accepts() {
    // Every state, plus a step in doubt waiting for its retry (it may be on X).
    let mut cases: Vec<(String, Queue, ItemId)> = KINDS
        .iter()
        .map(|kind| {
            let mut q = Queue::new();
            let id = drive(&mut q, kind, T0);
            (kind.to_string(), q, id)
        })
        .collect();
    let mut q = Queue::new();
    let id = q.add(text_draft("in doubt", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, unknown(), T0, 0.5).unwrap();
    assert_eq!(kind(&q, id), StateKind::RetryWaiting);
    cases.push(("retry_in_doubt".to_owned(), q, id));

    for (name, q, id) in cases {
        let item = q.get(id).unwrap();
        let offered = item.allowed_ops();
        for op in Op::USER {
            let mut tried = q.clone();
            let accepted = apply_user_op(&mut tried, op, id, T0 + 2 * HOUR_MS).is_ok();
            assert_eq!(
                offered.contains(&op),
                accepted,
                "{name}: {} offered {} but accepted {accepted}",
                op.as_str(),
                offered.contains(&op)
            );
            assert_eq!(item.check(op).is_ok(), accepted, "{name}: check {op:?}");
        }
        // The answers offered are exactly those resolve accepts.
        for kind in [ResolutionKind::Posted, ResolutionKind::Send] {
            let answer = match kind {
                ResolutionKind::Posted => Resolution::Posted {
                    post_id: Some("5".to_owned()),
                },
                ResolutionKind::Send => Resolution::Send,
            };
            let accepted = q.clone().resolve(id, answer, T0 + 2 * HOUR_MS).is_ok();
            assert_eq!(
                item.resolutions().contains(&kind),
                accepted,
                "{name}: resolve {}",
                kind.as_str()
            );
        }
    }
}

#[test]
fn actions_per_state_are_what_the_queue_page_shows() {
    let names = |kind: &str| {
        let mut q = Queue::new();
        let id = drive(&mut q, kind, T0);
        let item = q.get(id).unwrap();
        let ops: Vec<&str> = item.allowed_ops().iter().map(|o| o.as_str()).collect();
        let answers: Vec<&str> = item.resolutions().iter().map(|r| r.as_str()).collect();
        (ops, answers)
    };
    let none: Vec<&str> = Vec::new();
    assert_eq!(
        names("scheduled"),
        (
            vec!["edit", "reschedule", "late_policy", "post_now", "cancel"],
            none.clone()
        )
    );
    assert_eq!(names("sending"), (none.clone(), none.clone()));
    assert_eq!(names("sent"), (vec!["remove"], none.clone()));
    // A failed item can be edited and moved, not only retried.
    assert_eq!(
        names("failed"),
        (
            vec!["edit", "reschedule", "retry", "cancel", "remove"],
            none.clone()
        )
    );
    assert_eq!(
        names("needs_unlock"),
        (
            vec!["edit", "reschedule", "late_policy", "cancel"],
            none.clone()
        )
    );
    // In doubt: no reschedule and no post_now; the user says whether it is on X.
    assert_eq!(
        names("confirm_unknown"),
        (vec!["edit", "resolve", "cancel"], vec!["posted", "send"])
    );
    assert_eq!(
        names("confirm_late"),
        (
            vec!["edit", "reschedule", "post_now", "resolve", "cancel"],
            vec!["send"]
        )
    );
    assert_eq!(
        names("confirm_reply"),
        (vec!["edit", "resolve", "cancel"], vec!["posted"])
    );
    assert_eq!(names("cancelled"), (vec!["remove"], none));
    assert!(ConfirmReason::ReplyTargetUnknown.post_id_required());
    assert!(!ConfirmReason::UnknownOutcome.post_id_required());
}

#[test]
fn fixed_steps_are_those_on_x_and_the_one_in_doubt() {
    let mut q = Queue::new();
    let id = q.add(thread_draft(3, T0), T0).unwrap();
    assert_eq!(q.get(id).unwrap().fixed_steps(), 0);
    q.begin(id, T0).unwrap();
    q.complete(id, posted("1"), T0, 0.5).unwrap();
    assert_eq!(q.get(id).unwrap().fixed_steps(), 1);
    q.begin(id, T0).unwrap();
    q.complete(id, unknown(), T0, 0.5).unwrap();
    assert_eq!(q.get(id).unwrap().fixed_steps(), 2);
    let posts = q.get(id).unwrap().posts.clone();
    let mut changed = posts.clone();
    changed[1] = PlannedPost::text("changed");
    assert_eq!(
        q.edit(id, changed),
        Err(ScheduleError::OutcomeUnknown { id })
    );
    let mut last_changed = posts;
    last_changed[2] = PlannedPost::text("changed");
    q.edit(id, last_changed).unwrap();
}

#[test]
fn a_resolution_names_its_post_by_id_or_link() {
    let parse = |json: serde_json::Value| {
        serde_json::from_value::<ResolutionInput>(json)
            .unwrap()
            .parse()
    };
    let posted = |id: Option<&str>| {
        Ok(Resolution::Posted {
            post_id: id.map(str::to_owned),
        })
    };
    let id = "1850000000000000001";
    let link = format!("https://x.com/keypost_demo/status/{id}?s=20");
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_ref": link})),
        posted(Some(id))
    );
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_ref": format!(" {id} ")})),
        posted(Some(id))
    );
    // Older pages send post_id (a bare id, or what they could not parse themselves).
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_id": id})),
        posted(Some(id))
    );
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_id": link})),
        posted(Some(id))
    );
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_id": null})),
        posted(None)
    );
    assert_eq!(
        parse(serde_json::json!({"kind": "posted", "post_ref": "  "})),
        posted(None)
    );
    assert_eq!(parse(serde_json::json!({"kind": "posted"})), posted(None));
    assert_eq!(
        parse(serde_json::json!({"kind": "send"})),
        Ok(Resolution::Send)
    );
    let bad =
        parse(serde_json::json!({"kind": "posted", "post_ref": "https://example.com/status/1"}));
    assert_eq!(bad, Err(ScheduleError::PostRefInvalid));
    assert_eq!(code(bad), "post_url_invalid");
    assert_eq!(
        code(parse(
            serde_json::json!({"kind": "posted", "post_id": "soon"})
        )),
        "post_url_invalid"
    );
}

#[test]
fn edits_and_reschedules_are_validated() {
    let mut q = Queue::new();
    let id = q.add(text_draft("a", T0 + HOUR_MS), T0).unwrap();
    assert_eq!(code(q.edit(id, vec![])), "schedule_no_posts");
    assert_eq!(
        code(q.reschedule(id, T0 - MINUTE_MS, T0)),
        "schedule_in_past"
    );
    assert_eq!(
        code(q.reschedule(id, T0 + MAX_AHEAD_MS + 1, T0)),
        "schedule_too_far"
    );
    assert_eq!(
        state(&q, id),
        State::Scheduled {
            at_ms: T0 + HOUR_MS
        }
    );
    q.edit(id, vec![PlannedPost::text("b"), PlannedPost::text("c")])
        .unwrap();
    q.reschedule(id, T0 + 2 * HOUR_MS, T0).unwrap();
    let item = q.get(id).unwrap();
    assert_eq!(item.posts.len(), 2);
    assert_eq!(item.due_at_ms, T0 + 2 * HOUR_MS);
    assert_eq!(q.next_wake(T0), Some(T0 + 2 * HOUR_MS));
    // A failed attempt's item can be moved, which clears its attempts.
    let id = q.add(text_draft("x", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, transient(), T0, 0.5).unwrap();
    q.reschedule(id, T0 + DAY_MS, T0).unwrap();
    assert_eq!(q.get(id).unwrap().attempts, 0);
    // An item whose next step may be on X cannot be moved away from its duplicate guard.
    let id = q.add(text_draft("y", T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    q.complete(id, unknown(), T0, 0.5).unwrap();
    assert_eq!(
        q.reschedule(id, T0 + DAY_MS, T0),
        Err(ScheduleError::OutcomeUnknown { id })
    );
    assert_eq!(
        q.edit(id, vec![PlannedPost::text("z")]),
        Err(ScheduleError::OutcomeUnknown { id })
    );
    q.edit(id, vec![PlannedPost::text("y"), PlannedPost::text("added")])
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Warnings and views
// ---------------------------------------------------------------------------------------------

#[test]
fn planned_in_window_counts_every_thread_step_of_that_account() {
    let mut q = Queue::new();
    // Posted earlier: a 2-step thread sent at T0.
    let sent = q.add(thread_draft(2, T0), T0).unwrap();
    for _ in 0..2 {
        q.begin(sent, T0).unwrap();
        q.complete(sent, posted("1"), T0, 0.5).unwrap();
    }
    // Planned: a 3-step thread at T0 + 2 h, a post at T0 + 20 h, one at T0 + 30 h.
    q.add(thread_draft(3, T0 + 2 * HOUR_MS), T0).unwrap();
    q.add(text_draft("p", T0 + 20 * HOUR_MS), T0).unwrap();
    q.add(text_draft("q", T0 + 30 * HOUR_MS), T0).unwrap();
    // Not counted: cancelled, failed before posting, another account.
    let c = q.add(text_draft("c", T0 + HOUR_MS), T0).unwrap();
    q.cancel(c, T0).unwrap();
    let f = q.add(text_draft("f", T0), T0).unwrap();
    q.begin(f, T0).unwrap();
    q.complete(
        f,
        Outcome::Permanent {
            code: "too_long".to_owned(),
        },
        T0,
        0.5,
    )
    .unwrap();
    let mut other = text_draft("o", T0 + HOUR_MS);
    other.account_id = "acct-2".to_owned();
    q.add(other, T0).unwrap();

    assert_eq!(q.planned_in_window(ACCOUNT, T0 + 20 * HOUR_MS, DAY_MS), 6);
    assert_eq!(
        q.planned_in_window(ACCOUNT, T0 + 24 * HOUR_MS, DAY_MS),
        4,
        "T0 is out"
    );
    assert_eq!(q.planned_in_window(ACCOUNT, T0 + 30 * HOUR_MS, DAY_MS), 2);
    assert_eq!(q.planned_in_window(ACCOUNT, T0 - 1, DAY_MS), 0);
    assert_eq!(q.planned_in_window("acct-2", T0 + 2 * HOUR_MS, DAY_MS), 1);
    assert_eq!(q.planned_in_window("nobody", T0, DAY_MS), 0);
}

#[test]
fn the_busiest_window_counts_later_posts_too() {
    let draft = account_draft;
    let mut q = Queue::new();
    q.add(draft("a", "1", 10 * HOUR_MS), 0).unwrap();
    q.add(draft("a", "2", 30 * HOUR_MS), 0).unwrap();
    q.add(draft("b", "x", 20 * HOUR_MS), 0).unwrap();
    // A post at 20 h shares a window with the one at 10 h and another with the one at 30 h.
    q.add(draft("a", "3", 20 * HOUR_MS), 0).unwrap();
    // (the window ending at 30 h holds 10 h, 20 h and 30 h)
    assert_eq!(q.busiest_window("a", 20 * HOUR_MS), 3);
    q.add(draft("a", "4", 25 * HOUR_MS), 0).unwrap();
    assert_eq!(q.busiest_window("a", 25 * HOUR_MS), 4);
    // A day is a day: one at 50 h shares a window only with the one at 30 h.
    q.add(draft("a", "5", 50 * HOUR_MS), 0).unwrap();
    assert_eq!(q.busiest_window("a", 50 * HOUR_MS), 2);
    assert_eq!(q.busiest_window("b", 20 * HOUR_MS), 1);
}

#[test]
fn upcoming_is_soonest_first_and_past_is_newest_first() {
    let mut q = Queue::new();
    let b = q.add(text_draft("b", T0 + 2 * HOUR_MS), T0).unwrap();
    let a = q.add(text_draft("a", T0 + HOUR_MS), T0).unwrap();
    let locked = q.add(text_draft("l", T0 + 90 * MINUTE_MS), T0).unwrap();
    q.mark_needs_unlock(T0 + 90 * MINUTE_MS);
    let sent = q.add(text_draft("s", T0), T0).unwrap();
    q.begin(sent, T0).unwrap();
    q.complete(sent, posted("1"), T0 + 10, 0.5).unwrap();
    let cancelled = q.add(text_draft("c", T0 + DAY_MS), T0).unwrap();
    q.cancel(cancelled, T0 + 20).unwrap();
    let ids = |items: Vec<&keypost::schedule::Item>| items.iter().map(|i| i.id).collect::<Vec<_>>();
    // mark_needs_unlock at T0 + 90 min also caught `a` (due at T0 + 1 h).
    assert_eq!(kind(&q, a), StateKind::NeedsUnlock);
    assert_eq!(ids(q.upcoming()), vec![a, locked, b]);
    assert_eq!(ids(q.past()), vec![cancelled, sent]);
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

#[test]
fn the_queue_survives_a_json_round_trip_in_every_state() {
    let mut q = Queue::new();
    // confirm_late and confirm_reply call recover, which must not touch the others: first.
    let first = ["confirm_late", "confirm_reply"];
    let mut ids = Vec::new();
    for (i, kind) in first
        .into_iter()
        .chain(KINDS.into_iter().filter(|k| !first.contains(k)))
        .enumerate()
    {
        let id = drive(&mut q, kind, T0 + i as u64 * DAY_MS);
        assert_eq!(
            q.get(id).unwrap().state.kind(),
            expected_kind(kind),
            "{kind}"
        );
        ids.push(id);
    }
    let kinds: std::collections::HashSet<StateKind> =
        q.items().iter().map(|i| i.state.kind()).collect();
    assert_eq!(kinds.len(), 8, "every state is in the queue");
    let json = q.to_json().unwrap();
    let back = Queue::from_json(&json).unwrap();
    assert_eq!(back, q);
    assert!(json.contains(r#""kind":"needs_confirmation","reason":"reply_target_unknown""#));
    assert!(json.contains(r#""kind":"retry_waiting""#));
    // Ids continue after a reload.
    let mut back = back;
    let new = back
        .add(text_draft("new", T0 + 20 * DAY_MS), T0 + 20 * DAY_MS)
        .unwrap();
    assert!(!ids.contains(&new));
}

#[test]
fn a_damaged_stored_queue_is_refused_with_a_clean_error() {
    assert_eq!(code(Queue::from_json("{")), "schedule_corrupt");
    assert_eq!(
        code(Queue::from_json(r#"{"items":[{"id":1}]}"#)),
        "schedule_corrupt"
    );
    assert_eq!(
        Queue::from_json(r#"{"items":[]}"#).unwrap(),
        Queue::new(),
        "an older record without next_id"
    );
    let mut q = Queue::new();
    let id = q.add(thread_draft(2, T0), T0).unwrap();
    q.begin(id, T0).unwrap();
    let json = q.to_json().unwrap();
    // Sending step 1 although nothing is posted.
    let bad = json.replace(r#""step":0"#, r#""step":1"#);
    assert_ne!(bad, json);
    assert_eq!(code(Queue::from_json(&bad)), "schedule_corrupt");
    // The same id twice.
    let one = Queue::from_json(&json).unwrap();
    let item = serde_json::to_string(&one.items()[0]).unwrap();
    let twice = format!(r#"{{"items":[{item},{item}],"next_id":1}}"#);
    assert_eq!(code(Queue::from_json(&twice)), "schedule_corrupt");
}

#[test]
fn error_codes_are_stable_and_distinct() {
    use ScheduleError as E;
    let all = [
        (E::NotFound { id: ItemId(1) }, "schedule_not_found"),
        (
            E::InPast {
                due_at_ms: 0,
                now_ms: 1,
            },
            "schedule_in_past",
        ),
        (
            E::TooFar {
                due_at_ms: 2,
                max_ms: 1,
            },
            "schedule_too_far",
        ),
        (E::NoPosts, "schedule_no_posts"),
        (E::EmptyPost { step: 0 }, "schedule_empty_post"),
        (
            E::TooManyMedia { step: 0, count: 5 },
            "schedule_too_many_media",
        ),
        (E::AltTextTooLong { step: 0 }, "schedule_alt_text_too_long"),
        (E::NoAccount, "schedule_no_account"),
        (
            E::IllegalTransition {
                op: keypost::schedule::Op::Cancel,
                from: StateKind::Sent,
            },
            "schedule_illegal_transition",
        ),
        (
            E::NotDue {
                id: ItemId(1),
                at_ms: 5,
            },
            "schedule_not_due",
        ),
        (
            E::OutcomeUnknown { id: ItemId(1) },
            "schedule_outcome_unknown",
        ),
        (
            E::PostedStepChanged { step: 0 },
            "schedule_posted_step_changed",
        ),
        (E::PostIdRequired, "schedule_post_id_required"),
        (
            E::NeedsConfirmation {
                id: ItemId(1),
                reason: ConfirmReason::Late,
            },
            "schedule_needs_confirmation",
        ),
        (
            E::InvalidResolution {
                reason: ConfirmReason::Late,
            },
            "schedule_invalid_resolution",
        ),
        (
            E::Corrupt {
                detail: "x".to_owned(),
            },
            "schedule_corrupt",
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    for (err, expected) in all {
        assert_eq!(err.code(), expected);
        assert!(seen.insert(expected));
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(
        E::IllegalTransition {
            op: keypost::schedule::Op::Cancel,
            from: StateKind::Sent
        }
        .to_string(),
        "cannot cancel an item that is sent"
    );
}

// ---------------------------------------------------------------------------------------------
// Randomized simulation
// ---------------------------------------------------------------------------------------------

/// A fake X: refuses the same text from the same account within 24 hours (text-only posts;
/// posts with media get no duplicate check at all, the worst case), and records every post.
#[derive(Default)]
struct FakeX {
    /// text -> (post id, time, how many times it was posted)
    posts: HashMap<String, (String, u64, u32)>,
    next_id: u64,
}

impl FakeX {
    fn post(&mut self, text: &str, media: bool, now: u64) -> Outcome {
        if let Some((_, at, _)) = self.posts.get(text) {
            if !media && now < at + DAY_MS {
                return Outcome::Duplicate;
            }
        }
        self.next_id += 1;
        let id = format!("x{}", self.next_id);
        let entry = self
            .posts
            .entry(text.to_owned())
            .or_insert((id.clone(), now, 0));
        entry.2 += 1;
        assert_eq!(entry.2, 1, "{text:?} was posted twice");
        Outcome::Posted { id }
    }
    fn id_of(&self, text: &str) -> Option<String> {
        self.posts.get(text).map(|(id, _, _)| id.clone())
    }
}

struct Sim {
    rng: Rng,
    x: FakeX,
    queue: Queue,
    /// What storage holds (kept as a value; serialised to JSON when a crash reads it back).
    stored: Queue,
    now: u64,
    locked: bool,
    crashes: bool,
    /// What storage said was posted, per item: it may only ever grow.
    posted_seen: HashMap<ItemId, Vec<Option<String>>>,
    /// How often a due item was held behind an earlier post of its account.
    held_seen: usize,
}

impl Sim {
    fn persist(&mut self) {
        self.stored = self.queue.clone();
        for item in self.queue.items() {
            let now: Vec<Option<String>> = item.posted.iter().map(|p| p.id.clone()).collect();
            let seen = self.posted_seen.entry(item.id).or_default();
            assert!(
                now.len() >= seen.len(),
                "item {} lost a posted step",
                item.id
            );
            for (old, new) in seen.iter().zip(&now) {
                assert!(
                    old.is_none() || old == new,
                    "item {}: {old:?} -> {new:?}",
                    item.id
                );
            }
            *seen = now;
        }
    }

    /// The worker is stopped: memory is lost, the next worker reads storage (as JSON, as the
    /// extension stores it) and recovers.
    fn crash(&mut self) {
        self.queue = Queue::from_json(&self.stored.to_json().unwrap()).unwrap();
        self.now += self.rng.below(3 * MINUTE_MS);
        let hold = self.rng.chance(30);
        self.queue.recover(self.now, hold);
        self.persist();
    }

    fn text(item: ItemId, step: usize) -> String {
        format!("item {item} step {step}")
    }

    /// One worker run, as the extension's worker does it: again and again the first item the
    /// queue says is sendable now, until there is none; with the vault locked, the due items
    /// wait for it instead. Returns false when the worker was stopped.
    fn work(&mut self) -> bool {
        for _ in 0..10_000 {
            let sendable = self.queue.sendable(self.now);
            let due = self
                .queue
                .items()
                .iter()
                .filter(|i| i.state.wake_at().is_some_and(|at| at <= self.now))
                .count();
            self.held_seen += due - sendable.len();
            let Some(&id) = sendable.first() else {
                return true;
            };
            if self.locked {
                self.queue.mark_needs_unlock(self.now);
                self.persist();
                return true;
            }
            if !self.send(id) {
                return false;
            }
        }
        panic!("a run never ends: something stays sendable");
    }

    /// Sends the next step of one item as the worker does: by running the core's [`Run`],
    /// doing each action it asks for, with the worker stopped now and then between any two.
    /// Returns false when the worker was stopped.
    fn send(&mut self, id: ItemId) -> bool {
        let prepared = self.queue.next_step(id).unwrap();
        let facts = Facts {
            has_contents: true,
            unlocked: true,
            account_known: true,
            leak: None,
        };
        let notify_sent = self.rng.chance(50);
        let (mut run, mut action) = Run::start(prepared, &facts, notify_sent);
        loop {
            action = match action {
                Action::Done => return true,
                Action::ReserveRoom => run.room(),
                Action::Upload { local_id, .. } => {
                    if self.crashes && self.rng.chance(2) {
                        return false; // stopped mid-upload: nothing was begun
                    }
                    if self.rng.chance(5) {
                        run.uploaded(Err(UploadFailed {
                            code: "x_server_error".to_owned(),
                            retry_at_s: None,
                        }))
                    } else {
                        run.uploaded(Ok(format!("media-{local_id}")))
                    }
                }
                Action::Begin(prepared) => match self.queue.begin_prepared(&prepared, self.now) {
                    Ok(step) => {
                        assert_eq!(step.text, Self::text(id, step.step));
                        if self.crashes && self.rng.chance(3) {
                            return false; // stopped before the Sending state was stored
                        }
                        self.persist();
                        if self.crashes && self.rng.chance(3) {
                            return false; // stopped before the request
                        }
                        run.begun(Ok(())).unwrap()
                    }
                    Err(e) => {
                        assert!(e.changes_queue(), "item {id}: {e:?}");
                        self.persist();
                        run.begun(Err(e)).unwrap()
                    }
                },
                Action::Post(post) => match self.post(id, &post) {
                    Some(outcome) => run.posted(outcome),
                    None => return false,
                },
                Action::Finish(outcome) => {
                    self.now += self.rng.below(20_000);
                    let jitter = self.rng.unit();
                    let state = self.queue.complete(id, outcome, self.now, jitter).unwrap();
                    if self.crashes && self.rng.chance(3) {
                        return false; // stopped after the answer, before it was stored
                    }
                    self.persist();
                    run.finished(Some(&state))
                }
                Action::ForgetMedia | Action::Notify | Action::RecordSent { .. } => {
                    if self.crashes && self.rng.chance(2) {
                        return false; // stopped after the record: only a follow-up is lost
                    }
                    run.followed()
                }
            };
        }
    }

    /// X's answer to a post request, from a faulty X; `None` when the worker was stopped
    /// mid-request.
    fn post(&mut self, id: ItemId, post: &NewPost) -> Option<Outcome> {
        let step = post
            .text
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap();
        assert_eq!(post.text, Self::text(id, step));
        if let Some(parent) = &post.in_reply_to {
            assert_eq!(
                self.x.id_of(&Self::text(id, step - 1)).as_ref(),
                Some(parent),
                "replies to the previous step"
            );
        }
        let media = !post.media_ids.is_empty();
        let now_s = self.now / 1_000;
        let roll = self.rng.below(100);
        Some(match roll {
            0..=49 => self.x.post(&post.text, media, self.now),
            50..=57 => Outcome::RateLimited {
                reset_at_s: Some(now_s + self.rng.below(900)),
                user_24h_remaining: Some(self.rng.below(2)),
                user_24h_reset_s: self.rng.chance(50).then(|| now_s + self.rng.below(86_400)),
                app_24h_remaining: self.rng.chance(20).then(|| self.rng.below(2)),
                app_24h_reset_s: self.rng.chance(50).then(|| now_s + self.rng.below(86_400)),
            },
            58..=67 => Outcome::Transient {
                code: "x_unavailable".to_owned(),
            },
            68..=79 => {
                if self.rng.chance(50) {
                    let _ = self.x.post(&post.text, media, self.now);
                }
                Outcome::Unknown {
                    code: "timeout".to_owned(),
                }
            }
            80..=81 => Outcome::Permanent {
                code: "credits_depleted".to_owned(),
            },
            82 => Outcome::Locked,
            _ => {
                if !self.crashes {
                    self.x.post(&post.text, media, self.now)
                } else {
                    // Stopped mid-request: X may or may not have got it.
                    if self.rng.chance(60) {
                        let _ = self.x.post(&post.text, media, self.now);
                    }
                    return None;
                }
            }
        })
    }

    /// The user looks at the notifications and answers some of them, checking X as a person
    /// would (the post is visible on their profile).
    fn user(&mut self, retries: bool) {
        let items: Vec<(ItemId, State, usize)> = self
            .queue
            .items()
            .iter()
            .map(|i| (i.id, i.state.clone(), i.posted.len()))
            .collect();
        for (id, state, step) in items {
            if !self.rng.chance(30) {
                continue;
            }
            match state {
                State::NeedsConfirmation { reason, .. } => {
                    let r = match reason {
                        ConfirmReason::UnknownOutcome => {
                            match self.x.id_of(&Self::text(id, step)) {
                                Some(post_id) => Resolution::Posted {
                                    post_id: self.rng.chance(70).then_some(post_id),
                                },
                                None => Resolution::Send,
                            }
                        }
                        ConfirmReason::Late => Resolution::Send,
                        ConfirmReason::ReplyTargetUnknown => Resolution::Posted {
                            post_id: self.x.id_of(&Self::text(id, step - 1)),
                        },
                    };
                    if self.rng.chance(5) {
                        self.queue.cancel(id, self.now).unwrap();
                    } else {
                        self.queue.resolve(id, r, self.now).unwrap();
                    }
                }
                State::Failed { .. } if retries && self.rng.chance(20) => {
                    self.queue.retry(id, self.now).unwrap();
                }
                State::Scheduled { .. } if self.rng.chance(2) => {
                    self.queue.post_now(id, self.now).unwrap();
                }
                _ => {}
            }
        }
        self.persist();
    }

    fn check_consistency(&self) {
        for item in self.queue.items() {
            for (step, p) in item.posted.iter().enumerate() {
                let on_x = self.x.id_of(&Self::text(item.id, step));
                assert!(
                    on_x.is_some(),
                    "item {} step {step} recorded but not on X",
                    item.id
                );
                if p.id.is_some() {
                    assert_eq!(p.id, on_x, "item {} step {step}", item.id);
                }
            }
            // Anything on X that the queue does not record must be the step it is unsure of.
            for step in item.posted.len()..item.posts.len() {
                if self.x.id_of(&Self::text(item.id, step)).is_some() {
                    assert_eq!(
                        step,
                        item.posted.len(),
                        "item {}: X has step {step}",
                        item.id
                    );
                    assert!(
                        item.doubt_since_ms.is_some()
                            || matches!(item.state, State::Sending { .. }),
                        "item {} step {step} is on X and the queue does not know it might be ({:?})",
                        item.id,
                        item.state
                    );
                }
            }
        }
    }
}

/// Runs one simulation; returns how many steps were confirmed by a duplicate answer and by the
/// user, and how often a due item waited behind its account's earlier post, so the caller can
/// check that the dangerous paths were exercised at all.
fn simulate(seed: u64, items: u64, ticks: u32) -> (usize, usize, usize) {
    let mut sim = Sim {
        rng: Rng(seed),
        x: FakeX::default(),
        queue: Queue::new(),
        stored: Queue::new(),
        now: T0,
        locked: false,
        crashes: true,
        posted_seen: HashMap::new(),
        held_seen: 0,
    };
    // A few accounts, so that one account's posts waiting behind its retry and the others
    // going on are both exercised.
    let accounts = [ACCOUNT, "acct-2", "acct-3"];
    for _ in 0..items {
        let account = accounts[sim.rng.below(accounts.len() as u64) as usize];
        let steps = 1 + sim.rng.below(3) as usize;
        let due = T0 + sim.rng.below(2 * DAY_MS);
        let id_guess = sim.queue.items().len();
        let posts = (0..steps)
            .map(|s| {
                let text = format!("item {id_guess} step {s}");
                if sim.rng.chance(25) {
                    media_post(&text)
                } else {
                    PlannedPost::text(text)
                }
            })
            .collect();
        let id = sim
            .queue
            .add(
                NewItem {
                    account_id: account.to_owned(),
                    posts,
                    due_at_ms: due,
                },
                T0,
            )
            .unwrap();
        assert_eq!(id.0 as usize, id_guess);
    }
    sim.persist();

    for _ in 0..ticks {
        // Time passes: mostly the alarm's pace, sometimes the browser stays closed for hours,
        // now and then for days.
        sim.now += if sim.rng.chance(1) {
            sim.rng.below(3 * DAY_MS)
        } else if sim.rng.chance(5) {
            sim.rng.below(8 * HOUR_MS)
        } else {
            sim.rng.below(2 * MINUTE_MS)
        };
        if sim.rng.chance(3) {
            sim.locked = !sim.locked;
            if !sim.locked {
                sim.queue.unlocked(sim.now);
                sim.persist();
            }
        }
        if sim.rng.chance(10) || !sim.work() {
            sim.crash();
        }
        sim.user(true);
        sim.check_consistency();
    }

    // No more crashes, the vault is unlocked whenever asked, the user answers nothing more:
    // everything must settle by itself.
    sim.crashes = false;
    sim.locked = false;
    let mut rounds = 0;
    loop {
        sim.queue.unlocked(sim.now);
        sim.persist();
        let Some(wake) = sim.queue.next_wake(sim.now) else {
            break;
        };
        rounds += 1;
        assert!(rounds < 100_000, "the schedule does not settle");
        sim.now = wake;
        assert!(sim.work());
        sim.check_consistency();
    }
    assert_eq!(sim.queue.items().len() as u64, items, "no item vanished");
    for item in sim.queue.items() {
        let k = item.state.kind();
        assert!(
            matches!(
                k,
                StateKind::Sent
                    | StateKind::Failed
                    | StateKind::NeedsConfirmation
                    | StateKind::Cancelled
                    | StateKind::Skipped
            ),
            "item {} ended {k:?}",
            item.id
        );
        if k == StateKind::Sent {
            assert_eq!(item.posted.len(), item.posts.len());
        }
    }
    let sent = sim
        .queue
        .items()
        .iter()
        .filter(|i| i.state.kind() == StateKind::Sent)
        .count();
    assert!(
        sent as u64 > items / 3,
        "only {sent} of {items} were sent: the simulation is too harsh to say much"
    );
    let confirmed_by = |via| {
        sim.queue
            .items()
            .iter()
            .flat_map(|i| &i.posted)
            .filter(|p| p.via == via)
            .count()
    };
    (
        confirmed_by(PostedVia::Duplicate),
        confirmed_by(PostedVia::User),
        sim.held_seen,
    )
}

#[test]
fn simulation_nothing_is_posted_twice_and_nothing_is_lost() {
    let (mut by_duplicate, mut by_user, mut held) = (0, 0, 0);
    for seed in 1..=5 {
        let (d, u, h) = simulate(seed, 40, 1_500);
        by_duplicate += d;
        by_user += u;
        held += h;
    }
    assert!(
        by_duplicate > 0,
        "no interrupted post was ever resent into a duplicate"
    );
    assert!(by_user > 0, "no unknown outcome ever reached the user");
    assert!(
        held > 0,
        "no post ever waited behind an earlier post of its account"
    );
}

#[test]
fn the_queue_holds_at_most_its_ceiling_of_posts_not_yet_finished() {
    let mut q = Queue::new();
    for i in 0..MAX_WAITING_ITEMS {
        q.add(text_draft(&format!("post {i}"), T0 + HOUR_MS), T0)
            .unwrap();
    }
    assert_eq!(q.waiting_count(), MAX_WAITING_ITEMS);
    let refused = q.add(text_draft("one too many", T0 + HOUR_MS), T0);
    assert_eq!(
        refused,
        Err(ScheduleError::QueueFull {
            max: MAX_WAITING_ITEMS
        })
    );
    assert_eq!(q.items().len(), MAX_WAITING_ITEMS, "nothing was added");
    // A finished post makes room again.
    q.cancel(ItemId(0), T0).unwrap();
    q.add(text_draft("now it fits", T0 + HOUR_MS), T0).unwrap();
}

#[test]
fn the_past_is_bounded_oldest_sent_and_cancelled_first_and_failed_posts_stay() {
    let mut q = Queue::new();
    let failed = q.add(text_draft("failed one", T0), T0).unwrap();
    q.begin(failed, T0).unwrap();
    q.complete(
        failed,
        Outcome::Permanent {
            code: "x_forbidden".to_owned(),
        },
        T0,
        0.5,
    )
    .unwrap();
    let mut sent = Vec::new();
    for n in 0..6u64 {
        let id = q.add(text_draft(&format!("post {n}"), T0 + n), T0).unwrap();
        q.begin(id, T0 + n).unwrap();
        q.complete(id, posted(&n.to_string()), T0 + 10 + n, 0.5)
            .unwrap();
        sent.push(id);
    }
    let cancelled = q.add(text_draft("never mind", T0 + HOUR_MS), T0).unwrap();
    q.cancel(cancelled, T0 + 100).unwrap();
    assert!(q.prune_past(10).is_empty(), "under the bound nothing goes");
    let gone: Vec<ItemId> = q.prune_past(4).iter().map(|i| i.id).collect();
    // 7 sent or cancelled, 4 kept: the 3 that finished first go; the failed one stays.
    assert_eq!(gone, sent[..3].to_vec());
    assert!(q.get(failed).is_some());
    assert!(q.get(cancelled).is_some());
    assert_eq!(q.past().len(), 5);
}
