//! Scheduled posts as CSV: a small RFC 4180 reader, the import plan (every row checked as
//! scheduling checks it, errors reported by line before anything is queued) and the export.
//!
//! # The format
//!
//! A header row names the columns, in any order (case does not matter):
//!
//! | column | required | what |
//! |---|---|---|
//! | `account` | yes | the account's X handle (`@name` or `name`) |
//! | `due` | yes | `YYYY-MM-DD HH:MM[:SS]` in the user's zone, or with `Z` / `±HH:MM` |
//! | `text` | yes | the post's text (quote it for commas, quotes and line breaks) |
//! | `part` | no | empty or `1` starts a post; `2`, `3`, ... continue the thread above |
//! | `media` | no | image file names picked with the CSV, separated by `\|` |
//! | `alt` | no | their alt texts, in the same order, separated by `\|` |
//!
//! A thread's later parts leave `account` and `due` empty (or repeat them). Fields are
//! separated by commas, records by CRLF or LF; a leading byte-order mark is skipped.
//!
//! Not here: reading files, the clock, the zone (a [`Zone`] comes in), storing anything.

use std::collections::HashMap;

use crate::civil::{self, Zone};
use crate::compose::{self, MediaInput, PostInput};
use crate::schedule::{self, PlannedPost};

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 1000;
/// The columns, as the export writes them.
pub const COLUMNS: [&str; 6] = ["account", "due", "text", "part", "media", "alt"];
const REQUIRED: [&str; 3] = ["account", "due", "text"];
/// What separates several file names (or alt texts) in one field.
const LIST_SEPARATOR: char = '|';

/// One record of the file, and the line it starts on (1-based; a quoted line break inside a
/// field makes a record span lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The line the record starts on.
    pub line: usize,
    /// Its fields, unquoted.
    pub fields: Vec<String>,
}

/// The file is not CSV: a quote left open, or a quote inside an unquoted field or after a
/// quoted one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteError {
    /// Where.
    pub line: usize,
}

/// Reads CSV text (RFC 4180, with LF as well as CRLF, and a leading BOM skipped). Blank lines
/// are skipped.
pub fn parse(text: &str) -> Result<Vec<Record>, QuoteError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut after_quote = false;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                let blank = !quoted && fields.len() == 1 && fields.iter().all(String::is_empty);
                if !blank {
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                record_line = line;
                after_quote = false;
                quoted = false;
            }
            '"' if field.is_empty() && !after_quote => {
                in_quotes = true;
                quoted = true;
            }
            '"' => return Err(QuoteError { line }),
            _ if after_quote => return Err(QuoteError { line }),
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(QuoteError { line: record_line });
    }
    if quoted || !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

/// An account an import may name, as the vault knows it.
#[derive(Clone, Copy, Debug)]
pub struct ImportAccount<'a> {
    /// The accounts module's id.
    pub id: &'a str,
    /// Its X username (without `@`).
    pub username: &'a str,
    /// Whether it has X's longer post limit.
    pub premium: bool,
}

/// One post or thread of the file, checked and ready to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportItem {
    /// The line of each of its rows, in thread order.
    pub lines: Vec<usize>,
    /// The account that posts.
    pub account_id: String,
    /// The posts (images by their key in the media store).
    pub posts: Vec<PostInput>,
    /// When, Unix milliseconds.
    pub due_at_ms: u64,
}

/// Why a row cannot be queued: a stable code (the page's `err_<code>` text), and the value it
/// is about when that helps (a handle, a file name, a date as written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line the row starts on (the header is line 1).
    pub line: usize,
    /// The stable code.
    pub code: &'static str,
    /// The value at fault, as written.
    pub detail: Option<String>,
}

impl RowError {
    fn new(line: usize, code: &'static str) -> Self {
        RowError {
            line,
            code,
            detail: None,
        }
    }

