use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, chain_loss, check_gradient, check_gradient_mixed,
};
fn main() {
    let acts: Vec<Activation> = (0..8)
        .map(|k| {
            if k % 2 == 0 {
                Activation::Tanh
            } else {
                Activation::Sigmoid
            }
        })
        .collect();
    let mut res32 = vec![];
    let mut resmix = vec![];
    for seed in 0..16u32 {
        let w: Vec<f32> = (0..8)
            .map(|j| 0.5 + 0.4 * (((seed * 8 + j) as f32) * 1.7).sin())
            .collect();
        let f32f = |p: &[f32]| chain_loss(p, &acts, 0.8f32, 0.3);
        let g = |p: &[f32]| {
            ChainNetwork::new(p.to_vec(), acts.clone())
                .unwrap()
                .loss_and_gradient(0.8f32, 0.3)
                .unwrap()
                .1
        };
        let r = check_gradient(&f32f, &g, &w, &CheckConfig::default()).unwrap();
        res32.push(r.resolution());
        let f64f = |p: &[f64]| chain_loss(p, &acts, 0.8f64, 0.3);
        let r = check_gradient_mixed(&f64f, &g, &w, &CheckConfig::default()).unwrap();
        resmix.push(r.resolution());
    }
    res32.sort_by(f64::total_cmp);
    resmix.sort_by(f64::total_cmp);
    println!(
        "f32 resolution median {:.1e} max {:.1e}",
        res32[8], res32[15]
    );
    println!(
        "mixed resolution median {:.1e} max {:.1e}",
        resmix[8], resmix[15]
    );
    // Gaussian NLL at sigma = 1e-5
    let s = 1e-5;
    let nll = |p: &[f64]| 0.5 * ((p[0] - 0.3) / s).powi(2) + s.ln();
    let d = |p: &[f64]| vec![(p[0] - 0.3) / (s * s)];
    let wrong = |p: &[f64]| vec![1.01 * (p[0] - 0.3) / (s * s)];
    for x in [0.30001, 0.3000001] {
        let r = check_gradient(&nll, &d, &[x], &CheckConfig::default()).unwrap();
        let w = check_gradient(&nll, &wrong, &[x], &CheckConfig::default()).unwrap();
        println!(
            "nll x={x}: right {} res {:.1e}; 1% wrong {} res {:.1e}",
            r.verdict(),
            r.resolution(),
            w.verdict(),
            w.resolution()
        );
    }
}
