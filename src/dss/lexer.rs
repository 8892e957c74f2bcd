//! Lexer: one physical line of a `.dss` file into parameters.
//!
//! Comments (`!` and `//` to the end of the line, `/* … */` across lines) are removed outside
//! delimited values. A parameter is `name=value` (spaces around `=` allowed) or a bare `value`;
//! parameters are separated by spaces, tabs or commas. A value is a plain word, or delimited by
//! `(…)`, `[…]`, `{…}`, `"…"` or `'…'` (brackets nest; quotes do not); delimiters never span lines.

use super::error::{DssError, Location};

/// A value as written: its text without delimiters, and which delimiter enclosed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The text inside the delimiters (or the whole plain word).
    pub text: String,
    /// The opening delimiter (`(`, `[`, `{`, `"`, `'`), or `None` for a plain word.
    pub delimiter: Option<char>,
}

/// One parameter of a command line: `name=value` or a positional `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The property name, lower-cased, or `None` for a positional value.
    pub name: Option<String>,
    /// The value.
    pub value: Value,
}

fn closing(open: char) -> Option<char> {
    match open {
        '(' => Some(')'),
        '[' => Some(']'),
        '{' => Some('}'),
        '"' => Some('"'),
        '\'' => Some('\''),
        _ => None,
    }
}

/// Removes `/* … */` comments from a file's lines, keeping line numbers (1-based).
pub(crate) fn strip_block_comments(
    text: &str,
    file: &std::path::Path,
) -> Result<Vec<(usize, String)>, DssError> {
    let mut out = Vec::new();
    let mut open_at: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let mut kept = String::new();
        let mut rest = raw;
        loop {
            if open_at.is_some() {
                match rest.find("*/") {
                    Some(end) => {
                        rest = &rest[end + 2..];
                        open_at = None;
                    }
                    None => break,
                }
            } else {
                // A `/*` after a line comment marker is part of that comment.
                let line_comment = [rest.find('!'), rest.find("//")]
                    .into_iter()
                    .flatten()
                    .min();
                match rest.find("/*") {
                    Some(start) if line_comment.is_none_or(|c| start < c) => {
                        kept.push_str(&rest[..start]);
                        rest = &rest[start + 2..];
                        open_at = Some(i + 1);
                    }
                    _ => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push((i + 1, kept));
    }
    if let Some(line) = open_at {
        return Err(DssError::UnterminatedComment {
            at: Location {
                file: file.into(),
                line,
            },
        });
    }
    Ok(out)
}

/// Splits one line (block comments already removed) into parameters.
pub(crate) fn tokenize(line: &str, at: &Location) -> Result<Vec<Param>, DssError> {
    let chars: Vec<char> = line.chars().collect();
    let mut params = Vec::new();
    let mut i = 0;
    let is_sep = |c: char| c.is_whitespace() || c == ',';
    loop {
        while i < chars.len() && is_sep(chars[i]) {
            i += 1;
        }
        if i >= chars.len() || chars[i] == '!' || starts_comment(&chars, i) {
            break;
        }
        // A word: a property name, or a plain value.
        let (first, next) = read_value(&chars, i, at)?;
        i = next;
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if first.delimiter.is_none() && j < chars.len() && chars[j] == '=' {
            j += 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let (value, next) = if j >= chars.len() || chars[j] == ',' {
                (
                    Value {
                        text: String::new(),
                        delimiter: None,
                    },
                    j,
                )
            } else {
                read_value(&chars, j, at)?
            };
            i = next;
            params.push(Param {
                name: Some(first.text.to_lowercase()),
                value,
            });
        } else {
            params.push(Param {
                name: None,
                value: first,
            });
        }
    }
    Ok(params)
}

fn starts_comment(chars: &[char], i: usize) -> bool {
    chars[i] == '/' && chars.get(i + 1) == Some(&'/')
}

/// Reads one value starting at `i`; returns it and the index after it.
fn read_value(chars: &[char], i: usize, at: &Location) -> Result<(Value, usize), DssError> {
    let open = chars[i];
    if let Some(close) = closing(open) {
        let mut depth = 0usize;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j];
            if c == close && depth == 0 {
                let text: String = chars[i + 1..j].iter().collect();
                return Ok((
                    Value {
                        text: text.trim().to_string(),
                        delimiter: Some(open),
                    },
                    j + 1,
                ));
            }
            if open != close {
                if c == open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                }
            }
            j += 1;
        }
        return Err(DssError::UnterminatedArray {
            at: at.clone(),
            open,
            close,
        });
    }
    let mut j = i;
    while j < chars.len() {
        let c = chars[j];
        if c.is_whitespace() || c == ',' || c == '=' || c == '!' || starts_comment(chars, j) {
            break;
        }
        j += 1;
    }
    // A stray `=` is a value of its own, so the lexer always moves on.
    let j = j.max(i + 1);
    Ok((
        Value {
            text: chars[i..j].iter().collect(),
            delimiter: None,
        },
        j,
    ))
}