    fn about(line: usize, code: &'static str, detail: &str) -> Self {
        RowError {
            line,
            code,
            detail: Some(detail.to_owned()),
        }
    }
}

/// What an import checks rows against.
pub struct ImportContext<'a, Z: Zone> {
    /// The accounts a row may name.
    pub accounts: &'a [ImportAccount<'a>],
    /// The image files picked with the CSV: file name to media-store key.
    pub media: &'a HashMap<String, String>,
    /// The user's zone, for times written without one.
    pub zone: &'a Z,
    /// Now, Unix milliseconds.
    pub now_ms: u64,
}

/// Column positions in the header.
struct Header {
    index: HashMap<&'static str, usize>,
    width: usize,
}

impl Header {
    fn read(record: &Record) -> Result<Header, RowError> {
        let mut index = HashMap::new();
        for (i, name) in record.fields.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            let known = COLUMNS.iter().find(|c| **c == name);
            match known {
                Some(column) if !index.contains_key(column) => {
                    index.insert(*column, i);
                }
                _ => return Err(RowError::about(record.line, "import_bad_column", &name)),
            }
        }
        if let Some(missing) = REQUIRED.iter().find(|c| !index.contains_key(*c)) {
            return Err(RowError::about(
                record.line,
                "import_missing_column",
                missing,
            ));
        }
        Ok(Header {
            index,
            width: record.fields.len(),
        })
    }

    fn get<'r>(&self, record: &'r Record, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|i| record.fields.get(*i))
            .map_or("", |field| unguarded(field))
    }
}

/// An item being built, with the premium flag its length check needs.
struct Building {
    item: ImportItem,
    premium: bool,
    account: String,
    due: String,
    failed: bool,
}

/// Reads a CSV file and checks every row as scheduling would (the account, the time, the
/// images, then each post or thread with the composer's checks, length counter included).
/// Either every row is good and the items come back, or nothing does and every bad row is
/// reported, one error per line, in line order.
pub fn plan<Z: Zone>(
    csv: &str,
    ctx: &ImportContext<'_, Z>,
) -> Result<Vec<ImportItem>, Vec<RowError>> {
    let records = parse(csv).map_err(|e| vec![RowError::new(e.line, "import_csv_quote")])?;
    let mut rows = records.iter();
    let header = match rows.next() {
        Some(first) => Header::read(first).map_err(|e| vec![e])?,
        None => return Err(vec![RowError::new(1, "import_no_rows")]),
    };
    let rows: Vec<&Record> = rows.collect();
    if rows.is_empty() {
        return Err(vec![RowError::new(1, "import_no_rows")]);
    }
    if rows.len() > MAX_ROWS {
        return Err(vec![RowError::about(
            1,
            "import_too_many_rows",
            &MAX_ROWS.to_string(),
        )]);
    }
    let mut errors = Vec::new();
    let mut items: Vec<Building> = Vec::new();
    for record in rows {
        match read_row(&header, record, ctx, &mut items) {
            Ok(()) => {}
            Err(e) => {
                if let Some(last) = items.last_mut()
                    && last.item.lines.last() == Some(&record.line)
                {
                    last.failed = true;
                }
                errors.push(e);
            }
        }
    }
    for building in &items {
        if building.failed {
            continue;
        }
        if let Err(e) = compose::validate(&building.item.posts, building.premium) {
            let step = e.step().unwrap_or(0);
            let line = building
                .item
                .lines
                .get(step)
                .or(building.item.lines.first())
                .copied()
                .unwrap_or(1);
            errors.push(RowError::new(line, e.code()));
        }
    }
    if errors.is_empty() {
        Ok(items.into_iter().map(|b| b.item).collect())
    } else {
        errors.sort_by_key(|e| e.line);
        errors.dedup_by_key(|e| e.line);
        Err(errors)
    }
}

