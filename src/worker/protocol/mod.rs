//! The worker's protocol, in one place: every message a page may send ([`messages`]), how a
//! page's JSON becomes one or is refused before any handler runs ([`decode`]), and every answer
//! ([`answers`]). Data only: it imports the core's types and the error, nothing of the worker
//! above it. The pages' side is `extension/lib/protocol.js`; docs/PROTOCOL.md lists both.

pub mod answers;
pub mod decode;
pub mod messages;

pub use answers::{Answer, Done, reply};
pub use decode::{MAX_MESSAGE_BYTES, Message, check_message, decode};
#[cfg(feature = "test-hooks")]
pub use messages::CoreMsg;
pub use messages::{
    AccountMsg, ComposeMsg, ImportFile, RepeatInput, ScheduleMsg, SlotMsg, VaultMsg,
};
