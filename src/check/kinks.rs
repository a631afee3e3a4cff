//! The kink analysis' decisions (step 4 of [`check`](super)), once the
//! one-sided slopes at every level are in: a coordinate that counts as smooth
//! is judged by the central difference of its decisive level, with Ridders'
//! sharper value and three kinds of kink evidence ([`judge_smooth`]); one
//! whose gap stood to the last level is a kink or a failure by the one-sided
//! slopes ([`judge_standing`]); a failure gets the last looks, the quantized
//! look and the wide stencil's kink ([`last_looks`]).

use crate::check::config::CheckConfig;
use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::extrapolation::{Extrapolated, richardson};

use super::budget::{Tolerances, bare_rounding, f32_or_coarser, tolerance};
use super::f64_of;
use super::kink_location::{Probe, Side, off_x_side, side_bars};
use super::point::entry;
use super::probe::{Evaluator, Structure};
use super::quantized::{Quantization, QuantizedLook, Unresolved, quantized_pass};
use super::rule;
use super::straddle;
use super::wide_stencil::WideKink;

/// What the kink analysis measured along coordinate `i`.
pub(super) struct LevelsSeen<'a, F> {
    pub i: usize,
    pub f0: &'a [F],
    pub config: &'a CheckConfig,
    pub t: &'a Tolerances<F>,
    pub sigma: &'a [F],
    /// Per output, per level: resolved, and the level's data.
    pub history: &'a [Vec<(Option<bool>, LevelData<F>)>],
    /// Per level (0: the central step h), per output: the one-sided slopes.
    pub slopes: &'a [Vec<(F, F)>],
    /// The step of each level.
    pub steps: &'a [F],
    pub ridders: &'a [Extrapolated<F>],
    pub trusted: &'a [bool],
    /// Every step Ridders took, with f at $x + h$ and $x - h$ per output.
    pub sided: &'a [(F, Vec<F>, Vec<F>)],
    /// Per output, the rounding of the inputs carried through the claim.
    pub input_noise: &'a [F],
    /// Per output, the coarsest bar a pass may have ([`Point::coarsest`]):
    /// a kink whose slopes' bars are coarser resolves nothing either.
    ///
    /// [`Point::coarsest`]: super::point::Point::coarsest
    pub coarsest: &'a [F],
    /// This output's slopes at the finest step f's rounding allows, where
    /// its gap stood at every level (`kink_location.rs`).
    pub closest: Option<Probe<F>>,
    /// Level 0 (the central step) as evidence for this output, where no
    /// level's gap stood clear of its rounding (`kink_levels.rs`).
    pub quiet: Option<LevelData<F>>,
    /// Per output, what the first pass's fourth differences showed of f
    /// within $4h_3$ of x (`first_pass.rs`).
    pub structure: &'a [Structure],
}

