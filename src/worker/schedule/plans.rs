//! Bulk plans in the worker: `schedule_import` (a CSV file checked whole by the core, then
//! queued in one change or not at all) and `schedule_export`. The zone is the browser's
//! ([`BrowserZone`]).

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::store;
use crate::csv_plan::{self, ExportItem, ImportAccount, ImportContext, RowError};
use crate::leak;
use crate::worker::platform::BrowserZone;
use crate::worker::protocol::ImportFile;
use crate::worker::protocol::answers::{CsvFile, Imported};
use crate::worker::{AppError, media, session};

fn row_json(e: &RowError) -> Value {
    let mut row = json!({ "line": e.line, "code": e.code });
    if let Some(detail) = &e.detail {
        row["detail"] = json!(detail);
    }
    row
}

fn invalid(rows: &[RowError]) -> AppError {
    AppError::new("import_invalid").with("rows", rows.iter().map(row_json).collect::<Vec<_>>())
}

/// Checks every row, then queues every item in one change of the queue: `{queued, media_used}`,
/// or `import_invalid` with `rows: [{line, code, detail?}]` and nothing queued.
pub async fn import(csv: String, files: Vec<ImportFile>) -> Result<Imported, AppError> {
    let open = session::open(true).await?;
    store::remember_usernames(&open).await;
    let accounts: Vec<ImportAccount> = open
        .doc
        .accounts
        .iter()
        .filter_map(|a| {
            a.user.as_ref().map(|u| ImportAccount {
                id: &a.id,
                username: &u.username,
                premium: a.premium,
            })
        })
        .collect();
    let media: HashMap<String, String> = files.into_iter().map(|f| (f.name, f.media_id)).collect();
    let ctx = ImportContext {
        accounts: &accounts,
        media: &media,
        zone: &BrowserZone,
        now_ms: crate::worker::clock::now().await,
    };
    let items = csv_plan::plan(&csv, &ctx).map_err(|rows| invalid(&rows))?;
    let leaks = csv_plan::leaking_rows(&items, &leak::secrets_of(&open.doc));
    if !leaks.is_empty() {
        return Err(invalid(&leaks));
    }
    // Each named image is checked as scheduling checks it (its real type and size, one GIF
    // alone), so a picked PDF or a 1 GB file is refused now, by its line, not at the due time.
    let mut bad_media = Vec::new();
    for item in &items {
        if let Err(e) = media::check(&item.posts).await {
            let line = item.lines.first().copied().unwrap_or(1);
            bad_media.push(json!({ "line": line, "code": e.code }));
        }
    }
    if !bad_media.is_empty() {
        return Err(AppError::new("import_invalid").with("rows", bad_media));
    }
    let used: HashSet<String> = items
        .iter()
        .flat_map(|i| {
            i.posts
                .iter()
                .flat_map(|p| p.media.iter().map(|m| m.media_id.clone()))
        })
        .collect();
    // One change, all or nothing (the core's rule): a refusal (a due time that slipped into the
    // past meanwhile) stores nothing.
    let count = store::with_queue_unlocked(|q, now| Ok(csv_plan::queue_all(q, items, now)))
        .await?
        .map_err(|rows| invalid(&rows))?;
    Ok(Imported {
        queued: count,
        media_used: used.into_iter().collect(),
    })
}

/// The queue's waiting items in the import's format: `{file_name, csv}`. The texts are sealed,
/// so the vault must be unlocked.
pub async fn export() -> Result<CsvFile, AppError> {
    session::open(true).await?;
    let loaded = store::read_loaded().await?;
    let names = store::usernames().await?;
    let items: Vec<ExportItem> = loaded
        .queue
        .upcoming()
        .into_iter()
        .filter(|i| loaded.has_contents(i.id))
        .map(|i| ExportItem {
            handle: names.get(&i.account_id).map_or(&i.account_id, |n| n),
            due_at_ms: i.due_at_ms,
            posts: &i.posts,
        })
        .collect();
    Ok(CsvFile {
        file_name: "keypost-queue.csv",
        csv: csv_plan::export(&items, &BrowserZone),
        count: items.len(),
    })
}
