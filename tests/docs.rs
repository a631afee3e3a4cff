//! The documents cannot drift: what docs/ quotes is what the program prints.

use std::process::Command;

fn between<'a>(text: &'a str, begin: &str, end: &str) -> &'a str {
    let start = text.find(begin).expect("begin marker") + begin.len();
    let stop = text[start..].find(end).expect("end marker") + start;
    &text[start..stop]
}

#[test]
fn exercise_2_trace_tables_match_the_program() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exercise-2.md"))
        .unwrap();
    let committed = between(&doc, "<!-- BEGIN trace -->\n", "<!-- END trace -->");
    let out = Command::new(env!("CARGO_BIN_EXE_gradient-oracle"))
        .args(["trace", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        committed, printed,
        "docs/exercise-2.md is stale: regenerate it with `cargo run --release -- trace --format markdown`"
    );
}

#[test]
fn exercise_2_prose_numbers_are_computed_ones() {
    // The prose quotes sample 3's pre-activations s1 = -0.442, s2 = -0.181.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exercise-2.md"))
        .unwrap();
    let batch = gradient_oracle::Mlp::sheet()
        .forward_backward(&gradient_oracle::Dataset::sheet())
        .unwrap();
    for (i, s) in batch.samples[2].s[..2].iter().enumerate() {
        let quoted = format!("s_{} = {:.3}", i + 1, s);
        assert!(
            doc.contains(&quoted),
            "docs/exercise-2.md should quote `{quoted}`"
        );
    }
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn assert_quotes(text: &str, file: &str, label: &str, value: f64) {
    let quoted = format!("{label} = {value:.6}");
    assert!(
        text.contains(&quoted),
        "docs/{file} should quote `{quoted}` (recomputed)"
    );
}

#[test]
fn exercise_1_numbers_are_computed_ones() {
    use gradient_oracle::{Activation, ChainNetwork};
    let text = doc("exercise-1.md");
    let net = ChainNetwork::sheet([Activation::Sigmoid, Activation::Tanh, Activation::Identity]);
    let fwd = net.forward(1.0, 0.5).unwrap();
    let d = net.sheet_derivatives(&fwd).unwrap();
    assert_quotes(&text, "exercise-1.md", "dL/dW_out", d.d_w_out);
    assert_quotes(&text, "exercise-1.md", "dL/dW2", d.d_w2);
    assert_quotes(&text, "exercise-1.md", "dL/dW1", d.d_w1);
    assert_quotes(&text, "exercise-1.md", "$y_{out}", fwd.y_out);
}

#[test]
fn exercise_3_numbers_are_computed_ones() {
    use gradient_oracle::{softmax, softmax_hinge_gradient, softmax_hinge_loss};
    let text = doc("exercise-3.md");
    let o = [2.0, 1.0, 0.1, -0.5];
    let p = softmax(&o).unwrap();
    assert_quotes(&text, "exercise-3.md", "$p_y", p[1]);
    assert_quotes(
        &text,
        "exercise-3.md",
        "L",
        softmax_hinge_loss(&o, 1, 1.0).unwrap(),
    );
    let g = softmax_hinge_gradient(&o, 1, 1.0).unwrap();
    let quoted = format!(
        "dL/do = ({})",
        g.iter()
            .map(|v| format!("{v:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(
        text.contains(&quoted),
        "docs/exercise-3.md should quote `{quoted}`"
    );
}

#[test]
fn exercise_4_memory_table_matches_the_program() {
    let text = doc("exercise-4.md");
    let committed = between(&text, "<!-- BEGIN memory -->\n", "<!-- END memory -->");
    let out = Command::new(env!("CARGO_BIN_EXE_gradient-oracle"))
        .args(["memory", "--no-time", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        committed,
        String::from_utf8(out.stdout).unwrap(),
        "docs/exercise-4.md is stale: regenerate it with `cargo run --release -- memory --no-time --format markdown`"
    );
}

/// The report the README and the guide show for a wrong gradient is the one
/// the checker prints for it (`examples/check_wrong_gradient.rs`).
#[test]
fn the_wrong_gradient_report_quoted_is_the_one_printed() {
    use gradient_oracle::{CheckConfig, check_gradient};
    let f = |x: &[f64]| (x[0] * x[1]).sin() + x[1] * x[1];
    let wrong = |x: &[f64]| vec![x[1] * (x[0] * x[1]).cos(), x[0] * (x[0] * x[1]).cos()];
    let report = check_gradient(&f, &wrong, &[0.3, -1.2], &CheckConfig::default()).unwrap();
    let printed = report.to_string();
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for (name, text) in [("README.md", readme), ("docs/guide.md", doc("guide.md"))] {
        let quoted = between(&text, "```text\nFAIL: 1 of 2", "```");
        let quoted = format!("FAIL: 1 of 2{quoted}");
        assert_eq!(quoted.trim_end(), printed.trim_end(), "{name}");
    }
}

/// The passing report the README quotes, resolution included, is the one the
/// checker prints.
#[test]
fn the_passing_report_quoted_is_the_one_printed() {
    use gradient_oracle::{CheckConfig, check_gradient};
    let f = |x: &[f64]| (x[0] * x[1]).sin() + x[1] * x[1];
    let grad = |x: &[f64]| {
        vec![
            x[1] * (x[0] * x[1]).cos(),
            x[0] * (x[0] * x[1]).cos() + 2.0 * x[1],
        ]
    };
    let report = check_gradient(&f, &grad, &[0.3, -1.2], &CheckConfig::default()).unwrap();
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let quoted = between(&readme, "```text\nPASS: all 2", "```");
    let quoted = format!("PASS: all 2{quoted}");
    assert_eq!(quoted.trim_end(), report.to_string().trim_end());
}

#[test]
fn exercise_1_hessian_numbers_are_computed_ones() {
    use gradient_oracle::{Activation, ChainNetwork};
    let text = doc("exercise-1.md");
    let net = ChainNetwork::sheet([Activation::Sigmoid, Activation::Tanh, Activation::Identity]);
    let h = net.sheet_hessian(&net.forward(1.0, 0.5).unwrap()).unwrap();
    for (i, j) in [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)] {
        let label = format!("H_{}{}", i + 1, j + 1);
        assert_quotes(&text, "exercise-1.md", &label, h[(i, j)]);
    }
}

#[test]
fn exercise_2_hvp_numbers_are_computed_ones() {
    use gradient_oracle::models::mlp_hvp::mlp_hvp_without_tanh_curvature;
    use gradient_oracle::{Dataset, Mlp, mlp_hvp};
    let text = doc("exercise-2.md");
    let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
    let p = mlp.parameters();
    let mut e = vec![0.0; p.len()];
    e[6] = 1.0;
    let column = mlp_hvp(&p, mlp.hidden(), &data, &e).unwrap();
    let six = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let quoted = format!("Hv = ({})", six(&column));
    assert!(
        text.contains(&quoted),
        "docs/exercise-2.md should quote `{quoted}`"
    );
    let slip = mlp_hvp_without_tanh_curvature(&p, mlp.hidden(), &data, &e).unwrap();
    let quoted = format!("would read ({})", six(&slip[6..]));
    assert!(
        text.contains(&quoted),
        "docs/exercise-2.md should quote `{quoted}`"
    );
    let percent = ((1.0 - slip[6] / column[6]) * 100.0).round();
    assert!(text.contains(&format!("wrong by {percent} %")), "{percent}");
}

#[path = "../examples/f32_layernorm.rs"]
#[allow(dead_code)]
mod f32_layernorm;

#[test]
fn the_guides_f32_reports_are_what_the_example_prints() {
    let guide = doc("guide.md");
    let committed = between(
        &guide,
        "<!-- BEGIN f32-layernorm -->\n```text\n",
        "```\n<!-- END f32-layernorm -->",
    );
    assert_eq!(
        committed,
        f32_layernorm::reports(),
        "docs/guide.md's f32 reports are stale: paste `cargo run --example f32_layernorm`"
    );
}
