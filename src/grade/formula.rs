//! Typed formulas for Exercises 1 and 3, evaluated with `evalexpr` at many
//! random points and compared with the truth.
//!
//! # Syntax
//! Arithmetic `+ - * / ^` and parentheses; multiplication must be written
//! (`2 * x`, not `2x`). Integer literals count as real numbers (`1/2` is 0.5).
//! Functions: `exp`, `ln`, `tanh`, `sigmoid`, `relu`, and for Exercise 1 the
//! layer activations `f1 f2 f3` and their derivatives `df1 df2 df3`.
//!
//! **Exercise 1** variables: `x_in`, `y_gt`, `W1`, `W2`, `W_out` (or `W3`),
//! `s1`, `s2`, `s_out` (or `s3`), `z1`, `z2`, `y_out` (or `z3`). Example:
//! `(y_out - y_gt) * df3(s_out) * z2`. Checked at 200 random points with
//! random weights, input, target and activations (all six, ReLU included).
//!
//! **Exercise 3** describes one component $\partial L/\partial o_j$ with:
//! `p_j`, `o_j`, `p_y`, `is_y` (1 when $j = y$, else 0), `active_j` (1 when
//! term $j$ is active: $j \ne y$ and $p_j - p_y + m > 0$), `a` (the number of
//! active terms), `S_A` (the sum of their $p_j$), `k`, `margin`. Example:
//! `p_j * (active_j - a * is_y - S_A + a * p_y)`. Checked at every component
//! of 200 random logit vectors, labels and margins.
//!
//! A wrong formula gets a concrete counterexample and, when the mismatch has a
//! recognisable shape on every point tried, a diagnosis (a missing or extra
//! factor, a flipped sign).

use evalexpr::{
    ContextWithMutableFunctions, ContextWithMutableVariables, DefaultNumericTypes, Function,
    HashMapContext, Node, Value,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::models::activation::Activation;
use crate::models::chain::ChainNetwork;
use crate::models::hinge::softmax_hinge_gradient;
use crate::models::softmax::softmax;

/// Points each formula is evaluated at.
pub const POINTS: usize = 200;

/// The outcome of checking one formula.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaOutcome {
    /// Right at every point.
    pub correct: bool,
    /// Points evaluated.
    pub points: usize,
    /// The first point where it is wrong, in words.
    pub counterexample: Option<String>,
    /// What is recognisably wrong, if anything.
    pub diagnosis: Option<String>,
    /// Why the formula could not be read or evaluated at all (a notation
    /// slip, a name that is not a variable): a person should look.
    pub unreadable: Option<String>,
}

/// Which Exercise 1 derivative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainDerivative {
    /// $\partial L/\partial W_1$.
    W1,
    /// $\partial L/\partial W_2$.
    W2,
    /// $\partial L/\partial W_{out}$.
    WOut,
}

/// Turns integer literals into real ones, so that `1/2` is 0.5.
fn reals(formula: &str) -> String {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = String::with_capacity(formula.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number = c.is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
        if !starts_number {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
            i += 1;
            if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                i += 1;
            }
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let literal: String = chars[start..i].iter().collect();
        out.push_str(&literal);
        if !literal.contains(['.', 'e', 'E']) {
            out.push_str(".0");
        }
    }
    out
}

/// The longest formula accepted (the sheet's are under 100 characters).
pub const MAX_FORMULA_LENGTH: usize = 1000;

/// The deepest parenthesis nesting accepted.
pub const MAX_FORMULA_NESTING: usize = 32;

/// The functions a formula may call.
pub const SUPPORTED_FUNCTIONS: [&str; 11] = [
    "exp", "ln", "tanh", "sigmoid", "relu", "f1", "f2", "f3", "df1", "df2", "df3",
];

