"""Writes the example answer files of the grading oracle, computed by this
independent plain-Python run of Exercise 2 (no code shared with the crate).

    python3 examples/answers/make_answers.py

Each slip file simulates a student who makes that one mistake throughout.
"""
import math
import os

W0 = [[0.60, 0.01], [0.70, 0.43], [0.00, 0.88]]
w0 = [0.02, 0.03, 0.09]
X = [(0.75, 0.80), (0.20, 0.05), (-0.75, 0.80), (0.20, -0.05)]
Y = [1.0, 1.0, -1.0, -1.0]
DEC = 4  # decimals the student writes


def run(lr=0.1, mean=False, delta=None, relu_one=False):
    W = [row[:] for row in W0]
    w = w0[:]
    its = []
    for _ in range(3):
        samples = []
        gW = [[0.0, 0.0] for _ in range(3)]
        gw = [0.0] * 3
        total = 0.0
        for x, y in zip(X, Y):
            s = [W[i][0] * x[0] + W[i][1] * x[1] for i in range(3)]
            z = [v if v > 0 else 0.0 for v in s]
            so = sum(w[i] * z[i] for i in range(3))
            yo = math.tanh(so)
            loss = 0.5 * (yo - y) ** 2
            do = delta(yo, y) if delta else (yo - y) * (1 - yo * yo)
            dh = [do * w[i] * (1.0 if (s[i] > 0 or relu_one) else 0.0) for i in range(3)]
            for i in range(3):
                gw[i] += do * z[i]
                for j in range(2):
                    gW[i][j] += dh[i] * x[j]
            total += loss
            samples.append(dict(s=s, z=z, s_out=so, y_out=yo, loss=loss, delta_out=do, delta_hidden=dh))
        if mean:
            gW = [[v / 4 for v in row] for row in gW]
            gw = [v / 4 for v in gw]
            total /= 4
        W = [[W[i][j] - lr * gW[i][j] for j in range(2)] for i in range(3)]
        w = [w[i] - lr * gw[i] for i in range(3)]
        its.append(dict(loss=total, grad_W=gW, grad_w=gw, W=[r[:] for r in W], w=w[:], samples=samples))
    return its


def fmt(v):
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return f"{v:.{DEC}f}"


CORRECT_FORMULAS = """[exercise1]
dL_dW_out = "(y_out - y_gt) * df3(s_out) * z2"
dL_dW2 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * z1"
dL_dW1 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * W2 * df1(s1) * x_in"

[exercise3]
dL_do = "p_j * (active_j - a * is_y - S_A + a * p_y)"
"""


def write(name, its, header, formulas=CORRECT_FORMULAS, transpose=False, grad_as_weight=False):
    out = [f"# {header}", "", formulas, "[exercise2]", 'mode = "sum"', "lr = 0.1", ""]
    for it in its:
        gW = it["grad_W"]
        if transpose:
            gW = [[gW[i][j] for i in range(3)] for j in range(2)]
        W = it["grad_W"] if grad_as_weight else it["W"]
        w = it["grad_w"] if grad_as_weight else it["w"]
        out += ["[[exercise2.iterations]]", f"loss = {fmt(it['loss'])}", f"grad_W = {fmt(gW)}",
                f"grad_w = {fmt(it['grad_w'])}", f"W = {fmt(W)}", f"w = {fmt(w)}", ""]
        for s in it["samples"]:
            out += ["[[exercise2.iterations.samples]]"]
            out += [f"{k} = {fmt(v)}" for k, v in s.items()]
            out += [""]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as fh:
        fh.write("\n".join(out))


write("correct.toml", run(), "Every answer right (4 decimals).")
write("slip-missing-tanh-prime.toml", run(delta=lambda yo, y: yo - y),
      "delta_out without the factor tanh'(s_out) = 1 - y_out^2.")
write("slip-residual-sign.toml", run(delta=lambda yo, y: (y - yo) * (1 - yo * yo)),
      "delta_out with (y - y_out) instead of (y_out - y).")
