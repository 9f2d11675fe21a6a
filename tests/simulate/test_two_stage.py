"""Finite pretraining data (docs/design.md section 3.1): the two-stage replica against its limits,
an independent one-stage evaluation of the PT problem, a doubled quadrature rule, direct simulation
(reduced here, full size with PTFT_FULL=1) and gradient flow (rung 2)."""

import numpy as np
import pytest
import sympy as sp

import ptft_theory.replica.two_stage as TS
from ptft_theory import Init, ParameterError, Task, generalization_error
from ptft_theory.symbolic import two_stage as ST
from ptft_theory.replica.two_stage import alpha_pt_sweep
from ptft_theory.simulate import mean_se, two_stage_convex, two_stage_gradient_flow

from conftest import FULL

MIXED = Task(0.1, 0.05, 0.05)
SUBSET_TASK = Task(0.1, 0.01, 0.0)
IDENTICAL = Task(0.1, 0.1, 0.0)
NO_OVERLAP = Task(0.1, 0.0, 0.1)
REG_II, REG_IV = Init(1e-3, 1e-3), Init(1e-3, -0.9e-3)


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """The simulations run many small solves: default BLAS threads oversubscribe the shared 2 cores
    (a D = 400 draw took 6.7 s instead of 0.07 s)."""
    from ptft_theory.experiments.sweep import limit_blas_threads
    limit_blas_threads(1)


def test_symbolic_limits():
    lim = ST.limits()  # raises unless each limit checks symbolically
    assert sp.simplify(lim["lazy_E_pt"] - (1 - ST.alpha_pt)) == 0
    assert lim["merged_lambda_minus_c_k"] == sp.Symbol("gamma_ft", nonnegative=True) ** 2
    # the s1 density integrates to one (its antiderivative runs from 0 to 1): independent numeric check
    f = sp.lambdify(ST.s1, ST.pt_mirror_density().subs({ST.tau_pt: 0.7, ST.zeta_pt: 0.3, ST.beta_star_pt: 1.2,
                                                         sp.Symbol("c_pt", positive=True): 1e-2}), "mpmath")
    import mpmath
    assert abs(mpmath.quad(f, [-6, -1, 0, 1, 2, 3, 4, 6]) - 1) < 1e-12


@pytest.mark.parametrize("scheme", ["merged", "readout"])
def test_alpha_pt_none_is_todays_answer_bit_for_bit(scheme):
    alphas = [0.2, 0.45]
    a = generalization_error(MIXED, Init(1e-2, 0.0, 0.1), alphas, scheme)
    b = generalization_error(MIXED, Init(1e-2, 0.0, 0.1), alphas, scheme, alpha_pt=None)
    assert type(a) is type(b) and np.array_equal(a.E, b.E) and np.array_equal(a.tau, b.tau)


@pytest.mark.parametrize("alpha_pt", [1.0, 1.7])
def test_noiseless_alpha_pt_at_least_one_is_perfect_pt(alpha_pt):
    """Noiseless PT with alpha_pt >= 1 interpolates its teacher exactly (E_pt = 0): the paper's answer."""
    init = Init(1e-3, -0.5e-3, 0.05)
    a = generalization_error(MIXED, init, [0.2, 0.4], alpha_pt=alpha_pt)
    b = generalization_error(MIXED, init, [0.2, 0.4])
    assert a.E_pt == 0 and np.array_equal(a.E, b.E)


@pytest.mark.parametrize("alpha_pt, sigma_pt", [(0.2, 0.0), (0.35, 0.0), (0.6, 0.05), (1.5, 0.1)])
def test_pt_error_is_the_one_stage_replica_of_the_pt_problem(alpha_pt, sigma_pt):
    """E_pt against the one-stage FT solver on a task that *is* the PT problem: FT teacher = a
    rho_pt-sparse teacher of amplitude A_pt on fresh coordinates, merged with lambda = -c and
    gamma = sqrt(c) so that k = c and b0 = 0 on every coordinate (an independent path: coordinate
    classes, ft_scales, no PT code).  Tolerance: both solves meet a 1e-9 relative quadrature target;
    gamma^2 = c carries one rounding (1e-16 relative in k)."""
    c = 1e-2
    task = Task(0.1, 0.05, 0.05)
    pt_as_ft = Task(0.1, 0.0, 0.1, amp_ft=task.a_pt)
    r = generalization_error(task, Init(c), 0.3, alpha_pt=alpha_pt, sigma_pt=sigma_pt)
    ref = float(generalization_error(pt_as_ft, Init(c, -c, np.sqrt(c)), alpha_pt, sigma=sigma_pt))
    assert r.E_pt == pytest.approx(ref, rel=1e-7, abs=1e-12)


