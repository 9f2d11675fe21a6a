"""The result contract (ptft_theory/results.py) over every public result class: ``success`` (bool),
``message`` (str), ``nit``/``nfev`` where counted, one strict-JSON ``as_dict()`` carrying both, and a
short repr (no full array, however large the result)."""

import json
import re

import numpy as np
import pytest

import ptft_theory as P
from ptft_theory import Init, Task

TASK = Task(0.1, 0.05, 0.05)
LAZY = Init(1e8)
RICH = Init(1e-2, -5e-3, 0.1)
ALPHAS = np.linspace(0.05, 0.95, 200)     # long enough that a full-array repr would show


def _solver():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 400))
    return P.implicit_bias_solve(X, X @ rng.standard_normal(400), np.full(400, 0.1))


def _simulate():
    pytest.importorskip("torch")
    T = P.make_teachers(Task(0.3, 0.15, 0.15), 12, 0)     # the README's ten lines
    Xp, yp = P.sample_data(8, T.beta_pt, seed=1)
    Xf, yf = P.sample_data(6, T.beta_ft, seed=2)
    return P.simulate_gradient_flow(Xp, yp, Xf, yf, Init(1.0), mode="gd", mse_tol=1e-4, max_steps=20000)


def _advice():
    return P.best_init(TASK, 0.3, fix={"c_pt": 1e-2, "lambda_pt": -5e-3, "gamma_ft": 0.1})


# class name -> a cheap call that returns one (the replica calls are float64 unless said)
MAKERS = {
    "ReplicaResult": lambda: P.generalization_error(TASK, RICH, ALPHAS),
    "TwoStageResult": lambda: P.generalization_error(TASK, RICH, [0.2, 0.3], alpha_pt=0.5),
    "HighPrecisionResult": lambda: P.generalization_error(TASK, Init(1e14), [0.3, 0.5], dps=20),
    "CertifiedPoint": lambda: P.generalization_error(TASK, Init(1e14), 0.5, certify=True, dps=15),
    "CertifiedInterval": lambda: P.rich_limit_threshold(0.1, certify=True, dps=15),
    "BoundaryResult": lambda: P.level_crossing_alpha(TASK, LAZY, 0.5),
    "BoundaryCurve": lambda: P.boundary_curve(TASK, LAZY, "level", "c_pt", [1e6, 1e7, 1e8, 1e9], level=0.25),
    "RegimeResult": lambda: P.regime(TASK, RICH, definition="potential"),
    "RegimeBoundaryCurve": lambda: P.regime_boundary(TASK, "l_order", [-2.0], definition="potential", n_scan=9),
    "SolverResult": _solver,
    "GFResult": _simulate,
    "Advice": _advice,
    "Teachers": lambda: P.make_teachers(TASK, 500, 0),
}
COUNTS = {"SolverResult": "nit", "GFResult": "nit", "BoundaryResult": "nfev", "BoundaryCurve": "nfev", "Advice": "nfev",
          "RegimeBoundaryCurve": "nfev"}


def test_every_public_result_class_is_covered():
    public = {n for n in P.__all__ if isinstance(getattr(P, n), type)
              and (n.endswith(("Result", "Curve")) or n in ("Advice", "Teachers"))}
    assert public <= set(MAKERS), f"result classes without a contract check: {sorted(public - set(MAKERS))}"


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_result_contract(name):
    r = MAKERS[name]()
    assert type(r).__name__ == name
    assert isinstance(r.success, bool) and r.success, r.message
    assert isinstance(r.message, str) and r.message.strip()
    if name in COUNTS:
        n = getattr(r, COUNTS[name])
        assert isinstance(n, int) and n > 0
    d = r.as_dict()
    text = json.dumps(d, allow_nan=False)                     # strict JSON
    assert d["success"] is True and d["message"] == r.message, text[:200]
    rep = repr(r)
    assert len(rep) <= 400, rep
    assert "array(" not in rep and "\n" not in rep, rep
    assert len(re.findall(r"\d+\.\d+", rep)) <= 12, rep     # a few numbers, never an array's worth


def test_a_failed_simulation_says_so():
    """The one result that reports failure as data: a GD run stopped at the step cap."""
    pytest.importorskip("torch")
    T = P.make_teachers(TASK, 20, 0)
    Xp, yp = P.sample_data(12, T.beta_pt, seed=1)
    Xf, yf = P.sample_data(6, T.beta_ft, seed=2)
    r = P.simulate_gradient_flow(Xp, yp, Xf, yf, Init(1.0), mode="gd", max_steps=3, raise_on_failure=False)
    assert r.success is False and "did NOT converge" in r.message
    assert r.as_dict()["success"] is False
