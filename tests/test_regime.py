"""ptft_theory.regime: the descriptors (l_order, PT dependence) and the regime label, against sympy
at 50 digits where float64 over- or underflows."""

import pytest
import sympy as sp

from ptft_theory import Init, ParameterTypeError, Task, regime

_Z = sp.Symbol("z", positive=True)


def _sympy_descriptors(amp, k_pt, k_new):
    """l-order and PT dependence from docs/design.md's definitions typed here independently, at 50 digits:
    h(z) = z asinh z - sqrt(1+z^2) + 1, p = z h'/h, q = h/z, delta = (q_new - q_pt)/(q_new + q_pt)."""
    h = _Z * sp.asinh(_Z) - sp.sqrt(1 + _Z**2) + 1
    p = _Z * sp.diff(h, _Z) / h
    q = h / _Z

    def at(expr, zv):
        # h loses every digit to cancellation at tiny z: evaluate with enough working digits
        return sp.N(expr.subs(_Z, sp.Rational(zv) if zv != 0 else zv), 50, maxn=2000)
    zp, zn = sp.Float(amp, 60) / sp.Float(k_pt, 60), sp.Float(amp, 60) / sp.Float(k_new, 60)
    qp, qn = at(q, zp), at(q, zn)
    return float(at(p, zp)), float((qn - qp) / (qn + qp))


@pytest.mark.parametrize("c", [1e-154, 1e-300, 1e200, 1e300])
@pytest.mark.parametrize("scheme", ["readout", "merged"])
def test_regime_at_extreme_scales_is_finite_and_right(c, scheme):
    """Old code: OverflowError (c <= 1e-154), NaN descriptors labelled III (c >= 1e200)."""
    task = Task(0.1, 0.05, 0.05)
    r = regime(task, Init(c), scheme)
    p, delta = _sympy_descriptors(task.a_ft, r.k_pt, r.k_new)
    assert r.l_order == pytest.approx(p, rel=1e-12) and r.pt_dependence == pytest.approx(delta, rel=1e-12, abs=1e-15)
    if c > 1:
        assert r.regime.value == "III"  # lazy and PT-independent, as the paper's large-scale corner


def test_regime_rejects_thresholds_none():
    with pytest.raises(ParameterTypeError, match="thresholds"):
        regime(Task(0.1, 0.05, 0.05), Init(1e-2), thresholds=None)
