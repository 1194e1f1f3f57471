// The messages between the pages and the core, as JSDoc types: a mirror of
// docs/PROTOCOL.md. `ask` (rpc.js) is typed by these maps, so `tsc --checkJs` fails on a
// misspelled message type, a misspelled or missing field, or a field read that no answer has.
// Keep it in step with PROTOCOL.md (the wire is the core's; this file only describes it).
export {};

/** @typedef {{code: string, [detail: string]: any}} CoreError */
/** One bad row of a CSV import (`import_invalid`'s `rows`). @typedef {{line: number, code: string, detail?: string}} ImportRowError */
/** @template T @typedef {{ok: T, error?: undefined} | {ok?: undefined, error: CoreError}} Answer */

/** @typedef {"5"|"15"|"60"|"240"|"restart"} Autolock */
/** @typedef {{kind: "post_late"} | {kind: "ask"} | {kind: "skip_after", minutes: number}} LatePolicy */
/** @typedef {{autolock: Autolock, share_page_link: boolean, notify_sent: boolean, notify_text?: boolean, hold_late: boolean, late_policy?: LatePolicy|null}} Settings */
/** @typedef {{id: string, name: string, username: string, profile_image_url?: string}} XUser */
/** @typedef {"verified"|"read_only"|"unverified"|"needs_attention"} DisplayState */
/**
 * @typedef {{state: "unverified"} | {state: "verified", at_ms: number, access_level?: string}
 *   | {state: "needs_attention", code: string, at_ms: number}} AccountStatus
 */
/**
 * @typedef {object} AccountView
 * @property {string} id
 * @property {string} label
 * @property {boolean} premium
 * @property {boolean} is_default
 * @property {XUser} [user]
 * @property {AccountStatus} status
 * @property {DisplayState} display_state what the pages show (the core derives it from status)
 * @property {{api_key: string, access_token: string}} masked
 */
/**
 * @typedef {object} VaultStatus
 * @property {boolean} exists
 * @property {boolean} unlocked
 * @property {Settings} settings
 * @property {AccountView[]} accounts empty while locked
 * @property {string|null} [default_id]
 * @property {{replaced_ms: number, expires_ms: number|null}|null} [previous] the vault an import replaced, while it is kept
 */
/**
 * The core's estimate of a passphrase being chosen and whether its floor accepts it (the pages'
 * pure `passphrase_strength()` export; the worker takes no such message, so a candidate
 * passphrase never travels to it).
 * @typedef {object} StrengthReport
 * @property {number} score 0..4
 * @property {string} hint a strengthHint_* code
 * @property {boolean} acceptable
 * @property {string|null} refusal empty_passphrase | passphrase_too_short | passphrase_too_weak
 * @property {number} min_chars
 * @property {number} min_score
 */
/** @typedef {{exists: boolean, unlocked: boolean, rev: number}} VaultState the `vault_state` record in storage.session */
/** @typedef {{api_key?: string, api_secret?: string, access_token?: string, access_token_secret?: string}} Keys */
/** @typedef {{account: AccountView, warning?: string}} AccountAnswer */

/** @typedef {{media_id: string, name?: string, type?: string, size?: number, alt: string}} DraftMedia */
/** @typedef {{text: string, media: DraftMedia[]}} DraftPost */
/** @typedef {{account_id?: string, posts: DraftPost[], updated_ms: number}} Draft */
/** @typedef {{id: string, url?: string}} Posted */
/**
 * A post that failed (or whose outcome is unknown), as the core's outbox keeps it.
 * @typedef {object} PostFailure
 * @property {string} code
 * @property {number} [step]
 * @property {number} [steps]
 * @property {Posted[]} [posted]
 * @property {boolean} [resumable]
 */
/** @typedef {{text: string, media: {media_id: string, alt: string}[]}} PostIn */
/**
 * @typedef {object} Progress
 * @property {boolean} active
 * @property {number} [step]
 * @property {number} [steps]
 * @property {"uploading"|"posting"|"done"} [phase]
 * @property {number} [uploaded_bytes]
 * @property {number} [total_bytes]
 */
/** @typedef {{account_id: string, username: string, id: string, url?: string, text: string, at_ms: number}} SentPost */

/**
 * @typedef {{kind: "scheduled", at_ms: number} | {kind: "sending", since_ms: number, step: number}
 *   | {kind: "sent", at_ms: number} | {kind: "failed", code: string, retryable: boolean, at_ms: number}
 *   | {kind: "retry_waiting", until_ms: number, code: string} | {kind: "needs_unlock", since_ms: number}
 *   | {kind: "needs_confirmation", reason: "unknown_outcome"|"late"|"reply_target_unknown", since_ms: number}
 *   | {kind: "cancelled", at_ms: number} | {kind: "skipped", at_ms: number}} ItemState
 */
