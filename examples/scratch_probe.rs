use gradient_oracle::models::classic::{tanh_chain_gradient, tanh_chain_hessian};
use gradient_oracle::*;
use rand::{Rng, SeedableRng};
fn main() {
    let mut r = rand::rngs::StdRng::seed_from_u64(3);
    let (mut fails, mut inc, mut n_) = (0, 0, 0);
    for _ in 0..3000 {
        let n = r.random_range(1..6);
        let scale = [1.0, 10.0, 50.0][r.random_range(0..3)];
        let x: Vec<f64> = (0..n).map(|_| r.random_range(-scale..scale)).collect();
        let rep = check_hessian(&tanh_chain_gradient, &tanh_chain_hessian, &x, &CheckConfig::default()).unwrap();
        n_ += 1;
        match rep.verdict() { Verdict::Fail => { let flat = rep.failures().iter().all(|e| e.numeric == 0.0 && e.left == 0.0 && e.right == 0.0); if !flat { fails += 1; println!("{x:?}\n{rep}"); } }, Verdict::Inconclusive => inc += 1, _ => {} }
    }
    println!("{n_} fails {fails} inconclusive {inc}");
}