impl<F: Real> LevelsSeen<'_, F> {
    /// The plain slopes deny a kink of jump `jump` at x: at some level their
    /// gap, widened by twice their rounding, stays under three quarters of
    /// it. A kink at x keeps the gap at least `jump` minus twice the rounding
    /// at every level (less the curvature term $h f''$, which this allows up
    /// to a quarter of the jump), so this does not deny one that is there;
    /// what it denies is evidence from wider steps (Ridders', the wide
    /// stencil's) that reached a kink farther from x than the small steps, or
    /// read a smooth f beyond its asymptotic range as one (an `f32` LayerNorm
    /// of spread 0.01 under $h_3 = 0.05$: a "jump" of 31 whose gap was 12 at a
    /// step of 0.013 and 1 at 0.0013): f is differentiable at x.
    fn deny_kink(&self, o: usize, jump: F) -> bool {
        let scale = self.f0[o].abs() + self.input_noise[o];
        let three_quarters = jump.abs() * cst::<F>(0.75);
        let levels = self.slopes.iter().zip(self.steps).any(|(ls, hh)| {
            let (l, r) = ls[o];
            // A slope's rounding: at most 2 eps scale / h, times `strict`, or its noise.
            let rounding = self.t.bar(cst(2.0), scale, cst(8.0), self.sigma[o], *hh);
            (r - l).abs() + rounding + rounding <= three_quarters
        });
        // The probe's slopes, with their rounding (a plateau's included).
        levels
            || self.closest.is_some_and(|p| {
                let rounding = self
                    .t
                    .bar(cst(2.0), scale, cst(8.0), self.sigma[o], p.step)
                    .max(p.rounding);
                (p.right - p.left).abs() + rounding + rounding <= three_quarters
            })
    }

    /// Whether Ridders' levels straddle a kink, for output `o` judged within
    /// `tol`: their one-sided gaps do not follow a smooth f's law from level to
    /// level (`straddle::every_level_follows`; the gaps' rounding taken as four
    /// times the slopes'). Its value then carries that kink (an `f32` ReLU
    /// network with a kink $6.9\cdot10^{-3}$ from x, inside Ridders' two wider
    /// steps: its tableau read $-2.6295\cdot10^{-4}$ with an error estimate of
    /// $2.6\cdot10^{-8}$ where the derivative is $-2.5819\cdot10^{-4}$).
    fn ridders_straddles_a_kink(&self, o: usize, tol: F) -> bool {
        let gaps = self.ridders_gaps(o);
        !straddle::every_level_follows(&gaps, |h| self.ridders_gap_rounding(o, h), tol)
    }

    /// Whether Ridders' levels show a smooth f's law above their rounding,
    /// for output `o`: each gap is the next finer one's times the steps'
    /// ratio (within a sixteenth and four times the slopes' rounding), and
    /// the finest stands clear of that rounding.
    fn ridders_law_seen(&self, o: usize) -> bool {
        let gaps = self.ridders_gaps(o);
        let rounding = |h: F| self.ridders_gap_rounding(o, h);
        gaps.last().is_some_and(|(h, g)| g.abs() > rounding(*h))
            && straddle::every_level_follows(&gaps, rounding, F::zero())
    }

    /// Output `o`'s one-sided gap at each of Ridders' steps, widest first,
    /// as (step, gap).
    fn ridders_gaps(&self, o: usize) -> Vec<(F, F)> {
        self.sided
            .iter()
            .map(|(h, plus, minus)| (*h, straddle::gap(self.f0[o], plus[o], minus[o], *h)))
            .collect()
    }

    /// The rounding of output `o`'s gap at Ridders' step `h`, taken as four
    /// times a slope's.
    fn ridders_gap_rounding(&self, o: usize, h: F) -> F {
        cst::<F>(4.0) * self.slope_rounding(o, h)
    }

    /// Level 0 as evidence for output `o` (`quiet`), with its tolerance for
    /// the claim `a`.
    fn quiet_with_bar(&self, o: usize, a: F) -> Option<(LevelData<F>, F)> {
        self.quiet.map(|q| {
            let bar = tolerance(self.config, self.t, o, a, q.central, q.tolerance);
            (q, bar)
        })
    }

    /// Whether Ridders' two finest levels show kinks that both straddle,
    /// for output `o`: the finest gap stands clear of its bare rounding
    /// (four units of f's last place, or four times its noise, over the
    /// step) and the coarser one is not the finer's times the steps' ratio
    /// $r$ but under $(1 + r)/2$ times it (`straddle::stands`). A smooth f's
    /// gap is $f''h$; kinks within both steps keep it near their jump
    /// (correct `f32` ReLU networks: $-3.05$ and $-2.75$ times $10^{-4}$ at
    /// steps of $3.9\cdot10^{-3}$ and $2\cdot10^{-3}$, kinks $2\cdot10^{-4}$ to
    /// $5\cdot10^{-4}$ either side of x).
    fn ridders_gaps_stand(&self, o: usize) -> bool {
        let [.., (hc, pc, mc), (hf, pf, mf)] = self.sided else {
            return false;
        };
        let f0 = self.f0[o];
        let (coarse, fine) = (
            straddle::gap(f0, pc[o], mc[o], *hc),
            straddle::gap(f0, pf[o], mf[o], *hf),
        );
        // A gap's rounding: twice a slope's.
        let scale = f0.abs() + self.input_noise[o];
        let rounding = cst::<F>(2.0) * bare_rounding(scale, self.sigma[o], *hf);
        straddle::stands((*hc, coarse), (*hf, fine), rounding)
    }

    /// The rounding of output `o`'s one-sided slopes at `step`.
    fn slope_rounding(&self, o: usize, step: F) -> F {
        let scale = self.f0[o].abs() + self.input_noise[o];
        self.t.rounding(scale, self.sigma[o], step)
    }

    /// The one-sided limits at the levels from `k` on (index into `history`),
    /// each freed of its curvature term by one Richardson step with the next
    /// finer level, $L^* = (10L_{j+1} - L_j)/9$: a slope's truncation is
    /// $h f''/2$, so the one-sided limits of a smooth f agree, a kink's stand
    /// apart. Each bar: the finer level's rounding (times 11/9), a ninth of
    /// the change left (the next Richardson term), and the relative floor.
    fn limits_from(&self, o: usize, k: usize) -> Vec<rule::Sides<F>> {
        let (ten, nine) = (cst::<F>(10.0), cst::<F>(9.0));
        (k + 1..self.slopes.len().saturating_sub(1))
            .map(|j| {
                let (l0, r0) = self.slopes[j][o];
                let (l1, r1) = self.slopes[j + 1][o];
                let rounding = self.slope_rounding(o, self.steps[j + 1]);
                let limit = |coarse: F, fine: F| {
                    let value = (ten * fine - coarse) / nine;
                    let bar = rounding * cst::<F>(11.0) / nine
                        + (fine - coarse).abs() / nine
                        + self.t.relative(o) * value.abs()
                        + self.t.absolute(o);
                    rule::Estimate { value, bar }
                };
                rule::Sides {
                    left: limit(l0, l1),
                    right: limit(r0, r1),
                }
            })
            .collect()
    }

    /// Where f itself jumps at x (a gradient at a hinge's margin, judged as
    /// the function of a Hessian check), the one-sided slope on the side whose
    /// limit is not $f(x)$ grows as $J/h$: its change $\Delta_k = f(x \pm
    /// h_k) - f_0$ does not shrink with the step. That side is then read by a
    /// stencil that leaves x out: the slope between $x \pm h_{K-1}$ and $x \pm
    /// h_K$ (the two smallest steps), with the rounding of both values over
    /// their distance and, as its truncation, the change from the same slope
    /// one level coarser (ten times its own). `None` per side without a jump:
    /// $|\Delta_K| \ge |\Delta_{K-1}|/2$ and $|\Delta_{K-1}| \ge
    /// |\Delta_{K-2}|/2$ with one sign (a continuous f shrinks them tenfold
    /// per level), $|\Delta_K|$ above 1024 times the values' rounding, and
    /// the other side continuous ($|\Delta_K| \le |\Delta_{K-1}|/5$ there):
    /// $f(x)$ is one side's limit; and the jump stands out at the central
    /// step $h$, $|\Delta_K| > h\,|s|$ with $s$ the other side's slope there
    /// (a ReLU $10^{-12}$ beside x changes by $10^{-12}$ on its dead side at
    /// every level: a kink closer than the smallest step, which
    /// `kink_location.rs` places). A staircase of rounding (an `f32`
    /// intermediate) stalls and jumps on both sides, and is no such jump.
    pub(super) fn across_a_jump(&self, o: usize) -> [Option<rule::Estimate<F>>; 2] {
        let levels = self.slopes.len();
        if levels < 3 {
            return [None, None];
        }
        let scale = self.f0[o].abs() + self.input_noise[o];
        let rounding = self.t.rounding(scale, self.sigma[o], F::one());
        let half: F = cst(0.5);
        // Delta_k on one side: its slope at level k times the step.
        let delta = |pick: fn((F, F)) -> F, k: usize| pick(self.slopes[k][o]) * self.steps[k];
        let deltas = |pick: fn((F, F)) -> F| {
            [
                delta(pick, levels - 3),
                delta(pick, levels - 2),
                delta(pick, levels - 1),
            ]
        };
        // A jump: the change keeps its size and its sign; a continuous side:
        // it shrinks fivefold per level at least.
        let jumps = |[d2, d1, d0]: [F; 3]| {
            d0.abs() >= half * d1.abs()
                && d1.abs() >= half * d2.abs()
                && d0.abs() > cst::<F>(1024.0) * rounding
                && d0.signum() == d1.signum()
                && d1.signum() == d2.signum()
        };
        let continuous = |[_, d1, d0]: [F; 3]| d0.abs() <= cst::<F>(0.2) * d1.abs();
        let (left, right) = (deltas(|(l, _)| l), deltas(|(_, r)| r));
        // A jump that stands out at the central step: above the other side's
        // slope times that step. Below it, it is a kink closer than the
        // smallest step (a ReLU at 1e-12 changes by 1e-12 on its dead side at
        // every level), which the probe (`kink_location.rs`) places.
        let (l0, r0) = self.slopes[0][o];
        let stands_out =
            |this: [F; 3], other_slope: F| this[2].abs() > self.steps[0] * other_slope.abs();
        // f(x) is one side's limit: exactly one side jumps, the other is
        // continuous (a staircase of rounding jumps and stalls on both).
        let one_sided = |this: [F; 3], other: [F; 3], other_slope: F| {
            jumps(this) && continuous(other) && stands_out(this, other_slope)
        };
        let side = |pick: fn((F, F)) -> F, this: [F; 3], other: [F; 3], other_slope: F| {
            if !one_sided(this, other, other_slope) {
                return None;
            }
            // The slope between the points at h_{k-1} and h_k, x left out.
            let slope = |k: usize| {
                let (hc, hf) = (self.steps[k - 1], self.steps[k]);
                (delta(pick, k - 1) - delta(pick, k)) / (hc - hf)
            };
            let value = slope(levels - 1);
            let gap = self.steps[levels - 2] - self.steps[levels - 1];
            let bar = cst::<F>(2.0) * rounding / gap
                + (value - slope(levels - 2)).abs()
                + self.t.relative(o) * value.abs()
                + self.t.absolute(o);
            Some(rule::Estimate { value, bar })
        };
        [
            side(|(l, _)| l, left, right, r0),
            side(|(_, r)| r, right, left, l0),
        ]
    }
}

