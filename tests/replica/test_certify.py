"""Fast arbitrary precision (arb-evaluated moments, GMP-backed mpmath) and certified enclosures.

Oracles from outside the code under test: the mpmath kernels at 50 digits (arb balls must contain
them), the pre-issue-16 mpmath moment evaluator (a different arithmetic on the same rule), sympy
(the residual is affine in zeta), and for the certified Donoho-Tanner threshold the integral form
of the objective minimised independently with mpmath at 50 digits.
"""

import itertools

import flint
import mpmath
import pytest
import sympy as sp

from ptft_theory import Init, Task, codegen, kernels
from ptft_theory.kernels._generated import kernels_arb
from ptft_theory.symbolic import replica as R


def test_gmpy2_backend_installed():
    """gmpy2 is a package dependency, so mpmath runs on GMP (its pure-Python backend is ~2x slower
    on the outer solve)."""
    assert mpmath.libmp.BACKEND == "gmpy"


ARG_VALUES = (mpmath.mpf("0.3125"), mpmath.mpf("0.75"), mpmath.mpf("1.875"))  # exact in binary


@pytest.mark.parametrize("spec", [s for s in codegen.kernels_of("arb") if "mpmath" in s.backends], ids=lambda s: s.name)
def test_arb_kernels_enclose_mpmath_kernels(spec):
    """Each generated arb kernel, at exact (radius-0) inputs and 100 bits, returns a ball that
    contains the generated mpmath kernel evaluated at 50 digits, and is tight (radius <= 1e-25
    relative: 100 bits leave ~30 digits after the kernels' few operations)."""
    f_mp, f_arb = getattr(kernels.mp, spec.name), getattr(kernels_arb, spec.name)
    checked = 0
    for args in itertools.product(ARG_VALUES, repeat=len(spec.args)):  # the first 9 inside the kernel's domain
        if checked == 9:
            break
        with mpmath.workdps(50):
            try:
                ref = f_mp(*args)
            except (ValueError, ZeroDivisionError):
                continue
            if not mpmath.isfinite(ref) or isinstance(ref, mpmath.mpc):
                continue
            with flint.ctx.workprec(100):
                ball = f_arb(*(flint.arb(str(a)) for a in args))  # the ARG_VALUES are exact in binary
            with flint.ctx.workprec(200):  # the reference to 45 digits, far inside the ball's radius
                assert ball.contains(flint.arb(mpmath.nstr(ref, 45))), (spec.name, args, ball, ref)
            assert ball.rad() <= 1e-25 * max(abs(ref), mpmath.mpf(1)), (spec.name, args, ball)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("spec", [s for s in codegen.KERNELS if s.backends == ("arb",)], ids=lambda s: s.name)
def test_arb_only_kernels_enclose_sympy_oracle(spec):
    """The certified path's own kernels (s-integrands and their tau/zeta derivatives) contain sympy's
    lambdify of the source expression at 50 digits, on both signs of b0 and b0 = 0."""
    f = sp.lambdify([a for a, _ in spec.args], codegen.expression(spec), "mpmath")
    for vals in (("0.25", "0.5", "0.375", "0.125", "0.0625", "0.5"), ("-0.75", "-1", "1.5", "2", "0.25", "-0.125"),
                 ("1.25", "0.5", "0.75", "0.5", "0", "0")):  # (w, x, tau, zeta, m, b0), exact in binary
        with mpmath.workdps(50):
            ref = f(*(mpmath.mpf(v) for v in vals))
        with flint.ctx.workprec(200):
            ball = getattr(kernels_arb, spec.name)(*(flint.arb(v) for v in vals))
            # the oracle is good to ~1e-48 (50 digits, printed to 48): the ball must overlap it within that
            oracle = flint.arb(flint.arb(mpmath.nstr(ref, 48)), 1e-46 * max(abs(float(ref)), 1e-300))
            assert ball.overlaps(oracle), (spec.name, vals, ball, ref)
            assert ball.rad() <= 1e-40 * max(abs(ref), 1)


