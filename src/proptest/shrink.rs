//! Points in a box that shrink toward a *generic* point, never toward 0.
//!
//! proptest shrinks floats toward 0 (or a range's low end). For a gradient
//! check that is the worst target: 0 is where ReLUs switch, where tied logits
//! meet, where several kinks coincide, so the "minimal" failing case of a
//! wrong regulariser becomes a compound kink instead of the bug. These
//! strategies shrink each coordinate by bisection toward [`generic_point`]
//! instead.

use std::fmt;

use proptest::strategy::{NewTree, Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// A point of the box `[lo, hi]^n` with no special structure: coordinate
/// $i$ sits at the fraction $\{0.5 + 0.618\,(i + 1)\}$ of the way, folded into
/// $[0.1, 0.9]$ (no coordinate at 0, at the centre or equal to another).
pub fn generic_point(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    const GOLDEN: f64 = 0.618_033_988_749_894_9;
    (0..n)
        .map(|i| {
            let frac = (0.5 + GOLDEN * (i as f64 + 1.0)).fract();
            lo + (hi - lo) * (0.1 + 0.8 * frac)
        })
        .collect()
}

/// Points uniform in the box `[lo, hi]^n`, shrinking toward
/// [`generic_point`]`(lo, hi, n)`. Made by [`points_in_box`].
#[derive(Clone, Debug)]
pub struct BoxPoints {
    lo: f64,
    hi: f64,
    n: usize,
}

/// Points uniform in `[lo, hi]^n` that shrink toward a generic point of the
/// box, never toward 0.
///
/// # Panics
/// If `lo < hi` does not hold or either bound is not finite (a strategy is
/// built by the test's author, not from user input).
pub fn points_in_box(lo: f64, hi: f64, n: usize) -> BoxPoints {
    assert!(
        lo.is_finite() && hi.is_finite() && lo < hi,
        "points_in_box needs finite bounds with lo < hi, got [{lo}, {hi}]"
    );
    BoxPoints { lo, hi, n }
}

impl BoxPoints {
    /// The box's bounds and dimension.
    pub fn bounds(&self) -> (f64, f64, usize) {
        (self.lo, self.hi, self.n)
    }
}

impl Strategy for BoxPoints {
    type Tree = PointTree;
    type Value = Vec<f64>;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        // proptest's own range strategy draws the start: its TestRng is of
        // whatever rand version the user's proptest release uses.
        let mut start = Vec::with_capacity(self.n);
        for _ in 0..self.n {
            start.push((self.lo..=self.hi).new_tree(runner)?.current());
        }
        let target = generic_point(self.lo, self.hi, self.n);
        let tolerance = 1e-9 * (self.hi - self.lo);
        Ok(PointTree {
            coordinates: start
                .iter()
                .zip(&target)
                .map(|(s, t)| Toward::new(*s, *t, tolerance))
                .collect(),
            index: 0,
            last: None,
        })
    }
}

/// One coordinate's bisection toward its target, in distance from it:
/// `lo` is the largest distance known to pass, `hi` the smallest known to
/// fail, `curr` the one presented. The target itself is tried first.
#[derive(Clone, Copy, Debug)]
struct Toward {
    target: f64,
    /// +1 or -1: the side of the target the start was on.
    side: f64,
    lo: f64,
    curr: f64,
    hi: f64,
    target_tried: bool,
    tolerance: f64,
}

impl Toward {
    fn new(start: f64, target: f64, tolerance: f64) -> Self {
        let distance = (start - target).abs();
        Self {
            target,
            side: if start >= target { 1.0 } else { -1.0 },
            lo: 0.0,
            curr: distance,
            hi: distance,
            target_tried: false,
            tolerance,
        }
    }

    fn value(&self) -> f64 {
        self.target + self.side * self.curr
    }

    /// `curr` fails: move closer to the target.
    fn simplify(&mut self) -> bool {
        self.hi = self.curr;
        if self.hi - self.lo <= self.tolerance {
            return false;
        }
        if !self.target_tried {
            self.target_tried = true;
            self.curr = 0.0;
            return true;
        }
        self.curr = self.lo + (self.hi - self.lo) / 2.0;
        true
    }

    /// `curr` passes: the failure needs a larger distance.
    fn complicate(&mut self) -> bool {
        self.lo = self.curr;
        if self.hi - self.lo <= self.tolerance {
            // Converged: present the known failure again (a state change, so
            // the runner goes on to simplify the next coordinate).
            let changed = (self.hi - self.curr).abs() > 0.0;
            self.curr = self.hi;
            return changed;
        }
        self.curr = self.lo + (self.hi - self.lo) / 2.0;
        true
    }
}

/// The value tree of [`BoxPoints`]: coordinates shrink one after another.
#[derive(Clone)]
pub struct PointTree {
    coordinates: Vec<Toward>,
    index: usize,
    last: Option<usize>,
}

impl fmt::Debug for PointTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PointTree")
            .field("current", &self.current())
            .finish()
    }
}

impl ValueTree for PointTree {
    type Value = Vec<f64>;

    fn current(&self) -> Vec<f64> {
        self.coordinates.iter().map(Toward::value).collect()
    }

    fn simplify(&mut self) -> bool {
        while self.index < self.coordinates.len() {
            if self.coordinates[self.index].simplify() {
                self.last = Some(self.index);
                return true;
            }
            self.index += 1;
        }
        false
    }

    fn complicate(&mut self) -> bool {
        match self.last {
            Some(i) => {
                if self.coordinates[i].complicate() {
                    true
                } else {
                    self.last = None;
                    false
                }
            }
            None => false,
        }
    }
}
