//! Fuzzing the scenario loader (issue 12): mutants of scenarios/campus13.yaml, byte, line,
//! number and type mutations, truncation and nesting, must load or fail with a typed error that
//! names a place, never panic; a sample of the accepted mutants must also go through `optimise`
//! without panicking.
//!
//! The budget is fixed, so the test is deterministic and bounded: [`CASES`] mutants from the
//! fixed seed [`SEED`], no failure persistence, no timeout (the runner stops after [`CASES`]).
//! One accepted mutant in ten also goes through `optimise`, which may refuse it with a typed
//! error: only a panic fails the case.
//! Nesting is kept to [`MAX_NESTING`] levels: deeper nesting is slow to reject (issue 12 §4,
//! another change), and the time of this test must not depend on it.

use std::cell::Cell;

use blackstart::optimise::{Settings, solve_isolated};
use blackstart::scenario::{ScenarioError, parse_str};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};

/// The scenario every mutant starts from.
const CAMPUS13: &str = include_str!("../../scenarios/campus13.yaml");
/// Mutants per run.
const CASES: u32 = 3_000;
/// The runner's fixed seed.
const SEED: u64 = 20_241_202;
/// Deepest `[`/`{` nesting a mutation inserts.
const MAX_NESTING: usize = 48;
/// The name errors give the text.
const FILE: &str = "fuzz.yaml";

/// Values to put in place of a number: extremes, non-finite, wrong types, YAML oddities.
const HOSTILE_VALUES: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e300",
    "-1e300",
    "1e-300",
    "5e-324",
    "1.7976931348623157e308",
    "18446744073709551616",
    "-9223372036854775809",
    "4294967296",
    "1.5",
    "0x10",
    "1_000",
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "~",
    "null",
    "true",
    "'12'",
    "\"text\"",
    "source",
    "- 1",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "!foo 1",
    "&a 1",
    "*a",
    "|\n  block",
    "",
];

/// Bytes to write over the text: YAML syntax, quotes, digits, whitespace, non-ASCII.
const HOSTILE_BYTES: &[u8] = b"[]{}:-,#&*!|>'\"%@`? \t\n0123456789.eE+-_xn~\\";

/// One edit of the scenario text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite the byte at this position (modulo the length) with a hostile byte.
    Byte(usize, u8),
    /// Delete the line at this index (modulo the line count).
    DeleteLine(usize),
    /// Repeat the line at this index.
    DuplicateLine(usize),
    /// Swap two lines.
    SwapLines(usize, usize),
    /// Replace the n-th number of the text (modulo their count) with a hostile value.
    Number(usize, &'static str),
    /// Replace the n-th `key: value` value (numbers, names, flow collections) with a hostile
    /// value: wrong types where the schema wants a string, a number or a list.
    Value(usize, &'static str),
    /// Replace the n-th number with nested sequences or mappings, this deep.
    Nest(usize, usize, bool),
    /// Cut the text at this position (modulo the length).
    Truncate(usize),
    /// Change the indentation of a line by this many spaces (negative: remove).
    Indent(usize, i8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = 0..10_000usize;
    prop_oneof![
        3 => (index.clone(), prop::sample::select(HOSTILE_BYTES)).prop_map(|(i, b)| Mutation::Byte(i, b)),
        1 => index.clone().prop_map(Mutation::DeleteLine),
        1 => index.clone().prop_map(Mutation::DuplicateLine),
        1 => (index.clone(), index.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (index.clone(), prop::sample::select(HOSTILE_VALUES)).prop_map(|(i, v)| Mutation::Number(i, v)),
        3 => (index.clone(), prop::sample::select(HOSTILE_VALUES)).prop_map(|(i, v)| Mutation::Value(i, v)),
        1 => (index.clone(), 1..=MAX_NESTING, any::<bool>()).prop_map(|(i, d, m)| Mutation::Nest(i, d, m)),
        1 => index.clone().prop_map(Mutation::Truncate),
        1 => (index, -4i8..=4).prop_map(|(i, n)| Mutation::Indent(i, n)),
    ]
}

/// Byte ranges of the numbers in `text` (runs of digits, with a sign, point and exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if bytes[i].is_ascii_digit() && starts_word {
            let start = if i > 0 && bytes[i - 1] == b'-' {
                i - 1
            } else {
                i
            };
            let mut end = i;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit() || matches!(bytes[end], b'.' | b'e' | b'_'))
            {
                end += 1;
            }
            found.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// Byte ranges of the values of `key: value` lines in `text`, up to a comment or the line's end.
fn values(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.split(" #").next().unwrap_or(line).trim_end();
        if let Some(colon) = content
            .find(": ")
            .filter(|_| !content.trim_start().starts_with('#'))
        {
            let value = &content[colon + 2..];
            let start = colon + 2 + (value.len() - value.trim_start().len());
            if start < content.len() {
                found.push((line_start + start, line_start + content.len()));
            }
        }
        line_start += line.len();
    }
    found
}

/// `text` with `m` applied.
fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = |i: usize| i % lines.len().max(1);
    match *m {
        Mutation::Byte(i, b) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let at = i % bytes.len();
                bytes[at] = b;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(line(i));
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let at = line(i);
            lines.insert(at, lines[at].clone());
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (line(a), line(b));
            lines.swap(a, b);
        }
        Mutation::Number(n, value) => return replace(text, &numbers(text), n, value),
        Mutation::Value(n, value) => return replace(text, &values(text), n, value),
        Mutation::Nest(n, depth, mapping) => {
            let (open, close) = if mapping { ("{a: ", "}") } else { ("[", "]") };
            let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            return replace(text, &numbers(text), n, &nested);
        }
        Mutation::Truncate(i) => {
            let mut at = i % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return text[..at].to_owned();
        }
        Mutation::Indent(i, n) if !lines.is_empty() => {
            let at = line(i);
            let current = &lines[at];
            lines[at] = if n >= 0 {
                format!("{}{current}", " ".repeat(n as usize))
            } else {
                let strip = current.len() - current.trim_start_matches(' ').len();
                current[strip.min(n.unsigned_abs() as usize)..].to_owned()
            };
        }
        _ => {}
    }
    lines.join("\n") + "\n"
}