/// Checks one row and adds it to `items` (a new item, or the next part of the last one).
/// A row that starts an item is added even when it fails, so its later parts attach to it.
fn read_row<Z: Zone>(
    header: &Header,
    record: &Record,
    ctx: &ImportContext<'_, Z>,
    items: &mut Vec<Building>,
) -> Result<(), RowError> {
    let line = record.line;
    let field = |column: &str| header.get(record, column).trim();
    let account = field("account");
    let due = field("due");
    let part = field("part");
    let text = header.get(record, "text");
    let number: usize = match part {
        "" => 1,
        p => p
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| RowError::about(line, "import_bad_part", p))?,
    };
    if number > 1 {
        let last = items
            .last_mut()
            .filter(|b| b.item.lines.len() + 1 == number)
            .ok_or_else(|| RowError::about(line, "import_bad_part", part))?;
        last.item.lines.push(line);
        if (!account.is_empty() && handle(account) != last.account)
            || (!due.is_empty() && due != last.due)
        {
            last.item.posts.push(text_post(text));
            return Err(RowError::new(line, "import_thread_differs"));
        }
        let post = post_of(header, record, ctx);
        last.item
            .posts
            .push(post.as_ref().cloned().unwrap_or_else(|_| text_post(text)));
        if record.fields.len() > header.width {
            return Err(RowError::new(line, "import_extra_fields"));
        }
        return post.map(|_| ());
    }
    let found = ctx
        .accounts
        .iter()
        .find(|a| a.username.to_ascii_lowercase() == handle(account));
    let post = post_of(header, record, ctx);
    items.push(Building {
        item: ImportItem {
            lines: vec![line],
            account_id: found.map(|a| a.id.to_owned()).unwrap_or_default(),
            posts: vec![post.as_ref().cloned().unwrap_or_else(|_| text_post(text))],
            due_at_ms: 0,
        },
        premium: found.is_some_and(|a| a.premium),
        account: handle(account),
        due: due.to_owned(),
        failed: false,
    });
    if record.fields.len() > header.width {
        return Err(RowError::new(line, "import_extra_fields"));
    }
    if found.is_none() {
        return Err(RowError::about(line, "import_unknown_account", account));
    }
    let due_at_ms = civil::parse_date_time(due, ctx.zone)
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| RowError::about(line, "import_bad_date", due))?;
    schedule::validate_due(due_at_ms, ctx.now_ms).map_err(|e| RowError::new(line, e.code()))?;
    if let Some(building) = items.last_mut() {
        building.item.due_at_ms = due_at_ms;
    }
    post.map(|_| ())
}

/// A handle as compared: without `@`, in lower case (X's handles ignore case).
fn handle(account: &str) -> String {
    account
        .strip_prefix('@')
        .unwrap_or(account)
        .to_ascii_lowercase()
}

/// The row's post: its text, and its images found among the picked files.
fn post_of<Z: Zone>(
    header: &Header,
    record: &Record,
    ctx: &ImportContext<'_, Z>,
) -> Result<PostInput, RowError> {
    let names = list(header.get(record, "media"));
    let alts = list(header.get(record, "alt"));
    let mut media = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let media_id = ctx
            .media
            .get(*name)
            .ok_or_else(|| RowError::about(record.line, "import_unknown_media", name))?;
        media.push(MediaInput {
            media_id: media_id.clone(),
            alt: alts.get(i).map_or("", |a| *a).to_owned(),
        });
    }
    Ok(PostInput {
        text: header.get(record, "text").to_owned(),
        media,
    })
}