def test_prox_residual_is_affine_in_zeta():
    """The arb moment evaluator precomputes the residual at zeta = 0 and adds zeta s: valid because
    the symbolic residual is exactly affine in zeta with slope s (and b'(s) is the derivative at
    zeta = 0, eta' = b'/(zeta + b'))."""
    r = R.prox_residual_in_mirror_variable()
    w = next(x for x in r.free_symbols if x.name == "w")
    zeta = R.zeta
    assert sp.simplify(r - r.subs(zeta, 0) - zeta * w) == 0
    d = R.prox_residual_derivative()
    assert sp.simplify(d - d.subs(zeta, 0) - zeta) == 0
    from ptft_theory.symbolic import potential
    assert sp.simplify(r.subs(zeta, 0) - (potential.beta_of_s_stable() - R.x)) == 0  # r(s; 0) = b(s) - x
    eta_p = R.eta_prime()
    assert sp.simplify(eta_p - d.subs(zeta, 0) / (d.subs(zeta, 0) + zeta)) == 0


def test_arb_moments_match_mpmath_moments():
    """The arb evaluator and the pre-issue-16 mpmath evaluator, on the same panels and the same
    48-point rule, give the same moments to 1e-38 relative (both work at 42 digits: only rounding
    differs)."""
    from ptft_theory.replica.mp import PointSolver
    from ptft_theory.replica.mp_moments import ArbMoments as _MomentsMP
    from ptft_theory.replica.mp_moments import MpmathMoments as _MomentsMPLegacy
    S = PointSolver(Task(0.1, 0.05, 0.05), Init(1e-2, 0.0, 0.1), "merged", 0.0, 30)
    S._start(0.4)
    with mpmath.workdps(S.wp):
        tau, zeta = mpmath.mpf("0.3"), mpmath.mpf("0.05")
        new = _MomentsMP(S.classes, S.pans, 48, S.wp)(tau, zeta)
        old = _MomentsMPLegacy(S.classes, S.pans, 48, S.wp)(tau, zeta)
        for a, b in zip(new, old):
            assert abs(a - b) <= mpmath.mpf(10) ** -38 * abs(b), (a, b)


# ----------------------------------------------------------------------- certified Donoho-Tanner
def _dt_integral_form(rho):
    """alpha_c(rho) from the integral form min_t rho(1+t^2) + (1-rho) E[(|z|-t)_+^2], minimised
    independently at 50 digits (mpmath quadrature of the Gaussian integrals, no erfc closed form):
    the stationarity rho t = (1-rho) E[(|z|-t)_+] is solved by findroot on quad."""
    with mpmath.workdps(50):
        r = mpmath.mpf(rho)
        phi = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        dpsi = lambda t: r * t - (1 - r) * 2 * mpmath.quad(lambda z: (z - t) * phi(z), [t, mpmath.inf])  # noqa: E731
        t = mpmath.findroot(dpsi, mpmath.mpf(1), tol=mpmath.mpf(10) ** -90)
        return r * (1 + t * t) + (1 - r) * 2 * mpmath.quad(lambda z: (z - t) ** 2 * phi(z), [t, mpmath.inf])


@pytest.mark.parametrize("rho", [0.1, 0.05, 0.4])
def test_certified_dt_threshold_contains_integral_form(rho):
    """The certified interval contains the independently minimised integral form (50 digits; its own
    error ~1e-48, far below the 1e-30 width asked) and is <= 1e-30 wide relative; at rho = 0.1 it
    also matches DESIGN's published 0.328793505453630."""
    from ptft_theory.replica import rich_limit_threshold
    iv = rich_limit_threshold(rho, 30, certify=True)
    ref = _dt_integral_form(rho)
    assert ref in iv, (str(iv), ref)
    assert iv.relative_width <= mpmath.mpf(10) ** -30
    if rho == 0.1:
        assert abs(float(iv) - 0.328793505453630) < 1e-15


def test_certified_dt_threshold_refuses_low_precision_and_bad_rho():
    """Too little working precision for the width asked is refused (never a wider interval labelled
    certified); the message says what to raise.  rho outside (0, 1) is a parameter error."""
    from ptft_theory.errors import CertificationError
    from ptft_theory.replica.certify import certified_rich_limit_threshold
    with pytest.raises(CertificationError, match="raise working_dps"):
        certified_rich_limit_threshold(0.1, 30, working_dps=25)
    with pytest.raises(ValueError, match="rho"):
        certified_rich_limit_threshold(1.0, 30)


# ----------------------------------------------------------------------- certified replica points
from ptft_theory.replica import generalization_error  # noqa: E402