/** @typedef {"edit"|"reschedule"|"late_policy"|"cancel"|"post_now"|"retry"|"resolve"|"remove"} ItemAction */
/**
 * @typedef {object} ItemView
 * @property {number} id
 * @property {string} account_id
 * @property {string} [username]
 * @property {ItemState} state
 * @property {number} due_at_ms
 * @property {number} [wake_at_ms]
 * @property {boolean} late
 * @property {{due_at_ms: number, actual_ms: number, late_by_ms: number}|null} [lateness] a late post's original and actual time
 * @property {LatePolicy|null} [late_policy] its own late policy (none: the default setting's)
 * @property {number} attempts
 * @property {PostIn[]} posts
 * @property {{id?: string, url?: string, at_ms: number, via: "response"|"duplicate"|"user"}[]} posted
 * @property {{at_ms: number, step: number, outcome: any}[]} history
 * @property {ItemAction[]} actions what the user may do with it now (the core's guards)
 * @property {("posted"|"send")[]} resolutions the answers schedule_resolve accepts now
 * @property {boolean} post_ref_required whether a "posted" answer must name the post
 * @property {number} fixed_steps how many leading posts schedule_edit must leave unchanged
 */
/**
 * The toolbar badge as the core computes it (`schedule_summary`, and `summary` in the list).
 * @typedef {{text: string, color: string, queued: number, needs_user: number,
 *   reason: "failed"|"decide"|"unlock"|"locked"|null, next_due_ms: number|null}} ScheduleSummary
 */
/** @typedef {{now_ms: number, upcoming: ItemView[], upcoming_total?: number, past: ItemView[], past_total?: number, needs_user: number, summary?: ScheduleSummary}} ScheduleList */

/**
 * Every message: its fields, and what its `ok` holds.
 * @typedef {object} Requests
 * @property {{}} vault_status
 * @property {{passphrase: string}} vault_create
 * @property {{passphrase: string}} vault_unlock
 * @property {{}} vault_lock
 * @property {{old: string, new: string}} vault_change_passphrase
 * @property {{}} vault_export
 * @property {{json: string, replace: boolean, passphrase?: string}} vault_import
 * @property {{}} vault_restore_previous
 * @property {{}} vault_export_previous
 * @property {{}} vault_discard_previous
 * @property {{settings: Partial<Settings>}} settings_set
 * @property {{label: string, keys: Keys, premium: boolean}} account_add
 * @property {{id: string, label?: string, keys?: Keys, premium?: boolean}} account_update
 * @property {{id: string}} account_verify
 * @property {{id: string}} account_remove
 * @property {{id: string}} account_set_default
 * @property {{}} draft_get
 * @property {{draft: Draft}} draft_save
 * @property {{keep_media?: boolean}} draft_clear
 * @property {{account_id: string, posts: PostIn[]}} post_send
 * @property {{decision?: "on_x"|"send_anyway", post_url?: string}} post_resume
 * @property {{}} post_progress
 * @property {{account_id?: string}} history_list
 * @property {{account_id: string, posts: PostIn[], due_at_ms: number, late_policy?: LatePolicy, repeat?: RepeatIn, from_draft?: boolean}} schedule_add
 * @property {{}} series_list
 * @property {{id: number, posts: PostIn[], due_at_ms: number, repeat: RepeatIn, late_policy?: LatePolicy}} series_edit
 * @property {{id: number}} series_stop
 * @property {{limit?: number}} schedule_list
 * @property {{}} schedule_summary
 * @property {{id: number, posts: PostIn[]}} schedule_edit
 * @property {{id: number, due_at_ms: number}} schedule_reschedule
 * @property {{id: number, late_policy: LatePolicy|null}} schedule_late_policy
 * @property {{id: number}} schedule_cancel
 * @property {{id: number}} schedule_post_now
 * @property {{id: number}} schedule_retry
 * @property {{id: number, resolution: {kind: "posted", post_ref?: string} | {kind: "send"}}} schedule_resolve
 * @property {{id: number}} schedule_remove
 * @property {{csv: string, files: {name: string, media_id: string}[]}} schedule_import
 * @property {{}} schedule_export
 * @property {{}} slots_get
 * @property {{account_id: string, slots: Slot[]}} slots_set
 * @property {{}} slots_week
 * @property {{account_id: string, posts: PostIn[], late_policy?: LatePolicy, from_draft?: boolean}} schedule_add_to_queue
 */
