//! `report`: the whole exercise sheet, solved and checked.

use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, CheckReport, Dataset, Mlp, Objective, Trace, Verdict,
    check_objective, hinge_gradient_p, softmax, softmax_hinge_gradient,
    softmax_hinge_gradient_via_jacobian, softmax_hinge_loss, softmax_jacobian,
};
use serde_json::json;

use super::table::{Format, Table, num, verdict_word};

/// The default Exercise 3 example.
pub const LOGITS: [f64; 4] = [2.0, 1.0, 0.1, -0.5];
/// Its true class.
pub const LABEL: usize = 1;
/// The chain's input and target.
pub const X_IN: f64 = 1.0;
/// The chain's target.
pub const Y_GT: f64 = 0.5;

/// One named check and its report.
pub struct NamedCheck {
    pub name: String,
    pub report: CheckReport,
}

pub struct SheetRun {
    pub text: String,
    pub json: serde_json::Value,
    pub checks: Vec<NamedCheck>,
}

/// A section heading in the output format.
fn heading(format: Format, t: &str) -> String {
    match format {
        Format::Markdown => format!("\n## {t}\n\n"),
        Format::Latex => format!("% {t}\n"),
        _ => format!("\n=== {t} ===\n"),
    }
}

/// Solves and checks the whole sheet: the text (tables in `format`), the
/// JSON, and the checks against finite differences.
pub fn run(
    acts: [Activation; 3],
    trace: &Trace,
    model: &Mlp,
    data: &Dataset,
    margin: f64,
    format: Format,
    colour: bool,
) -> Result<SheetRun, String> {
    let mut out = String::new();
    let mut checks = Vec::new();
    let exercise_1 = exercise_one(acts, format, &mut out, &mut checks)?;
    exercise_two(trace, model, data, format, &mut out, &mut checks)?;
    let exercise_3 = exercise_three(margin, format, &mut out, &mut checks)?;
    // Verdicts.
    out += &heading(format, "Checks against finite differences");
    let mut vt = Table::new("", &["check", "verdict", "entries", "evaluations"]);
    for c in &checks {
        vt.row(vec![
            c.name.clone(),
            verdict_word(c.report.verdict(), colour && format == Format::Text),
            (c.report.inputs() * c.report.outputs()).to_string(),
            c.report.evaluations().to_string(),
        ]);
    }
    out += &vt.render(format);
    for c in checks
        .iter()
        .filter(|c| c.report.verdict() != Verdict::Pass)
    {
        out += &format!("\n{}:\n{}", c.name, c.report);
    }
    let json = json!({
        "exercise_1": exercise_1,
        "exercise_2": trace,
        "exercise_3": exercise_3,
        "checks": checks.iter().map(|c| json!({
            "name": c.name, "verdict": c.report.verdict().label(), "evaluations": c.report.evaluations(),
            "resolution": c.report.resolution(),
        })).collect::<Vec<_>>(),
    });
    Ok(SheetRun {
        text: out,
        json,
        checks,
    })
}

/// Exercise 1: the chain's forward and backward passes, the closed form, and
/// the check of the delta recursion; returns its JSON.
fn exercise_one(
    acts: [Activation; 3],
    format: Format,
    out: &mut String,
    checks: &mut Vec<NamedCheck>,
) -> Result<serde_json::Value, String> {
    let e = |e: gradient_oracle::OracleError| e.to_string();
    let cfg = CheckConfig::default();
    // Exercise 1.
    let net = ChainNetwork::sheet(acts);
    let fwd = net.forward(X_IN, Y_GT).map_err(e)?;
    let back = net.backward(&fwd).map_err(e)?;
    let closed = net.closed_form(&fwd).map_err(e)?;
    let sheet = net.sheet_derivatives(&fwd).map_err(e)?;
    *out += &heading(
        format,
        &format!(
            "Exercise 1: chain network, f1 = {}, f2 = {}, f3 = {}, x_in = {X_IN}, y_gt = {Y_GT}",
            acts[0], acts[1], acts[2]
        ),
    );
    let mut t = Table::new(
        "layers (k = 3 is the output)",
        &[
            "k",
            "W_k",
            "s_k",
            "z_k",
            "f_k'(s_k)",
            "delta_k",
            "dL/dW_k (recursion)",
            "dL/dW_k (closed form)",
        ],
    );
    for k in 0..3 {
        t.row(vec![
            (k + 1).to_string(),
            num(net.weights()[k]),
            num(fwd.s[k]),
            num(fwd.z[k + 1]),
            num(acts[k].derivative(fwd.s[k])),
            num(back.delta[k]),
            num(back.grad_weights[k]),
            num(closed[k]),
        ]);
    }
    *out += &t.render(format);
    *out += &format!(
        "\ny_out = {}, L = {}\ndL/dW_out = (y_out - y_gt) f3'(s_out) z2 = {}\ndL/dW2 = (y_out - y_gt) f3'(s_out) W_out f2'(s2) z1 = {}\ndL/dW1 = (y_out - y_gt) f3'(s_out) W_out f2'(s2) W2 f1'(s1) x_in = {}\n",
        num(fwd.y_out),
        num(fwd.loss),
        num(sheet.d_w_out),
        num(sheet.d_w2),
        num(sheet.d_w1)
    );
    let chain = Objective::Chain {
        activations: acts.to_vec(),
        x_in: X_IN,
        y_gt: Y_GT,
    };
    checks.push(NamedCheck {
        name: "Ex. 1 dL/dW (delta recursion)".into(),
        report: check_objective(&chain, net.weights(), &cfg).map_err(e)?,
    });

    Ok(json!({
        "activations": acts.map(|a| a.name()), "x_in": X_IN, "y_gt": Y_GT, "weights": net.weights(),
        "s": fwd.s, "z": fwd.z, "y_out": fwd.y_out, "loss": fwd.loss, "delta": back.delta,
        "grad_weights": back.grad_weights, "closed_form": closed,
        "dL_dW1": sheet.d_w1, "dL_dW2": sheet.d_w2, "dL_dW_out": sheet.d_w_out,
    }))
}

