//! Replays the committed fuzz seeds and crash inputs (`fuzz/seeds/TARGET/`)
//! through the fuzz targets' own entry functions, decoded as libFuzzer does.
#![cfg(feature = "grade")] // the fuzz cases include the grader and the TOML loaders

#[path = "../fuzz/src/cases.rs"]
#[allow(dead_code, unreachable_pub)]
mod cases;

use arbitrary::{Arbitrary, Unstructured};
use std::path::Path;

fn replay<T: for<'a> Arbitrary<'a> + std::fmt::Debug>(target: &str, run: fn(&T)) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let Ok(case) = T::arbitrary_take_rest(Unstructured::new(&bytes)) {
            run(&case);
        }
        count += 1;
    }
    assert!(count > 0, "no seeds for {target}");
    count
}

#[test]
fn softmax_seeds() {
    replay("softmax", cases::softmax_case);
}

#[test]
fn hinge_seeds() {
    replay("hinge", cases::hinge_case);
}

#[test]
fn chain_seeds() {
    replay("chain", cases::chain_case);
}

#[test]
fn mlp_seeds() {
    replay("mlp", cases::mlp_case);
}

#[test]
fn checker_seeds() {
    replay("checker", cases::checker_case);
}

#[test]
fn toml_seeds() {
    replay("toml_files", cases::toml_case);
}

#[test]
fn answers_seeds() {
    replay("answers", cases::answers_case);
}

#[test]
fn objective_seeds() {
    replay("objective", cases::objective_case);
}

#[test]
fn hessian_seeds() {
    replay("hessian", cases::hessian_case);
}