/// The claim and what the last level saw of it.
#[derive(Clone, Copy)]
pub(super) struct Last<F> {
    pub a: F,
    pub left: F,
    pub right: F,
    pub rho: F,
    /// How far the left and the right slope moved since the previous level.
    pub drift: (F, F),
    pub scale: F,
}

/// A coordinate that counts as smooth, decided at level `k` (see
/// `smooth_level`): no kink closer than that step, so its central difference
/// is free of one. If a trustworthy Ridders value disagrees with the claim and
/// agrees with that central difference, Ridders' sharper verdict stands
/// (**Fail**) unless [`kink_below_the_slopes`] finds a kink; otherwise **Pass**
/// or **Fail** by the central difference, a Fail needing the next level to
/// disagree too. `ridders_tolerance` is the tolerance step 3 judged with.
pub(super) fn judge_smooth<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    k: usize,
    a: F,
    ridders_tolerance: f64,
) -> EntryCheck {
    let (config, t, i) = (seen.config, seen.t, seen.i);
    let LevelData {
        central: c,
        left,
        right,
        tolerance: noise,
    } = seen.history[o][k].1;
    let tol = tolerance(config, t, o, a, c, noise);
    let r = seen.ridders[o];
    // (Ridders disagrees with a: it may also agree, where the first pass's
    // kink evidence alone kept it from passing a.)
    let ridders_against = (a - r.value).abs() > cst::<F>(ridders_tolerance);
    if seen.trusted[o] && ridders_against && (r.value - c).abs() <= tol {
        // Either the function is smooth and Ridders' sharper verdict stands, or
        // a kink sits below the slopes' noise but within Ridders' precision.
        match kink_below_the_slopes(seen, o, a, ridders_tolerance) {
            BelowTheSlopes::Kink(k) => return k,
            // Ridders' steps reach a kink off x: its estimate carries that
            // kink, and the small steps' central difference decides below.
            BelowTheSlopes::OffX => {}
            // Ridders' levels straddle a kink (off x: one at x bracketing the
            // claim was found above): its value carries it, as above.
            BelowTheSlopes::Nothing if seen.ridders_straddles_a_kink(o, cst(ridders_tolerance)) => {
            }
            // Kinks inside level 1's step that every Ridders level straddles
            // can cancel in the gaps' law and still move its value by their
            // jumps: its finest gaps stand and do not shrink; or, where the
            // first pass's fourth differences within 4h_3 did not follow a
            // smooth f's law (a kink's, or neither: opposite jumps either
            // side of x cancel there too), the gaps follow a smooth f's law
            // only within their rounding (the jumps cancel in them and add
            // in its error) while the small steps hold the claim. In f32 only level 1 could show such
            // kinks (as in `judge_quiet`); where its rounding hides one that
            // explains the miss, the small steps decide.
            BelowTheSlopes::Nothing
                if (seen.ridders_gaps_stand(o)
                    || (matches!(seen.structure[o], Structure::Kink | Structure::Unexplained)
                        && small_steps_hold(seen, o, a, (c, tol))
                        && !seen.ridders_law_seen(o)))
                    && !finer_level_would_show(
                        seen,
                        o,
                        (a - r.value).abs() - cst::<F>(ridders_tolerance),
                    ) => {}
            BelowTheSlopes::Nothing => {
                let rt = cst::<F>(ridders_tolerance);
                return entry(
                    o,
                    i,
                    a,
                    r.value,
                    left,
                    right,
                    rt,
                    Verdict::Fail,
                    Evidence::Ridders,
                );
            }
        }
    }
    if let Some((quiet, bar)) = seen.quiet_with_bar(o, a)
        && bar < tol
    {
        return judge_quiet(seen, o, a, quiet, bar, ridders_tolerance);
    }
    if rule::within(a, c, tol) {
        return entry(
            o,
            i,
            a,
            c,
            left,
            right,
            tol,
            Verdict::Pass,
            Evidence::ShrunkStep,
        );
    }
    // A kink just inside h_k shrinks the gap by more than the resolving ratio
    // while the central difference at h_k still straddles it; the next level's,
    // free of it, agrees with a. Fail needs both against a.
    let finer = seen.history[o]
        .get(k + 1)
        .map(|(_, d)| (*d, tolerance(config, t, o, a, d.central, d.tolerance)))
        .filter(|(d, tol)| rule::within(a, d.central, *tol));
    match finer {
        Some((d, tol)) => entry(
            o,
            i,
            a,
            d.central,
            d.left,
            d.right,
            tol,
            Verdict::Pass,
            Evidence::ShrunkStep,
        ),
        None => {
            let best = rule::Estimate { value: c, bar: tol };
            let outcome = match judged_beside_finer_levels(seen, o, k, a, best, ridders_tolerance) {
                Verdict::Pass => Verdict::Fail,
                v => v,
            };
            let mut e = entry(o, i, a, c, left, right, tol, outcome, Evidence::ShrunkStep);
            if outcome != Verdict::Fail {
                (e.abs_error, e.rel_error) = (0.0, 0.0);
            }
            e
        }
    }
}

