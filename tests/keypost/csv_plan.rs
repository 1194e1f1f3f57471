//! The CSV import and export: the RFC 4180 reader (quotes, embedded line breaks, BOM, CRLF),
//! and every row checked as scheduling checks it, errors by line, nothing planned while one
//! row is bad.

use std::collections::HashMap;

use keypost::civil::{FixedOffset, parse_date_time};
use keypost::csv_plan::{ExportItem, ImportAccount, ImportContext, RowError, export, parse, plan};
use keypost::schedule::PlannedPost;

/// 2026-12-01T00:00:00Z.
const NOW: u64 = 1_796_083_200_000;

const ACCOUNTS: [ImportAccount<'static>; 2] = [
    ImportAccount {
        id: "acc-demo",
        username: "keypost_demo",
        premium: false,
    },
    ImportAccount {
        id: "acc-second",
        username: "Keypost_Second",
        premium: true,
    },
];

fn media() -> HashMap<String, String> {
    HashMap::from([
        ("cat.png".to_owned(), "m-cat".to_owned()),
        ("dog.jpg".to_owned(), "m-dog".to_owned()),
    ])
}

fn run(csv: &str) -> Result<Vec<keypost::csv_plan::ImportItem>, Vec<RowError>> {
    let media = media();
    let zone = FixedOffset(3_600_000);
    let ctx = ImportContext {
        accounts: &ACCOUNTS,
        media: &media,
        zone: &zone,
        now_ms: NOW,
    };
    plan(csv, &ctx)
}

fn codes(errors: &[RowError]) -> Vec<(usize, &'static str)> {
    errors.iter().map(|e| (e.line, e.code)).collect()
}

#[test]
fn reads_quotes_embedded_line_breaks_bom_and_crlf() {
    let text = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nplain,,\"\"\n";
    let records = parse(text).expect("csv");
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].fields, ["a", "b", "c"]);
    assert_eq!(records[1].fields, ["x, y", "say \"hi\"", "two\nlines"]);
    assert_eq!(records[1].line, 2);
    assert_eq!(
        records[2].line, 5,
        "the quoted break and the blank line count"
    );
    assert_eq!(records[2].fields, ["plain", "", ""]);
}

#[test]
fn refuses_broken_quotes_by_line() {
    assert_eq!(parse("a\n\"open\nstill").unwrap_err().line, 2);
    assert_eq!(parse("a\nx\"y\n").unwrap_err().line, 2);
    assert_eq!(parse("a\n\"q\"z\n").unwrap_err().line, 2);
    let errors = run("account,due,text\n@keypost_demo,2026-12-02 09:00,\"open\n").unwrap_err();
    assert_eq!(codes(&errors), [(2, "import_csv_quote")]);
}

#[test]
fn a_good_file_plans_posts_threads_and_images() {
    let csv = "Text,Due,Account,Part,Media,Alt\n\
        hello,2026-12-02 09:00,@keypost_demo,,cat.png|dog.jpg,a cat|a dog\n\
        thread one,2026-12-02T08:00:00Z,keypost_second,1,,\n\
        thread two,,,2,,\n\
        thread three,,@Keypost_Second,3,dog.jpg,\n";
    let items = run(csv).expect("valid");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].account_id, "acc-demo");
    assert_eq!(
        items[0].due_at_ms,
        NOW + 32 * 3_600_000,
        "09:00 local at +01:00"
    );
    assert_eq!(items[0].posts[0].media.len(), 2);
    assert_eq!(items[0].posts[0].media[1].media_id, "m-dog");
    assert_eq!(items[0].posts[0].media[1].alt, "a dog");
    assert_eq!(items[1].lines, [3, 4, 5]);
    assert_eq!(items[1].account_id, "acc-second");
    let texts: Vec<&str> = items[1].posts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["thread one", "thread two", "thread three"]);
}

