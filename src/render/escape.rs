//! Text and URLs made safe for HTML: every renderer of HTML and SVG goes through here.

/// Escape text for HTML content and quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link when `url` is plain http(s), otherwise just the (already escaped) text: a
/// `javascript:` or `data:` URL from a mapping must never become clickable.
pub fn link(url: &str, text_html: &str) -> String {
    match safe_href(url) {
        Some(href) => format!("<a href=\"{href}\">{text_html}</a>"),
        None => text_html.to_string(),
    }
}

pub fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_ok = ["http://", "https://"].iter().any(|p| {
        url.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    });
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (scheme_ok && clean && url.len() > "https://".len()).then(|| esc(url))
}
