//! The facade's plain types, shared with its backends (`web.rs`, `memory.rs`): a leaf, so a
//! backend never depends on the facade that chooses it.

/// Which `chrome.storage` area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// `storage.local`: on disk, survives restarts.
    Local,
    /// `storage.session`: in memory, survives a worker stop, empty after a browser restart.
    Session,
}

/// An image in the media store (`extension/media-store.js`), as a page put it there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMedia {
    /// Its MIME type (empty when the record has none).
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What the media store says of an image without copying its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaInfo {
    /// Its MIME type (empty when the record has none).
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
}
