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
