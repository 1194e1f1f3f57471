//! The composer's draft and outbox rules: a malformed or unbounded draft is refused, a share is
//! appended, and a post whose outcome is unknown is never resent without the user's decision.
//! Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::compose::{
    Decision, Draft, MAX_DRAFT_POSTS, MAX_DRAFT_TEXT_CHARS, Outbox, PostInput, StepResult,
};
use keypost::schedule::Outcome;
use serde_json::json;

fn thread(n: usize) -> Outbox {
    Outbox::new(
        "acct".to_owned(),
        (0..n)
            .map(|i| PostInput {
                text: format!("step {i}"),
                media: Vec::new(),
            })
            .collect(),
    )
}

fn posted(id: &str) -> Outcome {
    Outcome::Posted { id: id.to_owned() }
}

fn unknown() -> Outcome {
    Outcome::Unknown {
        code: "x_server_error".to_owned(),
    }
}

#[test]
fn a_draft_is_typed_and_bounded() {
    let ok: Draft = serde_json::from_value(json!({
        "account_id": "a1",
        "posts": [{ "text": "hi", "media": [{ "media_id": "m1", "name": "a.png", "type": "image/png", "size": 12, "alt": "" }] }],
        "updated_ms": 5
    }))
    .unwrap();
    assert_eq!(ok.check(), Ok(()));
    assert_eq!(ok.media_ids().collect::<Vec<_>>(), ["m1"]);
    // The page's shape is the stored shape: it comes back the same.
    let again: Draft = serde_json::from_value(serde_json::to_value(&ok).unwrap()).unwrap();
    assert_eq!(again, ok);
    // A field the core does not know is a malformed write, not something to keep.
    assert!(
        serde_json::from_value::<Draft>(json!({ "posts": [{ "text": "x", "colour": "red" }] }))
            .is_err()
    );
    let mut big = Draft::empty(None);
    big.posts[0].text = "a".repeat(MAX_DRAFT_TEXT_CHARS + 1);
    assert_eq!(big.check().unwrap_err().step(), Some(0));
    let mut long = Draft::empty(None);
    long.posts = vec![Default::default(); MAX_DRAFT_POSTS + 1];
    assert_eq!(long.check().unwrap_err().code(), "draft_invalid");
    let none = Draft {
        account_id: None,
        posts: Vec::new(),
        updated_ms: 0,
    };
    assert!(none.check().is_err());
}

#[test]
fn a_share_goes_after_the_text_or_becomes_it() {
    let mut d = Draft::empty(None);
    d.append_share("“quoted” https://example.com");
    assert_eq!(d.posts[0].text, "“quoted” https://example.com");
    d.posts[0].text = "my words  \n".to_owned();
    d.append_share("shared");
    assert_eq!(d.posts[0].text, "my words\n\nshared");
}

#[test]
fn an_unknown_outcome_stays_in_flight_and_blocks_a_blind_resume() {
    let mut o = thread(1);
    o.begin(0);
    assert_eq!(o.record(&unknown()), StepResult::Unknown);
    assert_eq!(o.in_flight, Some(0));
    let offered = o.resumable().expect("the composer must ask");
    assert_eq!(offered.code, "post_outcome_unknown");
    // No decision: refused, nothing changed.
    let before = o.clone();
    assert_eq!(
        o.settle(None, None).unwrap_err().code(),
        "post_outcome_unknown"
    );
    assert_eq!(o, before);
}

#[test]
fn a_worker_stopped_mid_request_is_an_unknown_outcome() {
    let mut o = thread(2);
    o.begin(0);
    // Stored as is, then the worker stops: no failure was recorded.
    let stored: Outbox = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(stored.resumable().unwrap().code, "post_outcome_unknown");
    // Stopped between steps with nothing out: interrupted, resumable without a decision.
    let mut between = thread(2);
    between.begin(0);
    between.record(&posted("1"));
    let r = between.resumable().unwrap();
    assert_eq!((r.code.as_str(), r.step), ("interrupted", 1));
    assert_eq!(between.settle(None, None), Ok(()));
    assert_eq!(between.reply_target(), Ok(Some("1")));
}

#[test]
fn send_anyway_counts_a_duplicate_as_posted() {
    let mut o = thread(1);
    o.begin(0);
    o.record(&unknown());
    o.settle(Some(Decision::SendAnyway), None).unwrap();
    assert!(o.resend);
    o.begin(0);
    assert_eq!(o.record(&Outcome::Duplicate), StepResult::PostedWithoutId);
    assert_eq!(o.next_step(), None, "done: it was on X");
    assert_eq!(o.in_flight, None);
    // Without the resend flag a duplicate is X's refusal, and the step is not posted.
    let mut plain = thread(1);
    plain.begin(0);
    assert_eq!(plain.record(&Outcome::Duplicate), StepResult::NotPosted);
    assert!(plain.posted.is_empty());
}

#[test]
fn on_x_needs_the_link_only_when_the_thread_goes_on() {
    // The last step: "it is on X" settles it.
    let mut single = thread(1);
    single.begin(0);
    single.record(&unknown());
    single.settle(Some(Decision::OnX), None).unwrap();
    assert_eq!(single.next_step(), None);
    // A middle step: the rest must reply to it, so its id is required.
    let mut t = thread(3);
    t.begin(0);
    t.record(&unknown());
    let before = t.clone();
    assert_eq!(
        t.settle(Some(Decision::OnX), None).unwrap_err().code(),
        "post_id_required"
    );
    assert_eq!(t, before, "a refused decision changes nothing");
    t.settle(Some(Decision::OnX), Some("777".to_owned()))
        .unwrap();
    assert_eq!(t.reply_target(), Ok(Some("777")));
    assert_eq!(t.next_step(), Some(1));
}

#[test]
fn a_duplicate_proven_middle_step_asks_for_its_link() {
    let mut t = thread(2);
    t.begin(0);
    t.record(&unknown());
    t.settle(Some(Decision::SendAnyway), None).unwrap();
    t.begin(0);
    assert_eq!(t.record(&Outcome::Duplicate), StepResult::PostedWithoutId);
    assert_eq!(t.reply_target().unwrap_err().code(), "post_id_required");
    assert_eq!(
        t.resumable().map(|f| f.code),
        Some("interrupted".to_owned())
    );
    assert_eq!(t.settle(None, None).unwrap_err().code(), "post_id_required");
    t.settle(None, Some("42".to_owned())).unwrap();
    assert_eq!(t.reply_target(), Ok(Some("42")));
}

#[test]
fn a_known_failure_is_resumable_only_for_a_thread_partly_on_x() {
    let mut single = thread(1);
    single.begin(0);
    assert_eq!(
        single.record(&Outcome::Permanent {
            code: "x_forbidden".to_owned()
        }),
        StepResult::NotPosted
    );
    assert_eq!(
        single.resumable(),
        None,
        "a single post is simply posted again"
    );
    let mut t = thread(2);
    t.begin(0);
    t.record(&posted("1"));
    t.begin(1);
    t.record(&Outcome::Transient {
        code: "x_rate_limited".to_owned(),
    });
    assert!(t.resumable().is_some());
    assert_eq!(t.settle(None, None), Ok(()));
}
