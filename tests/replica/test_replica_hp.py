"""High-precision replica path (mpmath) and phase boundaries.

Oracles from outside the code under test: the float64 solver (a different quadrature, Gauss-Hermite
in z with an inner Newton, versus Gauss-Legendre panels in the mirror variable s), the closed-form
l2 limit E = 1 - alpha, an independent Donoho-Tanner evaluation, and independent E calls at the
returned boundary points.  PTFT_FULL=1 adds settings and the heavier boundary checks.
"""

import doctest
import json
import os
import subprocess
import sys

import mpmath
import numpy as np
import pytest

from ptft_theory import Init, Task
from ptft_theory.replica import boundary_curve, equal_error_alpha, level_crossing_alpha
from ptft_theory.replica import ReplicaError, generalization_error, rich_limit_threshold

FULL = os.environ.get("PTFT_FULL") == "1"
MIXED = Task(0.1, 0.05, 0.05)
#: c so large that the potential is l2 to O((A/k)^2) ~ 4e-27 (A^2 = 10, k ~ c/2): E = 1 - alpha to 1e-25.
C_L2 = 1e14

# (init, scheme, sigma, alpha): rich and lazy, both schemes, noise.
SETTINGS = [
    (Init(1e-2, 0.0, 0.1), "readout", 0.0, 0.4),       # rich, PT-dependent
    (Init(1.0), "merged", 0.0, 0.4),                   # lazier, merged
    (Init(1e-2, -5e-3, 0.1), "readout", 0.05, 0.3),    # rich, smaller first layer, noisy
]
FULL_SETTINGS = [
    (Init(1e-2), "readout", 0.0, 0.4),                 # rich, gamma = 0 (float64 needs 321 nodes here)
    (Init(0.1, -0.1, 0.5), "merged", 0.02, 0.6),
    (Init(1e-3, 0.0, 0.05), "readout", 0.0, 0.25),
]


@pytest.fixture(scope="module")
def rich30():
    return generalization_error(MIXED, SETTINGS[0][0], 0.4, "readout", dps=30)


@pytest.mark.parametrize("setting", SETTINGS + (FULL_SETTINGS if FULL else []))
def test_float64_agrees_with_mpmath(setting, rich30):
    """Two different quadratures and solvers of the same equations agree.  Tolerance 1e-9 relative:
    the float64 path is good to ~1e-10 at 321 Gauss-Hermite nodes (its outer tolerance is 1e-13, its
    quadrature error ~1e-13 at fixed (tau, zeta), amplified by the fixed point)."""
    init, scheme, sigma, alpha = setting
    r64 = generalization_error(MIXED, init, alpha, scheme, sigma, n_nodes=321)
    rmp = rich30 if setting == SETTINGS[0] else generalization_error(MIXED, init, alpha, scheme, sigma, dps=30)
    E = rmp.E[0]
    assert isinstance(E, mpmath.mpf)
    assert abs(float(E) - r64.E[0]) <= 1e-9 * float(E)
    assert abs(float(rmp.tau[0]) - r64.tau[0]) <= 1e-9 * r64.tau[0]
    assert rmp.error[0] < mpmath.mpf(10) ** -30 * E  # its own error estimate claims the 30 digits
    assert abs(float(rmp) - float(E)) == 0 and np.asarray(rmp).dtype == float


def test_precision_claim_dps30_vs_dps40(rich30):
    """dps=30 and dps=40 (different node counts, working precision, Newton steps) agree to >= 25
    digits on a rich setting, so the 30 digits are real, not just printed."""
    r40 = generalization_error(MIXED, SETTINGS[0][0], 0.4, "readout", dps=40)
    with mpmath.workdps(50):
        rel = abs(rich30.E[0] - r40.E[0]) / r40.E[0]
    assert rel < mpmath.mpf(10) ** -25, mpmath.nstr(rel, 3)
    assert len(r40.E_str[0].lstrip("0.")) >= 38


@pytest.mark.parametrize("scheme", ["readout"] + (["merged"] if FULL else []))
def test_l2_limit_high_precision(scheme):
    """c huge: E = 1 - alpha exactly up to O((A/k)^2) ~ 4e-27; checked to 1e-25 at dps=30 (the float64
    path cannot tell 1e-16 from 0).  alpha is the binary double nearest 0.6; 1 - alpha evaluated at
    50 digits."""
    r = generalization_error(MIXED, Init(C_L2), 0.6, scheme, dps=30)
    with mpmath.workdps(50):
        dev = abs(r.E[0] - (1 - mpmath.mpf(0.6)))
    assert dev < mpmath.mpf(10) ** -25, mpmath.nstr(dev, 3)


