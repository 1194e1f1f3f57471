//! Helpers shared by several test modules.

pub mod http;
pub mod zones;
