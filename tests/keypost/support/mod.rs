//! Helpers shared by several test modules.

pub mod http;
pub mod keys;
pub mod zones;
