//! The composer's outbox, natively: `post_send` and `post_resume` through the worker's entry
//! against the fake X. What is checked is what X received, what the composer is told and what
//! it may offer (`draft_get`'s `resumable`), never a resend of a post that may be on X.

use keypost::worker::handle_json;
use keypost::worker::platform::memory::run_stopping_after;
use serde_json::{Value, json};

use crate::support::fake_x::{Endpoint, Scripted};
use crate::support::worker::{World, error_code, ok, post};

/// The composer's draft of these posts (its images named by media id).
fn save_draft(w: &World, posts: &Value) {
    let posts: Vec<Value> = posts
        .as_array()
        .expect("posts")
        .iter()
        .map(|p| {
            let media: Vec<Value> = p["media"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| json!({ "media_id": m["media_id"], "type": "image/png", "alt": m["alt"] }))
                .collect();
            json!({ "text": p["text"], "media": media })
        })
        .collect();
    ok(w.send(json!({ "type": "draft_save",
        "draft": { "account_id": w.demo, "posts": posts, "updated_ms": 1 } })));
}

fn send_posts(w: &World, posts: &Value) -> Value {
    w.send(json!({ "type": "post_send", "account_id": w.demo, "posts": posts }))
}

fn resume(w: &World, decision: Option<&str>, post_url: Option<&str>) -> Value {
    let mut msg = json!({ "type": "post_resume" });
    if let Some(d) = decision {
        msg["decision"] = json!(d);
    }
    if let Some(u) = post_url {
        msg["post_url"] = json!(u);
    }
    w.send(msg)
}

/// What the composer finds when it opens: `draft_get`'s `resumable` (null when nothing is).
fn resumable(w: &World) -> Value {
    ok(w.send(json!({ "type": "draft_get" })))["resumable"].clone()
}

fn thread(texts: &[&str]) -> Value {
    Value::Array(texts.iter().map(|t| post(t, &[])).collect())
}

/// Each post on X replies to the one before it.
fn assert_chained(w: &World) {
    let on_x = w.x.posts();
    for pair in on_x.windows(2) {
        assert_eq!(
            pair[1].reply_to.as_deref(),
            Some(pair[0].id.as_str()),
            "{on_x:?}"
        );
    }
    assert_eq!(on_x.first().and_then(|p| p.reply_to.clone()), None);
}

#[test]
fn post_send_of_a_thread_chains_it_on_x_and_clears_the_draft() {
    let w = World::new();
    w.browser.put_media("img-1", "image/png", vec![1; 700]);
    let posts = json!([
        post("Thread start", &[]),
        post("The middle, with & and (parens)", &[("img-1", "a chart")]),
        post("The end: 完", &[]),
    ]);
    save_draft(&w, &posts);
    let answer = ok(send_posts(&w, &posts));

    let on_x = w.x.posts();
    assert_eq!(
        w.x.texts(),
        [
            "Thread start",
            "The middle, with & and (parens)",
            "The end: 完"
        ]
    );
    assert_chained(&w);
    assert_eq!(on_x[1].media, [("a chart".to_owned(), 700)]);
    let links: Vec<Value> = on_x
        .iter()
        .map(
            |p| json!({ "id": p.id, "url": format!("https://x.com/keypost_demo/status/{}", p.id) }),
        )
        .collect();
    assert_eq!(answer["posted"], Value::Array(links));
    assert_eq!(answer["username"], "keypost_demo");

    // The Sent list, newest first; the draft, the outbox and the image are gone.
    let sent = ok(w.send(json!({ "type": "history_list" })));
    let texts: Vec<&str> = sent["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["text"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "The end: 完",
            "The middle, with & and (parens)",
            "Thread start"
        ]
    );
    let found = ok(w.send(json!({ "type": "draft_get" })));
    assert_eq!(found["draft"], Value::Null);
    assert_eq!(found["resumable"], Value::Null);
    assert!(w.browser.media_ids().is_empty());
    let progress = ok(w.send(json!({ "type": "post_progress" })));
    assert_eq!(
        (progress["active"].clone(), progress["phase"].clone()),
        (json!(false), json!("done"))
    );
}

