"""Regime boundaries as curves in (log10 c_PT, lambda_PT / c_PT) (ptft_theory/regime_boundaries.py).

Truth from outside the code under test: the l-order boundary has a closed form (merged scheme:
k_pt = u (c + sqrt(c^2 + a_pt^2)) + gamma^2 with u = 1 + lambda/c, and p(z) = z asinh z / h(z),
h(z) = z asinh z - sqrt(1 + z^2) + 1, typed here from docs/design.md, solved with mpmath at 50 digits);
the PT-dependence boundary of the potential ratio is re-solved here with mpmath from the same typed
formulas; the labels either side of every point come from independent ``regime()`` calls.
"""

from __future__ import annotations

import doctest
import json

import mpmath
import pytest

from ptft_theory import Init, ParameterError, Task, regime
from ptft_theory.regime_boundaries import regime_boundary

TASK = Task(0.1, 0.05, 0.05)


# ---------------------------------------------------------------------------- independent formulas
def _h(z):
    return z * mpmath.asinh(z) - mpmath.sqrt(1 + z * z) + 1


def _p(z):
    return z * mpmath.asinh(z) / _h(z)


def _delta(z_pt, z_new):
    q_pt, q_new = _h(z_pt) / z_pt, _h(z_new) / z_new
    return (q_new - q_pt) / (q_new + q_pt)


def _k_merged(beta, c, u, g):
    return u * (c + mpmath.sqrt(c * c + beta * beta)) + g * g


def _amps():
    return 1 / mpmath.sqrt(mpmath.mpf(TASK.rho_pt)), 1 / mpmath.sqrt(mpmath.mpf(TASK.rho_shared) + mpmath.mpf(TASK.rho_new))


def _l_order_root(log10_c, gamma, threshold=1.8):
    """u* = (A/z* - gamma^2) / (c + sqrt(c^2 + a_pt^2)), p(z*) = threshold (p decreases from 2 to 1)."""
    with mpmath.workdps(50):
        a_pt, A = _amps()
        z_star = mpmath.findroot(lambda z: _p(z) - threshold, (mpmath.mpf("0.5"), mpmath.mpf(20)), solver="anderson")
        c = mpmath.mpf(10.0**log10_c)  # the code's c is the float 10.0**log10_c (docstring)
        return (A / z_star - mpmath.mpf(gamma) ** 2) / (c + mpmath.sqrt(c * c + a_pt * a_pt))


def _delta_root(ratio, x0, threshold=0.5):
    """log10 c where delta(A/k_pt, A/k_new) = threshold at lambda/c = ratio, gamma = 0 (merged)."""
    with mpmath.workdps(50):
        a_pt, A = _amps()
        u = 1 + mpmath.mpf(ratio)

        def f(x):
            c = mpmath.mpf(10) ** x
            return _delta(A / _k_merged(a_pt, c, u, 0), A / _k_merged(0, c, u, 0)) - threshold
        return mpmath.findroot(f, mpmath.mpf(x0))


# ------------------------------------------------------------------------------------- accuracy
@pytest.mark.parametrize("log10_c,gamma", [(-3.0, 0.0), (1.0, 0.0), (-3.0, 0.3)])
def test_l_order_boundary_float64_and_dps30_against_the_closed_form(log10_c, gamma):
    r64 = regime_boundary(TASK, "l_order", [log10_c], gamma_ft=gamma, definition="potential").points
    r30 = regime_boundary(TASK, "l_order", [log10_c], gamma_ft=gamma, definition="potential", dps=30).points
    assert len(r64) == len(r30) == 1
    p64, p30 = r64[0], r30[0]
    with mpmath.workdps(50):
        exact = _l_order_root(log10_c, gamma) - 1  # lambda/c
        # dps=30: within 1e-29 of the independent 50-digit closed form (asked: 30 digits, estimate below)
        assert abs(p30.lambda_over_c - exact) < mpmath.mpf(10) ** -29
        assert p30.error < mpmath.mpf(10) ** -30
        # float64 vs dps=30: within the float64 error estimate (kernel error 1e-13 over the slope
        # dp/du ~ 0.1-1, plus Brent's 1e-12), which is itself below 1e-11
        assert abs(mpmath.mpf(p64.lambda_over_c) - p30.lambda_over_c) <= p64.error < 1e-11


@pytest.mark.parametrize("ratio,x0", [(-0.5, -0.6), (0.5, -0.3)])
def test_potential_pt_dependence_boundary_against_an_independent_solve(ratio, x0):
    p64 = regime_boundary(TASK, "pt_dependence", [ratio], definition="potential", along="log10_c").points[0]
    p30 = regime_boundary(TASK, "pt_dependence", [ratio], definition="potential", along="log10_c", dps=30).points[0]
    with mpmath.workdps(50):
        exact = _delta_root(ratio, x0)
        assert abs(p30.log10_c - exact) < mpmath.mpf(10) ** -29
        assert abs(mpmath.mpf(p64.log10_c) - p30.log10_c) <= p64.error < 1e-11


