//! The text a right-click share puts in the composer.

use serde::Deserialize;

/// What Chrome's `contextMenus.onClicked` reports, reduced to what sharing needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ShareSource {
    /// `share_selection`, `share_link` or `share_page` (the menu item's id).
    #[serde(rename = "menuItemId")]
    pub menu_item_id: String,
    /// The selected text, for a selection.
    #[serde(default, rename = "selectionText")]
    pub selection_text: Option<String>,
    /// The link's URL, for a link.
    #[serde(default, rename = "linkUrl")]
    pub link_url: Option<String>,
    /// The page's URL.
    #[serde(default, rename = "pageUrl")]
    pub page_url: Option<String>,
}

/// The tab's title, when Chrome gave one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ShareTab {
    /// The page's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The page's URL (the tab's, when the click info lacks it).
    #[serde(default)]
    pub url: Option<String>,
}

/// Why a share produced nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The menu item is not one of Keypost's.
    UnknownMenuItem,
    /// Nothing to share (an empty selection, no link).
    Nothing,
}

impl ShareError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::UnknownMenuItem => "share_unknown_item",
            ShareError::Nothing => "share_nothing",
        }
    }
}

/// Only web pages are worth linking to (not `chrome://` or `file://` pages).
fn shareable(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Composes the share text: a selection in quotes, then (when `include_page` is set) the
/// page's title and URL; a link alone; or the page's title and URL. The text arrives in the
/// composer exactly as selected: nothing is escaped or trimmed inside it.
pub fn compose(
    source: &ShareSource,
    tab: &ShareTab,
    include_page: bool,
) -> Result<String, ShareError> {
    let page_url = source
        .page_url
        .as_deref()
        .or(tab.url.as_deref())
        .filter(|u| shareable(u));
    let title = tab
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let page_line = |url: &str| match title {
        Some(t) if t != url => format!("{t} {url}"),
        _ => url.to_owned(),
    };
    match source.menu_item_id.as_str() {
        "share_selection" => {
            let selection = source
                .selection_text
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .ok_or(ShareError::Nothing)?;
            let mut text = format!("“{selection}”");
            if include_page && let Some(url) = page_url {
                text.push_str("\n\n");
                text.push_str(&page_line(url));
            }
            Ok(text)
        }
        "share_link" => source
            .link_url
            .clone()
            .filter(|u| !u.is_empty())
            .ok_or(ShareError::Nothing),
        "share_page" => page_url.map(page_line).ok_or(ShareError::Nothing),
        _ => Err(ShareError::UnknownMenuItem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(text: &str) -> ShareSource {
        ShareSource {
            menu_item_id: "share_selection".into(),
            selection_text: Some(text.into()),
            page_url: Some("https://example.com/a?b=1&c=%20".into()),
            ..Default::default()
        }
    }

    #[test]
    fn selection_is_quoted_unchanged_with_the_page() {
        let tab = ShareTab {
            title: Some("Example & co".into()),
            url: None,
        };
        let raw = "& # % + ! * ' ( ) \"q\"\nline 2 😀 漢字";
        let text = compose(&sel(raw), &tab, true).unwrap();
        assert_eq!(
            text,
            format!("“{raw}”\n\nExample & co https://example.com/a?b=1&c=%20")
        );
        assert_eq!(compose(&sel(raw), &tab, false).unwrap(), format!("“{raw}”"));
    }

    #[test]
    fn links_pages_and_refusals() {
        let link = ShareSource {
            menu_item_id: "share_link".into(),
            link_url: Some("https://x.com/a".into()),
            ..Default::default()
        };
        assert_eq!(
            compose(&link, &ShareTab::default(), true).unwrap(),
            "https://x.com/a"
        );
        let page = ShareSource {
            menu_item_id: "share_page".into(),
            page_url: Some("https://example.com/".into()),
            ..Default::default()
        };
        let tab = ShareTab {
            title: Some("Home".into()),
            url: None,
        };
        assert_eq!(
            compose(&page, &tab, true).unwrap(),
            "Home https://example.com/"
        );
        let internal = ShareSource {
            menu_item_id: "share_page".into(),
            page_url: Some("chrome://settings".into()),
            ..Default::default()
        };
        assert_eq!(compose(&internal, &tab, true), Err(ShareError::Nothing));
        assert_eq!(compose(&sel("   "), &tab, true), Err(ShareError::Nothing));
        let other = ShareSource {
            menu_item_id: "other".into(),
            ..Default::default()
        };
        assert_eq!(
            compose(&other, &tab, true),
            Err(ShareError::UnknownMenuItem)
        );
    }
}
