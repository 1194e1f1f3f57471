//! OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849).
//!
//! Sans-IO: the nonce and the timestamp are arguments, so every signature is reproducible.
//! What is signed: every `oauth_*` parameter, the URL's query parameters, and the body only
//! when it is `application/x-www-form-urlencoded` (JSON and multipart bodies are not signed).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::http::{Body, HttpRequest};

/// RFC 5849 section 3.6: everything but `A-Z a-z 0-9 - . _ ~` is encoded, with uppercase hex.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a string's UTF-8 bytes as RFC 5849 requires (a space is `%20`, never `+`).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RESERVED).to_string()
}

/// Why a request could not be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OAuthError {
    /// The URL is not an absolute `http` or `https` URL.
    InvalidUrl,
    /// A query or form parameter is not valid percent-encoded UTF-8.
    InvalidEncoding,
    /// The API Key or the Access Token is empty.
    MissingKey,
}

impl OAuthError {
    /// A stable code that the UI localises.
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidUrl => "oauth_invalid_url",
            OAuthError::InvalidEncoding => "oauth_invalid_encoding",
            OAuthError::MissingKey => "oauth_missing_key",
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            OAuthError::InvalidUrl => "the request URL is not an absolute http(s) URL",
            OAuthError::InvalidEncoding => "a request parameter is not valid percent-encoded UTF-8",
            OAuthError::MissingKey => "the API Key or the Access Token is empty",
        };
        f.write_str(text)
    }
}

impl std::error::Error for OAuthError {}

/// The four OAuth 1.0a user-context credentials, borrowed for one signature.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// API Key (consumer key).
    pub consumer_key: &'a str,
    /// API Secret (consumer secret).
    pub consumer_secret: &'a str,
    /// Access Token.
    pub token: &'a str,
    /// Access Token Secret.
    pub token_secret: &'a str,
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { <redacted> }")
    }
}

/// A URL split into what the signature needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    /// RFC 5849 section 3.4.1.2 base string URI: lowercase scheme and host, default port
    /// dropped, no query or fragment.
    pub base_uri: String,
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
}

/// Splits an absolute URL into its base string URI and decoded query parameters.
pub fn parse_url(url: &str) -> Result<ParsedUrl, OAuthError> {
    let (scheme, rest) = url.split_once("://").ok_or(OAuthError::InvalidUrl)?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return Err(OAuthError::InvalidUrl),
    };
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (authority_and_path, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match authority_and_path.find('/') {
        Some(i) => authority_and_path.split_at(i),
        None => (authority_and_path, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(OAuthError::InvalidUrl);
    }
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal has colons inside its brackets.
        Some((h, p)) if !p.contains(']') => {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OAuthError::InvalidUrl);
            }
            (h, Some(p))
        }
        _ => (authority, None),
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace()) {
        return Err(OAuthError::InvalidUrl);
    }
    let host = host.to_ascii_lowercase();
    let port = port
        .map(|p| p.trim_start_matches('0'))
        .filter(|p| *p != default_port);
    let base_uri = match port {
        Some(p) => format!("{scheme}://{host}:{p}{path}"),
        None => format!("{scheme}://{host}{path}"),
    };
    let query = match query {
        Some(q) => parse_form(q)?,
        None => Vec::new(),
    };
    Ok(ParsedUrl { base_uri, query })
}

/// Decodes an `application/x-www-form-urlencoded` string (`+` is a space).
pub fn parse_form(s: &str) -> Result<Vec<(String, String)>, OAuthError> {
    s.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

fn form_decode(s: &str) -> Result<String, OAuthError> {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| OAuthError::InvalidEncoding)
}

/// RFC 5849 section 3.4.1.3.2: encode every name and value, sort by encoded name then encoded
/// value, and join as `name=value` pairs with `&`.
pub fn normalize_parameters<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k.as_ref()), percent_encode(v.as_ref())))
        .collect();
    encoded.sort();
    let pairs: Vec<String> = encoded
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    pairs.join("&")
}

/// The signature base string: `METHOD&pct(base_uri)&pct(normalised parameters)`.
pub fn base_string<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    base_uri: &str,
    params: &[(K, V)],
) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(base_uri),
        percent_encode(&normalize_parameters(params))
    )
}

/// The HMAC-SHA1 key: `pct(consumer_secret)&pct(token_secret)`; the `&` stays when a secret is
/// empty. Wiped when dropped: the buffer is sized for the worst case (every byte encoded as
/// `%XX`) before anything is written, so it never reallocates and leaves no copy behind.
pub fn signing_key(consumer_secret: &str, token_secret: &str) -> Zeroizing<String> {
    let mut key = Zeroizing::new(String::with_capacity(
        3 * (consumer_secret.len() + token_secret.len()) + 1,
    ));
    key.extend(utf8_percent_encode(consumer_secret, RESERVED));
    key.push('&');
    key.extend(utf8_percent_encode(token_secret, RESERVED));
    key
}