FULL = __import__("os").environ.get("PTFT_FULL") == "1"
MIXED = Task(0.1, 0.05, 0.05)
# both schemes, rich (c = 1e-2, 1e-3) and lazy (c = 100), noisy ones; the boundaries add one of each kind
POINT_SETTINGS = [
    (Init(1e-2, 0.0, 0.1), "readout", 0.0, 0.4),       # rich, readout
    (Init(100.0), "merged", 0.0, 0.6),                 # lazy, merged
    (Init(1e-2, -5e-3, 0.1), "readout", 0.05, 0.3),    # rich, smaller first layer, noisy
    (Init(1e-2, -5e-3, 0.1), "merged", 0.0, 0.5),      # rich, merged (regime IV)
]
FULL_POINT_SETTINGS = [
    (Init(1.0), "merged", 0.0, 0.4),
    (Init(1e-3, 0.0, 0.05), "readout", 0.0, 0.25),
    (Init(0.1, -0.1, 0.5), "merged", 0.02, 0.6),
]


@pytest.mark.parametrize("setting", POINT_SETTINGS + FULL_POINT_SETTINGS, ids=str)  # ~0.7 s each
def test_certified_point_contains_independent_50_digit_E(setting):
    """E's certified interval (dps = 30) contains the 50-digit replica E computed by the other path
    (Gauss-Legendre panels and a Newton solve, vs arb's rigorous integration and Krawczyk), and the
    float64 E to its 1e-9 accuracy; relative width <= 1e-25 (the issue's bar; we reach ~1e-38);
    the (tau, zeta) box contains the 50-digit (tau, zeta)."""
    init, scheme, sigma, alpha = setting
    p = generalization_error(MIXED, init, alpha, scheme, sigma, certify=True)
    r = generalization_error(MIXED, init, alpha, scheme, sigma, dps=50)
    assert r.E[0] in p.E and r.tau[0] in p.tau and r.zeta[0] in p.zeta, (str(p.E), r.E_str)
    assert p.E.relative_width <= 1e-25 and p.tau.relative_width <= 1e-25 and p.zeta.relative_width <= 1e-25
    E64 = float(generalization_error(MIXED, init, alpha, scheme, sigma))
    assert abs(E64 / float(p.E) - 1) < 1e-8


@pytest.mark.slow
@pytest.mark.parametrize("setting", POINT_SETTINGS if FULL else POINT_SETTINGS[:1], ids=str)
def test_certified_point_contains_legacy_mpmath_50_digits(setting, monkeypatch):
    """The 50-digit E from the pre-issue-16 evaluator (pure mpmath kernels and arithmetic, mpmath's
    node tables) lies in the certified interval: an oracle sharing no arithmetic with arb (~10 s per
    setting: one setting by default, all with PTFT_FULL=1)."""
    from ptft_theory.replica import mp as replica_mp
    init, scheme, sigma, alpha = setting
    p = generalization_error(MIXED, init, alpha, scheme, sigma, certify=True)
    monkeypatch.setattr(replica_mp, "MOMENTS", "mpmath")
    r = generalization_error(MIXED, init, alpha, scheme, sigma, dps=50)
    assert r.E[0] in p.E, (str(p.E), r.E_str)


def test_certified_point_refuses_wrong_box_and_low_precision():
    """A box that does not hold the solution (centre moved by 1e-20 relative, box 1e-35 wide) fails
    Krawczyk's test and is refused; so is a working precision too low for the width asked.  The
    messages say what to change."""
    from ptft_theory.errors import CertificationError
    from ptft_theory.replica.certify_point import certified_point
    init, scheme, sigma, alpha = POINT_SETTINGS[0]
    r = generalization_error(MIXED, init, alpha, scheme, sigma, dps=40)
    with mpmath.workdps(60):
        centre = (r.tau[0] * (1 + mpmath.mpf(10) ** -20), r.zeta[0])
    with pytest.raises(CertificationError, match="Krawczyk test failed.*check the box"):
        certified_point(alpha, MIXED, init, scheme, sigma, 30, center=centre)
    with pytest.raises(CertificationError, match="raise working_dps"):
        certified_point(alpha, MIXED, init, scheme, sigma, 30, working_dps=22)


