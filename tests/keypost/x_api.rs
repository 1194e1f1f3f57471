//! X API request building and response classification, with X's documented bodies and headers
//! (see `../shared/docs/X-API.md`). Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::{Body, HttpResponse, Method};
use keypost::x::{self, AccessLevel, XError};

use crate::support::http;
use http::resp;

#[test]
fn each_documented_error_gets_its_own_code() {
    let cases: Vec<(HttpResponse, &str)> = vec![
        (
            resp(
                401,
                &[],
                r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
            ),
            "x_unauthorized",
        ),
        (
            resp(
                401,
                &[("date", "Sun, 22 Nov 2026 07:48:27 GMT")],
                r#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#,
            ),
            "x_clock_skew",
        ),
        (
            resp(
                403,
                &[],
                r#"{"type":"https://api.twitter.com/2/problems/oauth1-permissions","title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint."}"#,
            ),
            "x_read_only",
        ),
        (
            resp(
                403,
                &[],
                r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
            ),
            "x_duplicate",
        ),
        (
            resp(
                403,
                &[],
                r#"{"detail":"You are not permitted to perform this action.","status":403,"title":"Forbidden","type":"about:blank"}"#,
            ),
            "x_not_permitted",
        ),
        (
            resp(
                403,
                &[],
                r#"{"client_id":"1","required_enrollment":"Appropriate Level of API Access","registration_url":"https://developer.x.com","title":"Client Forbidden","detail":"This request must be made using an approved developer account that is enrolled in the requested endpoint.","reason":"client-not-enrolled","type":"https://api.x.com/2/problems/client-forbidden"}"#,
            ),
            "x_client_not_enrolled",
        ),
        (
            resp(
                402,
                &[],
                r#"{"title":"CreditsDepleted","detail":"Your enrolled account [123] does not have any credits to fulfill this request.","type":"https://api.x.com/2/problems/credits"}"#,
            ),
            "x_credits_depleted",
        ),
        (
            resp(
                429,
                &[("x-rate-limit-reset", "1700000900")],
                r#"{"title":"Too Many Requests","status":429}"#,
            ),
            "x_rate_limited",
        ),
        (
            resp(
                429,
                &[],
                r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
            ),
            "x_rate_limited",
        ),
        (
            resp(
                429,
                &[],
                r#"{"type":"https://api.x.com/2/problems/usage-capped","title":"UsageCapExceeded","period":"Monthly","scope":"Product"}"#,
            ),
            "x_usage_capped_monthly",
        ),
        (resp(503, &[], "Service Unavailable"), "x_server_error"),
        (
            resp(
                400,
                &[],
                r#"{"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","status":400}"#,
            ),
            "x_bad_request",
        ),
        (resp(418, &[], "<html>"), "x_unexpected"),
    ];
    for (r, code) in cases {
        assert_eq!(
            x::classify_error(&r).code(),
            code,
            "status {} body {}",
            r.status,
            r.body
        );
    }
}