/// Whether the small steps hold the claim `a`: their finest-barred
/// estimate, the level that decides a smooth coordinate (`level`, its
/// central difference and tolerance) or level 0's where its bar is finer
/// (as in `judge_quiet`).
fn small_steps_hold<F: Real>(seen: &LevelsSeen<'_, F>, o: usize, a: F, level: (F, F)) -> bool {
    let (value, bar) = match seen.quiet_with_bar(o, a) {
        Some((quiet, bar)) if bar < level.1 => (quiet.central, bar),
        _ => level,
    };
    rule::within(a, value, bar)
}

/// A coordinate no level showed a kink at, judged by level 0's central
/// difference (`quiet`, with its tolerance `bar`), finer than the level
/// [`judge_smooth`] would use: **Pass** within its bar, else the rule with
/// the finer levels' one-sided limits and a trustworthy Ridders value as the
/// other evidence (**Fail**, or **Inconclusive** where one of them, at
/// least as precise, holds the claim).
fn judge_quiet<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    a: F,
    quiet: LevelData<F>,
    bar: F,
    ridders_tolerance: f64,
) -> EntryCheck {
    let best = rule::Estimate {
        value: quiet.central,
        bar,
    };
    let outcome = match judged_beside_finer_levels(seen, o, 0, a, best, ridders_tolerance) {
        Verdict::Fail if !finer_level_would_show(seen, o, (a - best.value).abs() - bar) => {
            Verdict::Inconclusive
        }
        v => v,
    };
    let (c, l, r) = (quiet.central, quiet.left, quiet.right);
    let mut e = entry(o, seen.i, a, c, l, r, bar, outcome, Evidence::Central);
    if matches!(outcome, Verdict::Kink | Verdict::Inconclusive) {
        (e.abs_error, e.rel_error) = (0.0, 0.0);
    }
    e
}

