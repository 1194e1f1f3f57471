//! URL detection with the behaviour of twitter-text's `Extractor.extractURLsWithIndices`
//! (Java) and its `VALID_URL` pattern, written as a scanner.
//!
//! The pattern needs look-behind, look-ahead, atomic groups and an alternation of 1,574 TLDs,
//! which the `regex` crate does not offer (and a backtracking engine would bring a large
//! compiled pattern into the wasm binary). The scanner follows the pattern piece by piece,
//! including where the Java matcher resumes after a match that is then rejected.
//!
//! In the pattern's terms a match is: one preceding character (or the start of the text), an
//! optional `http://` or `https://`, a domain, an optional `:port`, an optional `/path`, an
//! optional `?query`.

use std::ops::Range;

use super::idn;
use super::normalize::len_utf16;
use super::tld;

/// twitter-text's longest accepted URL, in UTF-16 units, with `https://` counted when absent.
const MAX_URL_LENGTH: u32 = 4096;
/// twitter-text's longest accepted `t.co` slug.
const MAX_TCO_SLUG_LENGTH: usize = 40;
/// What twitter-text adds to a URL without a protocol before comparing with the maximum.
const PROTOCOL_LENGTH: u32 = "https://".len() as u32;

/// The byte ranges of the URLs in `text`, in order.
pub(super) fn find_urls(text: &str) -> Vec<Range<usize>> {
    if !text.contains('.') {
        return Vec::new();
    }
    Scanner::new(text).run()
}

/// A candidate match, in character indices.
struct Candidate {
    url: Range<usize>,
    host: Range<usize>,
    has_protocol: bool,
}

