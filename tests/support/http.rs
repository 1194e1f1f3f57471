//! X's answers as values for the native tests of the core's classification
//! (`#[path]`-included by the test files that need them).

// Each test file uses a part of this.
#![allow(dead_code)]

use keypost::http::HttpResponse;

/// An answer with this status, these headers and this body.
pub fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.to_owned(),
    }
}
