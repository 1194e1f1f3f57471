//! The message boundary: how a message from an extension page becomes a [`Message`], or is
//! refused before any handler runs.
//!
//! - **Size.** A message is read as its JSON text (what `chrome.runtime.sendMessage` carried)
//!   and refused with `message_too_large` (detail `max_bytes`) above [`MAX_MESSAGE_BYTES`].
//! - **Type.** No `type`, or one no group knows, is `unknown_message`.
//! - **Fields.** Every message enum and every struct a message carries denies unknown fields:
//!   a misspelt or extra field is `unknown_field` (detail `field`), never silently dropped.
//!   A missing field or a value of the wrong type is `bad_message` (detail `field` when serde
//!   names it); the value itself is never echoed back (it may be a passphrase or a key).
//!
//! The decoding is plain serde over `serde_json`, so it runs (and is fuzzed) natively.

use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(feature = "test-hooks")]
use super::messages::CoreMsg;
use super::messages::{AccountMsg, ComposeMsg, ScheduleMsg, SlotMsg, VaultMsg};
use crate::worker::AppError;

/// The largest message the core reads, as UTF-8 JSON text: 8 MiB.
///
/// The largest message a page sends is `draft_save` with a full draft: 50 posts of 30,000
/// characters (`MAX_DRAFT_POSTS` × `MAX_DRAFT_TEXT_CHARS`) plus four images' metadata each.
/// As JSON that is about 1.5 MB of ASCII text, 4.5 MB of CJK (3 bytes a character) and 6 MB
/// of emoji (4 bytes each); the boundary test measures the emoji case and checks that it is
/// accepted. 8 MiB keeps that with room to spare, while bounding what one message can make
/// the worker allocate (backups and every other message are a few kilobytes).
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;

/// Every message the extension's pages may send, grouped by feature; each group is an
/// internally tagged enum (by `type`) that denies unknown fields.
pub enum Message {
    #[cfg(feature = "test-hooks")]
    Core(CoreMsg),
    Vault(VaultMsg),
    Accounts(AccountMsg),
    Compose(ComposeMsg),
    Schedule(ScheduleMsg),
    Slots(SlotMsg),
}

impl Message {
    /// The group's name (for the tests).
    fn group(&self) -> &'static str {
        match self {
            #[cfg(feature = "test-hooks")]
            Message::Core(_) => "core",
            Message::Vault(_) => "vault",
            Message::Accounts(_) => "accounts",
            Message::Compose(_) => "compose",
            Message::Schedule(_) => "schedule",
            Message::Slots(_) => "slots",
        }
    }
}

/// A field name for an error's details: at most 64 characters of it.
fn field_detail(name: &str) -> String {
    name.chars().take(64).collect()
}

/// The first `` `name` `` in a serde error message.
fn backticked(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(&text[start..start + len])
}

/// What happened when one group tried the message.
enum Attempt {
    /// Not this group's type.
    NotMine,
    /// This group's type, decoded or refused.
    Done(Result<Message, AppError>),
}

/// A key no message has: added to a decoded message to see whether its variant checks fields
/// at all (serde lets a unit variant of an internally tagged enum ignore every other field,
/// even with `deny_unknown_fields`).
const PROBE: &str = "\u{0}keypost_probe";

fn attempt<T: DeserializeOwned>(value: &Value, kind: &str, wrap: fn(T) -> Message) -> Attempt {
    match T::deserialize(value) {
        Ok(decoded) => {
            let map = value.as_object().expect("checked by decode");
            let extra = map.keys().find(|k| k.as_str() != "type");
            if let Some(extra) = extra {
                // Fields beside `type`: a struct variant checked them; a unit variant did not.
                let mut probed = map.clone();
                probed.insert(PROBE.to_owned(), Value::Null);
                if T::deserialize(&Value::Object(probed)).is_ok() {
                    return Attempt::Done(Err(
                        AppError::new("unknown_field").with("field", field_detail(extra))
                    ));
                }
            }
            Attempt::Done(Ok(wrap(decoded)))
        }
        Err(e) => {
            let text = e.to_string();
            if text.starts_with(&format!("unknown variant `{kind}`")) {
                return Attempt::NotMine;
            }
            let error = if text.starts_with("unknown field") {
                AppError::new("unknown_field")
            } else {
                AppError::new("bad_message")
            };
            let error = match backticked(&text) {
                Some(field)
                    if text.starts_with("unknown field") || text.starts_with("missing field") =>
                {
                    error.with("field", field_detail(field))
                }
                _ => error,
            };
            Attempt::Done(Err(error))
        }
    }
}

/// Decodes one message from its JSON text, or says why it is refused.
pub fn decode(text: &str) -> Result<Message, AppError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(too_large());
    }
    let value: Value = serde_json::from_str(text).map_err(|_| AppError::new("bad_message"))?;
    decode_value(&value)
}

/// The refusal of a message over [`MAX_MESSAGE_BYTES`].
pub fn too_large() -> AppError {
    AppError::new("message_too_large").with("max_bytes", MAX_MESSAGE_BYTES as u64)
}

fn decode_value(value: &Value) -> Result<Message, AppError> {
    let Some(map) = value.as_object() else {
        return Err(AppError::new("bad_message"));
    };
    let Some(Value::String(kind)) = map.get("type") else {
        return Err(AppError::new("unknown_message"));
    };
    let tries: [fn(&Value, &str) -> Attempt; 6] = [
        |v, k| {
            #[cfg(feature = "test-hooks")]
            {
                attempt(v, k, Message::Core)
            }
            #[cfg(not(feature = "test-hooks"))]
            {
                let _ = (v, k);
                Attempt::NotMine
            }
        },
        |v, k| attempt(v, k, Message::Vault),
        |v, k| attempt(v, k, Message::Accounts),
        |v, k| attempt(v, k, Message::Compose),
        |v, k| attempt(v, k, Message::Schedule),
        |v, k| attempt(v, k, Message::Slots),
    ];
    for try_group in tries {
        if let Attempt::Done(result) = try_group(value, kind) {
            return result;
        }
    }
    Err(AppError::new("unknown_message"))
}

/// Decodes a message's JSON text as the worker does and names the group that would handle it
/// (`"vault"`, `"accounts"`, `"compose"`, `"schedule"`, `"slots"`, or `"core"` in test builds), without
/// running anything: for the boundary's tests and fuzzing.
#[doc(hidden)]
pub fn check_message(text: &str) -> Result<&'static str, AppError> {
    decode(text).map(|m| m.group())
}
