//! Helpers shared by several test modules.

pub mod http;
pub mod keys;
pub mod rng;
pub mod zones;
// Native only: they drive the worker on the in-memory browser (`keypost::worker::platform::memory`).
#[cfg(not(target_arch = "wasm32"))]
pub mod fake_x;
#[cfg(not(target_arch = "wasm32"))]
pub mod worker;
