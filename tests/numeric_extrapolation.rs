//! Ridders' Jacobian (the Hessian from a gradient): accurate on smooth
//! functions, and still so with a kink inside its first ladder.

use gradient_oracle::models::classic::{rosenbrock_gradient, rosenbrock_hessian};
use gradient_oracle::numeric::extrapolation::{RiddersConfig, ridders_jacobian};

#[test]
fn the_hessian_of_rosenbrock_from_its_gradient() {
    let x = [0.4, -1.1, 1.3, 0.2];
    let cols = ridders_jacobian(rosenbrock_gradient, &x, &RiddersConfig::default());
    let exact = rosenbrock_hessian(&x);
    for (j, col) in cols.iter().enumerate() {
        for (i, e) in col.iter().enumerate() {
            assert!(
                (e.value - exact[(i, j)]).abs() <= 1e-11 * exact[(i, j)].abs().max(1.0),
                "{i},{j}: {e:?}"
            );
            assert!(
                e.evaluations <= 8,
                "no shorter ladder on a smooth function: {e:?}"
            );
        }
    }
}

/// The gradient of $f = \mathrm{relu}(x_0 - 0.003)\,x_1 + x_0^2 x_1$ jumps at
/// $x_0 = 0.003$, inside the first ladder ($2^{-6}$) from $x_0 = 0$; the
/// shorter ladders stay on the smooth side, whose Hessian is
/// $((2x_1, 2x_0), (2x_0, 0))$.
#[test]
fn a_kink_inside_the_first_ladder_is_stepped_around() {
    let grad = |x: &[f64]| {
        let on = x[0] > 0.003;
        vec![
            if on { x[1] } else { 0.0 } + 2.0 * x[0] * x[1],
            (x[0] - 0.003).max(0.0) + x[0] * x[0],
        ]
    };
    let x = [0.0, 1.5];
    let cols = ridders_jacobian(grad, &x, &RiddersConfig::default());
    let exact = [[3.0, 0.0], [0.0, 0.0]];
    for j in 0..2 {
        for i in 0..2 {
            let e = cols[j][i];
            assert!((e.value - exact[i][j]).abs() <= 1e-9, "{i},{j}: {e:?}");
        }
    }
    assert!(
        cols[0][0].evaluations > 8,
        "the kinked column took shorter ladders"
    );
}