def test_alpha_above_one_and_bad_dps():
    """alpha >= 1 follows the float64 rules at 30 digits: E = 0 noiseless; with noise least squares,
    against the closed form sigma^2 alpha / ((alpha - 1) E[beta*^2]) evaluated here in mpmath
    (E[beta*^2] = rho_ft A_ft^2 = 1 exactly with the default A_ft = 1/sqrt(rho_ft)); alpha = 1 with
    noise, and alpha beyond the non-frozen fraction while frozen coordinates carry signal, raise as in
    float64."""
    r = generalization_error(MIXED, Init(1.0), [1.5], dps=30)
    assert r.E[0] == 0
    with pytest.raises(ValueError, match=r"dps=0 is invalid; valid range: an integer >= 1"):
        generalization_error(MIXED, Init(1.0), 0.5, dps=0)
    noisy = generalization_error(MIXED, Init(1.0), [1.5, 3.0], sigma=0.1, dps=30)
    with mpmath.workdps(40):
        for a, E in zip((1.5, 3.0), noisy.E):
            ref = mpmath.mpf(0.1) ** 2 * a / (a - 1)  # sigma as the float the API takes
            assert abs(E - ref) <= mpmath.mpf(10) ** -29 * ref
    f64 = generalization_error(MIXED, Init(1.0), [1.5, 3.0], sigma=0.1)
    np.testing.assert_allclose([float(e) for e in noisy.E], f64.E, rtol=1e-14)
    with pytest.raises(ValueError, match="with sigma=0.1"):
        generalization_error(MIXED, Init(1.0), 1.0, sigma=0.1, dps=30)
    frozen = Init(1.0, -1.0, 0.0)  # lambda = -c, gamma = 0: coordinates PT left at 0 are frozen (k = 0)
    for dps in (None, 30):
        with pytest.raises(ValueError, match="exceeds the fraction of non-frozen coordinates"):
            generalization_error(MIXED, frozen, 0.99, dps=dps)


def test_rich_limit_threshold_dps40_against_independent_formulation():
    """alpha_c(rho) is the statistical dimension of the l1 descent cone.  Independently of the code
    (findroot on the closed-form derivative of the closed-form objective) use the *integral* form
    psi(t) = rho (1 + t^2) + 2 (1 - rho) int_t^inf (u - t)^2 phi(u) du: its stationarity condition,
    differentiated under the integral, is rho t = 2 (1 - rho) int_t^inf (u - t) phi(u) du; solve it with
    mpmath.findroot (secant) on tanh-sinh quadratures at 50 digits and evaluate psi there by quadrature.
    1e-30: both sides are good to ~1e-40."""
    for rho in (0.1, 0.3):
        with mpmath.workdps(50):
            r = mpmath.mpf(rho)

            def tail(t, p):
                return mpmath.quad(lambda u: (u - t) ** p * mpmath.npdf(u), [t, t + 4, t + 12, mpmath.inf])

            t = mpmath.findroot(lambda t: r * t - 2 * (1 - r) * tail(t, 1), (mpmath.mpf(1.1), mpmath.mpf(1.3)),
                                solver="secant")
            ref = r * (1 + t**2) + 2 * (1 - r) * tail(t, 2)
        got = rich_limit_threshold(rho, dps=40)
        assert abs(got - ref) < mpmath.mpf(10) ** -30, (rho, got, ref)
    with mpmath.workdps(40):
        assert mpmath.nstr(rich_limit_threshold(0.1, dps=40), 15) == "0.32879350545363"  # docs/design.md's value


# ------------------------------------------------------------------------------------ boundaries
EQ_INIT = Init(1e-2, -5e-3, 0.1)  # readout vs merged cross near alpha = 0.2476


def test_equal_error_alpha_float64_root_and_sign_flip():
    r = equal_error_alpha(MIXED, EQ_INIT, scheme_a="readout", scheme_b="merged", bracket=(0.2, 0.3))
    a, d = float(r), 1e-4
    # independent calls of the replica solver at the root and d either side
    grid = [a - d, a, a + d]
    diff = generalization_error(MIXED, EQ_INIT, grid, "readout").E - generalization_error(MIXED, EQ_INIT, grid, "merged").E
    assert abs(diff[1]) < 1e-8  # E's are ~0.46 with ~1e-9 float64 accuracy
    assert diff[0] * diff[2] < 0  # sign flips across the root (slope ~0.3: |diff| ~ 3e-5 >> 1e-8 noise)
    assert r.error < 1e-6 and abs(r.E[0] - r.E[1]) < 1e-8


@pytest.mark.skipif(not FULL, reason="~30 s: PTFT_FULL=1")
def test_equal_error_alpha_high_precision():
    r = equal_error_alpha(MIXED, EQ_INIT, scheme_a="readout", scheme_b="merged", bracket=(0.1, 0.3), dps=30)
    r64 = equal_error_alpha(MIXED, EQ_INIT, scheme_a="readout", scheme_b="merged", bracket=(0.1, 0.3))
    assert r.error < mpmath.mpf(10) ** -30
    assert abs(float(r.alpha) - float(r64)) < r64.error
    # independent mpmath evaluations at the root and across it
    Ea = generalization_error(MIXED, EQ_INIT, float(r.alpha), "readout", dps=30).E[0]
    Eb = generalization_error(MIXED, EQ_INIT, float(r.alpha), "merged", dps=30).E[0]
    assert abs(Ea - Eb) < 1e-15  # float(alpha) is 1e-17 off the root; slope ~0.3