def test_lazy_pt_limit():
    """c_pt = 1e6: PT is min-norm interpolation, E_pt = 1 - alpha_pt (closed form, derivations 5.4);
    corrections O((A_pt / c)^2) = 1e-11."""
    r = generalization_error(MIXED, Init(1e6), 0.3, alpha_pt=0.4)
    assert r.E_pt == pytest.approx(0.6, abs=1e-8)
    # FT lazy as well: 1 - alpha, to the z1 quadrature's own (reported) error, which must be honest here
    assert abs(float(r) - 0.7) <= 1.5 * r.quad_error[0] + 1e-12 and r.quad_error[0] <= TS.QUAD_RTOL * 0.7


@pytest.mark.parametrize("task", [NO_OVERLAP, MIXED])
def test_merged_lambda_minus_c_does_not_depend_on_alpha_pt(task):
    """Merged with lambda = -c: k = gamma^2 whatever PT learned (sympy, derivations 5.4), so the FT error
    is the perfect-PT one at any alpha_pt: checks the z1 weights (they must sum to 1) and sub-classes.
    Tolerance: the reported quadrature error (which must be honest: the only error here is the z1 rule's)."""
    init = Init(1e-3, -1e-3, 0.1)
    ref = generalization_error(task, init, [0.2, 0.5])
    for ap in (0.15, 0.3, 0.6):
        r = generalization_error(task, init, [0.2, 0.5], alpha_pt=ap)
        assert np.all(np.abs(r.E - ref.E) <= 1.5 * r.quad_error + 1e-9 * ref.E), (r.E - ref.E, r.quad_error)


def test_readout_kink_points_are_where_k_vanishes():
    """The panel edges kink_points() adds (readout, lambda = -c) are zeros of the generated FT map."""
    from ptft_theory import ft_scales
    init = Init(1e-2, -1e-2, 0.1)
    (s_lo, s_hi) = TS.kink_points(init, "readout")
    k, _ = ft_scales(1e-2 * np.sinh(2 * np.array([s_lo, s_hi, 0.5 * s_hi])), 1e-2, -1e-2, 0.1, "readout")
    assert k[0] < 1e-12 and k[1] < 1e-12 and k[2] > 1e-3
    assert TS.kink_points(Init(1e-2, -0.5e-2, 0.1), "readout") == () == TS.kink_points(init, "merged")


@pytest.mark.parametrize("scheme, init", [("merged", REG_IV), ("readout", Init(1e-2, 0.0, 0.1)),
                                          ("readout", Init(1e-2, 1e-2, 0.0))])
def test_folded_symmetries_change_nothing(monkeypatch, scheme, init):
    """The sign symmetries folded in ft_subclasses (merged shared classes, half z1 rules) are exact: the
    unfolded sub-classes give the same E to the solver's tolerance (1e-10 relative; rounding of the
    mirrored panel edges only)."""
    a = generalization_error(MIXED, init, [0.2, 0.4], scheme, alpha_pt=0.4)
    monkeypatch.setattr(TS, "FOLD_SYMMETRIES", False)
    b = generalization_error(MIXED, init, [0.2, 0.4], scheme, alpha_pt=0.4)
    np.testing.assert_allclose(a.E, b.E, rtol=1e-10)


