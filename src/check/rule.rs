//! The verdict rule's last word on every entry, and the negative control.
//!
//! The stages of [`crate::check`] each leave an entry with an estimate $n$, a
//! tolerance $\tau$ (the estimate's error bar plus the claim's own rounding)
//! and an outcome. Before a report is made, one rule holds for all of them:
//!
//! - a claim $a$ that is NaN or infinite is **Fail**: no finite function has
//!   it as a derivative anywhere a finite difference can see;
//! - an estimate or a tolerance that is NaN or infinite (an intermediate
//!   overflowed, f is NaN on a side of x) decides nothing: the outcome is
//!   **Inconclusive**, never Pass or Kink, with the reason in the report;
//! - with [`CheckConfig::forbid_kinks`], **Kink** is **Fail**.
//!
//! The **negative control** ([`CheckConfig::with_negative_control`]) judges,
//! with the same stages, the claim with its largest entry moved by 0.1 % of
//! itself. If that known-wrong claim is not caught, the check cannot tell a
//! 0.1 % error (a loose `atol`, noise, a tolerance wider than the claim) and
//! the verdict is **Inconclusive** whatever the claim itself got.

use crate::check::config::CheckConfig;
use crate::check::report::EntryCheck;
use crate::check::verdict::Evidence;
use crate::check::verdict::Verdict;
use crate::float::{Real, cst};

/// The relative size of the negative control's error: 0.1 %.
pub const CONTROL_OFFSET: f64 = 1e-3;