def test_certified_interval_holds_the_closed_form_root():
    p = regime_boundary(TASK, "l_order", [-2.0], definition="potential", certify=True).points[0]
    iv = p.certified
    assert iv is not None and "opposite signs" in iv.proved
    with mpmath.workdps(60):
        assert _l_order_root(-2.0, 0.0) in iv  # the interval is of u = 1 + lambda/c
        assert iv.relative_width < mpmath.mpf(10) ** -30


def test_certified_interval_along_log10_c_holds_the_independent_root():
    p = regime_boundary(TASK, "pt_dependence", [0.5], definition="potential", along="log10_c",
                        certify=True).points[0]
    with mpmath.workdps(60):
        assert _delta_root(0.5, -0.3) in p.certified  # an interval of log10 c_PT
        assert p.certified.relative_width < mpmath.mpf(10) ** -30


# ------------------------------------------------------------------------------------- labels
def _labels(point, h, definition):
    """regime() just below and above ``point`` along its solved coordinate (independent calls)."""
    out = []
    for s in (-1, 1):
        x, y = float(point.log10_c), float(point.lambda_over_c)
        if point.solved == "lambda_over_c":
            y += s * h
        else:
            x += s * h
        c = 10.0**x
        out.append(regime(TASK, Init(c, y * c, 0.0), definition=definition).regime.value)
    return out


@pytest.mark.parametrize("axis,along,values,definition", [
    ("l_order", "lambda_over_c", [-3.0, 0.0, 1.5], "potential"),
    ("pt_dependence", "log10_c", [-0.5, 0.5], "potential"),
    ("l_order", "lambda_over_c", [-3.0], "paper"),
    ("pt_dependence", "log10_c", [-0.5], "paper"),
])
def test_neighbouring_labels_by_independent_regime_calls(axis, along, values, definition):
    cur = regime_boundary(TASK, axis, values, definition=definition, along=along)
    assert len(cur.points) == len(values)  # one crossing per line here (scan of 16 points)
    for p in cur.points:
        # h = 1e-6: a million error estimates (~1e-12) away, far closer than any other boundary (> 0.05)
        below, above = _labels(p, 1e-6, definition)
        assert (below, above) == (p.below, p.above) and below != above
        # the two labels differ exactly in this axis: rich I/IV vs lazy II/III, or dependent II/IV vs I/III
        rich = {"I", "IV"}
        dep = {"II", "IV"}
        flips = [(below in rich) != (above in rich), (below in dep) != (above in dep)]
        assert flips == ([True, False] if axis == "l_order" else [False, True])


def test_samples_boundary_labels_and_delta_s_at_the_point():
    """The calibrated (default) definition: delta_S = 1/3 at the point, labels flip across it (~3 s)."""
    cur = regime_boundary(TASK, "pt_dependence", [0.0], along="log10_c", n_scan=5)
    (p,) = cur.points
    assert cur.definition == "samples" and p.error < 1e-6
    below, above = _labels(p, 1e-4, None)  # delta_S carries ~1e-9: a step of 1e-4 in log10 c is resolved
    assert (below, above) == (p.below, p.above) == ("II", "III")
    at = regime(TASK, Init(10.0 ** float(p.log10_c), 0.0))
    assert abs(at.pt_dependence_samples - 1 / 3) < 1e-7  # |d delta_S / d log10 c| ~ 1: error ~1e-8


# ------------------------------------------------------------------------------------- errors
def test_errors_name_the_parameter():
    with pytest.raises(ParameterError, match="dps=30 is invalid for the 'samples' PT-dependence axis"):
        regime_boundary(TASK, "pt_dependence", [0.0], along="log10_c", dps=30)
    with pytest.raises(ParameterError, match="certify=True is invalid"):
        regime_boundary(TASK, "pt_dependence", [0.0], along="log10_c", certify=True)
    with pytest.raises(ParameterError, match=r"values=\[1.5\] is invalid for along='log10_c'"):
        regime_boundary(TASK, "l_order", [1.5], along="log10_c")
    with pytest.raises(ParameterError, match="along='x' is invalid"):
        regime_boundary(TASK, "l_order", [0.0], along="x")


def test_module_doctest():
    import ptft_theory.regime_boundaries as M
    res = doctest.testmod(M, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0


def test_cli_json_and_one_line_errors():
    from _cli import run_cli
    task = ["--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05"]
    rc, out, err = run_cli("boundary", "regime", "--axis", "l_order", "--values", "-3", "1.5", "--definition",
                           "potential", "--dps", "30", *task, "--json")
    assert rc == 0, err
    d = json.loads(out, parse_constant=lambda s: pytest.fail(f"non-strict JSON constant {s}"))
    assert [p["below"] + "|" + p["above"] for p in d["points"]] == ["IV|II", "I|III"]
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(d["points"][0]["lambda_over_c"]) - (_l_order_root(-3.0, 0.0) - 1)) < mpmath.mpf(10) ** -29
    rc, out, err = run_cli("boundary", "regime", "--axis", "pt_dependence", "--along", "log10_c", "--values", "0",
                           "--dps", "30", *task)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "dps=30 is invalid" in err
