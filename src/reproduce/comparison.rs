//! The comparison of the paper's figures with blackstart's: sections of rows, each row a
//! quantity with the paper's value, ours, the difference, where they differ why, and its
//! [`Class`]: a genuine reproduction, an input or fitted quantity, a number the paper never
//! printed, or the fair model's extension. Only reproductions count in the headline. Rendered
//! as markdown (`comparison.md`).

use serde::Serialize;
use std::fmt::Write as _;

/// A number as the paper prints it: its value and how many decimals it shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Printed {
    /// The value.
    pub value: f64,
    /// Decimals printed.
    pub decimals: u32,
    /// How far a value may lie from `value` and still round to the printed digits.
    pub tolerance: f64,
}

impl Printed {
    /// `value` printed with `decimals` decimals: it stands for anything within half a unit of
    /// its last digit.
    pub const fn new(value: f64, decimals: u32) -> Self {
        let mut unit = 1.0;
        let mut i = 0;
        while i < decimals {
            unit /= 10.0;
            i += 1;
        }
        Printed {
            value,
            decimals,
            tolerance: unit / 2.0,
        }
    }

    /// A quantity derived from a printed one by a known factor (e.g. `delta = R_delta / BT`):
    /// value and tolerance scale with it, shown with the same decimals.
    pub fn scaled(self, factor: f64) -> Self {
        Printed {
            value: self.value * factor,
            decimals: self.decimals,
            tolerance: self.tolerance * factor.abs(),
        }
    }
}

/// What the paper says about a quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// A number it prints (or derives from printed numbers).
    Number(Printed),
    /// An upper bound it states ("under 5 s").
    AtMost(f64),
    /// A word or list it prints ("balanced", "P2, P4").
    Text(String),
    /// It gives no figure for this quantity.
    NotPublished,
}

/// What blackstart computes for a quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ours {
    /// A number, shown with `decimals` decimals.
    Number {
        /// The value.
        value: f64,
        /// Decimals shown.
        decimals: u32,
    },
    /// A word or list.
    Text(String),
}

/// How a row's two values relate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict", content = "reason")]
pub enum Verdict {
    /// Ours rounds to the paper's printed digits (or meets its bound, or equals its text).
    Matches,
    /// Within a stated tolerance wider than the printed digits, for the reason given.
    Close(String),
    /// They differ, for the reason given.
    Differs(String),
    /// They differ and no reason was given: a finding to look into.
    Unexplained,
    /// The paper has no figure to compare with.
    OursOnly,
}

/// What kind of evidence a row is. Only [`Class::Reproduced`] rows count in the headline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "class", content = "how")]
pub enum Class {
    /// Recomputed from the paper's data and compared with a number the paper prints.
    Reproduced,
    /// An input echoed back or a quantity fitted to the paper by construction, with how:
    /// agreement proves nothing, so it is labelled and not counted as a match.
    Fitted(String),
    /// A number the paper never printed: derived from its data (its paper value, if any, is
    /// computed from what it prints) or from the model beyond it.
    Derived,
    /// The fair model, an extension that does not try to reproduce the paper.
    Extension,
}

/// One quantity compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What is compared, with its unit, e.g. `P1 delta (kWh)`.
    pub quantity: String,
    /// The paper's value.
    pub paper: Paper,
    /// Ours.
    pub ours: Ours,
    /// The outcome, with its reason.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// What kind of evidence it is.
    pub class: Class,
}

impl Row {
    /// Compares our number `ours` (shown with `decimals` decimals) with the paper's.
    pub fn number(quantity: impl Into<String>, paper: Paper, ours: f64, decimals: u32) -> Self {
        let verdict = match &paper {
            // The slack absorbs floating-point error at the edge of the printed digits.
            Paper::Number(p) if (ours - p.value).abs() <= p.tolerance * (1.0 + 1e-9) => {
                Verdict::Matches
            }
            Paper::AtMost(bound) if ours <= *bound => Verdict::Matches,
            Paper::NotPublished => Verdict::OursOnly,
            _ => Verdict::Unexplained,
        };
        Row {
            quantity: quantity.into(),
            class: Class::of(&paper),
            paper,
            ours: Ours::Number {
                value: ours,
                decimals,
            },
            verdict,
        }
    }

    /// Compares our text with the paper's.
    pub fn text(quantity: impl Into<String>, paper: Paper, ours: impl Into<String>) -> Self {
        let ours = ours.into();
        let verdict = match &paper {
            Paper::Text(p) if *p == ours => Verdict::Matches,
            Paper::NotPublished => Verdict::OursOnly,
            _ => Verdict::Unexplained,
        };
        Row {
            quantity: quantity.into(),
            class: Class::of(&paper),
            paper,
            ours: Ours::Text(ours),
            verdict,
        }
    }