#[test]
fn every_bad_row_is_reported_by_line_and_nothing_is_planned() {
    let long = "x".repeat(281);
    let csv = format!(
        "account,due,text\n\
        @keypost_demo,2026-12-02 09:00,fine\n\
        @nobody,2026-12-02 09:00,unknown handle\n\
        @keypost_demo,2026-13-02 09:00,bad month\n\
        @keypost_demo,tomorrow,bad date\n\
        @keypost_demo,2026-11-30 09:00,in the past\n\
        @keypost_demo,2028-12-02 09:00,too far\n\
        @keypost_demo,2026-12-02 09:00,{long}\n\
        @keypost_second,2026-12-02 09:00,{long}\n\
        @keypost_demo,2026-12-02 09:00,\"  \"\n"
    );
    let errors = run(&csv).unwrap_err();
    assert_eq!(
        codes(&errors),
        [
            (3, "import_unknown_account"),
            (4, "import_bad_date"),
            (5, "import_bad_date"),
            (6, "schedule_in_past"),
            (7, "schedule_too_far"),
            (8, "post_too_long"),
            (10, "post_empty"),
        ],
        "line 9 is the same text for a premium account: within its limit"
    );
    assert_eq!(errors[0].detail.as_deref(), Some("@nobody"));
    assert_eq!(errors[2].detail.as_deref(), Some("tomorrow"));
}

#[test]
fn the_length_counter_is_x_s_weighted_one() {
    // 140 CJK characters weigh 280: at the limit; one more is over.
    let at_limit = "字".repeat(140);
    let over = "字".repeat(141);
    let csv = format!(
        "account,due,text\n@keypost_demo,2026-12-02 09:00,{at_limit}\n@keypost_demo,2026-12-02 09:00,{over}\n"
    );
    assert_eq!(codes(&run(&csv).unwrap_err()), [(3, "post_too_long")]);
}

#[test]
fn header_parts_media_and_width_errors() {
    assert_eq!(
        codes(&run("account,text\n").unwrap_err()),
        [(1, "import_missing_column")]
    );
    assert_eq!(
        codes(&run("account,due,text,colour\n").unwrap_err()),
        [(1, "import_bad_column")]
    );
    assert_eq!(
        codes(&run("account,due,text\n").unwrap_err()),
        [(1, "import_no_rows")]
    );
    assert_eq!(codes(&run("").unwrap_err()), [(1, "import_no_rows")]);
    let csv = "account,due,text,part,media\n\
        @keypost_demo,2026-12-02 09:00,a,2,\n\
        @keypost_demo,2026-12-02 09:00,b,1,\n\
        ,,c,3,\n\
        @keypost_demo,2026-12-02 09:00,d,,missing.png\n\
        @keypost_demo,2026-12-02 09:00,e,1,\n\
        @keypost_second,,f,2,\n\
        @keypost_demo,2026-12-02 09:00,g,,,extra\n\
        @keypost_demo,2026-12-02 09:00,h,x,\n";
    assert_eq!(
        codes(&run(csv).unwrap_err()),
        [
            (2, "import_bad_part"),
            (4, "import_bad_part"),
            (5, "import_unknown_media"),
            (7, "import_thread_differs"),
            (8, "import_extra_fields"),
            (9, "import_bad_part"),
        ]
    );
}

#[test]
fn a_thread_s_bad_part_is_reported_on_its_own_line() {
    let csv = format!(
        "account,due,text,part\n@keypost_demo,2026-12-02 09:00,first,1\n,,{},2\n",
        "y".repeat(300)
    );
    assert_eq!(codes(&run(&csv).unwrap_err()), [(3, "post_too_long")]);
}

#[test]
fn too_many_rows_are_refused_whole() {
    let mut csv = String::from("account,due,text\n");
    for i in 0..1001 {
        csv.push_str(&format!("@keypost_demo,2026-12-02 09:00,post {i}\n"));
    }
    assert_eq!(
        codes(&run(&csv).unwrap_err()),
        [(1, "import_too_many_rows")]
    );
}

