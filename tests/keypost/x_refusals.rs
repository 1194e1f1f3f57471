//! Refusals X gives in 2026 that the core must name (fidelity review D8, D9): the reply
//! restriction in both of X's wordings, and a read-only token refused on media upload.
//! Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::HttpResponse;
use keypost::schedule::Outcome;
use keypost::x::{self, XError};

use crate::support::http;

#[test]
fn the_reply_restriction_has_its_own_code_in_both_wordings() {
    let current = resp(
        403,
        r#"{"detail":"You can only reply to or quote posts where you are mentioned or are the author.","type":"https://api.twitter.com/2/problems/not-authorized-for-resource","title":"Forbidden","status":403}"#,
    );
    let older = resp(
        403,
        r#"{"detail":"Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.","title":"Forbidden","status":403,"type":"about:blank"}"#,
    );
    for answer in [&current, &older] {
        let e = x::classify_error(answer);
        assert_eq!(e, XError::ReplyRestricted);
        assert_eq!(e.code(), "x_reply_restricted");
        assert!(!e.is_transient());
        // The scheduler gives it up: retrying the same reply cannot succeed.
        assert_eq!(
            Outcome::of_response(answer),
            Outcome::Permanent {
                code: "x_reply_restricted".into()
            }
        );
    }
    // Other 403s keep their own codes.
    let not_permitted = resp(
        403,
        r#"{"detail":"You are not permitted to perform this action.","status":403,"title":"Forbidden","type":"about:blank"}"#,
    );
    assert!(matches!(
        x::classify_error(&not_permitted),
        XError::NotPermitted { .. }
    ));
}

#[test]
fn a_read_only_token_refused_on_media_upload_is_read_only() {
    // X's 403 to `POST /2/media/upload/initialize` with a Read token: the same body as for a post.
    let refused = resp(
        403,
        r#"{"type":"https://api.twitter.com/2/problems/oauth1-permissions","title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint."}"#,
    );
    assert_eq!(x::parse_media_initialize(&refused), Err(XError::ReadOnly));
    assert_eq!(x::parse_ok(&refused), Err(XError::ReadOnly));
}

/// X's answer with `status` and a JSON `body`, no headers.
fn resp(status: u16, body: &str) -> HttpResponse {
    http::resp(status, &[], body)
}
