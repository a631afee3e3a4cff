//! The claim's rounding, measured: the first stage of the error budget.
//!
//! A gradient computed in `f32` by backpropagation does not carry a few
//! $\varepsilon$ of error relative to each entry's own size: its sums and
//! cancellations round relative to the terms they combine, the row's largest
//! entries and the intermediate values (a LayerNorm backward subtracts means
//! of inputs that may be a hundred times their spread). Those intermediates are
//! not visible from outside, so the rounding is **measured**: the claim is
//! computed again at $K = 8$ points whose every coordinate is moved by one or
//! two units in the last place (random signs, seeded; a coordinate at
//! exactly 0 by one or two $\varepsilon$), which reshuffles the
//! rounding of every operation while the true gradient moves by only
//! $\varepsilon|H||x|$. The spread $s_o$ of row $o$ is the largest change of any
//! of its entries over the draws. (With $K = 3$ the largest change often fell
//! short of the claim's own error: an `f32` gradient $0.049 - 0.0466$ of a
//! tanh composition, 8e-6 off from its rounding, read Fail in the mixed
//! check; a property run of 60000 cases found it.)
//!
//! Each output's absolute allowance for the claim's rounding is then
//!
//! $$\kappa\,\max_i|a_{oi}| + \max\bigl(4 s_o,\ \min(4 j_o,\ 8(\kappa + 64\varepsilon)\max_i|a_{oi}|)\bigr),$$
//!
//! with $\kappa$ the declared relative rounding of the claim
//! ([`CheckConfig::claim_rounding`]: $32\varepsilon_{32}$ in the mixed check, 0
//! when the claim is computed in f's own float type, whose $64\varepsilon$ floor
//! stays per entry), $s_o$ the largest change of an entry whose values over
//! the draws spread out (rounding), and $j_o$ the largest change of an entry
//! whose values **split in two clusters**: the largest gap between its 9
//! sorted values (x and the 8 draws) is at least 3/4 of their range. That is
//! a claim that jumps between draws (a ReLU pre-activation exactly at 0 that
//! the draws move across), not rounding: its allowance is capped at
//! $8(\kappa + 64\varepsilon)$ of the row's largest entry ($3\cdot10^{-5}$ in
//! the mixed check), so the kink analysis, not a wide tolerance, judges it.
//! Rounding is not capped: an `f32` gradient $-1.69\,\varphi'(x) + 0.43
//! \operatorname{sech}^2$ that cancels from terms of 0.4 to $1.2\cdot10^{-3}$
//! is $3.9\cdot10^{-5}$ of itself off the exact one, above that cap, and read
//! Fail in the mixed check until the split was told apart (a property run of
//! 60000 cases found it). Nine values from a continuous spread have such a gap
//! with probability about $8\cdot4^{-7} \approx 10^{-4}$. Where the claim at
//! x is alone on its side of the gap and every draw on the other, it is
//! neither: the claim is wrong at x itself ($\mathrm{relu}(x) - \mathrm{relu}(-x)$
//! with $\mathrm{relu}'(0) = 0$ claims 0 at $x = 0$ and 1 at every draw), and
//! no allowance is made for it, where the pairs (`f32`) see the same split
//! exactly. Where they see another, the split is rounding that the draws'
//! 1 or 2 ulps did not reshuffle: an `f32` claim cancelling from terms of
//! 0.27 to $2\cdot10^{-4}$ stood $3\cdot10^{-8}$ apart from its 8 draws,
//! which agreed among themselves, while the pairs read $4.5\cdot10^{-8}$;
//! with no allowance its exact value read Fail in the mixed check (4 seeds
//! in 14 of a 60000-case property run).
//!
//! **The claim's grid.** In `f32` the claim is computed at one pair more,
//! moved by 16384 ulps, for its grid alone ([`entry_grid`]): where every
//! change of an entry is a whole multiple of a power of two $g$ at least 32
//! of its own ulps, the entry is an exact `f32` sum of terms whose ulp is
//! $g$, and its rounding is that of the terms: $g$ counts as its spread $s_o$
//! (up to $2^{-12}$ of the row's largest entry, terms $2^{11}$ times it; a
//! coarser grid is the claim's own structure, not rounding). A grid scaled
//! after the sum by a factor that is not a power of two is not read (a
//! known limit, in the guide).