#[test]
fn rate_limit_waits_for_the_24_hour_reset_when_that_allowance_is_spent() {
    let daily = resp(
        429,
        &[
            ("x-rate-limit-limit", "200"),
            ("x-rate-limit-remaining", "199"),
            ("x-rate-limit-reset", "1700000900"),
            ("x-user-limit-24hour-limit", "17"),
            ("x-user-limit-24hour-remaining", "0"),
            ("x-user-limit-24hour-reset", "1700050000"),
        ],
        r#"{"title":"Too Many Requests","status":429}"#,
    );
    match x::classify_error(&daily) {
        XError::RateLimited {
            retry_at,
            daily,
            limits,
        } => {
            assert_eq!(retry_at, Some(1_700_050_000));
            assert!(daily);
            assert_eq!(limits.user_24h_limit, Some(17));
        }
        other => panic!("unexpected {other:?}"),
    }
    let window = resp(
        429,
        &[
            ("X-Rate-Limit-Reset", "1700000900"),
            ("x-user-limit-24hour-remaining", "5"),
            ("x-user-limit-24hour-reset", "1700050000"),
        ],
        "{}",
    );
    match x::classify_error(&window) {
        XError::RateLimited {
            retry_at, daily, ..
        } => {
            assert_eq!(retry_at, Some(1_700_000_900));
            assert!(!daily);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn clock_skew_reports_the_server_time() {
    let r = resp(
        401,
        &[("Date", "Sun, 06 Nov 1994 08:49:37 GMT")],
        r#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#,
    );
    assert_eq!(
        x::classify_error(&r),
        XError::ClockSkew {
            server_time: Some(784_111_777)
        }
    );
    assert_eq!(
        x::parse_http_date("Sun, 22 Nov 2026 07:48:27 GMT"),
        Some(1_795_333_707)
    );
    assert_eq!(x::parse_http_date("garbage"), None);
}

const PLAIN_401: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
/// `Sun, 22 Nov 2026 07:48:27 GMT`
const X_NOW: u64 = 1_795_333_707;

#[test]
fn a_plain_401_with_x_clock_ten_minutes_ahead_is_retried_with_that_offset() {
    let r = resp(401, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], PLAIN_401);
    assert_eq!(
        x::after_401(&r, X_NOW - 600, (X_NOW - 600) as i64, false),
        x::After401::RetryWithOffset { offset_s: 600 }
    );
    assert_eq!(
        x::after_401(&r, X_NOW + 600, (X_NOW + 600) as i64, false),
        x::After401::RetryWithOffset { offset_s: -600 }
    );
    // Plain 401 unmarked: the keys.
    assert_eq!(x::classify_error(&r), XError::Unauthorized);
}

#[test]
fn a_plain_401_with_the_clocks_within_a_minute_is_about_the_keys() {
    let r = resp(401, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], PLAIN_401);
    for sent in [X_NOW, X_NOW - 60, X_NOW + 60, X_NOW - 5] {
        assert_eq!(
            x::after_401(&r, sent, sent as i64, false),
            x::After401::AsIs
        );
    }
    let no_date = resp(401, &[], PLAIN_401);
    assert_eq!(
        x::after_401(&no_date, X_NOW - 600, (X_NOW - 600) as i64, false),
        x::After401::AsIs
    );
    let ok = resp(200, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], "{}");
    assert_eq!(
        x::after_401(&ok, X_NOW - 600, (X_NOW - 600) as i64, false),
        x::After401::AsIs
    );
}

#[test]
fn the_retry_offset_is_the_whole_offset_from_the_local_clock_not_a_step() {
    let r = resp(401, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], PLAIN_401);
    let local = (X_NOW - 900) as i64;
    // An earlier correction of +300 s was already in the timestamp sent: X is still 600 s
    // ahead of it, and 900 s ahead of the local clock: the retry uses 900, not 300 + 600 twice.
    assert_eq!(
        x::after_401(&r, X_NOW - 600, local, false),
        x::After401::RetryWithOffset { offset_s: 900 }
    );
    // The timestamp sent agreed with X (the earlier correction was right): the keys.
    assert_eq!(x::after_401(&r, X_NOW, local, false), x::After401::AsIs);
    // X's Date more than a day from the local clock: never used to sign, blamed on the clock.
    let far = X_NOW as i64 - x::MAX_CLOCK_OFFSET_SECS - 1;
    assert_eq!(
        x::after_401(&r, X_NOW - 600, far, false),
        x::After401::ReportClock
    );
}

#[test]
fn a_401_after_the_clock_retry_is_reported_as_the_clock_not_the_keys() {
    let mut r = resp(401, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], PLAIN_401);
    assert_eq!(
        x::after_401(&r, X_NOW, X_NOW as i64, true),
        x::After401::ReportClock
    );
    x::mark_clock_skew(&mut r);
    assert_eq!(
        x::classify_error(&r),
        XError::ClockSkew {
            server_time: Some(X_NOW)
        }
    );
    assert_eq!(x::classify_error(&r).code(), "x_clock_skew");
}

#[test]
fn a_date_more_than_a_day_off_is_not_used_to_sign_but_still_blamed_on_the_clock() {
    let r = resp(401, &[("Date", "Sun, 22 Nov 2026 07:48:27 GMT")], PLAIN_401);
    let day = x::MAX_CLOCK_OFFSET_SECS as u64;
    assert_eq!(
        x::after_401(&r, X_NOW - day, (X_NOW - day) as i64, false),
        x::After401::RetryWithOffset {
            offset_s: x::MAX_CLOCK_OFFSET_SECS
        }
    );
    assert_eq!(
        x::after_401(&r, X_NOW - day - 1, (X_NOW - day - 1) as i64, false),
        x::After401::ReportClock
    );
    assert_eq!(x::after_401(&r, 0, 0, false), x::After401::ReportClock);
}

#[test]
fn http_dates_out_of_range_are_refused_without_overflow() {
    for bad in [
        "Sun, 99999999999999999999 Nov 2026 07:48:27 GMT",
        "Sun, 22 Nov 99999999999 07:48:27 GMT",
        "Sun, 22 Nov 2026 99999999999:48:27 GMT",
        "Sun, 32 Nov 2026 07:48:27 GMT",
        "Sun, 22 Nov 1969 07:48:27 GMT",
        "Sun, 22 Nov 2026 07:61:27 GMT",
    ] {
        assert_eq!(x::parse_http_date(bad), None, "{bad}");
    }
}