def test_quadrature_estimate_tracks_a_doubled_rule(monkeypatch):
    """The reported quad_error bounds the change when both the z1 rule (nodes per panel) and the z2 rule
    double, and the target was met.  Small c_pt (PT nearly soft-thresholding: the hard z1 case)."""
    cases = [(MIXED, Init(1e-3), "merged", 0.3), (MIXED, Init(1e-3), "readout", 0.25),
             (IDENTICAL, REG_IV, "merged", 0.35), (MIXED, Init(1e-2, -1e-2, 0.1), "readout", 0.5)]
    base = [generalization_error(t, i, [0.2, 0.4], s, alpha_pt=ap) for t, i, s, ap in cases]
    monkeypatch.setattr(TS, "Z1_NODES", 2 * TS.Z1_NODES)
    monkeypatch.setattr(TS, "Z1_NODES_MAX", 2 * TS.Z1_NODES_MAX)
    monkeypatch.setattr(TS, "Z2_NODES", 2 * TS.Z2_NODES)
    monkeypatch.setattr(TS, "Z2_NODES_MAX", 2 * TS.Z2_NODES_MAX)
    monkeypatch.setattr(TS, "QUAD_RTOL", 1e-9)
    for (t, i, s, ap), r in zip(cases, base):
        ref = generalization_error(t, i, [0.2, 0.4], s, alpha_pt=ap)
        diff = np.abs(r.E - ref.E)
        # the doubled rule has an error of its own (~1/16 of ours for exponential convergence): 1.5x
        assert np.all(diff <= 1.5 * r.quad_error + 1e-13), (diff, r.quad_error)
        assert np.all(r.quad_error <= TS.QUAD_RTOL_MAX * np.maximum(r.E, TS.QUAD_E_FLOOR))


def test_monotone_in_alpha_pt_where_theory_says_so():
    """The PT error falls with alpha_pt always (one-stage replica).  The FT error falls with alpha_pt when
    FT reuses PT's features (identical support) in the PT-dependent regimes II and IV; it *rises* on
    the no-overlap task (better PT commits the network to the wrong features): checked both ways."""
    aps = [0.15, 0.25, 0.35, 0.5, 0.7]
    for init in (REG_II, REG_IV):
        rs = alpha_pt_sweep(aps, 0.2, IDENTICAL, init)
        E, Ept = np.array([float(r) for r in rs]), np.array([r.E_pt for r in rs])
        assert np.all(np.diff(Ept) < 0) and np.all(np.diff(E) < 0)
        rs = alpha_pt_sweep(aps, 0.2, NO_OVERLAP, init)
        assert np.all(np.diff([float(r) for r in rs]) > 0)


def test_sweep_matches_single_points():
    from ptft_theory import error_sweep
    rs = error_sweep(MIXED, REG_IV, "alpha_pt", [0.3, 0.5], [0.2, 0.4])
    for ap, r in zip((0.3, 0.5), rs):
        one = generalization_error(MIXED, REG_IV, [0.2, 0.4], alpha_pt=ap)
        np.testing.assert_allclose(r.E, one.E, rtol=2e-5)  # both within the 1e-5 quadrature target


@pytest.mark.parametrize("kw, name", [(dict(alpha_pt=-0.1), "alpha_pt"), (dict(alpha_pt=float("nan")), "alpha_pt"),
                                      (dict(alpha_pt=0.3, sigma_pt=-1.0), "sigma_pt"),
                                      (dict(sigma_pt=0.1), "sigma_pt"), (dict(alpha_pt=0.3, dps=30), "dps"),
                                      (dict(alpha_pt=1.0, sigma_pt=0.1), "alpha_pt")])
def test_bad_input_names_the_parameter(kw, name):
    with pytest.raises(ParameterError, match=name):
        generalization_error(MIXED, Init(1e-2), 0.3, **kw)


# (scheme, init, task, alpha_pt, alpha, sigma_y_pt): lazy-ish settings, where D = 600 is already in the
# proportional limit; below and above alpha_c(0.1) = 0.329, one with PT noise.
SIM_CASES = [("merged", Init(1.0, 0.5, 0.5), MIXED, 0.35, 0.4, 0.0),
             ("readout", Init(1e-2, -1e-2, 0.1), MIXED, 0.5, 0.3, 0.0),
             ("merged", Init(1e-2, 0.0, 0.1), MIXED, 0.3, 0.4, 1.0)]