/**
 * @typedef {object} Responses
 * @property {VaultStatus} vault_status
 * @property {VaultStatus} vault_create
 * @property {VaultStatus & {passphrase_below_floor: boolean}} vault_unlock
 * @property {VaultStatus} vault_lock
 * @property {VaultStatus & {unopenable?: {records: string[], items: number[], series: number[]}}} vault_change_passphrase
 * @property {{file_name: string, json: string}} vault_export
 * @property {VaultStatus} vault_import
 * @property {VaultStatus} vault_restore_previous
 * @property {{file_name: string, json: string, replaced_ms: number}} vault_export_previous
 * @property {VaultStatus} vault_discard_previous
 * @property {VaultStatus} settings_set
 * @property {AccountAnswer} account_add
 * @property {AccountAnswer} account_update
 * @property {AccountAnswer} account_verify
 * @property {VaultStatus} account_remove
 * @property {VaultStatus} account_set_default
 * @property {{draft: Draft|null, shared: boolean, resumable: PostFailure|null}} draft_get
 * @property {{}} draft_save
 * @property {{}} draft_clear
 * @property {{posted: Posted[], username: string}} post_send
 * @property {{posted: Posted[], username: string}} post_resume
 * @property {Progress} post_progress
 * @property {{items: SentPost[]}} history_list
 * @property {{id: number, due_at_ms: number, series_id?: number, words?: SeriesView['words'], warning?: {code: string, planned: number, limit: number}}} schedule_add
 * @property {{series: SeriesView[]}} series_list
 * @property {{}} series_edit
 * @property {{cancelled: number|null}} series_stop
 * @property {ScheduleList} schedule_list
 * @property {ScheduleSummary & {max_queued: number}} schedule_summary
 * @property {{}} schedule_edit
 * @property {{}} schedule_reschedule
 * @property {{}} schedule_late_policy
 * @property {{}} schedule_cancel
 * @property {{}} schedule_post_now
 * @property {{}} schedule_retry
 * @property {{}} schedule_resolve
 * @property {{}} schedule_remove
 * @property {{queued: number, media_used: string[]}} schedule_import
 * @property {{file_name: string, csv: string, count: number}} schedule_export
 * @property {{accounts: Object<string, Slot[]>}} slots_get
 * @property {{slots: Slot[]}} slots_set
 * @property {{days: WeekDay[]}} slots_week
 * @property {{id: number, due_at_ms: number, warning?: {code: string, planned: number, limit: number}}} schedule_add_to_queue
 */
/**
 * A weekly posting slot: weekdays (0 Monday ... 6 Sunday) and a local time.
 * @typedef {{days: number[], time: string}} Slot
 */
/**
 * One local day of the coming week, with the waiting items due on it.
 * @typedef {{date: string, weekday: number, items: {id: number, account_id: string, username?: string, due_at_ms: number}[]}} WeekDay
 */
/**
 * How often a series repeats: every day, on weekdays (bit 0 Monday ... bit 6 Sunday), every N days.
 * @typedef {{kind: "daily"} | {kind: "weekdays", value: number} | {kind: "every_days", value: number}} Repeat
 */
/**
 * When a series ends: after a local date (year, month, day; included), or after a count.
 * @typedef {{kind: "on_date", value: [number, number, number]} | {kind: "after", value: number}} RepeatEnd
 */
/**
 * The `repeat` of schedule_add and series_edit (the rule starts at `due_at_ms`'s local date and time).
 * @typedef {{repeat: Repeat, end: RepeatEnd, variation: "numbered_suffix"|"rotate"}} RepeatIn
 */
/**
 * A recurring series as series_list shows it; `words` is the core's wording key and arguments
 * (weekdays as digits 0 Monday ... 6 Sunday).
 * @typedef {object} SeriesView
 * @property {number} id
 * @property {string} account_id
 * @property {string} [username]
 * @property {"active"|"stopped"|"ended"} state
 * @property {{key: string, args: string[], end_key: string, end_arg: string}} words
 * @property {{repeat: Repeat, start: [number, number, number], hour: number, minute: number, end: RepeatEnd}} rule
 * @property {{kind: "numbered_suffix"} | {kind: "rotate", value: string[]}} variation
 * @property {LatePolicy|null} late_policy its own late policy (none: the default setting's)
 * @property {string} text
 * @property {boolean} contents_available
 * @property {number} sent
 * @property {number|null} next_item
 * @property {number|null} next_at_ms
 * @property {string|null} next_text
 */
