//! X's character counter, URL detection and thread splitting.
//!
//! The conformance cases are twitter-text's own (`tests/data/twitter-text/`, commit in its
//! NOTICE; the TLD cases are the build input `src/data/twitter-text/tlds.yml`). Every case of the
//! sections below must pass: there are no known exceptions.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::text::{
    Counted, DEFAULT_LIMIT, MIN_SPLIT_LIMIT, PREMIUM_LIMIT, UrlEntity, Weighting, count,
    count_with, extract_urls, split_thread, weighted_length,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

const VALIDATE_YML: &str = include_str!("../data/twitter-text/validate.yml");
const EXTRACT_YML: &str = include_str!("../data/twitter-text/extract.yml");
const TLDS_YML: &str = include_str!("../../src/data/twitter-text/tlds.yml");
const CONFIG_V3_JSON: &str = include_str!("../../src/data/twitter-text/config-v3.json");

#[derive(Deserialize)]
struct Case<E> {
    description: String,
    text: String,
    expected: E,
}

/// One section (`tests: <name>:`) of a conformance file.
fn section<E: DeserializeOwned>(yaml: &str, name: &str) -> Vec<Case<E>> {
    let file: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let cases = file["tests"][name].clone();
    assert!(cases.is_sequence(), "no section {name}");
    serde_yaml::from_value(cases).unwrap()
}

/// Runs `check` on every case; fails listing every case that fails, not only the first.
fn check_all<E>(cases: &[Case<E>], check: impl Fn(&Case<E>) -> Result<(), String>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|why| format!("{}: {why}", case.description))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- weighted length (validate.yml)

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct ParseResult {
    weighted_length: u32,
    valid: bool,
    permillage: u32,
    display_range_start: i64,
    display_range_end: i64,
    valid_range_start: i64,
    valid_range_end: i64,
}

/// twitter-text's `parseTweet` result, derived from ours.
fn parse_result(text: &str, counted: &Counted) -> ParseResult {
    let last = i64::try_from(text.encode_utf16().count()).unwrap() - 1;
    ParseResult {
        weighted_length: counted.weighted_length,
        valid: counted.valid,
        permillage: counted.weighted_length * 1000 / counted.limit,
        display_range_start: 0,
        display_range_end: last,
        valid_range_start: 0,
        valid_range_end: counted
            .over_limit_from_utf16
            .map_or(last, |from| i64::from(from) - 1),
    }
}

fn check_counter_section(name: &str, weighting: &Weighting, cases_in_file: usize) {
    let cases = section::<ParseResult>(VALIDATE_YML, name);
    assert_eq!(
        cases.len(),
        cases_in_file,
        "{name}: the data file is not the one expected"
    );
    check_all(&cases, |case| {
        let got = parse_result(
            &case.text,
            &count_with(&case.text, DEFAULT_LIMIT, weighting),
        );
        if got == case.expected {
            Ok(())
        } else {
            Err(format!("got {got:?}, want {:?}", case.expected))
        }
    });
}

/// twitter-text runs this section with its v2 configuration (no emoji parsing).
#[test]
fn conformance_weighted_tweets_counter_v2() {
    check_counter_section("WeightedTweetsCounterTest", &Weighting::V2, 20);
}

#[test]
fn conformance_weighted_tweets_with_discounted_emoji_v3() {
    check_counter_section(
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        &Weighting::V3,
        22,
    );
}

#[test]
fn conformance_unicode_directional_markers() {
    check_counter_section("UnicodeDirectionalMarkerCounterTest", &Weighting::V3, 2);
}

#[test]
fn v3_weighting_is_the_one_in_config_v3_json() {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Config {
        version: u32,
        max_weighted_tweet_length: u32,
        scale: u32,
        default_weight: u32,
        emoji_parsing_enabled: bool,
        #[serde(rename = "transformedURLLength")]
        transformed_url_length: u32,
        ranges: Vec<Range>,
    }
    #[derive(Deserialize)]
    struct Range {
        start: u32,
        end: u32,
        weight: u32,
    }
    let config: Config = serde_json::from_str(CONFIG_V3_JSON).unwrap();
    let v3 = Weighting::V3;
    assert_eq!(config.version, 3);
    assert_eq!(config.max_weighted_tweet_length, DEFAULT_LIMIT);
    assert_eq!(config.scale, v3.scale);
    assert_eq!(config.default_weight, v3.default_weight);
    assert_eq!(config.emoji_parsing_enabled, v3.emoji_parsing);
    assert_eq!(config.transformed_url_length, v3.transformed_url_length);
    let ranges: Vec<(u32, u32, u32)> = v3
        .ranges
        .iter()
        .map(|r| (r.start, r.end, r.weight))
        .collect();
    let want: Vec<(u32, u32, u32)> = config
        .ranges
        .iter()
        .map(|r| (r.start, r.end, r.weight))
        .collect();
    assert_eq!(ranges, want);
}

