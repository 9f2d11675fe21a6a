"""Replica theory: closed-form limits, an independent Donoho-Tanner evaluation, properties, and
agreement with direct convex solves of the same problem (rung 3, reduced size)."""

import os
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from ptft_theory import Init, ParameterTypeError, Task
from ptft_theory.replica import ReplicaError, generalization_error, rich_limit_threshold
from ptft_theory.symbolic import replica as R

FULL = os.environ.get("PTFT_FULL") == "1"
MIXED = Task(0.1, 0.05, 0.05)


def test_symbolic_eta_prime_matches_design_and_l2_limit():
    R.eta_prime_design_form()  # raises unless implicit differentiation gives docs/design.md's eta'
    assert sp.simplify(R.l2_limit() - (1 - R.alpha)) == 0


@pytest.mark.parametrize("scheme", ["readout", "merged"])
def test_l2_limit_one_minus_alpha(scheme):
    """Huge c: k ~ c on every coordinate, Q ~ b^2/(4k); E = 1 - alpha up to O(A^2/k^2) = 1e-15."""
    alphas = np.array([0.1, 0.5, 0.85])
    E = np.asarray(generalization_error(MIXED, Init(1e8), alphas, scheme))
    np.testing.assert_allclose(E, 1 - alphas, rtol=0, atol=1e-10)


def test_alpha_at_least_one_noiseless_is_exact():
    r = generalization_error(MIXED, Init(1e-2), [0.5, 1.0, 2.0])
    assert r.E[1] == 0 and r.E[2] == 0 and r.E[0] > 0
    # class weights that sum to 1 + 2e-16 in floats (0.1 + 0.05 + ...): alpha = 1 is still "all free"
    task = Task(0.1, 0.05, 0.1)
    assert generalization_error(task, Init(1e-2, 0.0, 0.1), 1.0).E[0] == 0
    assert generalization_error(task, Init(1e-2, 0.0, 0.1), [0.5, 1.0], dps=20).E[1] == 0
    with pytest.raises(ValueError, match="noisy interpolation at alpha = 1"):
        generalization_error(task, Init(1e-2, 0.0, 0.1), 1.0, sigma=0.1)


def _dt_objective(t, rho):
    rho = mpmath.mpf(rho)  # exact binary value; float arithmetic (1 - rho) would cost 1e-17
    return rho * (1 + t**2) + 2 * (1 - rho) * ((1 + t**2) * mpmath.ncdf(-t) - t * mpmath.npdf(t))


@pytest.mark.parametrize("rho", [0.05, 0.1, 0.25, 0.5])
def test_donoho_tanner_threshold_against_direct_minimisation(rho):
    """Independent oracle: golden-section minimisation of the objective itself at 40 digits."""
    with mpmath.workdps(40):
        a, b = mpmath.mpf("1e-6"), mpmath.mpf(6)
        g = (mpmath.sqrt(5) - 1) / 2
        for _ in range(200):
            c, d = b - g * (b - a), a + g * (b - a)
            if _dt_objective(c, rho) < _dt_objective(d, rho):
                b = d
            else:
                a = c
        ref = _dt_objective((a + b) / 2, rho)
    assert abs(rich_limit_threshold(rho) - float(ref)) < 1e-12
    assert abs(rich_limit_threshold(rho, dps=30) - ref) < mpmath.mpf(10) ** -28
    if rho == 0.1:
        assert abs(rich_limit_threshold(0.1) - 0.328793505453630) < 1e-14  # docs/design.md's value


def test_small_k_trend_toward_l1_threshold():
    """From scratch (PT teacher empty on the FT support) with shrinking c, the error at an alpha
    above alpha_c(rho_ft) falls toward 0 and below it stays away from 0 (the approach is logarithmic)."""
    task = Task(0.0, 0.0, 0.1)  # no PT features: fine-tuning from scratch, k = c/2 everywhere
    ac = rich_limit_threshold(0.1)
    # Tiny k makes eta nearly a soft threshold: Gauss-Hermite needs more nodes to resolve the kink.
    above = [float(generalization_error(task, Init(c), ac + 0.1, n_nodes=481)) for c in (1e-1, 1e-2, 1e-3)]
    below = float(generalization_error(task, Init(1e-3), ac - 0.1, n_nodes=481))
    assert above[0] > above[1] > above[2] and below > 2 * above[2]


