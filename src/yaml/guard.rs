//! What a YAML input may not hold, checked before and just after parsing: flow nesting deep
//! enough to make the parser slow (its time grows with the square of the depth), aliases that
//! expand without bound (located, since the parser's own error names no place), and tags
//! (`!foo`), which the schema has no use for and the parser would otherwise ignore.

use super::YamlError;
use serde_yaml::Value;

/// Deepest flow nesting (`[` and `{`) accepted: the YAML parser's own recursion limit, reached
/// here in one linear scan rather than after a parse whose time grows with the depth squared.
pub(super) const MAX_FLOW_DEPTH: usize = 128;

/// Rejects flow nesting deeper than [`MAX_FLOW_DEPTH`], located at the bracket that goes too
/// deep. Brackets inside quoted scalars and comments do not count.
pub(super) fn check_nesting(text: &str, file: &str) -> Result<(), YamlError> {
    let mut scan = Scan::new();
    for c in text.chars() {
        if scan.step(c) == Token::Open && scan.depth > MAX_FLOW_DEPTH {
            return Err(YamlError {
                file: file.to_string(),
                location: Some((scan.line, scan.column)),
                field: None,
                message: format!(
                    "`[`/`{{` nested more than {MAX_FLOW_DEPTH} levels deep; a scenario nests a few"
                ),
            });
        }
    }
    Ok(())
}

/// Where the first alias (`*name`) is, as 1-based line and column: the place an alias bomb
/// starts, to locate the parser's `repetition limit exceeded`.
pub(super) fn first_alias(text: &str) -> Option<(usize, usize)> {
    let mut scan = Scan::new();
    text.chars()
        .find_map(|c| (scan.step(c) == Token::Alias).then_some((scan.line, scan.column)))
}

/// The parser's message for text holding more than one YAML document; it names no place.
pub(super) const MORE_THAN_ONE_DOCUMENT: &str = "more than one document";

/// Where a second YAML document starts, as 1-based line and column (1), to locate the parser's
/// [`MORE_THAN_ONE_DOCUMENT`] error: the first line whose text up to it already parses as two
/// documents, found by bisecting on the line count (a handful of parses, on the error path only).
pub(super) fn second_document(text: &str) -> Option<(usize, usize)> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    let two_documents = |lines: usize| {
        let end = starts.get(lines).copied().unwrap_or(text.len());
        serde_yaml::from_str::<Value>(&text[..end])
            .is_err_and(|e| e.to_string().contains(MORE_THAN_ONE_DOCUMENT))
    };
    if !two_documents(starts.len()) {
        return None;
    }
    // Invariant: `low` lines hold one document at most, `high` lines hold two.
    let (mut low, mut high) = (0, starts.len());
    while high - low > 1 {
        let middle = (low + high) / 2;
        if two_documents(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    Some((high, 1))
}

/// The path of the first tagged value in `value` (`seed`, `grid.nodes[2].id`), with its tag.
pub(super) fn first_tag(value: &Value, path: &str) -> Option<(String, String)> {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Tagged(tagged) => Some((path.to_string(), tagged.tag.to_string())),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_tag(item, &format!("{path}[{i}]"))),
        Value::Mapping(map) => map.iter().find_map(|(key, item)| {
            let name = match key {
                Value::String(name) => name.clone(),
                Value::Tagged(tagged) => return Some((path.to_string(), tagged.tag.to_string())),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            first_tag(item, &child(&name))
        }),
        _ => None,
    }
}

/// What one character of the text is to the scan.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Open,
    Alias,
    Other,
}

/// A linear scan of YAML text that knows quoted scalars and comments, enough to count flow
/// brackets and find aliases. It may count a bracket inside a block scalar: only too much.
#[derive(Default)]
struct Scan {
    depth: usize,
    line: usize,
    column: usize,
    /// The quote character of the quoted scalar being read.
    quote: Option<char>,
    comment: bool,
    /// Whether the previous character may precede the start of a token.
    at_token_start: bool,
    escaped: bool,
}

impl Scan {
    fn new() -> Self {
        Scan {
            line: 1,
            at_token_start: true,
            ..Scan::default()
        }
    }

    fn step(&mut self, c: char) -> Token {
        if c == '\n' {
            self.line += 1;
            self.column = 0;
            self.at_token_start = true;
            self.comment = false;
            return Token::Other;
        }
        self.column += 1;
        let starts_token = std::mem::replace(
            &mut self.at_token_start,
            c.is_whitespace() || "[{,:-?".contains(c),
        );
        if self.comment {
            return Token::Other;
        }
        if let Some(quote) = self.quote {
            let escaped = std::mem::replace(&mut self.escaped, quote == '"' && c == '\\');
            if c == quote && !escaped {
                self.quote = None;
            }
            return Token::Other;
        }
        match c {
            '#' if starts_token => self.comment = true,
            '\'' | '"' if starts_token => self.quote = Some(c),
            '[' | '{' => {
                self.depth += 1;
                return Token::Open;
            }
            ']' | '}' => self.depth = self.depth.saturating_sub(1),
            '*' if starts_token => return Token::Alias,
            _ => {}
        }
        Token::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_is_counted_outside_quotes_and_comments() {
        let deep = "[".repeat(MAX_FLOW_DEPTH + 1);
        let error = check_nesting(&format!("a: 1\nb: {deep}"), "f.yaml").unwrap_err();
        assert_eq!(error.location, Some((2, 4 + MAX_FLOW_DEPTH)));
        assert!(check_nesting(&"[".repeat(MAX_FLOW_DEPTH), "f.yaml").is_ok());
        let hidden = format!("a: '{deep}'\nb: \"{deep}\" # {deep}\n# {deep}\nc: don't {{x: [1]}}");
        assert!(check_nesting(&hidden, "f.yaml").is_ok());
    }

    #[test]
    fn a_second_document_is_found_where_it_starts() {
        assert_eq!(second_document("  a: 1\nb: 2\n"), Some((2, 1)));
        assert_eq!(second_document("# c\nname: x\n---\nb: 2\n"), Some((3, 1)));
        assert_eq!(second_document("0 text\n#\nname: x\n"), Some((3, 1)));
        assert_eq!(second_document("---\nname: x\n"), None);
        assert_eq!(second_document("name: x\nseed: 1\n"), None);
    }

    #[test]
    fn aliases_and_tags_are_found_where_they_are() {
        assert_eq!(
            first_alias("a: &x [1]\nb: 'not *here'\nc: [*x]"),
            Some((3, 5))
        );
        assert_eq!(first_alias("a: 2*3 # *no"), None);
        let value: Value = serde_yaml::from_str("a: {b: [1, !foo 2]}\nseed: 3").unwrap();
        assert_eq!(
            first_tag(&value, ""),
            Some(("a.b[1]".into(), "!foo".into()))
        );
    }
}
