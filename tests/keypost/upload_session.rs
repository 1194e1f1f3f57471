//! One image upload as the core's step machine ([`keypost::upload::Session`]): the sequence
//! the composer and the scheduler both run, driven here against scripted answers.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::http::HttpResponse;
use keypost::upload::{
    MAX_CHUNK_BYTES, MAX_PROCESSING_POLLS, MIN_CHUNK_BYTES, Session, UploadError, UploadStep,
};

use crate::support::http::resp;

const BASE: &str = "https://api.x.com";
const TIMEOUT: u32 = 25_000;

fn ok() -> HttpResponse {
    resp(200, &[], "{}")
}

fn initialized() -> HttpResponse {
    resp(200, &[], r#"{"data":{"id":"777","media_key":"3_777"}}"#)
}

fn processed() -> HttpResponse {
    resp(
        200,
        &[],
        r#"{"data":{"id":"777","processing_info":{"state":"succeeded"}}}"#,
    )
}

fn pending(secs: u64) -> HttpResponse {
    resp(
        200,
        &[],
        &format!(
            r#"{{"data":{{"id":"777","processing_info":{{"state":"in_progress","check_after_secs":{secs}}}}}}}"#
        ),
    )
}

fn path(step: &UploadStep) -> String {
    match step {
        UploadStep::Send(req) => req
            .url
            .trim_start_matches(BASE)
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned(),
        other => format!("{other:?}"),
    }
}

#[test]
fn an_image_goes_up_in_chunks_waits_for_processing_then_gets_its_alt_text() {
    let total = 2 * MAX_CHUNK_BYTES + MAX_CHUNK_BYTES / 2;
    let (mut s, step) =
        Session::start(BASE, "image/png", total as u64, "a red kite", TIMEOUT).expect("start");
    assert_eq!(path(&step), "/2/media/upload/initialize");
    let mut step = s.answered(Ok(&initialized()), 0).expect("initialized");
    let mut ranges = Vec::new();
    while let UploadStep::Append { start, end } = step {
        let req = s.append_request(&vec![0u8; end - start]);
        assert!(req.url.ends_with("/2/media/upload/777/append"));
        ranges.push((start, end));
        // A fast link: every chunk in a second.
        step = s.answered(Ok(&ok()), 1_000).expect("appended");
        assert_eq!(s.uploaded_bytes(), end as u64);
    }
    assert_eq!(
        ranges,
        [
            (0, MAX_CHUNK_BYTES),
            (MAX_CHUNK_BYTES, 2 * MAX_CHUNK_BYTES),
            (2 * MAX_CHUNK_BYTES, total)
        ]
    );
    assert_eq!(path(&step), "/2/media/upload/777/finalize");
    let step = s.answered(Ok(&pending(3)), 0).expect("finalized");
    assert_eq!(step, UploadStep::Wait { ms: 3_000 });
    let step = s.waited();
    assert_eq!(path(&step), "/2/media/upload");
    let step = s.answered(Ok(&processed()), 0).expect("processed");
    assert_eq!(path(&step), "/2/media/metadata");
    let done = s.answered(Ok(&ok()), 0).expect("described");
    assert_eq!(
        done,
        UploadStep::Done {
            media_id: "777".to_owned()
        }
    );
}

#[test]
fn a_timed_out_append_is_sent_again_smaller_from_the_same_byte() {
    let total = 3 * MAX_CHUNK_BYTES;
    let (mut s, _) = Session::start(BASE, "image/jpeg", total as u64, "", TIMEOUT).expect("start");
    let step = s.answered(Ok(&initialized()), 0).expect("initialized");
    assert_eq!(
        step,
        UploadStep::Append {
            start: 0,
            end: MAX_CHUNK_BYTES
        }
    );
    let first = s.append_request(&[1]);
    let again = s.answered(Err("timeout"), 25_000).expect("smaller");
    assert_eq!(
        again,
        UploadStep::Append {
            start: 0,
            end: MAX_CHUNK_BYTES / 2
        }
    );
    // The same segment index: X overwrites the segment.
    assert_eq!(s.append_request(&[1]).body, first.body);
    // Any other failure stops the upload with the request's own error.
    assert_eq!(s.answered(Err("offline"), 10), Err(UploadError::NoAnswer));
}

#[test]
fn a_link_too_slow_for_the_smallest_chunk_gives_up_with_the_timeout() {
    let (mut s, _) = Session::start(BASE, "image/png", (4 * MAX_CHUNK_BYTES) as u64, "", TIMEOUT)
        .expect("start");
    let mut step = s.answered(Ok(&initialized()), 0).expect("initialized");
    let mut timeouts = 0;
    loop {
        match s.answered(Err("timeout"), 25_000) {
            Ok(next) => step = next,
            Err(e) => {
                assert_eq!(e, UploadError::NoAnswer);
                break;
            }
        }
        timeouts += 1;
        assert!(timeouts < 20, "it gives up");
    }
    assert_eq!(
        step,
        UploadStep::Append {
            start: 0,
            end: MIN_CHUNK_BYTES
        }
    );
}

#[test]
fn without_alt_text_nothing_is_described_and_processing_has_a_bound() {
    let (mut s, _) = Session::start(BASE, "image/gif", 10, "  ", TIMEOUT).expect("start");
    s.answered(Ok(&initialized()), 0).expect("initialized");
    let step = s.answered(Ok(&ok()), 5).expect("appended");
    assert_eq!(path(&step), "/2/media/upload/777/finalize");
    assert_eq!(
        s.answered(Ok(&processed()), 0),
        Ok(UploadStep::Done {
            media_id: "777".to_owned()
        }),
        "a blank alt text is not sent"
    );

    let (mut s, _) = Session::start(BASE, "image/gif", 10, "", TIMEOUT).expect("start");
    s.answered(Ok(&initialized()), 0).expect("initialized");
    s.answered(Ok(&ok()), 5).expect("appended");
    let mut last = Ok(UploadStep::Wait { ms: 0 });
    for _ in 0..=MAX_PROCESSING_POLLS {
        last = s.answered(Ok(&pending(1)), 0);
        if last.is_err() {
            break;
        }
        s.waited();
    }
    assert_eq!(last, Err(UploadError::ProcessingTimeout));

    let (mut s, _) = Session::start(BASE, "image/gif", 10, "", TIMEOUT).expect("start");
    s.answered(Ok(&initialized()), 0).expect("initialized");
    s.answered(Ok(&ok()), 5).expect("appended");
    let failed = resp(
        200,
        &[],
        r#"{"data":{"id":"777","processing_info":{"state":"failed"}}}"#,
    );
    assert_eq!(
        s.answered(Ok(&failed), 0),
        Err(UploadError::ProcessingFailed)
    );
}

#[test]
fn an_image_x_would_refuse_is_refused_before_any_request() {
    assert!(Session::start(BASE, "image/tiff", 10, "", TIMEOUT).is_err());
    assert!(Session::start(BASE, "image/png", 0, "", TIMEOUT).is_err());
    assert!(Session::start(BASE, "image/png", 6 * 1024 * 1024, "", TIMEOUT).is_err());
}