// ---------------------------------------------------------------- URLs (extract.yml, tlds.yml)

fn urls(text: &str) -> Vec<String> {
    extract_urls(text).into_iter().map(|u| u.url).collect()
}

fn check_url_section(yaml: &str, name: &str, cases_in_file: usize) {
    let cases = section::<Vec<String>>(yaml, name);
    assert_eq!(
        cases.len(),
        cases_in_file,
        "{name}: the data file is not the one expected"
    );
    check_all(&cases, |case| {
        let got = urls(&case.text);
        if got == case.expected {
            Ok(())
        } else {
            Err(format!("got {got:?}, want {:?}", case.expected))
        }
    });
}

#[derive(Deserialize)]
struct UrlWithIndices {
    url: String,
    indices: [u32; 2],
}

fn check_url_indices_section(name: &str, cases_in_file: usize) {
    let cases = section::<Vec<UrlWithIndices>>(EXTRACT_YML, name);
    assert_eq!(
        cases.len(),
        cases_in_file,
        "{name}: the data file is not the one expected"
    );
    check_all(&cases, |case| {
        let got: Vec<(String, [u32; 2])> = extract_urls(&case.text)
            .into_iter()
            .map(|u| (u.url, [u.start_utf16, u.end_utf16]))
            .collect();
        let want: Vec<(String, [u32; 2])> = case
            .expected
            .iter()
            .map(|u| (u.url.clone(), u.indices))
            .collect();
        if got == want {
            Ok(())
        } else {
            Err(format!("got {got:?}, want {want:?}"))
        }
    });
}

#[test]
fn conformance_extract_urls() {
    check_url_section(EXTRACT_YML, "urls", 91);
}

#[test]
fn conformance_extract_urls_with_indices() {
    check_url_indices_section("urls_with_indices", 10);
}

#[test]
fn conformance_extract_urls_with_directional_markers() {
    check_url_indices_section("urls_with_directional_markers", 2);
}

#[test]
fn conformance_extract_tco_urls_with_params() {
    check_url_section(EXTRACT_YML, "tco_urls_with_params", 5);
}

#[test]
fn conformance_every_country_tld_is_recognised() {
    check_url_section(TLDS_YML, "country", 315);
}

#[test]
fn conformance_every_generic_tld_is_recognised() {
    check_url_section(TLDS_YML, "generic", 1259);
}

#[test]
fn url_offsets_are_utf16_code_units() {
    // 😷 is two UTF-16 units (one code point, four UTF-8 bytes).
    let found = extract_urls("😷 see https://example.com/a and 日本 t.co/x");
    assert_eq!(
        found,
        vec![
            UrlEntity {
                url: "https://example.com/a".into(),
                start_utf16: 7,
                end_utf16: 28
            },
            UrlEntity {
                url: "t.co/x".into(),
                start_utf16: 36,
                end_utf16: 42
            },
        ]
    );
}

#[test]
fn idn_host_labels_are_limited_to_63_characters_once_punycode_encoded() {
    // Punycode of "ü" followed by 55 "a"s is 59 characters: with "xn--", 63, the most a DNS
    // label may have. One "a" more makes 64: not a host, so not a URL.
    let fits = format!("http://ü{}.com", "a".repeat(55));
    let too_long = format!("http://ü{}.com", "a".repeat(56));
    assert_eq!(urls(&fits), vec![fits.clone()]);
    assert_eq!(urls(&too_long), Vec::<String>::new());
    // IDNA lower-cases before encoding: the upper-case label encodes as the lower-case one.
    let upper = format!("http://Ü{}.com", "a".repeat(55));
    assert_eq!(urls(&upper), vec![upper.clone()]);
    // An ASCII label of 63 characters is a host, of 64 it is not.
    let ascii_63 = format!("{}.com", "b".repeat(63));
    assert_eq!(urls(&ascii_63), vec![ascii_63.clone()]);
    assert_eq!(
        urls(&format!("{}.com", "b".repeat(64))),
        Vec::<String>::new()
    );
}