    /// Marks the row an input echoed back or fitted by construction, saying how (e.g.
    /// `the scenario holds Table 5's demands`).
    pub fn fitted(mut self, how: impl Into<String>) -> Self {
        self.class = Class::Fitted(how.into());
        self
    }

    /// Marks the row a number the paper never printed, derived from its data.
    pub fn derived(mut self) -> Self {
        self.class = Class::Derived;
        self
    }

    /// Why the values differ, shown when they do (a matching row keeps its verdict).
    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.explain(reason.into());
        self
    }

    fn explain(&mut self, reason: String) {
        if self.verdict == Verdict::Unexplained {
            self.verdict = Verdict::Differs(reason);
        }
    }

    /// Accepts a difference up to `tolerance` (in the row's unit) as close, for `reason`;
    /// a larger one stays unexplained unless [`Row::because`] follows.
    pub fn close_within(mut self, tolerance: f64, reason: impl Into<String>) -> Self {
        if self.verdict == Verdict::Unexplained
            && self.difference().is_some_and(|d| d.abs() <= tolerance)
        {
            self.verdict = Verdict::Close(reason.into());
        }
        self
    }

    /// `ours − paper` when both are numbers.
    pub fn difference(&self) -> Option<f64> {
        match (&self.paper, &self.ours) {
            (Paper::Number(p), Ours::Number { value, .. }) => Some(value - p.value),
            _ => None,
        }
    }
}

impl Class {
    /// A row's class by default: reproduced if the paper gives a figure, else derived.
    fn of(paper: &Paper) -> Self {
        match paper {
            Paper::NotPublished => Class::Derived,
            _ => Class::Reproduced,
        }
    }
}

/// A group of rows from one table or figure of the paper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Heading, e.g. `Table 6 — paper model`.
    pub title: String,
    /// Where the paper's values are printed, e.g. `Table 6 (§VIII.A)`.
    pub source: String,
    /// How ours were computed (scenario, model, command).
    pub method: String,
    /// The quantities.
    pub rows: Vec<Row>,
    /// Remarks shown under the rows.
    pub notes: Vec<String>,
}

impl Section {
    /// An empty section.
    pub fn new(
        title: impl Into<String>,
        source: impl Into<String>,
        method: impl Into<String>,
    ) -> Self {
        Section {
            title: title.into(),
            source: source.into(),
            method: method.into(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Gives `reason` to the row named `quantity` if it differs unexplained.
    pub fn explain(&mut self, quantity: &str, reason: &str) {
        for row in self.rows.iter_mut().filter(|r| r.quantity == quantity) {
            row.explain(reason.into());
        }
    }

    /// Gives `reason` to every row that differs unexplained.
    pub fn explain_all(&mut self, reason: &str) {
        for row in &mut self.rows {
            row.explain(reason.into());
        }
    }

    /// Marks the row named `quantity` an input or fitted quantity, saying how.
    pub fn fitted(&mut self, quantity: &str, how: &str) {
        for row in self.rows.iter_mut().filter(|r| r.quantity == quantity) {
            row.class = Class::Fitted(how.into());
        }
    }

    /// Marks every row part of the fair model's extension.
    pub fn extension(mut self) -> Self {
        for row in &mut self.rows {
            row.class = Class::Extension;
        }
        self
    }

    /// Whether every row belongs to the fair model's extension (such sections get their own
    /// part of `comparison.md`).
    pub fn is_extension(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.class == Class::Extension)
    }
}

/// How many rows came out which way. The headline (`compared` … `differing`) counts only
/// [`Class::Reproduced`] rows; the other classes are counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Reproduced rows: the paper's printed numbers recomputed from its data.
    pub compared: usize,
    /// Of those, matching to the printed precision.
    pub matching: usize,
    /// Of those, close within a stated tolerance.
    pub close: usize,
    /// Of those, differing for a stated reason.
    pub differing: usize,
    /// Rows of any class that differ with no reason given: findings to look into.
    pub unexplained: usize,
    /// Inputs echoed back or quantities fitted by construction (not counted as matches).
    pub fitted: usize,
    /// Numbers the paper never printed, derived from its data.
    pub derived: usize,
    /// Rows of the fair model, an extension of the paper.
    pub extension: usize,
}

/// Everything compared, in the order of the paper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The sections.
    pub sections: Vec<Section>,
    /// The paper's own inconsistencies that no row of ours shows, as paragraphs.
    pub findings: Vec<String>,
}

