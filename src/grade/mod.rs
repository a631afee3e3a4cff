//! The grading oracle: grade a student's answers and give a score.
//!
//! - [`parse_answers`] reads a TOML answer file (numbers and/or formulas; the
//!   format is in [`answers`]).
//! - [`grade`] grades it: Exercise 1's three derivatives as formulas
//!   (15 points), Exercise 2's hand-run trace with error carried forward
//!   (15 points, see [`trace`]), Exercise 3's $\partial L/\partial o_j$ as a
//!   formula (10 points, see [`formula`]).
//!
//! - [`grade_with`] grades under a TA's [`GradePolicy`] (an imposed
//!   convention, the written precision asked for).
//! - [`grade_rust`] scores a Rust submission on the same 40-point scale.
//!
//! The command line: `gradient-oracle grade PATH... [--mode M] [--lr X]
//! [--min-decimals N] [--format text|json|gradescope|csv]` (see
//! `docs/grading.md`).

pub mod answers;
pub mod formula;
mod judge;
pub mod report;
pub mod rust_grade;
pub mod slips;
pub mod submission;
pub mod trace;

pub use answers::{AnswerFile, parse_answers};
pub use report::{ExerciseScore, GradeItem, GradeReport, Status, show_points};
pub use rust_grade::{SUBMISSION_CASES, SUBMISSION_SEED, grade_rust};

use formula::{ChainDerivative, FormulaOutcome, check_chain_formula, check_hinge_formula};

/// The seed of the random points formulas are checked at (fixed, so a grade is reproducible).
pub const FORMULA_SEED: u64 = 2016;

fn formula_item(
    exercise: u8,
    item: &str,
    max: f64,
    formula: Option<&String>,
    check: impl Fn(&str) -> FormulaOutcome,
) -> GradeItem {
    let Some(text) = formula else {
        return GradeItem {
            exercise,
            item: item.into(),
            status: Status::Missing,
            points: 0.0,
            max_points: max,
            message: String::new(),
        };
    };
    let outcome = check(text);
    let (status, points, message) = if let Some(reason) = outcome.unreadable {
        (
            Status::NeedsReview,
            0.0,
            format!(
                "{}; you wrote `{text}`; a person should look (0 until then)",
                reason.trim_end_matches('.')
            ),
        )
    } else if outcome.correct {
        (
            Status::Correct,
            max,
            format!("right at all {} random points", outcome.points),
        )
    } else {
        let mut m = outcome.counterexample.unwrap_or_default();
        if let Some(d) = outcome.diagnosis {
            m = format!("{d}; {m}");
        }
        (Status::Wrong, 0.0, m)
    };
    GradeItem {
        exercise,
        item: item.into(),
        status,
        points,
        max_points: max,
        message,
    }
}

/// The written precision [`GradePolicy::default`] asks for: 3 decimals.
pub const DEFAULT_MIN_DECIMALS: u32 = 3;

/// How a class is graded: the convention a TA imposes on Exercise 2, and the
/// precision numbers must be written with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradePolicy {
    /// Exercise 2's update convention, imposed (else declared or inferred).
    pub mode: Option<crate::UpdateMode>,
    /// Exercise 2's learning rate, imposed (else declared or inferred).
    pub lr: Option<f64>,
    /// A number whose written precision cannot show this decimal of the
    /// exact value (where the value needs it: 0.5 needs 1) gets half credit
    /// at most, with a message saying so.
    pub min_decimals: u32,
}

impl Default for GradePolicy {
    fn default() -> Self {
        Self {
            mode: None,
            lr: None,
            min_decimals: DEFAULT_MIN_DECIMALS,
        }
    }
}

impl GradePolicy {
    /// Checks the policy: a learning rate must be finite and positive, and
    /// no more than 16 decimals can be asked for.
    ///
    /// # Errors
    /// [`OracleError::InvalidParameter`](crate::OracleError::InvalidParameter) naming the setting.
    pub fn validate(&self) -> crate::Result<()> {
        if let Some(lr) = self.lr
            && !(lr.is_finite() && lr > 0.0)
        {
            return Err(crate::OracleError::InvalidParameter {
                name: "lr".into(),
                reason: format!("must be finite and positive, got {lr}"),
            });
        }
        if self.min_decimals > 16 {
            return Err(crate::OracleError::InvalidParameter {
                name: "min_decimals".into(),
                reason: format!(
                    "at most 16 (f64 holds about 16 digits), got {}",
                    self.min_decimals
                ),
            });
        }
        Ok(())
    }
}

/// Grades every exercise of an answer file under the default policy
/// (convention declared or inferred, 3 decimals).
pub fn grade(answers: &AnswerFile) -> GradeReport {
    grade_with(answers, &GradePolicy::default())
}

/// Grades every exercise of an answer file under a TA's `policy`.
pub fn grade_with(answers: &AnswerFile, policy: &GradePolicy) -> GradeReport {
    let mut items = Vec::new();
    let e1 = answers.exercise1.clone().unwrap_or_default();
    for (name, which, formula) in [
        ("dL/dW_out", ChainDerivative::WOut, e1.d_w_out.as_ref()),
        ("dL/dW2", ChainDerivative::W2, e1.d_w2.as_ref()),
        ("dL/dW1", ChainDerivative::W1, e1.d_w1.as_ref()),
    ] {
        items.push(formula_item(1, name, 5.0, formula, |f| {
            check_chain_formula(which, f, FORMULA_SEED)
        }));
    }
    let e2 = answers.exercise2.clone().unwrap_or_default();
    let (trace_items, how) = trace::grade_trace_with(&e2, policy);
    items.extend(trace_items);
    let e3 = answers.exercise3.clone().unwrap_or_default();
    items.push(formula_item(3, "dL/do_j", 10.0, e3.d_o.as_ref(), |f| {
        check_hinge_formula(f, FORMULA_SEED)
    }));
    GradeReport::new(items, answers.exercise2.as_ref().map(|_| how))
}