#[test]
fn users_me_parses_the_account_and_access_level() {
    let ok = resp(
        200,
        &[("x-access-level", "read")],
        r#"{"data":{"id":"2244994945","name":"X Developers","username":"XDevelopers","profile_image_url":"https://pbs.twimg.com/a.png"}}"#,
    );
    let v = x::parse_users_me(&ok).expect("parses");
    assert_eq!(v.user.username, "XDevelopers");
    assert_eq!(v.user.id, "2244994945");
    assert_eq!(v.access_level, Some(AccessLevel::Read));
    assert_eq!(
        x::parse_users_me(&resp(200, &[], r#"{"data":{"id":"1"}}"#))
            .unwrap_err()
            .code(),
        "x_unexpected"
    );
    assert_eq!(
        x::parse_users_me(&resp(200, &[], "not json"))
            .unwrap_err()
            .code(),
        "x_unexpected"
    );
}

#[test]
fn create_post_builds_xs_json_shapes() {
    let req = x::create_post(
        "http://127.0.0.1:8787/",
        &x::NewPost {
            text: "a \"quoted\" & 漢字 😀\nline".into(),
            in_reply_to: Some("42".into()),
            media_ids: vec!["7".into(), "8".into()],
        },
    );
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "http://127.0.0.1:8787/2/tweets");
    let Body::Json { text } = &req.body else {
        panic!("json body")
    };
    let v: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(v["text"], "a \"quoted\" & 漢字 😀\nline");
    assert_eq!(v["reply"]["in_reply_to_tweet_id"], "42");
    assert_eq!(v["media"]["media_ids"][1], "8");
    let plain = x::create_post(
        "https://api.x.com",
        &x::NewPost {
            text: "hi".into(),
            ..Default::default()
        },
    );
    let Body::Json { text } = &plain.body else {
        panic!("json body")
    };
    assert_eq!(text, r#"{"text":"hi"}"#);
    let created = x::parse_create_post(&resp(
        201,
        &[],
        r#"{"data":{"id":"1668910101351272448","text":"hi","edit_history_post_ids":["1"]}}"#,
    ))
    .expect("parses");
    assert_eq!(created.id, "1668910101351272448");
    assert_eq!(
        x::post_url("keypost_demo", &created.id),
        "https://x.com/keypost_demo/status/1668910101351272448"
    );
}

#[test]
fn media_processing_states() {
    let pending = resp(
        200,
        &[],
        r#"{"data":{"id":"1","processing_info":{"state":"in_progress","check_after_secs":3}}}"#,
    );
    assert_eq!(
        x::parse_media_processing(&pending).unwrap(),
        x::Processing::Pending {
            check_after_secs: 3
        }
    );
    let done = resp(200, &[], r#"{"data":{"id":"1","size":10}}"#);
    assert_eq!(
        x::parse_media_processing(&done).unwrap(),
        x::Processing::Succeeded
    );
    let failed = resp(
        200,
        &[],
        r#"{"data":{"id":"1","processing_info":{"state":"failed"}}}"#,
    );
    assert_eq!(
        x::parse_media_processing(&failed).unwrap(),
        x::Processing::Failed
    );
    let status = x::media_status("https://api.x.com", "1880028106020515840");
    assert_eq!(
        status.url,
        "https://api.x.com/2/media/upload?command=STATUS&media_id=1880028106020515840"
    );
}

#[test]
fn a_pasted_post_link_gives_its_id() {
    for link in [
        "https://x.com/keypost_demo/status/1850000000000000001",
        "  https://twitter.com/keypost_demo/status/1850000000000000001?s=20  ",
        "https://mobile.x.com/keypost_demo/status/1850000000000000001/photo/1",
        "x.com/i/web/status/1850000000000000001#m",
        "1850000000000000001",
    ] {
        assert_eq!(
            x::post_id_from_ref(link).as_deref(),
            Some("1850000000000000001"),
            "{link}"
        );
    }
    for not_a_post in [
        "",
        "https://x.com/keypost_demo",
        "https://example.com/a/status/1850000000000000001",
        "https://x.com/keypost_demo/status/abc",
        "https://x.com/keypost_demo/status/",
        "12345678901234567890123",
    ] {
        assert_eq!(x::post_id_from_ref(not_a_post), None, "{not_a_post}");
    }
}

#[test]
fn the_clock_offset_from_xs_date_header_is_bounded() {
    use keypost::x::{MAX_CLOCK_OFFSET_SECS, clock_offset, parse_http_date};
    let local = 1_700_000_000i64;
    // 15 minutes behind X: corrected.
    assert_eq!(clock_offset(1_700_000_900, local), Some(900));
    assert_eq!(clock_offset(1_699_999_100, local), Some(-900));
    // A day either way is the most.
    assert_eq!(
        clock_offset((local + MAX_CLOCK_OFFSET_SECS) as u64, local),
        Some(MAX_CLOCK_OFFSET_SECS)
    );
    assert_eq!(
        clock_offset((local + MAX_CLOCK_OFFSET_SECS + 1) as u64, local),
        None
    );
    assert_eq!(
        clock_offset((local - MAX_CLOCK_OFFSET_SECS - 1) as u64, local),
        None
    );
    assert_eq!(clock_offset(0, local), None);
    assert_eq!(clock_offset(u64::MAX, local), None);
    // Dates no answer can overflow.
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    for bad in [
        "Sun, 99999999999999999 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
        "Sun, 06 Nov 1994 18446744073709551615:49:37 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
}

// ----- X's errors as X words them (fidelity D2, D6, section 8) -----

/// `Mon, 30 Nov 2026 20:15:00 GMT`
const DATE: &str = "Mon, 30 Nov 2026 20:15:00 GMT";
const NOW: u64 = 1_796_069_700;

#[test]
fn an_invalid_request_shows_errors_0_message_not_the_generic_detail() {
    let body = r#"{"errors":[{"parameters":{"media.media_ids":["1"]},"message":"Your media IDs are invalid."}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}"#;
    assert_eq!(
        x::classify_error(&resp(400, &[], body)),
        XError::BadRequest {
            status: 400,
            detail: "Your media IDs are invalid.".to_owned()
        }
    );
    // Without errors[], the detail is all there is.
    let bare = r#"{"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"}"#;
    assert_eq!(
        x::classify_error(&resp(400, &[], bare)),
        XError::BadRequest {
            status: 400,
            detail: "One or more parameters to your request was invalid.".to_owned()
        }
    );
}

#[test]
fn not_permitted_carries_xs_own_words() {
    let body = r#"{"detail":"You are not permitted to perform this action.","type":"about:blank","title":"Forbidden","status":403}"#;
    let e = x::classify_error(&resp(403, &[], body));
    assert_eq!(
        e,
        XError::NotPermitted {
            detail: "You are not permitted to perform this action.".to_owned()
        }
    );
    assert_eq!(e.code(), "x_not_permitted");
    assert!(!e.is_transient());
    // An old stored record without the detail still reads.
    let old: XError = serde_json::from_str(r#"{"code":"not_permitted"}"#).unwrap();
    assert_eq!(
        old,
        XError::NotPermitted {
            detail: String::new()
        }
    );
}

#[test]
fn suspension_reply_restrictions_a_gone_parent_and_cashtags_each_have_a_code() {
    for (body, code) in [
        (
            r#"{"detail":"The user used for authentication is suspended","title":"Forbidden","status":403,"type":"https://api.twitter.com/2/problems/user-suspended"}"#,
            "x_user_suspended",
        ),
        (
            r#"{"detail":"You can only reply to or quote posts where you are mentioned or are the author.","title":"Forbidden","status":403,"type":"https://api.twitter.com/2/problems/not-authorized-for-resource"}"#,
            "x_reply_restricted",
        ),
        (
            r#"{"detail":"Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.","title":"Forbidden","status":403}"#,
            "x_reply_restricted",
        ),
        (
            r#"{"detail":"You attempted to reply to a Tweet that is deleted or not visible to you.","title":"Forbidden","status":403}"#,
            "x_reply_target_gone",
        ),
        (
            r#"{"detail":"Posts are limited to a maximum of one cashtag ($SYMBOL)","title":"Forbidden","status":403,"type":"about:blank"}"#,
            "x_cashtag_limit",
        ),
    ] {
        let e = x::classify_error(&resp(403, &[], body));
        assert_eq!(e.code(), code, "{body}");
        assert!(!e.is_transient(), "{code}");
        // Final for the scheduler: retrying changes nothing.
        assert_eq!(
            keypost::schedule::Outcome::of_response(&resp(403, &[], body)),
            keypost::schedule::Outcome::Permanent {
                code: code.to_owned()
            }
        );
    }
}

#[test]
fn a_daily_usage_cap_ends_at_the_next_utc_day_and_the_scheduler_waits_for_it() {
    let daily = r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Daily account cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Daily","scope":"Account","status":429}"#;
    let r = resp(429, &[("Date", DATE)], daily);
    let e = x::classify_error(&r);
    let midnight = 1_796_083_200; // Tue, 01 Dec 2026 00:00:00 UTC
    assert_eq!(
        e,
        XError::UsageCapped {
            period: Some(x::UsagePeriod::Daily),
            retry_at: Some(midnight)
        }
    );
    assert_eq!(e.code(), "x_usage_capped_daily");
    assert!(e.is_transient());
    assert_eq!(
        keypost::schedule::Outcome::of_response(&r),
        keypost::schedule::Outcome::RateLimited {
            reset_at_s: Some(midnight),
            user_24h_remaining: None,
            user_24h_reset_s: None,
            app_24h_remaining: None,
            app_24h_reset_s: None,
        }
    );
    // The same cap met on a media upload before the post request.
    assert_eq!(
        keypost::schedule::Outcome::before_request("x_usage_capped_daily", Some(midnight)),
        keypost::schedule::Outcome::RateLimited {
            reset_at_s: Some(midnight),
            user_24h_remaining: None,
            user_24h_reset_s: None,
            app_24h_remaining: None,
            app_24h_reset_s: None,
        }
    );
}

#[test]
fn a_monthly_usage_cap_says_monthly_and_is_final() {
    let monthly = r#"{"title":"UsageCapExceeded","type":"https://api.x.com/2/problems/usage-capped","period":"Monthly","scope":"Product","status":429}"#;
    let r = resp(429, &[("Date", DATE)], monthly);
    let e = x::classify_error(&r);
    assert_eq!(
        e,
        XError::UsageCapped {
            period: Some(x::UsagePeriod::Monthly),
            retry_at: Some(1_796_083_200) // 1 Dec 2026
        }
    );
    assert_eq!(e.code(), "x_usage_capped_monthly");
    assert!(!e.is_transient());
    assert_eq!(
        keypost::schedule::Outcome::of_response(&r),
        keypost::schedule::Outcome::Permanent {
            code: "x_usage_capped_monthly".to_owned()
        }
    );
    // No period: neither called monthly nor daily.
    let bare = r#"{"title":"UsageCapExceeded","type":"https://api.x.com/2/problems/usage-capped"}"#;
    assert_eq!(
        x::classify_error(&resp(429, &[], bare)).code(),
        "x_usage_capped"
    );
}

#[test]
fn month_ends_are_computed_in_utc_across_years_and_leap_days() {
    assert_eq!(x::UsagePeriod::Daily.ends_after(NOW), Some(1_796_083_200));
    // 31 Dec 2026 12:00 UTC -> 1 Jan 2027.
    assert_eq!(
        x::UsagePeriod::Monthly.ends_after(1_798_718_400),
        Some(1_798_761_600)
    );
    // 29 Feb 2028 -> 1 Mar 2028.
    assert_eq!(
        x::UsagePeriod::Monthly.ends_after(1_835_395_200),
        Some(1_835_481_600)
    );
    assert_eq!(x::UsagePeriod::Daily.ends_after(u64::MAX), None);
}

#[test]
fn an_html_5xx_from_the_edge_has_its_own_code_and_stays_in_doubt_for_a_post() {
    let page =
        "<html><head><title>Over capacity</title></head><body>Something went wrong</body></html>";
    for (headers, body) in [
        (vec![("Content-Type", "text/html; charset=utf-8")], page),
        (vec![], "\n  <!DOCTYPE html><html></html>"),
    ] {
        let r = resp(503, &headers, body);
        let e = x::classify_error(&r);
        assert_eq!(e, XError::EdgeError { status: 503 });
        assert_eq!(e.code(), "x_edge_error");
        assert!(e.is_transient());
        // X has been seen to create posts while answering 5xx: unknown, never "not posted".
        assert_eq!(
            keypost::schedule::Outcome::of_response(&r),
            keypost::schedule::Outcome::Unknown {
                code: "x_edge_error".to_owned()
            }
        );
    }
    assert_eq!(
        keypost::schedule::Outcome::before_request("x_edge_error", None),
        keypost::schedule::Outcome::Transient {
            code: "x_edge_error".to_owned()
        }
    );
    let json = r#"{"title":"Service Unavailable","type":"about:blank","status":503,"detail":"Service Unavailable"}"#;
    assert_eq!(
        x::classify_error(&resp(503, &[], json)),
        XError::ServerError { status: 503 }
    );
}