/// Whether level 1's gap could show a kink that moves level 0's central
/// difference by `excess` (its miss of the claim beyond its bar): its
/// rounding is below `excess`. Level 0 reads "no kink" only as far as the
/// finer level can see: a kink inside level 1's step moves level 0's
/// central difference by about half its jump, and one between the two
/// steps on the other side can cancel it in level 0's gap. An `f32` ReLU
/// network with kinks $1.3\cdot10^{-4}$ right of x and $4.4\cdot10^{-3}$
/// left of it read level 0 $5.2\cdot10^{-3}$ off its exact gradient, while
/// level 1's slopes, $-1.99\cdot10^{-2}$ and $-2.37\cdot10^{-2}$ about a claim
/// of $-1.97\cdot10^{-2}$, stood under a rounding bar of $8\cdot10^{-2}$.
/// In `f32` only: in `f64` level 1 is blind only where f is huge beside its
/// slope (a sum of $10^4$ sines near 50), where the check fails an entry
/// $10^{-3}$ off on level 0 alone; the pair of cancelling kinks it would
/// take is a known limit there (the guide).
fn finer_level_would_show<F: Real>(seen: &LevelsSeen<'_, F>, o: usize, excess: F) -> bool {
    seen.steps
        .get(1)
        .filter(|_| f32_or_coarser::<F>())
        .is_none_or(|step| seen.slope_rounding(o, *step) < excess)
}

/// The verdict rule on `best` with the one-sided limits of the levels
/// finer than `k` (a claim one of them holds is no failure the evidence can
/// prove) and, where trusted, Ridders' value: from wider steps it can hold
/// the claim to a bar finer than the levels' (a gradient that rounds far
/// above eps |g|, e.g. c (1 - t*t) x at a saturated tanh, puts its rounding
/// into the small steps).
fn judged_beside_finer_levels<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    k: usize,
    a: F,
    best: rule::Estimate<F>,
    ridders_tolerance: f64,
) -> Verdict {
    let levels = seen.limits_from(o, k);
    let ridders = seen.trusted[o].then(|| rule::Estimate {
        value: seen.ridders[o].value,
        bar: cst::<F>(ridders_tolerance),
    });
    rule::judge(a, best, &levels, ridders.as_slice())
}

/// One side's limit from Ridders' one-sided slopes (steps shrinking by
/// `ratio`): the tableau's best entry, with an error of at least its distance
/// from the finest pair's extrapolation. The tableau picks the entry whose
/// neighbours agree best, which is the limit only in the asymptotic range;
/// beyond it two wide slopes can agree by chance (an `f32` LayerNorm of spread
/// 0.01 under steps of 0.066 and 0.033: 80.59 and 80.56, then 77.0 and 74.5
/// at the finer steps, whose extrapolation is 72.0), and a kink of 8.7 stood
/// apart under a spread of 0.9 where f is smooth.
fn settled<F: Real>(slopes: &[F], ratio: F) -> (F, F) {
    let (value, error) = richardson(slopes, ratio, 1);
    let finest = match slopes {
        [.., coarser, finer] => (ratio * *finer - *coarser) / (ratio - F::one()),
        _ => return (value, error),
    };
    (value, error.max((value - finest).abs()))
}

/// What [`kink_below_the_slopes`] made of Ridders' disagreement with the claim.
enum BelowTheSlopes {
    /// A kink at x, with the claim between its slopes.
    Kink(EntryCheck),
    /// Ridders' one-sided slopes stand apart, but the small steps deny a
    /// kink that size at x (the kink is off x, within Ridders' steps), or
    /// they do not settle at the scale of the disagreement: Ridders' value
    /// is no evidence about the claim.
    OffX,
    /// No kink: Ridders' verdict stands.
    Nothing,
}

