//! X's answers as values for the tests of the core's classification (`support::http`, used
//! by the modules that need them).

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
