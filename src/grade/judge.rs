//! One number (or a row of them) of a hand-run trace against its reference,
//! its carried-forward value and the known slips: the rule every Exercise 2
//! item is judged by.
//!
//! - **Right** at the written precision: one unit in the last written decimal
//!   of the reference; **carried forward**: three units of the value the
//!   student's own earlier answers give (their rounding adds up).
//! - **The decimals rule**, for every graded number, carried forward or not:
//!   a number written too coarsely to show the decimals the policy asks for
//!   (where the exact value needs them) earns half its credit at most. What
//!   the value needs is read from the reference *and* from the carried value,
//!   so a value recomputed from the student's own rounded numbers (often a
//!   short decimal) does not excuse coarse writing.
//! - **Slips**: a wrong number that matches a slip names it. A number that
//!   matches the reference at its precision but matches a slip's value just as
//!   well is recorded as ambiguous; [`charge_consistent_slips`] charges it
//!   when the file makes that slip elsewhere, so that a slip costs the same
//!   whatever the rounding hides.

use crate::grade::answers::Typed;
use crate::grade::report::{GradeItem, Status};
use crate::grade::slips::Slip;

/// A slip's prediction for one item: what the student would have written.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Which slip.
    pub slip: Slip,
    /// How it is named for this item.
    pub message: String,
    /// The values under the slip.
    pub values: Vec<f64>,
}

impl Candidate {
    pub(crate) fn new(slip: Slip, what: &str, values: Vec<f64>) -> Self {
        Self {
            message: slip.message(what),
            slip,
            values,
        }
    }
}

/// Slips are the same slip whatever the item they show in.
fn same_slip(a: &Slip, b: &Slip) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// One answer, judged.
#[derive(Debug, Clone)]
pub(crate) struct Judged {
    pub status: Status,
    pub message: String,
    /// The share of the item's points it earns.
    pub credit: f64,
    /// The slip this wrong answer matches.
    pub slip: Option<Candidate>,
    /// Slips a right answer matches just as well (the written precision
    /// cannot tell them from the reference).
    pub ambiguous: Vec<Candidate>,
    /// Agrees with the reference or follows from the student's own answers,
    /// whatever the decimals rule then grants.
    pub agrees: bool,
    /// The student's numbers as written.
    pub written: String,
}

impl Judged {
    pub(crate) fn wrong(message: String) -> Self {
        Self {
            status: Status::Wrong,
            message,
            credit: 0.0,
            slip: None,
            ambiguous: Vec::new(),
            agrees: false,
            written: String::new(),
        }
    }
}

/// A value with more decimals than any policy asks for (1/3): it needs all
/// the decimals wanted.
const LONG: f64 = 1.0 / 3.0;

/// The decimals `exact` needs, up to `wanted`: fewer where it is a short
/// decimal (0.5 needs 1, 2 needs 0).
fn needed_decimals(exact: f64, wanted: u32) -> u32 {
    (0..wanted)
        .find(|k| {
            let scale = 10f64.powi(*k as i32);
            ((exact * scale).round() / scale - exact).abs() <= 1e-9 * exact.abs().max(1.0)
        })
        .unwrap_or(wanted)
}

/// A value for a message: up to 6 decimals, trailing zeros dropped.
pub(crate) fn shown(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// Values for a message, one or a list.
pub(crate) fn shown_all(v: &[f64]) -> String {
    if v.len() == 1 {
        shown(v[0])
    } else {
        format!(
            "[{}]",
            v.iter().map(|x| shown(*x)).collect::<Vec<_>>().join(", ")
        )
    }
}

/// The student's numbers as written.
pub(crate) fn written(student: &[Typed]) -> String {
    if student.len() == 1 {
        student[0].written.clone()
    } else {
        let all: Vec<&str> = student.iter().map(|t| t.written.as_str()).collect();
        format!("[{}]", all.join(", "))
    }
}

/// The credit for a number written with `decimals` where `needed` are
/// needed: one decimal short earns half, two or more nothing (a trace
/// rounded to 1 decimal matches nearly any trace, and proves nothing).
fn coarse_credit(decimals: u32, needed: u32) -> f64 {
    if decimals + 1 == needed { 0.5 } else { 0.0 }
}

/// The coarsest number written too coarsely to show the decimals its value
/// needs (the most any of `values` needs): the credit it leaves, and a
/// message quoting it.
fn too_coarse(student: &[Typed], values: &[&[f64]], wanted: u32) -> Option<(f64, String)> {
    let short = student.iter().enumerate().filter_map(|(i, s)| {
        let (needed, exact) = values
            .iter()
            .map(|v| (needed_decimals(v[i], wanted), v[i]))
            .max_by_key(|(n, _)| *n)?;
        (s.decimals < needed).then_some((coarse_credit(s.decimals, needed), s, needed, exact))
    });
    let (credit, s, needed, exact) = short.min_by(|a, b| a.0.total_cmp(&b.0))?;
    let verdict = if credit > 0.0 {
        "half credit"
    } else {
        "no credit (two or more decimals short)"
    };
    Some((
        credit,
        format!(
            "you wrote {}, {} decimal{}; the class policy asks for {wanted}, and the value {} needs {needed}: {verdict}",
            s.written,
            s.decimals,
            if s.decimals == 1 { "" } else { "s" },
            shown(exact)
        ),
    ))
}

pub(crate) fn all_match(student: &[Typed], expected: &[f64]) -> bool {
    student.len() == expected.len() && student.iter().zip(expected).all(|(s, e)| s.matches(*e))
}

/// Values carried forward come from the student's rounded answers, and their
/// rounding adds up (a sum of three rounded products, say): three units in the
/// last written decimal.
pub(crate) fn all_match_carried(student: &[Typed], expected: &[f64]) -> bool {
    student.len() == expected.len()
        && student
            .iter()
            .zip(expected)
            .all(|(s, e)| (s.value - e).abs() <= 3.0 * s.tolerance().max(1e-12 * e.abs()))
}

/// Whether a slip's values differ from `values` at all (beyond the rounding
/// of two ways to compute the same thing).
fn differs(slip: &[f64], values: &[f64]) -> bool {
    slip.iter()
        .zip(values)
        .any(|(v, a)| (v - a).abs() > 1e-9 * a.abs().max(v.abs()).max(1e-300))
}

/// Slips whose values the student's numbers match as well as what was
/// accepted, where the slip changes the value: it differs from the reference
/// and from the value carried forward (slips are computed from the reference
/// or from the student's own numbers, and either way must change something).
fn ambiguous_slips(
    student: &[Typed],
    reference: &[f64],
    carried: Option<&[f64]>,
    slips: &[Candidate],
) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = Vec::new();
    for c in slips {
        let changes =
            differs(&c.values, reference) && carried.is_none_or(|v| differs(&c.values, v));
        if changes
            && all_match_carried(student, &c.values)
            && !found.iter().any(|f| same_slip(&f.slip, &c.slip))
        {
            found.push(c.clone());
        }
    }
    found
}