/// A kink that Ridders' precision sees but the plain slopes' noise hides,
/// with the claim between its one-sided slopes: the one-sided slopes
/// Richardson-extrapolated from Ridders' own evaluations differ beyond their
/// error estimates; or the plain slopes' gap keeps its size at every level
/// while the claim sits on one side and Ridders on the midpoint; or the
/// slopes of the first two steps, freed of their curvature term
/// ($(10L_1 - L_0)/9$), have different limits.
fn kink_below_the_slopes<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    a: F,
    ridders_tolerance: f64,
) -> BelowTheSlopes {
    let (f0, t) = (seen.f0, seen.t);
    let r = seen.ridders[o];
    let ratio = cst::<F>(seen.config.ridders.ratio);
    let rs: Vec<F> = seen
        .sided
        .iter()
        .map(|(hh, p, _)| (p[o] - f0[o]) / *hh)
        .collect();
    let ls: Vec<F> = seen
        .sided
        .iter()
        .map(|(hh, _, q)| (f0[o] - q[o]) / *hh)
        .collect();
    let (rv, re) = settled(&rs, ratio);
    let (lv, le) = settled(&ls, ratio);
    let rt = cst::<F>(ridders_tolerance);
    let spread = cst::<F>(2.0) * (re + le) + rt;
    let (lo, hi) = if lv <= rv { (lv, rv) } else { (rv, lv) };
    let apart = (rv - lv).abs() > spread;
    let off_x = apart && seen.deny_kink(o, rv - lv);
    let extrapolated_kink = apart && !off_x && a >= lo - spread && a <= hi + spread;
    // Level 1 and the levels whose bare rounding (eps |f| / h, the slopes'
    // quantum) is well below its gap take part.
    let (l1, r1) = seen.slopes[1][o];
    let g1 = r1 - l1;
    // f's rounding: its own eps |f|, or what was measured (an f32
    // intermediate rounds far coarser, and its slopes wander by that much).
    let quantum = (t.eps * f0[o].abs()).max(seen.sigma[o]);
    let gaps: Vec<F> = seen
        .slopes
        .iter()
        .zip(seen.steps)
        .enumerate()
        .filter(|(k, (_, hh))| *k == 1 || quantum / **hh < cst::<F>(0.3) * g1.abs())
        .map(|(_, (ls, _))| ls[o].1 - ls[o].0)
        .collect();
    let band = cst::<F>(0.1) * g1.abs() + rt;
    let steady_kink = gaps.len() >= 2
        && gaps
            .iter()
            .all(|g| (*g - g1).abs() <= cst::<F>(0.3) * g1.abs())
        && ((a - l1).abs() <= band || (a - r1).abs() <= band)
        && (r.value - (l1 + r1) / cst::<F>(2.0)).abs() <= band;
    // L(h) = f'- - f'' h / 2 + ..: one Richardson step between the first two
    // steps removes the curvature term.
    let (l0, r0) = seen.slopes[0][o];
    let ten_ninths = |fine: F, coarse: F| (cst::<F>(10.0) * fine - coarse) / cst::<F>(9.0);
    let (lc, rc) = (ten_ninths(l1, l0), ten_ninths(r1, r0));
    let bare = cst::<F>(2.0) * quantum / seen.steps[1] + rt;
    let (loc, hic) = if lc <= rc { (lc, rc) } else { (rc, lc) };
    let corrected_kink =
        (rc - lc).abs() > cst::<F>(4.0) * bare && a >= loc - bare && a <= hic + bare;
    if !(extrapolated_kink || steady_kink || corrected_kink) {
        // Ridders' verdict needs its steps to read f as smooth: central
        // differences whose changes shrink from level to level (by 4 on a
        // smooth f), beyond their rounding. Where a change grows instead
        // (kinks of an f32 ReLU network 1e-3 from x under steps of 2e-3 to
        // 1.6e-2: its central differences ran -3.65, -3.69, -5.68, -8.18
        // times 1e-3 while its tableau agreed with itself on -3.71e-3 to
        // within 6e-5; an f32 LayerNorm whose spread, 0.008, is below the
        // steps: 3223, 5211, 2099, 1321, and the tableau agreed on 1061.75
        // to within 6e-3 where the derivative is 1139.84), its value is no
        // evidence.
        let central: Vec<(F, F)> = seen
            .sided
            .iter()
            .map(|(hh, p, q)| ((p[o] - q[o]) / (*hh + *hh), *hh))
            .collect();
        let rough = central.windows(3).any(|w| {
            let (coarser, finer) = ((w[0].0 - w[1].0).abs(), (w[1].0 - w[2].0).abs());
            finer > coarser / cst::<F>(2.0) + cst::<F>(4.0) * quantum / w[2].1
        });
        return if off_x || rough {
            BelowTheSlopes::OffX
        } else {
            BelowTheSlopes::Nothing
        };
    }
    // The tolerance is what admitted the claim: at least its distance from
    // the extrapolated slopes' interval (the steady and corrected kinks
    // bracket it with slopes of their own).
    let outside = (lo - a).max(a - hi).max(F::zero());
    let mut k = entry(
        o,
        seen.i,
        a,
        r.value,
        lv,
        rv,
        spread.max(outside),
        Verdict::Kink,
        Evidence::OneSided,
    );
    k.abs_error = 0.0;
    k.rel_error = 0.0;
    // (The steady and corrected kinks admit a claim within their bands of a
    // slope: `outside` is then what admitted it.)
    BelowTheSlopes::Kink(unless_loose(k, spread.max(outside), seen.coarsest[o]))
}