struct Scanner<'a> {
    text: &'a str,
    chars: Vec<char>,
    /// Byte offset of each character, plus the text's length at the end.
    offsets: Vec<usize>,
    /// Where the run of subdomain characters (`[C_-]`) starting at each index ends.
    subdomain_run: Vec<usize>,
    /// Where the run of domain-name characters (`[C-]`) starting at each index ends.
    domain_run: Vec<usize>,
    /// Where the run of Unicode domain characters (`[U-]`) starting at each index ends.
    unicode_run: Vec<usize>,
    /// The ASCII domain (subdomains, name, TLD) found from each index, once computed.
    ascii_domain: Vec<Option<Option<usize>>>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let (offsets, chars): (Vec<usize>, Vec<char>) = text.char_indices().unzip();
        let mut offsets = offsets;
        offsets.push(text.len());
        let run = |class: fn(char) -> bool| {
            let mut ends = Vec::with_capacity(chars.len() + 1);
            let mut end = chars.len();
            ends.push(end);
            for (i, &c) in chars.iter().enumerate().rev() {
                if !class(c) {
                    end = i;
                }
                ends.push(end);
            }
            ends.reverse();
            ends
        };
        let subdomain_run = run(|c| is_url_char(c) || c == '-' || c == '_');
        let domain_run = run(|c| is_url_char(c) || c == '-');
        let unicode_run = run(|c| is_unicode_domain_char(c) || c == '-');
        let ascii_domain = vec![None; chars.len() + 1];
        Scanner {
            text,
            chars,
            offsets,
            subdomain_run,
            domain_run,
            unicode_run,
            ascii_domain,
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn byte(&self, i: usize) -> usize {
        self.offsets.get(i).copied().unwrap_or(self.text.len())
    }

    fn slice(&self, range: Range<usize>) -> &'a str {
        self.text
            .get(self.byte(range.start)..self.byte(range.end))
            .unwrap_or("")
    }

    fn run(mut self) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        let mut start = 0;
        while start < self.chars.len() {
            let Some((before, candidate)) = self.match_at(start) else {
                start += 1;
                continue;
            };
            // The matcher goes on after the whole match, whether it is kept or not.
            start = candidate.url.end;
            if let Some(url) = self.accept(before, candidate) {
                found.push(self.byte(url.start)..self.byte(url.end));
            }
        }
        found
    }

    /// A match whose preceding character is at `start` (or, at the very start, none).
    fn match_at(&mut self, start: usize) -> Option<(Option<char>, Candidate)> {
        if let Some(before) = self.at(start).filter(|&c| is_valid_preceding(c)) {
            if let Some(candidate) = self.url_at(start + 1) {
                return Some((Some(before), candidate));
            }
        }
        if start == 0 {
            return self.url_at(0).map(|candidate| (None, candidate));
        }
        None
    }

    fn url_at(&mut self, start: usize) -> Option<Candidate> {
        let protocol = self.protocol_len(start);
        if let Some(len) = protocol {
            let host_start = start + len;
            if let Some(host_end) = self.domain(host_start) {
                return Some(self.rest_of_url(start, host_start..host_end, true));
            }
        }
        let host_end = self.domain(start)?;
        Some(self.rest_of_url(start, start..host_end, false))
    }

    /// `https?://` at `i`, ignoring case.
    fn protocol_len(&self, i: usize) -> Option<usize> {
        ["http://", "https://"]
            .into_iter()
            .find_map(|p| self.starts_with_ignore_case(i, p))
    }

    fn starts_with_ignore_case(&self, i: usize, prefix: &str) -> Option<usize> {
        let len = prefix.len();
        let chars = self.chars.get(i..i + len)?;
        chars
            .iter()
            .zip(prefix.chars())
            .all(|(c, p)| c.eq_ignore_ascii_case(&p))
            .then_some(len)
    }

    /// Port, path and query after the host.
    fn rest_of_url(&self, start: usize, host: Range<usize>, has_protocol: bool) -> Candidate {
        let mut end = host.end;
        if self.at(end) == Some(':') {
            let digits_end = (end + 1..=self.chars.len())
                .find(|&i| !self.at(i).is_some_and(|c| c.is_ascii_digit()))
                .unwrap_or(end + 1);
            if digits_end > end + 1 {
                end = digits_end;
            }
        }
        if self.at(end) == Some('/') {
            end = self.path_end(end + 1);
        }
        if self.at(end) == Some('?') {
            if let Some(query_end) = self.query_end(end + 1, self.chars.len()) {
                end = query_end;
            }
        }
        Candidate {
            url: start..end,
            host,
            has_protocol,
        }
    }

    /// The domain at `i`: subdomains, a name and a TLD in URL characters; or, right after a
    /// protocol, one label of any non-punctuation characters and a TLD.
    fn domain(&mut self, i: usize) -> Option<usize> {
        self.ascii_domain(i).or_else(|| self.unicode_domain(i))
    }

    /// `SUBDOMAIN* DOMAIN_NAME (GTLD | CCTLD | PUNYCODE)`: the pattern takes as many
    /// subdomains as it can, then gives them back one at a time until a name and a TLD
    /// follow. So the result at `i` is the result at the next label, or else a name and TLD
    /// at `i` itself; results are kept so that a long chain of labels is walked once.
    fn ascii_domain(&mut self, i: usize) -> Option<usize> {
        if let Some(known) = self.ascii_domain.get(i).copied().flatten() {
            return known;
        }
        let mut chain = vec![i];
        let mut known_tail = None;
        let mut label = i;
        while let Some(next) = self.subdomain_label(label) {
            if let Some(known) = self.ascii_domain.get(next).copied().flatten() {
                known_tail = Some(known);
                break;
            }
            chain.push(next);
            label = next;
        }
        let mut result = known_tail.flatten();
        for &label in chain.iter().rev() {
            if result.is_none() {
                result = self
                    .domain_name_label(label)
                    .and_then(|tld| self.tld(tld, true));
            }
            if let Some(slot) = self.ascii_domain.get_mut(label) {
                *slot = Some(result);
            }
        }
        result
    }

    /// `(?<=https?://)` then `URL_VALID_UNICODE_DOMAIN_NAME (GTLD | CCTLD)`.
    fn unicode_domain(&self, i: usize) -> Option<usize> {
        let after_protocol = ["http://", "https://"].into_iter().any(|p| {
            i.checked_sub(p.len())
                .is_some_and(|s| self.starts_with_ignore_case(s, p).is_some())
        });
        if !after_protocol {
            return None;
        }
        let tld = self.label(i, &self.unicode_run, is_unicode_domain_char)?;
        self.tld(tld, false)
    }

    /// `(?:C[C\-_]*)?C\.`: the index after the dot.
    fn subdomain_label(&self, i: usize) -> Option<usize> {
        self.label(i, &self.subdomain_run, is_url_char)
    }

    /// `(?:C[C\-]*)?C\.`: the index after the dot.
    fn domain_name_label(&self, i: usize) -> Option<usize> {
        self.label(i, &self.domain_run, is_url_char)
    }

    /// A label whose characters run from `i` to the next dot, starting and ending with an
    /// `edge` character.
    fn label(&self, i: usize, run: &[usize], edge: fn(char) -> bool) -> Option<usize> {
        let end = *run.get(i)?;
        let first = self.at(i)?;
        let last = self.at(end.checked_sub(1)?)?;
        (end > i && edge(first) && edge(last) && self.at(end) == Some('.')).then_some(end + 1)
    }

    /// A TLD at `i`, or (where allowed) a punycode TLD `xn--[-0-9a-z]+`: where it ends.
    fn tld(&self, i: usize, punycode: bool) -> Option<usize> {
        let rest = self.text.get(self.byte(i)..)?;
        if let Some(len) = tld::match_tld(rest) {
            let chars = rest.get(..len).map_or(0, |t| t.chars().count());
            return Some(i + chars);
        }
        if punycode && self.starts_with_ignore_case(i, "xn--").is_some() {
            let body = i + 4;
            let end = (body..=self.chars.len())
                .find(|&j| {
                    !self
                        .at(j)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                })
                .unwrap_or(body);
            return (end > body).then_some(end);
        }
        None
    }

    /// `URL_VALID_PATH*+` after the slash: the longest stretch of path characters and balanced
    /// parentheses that ends in a path-ending character or a parenthesis group.
    fn path_end(&self, start: usize) -> usize {
        let mut i = start;
        let mut last_end = start;
        loop {
            match self.at(i) {
                Some(c) if is_path_char(c) => {
                    i += 1;
                    if is_path_ending_char(c) {
                        last_end = i;
                    }
                }
                Some('(') => match self.balanced_parens(i) {
                    Some(end) => {
                        i = end;
                        last_end = i;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        last_end
    }

    /// `\((?:G+|G*\(G+\)G*)\)`: one parenthesis group, with at most one nested group.
    fn balanced_parens(&self, open: usize) -> Option<usize> {
        let path_run = |from: usize| {
            (from..=self.chars.len())
                .find(|&j| !self.at(j).is_some_and(is_path_char))
                .unwrap_or(from)
        };
        let inner = path_run(open + 1);
        match self.at(inner)? {
            ')' if inner > open + 1 => Some(inner + 1),
            '(' => {
                let nested = path_run(inner + 1);
                if nested == inner + 1 || self.at(nested)? != ')' {
                    return None;
                }
                let after = path_run(nested + 1);
                (self.at(after)? == ')').then_some(after + 1)
            }
            _ => None,
        }
    }

    /// `\?[QUERY]*[QUERY_END]` after the question mark, not past `limit`: where it ends.
    fn query_end(&self, start: usize, limit: usize) -> Option<usize> {
        let mut last_end = None;
        for i in start..limit {
            match self.at(i) {
                Some(c) if is_query_char(c) => {
                    if is_query_ending_char(c) {
                        last_end = Some(i + 1);
                    }
                }
                _ => break,
            }
        }
        last_end
    }

    /// twitter-text's checks after a match: no URL without a protocol right after `-_./`;
    /// `t.co` links cut to their slug (at most 40 characters) and query; a host that IDNA
    /// accepts; at most 4,096 characters.
    fn accept(&self, before: Option<char>, candidate: Candidate) -> Option<Range<usize>> {
        let Candidate {
            mut url,
            host,
            has_protocol,
        } = candidate;
        if !has_protocol && before.is_some_and(|c| matches!(c, '-' | '_' | '.' | '/')) {
            return None;
        }
        if has_protocol {
            if let Some(end) = self.tco_end(url.clone())? {
                url.end = end;
            }
        }
        let host_ascii_len = u32::try_from(idn::ascii_host_len(self.slice(host.clone()))?).ok()?;
        let utf16 = |range: Range<usize>| {
            self.chars.get(range).map_or(0u32, |cs| {
                cs.iter().fold(0u32, |n, &c| n.saturating_add(len_utf16(c)))
            })
        };
        let length = utf16(url.clone())
            .saturating_add(host_ascii_len)
            .saturating_sub(utf16(host))
            .saturating_add(if has_protocol { 0 } else { PROTOCOL_LENGTH });
        (length <= MAX_URL_LENGTH).then_some(url)
    }

    /// For a `https?://t.co/<slug>` URL, where `^https?://t\.co/([a-z0-9]+)(?:\?QUERY)?`
    /// ends: `Some(None)` when the URL is not a t.co link, `None` when the slug is too long.
    fn tco_end(&self, url: Range<usize>) -> Option<Option<usize>> {
        let Some(protocol) = self.protocol_len(url.start) else {
            return Some(None);
        };
        let slug = url.start + protocol + "t.co/".len();
        if slug > url.end
            || self
                .starts_with_ignore_case(url.start + protocol, "t.co/")
                .is_none()
        {
            return Some(None);
        }
        let slug_end = (slug..=url.end)
            .find(|&j| j == url.end || !self.at(j).is_some_and(|c| c.is_ascii_alphanumeric()))
            .unwrap_or(slug);
        if slug_end == slug {
            return Some(None);
        }
        if slug_end - slug > MAX_TCO_SLUG_LENGTH {
            return None;
        }
        let mut end = slug_end;
        if end < url.end && self.at(end) == Some('?') {
            if let Some(query_end) = self.query_end(end + 1, url.end) {
                end = query_end;
            }
        }
        Some(Some(end))
    }
}

/// `[^a-z0-9@＠$#＃\uFFFE\uFEFF\uFFFF]` (ignoring ASCII case); directional marks qualify too.
fn is_valid_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            '@' | '\u{FF20}' | '$' | '#' | '\u{FF03}' | '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}'
        ))
}

