//! X's 24-hour limits as the scheduler meets them (fidelity review D4, D5): pay-per-use sends no
//! 24-hour headers, so no daily limit is remembered or warned about; the old tiers send the
//! user's and the app's, and a 429 waits for whichever spent allowance resets last. Runs
//! natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::HttpResponse;
use keypost::schedule::{
    DailyLimitNews, NewItem, Outcome, PlannedPost, Queue, RESET_SLACK_MS, State, daily_limit_news,
    daily_reset_s, rate_limit_until,
};
use keypost::x::RateLimits;

use crate::support::http;

/// 2027-01-15T08:00:00Z.
const T0: u64 = 1_800_000_000_000;
const S0: u64 = T0 / 1_000;
/// X's body for a 429.
const TOO_MANY: &str = r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#;

#[test]
fn the_daily_reset_is_the_spent_allowances_latest() {
    // Nothing spent, or nothing said (pay-per-use): no daily reset.
    assert_eq!(daily_reset_s(None, None, None, None), None);
    assert_eq!(daily_reset_s(Some(3), Some(9), Some(5), Some(7)), None);
    // Only the user's allowance is spent.
    assert_eq!(daily_reset_s(Some(0), Some(9), Some(5), Some(7)), Some(9));
    // Only the app's allowance is spent (D5): its reset, even with the user's budget left.
    assert_eq!(daily_reset_s(Some(4), Some(9), Some(0), Some(7)), Some(7));
    assert_eq!(daily_reset_s(None, None, Some(0), Some(7)), Some(7));
    // Both spent: the later one, whichever it is.
    assert_eq!(daily_reset_s(Some(0), Some(9), Some(0), Some(7)), Some(9));
    assert_eq!(daily_reset_s(Some(0), Some(5), Some(0), Some(8)), Some(8));
    // A spent allowance without a reset says nothing about when.
    assert_eq!(daily_reset_s(Some(0), None, Some(0), Some(8)), Some(8));
    assert_eq!(daily_reset_s(Some(0), None, None, None), None);
}

#[test]
fn a_429_with_the_app_allowance_spent_waits_for_the_app_reset() {
    let app_reset = S0 + 20 * 3_600;
    let answer = resp(
        429,
        &[
            ("x-rate-limit-limit", "100"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", &(S0 + 600).to_string()),
            ("x-user-limit-24hour-limit", "17"),
            ("x-user-limit-24hour-remaining", "9"),
            ("x-user-limit-24hour-reset", &(S0 + 3_600).to_string()),
            ("x-app-limit-24hour-limit", "17"),
            ("x-app-limit-24hour-remaining", "0"),
            ("x-app-limit-24hour-reset", &app_reset.to_string()),
        ],
    );
    let outcome = Outcome::of_response(&answer);
    assert_eq!(
        outcome,
        Outcome::RateLimited {
            reset_at_s: Some(S0 + 600),
            user_24h_remaining: Some(9),
            user_24h_reset_s: Some(S0 + 3_600),
            app_24h_remaining: Some(0),
            app_24h_reset_s: Some(app_reset),
        }
    );

    let mut q = Queue::new();
    let id = q
        .add(
            NewItem {
                account_id: "acct".to_owned(),
                posts: vec![PlannedPost::text("shared app quota")],
                due_at_ms: T0,
            },
            T0,
        )
        .unwrap();
    q.begin(id, T0).unwrap();
    match q.complete(id, outcome, T0, 0.0).unwrap() {
        State::RetryWaiting { until_ms, code } => {
            assert_eq!(code, "rate_limited");
            // Not the 15-minute reset, which would only meet the same 429 again.
            assert_eq!(until_ms, app_reset * 1_000 + RESET_SLACK_MS);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_24_hour_headers_a_429_waits_for_the_15_minute_reset() {
    // Pay-per-use: 100 posts per 15 minutes per user, and no 24-hour headers.
    let answer = resp(
        429,
        &[
            ("x-rate-limit-limit", "100"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", &(S0 + 600).to_string()),
        ],
    );
    let Outcome::RateLimited {
        reset_at_s,
        user_24h_remaining,
        user_24h_reset_s,
        app_24h_remaining,
        app_24h_reset_s,
    } = Outcome::of_response(&answer)
    else {
        panic!("not rate limited");
    };
    let daily = daily_reset_s(
        user_24h_remaining,
        user_24h_reset_s,
        app_24h_remaining,
        app_24h_reset_s,
    );
    assert_eq!(daily, None);
    assert_eq!(
        rate_limit_until(T0, reset_at_s, daily, 1, 0.0),
        (S0 + 600) * 1_000 + RESET_SLACK_MS
    );
}

#[test]
fn a_rate_limited_outcome_stored_before_the_app_fields_still_reads() {
    let old =
        r#"{"kind":"rate_limited","reset_at_s":5,"user_24h_remaining":0,"user_24h_reset_s":9}"#;
    let outcome: Outcome = serde_json::from_str(old).unwrap();
    assert_eq!(
        outcome,
        Outcome::RateLimited {
            reset_at_s: Some(5),
            user_24h_remaining: Some(0),
            user_24h_reset_s: Some(9),
            app_24h_remaining: None,
            app_24h_reset_s: None,
        }
    );
}

#[test]
fn a_daily_limit_is_remembered_only_where_x_announced_one() {
    let limits = |headers: &[(&str, &str)]| RateLimits::from_response(&resp(201, headers));
    // The old tiers announce it with every answer to a post.
    let legacy = limits(&[
        ("x-user-limit-24hour-limit", "17"),
        ("x-user-limit-24hour-remaining", "16"),
    ]);
    assert_eq!(
        daily_limit_news(201, &legacy),
        DailyLimitNews::Announced(17)
    );
    assert_eq!(
        daily_limit_news(429, &legacy),
        DailyLimitNews::Announced(17)
    );
    // Pay-per-use: a created post without the headers means there is no daily limit to warn
    // about (a limit remembered from an old tier is dropped).
    let pay_per_use = limits(&[
        ("x-rate-limit-limit", "100"),
        ("x-rate-limit-remaining", "99"),
    ]);
    assert_eq!(
        daily_limit_news(201, &pay_per_use),
        DailyLimitNews::NoneAnnounced
    );
    // An error without headers (say an HTML 503 from X's edge) says nothing either way.
    assert_eq!(daily_limit_news(503, &pay_per_use), DailyLimitNews::Silent);
    assert_eq!(
        daily_limit_news(403, &RateLimits::default()),
        DailyLimitNews::Silent
    );
}

/// X's answer with `status` and `headers`, and the body X sends with a 429.
fn resp(status: u16, headers: &[(&str, &str)]) -> HttpResponse {
    http::resp(status, headers, TOO_MANY)
}
