//! The time of one complete check (full per-coordinate and directional) on the
//! benchmark protocol's functions and sizes (`../shared/bench-protocol.md`).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gradient_oracle::{
    CheckConfig, Mlp, Objective, Placement, Sample, Sampler, check_objective, mlp_loss,
    mlp_loss_and_gradient_f64, mlp_loss_f64,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A protocol case: the sampler's draw with every kink more than 1e-3 away
/// (`../shared/bench-protocol.md`), from a fixed seed.
fn protocol_case(sampler: Sampler) -> Sample {
    let mut rng = StdRng::seed_from_u64(1);
    sampler
        .sample(&mut rng, Placement::AwayFromKinks(1e-3))
        .expect("the protocol's samplers are valid")
}

fn mlp_case(n: usize, h: usize) -> Sample {
    protocol_case(Sampler::Mlp {
        samples: n..=n,
        inputs: 2..=2,
        hidden: h..=h,
    })
}

fn bench_checks(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    let mut cases: Vec<(String, Sample)> = [(4usize, 3usize), (64, 100), (64, 1000)]
        .iter()
        .map(|&(n, h)| (format!("mlp_N{n}_H{h}"), mlp_case(n, h)))
        .collect();
    for k in [10usize, 100, 1000] {
        let hinge = Sampler::SoftmaxHinge {
            classes: k..=k,
            margin: 1.0..=1.0,
            boost_label: true,
        };
        cases.push((format!("softmax_hinge_k{k}"), protocol_case(hinge)));
    }
    for (label, case) in &cases {
        let (objective, point) = (&case.objective, &case.point);
        group.bench_with_input(BenchmarkId::new("full", label), &(), |b, _| {
            b.iter(|| check_objective(objective, point, &CheckConfig::default()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("directional", label), &(), |b, _| {
            let cfg = CheckConfig::default().directional(2);
            b.iter(|| check_objective(objective, point, &cfg).unwrap())
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
    let case = mlp_case(n, h);
    let Objective::Mlp { data, .. } = &case.objective else {
        unreachable!("an mlp sampler draws networks")
    };
    let p = case.point.clone();
    let model = Mlp::new(
        nalgebra::DMatrix::zeros(h, data.x().ncols()),
        nalgebra::DVector::zeros(h),
    )
    .and_then(|shape| shape.with_parameters(&p))
    .expect("the sampled parameters fit the shape");
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