impl Comparison {
    /// Counts the rows by class, and the reproduced ones by verdict.
    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for row in self.sections.iter().flat_map(|s| &s.rows) {
            if row.verdict == Verdict::Unexplained {
                t.unexplained += 1;
            }
            match row.class {
                Class::Reproduced => {
                    t.compared += 1;
                    match row.verdict {
                        Verdict::Matches => t.matching += 1,
                        Verdict::Close(_) => t.close += 1,
                        Verdict::Differs(_) => t.differing += 1,
                        Verdict::Unexplained | Verdict::OursOnly => {}
                    }
                }
                Class::Fitted(_) => t.fitted += 1,
                Class::Derived => t.derived += 1,
                Class::Extension => t.extension += 1,
            }
        }
        t
    }

    /// The comparison as markdown (`comparison.md`): the headline, the paper's results, its
    /// inconsistencies, then the fair model's extension in a part of its own.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let t = self.tally();
        md.push_str("# blackstart against the paper\n\n");
        let _ = write!(
            md,
            "Generated by `blackstart reproduce` (blackstart {}). ",
            env!("CARGO_PKG_VERSION")
        );
        md.push_str(
            "Each row: the paper's value, ours, the difference (ours − paper, absolute and \
             relative), the row's class and its verdict. \"matches\" means ours rounds to the \
             paper's printed digits. Classes: *reproduced* (the paper's printed number \
             recomputed from its data); *input or fitted* (a number the scenario takes from the \
             paper, or a model parameter fitted so that it agrees: agreement proves nothing and \
             is not counted); *derived* (a number the paper never printed, computed from its \
             data, e.g. eq. 4's cost of its own allocation); *extension* (the fair model, which \
             does not try to reproduce the paper).\n\n",
        );
        let _ = writeln!(
            md,
            "**{} comparisons with the paper's printed numbers, reproduced from its data: {} \
             match, {} close (within a stated tolerance), {} differ for a stated reason.** {} \
             rows differ with no reason given. Not counted: {} inputs or quantities fitted by construction \
             (labelled in their rows), {} numbers the paper never printed (derived from its \
             data), and {} rows of the fair model (an extension, in its own part below).\n",
            t.compared,
            t.matching,
            t.close,
            t.differing,
            t.unexplained,
            t.fitted,
            t.derived,
            t.extension
        );
        let (extension, paper): (Vec<&Section>, Vec<&Section>) =
            self.sections.iter().partition(|s| s.is_extension());
        for section in paper {
            section_markdown(&mut md, section);
        }
        if !self.findings.is_empty() {
            md.push_str("## The paper's own inconsistencies\n\n");
            for finding in &self.findings {
                let _ = writeln!(md, "- {finding}");
            }
            md.push('\n');
        }
        if !extension.is_empty() {
            md.push_str(
                "# Extension: the fair model\n\n\
                 The fair model (docs/model.md §5b) is blackstart's well-posed alternative to \
                 the paper's eq. 4, on the same data. It never tries to reproduce the paper's \
                 tables, so its differences are not counted against the paper.\n\n",
            );
            for section in extension {
                section_markdown(&mut md, section);
            }
        }
        md
    }
}

/// Appends one section: heading, sources, the rows and the notes.
fn section_markdown(md: &mut String, section: &Section) {
    let _ = writeln!(md, "## {}\n", section.title);
    let _ = writeln!(md, "Paper: {}. Ours: {}.\n", section.source, section.method);
    md.push_str("| quantity | paper | ours | difference | class | verdict |\n");
    md.push_str("|---|---:|---:|---:|---|---|\n");
    for row in &section.rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            row.quantity,
            paper_cell(&row.paper),
            ours_cell(&row.ours),
            difference_cell(row),
            class_cell(&row.class),
            verdict_cell(row)
        );
    }
    for note in &section.notes {
        let _ = write!(md, "\n{note}\n");
    }
    md.push('\n');
}

fn paper_cell(paper: &Paper) -> String {
    match paper {
        Paper::Number(p) => format!("{:.*}", p.decimals as usize, p.value),
        Paper::AtMost(bound) => format!("≤ {bound}"),
        Paper::Text(text) => text.clone(),
        Paper::NotPublished => "—".into(),
    }
}

fn ours_cell(ours: &Ours) -> String {
    match ours {
        Ours::Number { value, decimals } => format!("{:.*}", *decimals as usize, value),
        Ours::Text(text) => text.clone(),
    }
}

fn difference_cell(row: &Row) -> String {
    let (Some(difference), Paper::Number(p), Ours::Number { decimals, .. }) =
        (row.difference(), &row.paper, &row.ours)
    else {
        return String::new();
    };
    let decimals = (*decimals).max(p.decimals) as usize;
    if p.value == 0.0 {
        format!("{difference:+.decimals$}")
    } else {
        format!(
            "{difference:+.decimals$} ({:+.2} %)",
            100.0 * difference / p.value.abs()
        )
    }
}