#[test]
fn a_failure_in_the_middle_leaves_a_resumable_outbox_and_post_resume_sends_the_rest_once() {
    let w = World::new();
    let posts = thread(&["Resume 1/3", "Resume 2/3", "Resume 3/3"]);
    save_draft(&w, &posts);
    // X posts the first, then refuses the second with a rate limit (known not posted).
    let reset_s = w.browser.now_ms() / 1000 + 60;
    w.x.script_at(
        Endpoint::Tweets,
        1,
        Scripted::RateLimited {
            reset_s,
            user_24h_reset_s: None,
        },
    );
    let failed = send_posts(&w, &posts);
    assert_eq!(error_code(&failed), "x_rate_limited");
    let failure = &failed["error"];
    assert_eq!(
        (failure["step"].clone(), failure["steps"].clone()),
        (json!(1), json!(3))
    );
    assert_eq!(failure["resumable"], true);
    let first = &w.x.posts()[0];
    assert_eq!(
        failure["posted"],
        json!([{ "id": first.id, "url": format!("https://x.com/keypost_demo/status/{}", first.id) }])
    );
    assert_eq!(w.x.texts(), ["Resume 1/3"]);

    // The popup closed, the worker stopped: the composer still offers to continue, read-only.
    let offered = resumable(&w);
    assert_eq!(offered["code"], "x_rate_limited");
    assert_eq!(offered["step"], 1);
    ok(resume(&w, None, None));
    assert_eq!(w.x.texts(), ["Resume 1/3", "Resume 2/3", "Resume 3/3"]);
    assert_chained(&w);
    assert_eq!(w.x.post_requests(), 4, "the first step was not sent again");
    assert_eq!(resumable(&w), Value::Null);
    assert_eq!(
        ok(w.send(json!({ "type": "draft_get" })))["draft"],
        Value::Null
    );
    assert_eq!(error_code(&resume(&w, None, None)), "nothing_to_resume");
}

#[test]
fn a_cut_connection_is_an_unknown_outcome_and_nothing_is_sent_until_the_user_decides() {
    let w = World::new();
    let posts = thread(&["Cut off"]);
    save_draft(&w, &posts);
    // No answer, and the browser believes it is online: the request may have reached X.
    w.x.script(Endpoint::Tweets, Scripted::Offline);
    let failed = send_posts(&w, &posts);
    assert_eq!(error_code(&failed), "post_outcome_unknown");
    assert_eq!(failed["error"]["cause"], "offline");
    assert_eq!(failed["error"]["resumable"], true);

    // Nothing offers a blind resend: not a new post, not a resume without a decision.
    let again = send_posts(&w, &thread(&["Something else"]));
    assert_eq!(error_code(&again), "post_outcome_unknown");
    assert_eq!(again["error"]["step"], 0);
    assert_eq!(error_code(&resume(&w, None, None)), "post_outcome_unknown");
    assert_eq!(resumable(&w)["code"], "post_outcome_unknown");
    assert_eq!(w.x.post_requests(), 1);
    // A link that is not a post changes nothing.
    let bad = resume(&w, Some("on_x"), Some("https://example.com/nothing"));
    assert_eq!(error_code(&bad), "post_url_invalid");
    assert_eq!(resumable(&w)["code"], "post_outcome_unknown");

    // The user looks at X, finds nothing, and sends it anyway: once.
    assert!(w.x.texts().is_empty());
    ok(resume(&w, Some("send_anyway"), None));
    assert_eq!(w.x.texts(), ["Cut off"]);
    assert_eq!(resumable(&w), Value::Null);
}

#[test]
fn send_anyway_after_a_lost_answer_is_settled_by_xs_duplicate_answer() {
    let w = World::new();
    let posts = thread(&["recorded, then 503"]);
    save_draft(&w, &posts);
    w.x.script(
        Endpoint::Tweets,
        Scripted::RecordThen(Box::new(Scripted::ServerError(503))),
    );
    let failed = send_posts(&w, &posts);
    assert_eq!(error_code(&failed), "post_outcome_unknown");
    assert_eq!(failed["error"]["cause"], "x_server_error");
    assert_eq!(w.x.texts(), ["recorded, then 503"]);

    let done = ok(resume(&w, Some("send_anyway"), None));
    // X refused the resend as a duplicate: that proves the first one is on X, once.
    assert_eq!(w.x.post_requests(), 2);
    assert_eq!(w.x.texts(), ["recorded, then 503"]);
    assert_eq!(done["posted"], json!([{ "id": "", "url": "" }]));
    assert_eq!(
        ok(w.send(json!({ "type": "draft_get" })))["draft"],
        Value::Null
    );
}

