//! The grading oracle: answer files, error carried forward, diagnoses, formulas.
//! The example answer files are written by an independent plain-Python run
//! (`examples/answers/make_answers.py`).
#![cfg(feature = "grade")] // the grader

use gradient_oracle::OracleError;
use gradient_oracle::grade::formula::{ChainDerivative, check_chain_formula, check_hinge_formula};
use gradient_oracle::grade::{GradePolicy, GradeReport, Status, grade, grade_with, parse_answers};

fn grade_file(name: &str) -> GradeReport {
    let path = format!("{}/examples/answers/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    grade(&parse_answers(name, &text).unwrap())
}

fn message_of(report: &GradeReport, item: &str) -> String {
    report
        .items
        .iter()
        .find(|i| i.item == item)
        .map(|i| i.message.clone())
        .unwrap_or_default()
}

#[test]
fn a_correct_file_scores_full_marks() {
    let r = grade_file("correct.toml");
    assert!(r.all_correct(), "{r}");
    assert_eq!((r.score, r.max_score), (40.0, 40.0));
    assert_eq!(r.exercise_score(1), (15.0, 15.0));
    assert_eq!(r.exercise_score(2), (15.0, 15.0));
    assert_eq!(r.exercise_score(3), (10.0, 10.0));
    assert!(r.items.iter().all(|i| i.status == Status::Correct));
}

#[test]
fn missing_tanh_prime_is_named_and_later_errors_are_carried_forward() {
    let r = grade_file("slip-missing-tanh-prime.toml");
    assert!(!r.all_correct());
    assert_eq!(
        r.first_divergence.as_deref(),
        Some("iteration 1, sample 1: delta_out")
    );
    assert!(
        message_of(&r, "iteration 1, sample 1: delta_out").contains("tanh'(s_out)"),
        "{r}"
    );
    // The hidden deltas and gradients that follow from the wrong delta_out get credit.
    let item = r
        .items
        .iter()
        .find(|i| i.item == "iteration 1, sample 1: delta_hidden")
        .unwrap();
    assert_eq!(item.status, Status::CarriedForward, "{r}");
    let grad = r
        .items
        .iter()
        .find(|i| i.item == "iteration 1: grad_W")
        .unwrap();
    assert_eq!(grad.status, Status::CarriedForward, "{r}");
}

#[test]
fn each_slip_is_diagnosed() {
    // (file, the first divergent quantity, an item whose message names the slip, the words)
    for (file, first, item, needle) in [
        (
            "slip-residual-sign.toml",
            "iteration 1, sample 1: delta_out",
            "iteration 1, sample 1: delta_out",
            "(y - y_out) instead of (y_out - y)",
        ),
        (
            "slip-mean-instead-of-sum.toml",
            "iteration 1: loss",
            "iteration 1: grad_w",
            "averaged instead of summed",
        ),
        (
            "slip-learning-rate.toml",
            "iteration 1: W",
            "iteration 1: w",
            "learning rate of about 0.5",
        ),
        (
            "slip-relu-derivative.toml",
            "iteration 1, sample 3: delta_hidden",
            "iteration 1, sample 3: delta_hidden",
            "relu'(s) was taken as 1",
        ),
        (
            "slip-gradient-as-weight.toml",
            "iteration 1: W",
            "iteration 1: W",
            "gradient is written where the updated weight belongs",
        ),
    ] {
        let r = grade_file(file);
        assert!(!r.all_correct(), "{file}");
        let m = message_of(&r, item);
        assert!(m.contains(needle), "{file}: `{item}` says `{m}`\n{r}");
        assert_eq!(r.first_divergence.as_deref(), Some(first), "{file}\n{r}");
    }
}

#[test]
fn wrong_formulas_get_a_counterexample_and_a_diagnosis() {
    let r = grade_file("slip-formulas.toml");
    let w_out = r.items.iter().find(|i| i.item == "dL/dW_out").unwrap();
    assert_eq!(w_out.status, Status::Wrong);
    assert!(
        w_out.message.contains("a factor df3(s_out) is missing"),
        "{}",
        w_out.message
    );
    assert!(
        w_out.message.contains("your formula gives"),
        "{}",
        w_out.message
    );
    let hinge = r.items.iter().find(|i| i.item == "dL/do_j").unwrap();
    assert!(
        hinge.message.contains("sign is flipped"),
        "{}",
        hinge.message
    );
    assert_eq!(r.exercise_score(1), (10.0, 15.0));
    assert_eq!(r.exercise_score(3), (0.0, 10.0));
}

#[test]
fn formulas_by_hand() {
    // The right answers, written differently, pass.
    assert!(
        check_chain_formula(ChainDerivative::WOut, "df3(s_out) * z2 * (y_out - y_gt)", 1).correct
    );
    assert!(
        check_chain_formula(
            ChainDerivative::W1,
            "(y_out-y_gt)*df3(s3)*W3*df2(s2)*W2*df1(s1)*x_in",
            1
        )
        .correct
    );
    // `1/2 * 2 *` is 1 with real division.
    assert!(
        check_chain_formula(
            ChainDerivative::WOut,
            "1/2 * 2 * (y_out - y_gt) * df3(s_out) * z2",
            1
        )
        .correct
    );
    let extra = check_chain_formula(
        ChainDerivative::W2,
        "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * z1 * W2",
        1,
    );
    assert!(!extra.correct);
    assert_eq!(
        extra.diagnosis.as_deref(),
        Some("there is an extra factor W2")
    );
    let bad = check_chain_formula(ChainDerivative::W2, "(y_out - ", 1);
    assert!(!bad.correct && bad.unreadable.unwrap().contains("cannot parse"));
    let unknown = check_chain_formula(ChainDerivative::W2, "q * z1", 1);
    let why = unknown.unreadable.unwrap();
    assert!(
        !unknown.correct && why.contains("`q` is not a variable"),
        "{why}"
    );
    // Exercise 3 with margin >= 1 only: the simplified form is wrong for smaller margins.
    let simplified = check_hinge_formula("-k * p_y * (is_y - p_j)", 1);
    assert!(!simplified.correct);
    assert!(
        check_hinge_formula("p_j * active_j - a * p_y * is_y - p_j * (S_A - a * p_y)", 1).correct
    );
}

#[test]
fn the_convention_is_inferred_when_not_declared() {
    let path = format!(
        "{}/examples/answers/slip-learning-rate.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("mode = \"sum\"\n", "")
        .replace("lr = 0.1\n", "");
    let r = grade(&parse_answers("undeclared.toml", &text).unwrap());
    assert!(r.all_correct(), "{r}");
    assert!(
        r.convention
            .as_deref()
            .unwrap()
            .contains("learning rate 0.5"),
        "{:?}",
        r.convention
    );
}

#[test]
fn a_partial_file_grades_what_it_has() {
    let text = "[exercise2]\n[[exercise2.iterations]]\n[[exercise2.iterations.samples]]\ns = [0.458, 0.869, 0.704]\n";
    let r = grade(&parse_answers("partial.toml", text).unwrap());
    assert!(r.all_correct());
    let s = r
        .items
        .iter()
        .find(|i| i.item == "iteration 1, sample 1: s")
        .unwrap();
    assert_eq!(s.status, Status::Correct);
    assert!(r.score > 0.0 && r.score < 1.0, "{}", r.score);
    assert!(
        r.items
            .iter()
            .filter(|i| i.status == Status::Missing)
            .count()
            > 90
    );
}

#[test]
fn precision_follows_the_written_decimals() {
    // 0.46 (2 decimals) is right for 0.458 at its precision, and full credit
    // when the policy asks for 2 decimals; 0.4600 (4 decimals) is not right.
    let two = "[exercise2]\n[[exercise2.iterations]]\n[[exercise2.iterations.samples]]\ns = [0.46, 0.87, 0.70]\n";
    let two = parse_answers("a.toml", two).unwrap();
    let lenient = GradePolicy {
        min_decimals: 2,
        ..GradePolicy::default()
    };
    assert!(grade_with(&two, &lenient).all_correct());
    let four = "[exercise2]\n[[exercise2.iterations]]\n[[exercise2.iterations.samples]]\ns = [0.4600, 0.8690, 0.7040]\n";
    assert!(!grade(&parse_answers("b.toml", four).unwrap()).all_correct());
}

/// The precision loophole: a trace rounded to 1 decimal matches nearly
/// anything at its own precision. The default policy (3 decimals) gives it
/// half credit at most, item by item, and says why.
#[test]
fn a_trace_rounded_too_coarsely_is_not_full_marks() {
    let two = "[exercise2]\n[[exercise2.iterations]]\n[[exercise2.iterations.samples]]\ns = [0.46, 0.87, 0.70]\n";
    let report = grade(&parse_answers("a.toml", two).unwrap());
    let s = report
        .items
        .iter()
        .find(|i| i.item == "iteration 1, sample 1: s")
        .unwrap();
    assert_eq!(s.status, Status::Wrong);
    assert!((s.points - s.max_points / 2.0).abs() < 1e-12, "{report}");
    assert!(
        s.message.contains("you wrote 0.46, 2 decimals"),
        "{}",
        s.message
    );
    // Written to 3 decimals it is full credit.
    let three = "[exercise2]\n[[exercise2.iterations]]\n[[exercise2.iterations.samples]]\ns = [0.458, 0.869, 0.704]\n";
    assert!(grade(&parse_answers("c.toml", three).unwrap()).all_correct());
}

#[test]
fn unreadable_files_are_errors_with_positions() {
    let cases = [
        ("[exercise2\nmode = 1", 1),
        ("[exercise2]\nmode = \"batch\"\n", 2),
        ("[exercise2]\nlr = -0.1\n", 2),
        ("[exercise2]\n[[exercise2.iterations]]\nloss = nan\n", 3),
        ("[exercise4]\nx = 1\n", 1),
        ("[exercise2]\n[[exercise2.iterations]]\nloss = \"big\"\n", 3),
    ];
    for (text, line) in cases {
        match parse_answers("answers.toml", text) {
            Err(OracleError::Parse {
                line: l,
                source_name,
                ..
            }) => {
                assert_eq!(source_name, "answers.toml");
                assert_eq!(l, line, "{text:?}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

fn correct_file() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/answers/correct.toml"
    ))
    .unwrap()
}

#[test]
fn shapes_are_checked_against_the_sheet() {
    let text = correct_file();
    let item = |r: &GradeReport, name: &str| {
        r.items
            .iter()
            .find(|i| i.item == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    // W written as the sheet prints it (D x H): layout is notation, read as
    // its transpose, full credit, named in the convention's note.
    let transposed = text.replacen(
        "W = [[0.6013, 0.0116], [0.7020, 0.4324], [0.0150, 0.8792]]",
        "W = [[0.6013, 0.7020, 0.0150], [0.0116, 0.4324, 0.8792]]",
        1,
    );
    let r = grade(&parse_answers("t.toml", &transposed).unwrap());
    let w = item(&r, "iteration 1: W");
    assert_eq!(w.status, Status::Correct, "{}", w.message);
    assert!(
        r.convention
            .as_deref()
            .unwrap_or("")
            .contains("W written 2 x 3"),
        "{:?}",
        r.convention
    );
    assert!(r.full_marks(), "{r}");
    // The whole trace in the sheet's layout (grad_W in every iteration): 40 / 40.
    let r = grade_file("sheet-layout.toml");
    assert!(r.full_marks() && r.score == 40.0, "{r}");
    assert!(
        r.convention
            .as_deref()
            .unwrap_or("")
            .contains("grad_W written 2 x 3"),
        "{:?}",
        r.convention
    );
    // W as one row of 6, and ragged rows: wrong, the shape named.
    for bad in [
        "W = [[0.6013, 0.0116, 0.7020, 0.4324, 0.0150, 0.8792]]",
        "W = [[0.6013, 0.0116, 0.7020], [0.4324, 0.0150], [0.8792]]",
    ] {
        let t = text.replacen(
            "W = [[0.6013, 0.0116], [0.7020, 0.4324], [0.0150, 0.8792]]",
            bad,
            1,
        );
        let r = grade(&parse_answers("s.toml", &t).unwrap());
        let w = item(&r, "iteration 1: W");
        assert_eq!(w.status, Status::Wrong, "{bad}");
        assert!(w.message.contains("H x D = 3 x 2"), "{}", w.message);
    }
    // grad_W as 6 x 1.
    let t = text.replacen(
        "grad_W = [[-0.0133, -0.0163], [-0.0200, -0.0244], [-0.1496, 0.0075]]",
        "grad_W = [[-0.0133], [-0.0163], [-0.0200], [-0.0244], [-0.1496], [0.0075]]",
        1,
    );
    let r = grade(&parse_answers("g.toml", &t).unwrap());
    assert_eq!(item(&r, "iteration 1: grad_W").status, Status::Wrong);
}

#[test]
fn extra_iterations_and_samples_are_named_and_not_full_marks() {
    let text = correct_file();
    let fourth = format!("{text}\n[[exercise2.iterations]]\nloss = 1.0\n");
    let r = grade(&parse_answers("x.toml", &fourth).unwrap());
    assert_eq!(r.score, 40.0, "{r}");
    assert!(!r.full_marks());
    let extra = r.items.iter().find(|i| i.status == Status::Extra).unwrap();
    assert_eq!(extra.item, "iteration 4");
    assert_eq!(extra.max_points, 0.0);
}

#[test]
fn a_declared_rate_that_overflows_is_reported_not_replaced_silently() {
    let text = correct_file().replacen("lr = 0.1", "lr = 1e308", 1);
    let r = grade(&parse_answers("lr.toml", &text).unwrap());
    let how = r.convention.unwrap();
    assert!(how.contains("cannot be run"), "{how}");
    assert!(!how.contains("as declared"), "{how}");
}

#[test]
fn formulas_that_would_crash_or_be_misread_get_a_clear_message() {
    use gradient_oracle::grade::formula::{MAX_FORMULA_LENGTH, MAX_FORMULA_NESTING};
    let nested = format!("{}z2{}", "(".repeat(400), ")".repeat(400));
    let long_sum = vec!["z2"; 50_000].join(" + ");
    for (formula, needle) in [
        (nested.as_str(), "nests parentheses"),
        (long_sum.as_str(), "characters"),
        ("sech(s_out) * z2", "`sech` is not supported"),
    ] {
        let outcome = check_chain_formula(ChainDerivative::WOut, formula, 1);
        assert!(!outcome.correct);
        let message = outcome.unreadable.unwrap_or_default();
        assert!(message.contains(needle), "{message}");
    }
    // At the limits, a right formula still grades (and does not overflow a
    // test thread's stack).
    let deep = format!(
        "{}(y_out - y_gt) * df3(s_out) * z2{}",
        "(".repeat(MAX_FORMULA_NESTING - 1),
        ")".repeat(MAX_FORMULA_NESTING - 1)
    );
    assert!(check_chain_formula(ChainDerivative::WOut, &deep, 1).correct);
    let padded = format!(
        "(y_out - y_gt) * df3(s_out) * z2{}",
        " + 0".repeat((MAX_FORMULA_LENGTH - 40) / 4)
    );
    assert!(padded.len() <= MAX_FORMULA_LENGTH);
    assert!(check_chain_formula(ChainDerivative::WOut, &padded, 1).correct);
}

/// Every slip, named in every iteration where it shows, from the student's
/// own numbers (after an earlier error too): every wrong item of Exercise 2
/// names it, and every iteration has one.
#[test]
fn every_slip_is_named_in_every_iteration() {
    for (file, needle) in [
        (
            "slip-residual-sign.toml",
            "(y - y_out) instead of (y_out - y)",
        ),
        (
            "slip-mean-instead-of-sum.toml",
            "averaged instead of summed",
        ),
        (
            "slip-learning-rate.toml",
            "learning rate of about 0.5 instead of 0.1",
        ),
        ("slip-relu-derivative.toml", "relu'(s) was taken as 1"),
        (
            "slip-gradient-as-weight.toml",
            "gradient is written where the updated weight belongs",
        ),
        (
            "slip-missing-tanh-prime.toml",
            "tanh'(s_out) = 1 - y_out^2 is missing",
        ),
    ] {
        let r = grade_file(file);
        let wrong: Vec<_> = r
            .items
            .iter()
            .filter(|i| i.exercise == 2 && i.status == Status::Wrong)
            .collect();
        for i in &wrong {
            assert!(
                i.message.contains(needle),
                "{file}: `{}` says `{}`",
                i.item,
                i.message
            );
        }
        for t in 1..=3 {
            let tag = format!("iteration {t}");
            assert!(
                wrong.iter().any(|i| i.item.starts_with(&tag)),
                "{file}: nothing named in {tag}\n{r}"
            );
        }
    }
}

/// Online updates: a correct trace without the iteration's totals (which the
/// sheet does not ask for in online mode) is full marks, and a slip costs
/// about what it costs in sum mode (errors carried forward sample by sample).
#[test]
fn online_traces_carry_errors_forward_sample_by_sample() {
    use gradient_oracle::{Dataset, Mlp, TrainConfig, UpdateMode, train};
    let config = TrainConfig {
        mode: UpdateMode::Online,
        learning_rate: 0.1,
        iterations: 3,
    };
    let (_, trace) = train(&Mlp::sheet(), &Dataset::sheet(), &config).unwrap();
    let row = |v: &[f64]| {
        format!(
            "[{}]",
            v.iter()
                .map(|x| format!("{x:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let write = |flip_first_delta: bool| {
        let mut text = String::from("[exercise2]\nmode = \"online\"\nlr = 0.1\n");
        for (t, it) in trace.iterations.iter().enumerate() {
            text += "[[exercise2.iterations]]\n";
            text += &format!(
                "W = [{}]\nw = {}\n",
                it.w_hidden
                    .iter()
                    .map(|r| row(r))
                    .collect::<Vec<_>>()
                    .join(", "),
                row(&it.w_out)
            );
            for (k, s) in it.samples.iter().enumerate() {
                let delta = if flip_first_delta && t == 0 && k == 0 {
                    -s.delta_out
                } else {
                    s.delta_out
                };
                text += &format!(
                    "[[exercise2.iterations.samples]]\ns = {}\nz = {}\ns_out = {:.4}\ny_out = {:.4}\nloss = {:.4}\ndelta_out = {delta:.4}\ndelta_hidden = {}\n",
                    row(&s.s),
                    row(&s.z),
                    s.s_out,
                    s.y_out,
                    s.loss,
                    row(&s.delta_hidden)
                );
            }
        }
        text
    };
    let correct = grade(&parse_answers("online.toml", &write(false)).unwrap());
    assert!(
        correct
            .items
            .iter()
            .filter(|i| i.exercise == 2)
            .all(|i| matches!(i.status, Status::Correct | Status::CarriedForward)),
        "{correct}"
    );
    assert_eq!(correct.exercise_score(2), (15.0, 15.0), "{correct}");
    // One flipped delta_out, the rest computed from the correct trace: the
    // flipped item, the hidden deltas that follow from it and the weights are
    // what a sum-mode slip costs, not the whole iteration.
    let slip = grade(&parse_answers("online-slip.toml", &write(true)).unwrap());
    let lost = 15.0 - slip.exercise_score(2).0;
    assert!(lost > 0.0 && lost < 3.0, "lost {lost}\n{slip}");
    let first = slip
        .items
        .iter()
        .find(|i| i.item == "iteration 1, sample 1: delta_out")
        .unwrap();
    assert!(
        first.message.contains("sign is flipped"),
        "{}",
        first.message
    );
}

/// Prime notation is the sheet's: `f3'(s_out)` reads as `df3(s_out)`, and a
/// wrong primed formula is still caught.
#[test]
fn prime_notation_is_read_as_the_derivative() {
    assert!(
        check_chain_formula(ChainDerivative::WOut, "(y_out - y_gt) * f3'(s_out) * z2", 1).correct
    );
    assert!(
        check_chain_formula(
            ChainDerivative::W2,
            "(y_out - y_gt) * f3'(s_out) * W_out * f2'(s2) * z1",
            1
        )
        .correct
    );
    assert!(!check_chain_formula(ChainDerivative::WOut, "(y_out - y_gt) * f3'(s_out)", 1).correct);
}

/// A formula that cannot be read is a notation slip, not a wrong answer:
/// status `needs_review`, 0 points until a person looks, with the parser's
/// reason and the student's text verbatim; listed in the report.
#[test]
fn unreadable_formulas_need_review_with_the_students_text() {
    let text = r#"
[exercise1]
dL_dW_out = "(y_out - y_gt) * df3(s_out) * z2"
dL_dW2 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * z1"
dL_dW1 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * W2 * df1(s1) * x_in)"
[exercise3]
dL_do = "2p_j * (active_j - a * is_y - S_A + a * p_y)"
"#;
    let r = grade(&parse_answers("review.toml", text).unwrap());
    assert_eq!(r.needs_review, vec!["dL/dW1", "dL/do_j"], "{r}");
    let w1 = r.items.iter().find(|i| i.item == "dL/dW1").unwrap();
    assert_eq!((w1.status, w1.points), (Status::NeedsReview, 0.0));
    assert!(
        w1.message.contains("unmatched closing parenthesis"),
        "{}",
        w1.message
    );
    assert!(
        w1.message
            .contains("(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * W2 * df1(s1) * x_in)"),
        "{}",
        w1.message
    );
    let o = r.items.iter().find(|i| i.item == "dL/do_j").unwrap();
    assert_eq!(o.status, Status::NeedsReview);
    // The message quotes what the student wrote, `2p_j`, never a rewritten form.
    assert!(o.message.contains("`2p_j`"), "{}", o.message);
    assert!(!o.message.contains("2.0p_j"), "{}", o.message);
    assert!(!r.all_correct() && !r.full_marks());
    assert_eq!(r.score, 10.0, "{r}");
    assert!(r.to_string().contains("needs review by a person"), "{r}");
    // A readable wrong formula is wrong, not for review.
    let wrong = "[exercise3]\ndL_do = \"-p_j\"\n";
    let r = grade(&parse_answers("wrong.toml", wrong).unwrap());
    assert!(r.needs_review.is_empty(), "{r}");
}

/// Shown points add up to the shown total: items are shown with the decimals
/// their values need, and the total is not rounded to 2 decimals.
#[test]
fn shown_points_add_up_to_the_shown_total() {
    use gradient_oracle::grade::show_points;
    assert_eq!(show_points(0.075), "0.075");
    assert_eq!(show_points(0.09375), "0.09375");
    assert_eq!(show_points(38.125), "38.125");
    assert_eq!(show_points(40.0), "40.00");
    assert_eq!(show_points(-0.0), "0.00");
    for file in [
        "slip-missing-tanh-prime.toml",
        "slip-relu-derivative.toml",
        "slip-formulas.toml",
    ] {
        let r = grade_file(file);
        let shown: f64 = r
            .items
            .iter()
            .map(|i| show_points(i.points).parse::<f64>().unwrap())
            .sum();
        let total: f64 = show_points(r.score).parse().unwrap();
        assert!(
            (shown - total).abs() < 1e-9,
            "{file}: items {shown}, total {total}"
        );
        assert!(
            r.items
                .iter()
                .all(|i| !show_points(i.points).starts_with('-')),
            "{r}"
        );
    }
}
