//! Verdicts: per entry and for a whole report.

use std::fmt;

/// The outcome of a check.
///
/// Ordered by severity, so the verdict of a report is the maximum of its
/// entries' outcomes: `Pass < Kink < Inconclusive < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// The analytic value agrees with the numeric derivative.
    Pass,
    /// The function is not differentiable here, and the analytic value lies
    /// between the left and right slopes (a valid one-sided derivative or
    /// subgradient).
    Kink,
    /// The evidence cannot decide: its error bars are too wide to tell the
    /// claim from a wrong one (noise, a domain boundary, a tolerance that
    /// overflows, a loose `atol` that the negative control exposed). Not ok:
    /// an oracle never rounds an unsure case to a pass.
    Inconclusive,
    /// The analytic value is wrong.
    Fail,
}

impl Verdict {
    /// `PASS`, `KINK`, `INCONCLUSIVE` or `FAIL`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Kink => "KINK",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Fail => "FAIL",
        }
    }

    /// Whether the gradient is acceptable: [`Verdict::Pass`] or
    /// [`Verdict::Kink`] (an [`Verdict::Inconclusive`] check accepts nothing).
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Kink)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Which estimate decided an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Evidence {
    /// The two-point look before the first pass: a second-order estimate
    /// from $f(x + h)$ and $f(x - 0.618h)$ at $h = \varepsilon^{1/3}$.
    TwoPoint,
    /// The first pass: the third-order stencil at $\varepsilon^{1/4}$, or the
    /// fourth-order one that one more evaluation makes of it.
    HigherOrder,
    /// Central differences at their optimal step, or one Richardson step on them.
    Central,
    /// Ridders' extrapolation.
    Ridders,
    /// Central differences at a step shrunk below a nearby kink.
    ShrunkStep,
    /// One-sided slopes at the smallest step (a kink).
    OneSided,
    /// A random-direction derivative (fast mode).
    Directional,
    /// f's values lie on a grid far coarser than their own precision (an
    /// intermediate absorbed their low digits): the derivative is judged at the
    /// resolution that grid allows.
    Quantized,
    /// Central differences at a step widened until their rounding is an eighth
    /// of the claim: a pass whose tolerance did not resolve a small claim,
    /// looked at again.
    WideStep,
    /// f changes from call to call at the same point: central and one-sided
    /// estimates at the step where the measured noise and the truncation
    /// balance, with error bars from that noise.
    Noisy,
    /// f is finite on one side of x only (the edge of its domain): a
    /// one-sided extrapolated difference from the finite side.
    DomainEdge,
    /// f's slope read at the small steps and at wide ones (central
    /// differences with Richardson's step at $2^{-5}w_i$ to $2^{-3}w_i$)
    /// disagree, and the wide one holds a claim the small ones fail: f moves
    /// in stairs wider than the small steps, and the entry is inconclusive.
    ScalesDisagree,
}

impl Evidence {
    /// A smooth estimate decided (no kink analysis, no domain edge, no
    /// noise or grid model): the two-point look, the first pass, central
    /// differences, Ridders, or the widened step.
    pub(crate) fn is_smooth_estimate(self) -> bool {
        matches!(
            self,
            Evidence::TwoPoint
                | Evidence::HigherOrder
                | Evidence::Central
                | Evidence::Ridders
                | Evidence::WideStep
        )
    }

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Evidence::TwoPoint => "two-point",
            Evidence::HigherOrder => "higher-order",
            Evidence::Central => "central",
            Evidence::Ridders => "ridders",
            Evidence::ShrunkStep => "shrunk-step",
            Evidence::OneSided => "one-sided",
            Evidence::Directional => "directional",
            Evidence::Quantized => "quantized",
            Evidence::WideStep => "wide-step",
            Evidence::Noisy => "noisy",
            Evidence::DomainEdge => "domain-edge",
            Evidence::ScalesDisagree => "scales-disagree",
        }
    }
}