#[test]
fn the_export_reads_back_as_the_same_plan() {
    let zone = FixedOffset(3_600_000);
    let single = [PlannedPost::text("hello, \"world\"\nsecond line")];
    let thread = [PlannedPost::text("one"), PlannedPost::text(" two ")];
    let due = parse_date_time("2026-12-02 09:00", &zone).unwrap_or_default() as u64;
    let items = [
        ExportItem {
            handle: "keypost_demo",
            due_at_ms: due,
            posts: &single,
        },
        ExportItem {
            handle: "keypost_second",
            due_at_ms: due + 60_000,
            posts: &thread,
        },
    ];
    let csv = export(&items, &zone);
    assert!(
        csv.starts_with(
            "account,due,text,part,media,alt\r\nkeypost_demo,2026-12-02T09:00:00+01:00,"
        )
    );
    let planned = run(&csv).expect("its own export imports");
    assert_eq!(planned.len(), 2);
    assert_eq!(planned[0].posts[0].text, single[0].text);
    assert_eq!(planned[0].due_at_ms, due);
    assert_eq!(planned[1].posts[1].text, " two ");
    assert_eq!(planned[1].due_at_ms, due + 60_000);
}

#[test]
fn an_exported_cell_a_spreadsheet_would_run_opens_as_text_and_imports_back_as_written() {
    let zone = FixedOffset(0);
    let texts = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1 for this",
        "-2 degrees",
        "@someone said hi",
        "\tindented",
        "'quoted on purpose",
        "'=kept as typed",
    ];
    let posts: Vec<PlannedPost> = texts.iter().map(|t| PlannedPost::text(*t)).collect();
    let due = parse_date_time("2026-12-02 09:00", &zone).unwrap_or_default() as u64;
    let items: Vec<ExportItem> = posts
        .chunks(1)
        .enumerate()
        .map(|(i, p)| ExportItem {
            handle: "keypost_demo",
            due_at_ms: due + i as u64 * 60_000,
            posts: p,
        })
        .collect();
    let csv = export(&items, &zone);
    for record in &parse(&csv).unwrap()[1..] {
        for cell in &record.fields {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula"
            );
        }
    }
    let planned = run(&csv).expect("its own export imports");
    let back: Vec<&str> = planned.iter().map(|i| i.posts[0].text.as_str()).collect();
    assert_eq!(back, texts, "each text as it was written");
}

/// Fuzz-style: random bytes never panic the reader, and any field list written with the
/// export's quoting reads back as itself.
#[test]
fn random_input_never_panics_and_quoting_round_trips() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = ['a', ',', '"', '\r', '\n', ' ', '字', '\u{feff}', 'z'];
    for _ in 0..5000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let _ = parse(&text);
        let _ = run(&format!("account,due,text\n{text}"));
        let fields: Vec<String> = (0..3)
            .map(|_| {
                let l = (next() % 8) as usize;
                (0..l)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .filter(|c| *c != '\u{feff}')
                    .collect::<String>()
                    .replace('\r', "")
            })
            .collect();
        let posts = [PlannedPost::text(fields[2].clone())];
        let item = ExportItem {
            handle: "keypost_demo",
            due_at_ms: NOW,
            posts: &posts,
        };
        let csv = export(&[item], &FixedOffset(0));
        let records = parse(&csv).expect("the export is CSV");
        assert_eq!(records[1].fields[2], fields[2], "{csv:?}");
    }
}

#[test]
fn an_import_queues_every_row_or_none_and_a_pasted_key_is_named_by_its_line() {
    let csv = "account,due,text\n\
        @keypost_demo,2026-12-02 09:00,first\n\
        @keypost_demo,2026-12-02 10:00,my secret AAAAAAAAAAAAAAAAAAAAAAAAA1 oops\n\
        @keypost_demo,2026-12-02 11:00,third\n";
    let items = run(csv).expect("valid rows");
    let leaks = keypost::csv_plan::leaking_rows(&items, &["AAAAAAAAAAAAAAAAAAAAAAAAA1"]);
    assert_eq!(codes(&leaks), [(3, "post_contains_secret")]);

    let mut queue = keypost::schedule::Queue::new();
    assert_eq!(
        keypost::csv_plan::queue_all(&mut queue, items.clone(), NOW),
        Ok(3)
    );
    assert_eq!(queue.items().len(), 3);
    // The same rows a day later: 09:00 and 10:00 are past now, so nothing more is queued.
    let later = NOW + 34 * 3_600_000;
    let refused = keypost::csv_plan::queue_all(&mut queue, items, later).expect_err("past");
    assert_eq!(
        codes(&refused),
        [(2, "schedule_in_past"), (3, "schedule_in_past")]
    );
    assert_eq!(queue.items().len(), 3, "all or nothing");
}
