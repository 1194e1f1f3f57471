//! What the scheduler tells the user ([`keypost::schedule::notice`]): one rule for which
//! states are worth a notification, one width for a post's name in it, one list of storage
//! faults.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::schedule::State;
use keypost::schedule::notice::{
    Notice, SNIPPET_CHARS, is_storage_fault, notice_for, snippet, words,
};

#[test]
fn a_post_is_named_by_its_first_60_characters_everywhere() {
    assert_eq!(snippet("short"), "short");
    let exact: String = "é".repeat(SNIPPET_CHARS);
    assert_eq!(snippet(&exact), exact, "exactly the width: nothing cut");
    let long = format!("{exact}and more");
    assert_eq!(snippet(&long), format!("{exact}…"));
    assert_eq!(snippet(""), "");
}

#[test]
fn a_post_s_words_reach_a_notification_only_when_the_user_chose_so() {
    assert_eq!(
        words("a private plan", false),
        None,
        "the default: account and time"
    );
    assert_eq!(
        words("a private plan", true).as_deref(),
        Some("a private plan")
    );
    assert_eq!(
        words("   ", true),
        None,
        "a sealed (empty) text names nothing"
    );
}

#[test]
fn failures_and_decisions_always_notify_a_sent_post_only_when_asked() {
    let sent = State::Sent { at_ms: 1 };
    let failed = State::Failed {
        code: "x_read_only".to_owned(),
        retryable: false,
        at_ms: 1,
    };
    let waiting = State::RetryWaiting {
        until_ms: 5,
        code: "x_server_error".to_owned(),
    };
    assert_eq!(notice_for(&sent, true), Some(Notice::Sent));
    assert_eq!(notice_for(&sent, false), None);
    assert_eq!(notice_for(&failed, false), Some(Notice::Failed));
    assert_eq!(notice_for(&waiting, true), None, "a retry is not news");
    assert_eq!(notice_for(&State::Scheduled { at_ms: 9 }, true), None);
}

#[test]
fn only_the_storage_failing_counts_as_a_storage_fault() {
    assert!(is_storage_fault("platform_storage"));
    assert!(is_storage_fault("storage_malformed"));
    for other in ["offline", "x_server_error", "locked", "sealed_unopenable"] {
        assert!(!is_storage_fault(other), "{other}");
    }
}