# ----------------------------------------------------------------------- certified boundaries
def test_certified_level_crossing_contains_50_digit_root():
    """A certified level-crossing interval (dps = 30, width <= 1e-25 relative) contains the root found
    independently by the 50-digit secant on the panel path; a level the bracket does not cross is
    refused (no sign change: a ParameterError from the root finder, nothing labelled certified)."""
    from ptft_theory.replica.boundaries import level_crossing_alpha
    init = Init(1e-2, 0.0, 0.1)
    iv = level_crossing_alpha(MIXED, init, 0.25, bracket=(0.2, 0.6), certify=True)
    ref = level_crossing_alpha(MIXED, init, 0.25, bracket=(0.2, 0.6), dps=50)
    assert ref.alpha in iv and iv.relative_width <= 1e-25, (str(iv), ref.alpha_str)
    with pytest.raises(ValueError, match="no sign change"):
        level_crossing_alpha(MIXED, init, 0.99, bracket=(0.2, 0.6), certify=True)


def test_certified_equal_error_contains_50_digit_root():
    """The certified equal-error alpha of readout vs merged (regime IV init, the docstring example)
    contains the independent 50-digit root, width <= 1e-25 relative."""
    from ptft_theory.replica.boundaries import equal_error_alpha
    kw = dict(scheme_a="readout", scheme_b="merged", bracket=(0.2, 0.3))
    iv = equal_error_alpha(MIXED, Init(0.01, -0.005, 0.1), certify=True, **kw)
    ref = equal_error_alpha(MIXED, Init(0.01, -0.005, 0.1), dps=50, **kw)
    assert ref.alpha in iv and iv.relative_width <= 1e-25, (str(iv), ref.alpha_str)


def test_cli_certify_curve_json_and_refusal(capsys):
    """`ptft curve --certify --json` prints strict JSON with the interval as strings (containing the
    float64 E to its 1e-9); `--certify` with `--over` is a user error (exit 2, one line)."""
    import json

    from ptft_theory.cli import main
    args = ["--c-pt", "0.01", "--gamma-ft", "0.1", "--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05"]
    assert main(["curve", *args, "--alpha", "0.3", "--certify", "--json"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    E = out["points"][0]["E"]
    assert out["certified"] and E["certified"] and mpmath.mpf(E["lo"]) <= mpmath.mpf(E["hi"])
    E64 = float(generalization_error(MIXED, Init(0.01, 0.0, 0.1), 0.3))
    assert abs(float(E["lo"]) / E64 - 1) < 1e-8
    assert main(["boundary", "level", "--level", "0.25", *args, "--bracket", "0.2", "0.6", "--certify",
                 "--over", "lambda_pt", "--values", "0"]) == 2
    err = capsys.readouterr().err
    assert "--certify" in err and len(err.strip().splitlines()) == 1


def test_certified_l2_limit_closed_form():
    """Closed-form truth: at c = 1e14 the potential is l2 to O((A/k)^2) ~ 4e-27 (A^2 = 10, k ~ 2c), so
    E = 1 - alpha and the level-L crossing is alpha = 1 - L, both to 1e-25: the certified E interval
    and the certified crossing interval lie within 1e-25 of them (their widths are ~1e-38/1e-35)."""
    from ptft_theory.replica.boundaries import level_crossing_alpha
    init = Init(1e14)
    p = generalization_error(MIXED, init, 0.5, certify=True)
    assert abs(p.E.lo - mpmath.mpf("0.5")) < 1e-25 and abs(p.E.hi - mpmath.mpf("0.5")) < 1e-25, str(p.E)
    iv = level_crossing_alpha(MIXED, init, 0.25, bracket=(0.5, 0.9), certify=True)
    assert abs(iv.lo - mpmath.mpf("0.75")) < 1e-25 and abs(iv.hi - mpmath.mpf("0.75")) < 1e-25, str(iv)


def test_certify_saturated_alpha_is_the_same_error_as_the_float64_path():
    """alpha above the non-frozen fraction (readout, lambda = -c, gamma = 0 freezes the unused 90%)
    is infeasible on every path: certify=True raises the InfeasibleError the float64 path raises."""
    from ptft_theory import InfeasibleError
    args = (Task(0.1, 0.05, 0.05), Init(1e-2, -1e-2, 0.0), 0.2, "readout")
    with pytest.raises(InfeasibleError):
        generalization_error(*args)
    with pytest.raises(InfeasibleError, match="non-frozen"):
        generalization_error(*args, dps=30, certify=True)
