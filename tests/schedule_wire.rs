//! The scheduler's wiring decisions that need no browser: how X's answers map onto the core's
//! outcomes, per-account order behind a retry, the one alarm time, and the 24-hour window.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::HttpResponse;
use keypost::schedule::{Draft, ItemId, Outcome, PlannedPost, Queue};
use keypost::wasm::AppError;
use keypost::wasm::msg_schedule::{
    busiest_window, effective_wake, outcome_before_request, outcome_of_response,
    outcome_of_send_error, sendable,
};
fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.to_owned(),
    }
}

fn draft(account: &str, text: &str, due: u64) -> Draft {
    Draft {
        account_id: account.to_owned(),
        posts: vec![PlannedPost::text(text)],
        due_at_ms: due,
    }
}

#[test]
fn answers_to_a_post_map_onto_outcomes() {
    let created = resp(201, &[], r#"{"data":{"id":"123","text":"hi"}}"#);
    assert_eq!(
        outcome_of_response(&created),
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
        outcome_of_response(&limited),
        Outcome::RateLimited {
            reset_at_s: Some(1000),
            user_24h_remaining: Some(0),
            user_24h_reset_s: Some(5000),
        }
    );
    let unavailable = resp(503, &[], "");
    assert!(matches!(
        outcome_of_response(&unavailable),
        Outcome::Unknown { .. }
    ));
    let duplicate = resp(
        403,
        &[],
        r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","status":403}"#,
    );
    assert_eq!(outcome_of_response(&duplicate), Outcome::Duplicate);
    let read_only = resp(
        403,
        &[],
        r#"{"type":"https://api.twitter.com/2/problems/oauth1-permissions","status":403}"#,
    );
    assert_eq!(
        outcome_of_response(&read_only),
        Outcome::Permanent {
            code: "x_read_only".into()
        }
    );
    assert_eq!(
        outcome_of_response(&resp(402, &[], "{}")),
        Outcome::Permanent {
            code: "x_credits_depleted".into()
        }
    );
}

#[test]
fn failures_without_an_answer_are_unknown_unless_nothing_left() {
    let timeout = AppError::new("timeout");
    let offline = AppError::new("offline");
    assert!(matches!(
        outcome_of_send_error(&timeout, true),
        Outcome::Unknown { .. }
    ));
    assert!(matches!(
        outcome_of_send_error(&offline, true),
        Outcome::Unknown { .. }
    ));
    assert!(matches!(
        outcome_of_send_error(&offline, false),
        Outcome::Transient { .. }
    ));
    // X answered but the answer could not be read: the request was processed, so even a
    // browser that now says it is offline cannot make it "not sent".
    let unreadable = AppError::new("response_unreadable").with("status", 201);
    for online in [true, false] {
        assert!(matches!(
            outcome_of_send_error(&unreadable, online),
            Outcome::Unknown { .. }
        ));
    }
    assert!(matches!(
        outcome_before_request(&AppError::new("x_server_error")),
        Outcome::Transient { .. }
    ));
    assert!(matches!(
        outcome_before_request(&AppError::new("media_missing")),
        Outcome::Permanent { .. }
    ));
}

#[test]
fn an_account_keeps_its_order_behind_a_retry() {
    let mut q = Queue::new();
    let a1 = q.add(draft("a", "a1", 1_000), 0).unwrap();
    let a2 = q.add(draft("a", "a2", 2_000), 0).unwrap();
    let b1 = q.add(draft("b", "b1", 1_500), 0).unwrap();
    assert_eq!(sendable(&q, 2_000), vec![a1, b1, a2]);
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
    assert_eq!(sendable(&q, 3_000), vec![b1]);
    let retry_at = q.get(a1).unwrap().state.wake_at().unwrap();
    q.begin(b1, 3_000).unwrap();
    q.complete(b1, Outcome::Posted { id: "1".into() }, 3_000, 0.0)
        .unwrap();
    // The alarm is for a1's retry, not for the held a2 (already due).
    assert_eq!(effective_wake(&q, 3_000), Some(retry_at));
    assert_eq!(sendable(&q, retry_at), vec![a1]);
    q.begin(a1, retry_at).unwrap();
    assert_eq!(sendable(&q, retry_at), Vec::<ItemId>::new());
    q.complete(a1, Outcome::Posted { id: "2".into() }, retry_at, 0.0)
        .unwrap();
    assert_eq!(sendable(&q, retry_at), vec![a2]);
}

#[test]
fn the_busiest_window_counts_later_posts_too() {
    let mut q = Queue::new();
    let hour = keypost::schedule::HOUR_MS;
    q.add(draft("a", "1", 10 * hour), 0).unwrap();
    q.add(draft("a", "2", 30 * hour), 0).unwrap();
    q.add(draft("b", "x", 20 * hour), 0).unwrap();
    // A post at 20 h shares a window with the one at 10 h and another with the one at 30 h.
    q.add(draft("a", "3", 20 * hour), 0).unwrap();
    // (the window ending at 30 h holds 10 h, 20 h and 30 h)
    assert_eq!(busiest_window(&q, "a", 20 * hour), 3);
    q.add(draft("a", "4", 25 * hour), 0).unwrap();
    assert_eq!(busiest_window(&q, "a", 25 * hour), 4);
    // A day is a day: one at 50 h shares a window only with the one at 30 h.
    q.add(draft("a", "5", 50 * hour), 0).unwrap();
    assert_eq!(busiest_window(&q, "a", 50 * hour), 2);
    assert_eq!(busiest_window(&q, "b", 20 * hour), 1);
}
