//! HTTP requests as plain values.
//!
//! The core never performs I/O: it builds an [`HttpRequest`], the wasm layer sends it with
//! `fetch`, and the response comes back as an [`HttpResponse`] to be parsed.

use serde::{Deserialize, Serialize};

/// An HTTP method the X API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as it appears on the wire and in the signature base string.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The form field's name.
    pub name: String,
    /// A file name, for binary parts.
    pub filename: Option<String>,
    /// A content type, for binary parts.
    pub content_type: Option<String>,
    /// The part's bytes.
    #[serde(with = "serde_bytes_b64")]
    pub data: Vec<u8>,
}

/// A request body. Only a form body takes part in the OAuth 1.0a signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// `application/json`, not signed.
    Json {
        /// The serialised JSON.
        text: String,
    },
    /// `application/x-www-form-urlencoded`, signed.
    Form {
        /// The decoded parameters, in order.
        params: Vec<(String, String)>,
    },
    /// `multipart/form-data`, not signed. The sender chooses the boundary.
    Multipart {
        /// The parts, in order.
        parts: Vec<Part>,
    },
}

/// A request ready to send, apart from the `Authorization` header that signing adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included.
    pub url: String,
    /// Headers other than those the body implies.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// The value of a header, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response as the wasm layer received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers, names in any case.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// The value of a header, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Bytes travel through JSON messages as base64.
mod serde_bytes_b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}
