//! Known answers for the OAuth 1.0a signer. The data is `tests/data/oauth1.json`, copied from
//! the project's shared vectors: X's developer docs ("Creating a signature", the same request
//! signed against three base URLs), RFC 5849 section 1.2 and 3.4.1, and OAuth Core 1.0
//! Appendix A. Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::{Body, HttpRequest, Method};
use keypost::oauth1::{self, Credentials};
use serde_json::Value;

const VECTORS: &str = include_str!("../data/oauth1.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("vectors parse")
}

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("params array")
        .iter()
        .map(|p| (s(&p[0]).to_owned(), s(&p[1]).to_owned()))
        .collect()
}

#[test]
fn every_signature_vector_reproduces() {
    let data = vectors();
    let list = data["vectors"].as_array().expect("vectors");
    assert!(list.len() >= 7, "expected all seven vectors");
    for v in list {
        let name = s(&v["name"]);
        let params = pairs(&v["params"]);
        let parsed = oauth1::parse_url(s(&v["url"])).expect("url");
        let mut all = params.clone();
        all.extend(parsed.query.clone());
        let base = oauth1::base_string(s(&v["method"]), &parsed.base_uri, &all);
        if let Some(want) = v.get("base_string") {
            assert_eq!(base, s(want), "{name}: base string");
        }
        let key = oauth1::signing_key(s(&v["consumer_secret"]), s(&v["token_secret"]));
        if let Some(want) = v.get("signing_key") {
            assert_eq!(key.as_str(), s(want), "{name}: signing key");
        }
        assert_eq!(
            oauth1::hmac_sha1_base64(&key, &base),
            s(&v["signature"]),
            "{name}: signature"
        );
    }
}

/// The X docs vector signed end to end through `authorize`, as the extension signs: the two
/// non-OAuth parameters travel as a form body, so they are signed.
#[test]
fn x_docs_request_gets_the_documented_authorization_header() {
    let data = vectors();
    let v = &data["vectors"][0];
    let params = pairs(&v["params"]);
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .expect(k)
    };
    let form: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !k.starts_with("oauth_"))
        .cloned()
        .collect();
    let mut req = HttpRequest::new(Method::Post, s(&v["url"]));
    req.body = Body::Form { params: form };
    let consumer_key = get("oauth_consumer_key");
    let token = get("oauth_token");
    let creds = Credentials {
        consumer_key: &consumer_key,
        consumer_secret: s(&v["consumer_secret"]),
        token: &token,
        token_secret: s(&v["token_secret"]),
    };
    let ts: u64 = get("oauth_timestamp").parse().expect("timestamp");
    let signed = oauth1::authorize(&mut req, &creds, &get("oauth_nonce"), ts).expect("signs");
    assert_eq!(signed.base_string, s(&v["base_string"]));
    assert_eq!(signed.authorization, s(&v["authorization_header"]));
    assert_eq!(
        req.header("authorization"),
        Some(s(&v["authorization_header"]))
    );
}

/// RFC 5849 3.4.1: duplicate keys, `+` meaning space in a form body, empty values, encoded keys.
#[test]
fn base_string_only_vectors() {
    let data = vectors();
    for v in data["base_string_only"].as_array().expect("list") {
        let mut all =
            oauth1::parse_url("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
                .expect("url")
                .query;
        all.extend(oauth1::parse_form("c2&a3=2+q").expect("form"));
        for (k, val) in v["oauth"].as_object().expect("oauth") {
            all.push((k.clone(), s(val).to_owned()));
        }
        let base = oauth1::base_string("POST", "http://example.com/request", &all);
        assert_eq!(base, s(&v["base_string"]));
    }
}

#[test]
fn base_uri_vectors() {
    assert_eq!(
        oauth1::parse_url("http://EXAMPLE.COM:80/r%20v/X?id=123")
            .expect("url")
            .base_uri,
        "http://example.com/r%20v/X"
    );
    assert_eq!(
        oauth1::parse_url("https://www.example.net:8080/?q=1")
            .expect("url")
            .base_uri,
        "https://www.example.net:8080/"
    );
}

#[test]
fn percent_encoding_vectors() {
    let data = vectors();
    for pair in data["percent_encoding"].as_array().expect("list") {
        assert_eq!(oauth1::percent_encode(s(&pair[0])), s(&pair[1]));
    }
}

#[test]
fn json_and_multipart_bodies_are_not_signed() {
    let creds = Credentials {
        consumer_key: "ck",
        consumer_secret: "cs",
        token: "1-t",
        token_secret: "ts",
    };
    let mut bare = HttpRequest::new(Method::Post, "https://api.x.com/2/tweets");
    let bare_sig = oauth1::authorize(&mut bare, &creds, "n", 1).expect("signs");
    let mut json = HttpRequest::new(Method::Post, "https://api.x.com/2/tweets");
    json.body = Body::Json {
        text: r#"{"text":"hello"}"#.into(),
    };
    let json_sig = oauth1::authorize(&mut json, &creds, "n", 1).expect("signs");
    assert_eq!(bare_sig.signature, json_sig.signature);
    let mut form = HttpRequest::new(Method::Post, "https://api.x.com/2/tweets");
    form.body = Body::Form {
        params: vec![("text".into(), "hello".into())],
    };
    let form_sig = oauth1::authorize(&mut form, &creds, "n", 1).expect("signs");
    assert_ne!(bare_sig.signature, form_sig.signature);
}

#[test]
fn an_empty_key_is_refused_before_signing() {
    let creds = Credentials {
        consumer_key: "",
        consumer_secret: "cs",
        token: "1-t",
        token_secret: "ts",
    };
    let err = oauth1::sign("GET", "https://api.x.com/2/users/me", &[], &creds, "n", 1).unwrap_err();
    assert_eq!(err.code(), "oauth_missing_key");
    assert!(!format!("{creds:?}").contains("cs"));
}
