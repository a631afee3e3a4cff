//! The time of one complete check (full per-coordinate and directional) on the
//! benchmark protocol's functions and sizes (`../shared/bench-protocol.md`).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gradient_oracle::{
    CheckConfig, Dataset, Mlp, check_gradient, mlp_loss, mlp_loss_and_gradient_f64, mlp_loss_f64,
    softmax_hinge_gradient, softmax_hinge_loss_unchecked,
};

fn mlp_case(n: usize, h: usize) -> (Mlp, Dataset) {
    let x: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            vec![
                ((i * 37 % 101) as f64 / 50.0) - 1.0,
                ((i * 53 % 97) as f64 / 48.0) - 1.0,
            ]
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| ((i * 29 % 89) as f64 / 44.0) - 1.0)
        .collect();
    let w: Vec<Vec<f64>> = (0..h)
        .map(|i| {
            vec![
                ((i * 17 % 83) as f64 / 41.0) - 1.0,
                ((i * 31 % 79) as f64 / 39.0) - 1.0,
            ]
        })
        .collect();
    let w_out: Vec<f64> = (0..h)
        .map(|i| (((i * 13 % 71) as f64 / 35.0) - 1.0) / (h as f64).sqrt())
        .collect();
    (
        Mlp::from_rows(&w, &w_out).unwrap(),
        Dataset::from_rows(&x, &y).unwrap(),
    )
}

fn bench_checks(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    for (n, h) in [(4usize, 3usize), (64, 100), (64, 1000)] {
        let (model, data) = mlp_case(n, h);
        let p = model.parameters();
        let f = |q: &[f64]| mlp_loss_f64(q, h, &data);
        let g = |q: &[f64]| mlp_loss_and_gradient_f64(q, h, &data).unwrap().1;
        let label = format!("mlp_N{n}_H{h}");
        group.bench_with_input(BenchmarkId::new("full", &label), &(), |b, _| {
            b.iter(|| check_gradient(&f, &g, &p, &CheckConfig::default()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("directional", &label), &(), |b, _| {
            b.iter(|| check_gradient(&f, &g, &p, &CheckConfig::default().directional(2)).unwrap())
        });
    }
    for k in [10usize, 100, 1000] {
        let o: Vec<f64> = (0..k)
            .map(|i| ((i * 37 % 101) as f64 / 25.0) - 2.0)
            .collect();
        let f = |o: &[f64]| softmax_hinge_loss_unchecked(o, 1, 1.0);
        let g = |o: &[f64]| softmax_hinge_gradient(o, 1, 1.0).unwrap();
        let label = format!("softmax_hinge_k{k}");
        group.bench_with_input(BenchmarkId::new("full", &label), &(), |b, _| {
            b.iter(|| check_gradient(&f, &g, &o, &CheckConfig::default()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("directional", &label), &(), |b, _| {
            b.iter(|| check_gradient(&f, &g, &o, &CheckConfig::default().directional(2)).unwrap())
        });
    }
    group.finish();
}

/// The model's own evaluation, which a full check repeats 2P + 1 to 3P + 1
/// times: the fused f64 kernels against the generic loss and nalgebra's batch
/// products.
fn bench_evaluations(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp_evaluation");
    let (n, h) = (64usize, 1000usize);
    let (model, data) = mlp_case(n, h);
    let p = model.parameters();
    group.bench_function("loss: fused (mlp_loss_f64)", |b| {
        b.iter(|| mlp_loss_f64(std::hint::black_box(&p), h, &data))
    });
    group.bench_function("loss: generic (mlp_loss)", |b| {
        b.iter(|| mlp_loss(std::hint::black_box(&p), h, &data))
    });
    group.bench_function("gradient: fused (mlp_loss_and_gradient_f64)", |b| {
        b.iter(|| mlp_loss_and_gradient_f64(std::hint::black_box(&p), h, &data).unwrap())
    });
    group.bench_function("gradient: nalgebra (Mlp::loss_and_gradient)", |b| {
        b.iter(|| {
            model
                .loss_and_gradient(std::hint::black_box(&data))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_checks, bench_evaluations
}
criterion_main!(benches);
