//! Differential test: 10,000 random requests signed by Keypost's signer and by the
//! independent `oauth1-request` crate (no shared code) must give identical signatures.
//! Native only: the reference crate is a native dev-dependency.
//!
//! Two limits of the reference shape the generator: it never percent-encodes parameter
//! *names* (it expects them URL-safe), and it sorts by unencoded name and value, where RFC
//! 5849 3.4.1.3.2 sorts the encoded forms. So names here use only unreserved characters and
//! the parameters reach it through a `Request` that emits them in RFC order; values are
//! unrestricted (astral-plane Unicode, `! * ' ( ) + % & = ~`, spaces, empty). Names with
//! reserved characters are covered by the RFC 3.4.1 vector in `tests/keypost/oauth1.rs` and, against
//! the `oauth-1.0a` package, by the end-to-end test that sends randomly built requests from
//! the extension's service worker to the sandbox's verifier.

use std::num::NonZeroU64;

use keypost::oauth1::{self, Credentials};

/// xorshift64*: a small deterministic generator, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "-",
    ".",
    "_",
    "~",
    "!",
    "*",
    "'",
    "(",
    ")",
    "+",
    "%",
    "&",
    "=",
    " ",
    "\n",
    "/",
    "?",
    "#",
    "@",
    ":",
    ",",
    ";",
    "\"",
    "é",
    "漢字",
    "☃",
    "😀",
    "𝄞",
    "👩‍👩‍👧",
    "🇫🇷",
    "%20",
    "%zz",
    "text",
    "Ladies + Gentlemen",
];

fn random_text(rng: &mut Rng, max: usize) -> String {
    let n = rng.below(max + 1);
    (0..n).map(|_| *rng.pick(PIECES)).collect()
}

fn random_key(rng: &mut Rng) -> String {
    let n = 1 + rng.below(12);
    let mut s = String::new();
    for _ in 0..n {
        let piece: &&str = rng.pick(&[
            "a",
            "b",
            "q",
            "x_y",
            "status",
            "text",
            "Z",
            "0",
            "-",
            ".",
            "~",
            "media_ids",
            "user.fields",
        ]);
        s.push_str(piece);
    }
    s
}

fn random_params(rng: &mut Rng) -> Vec<(String, String)> {
    let n = rng.below(6);
    let mut out: Vec<(String, String)> = Vec::new();
    for _ in 0..n {
        let k = if !out.is_empty() && rng.below(4) == 0 {
            // repeated key
            out[rng.below(out.len())].0.clone()
        } else {
            random_key(rng)
        };
        out.push((k, random_text(rng, 6)));
    }
    out
}

fn alnum(rng: &mut Rng, n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..n).map(|_| A[rng.below(A.len())] as char).collect()
}

fn form_encode(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                oauth1::percent_encode(k),
                oauth1::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Non-OAuth parameters already in RFC 5849 order; the OAuth ones go where they sort.
struct RfcOrdered(Vec<(String, String)>);

use oauth1_request::serializer::SerializerExt;

impl oauth1_request::Request for RfcOrdered {
    fn serialize<S: oauth1_request::serializer::Serializer>(&self, mut s: S) -> S::Output {
        let mut oauth_done = false;
        for (k, v) in &self.0 {
            if !oauth_done && k.as_str() > "oauth_" {
                s.serialize_oauth_parameters();
                oauth_done = true;
            }
            s.serialize_parameter(k, v);
        }
        if !oauth_done {
            s.serialize_oauth_parameters();
        }
        s.end()
    }
}

fn signature_from_header(header: &str) -> String {
    let start = header.find("oauth_signature=\"").expect("has signature") + 17;
    let rest = &header[start..];
    let end = rest.find('"').expect("closing quote");
    percent_encoding::percent_decode_str(&rest[..end])
        .decode_utf8()
        .expect("utf8")
        .into_owned()
}

#[test]
fn ten_thousand_random_requests_match_oauth1_request() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let hosts = [
        "api.x.com",
        "upload.x.com",
        "127.0.0.1",
        "example.com",
        "photos.example.net",
    ];
    let paths = [
        "/2/tweets",
        "/2/users/me",
        "/2/media/upload",
        "/",
        "/a/b.json",
        "/2/media/upload/123/append",
    ];
    let methods = ["GET", "POST", "PUT", "DELETE"];
    let mut compared = 0;
    for i in 0..10_000u32 {
        let method = *rng.pick(&methods);
        let scheme = *rng.pick(&["http", "https"]);
        let host = *rng.pick(&hosts);
        let path = *rng.pick(&paths);
        let port = match rng.below(4) {
            0 => Some(if scheme == "https" { 443 } else { 80 }),
            1 => Some(8787),
            _ => None,
        };
        let query = random_params(&mut rng);
        let form = if method == "GET" {
            Vec::new()
        } else {
            random_params(&mut rng)
        };
        let consumer_key = alnum(&mut rng, 25);
        let consumer_secret = random_text(&mut rng, 10) + &alnum(&mut rng, 20);
        let token = format!("{}-{}", rng.next() % 10_000_000_000, alnum(&mut rng, 30));
        // An empty token secret is legal in OAuth 1.0a and keeps its `&` in the key.
        let token_secret = if rng.below(10) == 0 {
            String::new()
        } else {
            random_text(&mut rng, 6) + &alnum(&mut rng, 10)
        };
        let nonce = alnum(&mut rng, 32);
        let timestamp = 1 + rng.next() % 4_000_000_000;

        // Ours: the URL as a caller would write it (mixed-case scheme and host, explicit default
        // ports, the query percent-encoded in the URL), the form parameters separately.
        let shown_host = if rng.below(2) == 0 {
            host.to_ascii_uppercase()
        } else {
            host.to_owned()
        };
        let shown_scheme = if rng.below(3) == 0 {
            scheme.to_ascii_uppercase()
        } else {
            scheme.to_owned()
        };
        let authority = match port {
            Some(p) => format!("{shown_host}:{p}"),
            None => shown_host,
        };
        let mut url = format!("{shown_scheme}://{authority}{path}");
        if !query.is_empty() {
            url.push('?');
            url.push_str(&form_encode(&query));
        }
        let creds = Credentials {
            consumer_key: &consumer_key,
            consumer_secret: &consumer_secret,
            token: &token,
            token_secret: &token_secret,
        };
        let ours =
            oauth1::sign(method, &url, &form, &creds, &nonce, timestamp).expect("ours signs");

        // Reference: the normalised base URI, and every non-OAuth parameter as a list.
        let base = match port {
            Some(8787) => format!("{scheme}://{host}:8787{path}"),
            _ => format!("{scheme}://{host}{path}"),
        };
        let mut all: Vec<(String, String)> = query.iter().chain(form.iter()).cloned().collect();
        all.sort_by_key(|(k, v)| (oauth1::percent_encode(k), oauth1::percent_encode(v)));
        let request = RfcOrdered(all);
        let token_pair = oauth1_request::Token::from_parts(
            consumer_key.as_str(),
            consumer_secret.as_str(),
            token.as_str(),
            token_secret.as_str(),
        );
        let mut builder =
            oauth1_request::Builder::with_token(token_pair, oauth1_request::HMAC_SHA1);
        builder
            .nonce(nonce.as_str())
            .timestamp(NonZeroU64::new(timestamp))
            .version(true);
        let theirs = builder.authorize(method, base.as_str(), &request);
        assert_eq!(
            ours.signature,
            signature_from_header(&theirs),
            "request {i} differs: {method} {url} form={form:?}"
        );
        compared += 1;
    }
    assert_eq!(compared, 10_000);
}