#[test]
fn url_scanning_stays_fast_on_long_label_chains() {
    // 20,000 labels: a naive scan restarts at every dot and walks the whole chain again.
    let text = "a.".repeat(20_000);
    assert_eq!(urls(&text), Vec::<String>::new());
    let with_tld = format!("{}com", "a-".repeat(10_000));
    assert_eq!(urls(&with_tld), Vec::<String>::new());
    // A 20,000-character host label of distinct CJK characters (punycode is quadratic).
    let host: String = ('\u{4E00}'..).take(20_000).collect();
    assert_eq!(urls(&format!("http://{host}.com")), Vec::<String>::new());
}

// ---------------------------------------------------------------- counting

#[test]
fn empty_and_blank_texts_are_not_valid_posts() {
    let empty = count("", DEFAULT_LIMIT);
    assert_eq!(
        empty,
        Counted {
            weighted_length: 0,
            limit: 280,
            remaining: 280,
            valid: false,
            over_limit_from_utf16: None,
            has_url: false
        }
    );
    let blank = count(" \n\u{3000} ", DEFAULT_LIMIT);
    assert!(!blank.valid);
    assert_eq!(blank.over_limit_from_utf16, None);
}

#[test]
fn premium_limit_accepts_what_the_default_limit_refuses() {
    let text = "a".repeat(300);
    let default = count(&text, DEFAULT_LIMIT);
    assert_eq!(
        (
            default.valid,
            default.remaining,
            default.over_limit_from_utf16
        ),
        (false, -20, Some(280))
    );
    let premium = count(&text, PREMIUM_LIMIT);
    assert_eq!(
        (
            premium.valid,
            premium.remaining,
            premium.over_limit_from_utf16
        ),
        (true, 24_700, None)
    );
    let long = "a".repeat(25_001);
    assert_eq!(
        count(&long, PREMIUM_LIMIT).over_limit_from_utf16,
        Some(25_000)
    );
}

#[test]
fn overflow_offset_is_in_the_text_as_typed_not_the_normalised_text() {
    // "é" typed as e + U+0301 (two UTF-16 units) counts as one character after NFC.
    let decomposed = "e\u{301}".repeat(281);
    let composed = "é".repeat(281);
    let d = count(&decomposed, DEFAULT_LIMIT);
    let c = count(&composed, DEFAULT_LIMIT);
    assert_eq!((d.weighted_length, c.weighted_length), (281, 281));
    assert_eq!(c.over_limit_from_utf16, Some(280));
    // The 281st "é" starts at unit 560 of what the user typed.
    assert_eq!(d.over_limit_from_utf16, Some(560));
    // Text before the decomposed part keeps its offsets.
    let mixed = format!("{}e\u{301}x", "a".repeat(279));
    assert_eq!(
        count(&mixed, DEFAULT_LIMIT).over_limit_from_utf16,
        Some(281)
    );
}

#[test]
fn an_emoji_sequence_or_url_past_the_limit_is_marked_from_its_start() {
    let text = format!("{}👍🏽", "a".repeat(279));
    let counted = count(&text, DEFAULT_LIMIT);
    assert_eq!(
        (counted.weighted_length, counted.over_limit_from_utf16),
        (281, Some(279))
    );
    let text = format!("{} https://example.com/a/long/path", "a".repeat(260));
    let counted = count(&text, DEFAULT_LIMIT);
    assert_eq!((counted.weighted_length, counted.has_url), (284, true));
    assert_eq!(counted.over_limit_from_utf16, Some(261));
}

#[test]
fn emoji_sequences_weigh_two_whatever_their_length() {
    for emoji in ["👨‍👩‍👧‍👦", "🇯🇵", "👍🏽", "❤️", "❤️‍🔥", "1️⃣", "#⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🧑🏽‍🚀", "©️"]
    {
        assert_eq!(weighted_length(emoji), 2, "{emoji:?}");
    }
    // Text-style symbols and digits alone are characters, not emoji.
    assert_eq!(weighted_length("©"), 1);
    assert_eq!(weighted_length("1"), 1);
    // A skin tone after something that takes none is an emoji of its own.
    assert_eq!(weighted_length("a🏽"), 3);
}

#[test]
fn refused_characters_make_a_post_invalid_from_where_they_are() {
    let counted = count("ab\u{FEFF}cd", DEFAULT_LIMIT);
    assert!(!counted.valid);
    assert_eq!(counted.over_limit_from_utf16, Some(2));
}

#[test]
fn urls_weigh_23_with_or_without_a_scheme() {
    assert_eq!(weighted_length("see example.com"), 4 + 23);
    assert_eq!(
        weighted_length(&format!("see https://example.com/{}", "p".repeat(200))),
        4 + 23
    );
    assert!(count("example.com", DEFAULT_LIMIT).has_url);
    assert!(!count("example.invalidtld", DEFAULT_LIMIT).has_url);
}

