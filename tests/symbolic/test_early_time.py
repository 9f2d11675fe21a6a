"""The early-time expansion on finite data (symbolic/early_time.py): the recursion against exact Lie
derivatives, the merged-scheme NTK deviation, and the recursion against a numeric high-order check."""

import mpmath
import pytest
import sympy as sp
from conftest import FULL

from ptft_theory.symbolic import early_time as ET


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="PTFT_FULL=1: ~10 s of sympy; the derivation document renders it (the codegen staleness test runs it)")
def test_recursion_matches_lie_derivatives_of_a_coupled_flow():
    assert ET.check_on_two_coordinates()


def test_merged_ntk_deviation_is_third_order_and_scale_free():
    k1, k2, dev, rel = ET.merged_ntk_deviation()
    assert k1 == 0 and sp.simplify(k2 - 2 / sp.Symbol("k", nonnegative=True)) == 0
    # relative deviation (2/3)(g0 t)^2: no k left in it
    assert sp.Symbol("k", nonnegative=True) not in rel.free_symbols
    assert sp.simplify(rel - sp.Rational(2, 3) * (ET.g0 * ET.time) ** 2) == 0


def test_one_coordinate_taylor_against_mpmath_ode():
    """Outside truth: mpmath's Taylor ODE solver (odefun) on the scalar flow b' = K(b)(c - h b) at 30
    digits; the recursion's series leaves a remainder scaling as t^4 (ratio 1e4 per decade within 2%:
    the t^5 term changes it by ~ 1e-3 relative at t = 1e-3); a wrong coefficient would leave t^3 or less."""
    mpmath.mp.dps = 30
    kk, h, c, b0 = mpmath.mpf("0.3"), mpmath.mpf("1.7"), mpmath.mpf("0.9"), mpmath.mpf("-0.4")

    def K(b):
        return 2 * mpmath.sqrt(kk**2 + b**2)

    sol = mpmath.odefun(lambda t, b: K(b) * (c - h * b), 0, b0)
    B1, B2, B3 = ET.taylor_recursion()
    Kb, K1e, K2e = ET.kernel_derivatives()
    sub = {sp.Symbol("k", nonnegative=True): sp.Rational(3, 10), sp.Symbol("b", real=True): sp.Rational(-2, 5)}
    K0v, K1v, K2v = (sp.N(e.subs(sub), 30) for e in (Kb, K1e, K2e))
    g0 = sp.Rational(9, 10) - sp.Rational(17, 10) * sp.Rational(-2, 5)
    b1 = B1.subs({ET.K0: K0v, ET.g0: g0})
    b2 = B2.subs({ET.K0: K0v, ET.K1: K1v, ET.g0: g0, ET.g1: -sp.Rational(17, 10) * b1, ET.beta1: b1})
    b3 = B3.subs({ET.K0: K0v, ET.K1: K1v, ET.K2: K2v, ET.g0: g0, ET.g1: -sp.Rational(17, 10) * b1,
                  ET.g2: -sp.Rational(17, 10) * b2, ET.beta1: b1, ET.beta2: b2})
    c1, c2, c3 = (mpmath.mpf(str(sp.N(v, 30))) for v in (b1, b2, b3))

    def remainder(t):
        return sol(t) - (b0 + c1 * t + c2 * t**2 / 2 + c3 * t**3 / 6)

    ratio = remainder(mpmath.mpf("1e-3")) / remainder(mpmath.mpf("1e-4"))
    assert abs(ratio / 1e4 - 1) < 0.02