/// `URL_VALID_CHARS`: ASCII letters and digits, and Latin letters with accents.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_latin_accent(c)
}

/// twitter-text's `LATIN_ACCENTS_CHARS`.
fn is_latin_accent(c: char) -> bool {
    matches!(c,
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{FF}' | '\u{100}'..='\u{24F}'
        | '\u{253}' | '\u{254}' | '\u{256}' | '\u{257}' | '\u{259}' | '\u{25B}' | '\u{263}'
        | '\u{268}' | '\u{26F}' | '\u{272}' | '\u{289}' | '\u{28B}' | '\u{2BB}'
        | '\u{300}'..='\u{36F}' | '\u{1E00}'..='\u{1EFF}')
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4FF}')
}

/// `URL_VALID_UNICODE_CHARS`: anything but ASCII punctuation, whitespace (Java's `\s` and
/// `\p{Z}`) and the General Punctuation block.
fn is_unicode_domain_char(c: char) -> bool {
    !(matches!(c, '!'..='/' | ':'..='@' | '['..='`' | '{'..='~') && c != '\\'
        || matches!(c, ' ' | '\t'..='\r' | '\u{A0}' | '\u{1680}' | '\u{3000}')
        || matches!(c, '\u{2000}'..='\u{206F}'))
}

/// `URL_VALID_GENERAL_PATH_CHARS`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '*'
                | '\''
                | ';'
                | ':'
                | '='
                | '+'
                | ','
                | '.'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '\u{2013}'
                | '_'
                | '~'
                | '|'
                | '&'
                | '@'
        )
        || is_latin_accent(c)
        || is_cyrillic(c)
}

/// `URL_VALID_PATH_ENDING_CHARS` (parenthesis groups aside).
fn is_path_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '=' | '_' | '#' | '/' | '-' | '+')
        || is_latin_accent(c)
        || is_cyrillic(c)
}

/// `URL_VALID_URL_QUERY_CHARS`.
fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '?'
                | '*'
                | '\''
                | '('
                | ')'
                | ';'
                | ':'
                | '&'
                | '='
                | '+'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '_'
                | '.'
                | ','
                | '~'
                | '|'
                | '@'
        )
}

/// `URL_VALID_URL_QUERY_ENDING_CHARS`.
fn is_query_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '&' | '=' | '#' | '/')
}