// ---------------------------------------------------------------- thread splitting

/// A small deterministic generator (xorshift64*), so every run tests the same texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "post",
    "scheduler",
    "keys",
    "signature",
    "café",
    "naïve",
    "re\u{301}sume\u{301}",
    "Ünïcödé",
    "Ελληνικά",
    "русский",
    "עברית",
    "العربية",
    "故人西辞",
    "黄鹤楼",
    "日本語",
    "テスト",
    "한국어",
    "👨‍👩‍👧‍👦",
    "🇯🇵",
    "👍🏽",
    "❤️",
    "1️⃣",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "https://example.com/some/path?x=1",
    "t.co/abcde",
    "example.org",
    "https://en.wikipedia.org/wiki/Rust_(programming_language)",
    "(aside)",
    "\"quoted\"",
];
const ENDINGS: &[&str] = &["", "", "", "", ",", ".", "!", "?", "。", "…"];
const SEPARATORS: &[&str] = &[
    " ", " ", " ", " ", " ", " ", " ", "  ", "\n", "\n\n", " \n\n ",
];

fn random_text(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for _ in 0..words {
        text.push_str(rng.pick(WORDS));
        text.push_str(rng.pick(ENDINGS));
        text.push_str(rng.pick(SEPARATORS));
    }
    text
}

/// A text with words too long for a post: CJK without spaces, a long hash, emoji runs.
fn random_text_with_long_words(rng: &mut Rng, words: usize) -> String {
    let mut text = random_text(rng, words);
    let long = match rng.below(4) {
        0 => "故人西辞黄鹤楼烟花三月下扬州".repeat(20 + rng.below(30)),
        1 => "x".repeat(300 + rng.below(400)),
        2 => "👨‍👩‍👧‍👦".repeat(150 + rng.below(100)),
        _ => format!(
            "{}https://example.com/{}",
            "日本".repeat(70),
            "q".repeat(30)
        ),
    };
    let at = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(rng.below(text.chars().count()))
        .unwrap();
    text.insert_str(at, &format!(" {long} "));
    text
}

/// Checks what `split_thread` promises and returns the posts without their numbers.
fn check_split(text: &str, limit: u32) -> Vec<String> {
    let posts = split_thread(text, limit);
    let n = posts.len();
    assert!(n >= 1, "no posts for a non-blank text");
    let bodies: Vec<String> = posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let counted = count(post, limit);
            assert!(
                counted.valid,
                "post {} of {n} is not valid at {limit}: {counted:?}\n{post:?}",
                i + 1
            );
            let body = if n == 1 {
                post.as_str()
            } else {
                let suffix = format!(" ({}/{n})", i + 1);
                post.strip_suffix(&suffix)
                    .unwrap_or_else(|| panic!("post {} lacks {suffix:?}: {post:?}", i + 1))
            };
            assert!(
                !body.is_empty() && body.trim() == body,
                "untrimmed body {body:?}"
            );
            body.to_string()
        })
        .collect();
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        squeeze(&bodies.concat()),
        squeeze(text),
        "characters lost or reordered"
    );
    bodies
}

#[test]
fn a_text_that_fits_is_one_post_unnumbered() {
    assert_eq!(
        split_thread("  hello world \n", DEFAULT_LIMIT),
        vec!["hello world"]
    );
    assert_eq!(split_thread(" \n ", DEFAULT_LIMIT), Vec::<String>::new());
}

#[test]
fn paragraph_breaks_are_preferred_over_later_word_breaks() {
    // Two paragraphs of 199 characters: the first post could take 74 more of the second.
    let first = "word ".repeat(40).trim_end().to_string();
    let second = "more ".repeat(40).trim_end().to_string();
    let text = format!("{first}\n\n{second}");
    assert_eq!(
        split_thread(&text, DEFAULT_LIMIT),
        vec![format!("{first} (1/2)"), format!("{second} (2/2)")]
    );
}

#[test]
fn sentence_ends_are_preferred_over_later_word_breaks() {
    let sentence = format!("{}.", "word ".repeat(35).trim_end()); // 175 characters
    let rest = "tail ".repeat(40);
    let posts = split_thread(&format!("{sentence} {rest}"), DEFAULT_LIMIT);
    assert_eq!(posts[0], format!("{sentence} (1/2)"));
}

#[test]
fn a_break_too_early_is_not_preferred() {
    // A sentence end after 20 characters would leave the post mostly empty: cut at a word.
    let text = format!("Short sentence here. {}", "word ".repeat(100));
    let posts = split_thread(&text, DEFAULT_LIMIT);
    assert!(weighted_length(&posts[0]) > 250, "{:?}", posts[0]);
}

