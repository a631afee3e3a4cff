"""torch's gradgradcheck on the second-order anchors of ../../../shared/peers/hessian.py
(Rosenbrock 5-D on ±1.5, the tanh chain 8-D on ±1.2, 20 points each, the same
points: numpy's default_rng(3), Rosenbrock's drawn first), and on the tanh chain
with tanh'' dropped from its double backward (a custom autograd Function whose
backward detaches tanh: the slip Exercise 2's R-operator test seeds).

Run: /tmp/peers-venv/bin/python benches/peers/gradgradcheck.py
(torch from PyPI in the peers' venv; float64, one thread)."""
import time

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
rng = np.random.default_rng(3)
c = torch.tensor(0.4 + 0.15 * np.arange(8))


def rosen(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def tanh_chain(x):
    return (torch.tanh(c[:7] * x[:7]) * x[1:]).sum()


class TanhWithoutCurvature(torch.autograd.Function):
    @staticmethod
    def forward(ctx, u):
        t = torch.tanh(u)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return g * (1 - t.detach() ** 2)  # detached: tanh'' never reaches the second derivative


def tanh_chain_slip(x):
    return (TanhWithoutCurvature.apply(c[:7] * x[:7]) * x[1:]).sum()


# A warm-up (torch's first call sets up its dispatch), on a point of its own.
torch.autograd.gradgradcheck(rosen, (torch.zeros(5, requires_grad=True),))

for name, f, n, scale in [("rosenbrock5", rosen, 5, 1.5), ("tanh chain 8", tanh_chain, 8, 1.2)]:
    passed, start = 0, time.time()
    for _ in range(20):
        x = torch.tensor(scale * (2 * rng.random(n) - 1), requires_grad=True)
        passed += bool(torch.autograd.gradgradcheck(f, (x,)))
    ms = (time.time() - start) / 20 * 1000
    print(f"{name}: gradgradcheck passes the correct second derivatives at {passed} of 20 points, {ms:.1f} ms per point")

caught, start = 0, time.time()
for _ in range(20):
    x = torch.tensor(1.2 * (2 * rng.random(8) - 1), requires_grad=True)
    caught += not torch.autograd.gradgradcheck(tanh_chain_slip, (x,), raise_exception=False)
ms = (time.time() - start) / 20 * 1000
print(f"tanh chain 8 without tanh'' in its double backward: caught at {caught} of 20 points, {ms:.1f} ms per point")
