//! Points away from a set of kinks, and points exactly on them.
//!
//! A kink is where a *switching quantity* crosses 0: a ReLU's input $s_i(x)$,
//! a hinge's margin term, the difference of two tied logits. [`Kinks`] holds
//! them as functions of the point; [`points_away_from`] keeps every one at
//! least a distance from 0, and [`points_on_kink`] solves one of them to 0
//! along a coordinate. Both shrink toward a generic point of the box (see
//! [`points_in_box`](super::points_in_box)), never toward 0.

use std::fmt;
use std::sync::Arc;

use proptest::strategy::{FilterMap, Strategy};

use super::shrink::{BoxPoints, points_in_box};

type Switch = Arc<dyn Fn(&[f64]) -> f64 + Send + Sync>;

/// A set of switching quantities, each named, each 0 on its kink.
///
/// ```
/// use gradient_oracle::proptest::Kinks;
/// // A ReLU layer s = W x with W = [[1, -1], [0.5, 2]]: two kinks.
/// let kinks = Kinks::new()
///     .switch("s_0", |x: &[f64]| x[0] - x[1])
///     .switch("s_1", |x: &[f64]| 0.5 * x[0] + 2.0 * x[1]);
/// assert_eq!(kinks.nearest(&[1.0, 1.0]).unwrap().0, "s_0");
/// ```
#[derive(Clone, Default)]
pub struct Kinks {
    switches: Vec<(String, Switch)>,
}

impl fmt::Debug for Kinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.switches.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Kinks").field("switches", &names).finish()
    }
}

impl Kinks {
    /// No kinks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the switching quantity `value` (0 on the kink), named `name`.
    pub fn switch(
        mut self,
        name: impl Into<String>,
        value: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
    ) -> Self {
        self.switches.push((name.into(), Arc::new(value)));
        self
    }

    /// How many switching quantities there are.
    pub fn len(&self) -> usize {
        self.switches.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.switches.is_empty()
    }

    /// The switching quantity nearest its kink at `x`: its name and value.
    pub fn nearest(&self, x: &[f64]) -> Option<(&str, f64)> {
        self.switches
            .iter()
            .map(|(n, s)| (n.as_str(), s(x)))
            .min_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    }

    /// The switching quantities that are within `distance` of 0 at `x`.
    pub fn active(&self, x: &[f64], distance: f64) -> Vec<&str> {
        self.switches
            .iter()
            .filter(|(_, s)| s(x).abs() <= distance)
            .map(|(n, _)| n.as_str())
            .collect()
    }

    fn value(&self, k: usize, x: &[f64]) -> f64 {
        (self.switches[k].1)(x)
    }
}

/// Points of the box `[lo, hi]^n` where every switching quantity is at least
/// `distance` from 0, shrinking toward a generic point of the box.
pub fn points_away_from(
    lo: f64,
    hi: f64,
    n: usize,
    kinks: Kinks,
    distance: f64,
) -> impl Strategy<Value = Vec<f64>> + Clone {
    points_in_box(lo, hi, n)
        .prop_filter("a switching quantity is too close to its kink", move |x| {
            kinks.switches.iter().all(|(_, s)| s(x).abs() >= distance)
        })
}

/// Points of the box `[lo, hi]^n` exactly on the kink of switching quantity
/// `which`: a box point is moved along the first coordinate whose segment
/// across the box changes the quantity's sign, and the root is bisected to
/// adjacent floats (the side with the smaller |value|; exactly 0 where the
/// quantity can be). Points where no coordinate crosses the kink are
/// rejected. Shrinks with the box point, so along the kink toward a generic
/// point.
///
/// # Panics
/// If `which` is not an index into `kinks` (a test's own mistake).
pub fn points_on_kink(
    lo: f64,
    hi: f64,
    n: usize,
    kinks: Kinks,
    which: usize,
) -> FilterMap<BoxPoints, impl Fn(Vec<f64>) -> Option<Vec<f64>>> {
    assert!(
        which < kinks.len(),
        "points_on_kink: no switching quantity {which} (there are {})",
        kinks.len()
    );
    points_in_box(lo, hi, n).prop_filter_map("the kink does not cross the box here", move |x| {
        on_kink(&kinks, which, x, lo, hi)
    })
}

/// Moves `x` along one coordinate onto the kink of quantity `k`.
fn on_kink(kinks: &Kinks, k: usize, x: Vec<f64>, lo: f64, hi: f64) -> Option<Vec<f64>> {
    for c in 0..x.len() {
        let at = |t: f64| {
            let mut y = x.clone();
            y[c] = t;
            kinks.value(k, &y)
        };
        let (mut a, mut b) = (lo, hi);
        let (mut fa, fb) = (at(a), at(b));
        if !(fa.is_finite() && fb.is_finite()) || ((fa > 0.0) == (fb > 0.0) && fa != 0.0) {
            continue;
        }
        // Bisection to adjacent floats.
        for _ in 0..2100 {
            let m = a + (b - a) / 2.0;
            if m <= a || m >= b {
                break;
            }
            let fm = at(m);
            if fm == 0.0 {
                a = m;
                b = m;
                break;
            }
            if (fm > 0.0) == (fa > 0.0) {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        let t = if at(a).abs() <= at(b).abs() { a } else { b };
        let mut y = x;
        y[c] = t;
        return Some(y);
    }
    None
}