#[test]
fn long_cjk_text_without_spaces_is_cut_between_characters() {
    let text = "故人西辞黄鹤楼烟花三月下扬州".repeat(30); // 420 characters, weight 840
    let bodies = check_split(&text, DEFAULT_LIMIT);
    assert_eq!(bodies.len(), 4);
    assert!(
        bodies[0].chars().count() >= 135,
        "{}",
        bodies[0].chars().count()
    );
}

#[test]
fn emoji_sequences_and_urls_are_not_cut() {
    let family = "👨‍👩‍👧‍👦";
    for body in check_split(&family.repeat(300), DEFAULT_LIMIT) {
        assert_eq!(body.replace(family, ""), "", "a family was cut: {body:?}");
    }
    let url = "https://example.com/a/path/that/is/long";
    let text = format!("{}{url}", "日".repeat(130)); // one word: 260 + 23
    let bodies = check_split(&text, DEFAULT_LIMIT);
    assert_eq!(bodies, vec!["日".repeat(130), url.to_string()]);
}

#[test]
fn numbering_widens_when_the_thread_has_ten_posts_or_more() {
    let text = "lorem ipsum dolor sit amet ".repeat(130); // about 3,500 characters
    let posts = split_thread(&text, DEFAULT_LIMIT);
    assert!(posts.len() >= 10, "{}", posts.len());
    assert!(posts[9].ends_with(&format!(" (10/{})", posts.len())));
    check_split(&text, DEFAULT_LIMIT);
}

#[test]
fn premium_limit_splits_only_past_25000() {
    let text = "word ".repeat(6_000); // 29,999 characters
    let bodies = check_split(&text, PREMIUM_LIMIT);
    assert_eq!(bodies.len(), 2);
    assert_eq!(split_thread(&"word ".repeat(4_000), PREMIUM_LIMIT).len(), 1);
}

#[test]
fn a_limit_too_small_for_numbering_returns_the_text_whole() {
    let text = "word ".repeat(20);
    assert_eq!(
        split_thread(&text, MIN_SPLIT_LIMIT - 1),
        vec![text.trim().to_string()]
    );
    check_split(&text, MIN_SPLIT_LIMIT);
}

#[test]
fn a_refused_character_is_isolated_and_the_rest_still_splits() {
    let text = format!("{}\u{FEFF} {}", "word ".repeat(60), "more ".repeat(60));
    let posts = split_thread(&text, DEFAULT_LIMIT);
    let invalid: Vec<&String> = posts
        .iter()
        .filter(|p| !count(p, DEFAULT_LIMIT).valid)
        .collect();
    assert_eq!(invalid, vec![&format!("\u{FEFF} (3/{})", posts.len())]);
    let kept: String = posts
        .concat()
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    assert_eq!(kept.len(), 4 * 120);
}

#[test]
fn no_break_spaces_are_not_cut_at() {
    let text = "word ".repeat(50) + &"no\u{A0}break ".repeat(10);
    for post in split_thread(&text, DEFAULT_LIMIT) {
        assert!(
            !post.starts_with("break") && !post.contains("no ("),
            "{post:?}"
        );
    }
}

#[test]
fn property_random_texts_split_into_valid_posts_keeping_every_word_in_order() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..30 {
        let words = 20 + rng.below(180);
        let text = random_text(&mut rng, words);
        // Down to the smallest limit every post is valid and nothing is lost.
        check_split(&text, MIN_SPLIT_LIMIT + rng.below(20) as u32);
        for limit in [DEFAULT_LIMIT, 100, 50] {
            let bodies = check_split(&text, limit);
            // Here every word (at most a URL and a mark, 24) fits a post with its number, so
            // every word survives whole.
            let words: Vec<&str> = text.split_whitespace().collect();
            let joined = bodies.join(" ");
            assert_eq!(
                joined.split_whitespace().collect::<Vec<_>>(),
                words,
                "round {round}, limit {limit}"
            );
            // Every post but the last is reasonably full.
            if limit == DEFAULT_LIMIT {
                for body in bodies.iter().rev().skip(1) {
                    assert!(
                        weighted_length(body) >= 100,
                        "round {round}: short post {body:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn property_random_texts_with_overlong_words_split_into_valid_posts() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..30 {
        let words = 10 + rng.below(100);
        let text = random_text_with_long_words(&mut rng, words);
        for limit in [DEFAULT_LIMIT, 60] {
            check_split(&text, limit);
        }
    }
}