/// Judges `student` against the `reference`, the value `carried` forward
/// from their own earlier answers, and the known `slips`.
pub(crate) fn judge(
    student: &[Typed],
    reference: &[f64],
    carried: Option<&[f64]>,
    slips: &[Candidate],
    min_decimals: u32,
) -> Judged {
    if student.len() != reference.len() {
        return Judged::wrong(format!(
            "expected {} numbers, got {}",
            reference.len(),
            student.len()
        ));
    }
    let accept = |values: &[&[f64]], status: Status, message: String| {
        let ambiguous = ambiguous_slips(student, reference, carried, slips);
        match too_coarse(student, values, min_decimals) {
            Some((credit, why)) => Judged {
                status: Status::Wrong,
                message: why,
                credit,
                slip: None,
                ambiguous,
                agrees: true,
                written: written(student),
            },
            None => Judged {
                status,
                message,
                credit: 1.0,
                slip: None,
                ambiguous,
                agrees: true,
                written: written(student),
            },
        }
    };
    if all_match(student, reference) {
        return accept(&[reference], Status::Correct, String::new());
    }
    if let Some(c) = carried
        && all_match_carried(student, c)
    {
        // Where the carried value differs from the reference it comes from
        // the student's rounded numbers, and its shortness (0.6 from a
        // rounded s of 0.6) says nothing: those entries need the policy's
        // decimals, unless the reference itself is short there.
        let needs: Vec<f64> = c
            .iter()
            .zip(reference)
            .map(|(cv, r)| {
                if (cv - r).abs() <= 1e-12 * r.abs().max(1.0) {
                    *r
                } else {
                    LONG
                }
            })
            .collect();
        return accept(
            &[reference, &needs],
            Status::CarriedForward,
            format!(
                "you wrote {}: it differs from {} but follows from your earlier answers",
                written(student),
                shown_all(reference)
            ),
        );
    }
    let mut message = format!(
        "you wrote {}, expected {}",
        written(student),
        shown_all(reference)
    );
    if let Some(c) = carried
        && c.iter().zip(reference).any(|(a, b)| (a - b).abs() > 1e-12)
    {
        message += &format!(" (or {} from your earlier answers)", shown_all(c));
    }
    let slip = slips
        .iter()
        .find(|c| all_match(student, &c.values) || all_match_carried(student, &c.values))
        .cloned();
    if let Some(c) = &slip {
        message += &format!(": {}", c.message);
    }
    Judged {
        slip,
        ..Judged::wrong(message)
    }
}

/// One graded item with the evidence about slips it carries.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// The slip a wrong item showed.
    pub slip: Option<Candidate>,
    /// Slips a right item matched as well.
    pub ambiguous: Vec<Candidate>,
    /// The item agrees (see [`Judged::agrees`]).
    pub agrees: bool,
    /// The student's numbers as written.
    pub written: String,
}

/// A slip costs the same wherever it applies, whatever the rounding hides:
/// an item right at its written precision that matches, just as well, a slip
/// the same file shows elsewhere (as a wrong item) is charged as that slip.
/// The message says so and names where the slip shows.
pub(crate) fn charge_consistent_slips(items: &mut [GradeItem], evidence: &[Evidence]) {
    let shown_at: Vec<(Slip, String)> = items
        .iter()
        .zip(evidence)
        .filter_map(|(i, e)| e.slip.as_ref().map(|c| (c.slip, i.item.clone())))
        .collect();
    for (item, e) in items.iter_mut().zip(evidence) {
        // Items that earn something: right, carried forward, or half credit
        // for coarse writing.
        if item.points <= 0.0 {
            continue;
        }
        let Some((c, at)) = e.ambiguous.iter().find_map(|c| {
            shown_at
                .iter()
                .find(|(s, _)| same_slip(s, &c.slip))
                .map(|(_, at)| (c, at))
        }) else {
            continue;
        };
        item.status = Status::Wrong;
        item.points = 0.0;
        item.message = format!(
            "you wrote {}: it agrees with the reference at its written precision, but equally with {}, the value when {}; this file makes that slip ({at}), so it is charged here too",
            e.written,
            shown_all(&c.values),
            c.message
        );
    }
}
