//! Counting the lexical tokens of a GraphQL document without parsing it, so that a document too
//! big to be a real client's is refused before the parser spends time on it (the limit Apollo
//! Router and graphql-js call `maxTokens`). Strings and block strings are one token each;
//! commas, white space and comments are not tokens.

/// The number of tokens in `document`, counting stops a little past `limit`.
pub fn count(document: &str, limit: usize) -> usize {
    let bytes = document.as_bytes();
    let (mut at, mut tokens) = (0, 0);
    while at < bytes.len() && tokens <= limit {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => at += 1,
            b'#' => at = skip_until(bytes, at, |b| b == b'\n'),
            b'"' => {
                at = skip_string(bytes, at);
                tokens += 1;
            }
            b'.' if bytes[at..].starts_with(b"...") => {
                at += 3;
                tokens += 1;
            }
            byte if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' => {
                at = skip_until(bytes, at, |b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'+'))
                });
                tokens += 1;
            }
            _ => {
                at += 1;
                tokens += 1;
            }
        }
    }
    tokens
}

fn skip_until(bytes: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|b| stop(*b))
        .map_or(bytes.len(), |offset| from + offset)
}

/// The position after the string (or block string) starting at `from`.
fn skip_string(bytes: &[u8], from: usize) -> usize {
    if bytes[from..].starts_with(b"\"\"\"") {
        let body = from + 3;
        return match bytes[body..].windows(3).position(|w| w == b"\"\"\"") {
            Some(offset) => body + offset + 3,
            None => bytes.len(),
        };
    }
    let mut at = from + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' | b'\n' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn tokens_are_counted_as_the_lexer_sees_them() {
        assert_eq!(count("{ shop { name } }", 100), 6);
        assert_eq!(
            count("query Q($n: Int = 1) { a: f(x: -1.5e3, s: \"a, b\") }", 100),
            23
        );
        assert_eq!(count("{ ...F } # a comment { { {\n", 100), 4);
        assert_eq!(count("{ f(d: \"\"\"block \" string\"\"\") }", 100), 8);
    }

    #[test]
    fn counting_stops_past_the_limit() {
        let huge = "{ a }".repeat(100_000);
        assert!(count(&huge, 10) <= 12);
    }
}
