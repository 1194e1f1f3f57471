//! How strong a passphrase looks (the setup screen's estimate), and the floor a new one must
//! meet.

use super::*;

/// The smallest number of characters (after NFC normalisation) a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// The smallest [`passphrase_strength`] score (of 0..4) a new passphrase may have.
pub const MIN_PASSPHRASE_SCORE: u8 = 3;

/// How strong a new passphrase looks, for the setup screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strength {
    /// 0 (guessable at once) to 4 (strong).
    pub score: u8,
    /// The estimated entropy in bits, rounded down (a conservative estimate, not a proof).
    pub bits: u32,
    /// The single most useful thing to tell the user.
    pub hint: StrengthHint,
}

/// What [`passphrase_strength`] suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrengthHint {
    /// Nothing typed yet.
    Empty,
    /// One of the most common passwords, or a light variation of one.
    Common,
    /// Mostly repeats, sequences (`abcd`, `4321`) or keyboard runs (`qwer`).
    Repetitive,
    /// Shorter than 12 characters.
    TooShort,
    /// Acceptable but could be stronger: add another word or two.
    AddWords,
    /// Strong.
    Strong,
}

impl StrengthHint {
    /// A stable snake_case code for the UI to localise.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "passphrase_empty",
            Self::Common => "passphrase_common",
            Self::Repetitive => "passphrase_repetitive",
            Self::TooShort => "passphrase_too_short",
            Self::AddWords => "passphrase_add_words",
            Self::Strong => "passphrase_strong",
        }
    }
}

/// Passwords that top every leaked-password list, plus this product's own names. Compared
/// after lowercasing, dropping separators and trailing digits/symbols, and undoing the usual
/// letter-for-digit swaps, so `P@ssw0rd1!` and `Pass-word` count too.
const COMMON_PASSWORDS: &str = "\
    password passwort motdepasse contrasena qwerty qwertyuiop azerty qwertz asdfgh \
    asdfghjkl zxcvbn zxcvbnm qazwsx qwaszx iloveyou letmein welcome admin administrator \
    login master hello freedom whatever dragon sunshine princess monkey shadow superman \
    batman starwars football baseball soccer hockey trustno secret access mustang \
    michael jennifer jordan charlie ashley hunter killer pokemon computer internet \
    changeme default guest test root abc aaa passphrase correcthorsebatterystaple \
    twitter keypost iloveyoubaby loveyou lovely flower summer winter spring autumn \
    google facebook instagram";

/// Digit-only passwords from the same lists (checked before anything is stripped).
const COMMON_NUMBERS: &str = "\
    123456 123456789 12345678 12345 1234567 1234567890 111111 123123 000000 654321 \
    123321 666666 121212 112233 159753 147258369 987654321 7777777 1q2w3e4r 1q2w3e4r5t \
    1qaz2wsx zaq12wsx";

fn looks_common(passphrase: &str) -> bool {
    let lower = passphrase.to_lowercase();
    let listed = |list: &str, word: &str| list.split_whitespace().any(|w| w == word);
    if listed(COMMON_NUMBERS, &lower) {
        return true;
    }
    let compact: String = lower
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
        .collect();
    if listed(COMMON_NUMBERS, &compact) {
        return true;
    }
    let stem = compact.trim_end_matches(|c: char| !c.is_alphabetic());
    let unleet: String = stem
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect();
    listed(COMMON_PASSWORDS, stem) || listed(COMMON_PASSWORDS, &unleet)
}