use super::CheckConfig;
use super::budget::f32_or_coarser;
use super::grid::power_of_two_dividing;
use super::probe::{half_second_difference, ulp_moved, ulp_pair};
use crate::float::{Real, cst};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The claim's rows at a point, `None` where it cannot give them.
pub(super) type ClaimAt<'a, G> = dyn FnMut(&[G]) -> Option<Vec<Vec<G>>> + 'a;

/// How many perturbed points the claim is computed at.
pub(super) const CLAIM_DRAWS: usize = 8;

/// In `f32` and coarser, the claim is also computed at pairs of points
/// $x \pm \delta$ moved by these many units in the last place (times one or
/// two): see the module doc.
pub(super) const PAIR_ULPS: [f64; 2] = [16.0, 256.0];

/// In `f32` and coarser, one pair more, moved by these many units in the
/// last place (a coordinate at 0 by as many $\varepsilon$), read only for the
/// claim's grid ([`entry_grid`]): a claim flat at the smaller moves (at a
/// stationary point of the true gradient) moves here.
pub(super) const GRID_ULPS: f64 = 16384.0;

/// The coarsest claim grid taken for rounding, relative to the row's
/// largest entry: the ulp of `f32` terms $2^{11}$ times that entry.
const GRID_CAP: f64 = 1.0 / 4096.0;

/// What the draws showed of one output row: the largest change of an entry
/// that spreads out (rounding), and each entry's change where its values
/// split in two clusters (a jump), all 0 until measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RowSpread {
    /// The largest change of an entry whose values spread out.
    pub(crate) rounding: f64,
    /// Per entry, its change where its values split in two clusters, else 0.
    pub(crate) entry_jumps: Vec<f64>,
    /// The coarsest grid an entry's values lie on ([`entry_grid`]), 0 where none.
    pub(crate) grid: f64,
}

/// What each output row's claimed entries do when every coordinate of `x`
/// moves by one or two units in the last place; `claim(p)` gives the rows at
/// `p` (`None` where it cannot: a shape that changed, a panic-free refusal).
/// Draws whose claim is not finite are left out.
pub(super) fn measure_spread<G: Real>(
    claim: &mut ClaimAt<'_, G>,
    x: &[G],
    base: &[Vec<G>],
    seed: u64,
) -> Vec<RowSpread> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xc1a1_5eed);
    // Per row, the draws that gave it (a row of the wrong shape or not finite
    // is left out).
    let mut draws: Vec<Vec<Vec<G>>> = vec![Vec::new(); base.len()];
    for _ in 0..CLAIM_DRAWS {
        let p = ulp_moved(&mut rng, x, 1.0);
        for (o, row) in rows_at(claim, &p, base).into_iter().enumerate() {
            draws[o].extend(row);
        }
    }
    // Per row and entry, the smallest and largest half second difference
    // over the pairs (none in f64, where no pair is drawn).
    let mut paired: Vec<Vec<Option<(f64, f64)>>> =
        base.iter().map(|r| vec![None; r.len()]).collect();
    // Per row, the pairs' rows as well, for the grid.
    let mut wide: Vec<Vec<Vec<G>>> = vec![Vec::new(); base.len()];
    if f32_or_coarser::<G>() {
        for ulps in PAIR_ULPS.into_iter().chain([GRID_ULPS]) {
            let (plus, minus) = ulp_pair(&mut rng, x, ulps);
            let (up, down) = (rows_at(claim, &plus, base), rows_at(claim, &minus, base));
            for (o, (u, d)) in up.into_iter().zip(down).enumerate() {
                wide[o].extend(u.iter().chain(d.iter()).cloned());
                let (Some(u), Some(d)) = (u, d) else { continue };
                if ulps == GRID_ULPS {
                    continue;
                }
                for (slot, ((a_up, a_down), a0)) in
                    paired[o].iter_mut().zip(u.iter().zip(&d).zip(&base[o]))
                {
                    let r = half_second_difference(*a_up, *a_down, *a0)
                        .to_f64()
                        .unwrap_or(0.0);
                    *slot = Some(slot.map_or((r, r), |(lo, hi)| (lo.min(r), hi.max(r))));
                }
            }
        }
    }
    base.iter()
        .zip(&draws)
        .zip(&paired)
        .zip(&wide)
        .map(|(((row0, rows), pairs), wide)| {
            let mut spread = row_spread(row0, rows, pairs);
            spread.grid = (0..row0.len())
                .map(|i| entry_grid(row0[i], rows.iter().chain(wide).map(|r| r[i])))
                .fold(0.0, f64::max);
            spread
        })
        .collect()
}

