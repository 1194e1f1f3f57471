//! Generates the top-level-domain table for URL detection (`src/text/tld.rs`) from
//! `src/data/twitter-text/tlds.yml`, twitter-text's TLD conformance suite.
//!
//! The file is a fixed, simple YAML shape (one case per TLD), so it is read line by line here
//! instead of pulling a YAML parser into the build. Anything unexpected stops the build with the
//! line number: the data file is checked into the repository, never user input.

use std::collections::BTreeSet;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const TLDS_YML: &str = "src/data/twitter-text/tlds.yml";
const URL_PREFIX: &str = "https://twitter.";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={TLDS_YML}");

    let source =
        fs::read_to_string(TLDS_YML).unwrap_or_else(|e| panic!("{TLDS_YML}: cannot read it: {e}"));
    let tlds = parse_tlds(&source);

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out = Path::new(&out_dir).join("tlds.rs");
    fs::write(&out, render(&tlds))
        .unwrap_or_else(|e| panic!("{}: cannot write it: {e}", out.display()));
}

/// Reads every `text: https://twitter.<tld>` case under `tests: country:` and `tests: generic:`,
/// checking that each case's description and expected output agree with its text.
fn parse_tlds(source: &str) -> BTreeSet<String> {
    let mut tlds = BTreeSet::new();
    let mut section: Option<&str> = None;
    let mut pending: Option<(usize, String)> = None; // (line, tld) from a description
    let mut current: Option<String> = None; // the TLD of the case being read
    let mut counts = [0usize; 2];

    for (index, raw) in source.lines().enumerate() {
        let line_no = index + 1;
        let fail = |what: &str| -> ! { panic!("{TLDS_YML}:{line_no}: {what}: {raw:?}") };
        let line = raw.trim_end();
        if line.is_empty() || line == "---" || line.trim_start().starts_with('#') {
            continue;
        }
        match line {
            "tests:" => continue,
            "  country:" => {
                section = Some("country");
                continue;
            }
            "  generic:" => {
                section = Some("generic");
                continue;
            }
            _ => {}
        }
        let Some(kind) = section else {
            fail("content before a `country:` or `generic:` section")
        };
        if let Some(rest) = line.strip_prefix("  - description: ") {
            if pending.is_some() {
                fail("a description without its `text:` line before it");
            }
            let rest = unquote(rest).unwrap_or_else(|| fail("unsupported quoting"));
            let suffix = format!(" is a valid {kind} tld");
            let Some(tld) = rest.strip_suffix(suffix.as_str()) else {
                fail("description does not end in the section's `is a valid ... tld`")
            };
            pending = Some((line_no, tld.to_string()));
            current = None;
        } else if let Some(rest) = line.strip_prefix("    text: ") {
            let text = unquote(rest).unwrap_or_else(|| fail("unsupported quoting"));
            let Some(tld) = text.strip_prefix(URL_PREFIX) else {
                fail("text is not `https://twitter.<tld>`")
            };
            match pending.take() {
                Some((_, described)) if described == tld => {}
                Some((at, described)) => fail(&format!(
                    "text names another TLD than line {at} ({described:?})"
                )),
                None => fail("text without a description"),
            }
            check_tld(tld).unwrap_or_else(|why| fail(why));
            if !tlds.insert(tld.to_string()) {
                fail("TLD listed twice");
            }
            counts[usize::from(kind == "generic")] += 1;
            current = Some(tld.to_string());
        } else if line == "    expected:" {
            continue;
        } else if let Some(rest) = line.strip_prefix("    - ") {
            let expected = unquote(rest).unwrap_or_else(|| fail("unsupported quoting"));
            if expected.strip_prefix(URL_PREFIX) != current.as_deref() {
                fail("expected URL is not the case's own `https://twitter.<tld>`");
            }
        } else {
            fail("line of an unknown shape");
        }
    }
    if pending.is_some() {
        panic!("{TLDS_YML}: the last description has no `text:` line");
    }
    if counts.contains(&0) {
        panic!(
            "{TLDS_YML}: country {} and generic {} TLDs; both must be present",
            counts[0], counts[1]
        );
    }
    tlds
}

/// A plain scalar as is, or a double-quoted one without escapes.
fn unquote(value: &str) -> Option<&str> {
    match value.strip_prefix('"') {
        None if value.starts_with('\'') => None,
        None => Some(value),
        Some(inner) => inner.strip_suffix('"').filter(|s| !s.contains(['"', '\\'])),
    }
}

fn check_tld(tld: &str) -> Result<(), &'static str> {
    if tld.is_empty() || tld.len() > 63 {
        return Err("TLD is empty or longer than 63 bytes");
    }
    if tld
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '.')
    {
        return Err("TLD contains whitespace, a control character or a dot");
    }
    if tld.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("TLD is not lower-case (the lookup lower-cases ASCII only)");
    }
    if tld.is_ascii() && !tld.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err("ASCII TLD has characters other than letters, digits and '-'");
    }
    Ok(())
}

/// One string of all TLDs in byte order plus the end offset of each: small in the wasm binary
/// (about 13 KB for 1,574 TLDs) and binary-searchable.
fn render(tlds: &BTreeSet<String>) -> String {
    let joined: String = tlds.iter().map(String::as_str).collect();
    assert!(
        joined.len() <= usize::from(u16::MAX),
        "TLD table outgrew u16 offsets"
    );
    let longest = tlds.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by build.rs from {TLDS_YML}: {} TLDs in byte order. Do not edit.",
        tlds.len()
    );
    let _ = writeln!(out, "/// Every TLD, concatenated in byte order.");
    let _ = writeln!(out, "static TLD_TEXT: &str = {joined:?};");
    let _ = writeln!(
        out,
        "/// Where each TLD in `TLD_TEXT` ends (the next one starts there)."
    );
    let _ = write!(out, "static TLD_ENDS: [u16; {}] = [", tlds.len());
    let mut end = 0usize;
    for (i, tld) in tlds.iter().enumerate() {
        end += tld.len();
        if i % 16 == 0 {
            out.push_str("\n    ");
        }
        let _ = write!(out, "{end}, ");
    }
    out.push_str("\n];\n");
    let _ = writeln!(out, "/// The longest TLD, in bytes.");
    let _ = writeln!(out, "const TLD_MAX_LEN: usize = {longest};");
    out
}
