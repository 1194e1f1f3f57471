//! How long a host name is once internationalised labels are punycode-encoded, the check
//! twitter-text makes with Java's `IDN.toASCII` before it accepts a URL.
//!
//! Written here rather than taken from the `idna` crate: only the encoded length is needed, and
//! `idna` brings ICU4X's normalisation and property data into the wasm binary. Nameprep is
//! approximated by what changes a label's length (dropping the characters it maps to nothing,
//! lower-casing, NFKC); its prohibited-character and bidi checks are not made.

use unicode_normalization::UnicodeNormalization;

/// The longest label DNS allows.
const MAX_LABEL_LEN: usize = 63;

// RFC 3492 section 5: the parameters of punycode.
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// The ASCII length of `host` after IDNA `ToASCII`, or `None` where `ToASCII` fails: an empty
/// label, a label over 63 characters, or a non-ASCII label that already starts with `xn--`.
pub(super) fn ascii_host_len(host: &str) -> Option<usize> {
    let mut total = 0usize;
    let mut labels = 0usize;
    for label in host.split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']) {
        total += ascii_label_len(label)?;
        labels += 1;
    }
    Some(total + labels.saturating_sub(1))
}

fn ascii_label_len(label: &str) -> Option<usize> {
    let len = if label.is_ascii() {
        label.len()
    } else {
        let prepared: Vec<char> = label
            .chars()
            .filter(|&c| !maps_to_nothing(c))
            .flat_map(char::to_lowercase)
            .nfkc()
            .collect();
        // Punycode is never shorter than its input: a longer label cannot pass.
        if prepared.len() > MAX_LABEL_LEN {
            return None;
        } else if prepared.iter().all(char::is_ascii) {
            prepared.len()
        } else if starts_with_ace_prefix(&prepared) {
            return None;
        } else {
            "xn--".len() + punycode_len(&prepared)?
        }
    };
    (1..=MAX_LABEL_LEN).contains(&len).then_some(len)
}

/// Nameprep's table B.1 (RFC 3454): characters that are removed.
fn maps_to_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{1806}'
            | '\u{180B}'..='\u{180D}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

fn starts_with_ace_prefix(label: &[char]) -> bool {
    label.len() >= 4
        && label
            .iter()
            .take(4)
            .map(char::to_ascii_lowercase)
            .eq("xn--".chars())
}

/// The length of the RFC 3492 punycode encoding of `input` (without the `xn--` prefix), or
/// `None` on arithmetic overflow (which RFC 3492 also treats as failure).
fn punycode_len(input: &[char]) -> Option<usize> {
    let basic = input.iter().filter(|c| c.is_ascii()).count();
    let mut len = basic + usize::from(basic > 0);
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    let total = input.len();
    while handled < total {
        let m = input
            .iter()
            .map(|&c| u32::from(c))
            .filter(|&c| c >= n)
            .min()?;
        delta = delta.checked_add((m - n).checked_mul(u32::try_from(handled + 1).ok()?)?)?;
        n = m;
        for &c in input {
            let c = u32::from(c);
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    len += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                len += 1;
                bias = adapt(delta, u32::try_from(handled + 1).ok()?, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(len)
}

/// RFC 3492 section 6.1.
fn adapt(delta: u32, num_points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / num_points.max(1);
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}