@pytest.mark.parametrize("case", SIM_CASES if FULL else SIM_CASES[1:])
def test_two_stage_replica_vs_convex_simulation_reduced(case):
    """Replica vs direct PT + FT convex solves, D = 400 (600 full), 6 seeds (fixed: deterministic).
    Bound 3 SE: the standard error itself is estimated from 6 seeds (t-distribution with 5 dof)."""
    scheme, init, task, ap, a, syp = case
    D, seeds = (600, 8) if FULL else (400, 6)
    draws = [two_stage_convex(D, task, init, scheme, alpha_pt=ap, alpha=a, sigma_y_pt=syp, seed=s) for s in range(seeds)]
    n_pt = round(ap * D)
    r = generalization_error(task, init, round(a * D) / D, scheme, alpha_pt=n_pt / D, sigma_pt=syp / np.sqrt(n_pt))
    m, se = mean_se([d.E for d in draws])
    mp, sep = mean_se([d.E_pt for d in draws])
    assert abs(m - float(r)) <= 3 * se, (m, se, float(r))
    assert abs(mp - r.E_pt) <= 3 * sep, (mp, sep, r.E_pt)


@pytest.mark.skipif(not FULL, reason="full size with PTFT_FULL=1")
def test_two_stage_replica_vs_convex_simulation_full():
    """validation/two_stage_vs_convex.py at D = 2000, 20 seeds, three of its settings: inside +-3 SE."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
    from two_stage_vs_convex import SETTINGS, run_setting
    for s in SETTINGS[2:5]:
        row = run_setting(*s, D=2000, seeds=20)
        assert abs(row["dev_in_se"]) <= 3, row


def test_gradient_flow_matches_convex_path_two_stage():
    """Rung 2 for the two-stage pipeline: the network trained by GF on the real PT data, re-initialised
    and fine-tuned, lands on the convex path's PT and FT end points (1e-6 relative, as
    tests/simulate/test_gf_vs_implicit_bias.py: ODE rtol 1e-9, residual 1e-10 measured to give ~1e-8)."""
    cases = (("merged", Init(1e-2, -0.5e-2, 0.05), 0.4, 20), ("readout", Init(0.1, 0.05, 0.2), 0.5, 20))
    if not FULL:  # reduced: one scheme per run of the default suite is enough to catch a wrong map
        cases = (("readout", Init(0.1, 0.05, 0.2), 0.5, 20),)
    for scheme, init, ap, D in cases:
        kw = dict(alpha_pt=ap, alpha=0.5, seed=3)
        cv = two_stage_convex(D, MIXED, init, scheme, **kw)
        gf = two_stage_gradient_flow(D, MIXED, init, scheme, rtol=1e-9, residual_tol=1e-10, **kw)
        for a, b in ((gf.beta_pt, cv.beta_pt), (gf.beta_ft, cv.beta_ft)):
            assert np.max(np.abs(a - b)) <= 1e-6 * np.max(np.abs(b))


def test_cli_curve_with_alpha_pt():
    import json
    from _cli import run_cli
    rc, out, err = run_cli("curve", "--c-pt", "1e-3", "--lambda-pt", "-9e-4", "--rho-pt", "0.1", "--rho-shared", "0.01",
                           "--rho-new", "0", "--alpha", "0.1", "0.3", "--alpha-pt", "0.4", "--json")
    out = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    ref = generalization_error(SUBSET_TASK, Init(1e-3, -9e-4), [0.1, 0.3], alpha_pt=0.4)
    assert rc == 0 and out["E"] == pytest.approx(list(ref.E), rel=1e-12)
    assert out["E_pt"] == pytest.approx(ref.E_pt, rel=1e-12)
    for bad in (["--alpha-pt", "-1"], ["--alpha-pt", "0.3", "--dps", "30"], ["--sigma-pt", "0.1"]):
        rc, out, err = run_cli("curve", "--c-pt", "1e-3", "--rho-pt", "0.1", "--rho-shared", "0.01", "--rho-new", "0",
                               "--alpha", "0.1", *bad)
        assert rc == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