def test_level_crossing_l2_closed_form_dps30():
    """E = 1 - alpha (c huge) crosses level L at alpha = 1 - L: to 1e-25 at dps=30 (model error ~4e-27)."""
    r = level_crossing_alpha(MIXED, Init(C_L2), 0.5, bracket=(0.3, 0.7), dps=30)
    assert isinstance(r.alpha, mpmath.mpf)
    assert abs(r.alpha - mpmath.mpf("0.5")) < mpmath.mpf(10) ** -25
    assert r.error < mpmath.mpf(10) ** -30
    with mpmath.workdps(50):  # the printed digits are the mpf's, not a double's (root = 0.5 - 1.6e-28)
        assert abs(mpmath.mpf(r.alpha_str) - r.alpha) < mpmath.mpf(10) ** -29
        assert abs(mpmath.mpf(r.as_dict()["alpha"]) - r.alpha) < mpmath.mpf(10) ** -29


def test_level_crossing_rich_independent_evaluation():
    init = Init(1e-2)
    r = level_crossing_alpha(MIXED, init, 0.25, bracket=(0.2, 0.5))
    E = float(generalization_error(MIXED, init, float(r)))
    assert abs(E - 0.25) < 1e-8
    assert float(generalization_error(MIXED, init, float(r) - 1e-3)) > 0.25 > float(generalization_error(MIXED, init, float(r) + 1e-3))


def test_boundary_curve_warm_starts_and_errors():
    cur = boundary_curve(MIXED, Init(1e8), "level", "c_pt", [1e7, 1e8], level=0.25, bracket=(0.5, 0.9))
    assert np.allclose([float(a) for a in cur.alpha], 0.75, atol=1e-9)
    with pytest.raises(ValueError, match=r"bracket=\(0.05, 0.2\) holds no sign change of E - 0.25"):
        level_crossing_alpha(MIXED, Init(1e8), 0.25, bracket=(0.05, 0.2))
    with pytest.raises(ValueError, match=r"bracket=\(0.5, 0.4\) is invalid; valid range: 0 < lo < hi < 1"):
        level_crossing_alpha(MIXED, Init(1e8), 0.25, bracket=(0.5, 0.4))
    with pytest.raises(ValueError, match="param='beta' is invalid"):
        boundary_curve(MIXED, Init(1.0), "level", "beta", [1.0], level=0.5)
    with pytest.raises(ValueError, match="the two sides are identical"):
        equal_error_alpha(MIXED, Init(1.0))


@pytest.mark.skipif(not FULL, reason="~15 s: PTFT_FULL=1")
def test_boundaries_docstring_examples():
    import ptft_theory.replica.boundaries as B
    result = doctest.testmod(B, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------------------------------ CLI
def _ptft(*args):
    """Run the console entry point in-process; returns a CompletedProcess."""
    from _cli import run_cli
    return subprocess.CompletedProcess(args, *run_cli(*args))


TASK_ARGS = ["--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05"]


def test_cli_boundary_level_json_and_errors():
    r = _ptft("boundary", "level", "--level", "0.25", "--c-pt", "1e8", *TASK_ARGS, "--bracket", "0.5", "0.9", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kind"] == "level" and isinstance(out["alpha"], str) and abs(float(out["alpha"]) - 0.75) < 1e-9
    bad = _ptft("boundary", "level", "--level", "0.25", "--c-pt", "1e8", *TASK_ARGS, "--bracket", "0.05", "0.2")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "no sign change" in bad.stderr
    bad = _ptft("boundary", "equal", "--c-pt", "1", *TASK_ARGS)
    assert bad.returncode == 2 and "identical" in bad.stderr
    bad = _ptft("boundary", "level", "--level", "0.5", "--c-pt", "1e8", *TASK_ARGS, "--dps", "0")
    assert bad.returncode == 2 and "dps=0 is invalid" in bad.stderr
    h = _ptft("boundary", "--help")
    assert h.returncode == 0 and "example:" in h.stdout


def test_cli_curve_dps_digits_as_strings():
    r = _ptft("curve", "--c-pt", str(C_L2), *TASK_ARGS, "--alpha", "0.5", "--dps", "30", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    with mpmath.workdps(40):  # E = 1 - alpha up to ~2e-28 (model), digits as a string
        assert abs(mpmath.mpf(out["E"][0]) - mpmath.mpf("0.5")) < mpmath.mpf(10) ** -25
    assert len(out["E"][0]) >= 32 and out["dps"] == 30
    assert float(out["E_error"][0]) < 1e-30


def test_cli_solver_failure_is_one_line_exit_1(monkeypatch):
    import ptft_theory.replica.boundaries as B

    def fail(*a, **k):
        raise ReplicaError("high-precision secant did not converge (test)")

    monkeypatch.setattr(B, "level_crossing_alpha", fail)
    r = _ptft("boundary", "level", "--level", "0.5", "--c-pt", "1e8", *TASK_ARGS)
    assert r.returncode == 1 and r.stderr.strip() == "ptft boundary: ReplicaError: high-precision secant did not converge (test)"