/// The non-empty entries of a `|`-separated field, trimmed.
fn list(field: &str) -> Vec<&str> {
    field
        .split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A post with this text and no images (what a row that failed still adds to its item).
fn text_post(text: &str) -> PostInput {
    PostInput {
        text: text.to_owned(),
        media: Vec::new(),
    }
}

/// The rows whose posts hold one of the four keys (the leak guard, [`crate::leak`]), each
/// named by the line of the step at fault.
#[must_use]
pub fn leaking_rows(items: &[ImportItem], secrets: &[&str]) -> Vec<RowError> {
    items
        .iter()
        .filter_map(|item| {
            crate::leak::check_posts(&item.posts, secrets)
                .err()
                .map(|e| RowError {
                    line: item
                        .lines
                        .get(e.step)
                        .or(item.lines.first())
                        .copied()
                        .unwrap_or(1),
                    code: e.code(),
                    detail: None,
                })
        })
        .collect()
}

/// Queues every item or none: they are added to a copy of `queue`, which replaces it only
/// when every one was accepted; else the rows refused (by the line of their first row).
///
/// # Errors
/// The refused rows; `queue` is unchanged.
pub fn queue_all(
    queue: &mut crate::schedule::Queue,
    items: Vec<ImportItem>,
    now_ms: u64,
) -> Result<usize, Vec<RowError>> {
    let mut scratch = queue.clone();
    let mut failed = Vec::new();
    let count = items.len();
    for item in items {
        let line = item.lines.first().copied().unwrap_or(1);
        let draft = crate::schedule::NewItem {
            account_id: item.account_id,
            posts: item
                .posts
                .into_iter()
                .map(crate::schedule::PlannedPost::from)
                .collect(),
            due_at_ms: item.due_at_ms,
        };
        if let Err(e) = scratch.add(draft, now_ms) {
            failed.push(RowError {
                line,
                code: e.code(),
                detail: None,
            });
        }
    }
    if !failed.is_empty() {
        return Err(failed);
    }
    *queue = scratch;
    Ok(count)
}

/// One queued item as the export writes it.
#[derive(Clone, Copy, Debug)]
pub struct ExportItem<'a> {
    /// The account's handle, without `@` (the account id when its name is not known).
    pub handle: &'a str,
    /// When it is due, Unix milliseconds.
    pub due_at_ms: u64,
    /// Its posts.
    pub posts: &'a [PlannedPost],
}

/// Writes items in the import's format: one row per post, a thread's parts numbered, the time
/// with the user's offset. Images are not in the file (their bytes stay in this browser): the
/// `media` and `alt` columns are left empty.
pub fn export<Z: Zone>(items: &[ExportItem<'_>], zone: &Z) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for item in items {
        let due = civil::format_with_offset(zone, i64::try_from(item.due_at_ms).unwrap_or(0));
        let thread = item.posts.len() > 1;
        for (i, post) in item.posts.iter().enumerate() {
            let part = if thread {
                (i + 1).to_string()
            } else {
                String::new()
            };
            // The handle without its `@`, which the import accepts either way: a cell starting
            // with `@` would open as a formula in a spreadsheet.
            let (handle, when) = if i == 0 {
                (item.handle.to_owned(), due.as_str())
            } else {
                (String::new(), "")
            };
            let row = [handle.as_str(), when, &post.text, &part, "", ""];
            let fields: Vec<String> = row.iter().map(|f| quote(&guarded(f))).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// What a spreadsheet would read as a formula when a cell starts with it (OWASP's CSV
/// injection list): `=`, `+`, `-`, `@`, a tab or a carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as the export writes it: one a spreadsheet would run as a formula (a post starting
/// with `=`, the `@handle` column) gets a leading `'`, so it opens as text.
fn guarded(field: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(field) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

/// A cell as the import reads it: the export's `'` before a formula character is taken off
/// again, so an exported file imports as it was.
fn unguarded(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => field,
    }
}

/// Whether a cell starts with a formula character, after any number of `'` (so a text that
/// itself starts with `'=` keeps its `'` through an export and an import).
fn needs_guard(field: &str) -> bool {
    field.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A field as CSV writes it: quoted when it holds a comma, a quote, a line break or edge spaces.
fn quote(field: &str) -> String {
    let needs = field.contains([',', '"', '\r', '\n'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