@settings(max_examples=3 if not FULL else 40, deadline=None)
@given(logc=st.floats(-3, 1), lam_frac=st.floats(-0.9, 1), gamma=st.floats(0, 1),
       scheme=st.sampled_from(["readout", "merged"]))
def test_properties_decreasing_nonnegative(logc, lam_frac, gamma, scheme):
    init = Init(10**logc, lam_frac * 10**logc, gamma)
    E = np.asarray(generalization_error(MIXED, init, np.linspace(0.15, 0.9, 4), scheme))
    assert np.all(E >= 0)
    assert np.all(np.diff(E) <= 1e-9)  # more data never hurts (noiseless, convex interpolation)


@settings(max_examples=2 if not FULL else 30, deadline=None)
@given(logc=st.floats(-3, 1), lam_frac=st.floats(-0.9, 1), gamma=st.floats(0.01, 1), scale=st.floats(0.2, 5),
       alpha=st.floats(0.15, 0.85))
def test_joint_rescaling_invariance(logc, lam_frac, gamma, scale, alpha):
    """Exact invariance (derived): k and b0 are homogeneous of degree 1 in (beta_pt, c, lam, gamma^2),
    Q_{sk}(s b) = s Q_k(b), and the error is relative; so multiplying c, lambda, gamma^2 and both
    amplitudes by s leaves E unchanged.  Tolerance 1e-8: both solves converge to ~1e-10."""
    c = 10**logc
    base = Task(0.1, 0.05, 0.05, amp_pt=1.0, amp_ft=1.0)
    scaled = Task(0.1, 0.05, 0.05, amp_pt=scale, amp_ft=scale)
    E1 = float(generalization_error(base, Init(c, lam_frac * c, gamma), alpha))
    E2 = float(generalization_error(scaled, Init(scale * c, scale * lam_frac * c, np.sqrt(scale) * gamma), alpha))
    assert abs(E1 - E2) <= 1e-8 * max(E1, 1e-3)


def test_error_can_exceed_one_and_simulation_agrees():
    """A PT-dependent readout init on a task needing new features: the interpolator loads PT features,
    E > 1 (worse than predicting 0).  Checked against convex solves (6 seeds, D = 400)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
    import replica_vs_convex as V
    row = V.run_setting("t", "readout", Init(1e-3), Task(0.1, 0.0, 0.1), 0.1, D=400, seeds=6)
    assert row["replica"] > 1
    assert abs(row["dev_in_se"]) < 3


@pytest.mark.slow
def test_replica_vs_convex_reduced():
    """Rung 3 at reduced size (full: python validation/replica_vs_convex.py, D = 2000, 10 seeds).
    Each sim mean must be within 3 standard errors of the replica (finite-size corrections at
    D = 400 are well below the SE, as the D = 500 and 2000 tables show)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
    import replica_vs_convex as V
    settings_ = V.SETTINGS if FULL else [V.SETTINGS[i] for i in (2, 4, 5, 9, 12)]  # 12: noisy
    D, seeds = (2000, 10) if FULL else (400, 6)
    for s in settings_:
        row = V.run_setting(*s, D=D, seeds=seeds)
        assert abs(row["dev_in_se"]) < 3 or abs(row["sim_mean"] - row["replica"]) < 1e-3, row


def test_bad_input_and_infeasible():
    with pytest.raises(ValueError, match=r"alpha=.* is invalid; valid range: alpha >= 1e-100"):
        generalization_error(MIXED, Init(1.0), [0.5, -0.1])
    with pytest.raises(ValueError, match="sigma=-1.0 is invalid"):
        generalization_error(MIXED, Init(1.0), 0.5, sigma=-1.0)
    with pytest.raises(ValueError, match="exceeds the fraction of non-frozen coordinates"):
        generalization_error(MIXED, Init(1.0, -1.0, 0.0), 0.5)  # readout: new features frozen
    with pytest.raises(ParameterTypeError, match="task must be a ptft_theory.Task"):  # a TypeError
        generalization_error("task", Init(1.0), 0.5)
    with pytest.raises(TypeError, match="float\\(\\) needs a single alpha"):
        float(generalization_error(MIXED, Init(1.0), [0.2, 0.3]))
    assert isinstance(ReplicaError("x"), RuntimeError)