/// The grid of one entry's values: the coarsest power of two of which its
/// every change over the draws and the pairs is a whole multiple, where it
/// is at least 32 ulps of the largest of them and at least two changes
/// show it; else 0. An `f32` sum that cancels is exact, a multiple of the
/// ulp of its terms: a claim $c\,\sigma(x) + d\cos(bx)\,b$ of
/// $5.7\cdot10^{-4}$ from terms of 0.036 moved in steps of $2^{-28}$, 64 of
/// its own ulps, and stood $0.8$ of one from the exact value; at its
/// symmetric pairs the steps cancelled, its draws did not move it, and its
/// measured spread was 0 (a mixed check read Fail, property seeds 41 and
/// 43). A smooth claim's changes have random low bits: two of them share
/// five spare zero bits with probability $2^{-10}$.
fn entry_grid<G: Real>(at_x: G, values: impl Iterator<Item = G>) -> f64 {
    let at_x = at_x.to_f64().unwrap_or(0.0);
    let values: Vec<f64> = values.map(|v| v.to_f64().unwrap_or(0.0)).collect();
    let largest = values.iter().fold(at_x.abs(), |m, v| m.max(v.abs()));
    let eps = G::epsilon().to_f64().unwrap_or(0.0);
    match power_of_two_dividing(values.iter().map(|v| v - at_x)) {
        Some((grid, count)) if count >= 2 && grid >= 32.0 * eps * largest => grid,
        _ => 0.0,
    }
}

/// The claim's rows at `p`, each `None` where it has the wrong shape or is
/// not finite (every one when the claim cannot be computed there).
fn rows_at<G: Real>(claim: &mut ClaimAt<'_, G>, p: &[G], base: &[Vec<G>]) -> Vec<Option<Vec<G>>> {
    match claim(p) {
        Some(rows) if rows.len() == base.len() => rows
            .into_iter()
            .zip(base)
            .map(|(row, row0)| {
                (row.len() == row0.len() && row.iter().all(|v| v.is_finite())).then_some(row)
            })
            .collect(),
        _ => vec![None; base.len()],
    }
}

