//! HTML as plain text, for descriptions and for what search indexes.

/// Plain text from an HTML fragment: tags dropped, common entities decoded, whitespace folded.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text cut to `limit` characters with an ellipsis, as GraphQL's `truncateAt` asks; whole when
/// there is no limit or it is negative.
pub fn truncated(text: String, limit: Option<i32>) -> String {
    match limit {
        Some(limit) if limit >= 0 && text.chars().count() > limit as usize => {
            text.chars().take(limit as usize).collect::<String>() + "…"
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_are_html_without_tags() {
        assert_eq!(
            super::html_to_text("<p>Soft &amp; <b>warm</b></p>\n<p>Tee</p>"),
            "Soft & warm Tee"
        );
    }
}