const KEYBOARD_ROWS: &[&str] = &["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];

/// Whether `b` directly follows or precedes `a` on a keyboard row.
fn keyboard_neighbours(a: char, b: char) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    KEYBOARD_ROWS.iter().any(|row| {
        row.as_bytes()
            .windows(2)
            .any(|w| matches!(w, [x, y] if (char::from(*x), char::from(*y)) == (a, b) || (char::from(*y), char::from(*x)) == (a, b)))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Lower,
    Upper,
    Digit,
    Symbol,
    Other,
}

fn class_of(c: char) -> CharClass {
    if c.is_ascii_lowercase() {
        CharClass::Lower
    } else if c.is_ascii_uppercase() {
        CharClass::Upper
    } else if c.is_ascii_digit() {
        CharClass::Digit
    } else if c.is_ascii() {
        CharClass::Symbol
    } else {
        CharClass::Other
    }
}

/// Estimates the strength of a passphrase being chosen.
///
/// The model is deliberately simple and errs on the side of caution: a character that starts
/// something new is worth `log2(alphabet)` bits (the alphabet being the union of the character
/// classes used); a letter continuing a run of letters is worth about 2.3 bits (English words
/// carry little more); repeats, `+1/-1` sequences and keyboard neighbours are worth about one
/// bit; a separator already used, one bit; a four-digit year, about 7.6 bits in all; a
/// passphrase made of one chunk repeated is worth that chunk. The most common passwords (and
/// light variations of them) score 0.
///
/// Scores: 0 below 28 bits, 1 below 40, 2 below 56, 3 below 72, 4 from 72.
#[must_use]
pub fn passphrase_strength(passphrase: &str) -> Strength {
    let chars: Vec<char> = passphrase.nfc().collect();
    if chars.is_empty() {
        return Strength {
            score: 0,
            bits: 0,
            hint: StrengthHint::Empty,
        };
    }
    if looks_common(passphrase) {
        return Strength {
            score: 0,
            bits: 0,
            hint: StrengthHint::Common,
        };
    }
    // A passphrase made of one chunk repeated is worth the chunk (plus the count).
    let period = (1..=chars.len() / 2)
        .find(|&p| {
            chars.len() % p == 0
                && chars
                    .get(..p)
                    .is_some_and(|unit| chars.chunks(p).all(|c| c == unit))
        })
        .unwrap_or(chars.len());
    let unit = chars.get(..period).unwrap_or(&chars);
    let repeats = chars.len() / period;
    let (mut bits, patterned) = estimate_bits(unit);
    let mut patterned = patterned * repeats;
    if repeats > 1 {
        bits += f64::from(u32::try_from(repeats).unwrap_or(u32::MAX)).log2();
        patterned += chars.len() - period;
    }
    let score = match bits {
        b if b < 28.0 => 0,
        b if b < 40.0 => 1,
        b if b < 56.0 => 2,
        b if b < 72.0 => 3,
        _ => 4,
    };
    let hint = if score == 4 {
        StrengthHint::Strong
    } else if patterned * 2 >= chars.len() {
        StrengthHint::Repetitive
    } else if chars.len() < 12 {
        StrengthHint::TooShort
    } else {
        StrengthHint::AddWords
    };
    Strength {
        score,
        // Bits are small and non-negative: the cast cannot truncate meaningfully.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        bits: bits.floor() as u32,
        hint,
    }
}

/// Bits for a run of characters, and how many of them were patterned (repeat, sequence,
/// keyboard run, repeated separator).
fn estimate_bits(chars: &[char]) -> (f64, usize) {
    let pool: f64 = [
        (CharClass::Lower, 26.0),
        (CharClass::Upper, 26.0),
        (CharClass::Digit, 10.0),
        (CharClass::Symbol, 33.0),
        (CharClass::Other, 100.0),
    ]
    .iter()
    .filter(|(class, _)| chars.iter().any(|&c| class_of(c) == *class))
    .map(|(_, size)| size)
    .sum();
    let fresh = pool.log2();
    let mut bits = 0.0;
    let mut patterned = 0;
    let mut separators: Vec<char> = Vec::new();
    let mut prev: Option<(char, CharClass)> = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let class = class_of(c);
        // A four-digit year (1900-2099) standing alone among the digits.
        let year = chars.get(i..i + 4).is_some_and(|w| {
            matches!(w, ['1', '9', a, b] | ['2', '0', a, b] if a.is_ascii_digit() && b.is_ascii_digit())
                && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
                && !prev.is_some_and(|(p, _)| p.is_ascii_digit())
        });
        if year {
            bits += 200f64.log2();
            prev = chars.get(i + 3).map(|&d| (d, CharClass::Digit));
            i += 4;
            continue;
        }
        let credit = match prev {
            Some((p, _)) if p == c => {
                patterned += 1;
                1.0
            }
            Some((p, pc))
                if pc == class
                    && (u32::from(c).abs_diff(u32::from(p)) == 1 || keyboard_neighbours(p, c)) =>
            {
                patterned += 1;
                1.0
            }
            _ if class == CharClass::Symbol && separators.contains(&c) => {
                patterned += 1;
                1.0
            }
            Some((_, CharClass::Lower | CharClass::Upper))
                if matches!(class, CharClass::Lower | CharClass::Upper) =>
            {
                // Inside a word; an unexpected capital adds a bit.
                if class == CharClass::Upper { 3.3 } else { 2.3 }
            }
            Some((_, CharClass::Digit)) if class == CharClass::Digit => 10f64.log2(),
            _ => fresh,
        };
        if class == CharClass::Symbol {
            separators.push(c);
        }
        bits += credit;
        prev = Some((c, class));
        i += 1;
    }
    (bits, patterned)
}

/// What a page shows while a passphrase is being chosen: the estimate, and whether
/// [`check_new_passphrase`] would accept it (and if not, the code it would refuse with).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrengthReport {
    /// 0..4.
    pub score: u8,
    /// [`StrengthHint::code`].
    pub hint: &'static str,
    /// Whether the floor accepts it.
    pub acceptable: bool,
    /// When not: `empty_passphrase`, `passphrase_too_short` or `passphrase_too_weak`.
    pub refusal: Option<&'static str>,
    /// [`MIN_PASSPHRASE_CHARS`].
    pub min_chars: usize,
    /// [`MIN_PASSPHRASE_SCORE`].
    pub min_score: u8,
}

/// The estimate and the floor's verdict for a candidate passphrase.
#[must_use]
pub fn strength_report(passphrase: &str) -> StrengthReport {
    let strength = passphrase_strength(passphrase);
    let refusal = check_new_passphrase(passphrase).err().map(|e| e.code());
    StrengthReport {
        score: strength.score,
        hint: strength.hint.code(),
        acceptable: refusal.is_none(),
        refusal,
        min_chars: MIN_PASSPHRASE_CHARS,
        min_score: MIN_PASSPHRASE_SCORE,
    }
}