/// Applies the rule to every entry; returns the reason when some entry is
/// inconclusive: an estimate or tolerance that is not finite, evidence
/// that contradicts itself (an estimate as precise as the deciding one holds
/// the claim while that one does not; the wide steps' slope holds it while
/// the small steps' does not; in `f32`, a central step's miss that kinks
/// under a finer level's rounding could explain, `kinks.rs`), or a Fail by
/// less than the claim's own jumps. `jump_doubt[o][i]` is four times entry (o, i)'s jump between
/// points a few units in the last place apart (`claim.rs`: the allowance caps
/// jumps, since they may be a kink). Where a smooth estimate (no kink
/// analysis, or its shrunk step where the slopes agree) decided Fail within
/// that much more, the jump may be the claim's own rounding on a lattice of
/// two values (an `f32` gradient cancelling from terms of 0.4 to
/// $4\cdot10^{-3}$, whose intermediates move by whole units; an `f32`
/// LayerNorm of two inputs at a mean 190 times their spread, whose mean
/// rounds by half a unit or not), and nothing decides the entry.
pub(crate) fn settle(
    entries: &mut [EntryCheck],
    config: &CheckConfig,
    jump_doubt: &[Vec<f64>],
) -> Option<String> {
    let mut nonfinite = (0, None);
    let mut undecided = (0, None);
    let mut jumpy = (0, None);
    let mut scales = (0, None);
    let mut loose = (0, None);
    for e in entries.iter_mut() {
        if e.outcome == Verdict::Inconclusive && e.evidence == Evidence::ScalesDisagree {
            scales.0 += 1;
            scales.1.get_or_insert((e.output, e.input));
            continue;
        }
        let doubt = jump_doubt
            .get(e.output)
            .and_then(|row| row.get(e.input))
            .copied()
            .unwrap_or(0.0);
        if doubt > 0.0
            && e.outcome == Verdict::Fail
            && smooth_where_decided(e)
            && e.abs_error <= e.tolerance + doubt
        {
            e.outcome = Verdict::Inconclusive;
            jumpy.0 += 1;
            jumpy.1.get_or_insert((e.output, e.input));
            continue;
        }
        let mut unfinite = false;
        if !e.analytic.is_finite() {
            e.outcome = Verdict::Fail;
            e.abs_error = f64::INFINITY;
            e.rel_error = f64::INFINITY;
        } else if !(e.numeric.is_finite() && e.tolerance.is_finite()) {
            e.outcome = Verdict::Inconclusive;
            unfinite = true;
        }
        if config.forbid_kinks && e.outcome == Verdict::Kink {
            e.outcome = Verdict::Fail;
        }
        if e.outcome == Verdict::Inconclusive {
            // The loose outcomes: slopes (of the kink analysis or the noisy
            // stage), or a shrunk step's central difference, holding the claim
            // too coarsely to resolve the row (`kinks::unless_loose`,
            // `kinks::unless_resolved`). The other Inconclusive of those two
            // evidences misses its estimate by more than its tolerance.
            let held_loosely = e.evidence == Evidence::OneSided
                || (matches!(e.evidence, Evidence::ShrunkStep | Evidence::Noisy)
                    && (e.analytic - e.numeric).abs() <= e.tolerance);
            let tally = if unfinite {
                &mut nonfinite
            } else if held_loosely {
                &mut loose
            } else {
                &mut undecided
            };
            tally.0 += 1;
            tally.1.get_or_insert((e.output, e.input));
        }
    }
    let mut reasons = Vec::new();
    if let (count, Some((o, i))) = nonfinite {
        reasons.push(format!(
            "{count} entries (the first: output {o}, input {i}) have an estimate or tolerance that is not finite (f overflows or is NaN near x), so nothing decides them"
        ));
    }
    if let (count, Some((o, i))) = undecided {
        reasons.push(format!(
            "{count} entries (the first: output {o}, input {i}) have evidence that contradicts itself or cannot rule out a kink that explains the miss (an estimate at least as precise as the deciding one holds the claim while that one does not; in f32, kinks as large as the miss could hide under a finer step's rounding), so nothing decides them"
        ));
    }
    if let (count, Some((o, i))) = jumpy {
        reasons.push(format!(
            "{count} entries (the first: output {o}, input {i}) fail by less than the claim's own jumps between points a few units in the last place apart, where f shows no kink (the claim's rounding may explain them), so nothing decides them"
        ));
    }
    if let (count, Some((o, i))) = loose {
        reasons.push(format!(
            "{count} entries (the first: output {o}, input {i}) lie between one-sided slopes, or within a shrunk step's central difference, whose error bars are coarser than max_resolution {:.0e} of their row's largest claim (a claim that far off would read the same), so nothing decides them",
            config.max_resolution
        ));
    }
    if let (count, Some((o, i))) = scales {
        reasons.push(format!(
            "{count} entries (the first: output {o}, input {i}) fail at small steps but agree with f's slope at wide steps (1/32 to 1/8 of the coordinate's width), which stands apart from the small steps' beyond both error bars: f moves in stairs wider than the small steps (an intermediate rounded to f32, near its stationary point or read at steps the kink analysis shrank), so nothing decides them"
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The entry was decided by a smooth estimate: one of the smooth stages, or
/// the kink analysis' central difference at a shrunk step whose one-sided
/// slopes agree within its tolerance (f shows no kink there, so a claim that
/// jumps is not explained by one).
fn smooth_where_decided(e: &EntryCheck) -> bool {
    e.evidence.is_smooth_estimate()
        || (e.evidence == Evidence::ShrunkStep && (e.left - e.right).abs() <= e.tolerance)
}

/// The entry the negative control moves, and by how much: the largest
/// claimed entry (the first of them on a tie), by 0.1 % of it; where every
/// entry is 0, entry (0, 0) by $10^{-3}$.
pub(crate) fn control_entry(analytic: &[Vec<f64>]) -> (usize, usize, f64) {
    let mut best = (0, 0, 0.0_f64);
    for (o, row) in analytic.iter().enumerate() {
        for (i, a) in row.iter().enumerate() {
            if a.abs() > best.2 {
                best = (o, i, a.abs());
            }
        }
    }
    let moved = if best.2 > 0.0 && best.2.is_finite() {
        CONTROL_OFFSET * best.2
    } else {
        CONTROL_OFFSET
    };
    (best.0, best.1, moved)
}

/// The report's reason when the control slipped through.
pub(crate) fn control_missed(verdict: Verdict) -> String {
    format!(
        "this check cannot tell a 0.1 % error: the negative control (the largest claimed entry moved by 0.1 % of itself) got {verdict}"
    )
}

/// An estimate of a derivative and how far it can be off (rounding, measured
/// noise and truncation, each bounded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Estimate<F> {
    /// The estimate.
    pub value: F,
    /// Its error bar.
    pub bar: F,
}

impl<F: Real> Estimate<F> {
    fn holds(&self, a: F) -> bool {
        within(a, self.value, self.bar)
    }
}

/// The rule's Pass clause, the one comparison every stage's pass makes: the
/// claim `a` lies within the error bar `bar` of the estimate `value` (false
/// when either is NaN).
pub(crate) fn within<F: Real>(a: F, value: F, bar: F) -> bool {
    (a - value).abs() <= bar
}

/// One-sided slopes at one step level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sides<F> {
    /// The left slope.
    pub left: Estimate<F>,
    /// The right slope.
    pub right: Estimate<F>,
}

impl<F: Real> Sides<F> {
    /// The one-sided limits differ by more than their combined error bars.
    fn apart(&self) -> bool {
        (self.right.value - self.left.value).abs() > self.left.bar + self.right.bar
    }

    /// `a` lies between the slopes, widened by their error bars.
    fn brackets(&self, a: F) -> bool {
        let (l, r) = (self.left, self.right);
        let lo = (l.value - l.bar).min(r.value - r.bar);
        let hi = (l.value + l.bar).max(r.value + r.bar);
        a >= lo && a <= hi
    }
}

/// The verdict rule on evidence with error bars: **Pass** when the claim lies
/// within the best estimate's bar and the slopes do not stand apart at every
/// level (a kink within the steps: the central estimate reads the mean of
/// its slopes, which passed at a ReLU under call-to-call noise); **Kink** when the one-sided slopes stand
/// apart beyond their bars at every level and bracket the claim; **Fail** when
/// the claim lies outside every plausible value (each estimate's bar);
/// **Inconclusive** when it lies outside the best bar but inside the bar of
/// another estimate at least as precise (a one-sided slope of `levels`, or
/// one of `others`: an independent estimate such as Ridders' extrapolation
/// from wider steps; the evidence contradicts itself and cannot tell; a
/// coarser estimate is outweighed), or any bar is not finite.
pub(crate) fn judge<F: Real>(
    a: F,
    best: Estimate<F>,
    levels: &[Sides<F>],
    others: &[Estimate<F>],
) -> Verdict {
    let finite = best.bar.is_finite()
        && best.value.is_finite()
        && levels.iter().all(|s| {
            s.left.bar.is_finite()
                && s.right.bar.is_finite()
                && s.left.value.is_finite()
                && s.right.value.is_finite()
        });
    if !finite {
        return Verdict::Inconclusive;
    }
    // Slopes apart at every level: a kink within the steps, whose central
    // difference reads the mean of its slopes (at x or straddled beside it),
    // so the best estimate passes nothing.
    let kink = !levels.is_empty() && levels.iter().all(Sides::apart);
    if best.holds(a) && !kink {
        return Verdict::Pass;
    }
    if kink && levels[0].brackets(a) {
        return Verdict::Kink;
    }
    // Another estimate at least as precise as the best one that holds the
    // claim: the evidence contradicts itself. A coarser one is outweighed.
    let doubt = |e: &Estimate<F>| e.holds(a) && e.bar <= best.bar;
    if levels.iter().any(|s| doubt(&s.left) || doubt(&s.right)) || others.iter().any(doubt) {
        Verdict::Inconclusive
    } else {
        Verdict::Fail
    }
}

/// The small steps' estimate `small` fails the claim `a` while the wide
/// steps' `wide` (`wide_steps.rs`) holds it and stands apart from `small`
/// by more than four of its own bars and more than `small`'s: f's slope
/// depends on the scale it is read at (stairs wider than the small steps),
/// and the evidence cannot decide.
pub(crate) fn scales_disagree<F: Real>(a: F, small: Estimate<F>, wide: Estimate<F>) -> bool {
    // (A NaN or infinite wide value or bar never both holds the claim and
    // stands four bars apart.)
    let apart = (wide.value - small.value).abs();
    !small.holds(a)
        && wide.holds(a)
        && apart > cst::<F>(4.0) * wide.bar
        && apart > small.bar + wide.bar
}

/// The report's reason when a Pass could not have caught a claim
/// wrong by [`CheckConfig::max_resolution`] of its row's largest entry
/// (see [`CheckReport::resolution`](crate::CheckReport::resolution)): `None`
/// when the report is not ok or resolves finely enough.
pub(crate) fn vacuous(
    report: &crate::check::report::CheckReport,
    config: &CheckConfig,
) -> Option<String> {
    let resolution = report.resolution();
    // A report whose rows are all exactly flat (claims and estimates 0) has
    // nothing relative to resolve: its tolerances are absolute.
    // A Kink's claim is judged against the interval between the one-sided
    // slopes, not against one value: the rule is about Pass.
    if report.verdict() != crate::check::verdict::Verdict::Pass
        || resolution <= config.max_resolution
        || !report.has_scale()
    {
        return None;
    }
    if report.entries.is_empty() && report.directional.is_some() {
        // Agreeing directions over more inputs than the fast mode checks
        // one by one (`directional.rs`): the per-entry bound is the limit.
        return Some(format!(
            "the fast mode's directions agree, but over {} inputs they vouch per entry only for {resolution:.2e} of a row's largest claim (an entry off by that much could slip past every direction), coarser than max_resolution {:.0e}; check without directional() to judge each entry",
            report.inputs, config.max_resolution
        ));
    }
    Some(format!(
        "the check reached a resolution of {resolution:.2e} (a claim off by that fraction of its row's largest entry, or for a row claiming zeros of the slopes f shows about x, could pass), coarser than max_resolution {:.0e}",
        config.max_resolution
    ))
}
