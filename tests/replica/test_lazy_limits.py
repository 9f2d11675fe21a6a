"""Lazy closed-form limits (symbolic/lazy_limits.py, replica/lazy_limits.py, docs/limits.md).

Truth from outside: the weighted minimum-norm interpolator computed directly (numpy linear algebra on
seeded Gaussian data), and the replica E along paths where every z = A/k -> 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from ptft_theory import Init, ParameterError, Task
from ptft_theory.experiments import limits_doc
from ptft_theory.replica.lazy_limits import lazy_limit_error, lazy_limit_table


def _direct_weighted_l2(alpha, task, k_pt, k_new, D=1500, seeds=3):
    """Mean relative error of b = K X^T (X K X^T)^-1 y on seeded data (PT features: the first rho_pt D)."""
    rng = np.random.default_rng(11)
    n_pt, n_sh, n_new = (int(round(f * D)) for f in (task.rho_pt, task.rho_shared, task.rho_new))
    k = np.full(D, k_new)
    k[:n_pt] = k_pt
    errs = []
    for _ in range(seeds):
        beta = np.zeros(D)
        beta[:n_sh] = task.a_ft * rng.choice([-1, 1], n_sh)
        beta[n_pt:n_pt + n_new] = task.a_ft * rng.choice([-1, 1], n_new)
        X = rng.standard_normal((int(alpha * D), D))
        y = X @ beta
        b = k * (X.T @ np.linalg.solve((X * k) @ X.T, y))
        errs.append(np.sum((b - beta) ** 2) / np.sum(beta**2))
    return float(np.mean(errs))


@pytest.mark.parametrize("r", [1.0, 5.5, 50.0])
def test_weighted_l2_closed_form_against_the_direct_interpolator(r):
    task = Task(0.1, 0.05, 0.05)
    from ptft_theory import kernels
    E = float(kernels.np.lazy_weighted_l2_error(0.3, r, 0.1, 0.05, 0.05))
    got = _direct_weighted_l2(0.3, task, r, 1.0)
    # D = 1500, 3 seeds: the finite-size spread of E is ~ E * sqrt(2 / (rho_ft D)) / sqrt(3) ~ 0.05 E
    assert abs(got - E) < 0.1 * E, (r, got, E)
    if r == 1.0:
        assert abs(E - 0.7) < 1e-12  # E = 1 - alpha (sympy's r = 1 limit)


def test_frozen_closed_form_against_the_direct_interpolator():
    task = Task(0.1, 0.05, 0.05)
    from ptft_theory import kernels
    E = float(kernels.np.lazy_frozen_error(0.05, 0.1, 0.05, 0.05))
    # frozen new features = weights 0 there: the direct interpolator with k_new tiny
    got = _direct_weighted_l2(0.05, task, 1.0, 1e-12)
    assert abs(E - 1.25) < 1e-12 and abs(got - E) < 0.1 * E


def test_gaps_to_the_replica_shrink_like_z_squared():
    rows = lazy_limit_table()
    by_path = {}
    for r in rows:
        by_path.setdefault(r["path"], []).append(r)
    assert len(by_path) == 3
    for path, rs in by_path.items():
        for a, b in zip(rs, rs[1:]):  # z_max falls 10x per step: the gap ~100x (at least 30x), to the floor
            if abs(b["gap"]) > 1e-9:
                assert abs(b["gap"]) < abs(a["gap"]) / 30, (path, a["point"], b["point"])
        assert abs(rs[-1]["gap"]) < 2e-8 and abs(rs[0]["gap"]) > 1e-4


def test_docs_limits_table_is_current():
    """docs/limits.md against a fresh computation: E columns to 1e-7 (float64 replica to ~1e-9)."""
    fresh = limits_doc.parse(limits_doc.render(rich_rows=[]))  # the rich tables: tests/replica/test_rich_limits.py
    committed = limits_doc.parse(limits_doc.DOC.read_text())
    assert len(fresh) == len(committed), "stale: python -m ptft_theory.experiments.limits_doc --update"
    for f, c in zip(fresh, committed):
        assert f[:3] == c[:3]
        assert abs(float(f[3]) - float(c[3])) < 1e-7 and abs(float(f[4]) - float(c[4])) < 1e-7, (f, c)
        assert f[5].startswith("<") == c[5].startswith("<")


def test_errors_name_the_parameter():
    with pytest.raises(ParameterError, match=r"alpha=0.2 is invalid with frozen new features"):
        lazy_limit_error(0.2, Task(0.1, 0.05, 0.05), Init(1.0, -1.0), "readout")
    with pytest.raises(ParameterError, match="alpha=1.5 is invalid"):
        lazy_limit_error(1.5, Task(0.1, 0.05, 0.05), Init(1.0))