/// A gap that stood to the last level: f is not differentiable at x (or a
/// kink is closer than the smallest step). **Kink** if the claim lies between
/// the last level's slopes, widened by their rounding and drift, or between
/// those of the best-resolved level; **Fail** otherwise.
pub(super) fn judge_standing<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    last: Last<F>,
) -> EntryCheck {
    let (config, t) = (seen.config, seen.t);
    let Last {
        a,
        left,
        right,
        rho,
        drift,
        scale,
    } = last;
    // Each slope's error bar (`side_bars`: rounding, drift, relative floor).
    let user = config.user_tolerance(f64_of(a), f64_of(left.abs().max(right.abs())));
    let bars = match user {
        Some(u) => (cst(u), cst(u)),
        None => side_bars(t, o, (left, right), rho, drift),
    };
    let mut judged = (left, right, bars);
    // A side across which f itself jumps is read without x.
    let [jump_left, jump_right] = seen.across_a_jump(o);
    let jumps = jump_left.is_some() || jump_right.is_some();
    // The kink is off x, past the probe's step: x's side decides. (Not a
    // jump of f itself: a claim from either piece of it is judged by its own
    // side, whichever side of a hinge's margin the computed point fell.)
    let off_x = seen
        .closest
        .filter(|_| user.is_none() && !jumps)
        .and_then(|p| off_x_side((left, right), bars, &p).map(|side| (side, p)));
    if let Some(((which, side), p)) = off_x {
        let moved = match which {
            Side::Left => drift.0,
            Side::Right => drift.1,
        };
        // The side's slope is x's derivative only if no kink lies between the
        // probe's step and the last level's (a second kink 5e-13 beside x
        // under h_K = 1e-9 moved it by 0.007 while its bar was 1e-5): it is
        // known to within its distance from the probe's slopes (one of which
        // is clear of a kink on one side) and their bare rounding. (Their
        // rounding bar, 8 to 16 times that, made the side's bar as coarse at
        // every hinge margin the point misses by 1e-12.)
        let unseen = (p.left - side.value)
            .abs()
            .max((p.right - side.value).abs())
            + p.bare;
        let tol = tolerance(config, t, o, a, side.value, rho + moved + unseen);
        let outcome = if rule::within(a, side.value, tol) {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        // (The entry keeps the levels' slopes: f's slope scale about x for
        // a row that claims zeros.)
        return entry(
            o,
            seen.i,
            a,
            side.value,
            left,
            right,
            tol,
            outcome,
            Evidence::ShrunkStep,
        );
    }
    if let Some(l) = jump_left {
        judged = (l.value, judged.1, (l.bar, judged.2.1));
    }
    if let Some(r) = jump_right {
        judged = (judged.0, r.value, (judged.2.0, r.bar));
    }
    let mut inside = between(a, judged);
    if !jumps && config.derives_tolerances() {
        // The smallest step's slopes carry the most rounding; where f loses
        // digits in ways its measured noise misses (a residual of 4e-4 on an
        // output of 0.5 flips a whole quantum), they stray. The kink stood at
        // every level: the best-resolved one decides too.
        let levels = seen.history[o].len();
        let mut best: Option<(F, F, (F, F), F)> = None;
        for k in 1..levels {
            let (lk, rk) = seen.slopes[k][o];
            let (lp, rp) = seen.slopes[k - 1][o];
            let rounding = t.rounding(scale, seen.sigma[o], seen.steps[k]);
            let (ml, mr) = ((lk - lp).abs(), (rk - rp).abs());
            let noise_k = rounding + ml.max(mr);
            if best.is_none_or(|(_, _, _, b)| noise_k < b) {
                best = Some((lk, rk, (rounding + ml, rounding + mr), noise_k));
            }
        }
        if let Some((lk, rk, (nl, nr), _)) = best {
            let floor = |v: F| t.relative(o) * v.abs() + t.absolute(o);
            let candidate = (lk, rk, (nl + floor(lk), nr + floor(rk)));
            let finer = nearest_bar(a, candidate) < nearest_bar(a, judged);
            if between(a, candidate) && (!inside || finer) {
                (inside, judged) = (true, candidate);
            }
        }
    }
    let (left, right, (left_bar, right_bar)) = judged;
    let bars = kink_bars(
        a,
        rule::Estimate {
            value: left,
            bar: left_bar,
        },
        rule::Estimate {
            value: right,
            bar: right_bar,
        },
    );
    let (outcome, tol) = if inside {
        (Verdict::Kink, bars.tolerance)
    } else {
        (Verdict::Fail, bars.nearest.bar)
    };
    let mut e = entry(
        o,
        seen.i,
        a,
        bars.nearest.value,
        left,
        right,
        tol,
        outcome,
        Evidence::OneSided,
    );
    if outcome != Verdict::Fail {
        e.abs_error = 0.0;
        e.rel_error = 0.0;
    }
    unless_loose(e, bars.admitting, seen.coarsest[o])
}

/// What a kink reports of a claim `a` between the one-sided slopes `left`
/// and `right`, each with its bar (the kink analysis' standing kinks, the
/// noisy stage's kinks).
pub(super) struct KinkBars<F> {
    /// The slope nearest the claim, with its bar: the numeric value reported.
    pub(super) nearest: rule::Estimate<F>,
    /// The kink's tolerance: the nearest slope's bar, or the claim's distance
    /// from that slope if larger (a claim between wandering slopes, admitted
    /// by the far one's bar, states that width, not the near one's).
    pub(super) tolerance: F,
    /// What admitted the claim, for [`unless_loose`]: the nearest slope's bar
    /// (the far one's may carry the drift of a step across a kink just off
    /// x), or how far the claim lies outside the slopes.
    pub(super) admitting: F,
}

/// [`KinkBars`] of the claim `a` between `left` and `right`.
pub(super) fn kink_bars<F: Real>(
    a: F,
    left: rule::Estimate<F>,
    right: rule::Estimate<F>,
) -> KinkBars<F> {
    let nearest = if (a - left.value).abs() <= (a - right.value).abs() {
        left
    } else {
        right
    };
    let outside = (left.value.min(right.value) - a).max(a - left.value.max(right.value));
    KinkBars {
        nearest,
        tolerance: nearest.bar.max((a - nearest.value).abs()),
        admitting: nearest.bar.max(outside),
    }
}

/// The bar of the one-sided slope nearest the claim `a`.
fn nearest_bar<F: Real>(a: F, (left, right, (lb, rb)): (F, F, (F, F))) -> F {
    if (a - left).abs() <= (a - right).abs() {
        lb
    } else {
        rb
    }
}

/// A kink or a pass of the kink analysis passes only what it resolves: where
/// the `bar` that admitted it (the slopes', or the shrunk step's tolerance)
/// is coarser than `coarsest` (max_resolution of the row's largest claim), a
/// claim that far off would read the same, and the entry is
/// **Inconclusive** (`rule::settle` gives the reason).
pub(super) fn unless_loose<F: Real>(mut e: EntryCheck, bar: F, coarsest: F) -> EntryCheck {
    // (A NaN bar is the rule's business: settle makes it inconclusive.)
    if matches!(e.outcome, Verdict::Kink | Verdict::Pass) && bar > coarsest {
        e.outcome = Verdict::Inconclusive;
    }
    e
}

/// The claim lies between the one-sided slopes, each widened by its own bar.
fn between<F: Real>(a: F, (left, right, (lb, rb)): (F, F, (F, F))) -> bool {
    let lo = (left - lb).min(right - rb);
    let hi = (left + lb).max(right + rb);
    a >= lo && a <= hi
}

/// The kink analysis' smooth level passes only what it resolves, as the
/// smooth stages do ([`Point::passes`](super::point::Point::passes)): its
/// central difference at a shrunk step carries f's rounding over that step,
/// and an `f32` intermediate's stairs there gave a claim 16 % off a
/// tolerance of 12 % of its row (the central difference itself was 54 %
/// off). Its passes stand until step 6 has looked again at a wider step
/// (which takes only passes); one still coarser than `coarsest` then is
/// **Inconclusive**, by [`unless_loose`].
pub(super) fn unless_resolved<F: Real>(coarsest: &[F], entries: &mut [EntryCheck]) {
    for e in entries
        .iter_mut()
        .filter(|e| e.evidence == Evidence::ShrunkStep)
    {
        *e = unless_loose(*e, cst::<F>(e.tolerance), coarsest[e.output]);
    }
}

/// What the last looks need besides the levels.
pub(super) struct LastLook<'a, F> {
    /// Every value of f along the coordinate, by offset.
    pub samples: &'a [(F, Vec<F>)],
    /// The wide stencil's kink, if it saw one bracketing the claim.
    pub wide_kink: Option<WideKink<F>>,
    /// The index of this coordinate's first entry.
    pub first: usize,
}

