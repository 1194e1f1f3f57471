//! The worker's side of the media store (`extension/media-store.js`, where pages put the images
//! of a post): their real types and sizes checked against X's rules before any request, and their
//! deletion once they are on X or discarded. The composer and the scheduler both go through here;
//! the upload itself is [`super::upload`].

use super::AppError;
use super::platform;
use crate::compose::{self, PostInput};
use crate::schedule::Item;

/// Deletes images from the media store once they are on X (or discarded).
pub async fn forget(ids: impl IntoIterator<Item = String>) {
    for id in ids {
        let _ = platform::media_delete(&id).await;
    }
}

/// Deletes the stored images of a queued item that will not be sent again (sent or cancelled).
pub async fn forget_item(item: &Item) {
    forget(
        item.posts
            .iter()
            .flat_map(|p| p.media.iter().map(|m| m.local_id.clone())),
    )
    .await;
}

/// Checks every post's stored images (their real types and sizes) against X's media rules
/// (`compose::check_image`, `compose::validate_media`: one GIF alone, up to 15 MB) before any
/// media request. An image no longer in the store (its step already posted) is left to the
/// upload, which reports it.
pub async fn check(posts: &[PostInput]) -> Result<(), AppError> {
    let mut kinds: Vec<Vec<(String, u64)>> = Vec::with_capacity(posts.len());
    for post in posts {
        let mut items = Vec::with_capacity(post.media.len());
        for m in &post.media {
            let Ok(Some(stored)) = platform::media_info(&m.media_id).await else {
                continue;
            };
            compose::check_image(&stored.media_type, stored.size)?;
            items.push((stored.media_type, stored.size));
        }
        kinds.push(items);
    }
    Ok(compose::validate_media(&kinds)?)
}
