"""The convex implicit-bias solver, checked from outside: KKT conditions written independently,
closed-form limits, and scipy's general-purpose constrained minimiser."""

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings, strategies as st

from ptft_theory import ConvergenceError, InfeasibleError, implicit_bias_solution, implicit_bias_solve


def _problem(seed, N=6, D=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    beta = np.zeros(D)
    beta[: D // 3] = rng.choice([-2.0, 2.0], D // 3)
    return X, X @ beta, rng


def _kkt_residual(X, b, k, b0):
    """Independent KKT check: asinh(b/k)/2 - asinh(b0/k)/2 must lie in the row space of X (k > 0)."""
    g = (np.arcsinh(b / k) - np.arcsinh(b0 / k)) / 2
    nu, *_ = np.linalg.lstsq(X.T, g, rcond=None)
    return np.linalg.norm(X.T @ nu - g) / max(np.linalg.norm(g), 1e-300)


@settings(max_examples=40)
@given(seed=st.integers(0, 2**20), logk=st.floats(-4, 3), b0_scale=st.floats(0, 3), hetero=st.booleans())
def test_constraint_and_kkt(seed, logk, b0_scale, hetero):
    X, y, rng = _problem(seed)
    k = 10**logk * (np.exp(rng.uniform(-2, 2, X.shape[1])) if hetero else 1.0)
    b0 = b0_scale * rng.standard_normal(X.shape[1])
    r = implicit_bias_solve(X, y, k, b0)
    assert r.converged and r.residual <= 1e-12
    assert np.linalg.norm(X @ r.beta - y) <= 1e-12 * np.linalg.norm(y)
    # 1e-8: the KKT vector asinh(b/k) is evaluated from a beta that is exact to ~1e-15 relative, but
    # for tiny k its derivative 1/sqrt(k^2+b^2) amplifies that by up to |b|/k ~ 1e4..1e6.
    assert _kkt_residual(X, r.beta, np.broadcast_to(k, b0.shape), b0) < 1e-8 * max(1.0, 10 ** (-logk))


def test_large_k_is_minimum_norm_interpolator():
    """k -> oo (lazy): Q_k(b) ~ b^2/(4k), so the solution is the minimum-l2-norm interpolator
    (b0 = 0).  The correction is O(|b|^2/k^2) relative: 1e-12 at k = 1e6 with |b| ~ 1."""
    X, y, _ = _problem(3)
    b = implicit_bias_solution(X, y, 1e6)
    mn = np.linalg.pinv(X) @ y
    assert np.linalg.norm(b - mn) / np.linalg.norm(mn) < 1e-10


def test_large_k_with_start_is_projection_of_start():
    """Bregman divergence from b0 with huge k: the l2 projection of b0 onto {X b = y}."""
    X, y, rng = _problem(4)
    b0 = rng.standard_normal(X.shape[1])
    b = implicit_bias_solution(X, y, 1e6, b0)
    proj = b0 + np.linalg.pinv(X) @ (y - X @ b0)
    assert np.linalg.norm(b - proj) / np.linalg.norm(proj) < 1e-10


def test_small_k_recovers_sparse_teacher():
    """k -> 0: l1-like; with N = 20 >> the 3-sparse support, basis pursuit recovers the teacher.
    The approach is logarithmic in k, so we only ask for 1e-2 at k = 1e-8."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 40))
    beta = np.zeros(40)
    beta[[3, 17, 30]] = [1.5, -2.0, 1.0]
    b = implicit_bias_solution(X, X @ beta, 1e-8)
    assert np.linalg.norm(b - beta) / np.linalg.norm(beta) < 1e-2


def test_agrees_with_scipy_trust_constr():
    """A general-purpose constrained minimiser of the Bregman objective (written here with numpy's
    arcsinh, not the generated kernels) finds the same point to its own accuracy (~1e-6)."""
    X, y, rng = _problem(8, N=4, D=8)
    k = np.exp(rng.uniform(-1, 1, 8))
    b0 = 0.3 * rng.standard_normal(8)

    def Q(b):
        return 0.5 * (b * np.arcsinh(b / k) - np.sqrt(b**2 + k**2) + k)

    def obj(b):
        return np.sum(Q(b) - Q(b0) - 0.5 * np.arcsinh(b0 / k) * (b - b0))

    def grad(b):
        return 0.5 * (np.arcsinh(b / k) - np.arcsinh(b0 / k))

    cons = scipy.optimize.LinearConstraint(X, y, y)
    ref = scipy.optimize.minimize(obj, b0, jac=grad, constraints=[cons], method="trust-constr",
                                  options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 5000})
    b = implicit_bias_solution(X, y, k, b0)
    assert np.linalg.norm(b - ref.x) / np.linalg.norm(b) < 1e-6
    assert obj(b) <= obj(ref.x) + 1e-12


def test_frozen_coordinates_are_exactly_zero():
    X, y, _ = _problem(5, N=4, D=12)
    k = np.ones(12)
    k[[0, 5, 7]] = 0.0
    b = implicit_bias_solution(X, y, k)
    assert np.all(b[[0, 5, 7]] == 0.0)
    np.testing.assert_allclose(X @ b, y, rtol=0, atol=1e-12 * np.linalg.norm(y))


def test_half_line_coordinate_keeps_its_sign():
    """k = 0 with b0 != 0: b = b0 exp(2 sign(b0) w) never changes sign."""
    X, y, _ = _problem(6, N=3, D=10)
    k = np.ones(10)
    b0 = np.zeros(10)
    k[2], b0[2] = 0.0, 0.5
    b = implicit_bias_solution(X, y, k, b0)
    assert b[2] > 0
    np.testing.assert_allclose(X @ b, y, rtol=0, atol=1e-12 * np.linalg.norm(y))


def test_infeasible_frozen_problem_raises():
    X, y, _ = _problem(7, N=6, D=12)
    k = np.zeros(12)
    k[:3] = 1.0  # 3 free coordinates cannot fit 6 generic equations
    with pytest.raises(InfeasibleError, match="9 of 12 coordinates are frozen"):
        implicit_bias_solution(X, y, k)


def test_non_convergence_raises_with_numbers():
    X, y, _ = _problem(9)
    with pytest.raises(ConvergenceError, match=r"max_iter=1 .*residual"):
        implicit_bias_solution(X, y, 1e-6, max_iter=1)
    r = implicit_bias_solve(X, y, 1e-6, max_iter=1, raise_on_failure=False)
    assert not r.converged and r.residual > 1e-12


@pytest.mark.parametrize("kwargs, match", [
    (dict(k=-1.0), r"k contains a negative value.*k >= 0"),
    (dict(k=np.ones(5)), r"k must be a scalar or have shape \(D,\) = \(12,\)"),
    (dict(k=1.0, b0=np.nan), r"b0 contains a non-finite value"),
    (dict(k=1.0, rtol=0.0), r"rtol=0.0 is invalid; valid range: rtol > 0"),
])
def test_bad_input(kwargs, match):
    X, y, _ = _problem(1)
    with pytest.raises(ValueError, match=match):
        implicit_bias_solution(X, y, **kwargs)


def test_shape_mismatch_and_nan_data():
    X, y, _ = _problem(1)
    with pytest.raises(ValueError, match=r"y must have shape \(N,\) = \(6,\)"):
        implicit_bias_solution(X, y[:-1], 1.0)
    Xn = X.copy()
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError, match="X contains a non-finite value"):
        implicit_bias_solution(Xn, y, 1.0)
