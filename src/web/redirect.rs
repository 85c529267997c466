//! Where a redirect after an action may go: only to a path of this portal.

/// `next` as a path of this site, ready for a `Location` header (percent-encoded, a query
/// kept); `None` for anything that would leave the site or is not a path.
///
/// The path is percent-decoded and its dot segments resolved *before* it is checked, and it
/// is checked again after: `/..//evil.example`, `/.//evil.example` and `/%2e%2e//evil.example`
/// all normalise to `//evil.example`, which a browser reads as another host.
pub fn local_path(next: &str) -> Option<String> {
    let (path, query) = match next.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (next, None),
    };
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if !is_single_slash_path(&decoded) || next.chars().any(char::is_control) {
        return None;
    }
    let base = url::Url::parse("http://attest.invalid/").ok()?;
    let mut joined = base.join(&decoded).ok()?;
    joined.set_query(query);
    if joined.origin() != base.origin() || !is_single_slash_path(joined.path()) {
        return None;
    }
    Some(match joined.query() {
        Some(q) => format!("{}?{q}", joined.path()),
        None => joined.path().to_owned(),
    })
}

/// Starts with exactly one `/` and holds no backslash (which browsers read as `/`).
fn is_single_slash_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn paths_of_this_site_are_kept() {
        assert_eq!(local_path("/login").as_deref(), Some("/login"));
        assert_eq!(
            local_path("/party/attestations?q=王五").as_deref(),
            Some("/party/attestations?q=%E7%8E%8B%E4%BA%94")
        );
        assert_eq!(local_path("/a/../verify").as_deref(), Some("/verify"));
        assert_eq!(local_path("/%76erify").as_deref(), Some("/verify"));
    }

    #[test]
    fn everything_that_leaves_the_site_is_refused() {
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "/\r\nSet-Cookie: x=1",
            "login",
            "",
            "/..//evil.example/phish",
            "/.//evil.example/phish",
            "/%2e%2e//evil.example/phish",
            "/%2E%2E//evil.example/phish",
            "/%2e//evil.example/phish",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5cevil.example",
            "/%5C%5Cevil.example",
            "/a/../..//evil.example",
            "/./../.././/evil.example",
            "/%252e%252e//evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/.%2e//evil.example",
            "/%2e./%2e%2e//evil.example",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