/// Exercise 2: the trace, and the check of the gradient at the initial weights.
fn exercise_two(
    trace: &Trace,
    model: &Mlp,
    data: &Dataset,
    format: Format,
    out: &mut String,
    checks: &mut Vec<NamedCheck>,
) -> Result<(), String> {
    let e = |e: gradient_oracle::OracleError| e.to_string();
    let cfg = CheckConfig::default();
    // Exercise 2.
    *out += &heading(format, "Exercise 2: one hidden ReLU layer, tanh output");
    *out += &super::trace::render(trace, format);
    let network = Objective::Mlp {
        hidden: model.hidden(),
        data: data.clone(),
    };
    checks.push(NamedCheck {
        name: "Ex. 2 dL/dW, dL/dw at the initial weights".into(),
        report: check_objective(&network, &model.parameters(), &cfg).map_err(e)?,
    });

    Ok(())
}

/// Exercise 3: softmax, its Jacobian, the hinge loss and its gradients, and
/// their checks; returns its JSON.
fn exercise_three(
    margin: f64,
    format: Format,
    out: &mut String,
    checks: &mut Vec<NamedCheck>,
) -> Result<serde_json::Value, String> {
    let e = |e: gradient_oracle::OracleError| e.to_string();
    let cfg = CheckConfig::default();
    // Exercise 3.
    *out += &heading(
        format,
        &format!(
            "Exercise 3: softmax and hinge loss, o = {LOGITS:?}, y = {LABEL}, margin = {margin}"
        ),
    );
    let p = softmax(&LOGITS).map_err(e)?;
    let jac = softmax_jacobian(&LOGITS).map_err(e)?;
    let gp = hinge_gradient_p(&p, LABEL, margin).map_err(e)?;
    let go = softmax_hinge_gradient(&LOGITS, LABEL, margin).map_err(e)?;
    let goj = softmax_hinge_gradient_via_jacobian(&LOGITS, LABEL, margin).map_err(e)?;
    let loss = softmax_hinge_loss(&LOGITS, LABEL, margin).map_err(e)?;
    let k = LOGITS.len();
    let mut headers: Vec<String> = vec!["j".into(), "o_j".into(), "p_j".into()];
    headers.extend((1..=k).map(|c| format!("dp_j/do_{c}")));
    headers
        .extend(["dL/dp_j", "dL/do_j (closed form)", "dL/do_j (via Jacobian)"].map(String::from));
    let mut t = Table {
        title: format!(
            "softmax, its Jacobian, and the hinge gradients (L = {})",
            num(loss)
        ),
        headers,
        rows: Vec::new(),
    };
    for j in 0..k {
        let mut row = vec![(j + 1).to_string(), num(LOGITS[j]), num(p[j])];
        row.extend((0..k).map(|c| num(jac[(j, c)])));
        row.extend([num(gp[j]), num(go[j]), num(goj[j])]);
        t.row(row);
    }
    *out += &t.render(format);
    checks.push(NamedCheck {
        name: "Ex. 3 softmax Jacobian".into(),
        report: check_objective(&Objective::Softmax, &LOGITS, &cfg).map_err(e)?,
    });
    let hinge = Objective::SoftmaxHinge {
        label: LABEL,
        margin,
    };
    checks.push(NamedCheck {
        name: "Ex. 3 dL/do (closed form)".into(),
        report: check_objective(&hinge, &LOGITS, &cfg).map_err(|err| {
            format!("Exercise 3's hinge loss at margin {margin:e}: {err} (the loss overflows)")
        })?,
    });

    Ok(json!({
        "logits": LOGITS, "label": LABEL, "margin": margin, "p": p,
        "jacobian": (0..k).map(|r| (0..k).map(|c| jac[(r, c)]).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "loss": loss, "grad_p": gp, "grad_o": go, "grad_o_via_jacobian": goj,
    }))
}