/// `text` with the `n`-th of the byte ranges `found` (modulo their count) replaced by `value`.
fn replace(text: &str, found: &[(usize, usize)], n: usize, value: &str) -> String {
    if found.is_empty() {
        return text.to_owned();
    }
    let (start, end) = found[n % found.len()];
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// A rejected mutant's error: typed, one line, naming the file and a place in it.
fn check_error(e: &ScenarioError) -> Result<(), TestCaseError> {
    let message = e.to_string();
    prop_assert!(message.starts_with(FILE), "names no file: {message}");
    prop_assert!(
        e.0.location.is_some() || e.0.field.is_some(),
        "names no place: {message}"
    );
    prop_assert!(!message.contains('\n'), "not one line: {message:?}");
    Ok(())
}

#[test]
fn scenario_mutants_load_or_fail_with_a_placed_error_and_never_panic() {
    // The unmutated text loads: the mutants start from a valid scenario.
    parse_str(CAMPUS13, FILE).expect("campus13 loads");
    let config = Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(SEED),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (
        prop::collection::vec(mutation(), 1..=4),
        prop::bool::weighted(0.1),
    );
    // How many mutants loaded, and how many of those were optimised with an allocation: the
    // budget must reach past the loader's first checks, or the test fuzzes nothing.
    let (accepted, allocated) = (Cell::new(0u32), Cell::new(0u32));
    let outcome = runner.run(&strategy, |(mutations, optimise)| {
        let text = mutations
            .iter()
            .fold(CAMPUS13.to_owned(), |text, m| apply(&text, m));
        match parse_str(&text, FILE) {
            Err(e) => check_error(&e)?,
            Ok(scenario) => {
                accepted.set(accepted.get() + 1);
                if optimise
                    && solve_isolated(&scenario, &Settings::from_scenario(&scenario)).is_ok()
                {
                    allocated.set(allocated.get() + 1);
                }
            }
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // Measured with this seed: 421 of the 3000 mutants load, 34 of them are allocated.
    assert!(accepted.get() >= CASES / 10, "{} loaded", accepted.get());
    assert!(allocated.get() >= 20, "{} allocated", allocated.get());
}

/// The mutation helpers do what the fuzz test relies on.
#[test]
fn mutations_edit_the_text_as_described() {
    let text = "a: 12\nb: -3.5e2\nc: x1\n";
    assert_eq!(numbers(text), vec![(3, 5), (9, 15)]);
    assert_eq!(
        replace(text, &numbers(text), 1, ".nan"),
        "a: 12\nb: .nan\nc: x1\n"
    );
    let listed = "# a: b\nkey: {id: 1, kind: bus}  # note\nempty:\n";
    assert_eq!(values(listed), vec![(12, 30)]);
    assert_eq!(
        apply(listed, &Mutation::Value(3, "[]")),
        "# a: b\nkey: []  # note\nempty:\n"
    );
    assert_eq!(
        apply(text, &Mutation::Nest(0, 2, false)),
        "a: [[1]]\nb: -3.5e2\nc: x1\n"
    );
    assert_eq!(apply(text, &Mutation::DeleteLine(4)), "a: 12\nc: x1\n");
    assert_eq!(apply(text, &Mutation::Truncate(3)), "a: ");
    assert_eq!(
        apply(text, &Mutation::Indent(0, 2)),
        "  a: 12\nb: -3.5e2\nc: x1\n"
    );
}