/// One row's [`RowSpread`] from its value at x, at the draws, and the
/// smallest and largest half second difference of each entry over the
/// pairs.
fn row_spread<G: Real>(row0: &[G], rows: &[Vec<G>], pairs: &[Option<(f64, f64)>]) -> RowSpread {
    let eps = G::epsilon().to_f64().unwrap_or(0.0);
    let mut spread = RowSpread {
        entry_jumps: vec![0.0; row0.len()],
        ..RowSpread::default()
    };
    let mut values = Vec::with_capacity(rows.len() + 1);
    for (i, a0) in row0.iter().enumerate() {
        values.clear();
        values.push(a0.to_f64().unwrap_or(0.0));
        values.extend(rows.iter().map(|r| r[i].to_f64().unwrap_or(0.0)));
        let moved = values[1..]
            .iter()
            .map(|v| (v - values[0]).abs())
            .fold(0.0, f64::max)
            .max(pairs[i].map_or(0.0, |(_, hi)| hi));
        if !(moved > 0.0 && moved.is_finite()) {
            continue;
        }
        let at_x = values[0];
        values.sort_by(f64::total_cmp);
        let range = values[values.len() - 1] - values[0];
        let (gap, below) = values
            .windows(2)
            .enumerate()
            .map(|(k, w)| (w[1] - w[0], k + 1))
            .fold((0.0, 0), |best, g| if g.0 > best.0 { g } else { best });
        if range > 0.0 && gap >= 0.75 * range {
            // The claim at x alone on its side of the gap, every draw on the
            // other: a claim wrong at x itself (relu(x) - relu(-x) with
            // relu'(0) = 0 claims 0 at x = 0 and 1 at every draw), not a
            // lattice of its rounding nor a kink it shares with f.
            let alone = if at_x <= values[below - 1] {
                below == 1
            } else {
                below == values.len() - 1
            };
            // Wrong at x itself, the pairs a wider move away see the same
            // split, exactly: their half second difference is the jump. Where
            // they see another, the claim's rounding reshuffles at their
            // moves (an f32 claim cancelling from terms of 0.27 to 2e-4 stood
            // 3e-8 apart from its 8 draws, which its 1 or 2 ulps did not
            // reshuffle; the pairs read 4.5e-8): its spread is rounding.
            let split = gap;
            let same_split = pairs[i].is_none_or(|(lo, hi)| {
                let unit = 4.0 * eps * (at_x.abs() + split);
                (lo - split).abs() <= unit && (hi - split).abs() <= unit
            });
            if alone && !same_split {
                spread.rounding = spread.rounding.max(moved);
            } else if !alone {
                spread.entry_jumps[i] = moved;
            }
        } else {
            spread.rounding = spread.rounding.max(moved);
        }
    }
    spread
}

/// Per output and entry, how much the claim's own jumps could explain: four
/// times the entry's change where its values split in two clusters (see
/// [`rule::settle`](super::rule::settle)), else 0.
pub(super) fn jump_doubt(spread: &[RowSpread]) -> Vec<Vec<f64>> {
    spread
        .iter()
        .map(|s| s.entry_jumps.iter().map(|j| 4.0 * j).collect())
        .collect()
}

/// Each output's absolute allowance for the claim's rounding (the module
/// doc's formula), in the float type of the evaluations.
pub(super) fn allowance<F: Real>(
    analytic: &[Vec<F>],
    spread: &[RowSpread],
    config: &CheckConfig,
) -> Vec<F> {
    analytic
        .iter()
        .enumerate()
        .map(|(o, row)| {
            let v = row_allowance::<F>(row, spread.get(o), config);
            if v.is_finite() { cst(v) } else { F::zero() }
        })
        .collect()
}

/// One row's allowance (the module doc's formula).
fn row_allowance<F: Real>(row: &[F], spread: Option<&RowSpread>, config: &CheckConfig) -> f64 {
    let kappa = config.claim_rounding;
    let eps = F::epsilon().to_f64().unwrap_or(0.0);
    let largest = row
        .iter()
        .map(|a| a.abs().to_f64().unwrap_or(0.0))
        .filter(|a| a.is_finite())
        .fold(0.0, f64::max);
    let (rounding, jumps, grid) = spread.map_or((0.0, 0.0, 0.0), |s| {
        (
            s.rounding,
            s.entry_jumps.iter().copied().fold(0.0, f64::max),
            s.grid,
        )
    });
    // A grid is the ulp of the terms the claim was summed from: rounding
    // where those terms are at most 2^11 times the row's largest entry,
    // coarser is the claim's own structure (a claim of whole numbers).
    let rounding = if grid <= GRID_CAP * largest {
        rounding.max(grid)
    } else {
        rounding
    };
    let cap = 8.0 * (kappa + 64.0 * eps) * largest;
    kappa * largest + (4.0 * rounding).max((4.0 * jumps).min(cap))
}