/// A **Fail** gets two last looks: the quantized look (step 5), and the wide
/// stencil's kink, for a jump too small for the small steps, whose bar
/// includes the jump (the kink is placed only within the wide steps). A kink at x of
/// jump J leaves every level's gap near J; where two levels whose rounding is
/// well under J show no gap at all (f linear through x: ReLU at $10^{-6}$ and
/// $|x|$ at $10^{-5}$ under $h_3 = 1.2\cdot10^{-4}$), the kink the wide stencil
/// saw is not at x and explains no failure.
pub(super) fn last_looks<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    seen: &LevelsSeen<'_, F>,
    o: usize,
    xi: F,
    e: &mut EntryCheck,
    quantization: &mut Quantization,
    look: LastLook<'_, F>,
) {
    let (f0, t, i) = (seen.f0, seen.t, seen.i);
    let a: F = cst(e.analytic);
    if e.outcome == Verdict::Fail && seen.config.derives_tolerances() {
        let mut along: Vec<(F, F)> = look.samples.iter().map(|(s, v)| (*s, v[o])).collect();
        match quantized_pass(ev, (i, xi), f0, (o, a), &mut along, t) {
            QuantizedLook::Pass(q, grid, amplitude) => {
                *e = q;
                quantization.grid_seen(o, f64_of(grid), f64_of(amplitude));
            }
            QuantizedLook::Unresolved { steps, grid } => {
                if let Some((g, amplitude)) = grid {
                    quantization.grid_seen(o, f64_of(g), f64_of(amplitude));
                }
                quantization.unresolved.push(Unresolved {
                    entry: look.first + o,
                    output: o,
                    steps: steps
                        .into_iter()
                        .map(|(s, c, d)| (f64_of(s), f64_of(c), f64_of(d)))
                        .collect(),
                });
            }
            QuantizedLook::Nothing => {}
        }
    }
    if e.outcome != Verdict::Fail {
        return;
    }
    // The small steps could have seen the wide stencil's jump at x and did
    // not: that kink is off x.
    let blind = |k: &WideKink<F>| !seen.deny_kink(o, k.right - k.left);
    if let Some(kink) = look.wide_kink.filter(blind) {
        // The wide stencil places its kink only within its steps, and the
        // small steps, blind to it, cannot place it closer: x may lie beside
        // it, where f is differentiable with one of its slopes (or, between
        // two kinks, a slope between them). A claim between the slopes is
        // then within the jump of x's derivative, and no closer: the kink's
        // bar includes the jump (an f32 ReLU network with kinks 1.3e-3 and
        // 1.9e-3 either side of x, both inside h3 and under the small steps'
        // rounding, read Kink for a claim 3.0e-3 off under a bar of 3.0e-4).
        // The central differences of a kink at x read the midpoint of its
        // slopes at every step: the wide slopes are trusted only as far as
        // their midpoint agrees with level 0's (a smooth f32 LayerNorm beyond
        // the wide steps' asymptotic range read slopes 31.141 and 31.202,
        // midpoint 0.31 from level 0's 30.864, where f' is 30.893).
        let (l0, r0) = seen.slopes[0][o];
        let midpoint = (kink.left + kink.right) / cst::<F>(2.0);
        let own_error = (midpoint - (l0 + r0) / cst::<F>(2.0)).abs();
        let bar = kink.tolerance.max((kink.right - kink.left).abs()) + own_error;
        let kink_entry = entry(
            o,
            i,
            a,
            kink.nearest,
            kink.left,
            kink.right,
            bar,
            Verdict::Kink,
            Evidence::OneSided,
        );
        *e = unless_loose(kink_entry, bar, seen.coarsest[o]);
        e.abs_error = 0.0;
        e.rel_error = 0.0;
    }
}

/// What one kink-analysis level measured: the central difference, the
/// one-sided slopes, and the central difference's tolerance.
#[derive(Debug, Clone, Copy)]
pub(super) struct LevelData<F> {
    pub(super) central: F,
    pub(super) left: F,
    pub(super) right: F,
    pub(super) tolerance: F,
}
