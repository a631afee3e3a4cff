//! `trace`: Exercise 2's iterations as tables or JSON.

use gradient_oracle::{Trace, UpdateMode};

use super::table::{Format, Table, num};

/// The trace as tables, one block per iteration (plus the initial weights).
pub fn render(trace: &Trace, format: Format) -> String {
    let mut out = String::new();
    let h = trace.initial_w_out.len();
    let heading = |text: String| match format {
        Format::Markdown => format!("### {text}\n\n"),
        Format::Latex => format!("% {text}\n"),
        _ => format!("== {text}\n"),
    };
    out += &heading(format!(
        "Exercise 2: {} iterations, mode {}, learning rate {}",
        trace.iterations.len(),
        trace.mode,
        trace.lr
    ));
    out.push('\n');
    out += &weights_table(
        "initial weights",
        &trace.initial_w_hidden,
        &trace.initial_w_out,
        None,
        None,
    )
    .render(format);
    for (t, it) in trace.iterations.iter().enumerate() {
        out.push('\n');
        out += &heading(format!("iteration {} (loss {})", t + 1, num(it.loss)));
        let mut headers: Vec<String> = vec!["sample".into()];
        headers.extend((1..=h).map(|i| format!("s{i}")));
        headers.extend((1..=h).map(|i| format!("z{i}")));
        headers.extend(["s_out", "y_out", "loss", "delta_out"].map(String::from));
        headers.extend((1..=h).map(|i| format!("delta{i}")));
        let mut samples = Table {
            title: "forward and backward, per sample".into(),
            headers,
            rows: Vec::new(),
        };
        for (n, s) in it.samples.iter().enumerate() {
            let mut row = vec![format!("{}", n + 1)];
            row.extend(s.s.iter().map(|v| num(*v)));
            row.extend(s.z.iter().map(|v| num(*v)));
            row.extend([s.s_out, s.y_out, s.loss, s.delta_out].map(num));
            row.extend(s.delta_hidden.iter().map(|v| num(*v)));
            samples.row(row);
        }
        out += &samples.render(format);
        out.push('\n');
        let what = match trace.mode {
            UpdateMode::Sum => "summed gradients",
            UpdateMode::Mean => "averaged gradients",
            UpdateMode::Online => "sums of the applied per-sample gradients",
        };
        out += &weights_table(
            &format!("weights after the update ({what})"),
            &it.w_hidden,
            &it.w_out,
            Some(&it.grad_hidden),
            Some(&it.grad_out),
        )
        .render(format);
    }
    out
}

fn weights_table(
    title: &str,
    w_hidden: &[Vec<f64>],
    w_out: &[f64],
    grad_hidden: Option<&[Vec<f64>]>,
    grad_out: Option<&[f64]>,
) -> Table {
    let headers: &[&str] = if grad_hidden.is_some() {
        &["weight", "gradient", "updated value"]
    } else {
        &["weight", "value"]
    };
    let mut t = Table::new(title, headers);
    for (i, row) in w_hidden.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            let mut cells = vec![format!("W{}{}", i + 1, j + 1)];
            if let Some(g) = grad_hidden {
                cells.push(num(g[i][j]));
            }
            cells.push(num(*v));
            t.row(cells);
        }
    }
    for (i, v) in w_out.iter().enumerate() {
        let mut cells = vec![format!("w{}", i + 1)];
        if let Some(g) = grad_out {
            cells.push(num(g[i]));
        }
        cells.push(num(*v));
        t.row(cells);
    }
    t
}
