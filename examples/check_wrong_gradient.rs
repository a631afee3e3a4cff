//! Checks a hand-written gradient, then a wrong one, and prints the report.
//! `cargo run --example check_wrong_gradient`

use gradient_oracle::{CheckConfig, check_gradient};

fn main() -> Result<(), gradient_oracle::OracleError> {
    let f = |x: &[f64]| (x[0] * x[1]).sin() + x[1] * x[1];
    let right = |x: &[f64]| {
        vec![
            x[1] * (x[0] * x[1]).cos(),
            x[0] * (x[0] * x[1]).cos() + 2.0 * x[1],
        ]
    };
    // The second entry forgets the derivative of x[1]^2.
    let wrong = |x: &[f64]| vec![x[1] * (x[0] * x[1]).cos(), x[0] * (x[0] * x[1]).cos()];
    let x = [0.3, -1.2];
    println!(
        "{}",
        check_gradient(&f, &right, &x, &CheckConfig::default())?
    );
    println!(
        "{}",
        check_gradient(&f, &wrong, &x, &CheckConfig::default())?
    );
    Ok(())
}