/// The base64 HMAC-SHA1 of a base string under a signing key. The HMAC state, which holds
/// the key padded into its inner and outer blocks, is wiped when dropped (`hmac`'s `zeroize`
/// feature).
pub fn hmac_sha1_base64(key: &str, base_string: &str) -> String {
    let mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes())
        .map(|mut mac| {
            mac.update(base_string.as_bytes());
            mac.finalize().into_bytes()
        })
        // HMAC takes keys of any length: this branch cannot be reached.
        .unwrap_or_default();
    STANDARD.encode(mac)
}

/// Everything signing produced, for tests and diagnostics. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The signature base string.
    pub base_string: String,
    /// The base64 signature.
    pub signature: String,
    /// The complete `Authorization` header value.
    pub authorization: String,
}

/// Signs a request given as method, URL and the decoded non-OAuth parameters that are signed
/// besides the URL's query (a form body's parameters, or none).
pub fn sign(
    method: &str,
    url: &str,
    extra_params: &[(String, String)],
    creds: &Credentials<'_>,
    nonce: &str,
    timestamp: u64,
) -> Result<Signed, OAuthError> {
    // Secrets may legally be empty (the `&` of the key stays); the identifiers may not.
    if creds.consumer_key.is_empty() || creds.token.is_empty() {
        return Err(OAuthError::MissingKey);
    }
    let parsed = parse_url(url)?;
    let timestamp = timestamp.to_string();
    let oauth: [(&str, &str); 6] = [
        ("oauth_consumer_key", creds.consumer_key),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", &timestamp),
        ("oauth_token", creds.token),
        ("oauth_version", "1.0"),
    ];
    let mut params: Vec<(&str, &str)> = oauth.to_vec();
    params.extend(parsed.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    params.extend(extra_params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let base = base_string(method, &parsed.base_uri, &params);
    let signature = hmac_sha1_base64(
        &signing_key(creds.consumer_secret, creds.token_secret),
        &base,
    );
    let mut header_params: Vec<(&str, &str)> = oauth.to_vec();
    header_params.push(("oauth_signature", &signature));
    header_params.sort();
    let fields: Vec<String> = header_params
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", percent_encode(k), percent_encode(v)))
        .collect();
    let authorization = format!("OAuth {}", fields.join(", "));
    Ok(Signed {
        base_string: base,
        signature,
        authorization,
    })
}

/// Signs an [`HttpRequest`] in place by adding its `Authorization` header. A form body is
/// signed; JSON and multipart bodies are not.
pub fn authorize(
    request: &mut HttpRequest,
    creds: &Credentials<'_>,
    nonce: &str,
    timestamp: u64,
) -> Result<Signed, OAuthError> {
    let form: &[(String, String)] = match &request.body {
        Body::Form { params } => params,
        _ => &[],
    };
    let signed = sign(
        request.method.as_str(),
        &request.url,
        form,
        creds,
        nonce,
        timestamp,
    )?;
    request
        .headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    request
        .headers
        .push(("Authorization".to_owned(), signed.authorization.clone()));
    Ok(signed)
}

/// A nonce from random bytes: their lowercase hex, so it needs no encoding.
pub fn nonce_from_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_only_unreserved_as_is() {
        assert_eq!(
            percent_encode("Ladies + Gentlemen"),
            "Ladies%20%2B%20Gentlemen"
        );
        assert_eq!(percent_encode("!*'()"), "%21%2A%27%28%29");
        assert_eq!(percent_encode("-._~aZ09"), "-._~aZ09");
        assert_eq!(percent_encode("☃"), "%E2%98%83");
    }

    #[test]
    fn base_uri_is_normalised() {
        let p = parse_url("HTTPS://Api.X.com:443/2/Tweets?a=1#frag").unwrap();
        assert_eq!(p.base_uri, "https://api.x.com/2/Tweets");
        let p = parse_url("http://127.0.0.1:8787/2/users/me").unwrap();
        assert_eq!(p.base_uri, "http://127.0.0.1:8787/2/users/me");
        let p = parse_url("http://example.com:80").unwrap();
        assert_eq!(p.base_uri, "http://example.com/");
        let p = parse_url("http://[::1]:8080/x").unwrap();
        assert_eq!(p.base_uri, "http://[::1]:8080/x");
        let p = parse_url("http://[::1]/x").unwrap();
        assert_eq!(p.base_uri, "http://[::1]/x");
        assert_eq!(parse_url("ftp://x.com/"), Err(OAuthError::InvalidUrl));
        assert_eq!(parse_url("x.com/a"), Err(OAuthError::InvalidUrl));
        assert_eq!(parse_url("https://x.com:8a/"), Err(OAuthError::InvalidUrl));
        assert_eq!(parse_url("https://u@x.com/"), Err(OAuthError::InvalidUrl));
    }

    #[test]
    fn query_is_decoded_with_plus_as_space() {
        let p = parse_url("https://a.b/p?b=2&a=x+y&a=%21&empty=&flag").unwrap();
        let want: Vec<(String, String)> = [
            ("b", "2"),
            ("a", "x y"),
            ("a", "!"),
            ("empty", ""),
            ("flag", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(p.query, want);
        assert_eq!(
            parse_url("https://a.b/p?x=%FF"),
            Err(OAuthError::InvalidEncoding)
        );
    }

    #[test]
    fn nonce_is_hex() {
        assert_eq!(nonce_from_bytes(&[0, 15, 255]), "000fff");
    }
}
