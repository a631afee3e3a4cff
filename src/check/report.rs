//! The evidence of a check and its table.

use std::fmt;

use crate::check::verdict::{Evidence, Verdict};

/// The check of one entry: coordinate `input` of output `output`
/// (output 0 for a gradient).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryCheck {
    /// The output (row of the Jacobian; 0 for a gradient).
    pub output: usize,
    /// The input coordinate.
    pub input: usize,
    /// The claimed derivative.
    pub analytic: f64,
    /// The numeric derivative that decided the outcome.
    pub numeric: f64,
    /// The left one-sided slope $(f(x) - f(x - h))/h$.
    pub left: f64,
    /// The right one-sided slope $(f(x + h) - f(x))/h$.
    pub right: f64,
    /// $|a - n|$.
    pub abs_error: f64,
    /// $|a - n| / \max(|a|, |n|)$ (0 when both are 0).
    pub rel_error: f64,
    /// The tolerance the error was compared with.
    pub tolerance: f64,
    /// The outcome.
    pub outcome: Verdict,
    /// Which estimate decided it.
    pub evidence: Evidence,
}

impl EntryCheck {
    /// How far past its tolerance the entry is (for ordering, worst first).
    pub fn excess(&self) -> f64 {
        if self.abs_error.is_nan() {
            f64::INFINITY
        } else {
            self.abs_error / self.tolerance.max(f64::MIN_POSITIVE)
        }
    }
}

/// The directional fast mode's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectionalSummary {
    /// Directions tried.
    pub directions: usize,
    /// Directions whose derivative disagreed with $g \cdot v$.
    pub failed: usize,
    /// The largest $|g\cdot v - D_v f|$ over the directions.
    pub worst_abs_error: f64,
}

/// Everything a check found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub(crate) entries: Vec<EntryCheck>,
    pub(crate) outputs: usize,
    pub(crate) inputs: usize,
    pub(crate) jacobian: bool,
    pub(crate) evaluations: usize,
    pub(crate) directional: Option<DirectionalSummary>,
    pub(crate) diagnosis: Option<String>,
}

impl CheckReport {
    /// `Fail` if any entry fails, else `Kink` if any is a kink, else `Pass`.
    pub fn verdict(&self) -> Verdict {
        self.entries
            .iter()
            .map(|e| e.outcome)
            .max()
            .unwrap_or(Verdict::Pass)
    }

    /// Every checked entry, in order (empty when the fast mode passed).
    pub fn entries(&self) -> &[EntryCheck] {
        &self.entries
    }

    /// The failing entries, worst first.
    pub fn failures(&self) -> Vec<&EntryCheck> {
        self.with_outcome(Verdict::Fail)
    }

    /// The kink entries, worst first.
    pub fn kinks(&self) -> Vec<&EntryCheck> {
        self.with_outcome(Verdict::Kink)
    }

    fn with_outcome(&self, outcome: Verdict) -> Vec<&EntryCheck> {
        let mut v: Vec<&EntryCheck> = self
            .entries
            .iter()
            .filter(|e| e.outcome == outcome)
            .collect();
        v.sort_by(|a, b| b.excess().total_cmp(&a.excess()));
        v
    }

    /// The largest absolute error relative to $\max(1, |n|)$ over the entries
    /// (the accuracy metric of the benchmark protocol).
    pub fn worst_scaled_error(&self) -> f64 {
        self.entries
            .iter()
            .filter(|e| e.outcome == Verdict::Pass)
            .map(|e| e.abs_error / e.numeric.abs().max(1.0))
            .fold(0.0, f64::max)
    }

    /// Function evaluations spent.
    pub fn evaluations(&self) -> usize {
        self.evaluations
    }

    /// The number of inputs (coordinates).
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of outputs (1 for a gradient).
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// The fast mode's summary, when it ran.
    pub fn directional(&self) -> Option<&DirectionalSummary> {
        self.directional.as_ref()
    }

    /// A one-line guess at the shape of the mistake (sign flip, constant
    /// factor, swapped coordinates, transposed Jacobian, should-be-zero entry).
    pub fn diagnosis(&self) -> Option<&str> {
        self.diagnosis.as_deref()
    }

    fn index(&self, e: &EntryCheck) -> String {
        if self.jacobian {
            format!("({}, {})", e.output, e.input)
        } else {
            e.input.to_string()
        }
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fails = self.failures();
        let kinks = self.kinks();
        let what = if self.jacobian {
            "entries"
        } else {
            "coordinates"
        };
        let total = self.outputs * self.inputs;
        write!(f, "{}: ", self.verdict())?;
        match (fails.len(), kinks.len()) {
            (0, 0) => write!(f, "all {total} {what} agree")?,
            (0, k) => write!(
                f,
                "{k} of {total} {what} at a kink (analytic value between the one-sided slopes), the rest agree"
            )?,
            (n, k) => write!(f, "{n} of {total} {what} wrong, {k} at a kink")?,
        }
        writeln!(f, " ({} function evaluations)", self.evaluations)?;
        if let Some(d) = &self.directional {
            writeln!(
                f,
                "fast mode: {} of {} random directions disagreed (worst |g.v - D_v f| = {:.3e})",
                d.failed, d.directions, d.worst_abs_error
            )?;
        }
        if let Some(diag) = &self.diagnosis {
            writeln!(f, "diagnosis: {diag}")?;
        }
        if fails.is_empty() && kinks.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "{:<10} {:>14} {:>14} {:>14} {:>14} {:>10} {:>10} {:>10}  outcome",
            "index", "analytic", "numeric", "left", "right", "abs err", "rel err", "tol"
        )?;
        for e in fails.iter().chain(kinks.iter()) {
            writeln!(
                f,
                "{:<10} {:>14.7e} {:>14.7e} {:>14.7e} {:>14.7e} {:>10.2e} {:>10.2e} {:>10.2e}  {} ({})",
                self.index(e),
                e.analytic,
                e.numeric,
                e.left,
                e.right,
                e.abs_error,
                e.rel_error,
                e.tolerance,
                e.outcome,
                e.evidence.name()
            )?;
        }
        Ok(())
    }
}
