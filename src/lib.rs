//! Keypost's core: everything that does not need a browser.
//!
//! The modules here are sans-IO: time, nonces and randomness come in as arguments, and
//! requests come out as values. Everything that touches `wasm_bindgen`, `js_sys` or `web_sys`
//! lives under `worker` (the worker's core, the default `worker` feature) and [`page`] (the
//! pure functions pages call, also built alone without `worker` as the pages' small core).

pub mod accounts;
pub mod badge;
pub mod civil;
pub mod compose;
pub mod cost;
pub mod csv_plan;
pub mod http;
pub mod leak;
pub mod oauth1;
pub mod page;
pub mod recur;
pub mod rekey;
pub mod schedule;
pub mod sealed;
pub mod settings;
pub mod share;
pub mod slots;
pub mod text;
pub mod upload;
pub mod vault;
#[cfg(feature = "worker")]
pub mod worker;
pub mod x;

/// The crate's version, which is also the extension's version (one source: Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
