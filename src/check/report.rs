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
    /// The largest, over the directions, of the tolerance relative to
    /// $\sum_i |g_i v_i|$: a claim whose directional derivatives are wrong by
    /// more than this fraction would have been caught.
    pub resolution: f64,
}

/// What the negative control found (see
/// [`CheckConfig::with_negative_control`](crate::CheckConfig::with_negative_control)).
#[derive(Debug, Clone, PartialEq)]
pub struct NegativeControl {
    /// The output (row) of the moved entry.
    pub output: usize,
    /// The input (column) of the moved entry.
    pub input: usize,
    /// How far the entry was moved (0.1 % of the largest claimed entry).
    pub moved_by: f64,
    /// The verdict on the moved claim: it must not be ok.
    pub verdict: Verdict,
}

impl NegativeControl {
    /// Whether the check caught the known-wrong claim.
    pub fn caught(&self) -> bool {
        !self.verdict.is_ok()
    }
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
    pub(crate) control: Option<NegativeControl>,
    /// Why the check cannot decide, when it cannot.
    pub(crate) unsure: Option<String>,
    /// Per output, the scale a row claiming all zeros is resolved against:
    /// $|f_0|$ over the widest coordinate, $\max(1, \max_j|x_j|)$ (the slope
    /// of a change of f by itself across the point's width).
    pub(crate) flat_scale: Vec<f64>,
}

/// The absolute floor of a tolerance: twice the smallest normal `f32`
/// (above the `f64` floor too). An entry of a row with no scale whose
/// tolerance is no wider resolved all its float type can (see
/// [`CheckReport::resolution`]).
const FLAT_FLOOR: f64 = 2.0 * f32::MIN_POSITIVE as f64;

impl CheckReport {
    /// `Fail` if any entry fails; else `Inconclusive` if any entry is, or the
    /// check as a whole cannot decide (the negative control slipped through);
    /// else `Kink` if any entry is a kink; else `Pass`.
    pub fn verdict(&self) -> Verdict {
        let worst = self
            .entries
            .iter()
            .map(|e| e.outcome)
            .max()
            .unwrap_or(Verdict::Pass);
        if self.unsure.is_some() {
            worst.max(Verdict::Inconclusive)
        } else {
            worst
        }
    }

    /// Why the check could not decide: the negative control's or the
    /// inconclusive entries' reason (`None` when it decided).
    pub fn inconclusive_reason(&self) -> Option<&str> {
        self.unsure.as_deref()
    }

    /// The negative control's result, when it ran.
    pub fn negative_control(&self) -> Option<&NegativeControl> {
        self.control.as_ref()
    }

    /// The smallest relative error this check is sure to catch: the largest,
    /// over the entries, of the tolerance over the largest $|a|$ claimed in
    /// its output row. A claim wrong by more than this fraction (of its row's
    /// largest entry), in any entry, would have failed; for the fast mode,
    /// the directional resolution.
    ///
    /// A row that claims all zeros is measured against its largest estimate
    /// that stands clear of its own tolerance, or else against f's own scale,
    /// $|f_0|$ over the point's width $\max(1, \max_j|x_j|)$: a zero claim
    /// under a tolerance of that size (an `f32` plateau read at a step too
    /// small to see the slope) resolves nothing. Where f(x) is 0 too ($x^2$
    /// at 0), against the largest one-sided slope its probes saw, f's own
    /// slope scale about x. Where f is exactly 0 at x and at every probe
    /// (a ReLU at -1, a dead unit), the estimates are exact: an entry whose
    /// tolerance is at the absolute floor (no wider than twice the smallest
    /// normal `f32`) resolves all the float type can, and counts 0; a wider
    /// one (a fixed `atol`) has nothing to be relative to and is left out,
    /// infinite when every entry is such an entry, since 0/0 must not read
    /// as a perfect resolution.
    pub fn resolution(&self) -> f64 {
        let scales = self.row_scales();
        let mut judged = false;
        let entries = self
            .entries
            .iter()
            .filter(|e| scales[e.output] != 0.0 || e.tolerance <= FLAT_FLOOR)
            .map(|e| {
                judged = true;
                if e.tolerance.is_nan() {
                    f64::INFINITY
                } else if scales[e.output] == 0.0 {
                    0.0
                } else {
                    e.tolerance / scales[e.output]
                }
            })
            .fold(0.0, f64::max);
        match (&self.directional, self.entries.is_empty()) {
            (Some(d), true) => d.resolution,
            _ if !judged => f64::INFINITY,
            _ => entries,
        }
    }

