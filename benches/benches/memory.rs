//! Exercise 4: the time of one backward pass under each memory strategy.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gradient_oracle::{Activation, DeepChain, Strategy, backprop};

fn strategies(l: usize) -> Vec<Strategy> {
    let root = (l as f64).sqrt().ceil() as usize;
    let log = (usize::BITS - l.leading_zeros()) as usize;
    vec![
        Strategy::StoreAll,
        Strategy::EveryK(root),
        Strategy::Revolve(root),
        Strategy::Revolve(log),
    ]
}

fn bench_memory(c: &mut Criterion) {
    let mut group = c.benchmark_group("backprop_chain");
    for l in [100usize, 1000, 10_000, 100_000] {
        let weights: Vec<f64> = (0..l)
            .map(|k| 1.05 + 0.1 * ((k * 7919 % 17) as f64 / 17.0))
            .collect();
        let model = DeepChain::new(weights, vec![Activation::Tanh; l], 0.25).unwrap();
        for s in strategies(l) {
            group.bench_with_input(BenchmarkId::new(s.to_string(), l), &l, |b, _| {
                b.iter(|| backprop(&model, &0.7, s).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_memory
}
criterion_main!(benches);