def test_cli_curve_json_matches_python_api():
    import json
    import subprocess
    r = subprocess.run([sys.executable, "-m", "ptft_theory.cli", "curve", "--c-pt", "0.01", "--rho-pt", "0.1",
                        "--rho-shared", "0.05", "--rho-new", "0.05", "--alpha", "0.3", "0.5", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    ref = generalization_error(MIXED, Init(0.01), [0.3, 0.5])
    np.testing.assert_allclose(out["E"], ref.E, rtol=1e-14)


@pytest.mark.parametrize("init,scheme", [(Init(1e-4), "readout"), (Init(1e-2, 0.0, 0.1), "readout"),
                                         (Init(1e-3, 0.9e-3, 0.05), "merged")])
def test_newton_jacobian_matches_finite_differences(init, scheme):
    """The generated eta'', d eta/d zeta, d eta'/d zeta give the exact derivatives of the
    quadrature moments: central differences with relative step 1e-6 agree to ~1e-6 (their
    truncation error is O(h^2 * third derivative) and rounding ~eps/h ~ 1e-10)."""
    from ptft_theory import replica
    from ptft_theory.replica import hermite
    cls = replica.coordinate_classes(MIXED, init, scheme)
    r = generalization_error(MIXED, init, 0.4, scheme)
    tau, zeta = float(r.tau[0]), float(r.zeta[0])
    mom = hermite.HermiteMoments(cls, replica.QUAD_NODES)
    _, _, (dd1_dt, dd1_dz, dmse_dt, dmse_dz) = mom(tau, zeta, jac=True)
    h = 1e-6
    fd = []
    for dt, dz in ((h * tau, 0.0), (0.0, h * zeta)):
        d1p, msep = mom(tau + dt, zeta + dz)
        d1m, msem = mom(tau - dt, zeta - dz)
        fd.append(((d1p - d1m) / (2 * (dt + dz)), (msep - msem) / (2 * (dt + dz))))
    np.testing.assert_allclose([dd1_dt, dmse_dt, dd1_dz, dmse_dz], [fd[0][0], fd[0][1], fd[1][0], fd[1][1]],
                               rtol=1e-5)


def _disabled(*args):
    """Stand-in for a fallback a test switches off."""
    raise ReplicaError("disabled")


@pytest.mark.parametrize("init", [Init(1e-4), Init(1e-2, -0.5e-2, 0.1), Init(10.0, 0.0, 1.0)])
def test_newton_path_agrees_with_bracketed_roots(init, monkeypatch):
    """Two independent outer solvers of the same equations (damped Newton with the analytic Jacobian,
    warm-started along a curve; nested bracketed 1-D roots, cold) give the same E.  Both stop at
    |F| <= 1e-10, so E agrees to ~1e-9 relative."""
    from ptft_theory import replica
    from ptft_theory.replica import curve, fixed_point
    monkeypatch.setattr(curve, "QUAD_DOUBLINGS", 0)  # same nodes on both sides: no doubling,
    monkeypatch.setattr(curve, "QUAD_RTOL_MAX", 1.0)  # no panel fallback, whatever the estimate
    monkeypatch.setattr(curve, "_panel_point", _disabled)
    alphas = np.array([0.15, 0.35, 0.6, 0.85])
    E = generalization_error(MIXED, init, alphas, "readout").E
    cls = replica.coordinate_classes(MIXED, init, "readout")
    for a, e in zip(alphas, E):
        _, _, mse = fixed_point.solve_point_bracketed(cls, a, 0.0, replica.QUAD_NODES, None)
        assert abs(mse / cls.signal_power - e) <= 1e-9 * max(e, 1e-3)


@pytest.mark.parametrize("init,scheme", [(Init(1e-4), "readout"), (Init(1e-2, -0.5e-2, 0.1), "readout"),
                                         (Init(1e-3, 0.9e-3, 0.05), "merged"), (Init(1e3, 0.0, 1.0), "merged")])
def test_compiled_moments_match_numpy(init, scheme):
    """The compiled moments (C printed from the same sympy expressions, ptft_theory.replica.compiled) and the
    numpy path agree on E[eta'], E[(eta - beta*)^2] and the Jacobian, cold and warm-started.  Both
    stop the prox at 16 eps of the residual's terms and sum in a different order: 1e-11 relative, or
    1e-13 absolute for sums whose O(1) terms cancel (d E[eta']/d tau of a nearly linear eta is ~1e-15)."""
    from ptft_theory import replica
    from ptft_theory.replica import compiled as _cmoments
    from ptft_theory.replica import hermite
    if _cmoments.library() is None:
        pytest.skip("no C compiler here: the numpy path is the only one")
    cls = replica.coordinate_classes(MIXED, init, scheme)
    c_mom, np_mom = hermite.HermiteMoments(cls, 81), hermite.HermiteMoments(cls, 81, compiled=False)
    assert c_mom.lib is not None and np_mom.lib is None
    for tau, zeta in ((0.5, 0.3), (0.52, 0.29), (0.05, 1e-3), (3.0, 20.0)):  # the 2nd and 4th start warm
        a, b = c_mom(tau, zeta, jac=True), np_mom(tau, zeta, jac=True)
        np.testing.assert_allclose([a[0], a[1], *a[2]], [b[0], b[1], *b[2]], rtol=1e-11, atol=1e-13)


def test_numpy_fallback_when_no_compiler(monkeypatch):
    """Without a compiler the solver runs on numpy and gives the same E (to the solver tolerance), and
    each result says which path ran (``backend``) and which quadrature solved each alpha (``rule``)."""
    from ptft_theory.replica import compiled as _cmoments
    have_c = _cmoments.library() is not None
    r_c = generalization_error(MIXED, Init(1e-2, 0.0, 0.1), [0.2, 0.5, 1.2])
    monkeypatch.setattr(_cmoments, "library", lambda: None)
    r_np = generalization_error(MIXED, Init(1e-2, 0.0, 0.1), [0.2, 0.5, 1.2])
    np.testing.assert_allclose(r_np.E, r_c.E, rtol=1e-9)
    assert (r_c.backend, r_np.backend) == ("c" if have_c else "numpy", "numpy")
    assert list(r_c.rule) == list(r_np.rule) == ["hermite", "hermite", "closed_form"]


def test_noisy_overdetermined_is_least_squares():
    """alpha > 1 with noise: GF on an over-determined problem goes to least squares; the replica value
    sigma^2 alpha/(alpha - 1) (sympy, kernel least_squares_mse) against numpy's lstsq on sampled
    problems (D = 200, N = 400, 20 seeds).  Finite size: E tr((X^T X)^-1) = D/(N - D - 1), a 0.5%
    bias; tolerance 3 SE of the seed mean plus that bias."""
    from ptft_theory import make_teachers, relative_error, sample_data
    D, N, sigma_y = 200, 400, 0.3
    E_rep = float(generalization_error(MIXED, Init(1e-2, 0.0, 0.1), N / D, sigma=sigma_y / np.sqrt(N)))
    Es = []
    for seed in range(20):
        T = make_teachers(MIXED, D, seed)
        X, y = sample_data(N, T.beta_ft, sigma_y, seed=100 + seed)
        beta = np.linalg.lstsq(X, y, rcond=None)[0]
        # per-draw normaliser E[beta*^2] (the replica's), not the sampled ||beta*||^2
        Es.append(relative_error(beta, T.beta_ft) * np.sum(T.beta_ft**2) / (D * MIXED.rho_ft * MIXED.a_ft**2))
    mean, se = np.mean(Es), np.std(Es, ddof=1) / np.sqrt(len(Es))
    assert abs(mean - E_rep) <= 3 * se + 0.006 * E_rep, (mean, se, E_rep)
    with pytest.raises(ValueError, match="alpha != 1 when sigma > 0"):
        generalization_error(MIXED, Init(1e-2, 0.0, 0.1), 1.0, sigma=0.1)


def test_error_sweep_matches_independent_calls():
    """A warm-started sweep over lambda_pt solves the same equations as separate cold calls."""
    from ptft_theory.replica import error_sweep
    alphas = [0.2, 0.5]
    lams = [-0.9e-2, 0.0, 0.9e-2]
    rs = error_sweep(MIXED, Init(1e-2, 0.0, 0.05), "lambda_pt", lams, alphas)
    for lam, r in zip(lams, rs):
        ref = generalization_error(MIXED, Init(1e-2, lam, 0.05), alphas).E
        np.testing.assert_allclose(r.E, ref, rtol=1e-9)
    with pytest.raises(ValueError, match="param='k' is invalid"):
        error_sweep(MIXED, Init(1e-2), "k", [1.0], 0.3)
    with pytest.raises(ValueError, match="lambda_pt"):
        error_sweep(MIXED, Init(1e-2), "lambda_pt", [0.5], 0.3)  # |lambda_pt| > c_pt


@pytest.mark.parametrize("init,alpha", [(Init(1e-3, -1e-3), 0.08), (Init(1e-3), 0.3), (Init(1e-2), 0.4)])
def test_quadrature_error_estimate_is_honest(init, alpha):
    """The float64 quad_error (moments at twice the nodes plus the fixed point's first-order move)
    bounds the actual error against the mpmath path (panels in the mirror variable, 25 digits):
    |E_64 - E_mp| <= 3 quad_error + 1e-12 E (the Newton stop), and the adaptive node doubling
    brings E within 1e-8 relative (target 1e-9; Gauss-Hermite is slow on these kinked cases)."""
    r = generalization_error(MIXED, init, alpha, "readout")  # kinked readout cases (lambda = -c freezes merged)
    ref = float(generalization_error(MIXED, init, alpha, "readout", dps=25).E[0])
    err = abs(r.E[0] - ref)
    assert err <= 3 * r.quad_error[0] + 1e-12 * ref, (err, r.quad_error[0])
    assert err <= 1e-8 * ref


@pytest.mark.parametrize("init,scheme,sigma", [(Init(1e-4), "readout", 0.0), (Init(1e-2, -0.9e-2, 0.1), "merged", 0.0),
                                               (Init(1.0, 0.5, 0.5), "readout", 0.05), (Init(1e-3, 1e-3), "merged", 0.0)])
def test_cold_points_agree_with_the_curve(init, scheme, sigma):
    """A point solved cold (coarse-rule Newton start) and the same alpha reached by continuation along
    a curve land on the same fixed point (1e-9: both stop at |F| <= 1e-10, same quadrature)."""
    alphas = np.array([0.1, 0.25, 0.45, 0.7])
    curve = generalization_error(MIXED, init, alphas, scheme, sigma).E
    cold = np.array([float(generalization_error(MIXED, init, a, scheme, sigma)) for a in alphas])
    np.testing.assert_allclose(cold, curve, rtol=1e-9)


@pytest.mark.parametrize("sigma", [0.0, 0.05])
def test_compiled_newton_matches_python(sigma):
    """The compiled damped Newton on the fixed point (``newton_point_compiled``) and the Python one
    (``newton_point_py``) reach the same (tau, zeta, MSE) on the same moments, from a hint a factor
    1.5 off and from near the root.  Both stop at |F| < 1e-13 or a step below 1e-15 (log
    units); the prox warm starts differ (first-order moves), so agreement is to ~1e-12, not bitwise."""
    from ptft_theory import replica
    from ptft_theory.replica import compiled as _cmoments
    from ptft_theory.replica import fixed_point, hermite
    if _cmoments.library() is None:
        pytest.skip("no C compiler here: the Python Newton is the only one")
    init = Init(1e-2, 0.0, 0.1)
    cls = replica.coordinate_classes(MIXED, init, "readout")
    for alpha in (0.2, 0.55):
        ref = generalization_error(MIXED, init, alpha, sigma=sigma)
        root = (float(ref.tau[0]), float(ref.zeta[0]))
        for hint in ((1.5 * root[0], root[1] / 1.5), (root[0] * (1 + 1e-6), root[1])):
            moments = [hermite.HermiteMoments(cls, replica.QUAD_NODES) for _ in range(2)]
            c = fixed_point.newton_point_compiled(moments[0], alpha, sigma, hint)
            p = fixed_point.newton_point_py(moments[1], alpha, sigma, hint)
            assert c is not None and p is not None
            np.testing.assert_allclose(c, p, rtol=1e-12)


def test_panel_fallback_where_gauss_hermite_falls_short(monkeypatch):
    """A noisy point near alpha -> 1 with tiny k (zeta/tau ~ 0.1): Gauss-Hermite in z does not reach
    1e-9 even with 1288 nodes, so the point is solved on Gauss-Legendre panels in the mirror variable
    (replica/panels.py).  Checked against the independent 20-digit mpmath path (own panels and
    quadrature at 32 working digits) to 1e-12 relative: the float64 fixed point is good to ~1e-13
    and the panel rule's estimate is ~1e-14.  Without the fallback the same call raises, saying why.
    A single cold point further out (alpha = 0.98), where the cold start fails, is reached by
    continuation from alpha/2 and agrees with the curve through it."""
    from ptft_theory.replica import curve as curve_mod
    task = Task(0.194, 0.122, 0.2)
    init = Init(2.5e-3, -4.9e-4, 0.0)
    sigma = 0.0318  # a readout case (the scheme the fallback was found and measured on)
    r = generalization_error(task, init, [0.8, 0.85, 0.9], sigma=sigma, scheme="readout")
    ref = generalization_error(task, init, [0.8, 0.85, 0.9], sigma=sigma, scheme="readout", dps=20)
    np.testing.assert_allclose(r.E, [float(e) for e in ref.E], rtol=1e-12)
    assert np.all(r.quad_error <= 1e-12)
    assert "panels" in list(r.rule) and (ref.backend, ref.rule) == (replica_mp_moments(), "panels")

    single = generalization_error(task, init, 0.98, sigma=sigma, scheme="readout")
    curve = generalization_error(task, init, [0.5, 0.98], sigma=sigma, scheme="readout")
    assert abs(float(single) - curve.E[1]) <= 1e-12 * curve.E[1]
    with monkeypatch.context() as mp:  # the cold start alone does fail there
        mp.setattr(curve_mod, "_by_continuation", _disabled)
        with pytest.raises(ReplicaError):
            generalization_error(task, init, 0.98, sigma=sigma, scheme="readout")
    monkeypatch.setattr(curve_mod, "panel_solve_point", _disabled)
    with pytest.raises(ReplicaError, match="quadrature not converged at alpha=0.85.*larger n_nodes"):
        generalization_error(task, init, 0.85, sigma=sigma, scheme="readout")


def replica_mp_moments() -> str:
    """The high-precision moments evaluator this process runs (``PTFT_HP_MOMENTS``, default arb)."""
    from ptft_theory.replica import mp
    return mp.MOMENTS


def test_high_precision_result_names_the_evaluator_that_ran(monkeypatch):
    """Before: backend "mpmath" whichever of arb or pure mpmath evaluated the moments (issue 13: a result
    records which path ran).  One 20-digit point each way; the two agree to the 20 digits asked."""
    from ptft_theory.replica import mp
    task, init = Task(0.1, 0.05, 0.05), Init(0.01, 0.0, 0.1)
    monkeypatch.setattr(mp, "MOMENTS", "arb")
    a = generalization_error(task, init, 0.3, dps=20)
    monkeypatch.setattr(mp, "MOMENTS", "mpmath")
    m = generalization_error(task, init, 0.3, dps=20)
    assert (a.backend, m.backend) == ("arb", "mpmath")
    assert abs(a.E[0] - m.E[0]) <= 1e-18 * abs(m.E[0])  # both bound their error by ~1e-20 relative