/// The label of a row's class; an input or fitted row says how, and that it is not counted.
pub fn class_cell(class: &Class) -> String {
    match class {
        Class::Reproduced => "reproduced".into(),
        Class::Fitted(how) => format!("{FITTED_LABEL} {how}"),
        Class::Derived => "derived".into(),
        Class::Extension => "extension".into(),
    }
}

/// How the class cell of an input or fitted row begins.
pub const FITTED_LABEL: &str = "input or fitted (not counted):";

fn verdict_cell(row: &Row) -> String {
    match &row.verdict {
        // Agreement by construction is not presented as a match.
        Verdict::Matches | Verdict::Close(_) if matches!(row.class, Class::Fitted(_)) => {
            "agrees by construction".into()
        }
        Verdict::Matches => "matches".into(),
        Verdict::Close(reason) => format!("close: {reason}"),
        Verdict::Differs(reason) => format!("differs: {reason}"),
        Verdict::Unexplained => "**differs, unexplained**".into(),
        Verdict::OursOnly => "ours only".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_digits_set_the_tolerance() {
        let p = Printed::new(2706.0, 0);
        assert_eq!(p.tolerance, 0.5);
        assert!((Printed::new(0.067, 3).tolerance - 0.0005).abs() < 1e-15);
        let r = Row::number("x", Paper::Number(Printed::new(7132.0, 0)), 7131.5, 2);
        assert_eq!(r.verdict, Verdict::Matches);
        let r = Row::number("x", Paper::Number(Printed::new(2706.0, 0)), 2704.8, 2);
        assert_eq!(r.verdict, Verdict::Unexplained);
        assert_eq!(
            r.clone().because("why").verdict,
            Verdict::Differs("why".into())
        );
        assert_eq!(
            r.close_within(2.0, "near").verdict,
            Verdict::Close("near".into())
        );
    }

    #[test]
    fn bounds_text_and_missing_values() {
        assert_eq!(
            Row::number("t", Paper::AtMost(5.0), 4.2, 1).verdict,
            Verdict::Matches
        );
        assert_eq!(
            Row::text("c", Paper::Text("balanced".into()), "balanced").verdict,
            Verdict::Matches
        );
        assert_eq!(
            Row::number("n", Paper::NotPublished, 1.0, 1).verdict,
            Verdict::OursOnly
        );
    }

    #[test]
    fn markdown_has_a_row_per_quantity_and_the_tally() {
        let mut section = Section::new("Table X", "Table X", "a test");
        section.rows.push(
            Row::number("a (INR)", Paper::Number(Printed::new(4550.0, 0)), 6800.0, 2)
                .because("fits no slab"),
        );
        let comparison = Comparison {
            sections: vec![section],
            findings: vec!["a finding".into()],
        };
        let md = comparison.to_markdown();
        assert!(md.contains(
            "| a (INR) | 4550 | 6800.00 | +2250.00 (+49.45 %) | reproduced | differs: fits no slab |"
        ));
        assert!(md.contains(
            "**1 comparisons with the paper's printed numbers, reproduced from its data: 0 match"
        ));
        assert!(md.contains("## The paper's own inconsistencies\n\n- a finding\n"));
    }

    #[test]
    fn only_reproductions_count_in_the_headline() {
        let printed = |v| Paper::Number(Printed::new(v, 0));
        let mut paper = Section::new("Table X", "Table X", "a test");
        paper.rows.extend([
            Row::number("reproduced", printed(3.0), 3.0, 0),
            Row::number("echoed", printed(5.0), 5.0, 0).fitted("the table's own value"),
            Row::number("sum", printed(8.0), 8.0, 0).derived(),
            Row::number("not printed", Paper::NotPublished, 1.0, 0),
        ]);
        let fair = {
            let mut s = Section::new("Table X — fair", "Table X", "a test");
            s.rows
                .push(Row::number("other", printed(3.0), 4.0, 0).because("another model"));
            s.extension()
        };
        let comparison = Comparison {
            sections: vec![fair, paper],
            findings: Vec::new(),
        };
        let t = comparison.tally();
        assert_eq!(
            (t.compared, t.matching, t.fitted, t.derived, t.extension),
            (1, 1, 1, 2, 1)
        );
        let md = comparison.to_markdown();
        assert!(md.contains(
            "| echoed | 5 | 5 | +0 (+0.00 %) | input or fitted (not counted): the table's \
             own value | agrees by construction |"
        ));
        // The fair model's section comes last, in the extension part, whatever its order.
        let extension = md.find("# Extension: the fair model").unwrap();
        assert!(md.find("## Table X — fair").unwrap() > extension);
        assert!(md.find("## Table X\n").unwrap() < extension);
    }
}