/// Rejects, before the expression library sees it, what it would crash or
/// hang on (a stack overflow on 50 000 nested parentheses or a sum of as many
/// terms) and what it would misreport (a function it does not know).
fn screen(formula: &str) -> Result<(), String> {
    let length = formula.chars().count();
    if length > MAX_FORMULA_LENGTH {
        return Err(format!(
            "the formula has {length} characters; at most {MAX_FORMULA_LENGTH} are accepted"
        ));
    }
    let mut depth = 0usize;
    for c in formula.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_FORMULA_NESTING {
                    return Err(format!(
                        "the formula nests parentheses more than {MAX_FORMULA_NESTING} deep"
                    ));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let chars: Vec<char> = formula.chars().collect();
    if let Some(juxtaposed) = implicit_product(&chars) {
        return Err(format!(
            "`{juxtaposed}` multiplies without `*`; write the `*` out (as in `2 * p_j`)"
        ));
    }
    // Every name followed by `(` is a call.
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphabetic() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let next = chars[i..].iter().find(|c| !c.is_whitespace());
            if next == Some(&'(') && !SUPPORTED_FUNCTIONS.contains(&name.as_str()) {
                return Err(format!(
                    "the function `{name}` is not supported; the supported ones are {}",
                    SUPPORTED_FUNCTIONS.join(", ")
                ));
            }
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// A number written against a name (`2p_j`) or two operands with only a
/// space between them (`3 p_j`), as the student wrote it.
fn implicit_product(chars: &[char]) -> Option<String> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut i = 0;
    while i < chars.len() {
        if !word(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && word(chars[i]) {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let rest = token.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let exponent = rest
            .strip_prefix(['e', 'E'])
            .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()));
        let number_then_name =
            token.starts_with(|c: char| c.is_ascii_digit()) && !rest.is_empty() && !exponent;
        if number_then_name {
            return Some(token);
        }
        // Two operands separated only by spaces.
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j > i && j < chars.len() && (word(chars[j]) || chars[j] == '(') {
            let callee = chars[j] == '(' && token.chars().next().is_some_and(char::is_alphabetic);
            if !callee {
                let mut k = j;
                while k < chars.len() && word(chars[k]) {
                    k += 1;
                }
                let k = k.max(j + 1);
                return Some(chars[start..k].iter().collect());
            }
        }
    }
    None
}

fn compile(formula: &str) -> Result<Node<DefaultNumericTypes>, String> {
    if formula.trim().is_empty() {
        return Err("the formula is empty".into());
    }
    let primed = primes(formula);
    screen(&primed)?;
    evalexpr::build_operator_tree::<DefaultNumericTypes>(&reals(&primed))
        .map_err(|e| format!("cannot parse it: {e}"))
}

/// Prime notation, as the sheet writes derivatives: `f3'(s_out)` reads as
/// `df3(s_out)` (a name followed by `'` and an opening parenthesis).
fn primes(formula: &str) -> String {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = String::with_capacity(formula.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let mut j = i;
            if j < chars.len() && chars[j] == '\'' {
                j += 1;
                while j < chars.len() && chars[j] == ' ' {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '(' {
                    out.push('d');
                    out.push_str(&name);
                    i += 1; // the prime
                    continue;
                }
            }
            out.push_str(&name);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn unary(f: impl Fn(f64) -> f64 + Send + Sync + Clone + 'static) -> Function<DefaultNumericTypes> {
    Function::new(move |arg: &Value<DefaultNumericTypes>| Ok(Value::Float(f(arg.as_number()?))))
}

fn base_context() -> HashMapContext<DefaultNumericTypes> {
    let mut ctx = HashMapContext::<DefaultNumericTypes>::new();
    let fns: [(&str, Function<DefaultNumericTypes>); 5] = [
        ("exp", unary(f64::exp)),
        ("ln", unary(f64::ln)),
        ("tanh", unary(f64::tanh)),
        ("sigmoid", unary(|x| Activation::Sigmoid.value(x))),
        ("relu", unary(|x| Activation::Relu.value(x))),
    ];
    for (name, f) in fns {
        let _ = ctx.set_function(name.into(), f);
    }
    ctx
}

fn eval(
    node: &Node<DefaultNumericTypes>,
    ctx: &HashMapContext<DefaultNumericTypes>,
) -> Result<f64, String> {
    node.eval_number_with_context(ctx).map_err(|e| match e {
        evalexpr::EvalexprError::VariableIdentifierNotFound(name) => format!(
            "`{name}` is not a variable of this exercise (the names are listed by `gradient-oracle grade --template`)"
        ),
        e => e.to_string(),
    })
}

fn set(ctx: &mut HashMapContext<DefaultNumericTypes>, vars: &[(&str, f64)]) {
    for (name, v) in vars {
        let _ = ctx.set_value((*name).into(), Value::Float(*v));
    }
}

use crate::numeric::sampling::normal;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Names the shape of a mismatch: `student * factor == truth` for every point
/// (a missing factor), `student == truth * factor` (an extra one), a sign flip.
/// One evaluation: the student's value, the true one, and the candidate factors there.
type Sample = (f64, f64, Vec<(String, f64)>);

fn diagnose(samples: &[Sample]) -> Option<String> {
    let wrong: Vec<_> = samples.iter().filter(|(s, t, _)| !close(*s, *t)).collect();
    if wrong.is_empty() {
        return None;
    }
    if wrong.iter().all(|(s, t, _)| close(*s, -*t)) {
        return Some("the sign is flipped".into());
    }
    let names: Vec<String> = wrong[0].2.iter().map(|(n, _)| n.clone()).collect();
    for (i, name) in names.iter().enumerate() {
        if wrong.iter().all(|(s, t, f)| close(s * f[i].1, *t)) {
            return Some(format!("a factor {name} is missing"));
        }
        if wrong.iter().all(|(s, t, f)| close(*s, t * f[i].1)) {
            return Some(format!("there is an extra factor {name}"));
        }
    }
    None
}

/// Checks an Exercise 1 formula.
pub fn check_chain_formula(which: ChainDerivative, formula: &str, seed: u64) -> FormulaOutcome {
    let node = match compile(formula) {
        Ok(n) => n,
        Err(e) => return failed(e),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::with_capacity(POINTS);
    let mut counterexample = None;
    for _ in 0..POINTS {
        let acts = [0, 1, 2].map(|_| Activation::ALL[rng.random_range(0..6)]);
        let w = [normal(&mut rng), normal(&mut rng), normal(&mut rng)];
        let (x_in, y_gt) = (normal(&mut rng), normal(&mut rng));
        let Ok(net) = ChainNetwork::new(w.to_vec(), acts.to_vec()) else {
            continue;
        };
        let Ok(fwd) = net.forward(x_in, y_gt) else {
            continue;
        };
        let Ok(d) = net.sheet_derivatives(&fwd) else {
            continue;
        };
        let truth = match which {
            ChainDerivative::W1 => d.d_w1,
            ChainDerivative::W2 => d.d_w2,
            ChainDerivative::WOut => d.d_w_out,
        };
        let (s1, s2, s_out) = (fwd.s[0], fwd.s[1], fwd.s[2]);
        let (z1, z2) = (fwd.z[1], fwd.z[2]);
        let mut ctx = base_context();
        set(
            &mut ctx,
            &[
                ("x_in", x_in),
                ("y_gt", y_gt),
                ("W1", w[0]),
                ("W2", w[1]),
                ("W_out", w[2]),
                ("W3", w[2]),
                ("s1", s1),
                ("s2", s2),
                ("s_out", s_out),
                ("s3", s_out),
                ("z1", z1),
                ("z2", z2),
                ("y_out", fwd.y_out),
                ("z3", fwd.y_out),
            ],
        );
        for (k, f) in acts.iter().enumerate() {
            let f = *f;
            let _ = ctx.set_function(format!("f{}", k + 1), unary(move |x| f.value(x)));
            let _ = ctx.set_function(format!("df{}", k + 1), unary(move |x| f.derivative(x)));
        }
        let student = match eval(&node, &ctx) {
            Ok(v) => v,
            Err(e) => return failed(format!("cannot evaluate it: {e}")),
        };
        if !close(student, truth) && counterexample.is_none() {
            counterexample = Some(format!(
                "with f1 = {}, f2 = {}, f3 = {}, x_in = {x_in:.4}, y_gt = {y_gt:.4}, W1 = {:.4}, W2 = {:.4}, W_out = {:.4}: your formula gives {student:.6}, the derivative is {truth:.6}",
                acts[0], acts[1], acts[2], w[0], w[1], w[2]
            ));
        }
        let factors = vec![
            ("(y_out - y_gt)".to_string(), fwd.y_out - y_gt),
            ("df3(s_out)".to_string(), acts[2].derivative(s_out)),
            ("W_out".to_string(), w[2]),
            ("df2(s2)".to_string(), acts[1].derivative(s2)),
            ("W2".to_string(), w[1]),
            ("df1(s1)".to_string(), acts[0].derivative(s1)),
            ("x_in".to_string(), x_in),
            ("z1".to_string(), z1),
            ("z2".to_string(), z2),
        ];
        samples.push((student, truth, factors));
    }
    outcome(samples, counterexample)
}

/// Checks an Exercise 3 formula for one component of $\partial L/\partial o$.
pub fn check_hinge_formula(formula: &str, seed: u64) -> FormulaOutcome {
    let node = match compile(formula) {
        Ok(n) => n,
        Err(e) => return failed(e),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::new();
    let mut counterexample = None;
    for _ in 0..POINTS {
        let k = rng.random_range(3..9);
        let o: Vec<f64> = (0..k).map(|_| 2.0 * normal(&mut rng)).collect();
        let y = rng.random_range(0..k);
        let margin = rng.random_range(0.1..1.5);
        let Ok(p) = softmax(&o) else { continue };
        let Ok(g) = softmax_hinge_gradient(&o, y, margin) else {
            continue;
        };
        let active: Vec<bool> = (0..k)
            .map(|j| j != y && p[j] - p[y] + margin > 0.0)
            .collect();
        let a = active.iter().filter(|v| **v).count() as f64;
        let s_a: f64 = (0..k).filter(|j| active[*j]).map(|j| p[j]).sum();
        for j in 0..k {
            let mut ctx = base_context();
            set(
                &mut ctx,
                &[
                    ("p_j", p[j]),
                    ("o_j", o[j]),
                    ("p_y", p[y]),
                    ("is_y", if j == y { 1.0 } else { 0.0 }),
                    ("active_j", if active[j] { 1.0 } else { 0.0 }),
                    ("a", a),
                    ("S_A", s_a),
                    ("k", k as f64),
                    ("margin", margin),
                ],
            );
            let student = match eval(&node, &ctx) {
                Ok(v) => v,
                Err(e) => return failed(format!("cannot evaluate it: {e}")),
            };
            if !close(student, g[j]) && counterexample.is_none() {
                counterexample = Some(format!(
                    "o = {:?}, y = {y}, margin = {margin:.4}, component j = {j}: your formula gives {student:.6}, dL/do_j is {:.6}",
                    o.iter()
                        .map(|v| (v * 1e4).round() / 1e4)
                        .collect::<Vec<_>>(),
                    g[j]
                ));
            }
            let factors = vec![("p_j".to_string(), p[j]), ("p_y".to_string(), p[y])];
            samples.push((student, g[j], factors));
        }
    }
    outcome(samples, counterexample)
}

fn failed(message: String) -> FormulaOutcome {
    FormulaOutcome {
        correct: false,
        points: 0,
        counterexample: None,
        diagnosis: None,
        unreadable: Some(message),
    }
}

fn outcome(samples: Vec<Sample>, counterexample: Option<String>) -> FormulaOutcome {
    FormulaOutcome {
        correct: counterexample.is_none() && !samples.is_empty(),
        points: samples.len(),
        diagnosis: diagnose(&samples),
        counterexample,
        unreadable: None,
    }
}

#[cfg(test)]
mod tests {
    use super::reals;

    #[test]
    fn prime_notation_reads_as_the_derivative_functions() {
        assert_eq!(super::primes("f3'(s_out) * z2"), "df3(s_out) * z2");
        assert_eq!(super::primes("f1' (s1)"), "df1 (s1)");
        assert_eq!(super::primes("W_out * f2'(s2)"), "W_out * df2(s2)");
        // A prime not before a call is left for the parser to reject.
        assert_eq!(super::primes("x'"), "x'");
    }

    #[test]
    fn integer_literals_become_reals_but_names_keep_their_digits() {
        assert_eq!(
            reals("1/2 * W1 + df3(s_out) * 2"),
            "1.0/2.0 * W1 + df3(s_out) * 2.0"
        );
        assert_eq!(reals("0.5*x + 1e-3 + 2E2"), "0.5*x + 1e-3 + 2E2");
        assert_eq!(reals("z2^2"), "z2^2.0");
    }
}