    /// Whether some row has a claim or an estimate that is not exactly 0 (see
    /// [`CheckReport::resolution`]).
    pub(crate) fn has_scale(&self) -> bool {
        !self.entries.is_empty() && self.row_scales().iter().any(|s| *s != 0.0)
            || self.entries.is_empty() && self.directional.is_some()
    }

    /// Per output row, the largest $|a|$; for a row of zero claims, the
    /// largest $|n|$ beyond its tolerance, else f's own scale, else its
    /// largest one-sided slope (0 where f is 0 at x and every probe).
    fn row_scales(&self) -> Vec<f64> {
        let mut claimed = vec![0.0_f64; self.outputs];
        let mut estimated = vec![0.0_f64; self.outputs];
        let mut sloped = vec![0.0_f64; self.outputs];
        for e in &self.entries {
            if !e.analytic.is_nan() {
                claimed[e.output] = claimed[e.output].max(e.analytic.abs());
            }
            if e.numeric.abs() > e.tolerance {
                estimated[e.output] = estimated[e.output].max(e.numeric.abs());
            }
            for slope in [e.left, e.right] {
                if slope.is_finite() {
                    sloped[e.output] = sloped[e.output].max(slope.abs());
                }
            }
        }
        claimed
            .into_iter()
            .zip(estimated)
            .zip(sloped)
            .zip(&self.flat_scale)
            .map(|(((c, n), slope), flat)| {
                [c, n, if flat.is_finite() { *flat } else { 0.0 }, slope]
                    .into_iter()
                    .find(|s| *s > 0.0)
                    .unwrap_or(0.0)
            })
            .collect()
    }

    /// The inconclusive entries.
    pub fn inconclusive(&self) -> Vec<&EntryCheck> {
        self.with_outcome(Verdict::Inconclusive)
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
        self.index_of(e.output, e.input)
    }

    fn index_of(&self, output: usize, input: usize) -> String {
        if self.jacobian {
            format!("({output}, {input})")
        } else {
            input.to_string()
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
        let unsure = self.inconclusive();
        match (fails.len(), kinks.len()) {
            // The fast mode (or check_hvp) passed along its random directions
            // alone: no entry was checked on its own, and the header says so.
            (0, 0) if self.entries.is_empty() && self.directional.is_some() => {
                let d = self.directional.as_ref().map_or(0, |d| d.directions);
                write!(
                    f,
                    "the claim agrees along {d} random directions (each combines all {total} {what}; no entry was checked on its own, and an error below the resolution can hide)"
                )?
            }
            (0, 0) if !unsure.is_empty() => write!(
                f,
                "{} of {total} {what} cannot be decided, the rest agree",
                unsure.len()
            )?,
            // The fast mode's fallback checked some entries one by one.
            (0, 0) if self.entries.len() < total => write!(
                f,
                "the {} of {total} {what} checked one by one agree",
                self.entries.len()
            )?,
            (0, 0) => write!(f, "all {total} {what} agree")?,
            (0, k) => write!(
                f,
                "{k} of {total} {what} at a kink (analytic value between the one-sided slopes), the rest agree"
            )?,
            (n, k) => write!(f, "{n} of {total} {what} wrong, {k} at a kink")?,
        }
        writeln!(f, " ({} function evaluations)", self.evaluations)?;
        if self.verdict() == Verdict::Pass || self.verdict() == Verdict::Kink {
            writeln!(
                f,
                "resolution: {:.1e} (a claim off by more than this fraction of its largest entry would have failed)",
                self.resolution()
            )?;
        }
        if let Some(c) = &self.control {
            writeln!(
                f,
                "negative control: entry {} moved by {:.3e} (0.1 % of the largest claimed entry) was {} ({})",
                self.index_of(c.output, c.input),
                c.moved_by,
                if c.caught() { "caught" } else { "NOT caught" },
                c.verdict
            )?;
        }
        if let Some(reason) = &self.unsure {
            writeln!(f, "inconclusive: {reason}")?;
        }
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
        if fails.is_empty() && kinks.is_empty() && unsure.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "{:<10} {:>14} {:>14} {:>14} {:>14} {:>10} {:>10} {:>10}  outcome",
            "index", "analytic", "numeric", "left", "right", "abs err", "rel err", "tol"
        )?;
        for e in fails.iter().chain(unsure.iter()).chain(kinks.iter()) {
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
