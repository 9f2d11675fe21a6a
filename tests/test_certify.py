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
from ptft_theory._generated import kernels_arb
from ptft_theory.symbolic import replica as R


def test_gmpy2_backend_installed():
    """gmpy2 is a package dependency, so mpmath runs on GMP (its pure-Python backend is ~2x slower
    on the outer solve)."""
    assert mpmath.libmp.BACKEND == "gmpy"


ARG_VALUES = (mpmath.mpf("0.3125"), mpmath.mpf("0.75"), mpmath.mpf("1.875"))  # exact in binary


@pytest.mark.parametrize("spec", codegen.kernels_of("arb"), ids=lambda s: s.name)
def test_arb_kernels_enclose_mpmath_kernels(spec):
    """Each generated arb kernel, at exact (radius-0) inputs and 100 bits, returns a ball that
    contains the generated mpmath kernel evaluated at 50 digits, and is tight (radius <= 1e-25
    relative: 100 bits leave ~30 digits after the kernels' few operations)."""
    f_mp, f_arb = getattr(kernels.mp, spec.name), getattr(kernels_arb, spec.name)
    checked = 0
    for args in itertools.islice(itertools.product(ARG_VALUES, repeat=len(spec.args)), 9):
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
    eta_p = R.eta_prime()
    assert sp.simplify(eta_p - d.subs(zeta, 0) / (d.subs(zeta, 0) + zeta)) == 0


def test_arb_moments_match_mpmath_moments():
    """The arb evaluator and the pre-issue-16 mpmath evaluator, on the same panels and the same
    48-point rule, give the same moments to 1e-38 relative (both work at 42 digits: only rounding
    differs)."""
    from ptft_theory.replica_mp import PointSolver, _MomentsMP, _MomentsMPLegacy
    S = PointSolver(Task(0.1, 0.05, 0.05), Init(1e-2, 0.0, 0.1), "merged", 0.0, 30)
    S._start(0.4)
    with mpmath.workdps(S.wp):
        tau, zeta = mpmath.mpf("0.3"), mpmath.mpf("0.05")
        new = _MomentsMP(S.classes, S.pans, 48, S.wp)(tau, zeta)
        old = _MomentsMPLegacy(S.classes, S.pans, 48, S.wp)(tau, zeta)
        for a, b in zip(new, old):
            assert abs(a - b) <= mpmath.mpf(10) ** -38 * abs(b), (a, b)