#[test]
fn it_is_on_x_with_its_link_continues_the_thread_after_it_without_a_second_request() {
    let w = World::new();
    let posts = thread(&["lost answer 1/2", "lost answer 2/2"]);
    save_draft(&w, &posts);
    w.x.script(
        Endpoint::Tweets,
        Scripted::RecordThen(Box::new(Scripted::Timeout)),
    );
    assert_eq!(error_code(&send_posts(&w, &posts)), "post_outcome_unknown");
    let first = w.x.posts()[0].clone();
    // The rest of the thread must reply to it: "it is on X" without its link cannot go on.
    assert_eq!(
        error_code(&resume(&w, Some("on_x"), None)),
        "post_id_required"
    );
    let link = format!("https://x.com/keypost_demo/status/{}?s=20", first.id);
    let done = ok(resume(&w, Some("on_x"), Some(&link)));
    assert_eq!(w.x.texts(), ["lost answer 1/2", "lost answer 2/2"]);
    assert_chained(&w);
    assert_eq!(w.x.post_requests(), 2, "the first step was not sent again");
    assert_eq!(done["posted"][0]["id"], first.id.as_str());
}

#[test]
fn a_401_with_keys_that_still_verify_is_post_outcome_unknown() {
    // A connection that dropped after X took the post, replayed by the browser: X refuses the
    // replay with 401, and the keys still verify.
    let start = World::new();
    let w = start.fork();
    save_draft(&w, &thread(&["replayed"]));
    w.x.script(Endpoint::Tweets, Scripted::Unauthorized);
    let failed = send_posts(&w, &thread(&["replayed"]));
    assert_eq!(error_code(&failed), "post_outcome_unknown");
    assert_eq!(failed["error"]["cause"], "x_unauthorized");
    assert_eq!(
        w.x.requests("GET", "/2/users/me"),
        1,
        "the keys were checked"
    );
    assert_eq!(resumable(&w)["code"], "post_outcome_unknown");
    assert_eq!(
        error_code(&send_posts(&w, &thread(&["next"]))),
        "post_outcome_unknown"
    );

    // Keys X no longer accepts: refused, nothing in doubt, and the composer is free again.
    let w = start.fork();
    save_draft(&w, &thread(&["with old keys"]));
    w.x.revoke("keypost_demo");
    let refused = send_posts(&w, &thread(&["with old keys"]));
    assert_eq!(error_code(&refused), "x_unauthorized");
    assert_eq!(refused["error"]["resumable"], false);
    assert_eq!(resumable(&w), Value::Null);
    assert!(w.x.texts().is_empty());
}

#[test]
fn a_worker_stopped_at_any_await_point_of_a_thread_loses_nothing_and_posts_nothing_twice() {
    let start = World::new();
    let posts = thread(&["stopped 1/2", "stopped 2/2"]);
    save_draft(&start, &posts);
    let message =
        json!({ "type": "post_send", "account_id": start.demo, "posts": posts }).to_string();
    let mut asked = 0;
    for polls in 0.. {
        let w = start.fork();
        let text = message.clone();
        let done = w.worker(move || run_stopping_after(polls, handle_json(&text)).is_some());
        let at = format!("after {polls} polls");
        // The composer reopens and does what it offers, as the user would after looking at X.
        let offered = resumable(&w);
        if offered.is_null() {
            if w.x.posts().is_empty() {
                ok(send_posts(&w, &posts));
            }
        } else {
            let answer = if offered["code"] == "post_outcome_unknown" {
                asked += 1;
                let step = offered["step"].as_u64().expect("step") as usize;
                match w.x.posts().get(step) {
                    Some(p) => resume(&w, Some("on_x"), Some(&p.id.clone())),
                    None => resume(&w, Some("send_anyway"), None),
                }
            } else {
                resume(&w, None, None)
            };
            ok(answer);
        }
        assert_eq!(w.x.texts(), ["stopped 1/2", "stopped 2/2"], "{at}");
        assert_chained(&w);
        assert_eq!(resumable(&w), Value::Null, "{at}");
        if done {
            break;
        }
    }
    assert!(asked > 0, "a stop while a request was out asks the user");
}