write("slip-mean-instead-of-sum.toml", run(mean=True), "Gradients and loss averaged, though the convention is sum.")
write("slip-learning-rate.toml", run(lr=0.5), "Updates with learning rate 0.5, though 0.1 is declared.")
write("slip-relu-derivative.toml", run(relu_one=True), "relu'(s) taken as 1 for s <= 0.")
write("sheet-layout.toml", run(), "grad_W written D x H, the sheet's printed layout (full marks, named in a note).", transpose=True)
write("slip-gradient-as-weight.toml", run(), "The gradient written where the updated weight belongs.",
      grad_as_weight=True)
write("slip-formulas.toml", run(), "Exercise 1 forgets f3'(s_out); Exercise 3 flips the sign.",
      formulas="""[exercise1]
dL_dW_out = "(y_out - y_gt) * z2"
dL_dW2 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * z1"
dL_dW1 = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * W2 * df1(s1) * x_in"

[exercise3]
dL_do = "-p_j * (active_j - a * is_y - S_A + a * p_y)"
""")


# ---------------------------------------------------------------------------
# traces.json: full-precision traces for the grader's monotone-scoring
# property test (tests/grade_monotone.rs rounds them to 1..6 decimals).
# Every slip the grader names, under each of the three conventions.

def run_any(mode="sum", lr=0.1, slip=None):
    """One student's 3 iterations under `mode` (sum | mean | online), making
    `slip` throughout. Returns the iterations as the answer file has them."""
    W = [row[:] for row in W0]
    w = w0[:]
    its = []
    for _ in range(3):
        samples = []
        gW = [[0.0, 0.0] for _ in range(3)]
        gw = [0.0] * 3
        total = 0.0
        for x, y in zip(X, Y):
            s = [W[i][0] * x[0] + W[i][1] * x[1] for i in range(3)]
            z = [v if v > 0 else 0.0 for v in s]
            so = sum(w[i] * z[i] for i in range(3))
            yo = math.tanh(so)
            loss = 0.5 * (yo - y) ** 2
            if slip == "missing_tanh_prime":
                do = yo - y
            elif slip == "residual_sign":
                do = (y - yo) * (1 - yo * yo)
            else:
                do = (yo - y) * (1 - yo * yo)
            relu_one = slip == "relu_one"
            dh = [do * w[i] * (1.0 if (s[i] > 0 or relu_one) else 0.0) for i in range(3)]
            gw_k = [do * z[i] for i in range(3)]
            gW_k = [[dh[i] * x[j] for j in range(2)] for i in range(3)]
            for i in range(3):
                gw[i] += gw_k[i]
                for j in range(2):
                    gW[i][j] += gW_k[i][j]
            total += loss
            samples.append(dict(s=s, z=z, s_out=so, y_out=yo, loss=loss, delta_out=do, delta_hidden=dh))
            if mode == "online":
                rate = 0.5 if slip == "learning_rate" else lr
                W = [[W[i][j] - rate * gW_k[i][j] for j in range(2)] for i in range(3)]
                w = [w[i] - rate * gw_k[i] for i in range(3)]
        averaged = (mode == "mean") != (slip == "other_reduction")
        if averaged:
            gW = [[v / 4 for v in row] for row in gW]
            gw = [v / 4 for v in gw]
            total /= 4
        if mode != "online":
            rate = 0.5 if slip == "learning_rate" else lr
            W = [[W[i][j] - rate * gW[i][j] for j in range(2)] for i in range(3)]
            w = [w[i] - rate * gw[i] for i in range(3)]
        it = dict(W=[r[:] for r in W], w=w[:], samples=samples)
        if slip == "gradient_as_weight" and mode != "online":
            it["W"], it["w"] = [r[:] for r in gW], gw[:]
        if mode != "online":  # online, the sheet asks only for the weights
            it.update(loss=total, grad_W=gW, grad_w=gw)
        its.append(it)  # with gradient_as_weight, the next iteration starts from the right W
    return its


def write_traces():
    import json
    slips = ["missing_tanh_prime", "residual_sign", "relu_one", "learning_rate",
             "other_reduction", "gradient_as_weight"]
    cases = []
    for mode in ["sum", "mean", "online"]:
        for slip in [None] + slips:
            if mode == "online" and slip in ("other_reduction", "gradient_as_weight"):
                continue  # online has no reduction, and no totals to misplace
            cases.append(dict(mode=mode, lr=0.1, slip=slip, iterations=run_any(mode, 0.1, slip)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traces.json")
    with open(path, "w") as fh:
        json.dump(cases, fh)
        fh.write("\n")


write_traces()
